"""The first visit in a real browser: the document in the reader's language, the scripts compressed.

- ``document.documentElement.lang`` is ``id`` while the reader reads Indonesian
  and ``en`` with ``?bahasa=en``, after the page has rendered (Streamlit's
  scripts do not touch it), and follows the language switch in the sidebar and
  a change of page without a reload;
- the document's title is the page's title in the reader's language;
- the browser receives the main JavaScript bundle compressed (Brotli or gzip), and
  reaches the server without first trying a page's path as the server's address.

The bytes and seconds of a first visit on a slow link are the benchmark's
(``python -m bench --only first-visit``, docs/performance.md).
"""

from __future__ import annotations

import re
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from lib.texts import text
from tests.e2e import eventually, frames, nav_link, open_app, settle

pytestmark = pytest.mark.browser

COPY_TIMEOUT_S = 900  # the first start of a Streamlit version compresses its files in the background


def lang(page: Page) -> str:
    return page.evaluate("document.documentElement.lang")


@pytest.mark.parametrize("path, page_title, expected", [
    ("", "page_ringkasan", "id"), ("desa", "page_desa", "id"),
    ("?bahasa=en", "page_ringkasan", "en"), ("desa?bahasa=en&desa=Pare", "page_desa", "en"),
])
def test_the_document_names_the_readers_language_after_the_page_has_rendered(page, server, path, page_title,
                                                                            expected):
    open_app(page, server.at(path))
    frames(page)
    assert lang(page) == expected
    expect(page).to_have_title(re.compile(re.escape(text(page_title, expected))))


def test_the_documents_language_follows_the_language_switch_and_a_change_of_page(page, server):
    open_app(page, server.at("desa"))
    assert lang(page) == "id"
    page.locator(".st-key-bahasa").get_by_text("English", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]bahasa=en(&|$)"))
    settle(page)
    eventually(lambda: _is(lang(page), "en"))
    expect(page).to_have_title(re.compile(re.escape(text("page_desa", "en"))))
    nav_link(page, text("page_program", "en")).click()
    settle(page)
    assert lang(page) == "en"
    expect(page).to_have_title(re.compile(re.escape(text("page_program", "en"))))
    page.locator(".st-key-bahasa").get_by_text("Bahasa Indonesia", exact=True).click()
    settle(page)
    eventually(lambda: _is(lang(page), "id"))
    page.go_back()  # the browser's back button: the link says English again
    settle(page)
    eventually(lambda: _is(lang(page), "en"))


def _is(value, expected) -> None:
    assert value == expected, value


def _bundle_compressed(url: str) -> None:
    """Wait until the dashboard sends its main bundle compressed (its compressed copy exists)."""
    index = urllib.request.urlopen(f"{url}/", timeout=30).read().decode("utf-8")
    bundle = re.search(r'<script type="module"[^>]*src="\./(static/js/index\.[^"]+\.js)"', index).group(1)
    deadline = time.monotonic() + COPY_TIMEOUT_S
    while True:
        request = urllib.request.Request(f"{url}/{bundle}", headers={"Accept-Encoding": "br, gzip"}, method="HEAD")
        with urllib.request.urlopen(request, timeout=30) as answer:
            if answer.headers.get("Content-Encoding") or time.monotonic() > deadline:
                return
        time.sleep(1)


def test_the_browser_receives_the_main_bundle_compressed(page, server):
    _bundle_compressed(server.url)
    codings: dict[str, str | None] = {}
    page.on("response", lambda r: codings.update({r.url: r.all_headers().get("content-encoding")})
            if "/static/js/index." in r.url else None)
    open_app(page, server.at(""))
    assert codings, "the page loaded no main bundle"
    assert set(codings.values()) <= {"br", "gzip"}, codings


def test_the_browser_finds_the_server_at_once_from_a_pages_address(page, server):
    """Streamlit would try /desa/_stcore/health before /_stcore/health: a round trip lost on a slow link."""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    open_app(page, server.at("desa"))
    assert any(url.endswith("/_stcore/health") for url in asked)
    assert not [url for url in asked if "/desa/_stcore/" in url]
