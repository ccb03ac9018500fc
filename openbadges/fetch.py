"""Fetch the documents a badge links to, without being steered inside.

A badge names URLs chosen by whoever made it, so a verifier that fetches
them blindly can be made to call the portal's own network (cloud metadata,
internal services). ``SafeFetcher`` resolves each host once, refuses any
address that is not public, and connects to exactly the address it checked,
keeping the host name for the Host header, SNI and certificate check, so a
DNS answer cannot change between the check and the connection. Redirects are
followed by hand so every hop is checked the same way.

urllib3 is used directly rather than through requests because its
connection pools take the address to connect to separately from the
``server_hostname`` and ``assert_hostname`` used for TLS.
"""

import ipaddress
import logging
import mimetypes
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urldefrag, urljoin, urlsplit

import urllib3

logger = logging.getLogger(__name__)

ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"
USER_AGENT = "openbadges-verifier/1.0"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
READ_SIZE = 64 * 1024

# 64:ff9b::/96 maps IPv4 addresses through NAT64 gateways.
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Response:
    """What a URL answered: final URL, status, body and content type."""

    url: str
    status: int
    body: bytes
    content_type: str


class FetchError(Exception):
    """The URL could not be fetched: refused, unreachable, too big, too slow."""


class _ConnectFailed(Exception):
    """No connection could be made to one address; another may work."""


class Fetcher(Protocol):
    """Anything that fetches a URL, raising FetchError when it cannot."""

    def __call__(self, url: str) -> Response: ...


def address_is_allowed(address: str, *, allow_loopback: bool = False) -> bool:
    """Return whether an IP address is public, or loopback when allowed."""
    ip = _embedded_ipv4(ipaddress.ip_address(address))
    if allow_loopback and ip.is_loopback:
        return True
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _embedded_ipv4(ip):
    """Return the IPv4 address an IPv6 address carries, if it carries one."""
    if ip.version == 4:
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


class SafeFetcher:
    """Fetch public http(s) URLs with size, time and redirect limits."""

    def __init__(
        self,
        allow_loopback: bool = False,
        timeout: float = 5.0,
        max_bytes: int = 1_000_000,
        max_redirects: int = 3,
        *,
        ca_certs: str | None = None,
    ):
        self.allow_loopback = allow_loopback
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        # Tests pass a CA file for their own certificate; otherwise the
        # system trust store is used.
        self.ca_certs = ca_certs

    def __call__(self, url: str) -> Response:
        """Fetch url, following up to max_redirects checked redirects."""
        deadline = time.monotonic() + self.timeout
        for _ in range(self.max_redirects + 1):
            response, location = self._fetch_once(url, deadline)
            if location is None:
                return response
            url = urljoin(url, location)
            logger.info("Following redirect to %s", url)
        raise FetchError(f"More than {self.max_redirects} redirects from the URL.")

    def _fetch_once(self, url: str, deadline: float):
        target = _Target.parse(url)
        addresses = self._checked_addresses(target)
        for address in addresses[:-1]:
            try:
                return self._fetch_from(url, target, address, deadline)
            except _ConnectFailed:
                logger.info("Could not connect to %s; trying its next address", address)
        try:
            return self._fetch_from(url, target, addresses[-1], deadline)
        except _ConnectFailed as failure:
            raise FetchError(f"Could not connect to {target.host}.") from failure

    def _fetch_from(self, url: str, target: "_Target", address: str, deadline: float):
        pool = self._pool(target, address)
        try:
            raw = pool.urlopen(
                "GET",
                target.path,
                headers=self._headers(target),
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=False,
                timeout=self._timeout_left(deadline),
            )
            try:
                return self._read(url, raw, deadline)
            finally:
                raw.release_conn()
        except urllib3.exceptions.NewConnectionError as error:
            raise _ConnectFailed(str(error)) from error
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(f"Could not fetch {url}: {error}") from error
        finally:
            pool.close()

    def _checked_addresses(self, target: "_Target") -> list[str]:
        """Resolve the host once and return the addresses that may be contacted."""
        # Where loopback is allowed (development, tests), *.localhost is the
        # loopback address as RFC 6761 says and browsers do; Python's resolver
        # may not know it.
        host = target.host.lower().rstrip(".")
        if self.allow_loopback and (host == "localhost" or host.endswith(".localhost")):
            return ["127.0.0.1"]
        try:
            answers = socket.getaddrinfo(
                target.host, target.port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as error:
            raise FetchError(f"Could not resolve {target.host}: {error}") from error
        addresses = [answer[4][0] for answer in answers]
        refused = [
            address
            for address in addresses
            if not address_is_allowed(address, allow_loopback=self.allow_loopback)
        ]
        # One private answer among public ones is refused too: the host's
        # owner is pointing it inside, and nothing good comes of that.
        # The addresses go to the log only: the reason is shown to whoever
        # presented the badge, who should not learn the inside of the network.
        if refused or not addresses:
            logger.info(
                "refused %s: resolves to %s", target.host, ", ".join(refused) or "none"
            )
            raise FetchError(
                f"Refusing to fetch from {target.host}: it is not on the public "
                "internet (it resolves to a non-public address)."
            )
        return list(dict.fromkeys(addresses))

    def _pool(self, target: "_Target", address: str):
        if target.scheme == "https":
            return urllib3.HTTPSConnectionPool(
                address,
                target.port,
                maxsize=1,
                server_hostname=target.host,
                assert_hostname=target.host,
                cert_reqs="CERT_REQUIRED",
                ca_certs=self.ca_certs,
            )
        return urllib3.HTTPConnectionPool(address, target.port, maxsize=1)

    def _headers(self, target: "_Target") -> dict:
        return {
            "Host": target.host_header,
            "Accept": ACCEPT,
            # Asking for no compression keeps max_bytes a true limit.
            "Accept-Encoding": "identity",
            "User-Agent": USER_AGENT,
        }

    def _timeout_left(self, deadline: float) -> urllib3.Timeout:
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"Timed out after {self.timeout} seconds.")
        return urllib3.Timeout(connect=left, read=left)

    def _read(self, url: str, raw, deadline: float):
        location = raw.headers.get("Location")
        if raw.status in REDIRECT_STATUSES and location:
            return None, location
        declared = raw.headers.get("Content-Length", "")
        too_big = FetchError(f"{url} answers with more than {self.max_bytes} bytes.")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        body = bytearray()
        # read1 returns what has arrived, so a server that drips bytes
        # still meets the deadline check between reads.
        while chunk := raw.read1(READ_SIZE):
            body += chunk
            if len(body) > self.max_bytes:
                raise too_big
            if time.monotonic() > deadline:
                raise FetchError(f"Timed out after {self.timeout} seconds.")
        content_type = raw.headers.get("Content-Type", "")
        return Response(url, raw.status, bytes(body), content_type), None


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str
    host_header: str

    @classmethod
    def parse(cls, url: str) -> "_Target":
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise FetchError(f"Only http and https URLs are fetched, not {url!r}.")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError as error:
            raise FetchError(f"The URL {url!r} has an invalid port.") from error
        host = parts.hostname
        if not host:
            raise FetchError(f"The URL {url!r} has no host.")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        shown = f"[{host}]" if ":" in host else host
        if parts.port and parts.port != DEFAULT_PORTS[scheme]:
            shown += f":{parts.port}"
        return cls(scheme, host, port, path, shown)


class MappedFetcher:
    """Answer from a corpus case's offline ``urls`` map, for tests.

    A value is a file name (served 200) or ``{"status": N, "file": name}``;
    a URL not in the map raises FetchError, as a network failure would.
    """

    def __init__(self, urls: dict, folder: Path):
        self.urls = dict(urls)
        self.folder = Path(folder)
        self.requested: list[str] = []

    def __call__(self, url: str) -> Response:
        """Serve url from the map, or raise FetchError."""
        self.requested.append(url)
        entry = self.urls.get(url, self.urls.get(urldefrag(url).url))
        if entry is None:
            raise FetchError(f"{url} does not answer (not in the offline map).")
        if isinstance(entry, str):
            entry = {"status": 200, "file": entry}
        name = entry.get("file")
        body = (self.folder / name).read_bytes() if name else b""
        return Response(url, int(entry.get("status", 200)), body, _content_type(name))


def _content_type(name: str | None) -> str:
    if not name:
        return ""
    if name.endswith((".jsonld", ".json")):
        return "application/ld+json" if name.endswith("ld") else "application/json"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
