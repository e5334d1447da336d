"""The page's HTML in the reader's language, with the scripts that speed its first visit.

Streamlit answers every page path with the same ``index.html``; here it names
the reader's language (``<html lang="id">``, ``"en"`` with ``?bahasa=en``) and
the dashboard's title in it, and carries a small script that keeps ``lang``
with the link when the reader switches language, one that writes Streamlit's own
interface words (``lib.framework_words``) in that language, one that names
Streamlit's server at once, and a preload of the chart scripts every analysis
page needs.
"""

from __future__ import annotations

import functools
import gzip
import html
import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lib import framework_words
from lib.fmt import Lang
from lib.texts import LANGUAGES, language_of, text
from pages.server.site import base_path

_HTML_LANG = re.compile(r'<html\b[^>]*?\blang="[^"]*"', re.IGNORECASE)
_TITLE = re.compile(r"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
# Paths that never answer with the page's HTML: left exactly as Streamlit serves them.
_NOT_PAGES = ("/static/", "/_stcore/", "/media/", "/component/", "/app/static/", "/_dasbor/", "/auth/",
              "/oauth2callback")


# Streamlit finds its server by trying each prefix of the page's path in turn (/desa/_stcore/health, then
# /_stcore/health): a round trip lost on every page but the first, 100 ms and more on a slow link. Its
# embedding setting ``window.__streamlit.BACKEND_BASE_URL`` names the server at once: the folder the page
# is in (a page's path is one level below the dashboard's, with or without server.baseUrlPath).
SERVER_SCRIPT = ("\nwindow.__streamlit = {...(window.__streamlit || {}), "
                 "BACKEND_BASE_URL: new URL('./', window.location.href).href};\n")

# On a narrow screen (a phone) the sidebar lies over the page. Streamlit's own menu folds it away once a page is
# chosen; the dashboard's menu (pages/edge/navigation.py, st.page_link) does not, so the chosen page stayed hidden
# under the menu. This folds the sidebar after a click (or Enter) on a link of that menu whenever the sidebar
# covers the page, whatever the device says it is.
MENU_SCRIPT = (
    "\ndocument.addEventListener('click', (event) => {\n"
    "  if (!(event.target instanceof Element) || !event.target.closest('.st-key-navigasi a')) return;\n"
    "  const sidebar = document.querySelector(\"[data-testid='stSidebar']\");\n"
    "  const main = document.querySelector(\"[data-testid='stMain']\");\n"
    "  const fold = document.querySelector(\"[data-testid='stSidebarCollapseButton'] button\");\n"
    "  if (sidebar && main && fold\n"
    "      && sidebar.getBoundingClientRect().right > main.getBoundingClientRect().left + 1) fold.click();\n"
    "});\n"
)

# A headline tile is a quarter of the page wide: its change and what it is compared with ("+Rp 6,68 jt" and
# "2025 dibanding 2024") do not fit on one line, and Streamlit cut the comparison to "2025 dibandin…". Where they
# do not fit, the comparison goes on the line below, whole.
TILE_STYLE = ('\n[data-testid="stMetric"] div:has(> [data-testid="stMetricDeltaDescription"]) '
              '{ flex-wrap: wrap; row-gap: 0.25rem; }\n')


def language_script() -> str:
    """The inline script that keeps ``<html lang>`` with the link's ``bahasa`` as Streamlit rewrites the URL.

    Streamlit changes the URL with ``history.pushState``/``replaceState`` (a
    page change, ``st.query_params``) without loading the document again; the
    script reads the language the way ``lib.texts.language_of`` does.
    """
    words = {key.casefold(): code for code, name in LANGUAGES.items() for key in (code, name)}
    return (
        "\n(() => {\n"
        f"  const words = {json.dumps(words, sort_keys=True)};\n"
        "  const follow = () => {\n"
        "    const asked = new URLSearchParams(window.location.search).getAll('bahasa')\n"
        "      .map((word) => word.trim()).filter((word) => word);\n"
        "    const last = asked.length ? asked[asked.length - 1].toLowerCase() : '';\n"
        "    document.documentElement.lang = words[last] || 'id';\n"
        "  };\n"
        "  for (const name of ['pushState', 'replaceState']) {\n"
        "    const original = window.history[name];\n"
        "    window.history[name] = function (...args) {\n"
        "      const result = original.apply(this, args);\n"
        "      follow();\n"
        "      return result;\n"
        "    };\n"
        "  }\n"
        "  window.addEventListener('popstate', follow);\n"
        "})();\n"
    )


def framework_words_script() -> str:
    """The inline script that writes Streamlit's own interface words in Indonesian while ``<html lang="id">``.

    Streamlit (its toolbar, column menu, main menu, file uploader, status, help
    icons, headings' links, selectboxes) writes English that an app cannot set.
    The script watches the page (a MutationObserver) and, in the places
    ``lib.framework_words.PLACES`` names only, replaces the ``aria-label``,
    ``title``, ``placeholder`` or text that is exactly one of its known words; it
    keeps what Streamlit wrote and puts it back when the page turns English
    (``<html lang>``, kept with the link by the language script).
    """
    words = {word["en"]: word["id"] for word in framework_words.WORDS.values()}
    patterns = [[pattern["en"], pattern["id"]] for pattern in framework_words.PATTERNS.values()]
    return (
        "\n(() => {\n"
        f"  const words = {json.dumps(words, sort_keys=True)};\n"
        f"  const patterns = {json.dumps(patterns)}.map(([english, id]) => [new RegExp(english), id]);\n"
        f"  const places = {json.dumps(', '.join(framework_words.PLACES))};\n"
        f"  const attributes = {json.dumps(list(framework_words.ATTRIBUTES))};\n"
        "  const written = new WeakMap();\n"
        "  let lang = '';\n"
        "  const indonesian = (english) => {\n"
        "    const word = english.trim();\n"
        "    let found = Object.prototype.hasOwnProperty.call(words, word) ? words[word] : undefined;\n"
        "    for (const [pattern, id] of patterns) {\n"
        "      if (found === undefined && pattern.test(word)) found = word.replace(pattern, id);\n"
        "    }\n"
        "    return found === undefined ? undefined : english.replace(word, () => found);\n"
        "  };\n"
        "  const relabel = (node, key, now, write) => {\n"
        "    if (now === null) return;\n"
        "    let mine = written.get(node);\n"
        "    const kept = mine && mine.get(key);\n"
        "    if (kept && kept[1] !== now) mine.delete(key);\n"
        "    if (lang === 'id') {\n"
        "      if (kept && kept[1] === now) return;\n"
        "      const id = indonesian(now);\n"
        "      if (id === undefined || id === now) return;\n"
        "      if (!mine) written.set(node, mine = new Map());\n"
        "      mine.set(key, [now, id]);\n"
        "      write(id);\n"
        "    } else if (kept && kept[1] === now) {\n"
        "      mine.delete(key);\n"
        "      write(kept[0]);\n"
        "    }\n"
        "  };\n"
        "  const visit = (element) => {\n"
        "    for (const name of attributes) {\n"
        "      relabel(element, name, element.getAttribute(name), (value) => element.setAttribute(name, value));\n"
        "    }\n"
        "    for (const child of element.childNodes) {\n"
        "      if (child.nodeType === Node.TEXT_NODE) {\n"
        "        relabel(child, 'text', child.nodeValue, (value) => { child.nodeValue = value; });\n"
        "      }\n"
        "    }\n"
        "  };\n"
        "  const placed = (element) => !!(element && element.closest && element.closest(places));\n"
        "  const visitPlace = (place) => {\n"
        "    visit(place);\n"
        "    for (const element of place.querySelectorAll('*')) visit(element);\n"
        "  };\n"
        "  const visitAll = (root) => {\n"
        "    if (placed(root)) visitPlace(root);\n"
        "    else for (const place of root.querySelectorAll(places)) visitPlace(place);\n"
        "  };\n"
        "  const changed = (records) => {\n"
        "    for (const record of records) {\n"
        "      if (record.type === 'childList') {\n"
        "        for (const node of record.addedNodes) {\n"
        "          if (node.nodeType === Node.ELEMENT_NODE && !(node instanceof SVGElement)) visitAll(node);\n"
        "          else if (node.nodeType === Node.TEXT_NODE && placed(node.parentElement)) visit(node.parentElement);\n"
        "        }\n"
        "      } else {\n"
        "        const element = record.type === 'characterData' ? record.target.parentElement : record.target;\n"
        "        if (placed(element)) visit(element);\n"
        "      }\n"
        "    }\n"
        "  };\n"
        "  const follow = () => {\n"
        "    if (document.documentElement.lang === lang) return;\n"
        "    lang = document.documentElement.lang;\n"
        "    if (document.body) visitAll(document.body);\n"
        "  };\n"
        "  const start = () => {\n"
        "    new MutationObserver(changed).observe(document.body, {childList: true, subtree: true,\n"
        "      characterData: true, attributes: true, attributeFilter: attributes});\n"
        "    lang = '';\n"
        "    follow();\n"
        "  };\n"
        "  new MutationObserver(follow).observe(document.documentElement, {attributes: true, attributeFilter: ['lang']});\n"
        "  lang = document.documentElement.lang;\n"
        "  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);\n"
        "})();\n"
    )


def document_in_language(page: str, lang: Lang, preload: Iterable[str] = ()) -> str:
    """Streamlit's ``index.html`` naming ``lang`` and the dashboard's title in it, with the language script.

    ``preload``: scripts (``static/js/...``) the browser fetches at once, beside Streamlit's own.
    """
    page = _HTML_LANG.sub(lambda m: m.group(0)[: m.group(0).rfind('lang="')] + f'lang="{lang}"', page, count=1)
    links = "".join(f'\n    <link rel="modulepreload" crossorigin href="./{html.escape(path)}">' for path in preload)
    title = (f"<title>{html.escape(text('app_title', lang))}</title>\n    <script>{language_script()}</script>"
             f"\n    <script>{framework_words_script()}</script>\n    <script>{SERVER_SCRIPT}</script>"
             f"\n    <script>{MENU_SCRIPT}</script>\n    <style>{TILE_STYLE}</style>{links}")
    return _TITLE.sub(lambda _m: title, page, count=1)


@functools.cache
def chart_scripts() -> tuple[str, ...]:
    """Streamlit's Plotly chunk (``static/js/PlotlyChart.<hash>.js``), which every analysis page needs.

    Streamlit fetches it only once the first chart arrives over the websocket:
    1 MB even compressed, a second or two on a slow link after the page's script
    has run. Named in the page, it is fetched while the script runs.
    """
    from deploy import compress

    return tuple(f"static/js/{path.name}" for path in sorted((compress.streamlit_static() / "static" / "js").glob(
        "PlotlyChart.*.js")))


def asked_language(query_string: bytes) -> Lang:
    """The reader's language as the page script will read it from the link (``?bahasa=en``)."""
    asked = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("bahasa", [])
    return language_of(asked)[0]


class DocumentLanguage:
    """Pure ASGI middleware: the page's HTML (Streamlit's ``index.html``) rewritten by ``document_in_language``.

    Streamlit answers any page path (``/``, ``/desa``) with the same file, with
    an ETag of its own; the answer here depends on the link, so it is sent
    without ETag or Last-Modified and conditional requests are not passed on
    (a browser never reuses the other language's page). Small: gzipped here
    when the browser accepts it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.base = base_path()

    def _page_request(self, scope: Scope) -> bool:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "GET" or not path.startswith(self.base):
            return False
        return not path[len(self.base):].startswith(_NOT_PAGES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._page_request(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        accepts_gzip = "gzip" in headers.get("accept-encoding", "").lower()
        lang = asked_language(scope.get("query_string", b""))
        dropped = {b"accept-encoding", b"if-none-match", b"if-modified-since"}
        inner = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() not in dropped]}
        started: Message | None = None
        body: list[bytes] = []

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                kind = Headers(raw=message.get("headers", [])).get("content-type", "")
                if message.get("status") == 200 and kind.startswith("text/html"):
                    started = message
                    return
            elif message["type"] == "http.response.body" and started is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = document_in_language(b"".join(body).decode("utf-8"), lang, chart_scripts()).encode("utf-8")
                extra: list[tuple[bytes, bytes]] = [(b"vary", b"Accept-Encoding")]
                if accepts_gzip:
                    page = gzip.compress(page, compresslevel=6, mtime=0)
                    extra.append((b"content-encoding", b"gzip"))
                skip = {b"content-length", b"etag", b"last-modified", b"content-encoding", b"vary"}
                kept = [(k, v) for k, v in started.get("headers", []) if k.lower() not in skip]
                await send({**started, "headers": [*kept, *extra, (b"content-length", str(len(page)).encode())]})
                await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        await self.app(inner, receive, sending)
