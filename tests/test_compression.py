"""Streamlit's scripts and styles go out compressed, from the dashboard and through nginx; the page names its language.

- ``deploy/compress.py`` makes the copy once: a ``.gz`` and a ``.br`` beside every
  text file, each decompressing to the original, never half a copy;
- ``streamlit run dashboard.py`` sends the main JavaScript bundle (named in
  index.html) as Brotli or gzip, as the browser accepts, and as it is otherwise;
- nginx from ``deploy/`` does the same, sending the copy itself (``gzip_static``,
  ``brotli_static``) or passing on what the dashboard compressed;
- the page's HTML says ``lang="id"``, or ``lang="en"`` with ``?bahasa=en``, and the
  dashboard's title in that language, on every page path.

nginx is Debian's package: those tests skip on a developer's machine without
it and fail under ``CI=true`` (``tests/support/nginx.py``).
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from deploy import compress, render
from pages.server import browsers, document, static
from tests.e2e import healthy
from tests.e2e.conftest import K, copy_data
from tests.support.nginx import fetch, nginx_or_skip, running_nginx
from tests.support.ports import free_port
from tests.support.processes import stop_group

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 90
# The first start of a Streamlit version makes the copy (Brotli at its best quality) in the background.
COPY_TIMEOUT_S = 900
_MAIN_BUNDLE = re.compile(r'<script type="module"[^>]*\bsrc="\./(static/js/index\.[^"]+\.js)"')


def main_bundle(index_html: str) -> str:
    """The path (``static/js/index.<hash>.js``) of the JavaScript bundle Streamlit's index.html starts."""
    found = _MAIN_BUNDLE.search(index_html)
    assert found, "index.html names no main bundle"
    return found.group(1)


STATIC = compress.streamlit_static()
BUNDLE = main_bundle((STATIC / "index.html").read_text(encoding="utf-8"))
ORIGINAL = (STATIC / BUNDLE).read_bytes()


def decoded(body: bytes, encoding: str | None) -> bytes:
    return {"br": brotli.decompress, "gzip": gzip.decompress}.get(encoding or "", lambda b: b)(body)


# --- the copy ------------------------------------------------------------------------------------------------
@pytest.fixture
def small_static(tmp_path) -> Path:
    """A static folder like Streamlit's in miniature: an index, a script, a style, a font, an image."""
    source = tmp_path / "static-src"
    (source / "static" / "js").mkdir(parents=True)
    (source / "static" / "css").mkdir()
    (source / "static" / "media").mkdir()
    (source / "index.html").write_text(f"<html lang=\"en\"><title>Streamlit</title>{tmp_path.name}</html>")
    (source / "static" / "js" / "index.Ab12Cd34.js").write_text("const dasbor = 'desa';\n" * 2000)
    (source / "static" / "css" / "index.Zz99.css").write_text("body { color: #222; }\n" * 500)
    (source / "static" / "media" / "font.woff2").write_bytes(os.urandom(4000))
    (source / "static" / "media" / "logo.png").write_bytes(os.urandom(4000))
    return source


def test_the_copy_holds_gzip_and_brotli_beside_each_text_file(small_static, tmp_path):
    copy = compress.compressed_copy(small_static, tmp_path / "cache")
    assert copy.parent == tmp_path / "cache" and compress.is_complete(copy)
    for name in ("static/js/index.Ab12Cd34.js", "static/css/index.Zz99.css"):
        original = (small_static / name).read_bytes()
        assert (copy / name).read_bytes() == original
        assert gzip.decompress((copy / f"{name}.gz").read_bytes()) == original
        assert brotli.decompress((copy / f"{name}.br").read_bytes()) == original
        assert len((copy / f"{name}.br").read_bytes()) < len(original) / 10
    for name in ("static/media/font.woff2", "static/media/logo.png"):  # compressed already: copied only
        assert (copy / name).read_bytes() == (small_static / name).read_bytes()
        assert not (copy / f"{name}.gz").exists() and not (copy / f"{name}.br").exists()


def test_the_copy_is_made_once_and_named_after_streamlits_version(small_static, tmp_path):
    import streamlit

    first = compress.compressed_copy(small_static, tmp_path / "cache")
    assert first.name.startswith(f"streamlit-{streamlit.__version__}-")
    made = (first / "static/js/index.Ab12Cd34.js.br").stat().st_mtime_ns
    assert compress.compressed_copy(small_static, tmp_path / "cache") == first
    assert (first / "static/js/index.Ab12Cd34.js.br").stat().st_mtime_ns == made
    (small_static / "index.html").write_text("<html>another build</html>")  # another Streamlit build: its own copy
    assert compress.compressed_copy(small_static, tmp_path / "cache") != first


def test_processes_making_the_copy_at_once_leave_one_whole_copy(small_static, tmp_path):
    with ThreadPoolExecutor(4) as pool:
        copies = list(pool.map(lambda _: compress.compressed_copy(small_static, tmp_path / "cache"), range(4)))
    assert len(set(copies)) == 1 and compress.is_complete(copies[0])
    left = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert left == sorted([copies[0].name, f".{copies[0].name}.lock"])  # no half-made folder


def test_a_half_made_copy_is_made_again(small_static, tmp_path):
    target = tmp_path / "cache" / compress.copy_name(small_static)
    (target / "static").mkdir(parents=True)  # a process died while writing it
    copy = compress.compressed_copy(small_static, tmp_path / "cache")
    assert copy == target and (copy / "static/js/index.Ab12Cd34.js.br").exists()


@pytest.mark.slow  # a Python process compressing Streamlit's files
def test_the_command_line_writes_the_copy_where_asked(tmp_path):
    done = subprocess.run([sys.executable, "-m", "deploy.compress", "--out", str(tmp_path), "--no-brotli"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    copy = Path(done.stdout.strip())
    assert copy.parent == tmp_path and compress.is_complete(copy)
    assert gzip.decompress((copy / f"{BUNDLE}.gz").read_bytes()) == ORIGINAL


# --- the middleware, on a miniature of Streamlit ----------------------------------------------------------------
INDEX = (STATIC / "index.html").read_text(encoding="utf-8")


def _streamlit_in_miniature(copy: static.StaticCopy) -> Starlette:
    """Streamlit's index.html on every page path (with an ETag, 304 when asked, gzipped like Streamlit's pages)."""

    def page(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Response(status_code=304, headers={"etag": '"v1"'})
        return HTMLResponse(INDEX, headers={"etag": '"v1"', "cache-control": "no-cache"})

    def script(request):
        return Response(b"uncompressed", media_type="text/javascript")

    return Starlette(routes=[Route("/static/{path:path}", script), Route("/{path:path}", page)],
                     middleware=[Middleware(static.CompressedStatic, copy=copy), Middleware(document.DocumentLanguage),
                                 Middleware(GZipMiddleware, minimum_size=0)])


class ReadyCopy(static.StaticCopy):
    def __init__(self, folder: Path | None):
        super().__init__()
        self.folder = folder

    def start(self) -> None:
        pass

    def ready(self) -> Path | None:
        return self.folder


@pytest.mark.parametrize("path, lang", [("/", "id"), ("/?bahasa=en", "en"), ("/desa?bahasa=en&desa=Pare", "en"),
                                        ("/hasil?bahasa=English", "en"), ("/hasil?bahasa=fr", "id"),
                                        ("/anggaran?bahasa=en&bahasa=id", "id")])
def test_the_page_names_the_readers_language_and_the_title_in_it(path, lang):
    from lib.texts import text

    client = TestClient(_streamlit_in_miniature(ReadyCopy(None)))
    answer = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert f'<html lang="{lang}">' in answer.text and answer.text.count("<html") == 1
    assert f"<title>{text('app_title', lang)}</title>" in answer.text
    assert document.language_script() in answer.text
    assert answer.headers["content-encoding"] == "gzip" and answer.headers["vary"] == "Accept-Encoding"
    assert "etag" not in answer.headers and answer.headers["cache-control"] == "no-cache"


def test_a_browser_never_reuses_the_other_languages_page():
    client = TestClient(_streamlit_in_miniature(ReadyCopy(None)))
    answer = client.get("/?bahasa=en", headers={"If-None-Match": '"v1"'})
    assert answer.status_code == 200 and '<html lang="en">' in answer.text


def test_without_the_copy_streamlit_serves_its_static_files(tmp_path):
    client = TestClient(_streamlit_in_miniature(ReadyCopy(None)))
    answer = client.get("/static/js/x.js", headers={"Accept-Encoding": "identity"})
    assert answer.content == b"uncompressed" and "content-encoding" not in answer.headers


def test_with_the_copy_the_bundle_goes_out_as_the_browser_accepts(small_static, tmp_path):
    copy = compress.compressed_copy(small_static, tmp_path / "cache")
    client = TestClient(_streamlit_in_miniature(ReadyCopy(copy)))
    original = (small_static / "static/js/index.Ab12Cd34.js").read_bytes()
    for accepted, coding in [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("identity", None)]:
        with client.stream("GET", "/static/js/index.Ab12Cd34.js", headers={"Accept-Encoding": accepted}) as answer:
            body = b"".join(answer.iter_raw())
        assert answer.status_code == 200
        assert answer.headers.get("content-encoding") == coding, accepted
        assert decoded(body, coding) == original
        assert answer.headers["vary"] == "Accept-Encoding"
        assert "immutable" in answer.headers["cache-control"]
        assert answer.headers["content-type"].startswith("text/javascript")
    # a file the copy does not hold goes on to Streamlit
    assert client.get("/static/js/other.js").content == b"uncompressed"


# --- the real dashboard ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> Iterator[str]:
    """``streamlit run dashboard.py`` as docs/deploy.md starts it, on a copy of data/ (open demo mode)."""
    folder = tmp_path_factory.mktemp("kompresi")
    data_dir = copy_data(folder / "data")
    port = free_port()
    env = {**os.environ, "DASBOR_DATA_DIR": str(data_dir), "DASBOR_PRIVACY_K": str(K)}
    env.pop("DASBOR_DATABASE_URL", None)
    log = folder / "dashboard.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)
        yield url
    finally:
        stop_group(process)


def compressed_bundle(base: str, accepted: str) -> tuple[str | None, bytes]:
    """(content coding, body) of the main bundle from ``base``, once the dashboard has its compressed copy."""
    deadline = time.monotonic() + COPY_TIMEOUT_S
    while True:
        answer = fetch(f"{base}/{BUNDLE}", {"Accept-Encoding": accepted})
        assert answer.status == 200
        coding = answer.header("content-encoding")
        if coding is not None or time.monotonic() > deadline:
            return coding, answer.body
        time.sleep(1)


@pytest.mark.slow  # a server process
def test_the_dashboard_sends_its_main_bundle_compressed(dashboard):
    index = fetch(f"{dashboard}/", {"Accept-Encoding": "identity"}).body.decode("utf-8")
    assert main_bundle(index) == BUNDLE
    coding, body = compressed_bundle(dashboard, "gzip, deflate, br")
    assert coding == "br" and decoded(body, coding) == ORIGINAL
    answer = fetch(f"{dashboard}/{BUNDLE}", {"Accept-Encoding": "gzip"})
    assert answer.header("content-encoding") == "gzip" and gzip.decompress(answer.body) == ORIGINAL
    assert answer.header("vary") == "Accept-Encoding"
    plain = fetch(f"{dashboard}/{BUNDLE}", {"Accept-Encoding": "identity"})
    assert plain.header("content-encoding") is None and plain.body == ORIGINAL
    assert len(body) < len(ORIGINAL) / 3


@pytest.mark.slow  # a server process
@pytest.mark.parametrize("path, lang", [("", "id"), ("?bahasa=en", "en"), ("desa?bahasa=en", "en"), ("hasil", "id")])
def test_the_dashboards_page_names_the_readers_language(dashboard, path, lang):
    from lib.texts import text

    answer = fetch(f"{dashboard}/{path}", {"Accept-Encoding": "gzip", "Accept": "text/html"})
    page = decoded(answer.body, answer.header("content-encoding")).decode("utf-8")
    assert answer.status == 200 and f'<html lang="{lang}">' in page
    assert f"<title>{text('app_title', lang)}</title>" in page and document.language_script() in page
    assert document.SERVER_SCRIPT in page
    [plotly] = [f"static/js/{p.name}" for p in (STATIC / "static" / "js").glob("PlotlyChart.*.js")]
    assert f'<link rel="modulepreload" crossorigin href="./{plotly}">' in page  # fetched while the page runs
    assert browsers.BROWSER_COOKIE in (answer.header("set-cookie") or "")  # still given with the first page


# --- through nginx ----------------------------------------------------------------------------------------------
@pytest.mark.slow  # a server process
def test_through_nginx_the_dashboards_compressed_bundle_passes_as_it_is(dashboard):
    port = int(dashboard.rsplit(":", 1)[1])
    compressed_bundle(dashboard, "br")  # the dashboard has its copy
    with running_nginx([port]) as proxy:
        for accepted, coding in [("gzip, deflate, br", "br"), ("gzip", "gzip")]:
            answer = fetch(f"{proxy.https}/{BUNDLE}", {"Accept-Encoding": accepted})
            assert answer.header("content-encoding") == coding
            assert decoded(answer.body, coding) == ORIGINAL
        page = fetch(f"{proxy.https}/desa?bahasa=en", {"Accept-Encoding": "gzip"})
        assert '<html lang="en">' in decoded(page.body, page.header("content-encoding")).decode("utf-8")


@pytest.mark.slow  # a server process
def test_nginx_sends_the_compressed_copy_itself(dashboard):
    nginx_or_skip()
    port = int(dashboard.rsplit(":", 1)[1])
    brotli_module = render.installed_brotli_module()
    if brotli_module is None and os.environ.get("CI"):
        pytest.fail(f"{render.BROTLI_STATIC_MODULE} not found: .ci/run installs libnginx-mod-http-brotli-static")
    with running_nginx([port], static=True) as proxy:
        before = len(proxy.logged())
        codings = [("gzip", "gzip"), ("identity", None)] + ([("gzip, deflate, br", "br")] if brotli_module else [])
        for accepted, coding in codings:
            answer = fetch(f"{proxy.https}/{BUNDLE}", {"Accept-Encoding": accepted})
            assert answer.status == 200 and answer.header("content-encoding") == coding, accepted
            assert decoded(answer.body, coding) == ORIGINAL
            assert answer.header("content-type") == "text/javascript"
            assert answer.header("x-content-type-options") == "nosniff"  # the security headers still come
            assert "max-age=315360000" in (answer.header("cache-control") or "")
        logged = proxy.logged_after(before)
        assert logged and all(proxy.upstream(line) == "-" for line in logged)  # no dashboard process was asked
        # a file the copy does not hold (Streamlit upgraded, nginx not rendered again) goes to the dashboard
        before = len(proxy.logged())
        fetch(f"{proxy.https}/static/js/not-in-the-copy.js")
        assert proxy.upstream(proxy.logged_after(before)[-1]) == f"127.0.0.1:{port}"
