"""nginx from deploy/ in front of two small stand-in processes: TLS, headers, gzip, sticky sessions, websockets.

nginx runs as ``tests/support/nginx.py`` starts it (Debian's package, the tests'
own user); without the package these tests are skipped on a developer's machine
and fail under ``CI=true``.

The stand-ins answer like a dashboard process where nginx cares (a page, a
script, an image, the websocket at ``/_stcore/stream``) and say which port they
are, so stickiness can be seen. The dashboard itself behind nginx is tested in
``tests/e2e/test_deploy_browser.py``.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from deploy import render
from tests.support.nginx import (STARTUP_TIMEOUT_S, Nginx, fetch, listening, nginx_or_skip, running_nginx,
                                 self_signed_certificate, unverified)
from tests.support.ports import free_ports

# --- stand-in dashboard processes ------------------------------------------------------------------------------
STAND_IN = '''
import json, sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

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
    print(f"stand-in {PORT}: websocket asked for", file=sys.stderr, flush=True)  # in a failure's output
    await websocket.accept()
    await websocket.send_text(json.dumps({"port": PORT}))
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:  # the test has closed it
        pass

app = Starlette(routes=[Route("/static/app.js", script), Route("/static/logo.png", image),
                        Route("/gagal", fail), WebSocketRoute("/_stcore/stream", stream), Route("/{path:path}", who)])
uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning", proxy_headers=False)
'''


@pytest.fixture(scope="module")
def stand_ins(tmp_path_factory) -> Iterator[list[int]]:
    nginx_or_skip()
    script = tmp_path_factory.mktemp("stand-in") / "stand_in.py"
    script.write_text(STAND_IN, encoding="utf-8")
    ports = free_ports(2)
    processes = [subprocess.Popen([sys.executable, str(script), str(port)], start_new_session=True)
                 for port in ports]
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not all(listening(port) for port in ports):
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
    http_port, https_port = free_ports(2)
    assert render.main(["--ports", "18501", "18502", "--prefix", str(tmp_path / "nginx"), "--certificate",
                        str(certificate), "--certificate-key", str(key), "--listen", "127.0.0.1",
                        "--http-port", str(http_port), "--https-port", str(https_port), "--out", str(out)]) == 0
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
        try:
            websocket = connect(address, ssl=unverified(), additional_headers=browser(n), open_timeout=30)
        except TimeoutError as error:
            raise AssertionError(f"browser {n}'s websocket got no answer through nginx within 30 s; "
                                 f"its error log:\n{proxy.errors()}") from error
        with websocket:
            assert json.loads(websocket.recv(timeout=30))["port"] == page_port
            websocket.send("halo")
            assert websocket.recv(timeout=30) == "halo"
    assert re.search(r"proxy_read_timeout 1d;", proxy.config)


def test_the_access_log_keeps_no_query_string(proxy):
    before = len(proxy.logged())
    fetch(f"{proxy.https}/_dasbor/session?code=rahasia-sekali-pakai&next=/hasil", browser(1))
    [line] = proxy.logged_after(before)
    assert "/_dasbor/session" in line and "rahasia" not in line and "next" not in line
