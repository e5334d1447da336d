"""nginx from deploy/ in front of two small stand-in processes: TLS, headers, gzip, sticky sessions, websockets.

nginx is Debian's package (``/usr/sbin/nginx``), started from the rendered
configuration as the tests' own user would start it: a prefix folder in /tmp,
ports above 1024 on 127.0.0.1, no ``user`` directive. Without the package these
tests are skipped on a developer's machine and fail under ``CI=true``.

The stand-ins answer like a dashboard process where nginx cares (a page, a
script, an image, the websocket at ``/_stcore/stream``) and say which port they
are, so stickiness can be seen. The dashboard itself behind nginx is tested in
``tests/e2e/test_deploy_browser.py``, with the helpers of this module.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy import render

NGINX = Path("/usr/sbin/nginx")
STARTUP_TIMEOUT_S = 60


# --- helpers (also used by the browser test of the whole deployment) ------------------------------------
def nginx_or_skip() -> Path:
    """Debian's nginx; skipped on a developer's machine without it, a failure in CI."""
    if NGINX.exists() and os.access(NGINX, os.X_OK):
        return NGINX
    message = f"{NGINX} not found: install Debian's nginx (apt-get install nginx) to run the deployment tests"
    if os.environ.get("CI"):
        pytest.fail(message + " — CI must run them")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for ``host`` valid for a day, and its key, as PEM files in ``folder``."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


@dataclass(frozen=True)
class Nginx:
    """A running nginx: its https and http base URLs and its folder (logs/access.log, nginx.conf)."""

    https: str
    http: str
    prefix: Path
    config: str

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    def logged(self) -> list[str]:
        """Every line of the access log so far."""
        return self.access_log.read_text(encoding="utf-8").splitlines() if self.access_log.exists() else []

    def logged_after(self, before: int) -> list[str]:
        """The lines logged after the first ``before``, once there is one (nginx writes a line as it answers)."""
        deadline = time.monotonic() + 10
        while len(lines := self.logged()) <= before and time.monotonic() < deadline:
            time.sleep(0.05)
        return lines[before:]

    def upstream(self, line: str) -> str:
        """The process that answered a logged request ("-" when nginx answered itself)."""
        found = re.search(r"upstream=(\S+)", line)
        return found.group(1) if found else ""


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def running_nginx(ports: Sequence[int]) -> Iterator[Nginx]:
    """nginx rendered from deploy/ in front of ``ports``, on free ports of 127.0.0.1, stopped at exit."""
    nginx = nginx_or_skip()
    # Workers of an nginx started by root run as "nobody": the folder must be theirs to enter.
    prefix = Path(tempfile.mkdtemp(prefix="dasbor-nginx-"))
    prefix.chmod(0o755)
    try:
        certificate, key = self_signed_certificate(prefix)
        http_port, https_port = free_port(), free_port()
        config = render.rendered(ports=ports, prefix=prefix, certificate=certificate, certificate_key=key,
                                 listen="127.0.0.1", http_port=http_port, https_port=https_port)
        render.prepare_prefix(prefix)
        (prefix / "nginx.conf").write_text(config, encoding="utf-8")
        args = [str(nginx), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "logs/error.log")]
        checked = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, f"nginx -t refused the rendered configuration:\n{checked.stderr}"
        process = subprocess.Popen([*args, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not (_listening(https_port) and _listening(http_port)):
                if process.poll() is not None or time.monotonic() > deadline:
                    error_log = (prefix / "logs/error.log").read_text(errors="replace")[-3000:]
                    pytest.fail(f"nginx did not start (exit code {process.poll()}):\n{error_log}")
                time.sleep(0.1)
            yield Nginx(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", prefix, config)
        finally:
            process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then the master ends
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def unverified() -> ssl.SSLContext:
    """TLS without checking the certificate (it is self-signed)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


def fetch(url: str, headers: dict[str, str] | None = None) -> Answer:
    """One GET, redirects not followed, certificate not checked; any status is an answer."""
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=unverified()))
    request = urllib.request.Request(url, headers=headers or {})
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        found: dict[str, list[str]] = {}
        for name, value in response.headers.items():
            found.setdefault(name.lower(), []).append(value)
        return Answer(response.status, found, response.read())


# --- stand-in dashboard processes ------------------------------------------------------------------------------
STAND_IN = '''
import json, sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

PORT = int(sys.argv[1])
SCRIPT = ("/* a Streamlit bundle */ " + "let x = 1; " * 600).encode()

async def script(request):
    return Response(SCRIPT, media_type="application/javascript")

async def image(request):
    return Response(bytes(range(256)) * 20, media_type="image/png")

async def fail(request):
    return Response("gagal", status_code=500)

async def who(request):
    return JSONResponse({"port": PORT, "headers": dict(request.headers)})

async def stream(websocket):
    await websocket.accept()
    await websocket.send_text(json.dumps({"port": PORT}))
    while True:
        text = await websocket.receive_text()
        await websocket.send_text(text)

app = Starlette(routes=[Route("/static/app.js", script), Route("/static/logo.png", image),
                        Route("/gagal", fail), WebSocketRoute("/_stcore/stream", stream), Route("/{path:path}", who)])
uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning", proxy_headers=False)
'''


@pytest.fixture(scope="module")
def stand_ins(tmp_path_factory) -> Iterator[list[int]]:
    nginx_or_skip()
    script = tmp_path_factory.mktemp("stand-in") / "stand_in.py"
    script.write_text(STAND_IN, encoding="utf-8")
    ports = [free_port(), free_port()]
    processes = [subprocess.Popen([sys.executable, str(script), str(port)], start_new_session=True)
                 for port in ports]
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not all(_listening(port) for port in ports):
            assert all(p.poll() is None for p in processes), "a stand-in process ended"
            assert time.monotonic() < deadline, "the stand-in processes did not start"
            time.sleep(0.1)
        yield ports
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def proxy(stand_ins) -> Iterator[Nginx]:
    with running_nginx(stand_ins) as running:
        yield running


def browser(n: int) -> dict[str, str]:
    """The headers of browser ``n``: its own dashboard cookie."""
    return {"Cookie": f"dasbor_peramban=browser{n:04d}{'x' * 32}"}


# --- the configuration -------------------------------------------------------------------------------------
def test_the_configuration_fills_every_placeholder_and_names_every_process(tmp_path):
    config = render.rendered(ports=[8501, 8502, 8503], prefix=tmp_path, certificate=tmp_path / "c.pem",
                             certificate_key=tmp_path / "k.pem", server_name="dasbor.kedirikab.go.id")
    assert "{{" not in config
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", config) == ["8501", "8502", "8503"]
    assert "server_name dasbor.kedirikab.go.id;" in config
    assert "return 301 https://$host$request_uri;" in config  # port 443 needs no port in the address
    with pytest.raises(ValueError):
        render.upstream_servers([])


def test_nginx_hashes_on_the_cookie_the_dashboard_gives_each_browser():
    from pages import server

    template = render.TEMPLATE.read_text(encoding="utf-8")
    assert f"map $cookie_{server.BROWSER_COOKIE} $dasbor_sticky" in template
    assert "hash $dasbor_sticky consistent;" in template


@pytest.mark.parametrize("ports, servers, expected", [
    ([8501], ["10.0.0.6:8501", "dasbor-2.internal:8502"], ["127.0.0.1:8501", "10.0.0.6:8501", "dasbor-2.internal:8502"]),
    ([], ["[fd00::6]:8501"], ["[fd00::6]:8501"]),
])
def test_processes_on_other_machines_are_named_by_address(ports, servers, expected):
    assert render.process_addresses(ports, servers) == expected


@pytest.mark.parametrize("servers", [[], ["10.0.0.6"], ["10.0.0.6:port"], ["evil; include /etc/passwd:80"]])
def test_a_process_without_a_proper_address_is_refused(servers):
    with pytest.raises(ValueError):
        render.process_addresses([], servers)


def test_the_policy_lets_streamlits_own_inline_script_run_and_nothing_else_inline():
    html = render.streamlit_index().read_text(encoding="utf-8")
    hashes = render.inline_script_hashes(html)
    assert hashes, "Streamlit's index.html has an inline script the policy must allow"
    policy = dict(part.strip().split(" ", 1) for part in render.content_security_policy(hashes).split(";"))
    scripts = policy["script-src"].split()
    assert set(hashes) <= set(scripts) and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert policy["default-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert render.inline_script_hashes("<script>\n  window.prerenderReady = false\n</script>") == [
        "'sha256-" + __import__("base64").b64encode(
            __import__("hashlib").sha256(b"\n  window.prerenderReady = false\n").digest()).decode() + "'"]


def test_the_command_line_writes_the_configuration_and_nginx_accepts_it(tmp_path):
    nginx = nginx_or_skip()
    certificate, key = self_signed_certificate(tmp_path)
    out = tmp_path / "dasbor.conf"
    assert render.main(["--ports", "18501", "18502", "--prefix", str(tmp_path / "nginx"), "--certificate",
                        str(certificate), "--certificate-key", str(key), "--listen", "127.0.0.1",
                        "--http-port", str(free_port()), "--https-port", str(free_port()), "--out", str(out)]) == 0
    assert (tmp_path / "nginx" / "logs").is_dir() and (tmp_path / "nginx" / "temp").is_dir()
    checked = subprocess.run([str(nginx), "-t", "-p", str(tmp_path / "nginx"), "-c", str(out), "-e",
                              str(tmp_path / "nginx" / "logs" / "error.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


# --- nginx running --------------------------------------------------------------------------------------------
def test_plain_http_answers_a_certificate_authoritys_challenge(proxy):
    (proxy.prefix / "acme" / ".well-known" / "acme-challenge").mkdir(parents=True, exist_ok=True)
    (proxy.prefix / "acme" / ".well-known" / "acme-challenge" / "token-uji").write_text("token-uji.kunci")
    for path in (proxy.prefix / "acme", proxy.prefix / "acme" / ".well-known",
                 proxy.prefix / "acme" / ".well-known" / "acme-challenge"):
        path.chmod(0o755)
    (proxy.prefix / "acme" / ".well-known" / "acme-challenge" / "token-uji").chmod(0o644)
    answer = fetch(f"{proxy.http}/.well-known/acme-challenge/token-uji")
    assert answer.status == 200 and answer.body == b"token-uji.kunci"


def test_plain_http_only_sends_the_browser_to_https(proxy):
    before = len(proxy.logged())
    answer = fetch(f"{proxy.http}/hasil?desa=Pare")
    assert answer.status == 301
    assert answer.header("location") == f"{proxy.https}/hasil?desa=Pare"
    [line] = proxy.logged_after(before)
    assert proxy.upstream(line) == "-"  # nothing reached a dashboard process over plain http


HEADERS = {
    "strict-transport-security": "max-age=31536000",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/", "/hasil?desa=Pare", "/static/app.js", "/gagal"])
def test_every_answer_carries_the_security_headers(proxy, path):
    answer = fetch(f"{proxy.https}{path}")
    for name, value in HEADERS.items():
        assert answer.header(name) == value, name
    policy = answer.header("content-security-policy")
    assert policy and "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert answer.header("server") == "nginx"  # no version number


def test_the_dashboard_process_is_told_the_browser_used_https(proxy):
    seen = json.loads(fetch(f"{proxy.https}/who", browser(1)).body)["headers"]
    assert seen["x-forwarded-proto"] == "https"
    assert seen["host"] == proxy.https.removeprefix("https://")
    assert seen["x-forwarded-for"] == "127.0.0.1"


def test_text_assets_are_compressed_and_images_are_not(proxy):
    script = fetch(f"{proxy.https}/static/app.js", {"Accept-Encoding": "gzip"})
    assert script.header("content-encoding") == "gzip"
    assert gzip.decompress(script.body).startswith(b"/* a Streamlit bundle */")
    assert script.header("vary") == "Accept-Encoding"
    image = fetch(f"{proxy.https}/static/logo.png", {"Accept-Encoding": "gzip"})
    assert image.header("content-encoding") is None


def test_one_browser_stays_on_one_process_and_browsers_are_spread_over_all(proxy, stand_ins):
    ports_of = {n: {json.loads(fetch(f"{proxy.https}/who", browser(n)).body)["port"] for _ in range(5)}
                for n in range(24)}
    assert all(len(ports) == 1 for ports in ports_of.values()), ports_of
    assert set().union(*ports_of.values()) == set(stand_ins)


def test_the_websocket_is_upgraded_kept_open_and_reaches_the_browsers_process(proxy):
    from websockets.sync.client import connect

    for n in range(4):
        page_port = json.loads(fetch(f"{proxy.https}/who", browser(n)).body)["port"]
        address = proxy.https.replace("https://", "wss://") + "/_stcore/stream"
        with connect(address, ssl=unverified(), additional_headers=browser(n), open_timeout=30) as websocket:
            assert json.loads(websocket.recv(timeout=30))["port"] == page_port
            websocket.send("halo")
            assert websocket.recv(timeout=30) == "halo"
    assert re.search(r"proxy_read_timeout 1d;", proxy.config)


def test_the_access_log_keeps_no_query_string(proxy):
    before = len(proxy.logged())
    fetch(f"{proxy.https}/_dasbor/session?code=rahasia-sekali-pakai&next=/hasil", browser(1))
    [line] = proxy.logged_after(before)
    assert "/_dasbor/session" in line and "rahasia" not in line and "next" not in line
