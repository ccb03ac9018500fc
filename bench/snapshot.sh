#!/usr/bin/env bash
# Make a clean copy of a commit to benchmark while the work tree is being
# edited: the commit's files (git archive), this tree's bench/ and a link to
# this tree's .venv. Prints the copy's path; run the bench scripts from there.
#
#   cd "$(bench/snapshot.sh [COMMIT])" && .venv/bin/python bench/bulk_award.py
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
commit="$(git -C "$root" rev-parse --short "${1:-HEAD}")"
target="${BENCH_SNAPSHOT_DIR:-/tmp/portal-bench-src}-$commit"
rm -rf "$target"
mkdir -p "$target"
git -C "$root" archive "$commit" | tar -x -C "$target"
rm -rf "$target/bench"
cp -r "$root/bench" "$target/bench"
ln -s "$root/.venv" "$target/.venv"
echo "$target"
