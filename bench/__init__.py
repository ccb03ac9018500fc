"""Benchmarks of the employer portal; see bench/README.md."""
