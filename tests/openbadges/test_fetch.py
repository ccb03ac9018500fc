"""SafeFetcher against a local test server, and the offline MappedFetcher.

Every refused address is refused before any connection is made, so these
tests only ever send traffic to 127.0.0.1.
"""

import datetime
import http.server
import json
import socket
import ssl
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from openbadges import fetch
from openbadges.fetch import (
    ACCEPT,
    FetchError,
    MappedFetcher,
    Response,
    SafeFetcher,
    address_is_allowed,
)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        route = urlsplit(self.path)
        query = parse_qs(route.query)
        if route.path == "/ok":
            self.send_json(
                {"host": self.headers["Host"], "accept": self.headers["Accept"]}
            )
        elif route.path == "/redirect":
            self.redirect(query["to"][0])
        elif route.path.startswith("/chain/"):
            left = int(route.path.rsplit("/", 1)[1])
            self.redirect(f"/chain/{left - 1}" if left else "/ok")
        elif route.path == "/loop":
            self.redirect("/loop")
        elif route.path == "/big-declared":
            self.send_body(b"x" * 5000, length=True)
        elif route.path == "/big-undeclared":
            self.send_body(b"x" * 5000, length=False)
        elif route.path == "/slow":
            time.sleep(1.5)
            self.send_json({})
        elif route.path == "/drip":
            self.drip()
        else:
            self.send_error(404)

    def send_json(self, document):
        self.send_body(json.dumps(document).encode(), content_type="application/json")

    def send_body(self, body, length=True, content_type="text/plain"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def drip(self):
        self.send_response(200)
        self.end_headers()
        for _ in range(30):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.05)


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients hang up on purpose here (timeouts, size limits).
        pass


def start_server(wrap=None):
    server = QuietServer(("127.0.0.1", 0), Handler)
    if wrap:
        server.socket = wrap(server.socket)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def server():
    server = start_server()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback():
    return SafeFetcher(allow_loopback=True, timeout=1.0, max_bytes=1000)


# --- refused addresses and schemes ------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://224.0.0.1/",
    ],
)
def test_safe_fetcher_refuses_non_public_addresses(url):
    with pytest.raises(FetchError, match="non-public"):
        SafeFetcher(timeout=0.5)(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:192.168.0.1]/",
    ],
)
def test_allow_loopback_allows_nothing_else_private(url):
    with pytest.raises(FetchError, match="non-public"):
        SafeFetcher(allow_loopback=True, timeout=0.5)(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/_GET",
        "ftp://example.org/x",
        "data:text/plain,hello",
        "//example.org/x",
        "http:///nohost",
    ],
)
def test_safe_fetcher_refuses_other_schemes_and_broken_urls(url):
    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True, timeout=0.5)(url)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("100.64.0.1", False),
        ("192.0.2.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::", False),
        ("ff02::1", False),
        ("64:ff9b::a00:1", False),
        ("2002:a00:1::", False),
        ("::ffff:169.254.169.254", False),
    ],
)
def test_address_is_allowed(address, allowed):
    assert address_is_allowed(address) is allowed


def test_loopback_is_allowed_only_when_asked():
    assert address_is_allowed("::1", allow_loopback=True)
    assert address_is_allowed("::ffff:127.0.0.1", allow_loopback=True)
    assert not address_is_allowed("10.1.2.3", allow_loopback=True)


# --- fetching from the local server ---------------------------------------


def test_fetches_with_the_accept_header_and_host(server, loopback):
    response = loopback(f"{server}/ok")

    assert response.status == 200
    assert response.content_type == "application/json"
    sent = json.loads(response.body)
    assert sent["accept"] == ACCEPT
    assert sent["host"] == server.removeprefix("http://")


def test_default_fetcher_refuses_the_local_server(server):
    with pytest.raises(FetchError, match="non-public"):
        SafeFetcher(timeout=0.5)(f"{server}/ok")


def test_resolves_once_and_connects_to_the_checked_address(server, monkeypatch):
    port = int(server.rsplit(":", 1)[1])
    lookups = []
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host, *args, **kwargs):
        if host == "badges.rebind.test":
            lookups.append(host)
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(fetch.socket, "getaddrinfo", fake_getaddrinfo)

    response = SafeFetcher(allow_loopback=True)(f"http://badges.rebind.test:{port}/ok")

    assert lookups == ["badges.rebind.test"]
    assert json.loads(response.body)["host"] == f"badges.rebind.test:{port}"


def test_follows_redirects_and_reports_the_final_url(server, loopback):
    response = loopback(f"{server}/chain/2")

    assert response.status == 200
    assert response.url == f"{server}/ok"


def test_refuses_too_many_redirects(server, loopback):
    with pytest.raises(FetchError, match="redirects"):
        loopback(f"{server}/chain/3")
    with pytest.raises(FetchError, match="redirects"):
        loopback(f"{server}/loop")


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[::ffff:10.0.0.7]/",
        "file:///etc/passwd",
    ],
)
def test_checks_every_redirect_hop(server, loopback, target):
    with pytest.raises(FetchError):
        loopback(f"{server}/redirect?to={target}")


def test_redirect_to_a_public_looking_name_is_checked_too(server, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host, port, *args, **kwargs):
        if host == "inside.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.9.9.9", port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(fetch.socket, "getaddrinfo", fake_getaddrinfo)

    with pytest.raises(FetchError, match="inside.example") as refused:
        SafeFetcher(allow_loopback=True)(f"{server}/redirect?to=http://inside.example/")

    # Whoever presented the badge is not told what is inside the network.
    assert "10.9.9.9" not in str(refused.value)


@pytest.mark.parametrize("path", ["/big-declared", "/big-undeclared"])
def test_stops_reading_past_max_bytes(server, loopback, path):
    with pytest.raises(FetchError, match="more than 1000 bytes"):
        loopback(f"{server}{path}")


def test_a_slow_server_hits_the_timeout(server):
    started = time.monotonic()

    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True, timeout=0.3)(f"{server}/slow")

    assert time.monotonic() - started < 1.2


def test_a_dripping_server_hits_the_overall_timeout(server):
    started = time.monotonic()

    with pytest.raises(FetchError, match="Timed out"):
        SafeFetcher(allow_loopback=True, timeout=0.4)(f"{server}/drip")

    assert time.monotonic() - started < 1.2


def test_a_closed_port_is_a_fetch_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    with pytest.raises(FetchError):
        SafeFetcher(allow_loopback=True, timeout=0.5)(f"http://127.0.0.1:{port}/")


# --- HTTPS: the certificate is checked against the name, not the address -----


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file = folder / "cert.pem"
    key_file = folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = start_server(lambda sock: context.wrap_socket(sock, server_side=True))
    yield server.server_address[1], str(cert_file)
    server.shutdown()
    server.server_close()


def test_https_keeps_the_host_name_for_sni_and_the_certificate(tls_server, monkeypatch):
    port, ca_file = tls_server
    real_getaddrinfo = socket.getaddrinfo

    def only_ipv4(host, *args, **kwargs):
        # The test server listens on 127.0.0.1 only.
        if host == "localhost":
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(fetch.socket, "getaddrinfo", only_ipv4)
    fetcher = SafeFetcher(allow_loopback=True, ca_certs=ca_file, timeout=2)

    response = fetcher(f"https://localhost:{port}/ok")

    assert response.status == 200
    assert json.loads(response.body)["host"] == f"localhost:{port}"


def test_https_refuses_a_certificate_for_another_name(tls_server):
    port, ca_file = tls_server
    fetcher = SafeFetcher(allow_loopback=True, ca_certs=ca_file, timeout=2)

    with pytest.raises(FetchError):
        fetcher(f"https://127.0.0.1:{port}/ok")


# --- MappedFetcher -----------------------------------------------------------


def test_mapped_fetcher_serves_files_and_statuses(tmp_path):
    (tmp_path / "a.json").write_text('{"a": 1}')
    (tmp_path / "gone.json").write_text('{"revoked": true}')
    fetcher = MappedFetcher(
        {
            "https://x.test/a": "a.json",
            "https://x.test/gone": {"status": 410, "file": "gone.json"},
            "https://x.test/missing": {"status": 404},
        },
        tmp_path,
    )

    assert fetcher("https://x.test/a") == Response(
        "https://x.test/a", 200, b'{"a": 1}', "application/json"
    )
    assert fetcher("https://x.test/a#key-1").body == b'{"a": 1}'
    assert fetcher("https://x.test/gone").status == 410
    assert fetcher("https://x.test/missing") == Response(
        "https://x.test/missing", 404, b"", ""
    )
    with pytest.raises(FetchError):
        fetcher("https://x.test/elsewhere")
    assert fetcher.requested[-1] == "https://x.test/elsewhere"


def test_a_localhost_sub_domain_is_loopback_where_loopback_is_allowed(server, loopback):
    port = server.rsplit(":", 1)[1]

    response = loopback(f"http://acme.localhost:{port}/ok")

    assert json.loads(response.body)["host"] == f"acme.localhost:{port}"
    with pytest.raises(FetchError):
        SafeFetcher(timeout=0.5)(f"http://acme.localhost:{port}/ok")
