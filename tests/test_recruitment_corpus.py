"""The shared Open Badges corpus, presented through the applying form.

Each case's documents are served by a real HTTP server on loopback; the
verification task fetches them with ``SafeFetcher`` (loopback allowed, as
in tests only) through ``LoopbackCorpusFetcher``, which sends each URL of
the case's ``urls`` map to that server. Every recorded verdict must be the
case's expected status, or one it lists as also acceptable.
"""

import json
import mimetypes
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urldefrag

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from openbadges.fetch import FetchError, Response, SafeFetcher
from recruitment import services
from recruitment.models import AcceptedBadge, Application
from tests.openbadges.helpers import corpus_cases, corpus_folder
from tests.test_recruitment_helpers import make_advert

CASES = corpus_cases() or ["corpus-missing"]


def content_type(name):
    if not name:
        return "text/plain"
    if name.endswith((".json", ".jsonld")):
        return "application/ld+json" if name.endswith("ld") else "application/json"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class CorpusHandler(BaseHTTPRequestHandler):
    """Answer /<case>/<n> with the n-th entry of that case's urls map."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        _, case, number = self.path.split("/", 2)
        folder = corpus_folder() / case
        urls = json.loads((folder / "case.json").read_text())["urls"]
        entry = list(urls.values())[int(number)]
        if isinstance(entry, str):
            entry = {"status": 200, "file": entry}
        name = entry.get("file")
        body = (folder / name).read_bytes() if name else b""
        self.send_response(int(entry.get("status", 200)))
        self.send_header("Content-Type", content_type(name))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def corpus_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CorpusHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class LoopbackCorpusFetcher:
    """Fetch a case's URLs for real, from the loopback corpus server."""

    def __init__(self, server, case, urls):
        self.paths = {url: f"{server}/{case}/{n}" for n, url in enumerate(urls)}
        self.fetch = SafeFetcher(allow_loopback=True, timeout=5, max_bytes=1_000_000)

    def __call__(self, url):
        local = self.paths.get(url) or self.paths.get(urldefrag(url).url)
        if local is None:
            raise FetchError(f"{url} does not answer (not in the offline map).")
        answer = self.fetch(local)
        return Response(url, answer.status, answer.body, answer.content_type)


@pytest.mark.parametrize("name", CASES)
def test_a_presented_corpus_badge_gets_the_expected_verdict(
    name,
    corpus_server,
    employer,
    site_client,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    folder = corpus_folder() / name
    case = json.loads((folder / "case.json").read_text())
    given, expect = case["input"], case["expect"]
    fetcher = LoopbackCorpusFetcher(corpus_server, name, case["urls"])
    monkeypatch.setattr("recruitment.verification.make_fetcher", lambda: fetcher)
    as_of = datetime.fromisoformat(expect["as_of"])
    monkeypatch.setattr("recruitment.verification.verification_time", lambda: as_of)

    advert = make_advert(employer)
    accepted_id = expect.get("badge_class_id") or expect.get("achievement_id")
    if accepted_id:
        with tenant_context(employer):
            services.accept_badge(
                advert,
                kind=AcceptedBadge.Kind.EXTERNAL_BADGE,
                required=True,
                url=accepted_id,
                name=expect.get("badge_name") or "Corpus badge",
            )
    form = {
        "name": "Corpus Applicant",
        "email": given.get("recipient_email", "applicant@example.org"),
        "recipient_id": given.get("recipient_id", ""),
        "message": "Please see my badge.",
    }
    if "file" in given:
        data = (folder / given["file"]).read_bytes()
        form["badge_files"] = [SimpleUploadedFile(given["file"], data)]
    else:
        form["badge_urls"] = given["url"]

    with django_capture_on_commit_callbacks(execute=True):
        response = site_client(employer).post(f"/jobs/{advert.entity_id}/apply/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(employer):
        application = Application.objects.prefetch_related("badges").get()
        (presented,) = application.badges.all()
        match = services.match(application, list(advert.accepted_badges.all()))
    acceptable = [expect["status"], *expect.get("status_also_acceptable", [])]
    assert presented.result in acceptable, presented.reason
    assert presented.status == "done"
    if accepted_id:
        assert match.meets_required is (presented.result == "valid")
    for fact in ("badge_name", "issuer_name", "openbadges_version"):
        if fact in expect:
            assert getattr(presented, fact) == expect[fact]
