"""Fetchers that let the Open Badges verifier read the portal in tests."""

from urllib.parse import urlsplit

from django.test import Client

from openbadges.fetch import FetchError, Response


class SiteFetcher:
    """Fetch portal URLs through the test client, as a verifier would."""

    def __init__(self):
        self.client = Client()
        self.requested = []

    def __call__(self, url):
        self.requested.append(url)
        parts = urlsplit(url)
        if not parts.hostname or not parts.hostname.endswith("localhost"):
            raise FetchError(f"not a portal address: {url}")
        response = self.client.get(
            parts.path,
            HTTP_HOST=parts.hostname,
            HTTP_ACCEPT="application/ld+json, application/json",
        )
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        return Response(url, response.status_code, body, response["Content-Type"])
