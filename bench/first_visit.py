"""The first visit on a slow link: bytes and seconds to the first chart with an empty cache, and the repeat visit.

    .venv/bin/python -m bench --only first-visit        # this stage alone; rewrites its section of the report
    .venv/bin/python -m bench.first_visit --out first-visit.json

Debian's Chromium, driven through Playwright, is slowed by the DevTools
protocol (``Network.emulateNetworkConditions``) to a weak mobile link: 4 Mbit/s
each way and 100 ms latency. For every analysis page, a new browser profile
(empty cache, no cookie) opens the page; counted are the bytes the browser
received (every HTTP answer as it came over the wire, headers included, and
every websocket message) and the seconds from the start of navigation to the
page's first chart drawn. The same page opened again in the same profile is
the repeat visit (scripts from the browser's cache).

The dashboard runs on a copy of data/ (the demo data, open demo mode, as
``python3 dev.py start`` runs it), served two ways: ``streamlit run
dashboard.py`` alone (the embedded default) and behind nginx rendered from
deploy/ (TLS, HTTP/2, nginx sending the compressed copy of Streamlit's
static files). For comparison, the embedded default is also measured with the
browser asking for no compression (``Accept-Encoding: identity``), which is
what every browser received before the dashboard compressed them. Each way
gets a fresh server process, whose peak memory (VmHWM) after the visits is
reported; so is the one-time cost of making the compressed copy
(``python -m deploy.compress``: seconds and peak memory of that child process).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from bench.apptest import PAGES
from bench.browser import _IDLE, Server, peak_memory_mb
from tests.e2e import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
DOWN_BITS_S = 4_000_000
UP_BITS_S = 4_000_000
LATENCY_MS = 100
BUDGET_MB = 3.5
BUDGET_FIRST_S = 10.0
BUDGET_REPEAT_S = 2.0
WAIT_MS = int(os.environ.get("BENCH_WAIT_MS", "120000"))
ATTEMPTS = 2  # a page that did not draw within WAIT_MS is opened once more in a new profile (reported)
SECTION = "first-visit"  # the report's section: <!-- section: first-visit --> ... <!-- /section: first-visit -->
WAYS = {
    "embedded": "streamlit run dashboard.py",
    "nginx": "nginx (deploy/) di depan / in front",
    "uncompressed": "streamlit run dashboard.py, tanpa kompresi / uncompressed (seperti sebelumnya / as before)",
}

_FIRST_CHART = """() => {
  const plot = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  return plot && plot.data && plot.querySelector('.main-svg') ? performance.now() : null;
}"""


class Transfer:
    """Bytes one page received, from the DevTools protocol's network events."""

    def __init__(self, cdp) -> None:
        self.http = 0
        self.websocket = 0
        self.requests = 0
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _finished(self, event: dict) -> None:
        self.http += int(event.get("encodedDataLength", 0))
        self.requests += 1

    def _frame(self, event: dict) -> None:
        frame = event.get("response", {})
        data = frame.get("payloadData", "")
        self.websocket += len(base64.b64decode(data)) if frame.get("opcode") == 2 else len(data.encode("utf-8"))

    @property
    def total(self) -> int:
        return self.http + self.websocket


def _visit(page, url: str) -> tuple[float, Transfer]:
    """Open ``url`` in ``page`` (slowed down); seconds from navigation start to the first chart, and the bytes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS,
        "downloadThroughput": DOWN_BITS_S / 8, "uploadThroughput": UP_BITS_S / 8})
    transfer = Transfer(cdp)
    page.goto(url, wait_until="commit", timeout=WAIT_MS)
    shown_ms = page.wait_for_function(_FIRST_CHART, timeout=WAIT_MS, polling="raf").json_value()
    page.wait_for_function(_IDLE, timeout=WAIT_MS)  # the rest of the page is counted too
    page.wait_for_timeout(500)
    cdp.detach()
    return shown_ms / 1000, transfer


def visits(base: str, paths: Sequence[str], *, identity: bool = False,
           browser_args: Sequence[str] = ()) -> dict[str, dict]:
    """Per analysis page: the first visit (new profile) and the repeat visit (same profile, cache warm)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    out: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *browser_args])
        try:
            for path in paths:
                for attempt in range(ATTEMPTS):
                    context = browser.new_context(
                        viewport={"width": 1400, "height": 900}, locale="id-ID", ignore_https_errors=True,
                        extra_http_headers={"Accept-Encoding": "identity"} if identity else None)
                    try:
                        page = context.new_page()
                        url = f"{base}/{'' if path == PAGES[0][1] else path}"  # the first page lives at the root
                        first_s, first = _visit(page, url)
                        repeat_s, repeat = _visit(page, url)
                        out[path] = {"first_s": first_s, "first_bytes": first.total, "first_http_bytes": first.http,
                                     "first_ws_bytes": first.websocket, "first_requests": first.requests,
                                     "repeat_s": repeat_s, "repeat_bytes": repeat.total, "attempt": attempt + 1}
                        break
                    except PlaywrightError:  # a page that never drew (a busy machine): once more, counted
                        if attempt == ATTEMPTS - 1:
                            raise
                    finally:
                        context.close()
        finally:
            browser.close()
    return out


def warm(base: str, paths: Sequence[str], browser_args: Sequence[str] = ()) -> None:
    """Open every page once at full speed in a profile thrown away: the server has run each page before.

    A dashboard in use is warm; what is measured is the browser's first visit,
    not the server's first run of a page after it started.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *browser_args])
        try:
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            for path in paths:
                try:
                    page.goto(f"{base}/{'' if path == PAGES[0][1] else path}", timeout=WAIT_MS)
                    page.wait_for_function(_FIRST_CHART, timeout=WAIT_MS, polling="raf")
                    page.wait_for_function(_IDLE, timeout=WAIT_MS)
                except PlaywrightError:  # warming only: the visits measured report what goes wrong
                    page = context.new_page()
        finally:
            browser.close()


def copy_cost() -> dict:
    """Seconds and peak memory of making the compressed copy from nothing (what the first start of a version does)."""
    with tempfile.TemporaryDirectory(prefix="dasbor-copy-") as folder:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "deploy.compress", "--out", folder, "--from-scratch"],
                              cwd=ROOT, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - began
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if done.returncode != 0:
            raise RuntimeError(f"python -m deploy.compress failed:\n{done.stderr[-3000:]}")
        copy = Path(done.stdout.strip())
        sizes = {kind: sum(p.stat().st_size for p in copy.rglob(pattern)) for kind, pattern in
                 (("js", "*.js"), ("js_gz", "*.js.gz"), ("js_br", "*.js.br"))}
    return {"seconds": seconds, "peak_mb": peak_kb / 1024 if peak_kb > before else None, **sizes}


def spki(prefix: Path) -> str:
    """The test certificate's public key as Chromium names it: trusted like a real one, so the browser caches."""
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    certificate = x509.load_pem_x509_certificate((prefix / "cert.pem").read_bytes())
    key = certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(key).digest()).decode("ascii")


def _data_copy(folder: Path) -> Path:
    shutil.copytree(ROOT / "data", folder,
                    ignore=shutil.ignore_patterns("store", "*.sqlite3", "*.sqlite3-*", "__pycache__", "secrets"))
    return folder


def _wait_for_copy(url: str, timeout_s: float = 900) -> None:
    """Wait until the dashboard sends its scripts compressed (its copy exists; made once per Streamlit version)."""
    import re
    import urllib.request

    index = urllib.request.urlopen(f"{url}/", timeout=30).read().decode("utf-8")
    bundle = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', index).group(1)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        request = urllib.request.Request(f"{url}/{bundle}", headers={"Accept-Encoding": "br, gzip"}, method="HEAD")
        with urllib.request.urlopen(request, timeout=30) as answer:
            if answer.headers.get("Content-Encoding"):
                return
        time.sleep(1)
    raise RuntimeError("the dashboard never sent its scripts compressed")


def run(workdir: Path, log=sys.stdout, only_ways: Sequence[str] = (), only_paths: Sequence[str] = (),
        copy: bool = True) -> dict:
    """Every way of serving (or ``only_ways``), each on a fresh server process, visiting every analysis page (or
    ``only_paths``); the figures of the report's section. ``copy``: also the cost of making the compressed copy."""
    paths = [path for _, path in PAGES if not only_paths or path in only_paths]
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "link": {
        "down_mbit_s": DOWN_BITS_S / 1e6, "up_mbit_s": UP_BITS_S / 1e6, "latency_ms": LATENCY_MS}, "ways": {}}
    if copy:
        print("  first-visit: making the compressed copy from nothing ...", file=log, flush=True)
        results["copy"] = copy_cost()
    ways = ["embedded", "uncompressed"] + (["nginx"] if NGINX.exists() else [])
    ways = [way for way in ways if not only_ways or way in only_ways]
    if len(ways) < len(WAYS):
        print("  first-visit: /usr/sbin/nginx not found (apt-get install nginx): not measured", file=log)
    if not CHROMIUM.exists():
        print(f"  first-visit: {CHROMIUM} not found (apt-get install chromium): no visit measured", file=log)
        results["missing"] = str(CHROMIUM)
        ways = []
    for way in ways:
        print(f"  first-visit: {way} ...", file=log, flush=True)
        folder = _data_copy(workdir / f"data-{way}")
        try:
            results["ways"][way] = _way(way, folder, paths, results)
        except Exception as error:  # noqa: BLE001 -- one way failing leaves the others' figures
            print(f"  first-visit: {way} failed: {error}", file=log, flush=True)
            results["ways"][way] = {"error": f"{type(error).__name__}: {str(error)[:300]}"}
    return results


def _way(way: str, folder: Path, paths: Sequence[str], results: dict) -> dict:
    """One way of serving, on a fresh server process: the visits of every page and the server's peak memory."""
    with ExitStack() as stack:
        server = stack.enter_context(Server(folder))
        _wait_for_copy(server.url)
        base, browser_args = server.url, []
        if way == "nginx":
            from tests.support.nginx import running_nginx

            proxy = stack.enter_context(running_nginx([server.port], static=True))
            base, browser_args = proxy.https, [f"--ignore-certificate-errors-spki-list={spki(proxy.prefix)}"]
        warm(base, paths, browser_args)
        results.setdefault("load_average", []).append(os.getloadavg()[0])
        pages = visits(base, paths, identity=way == "uncompressed", browser_args=browser_args)
        return {"pages": pages, "server_peak_mb": peak_memory_mb(server.process.pid)}


# --- the report's section --------------------------------------------------------------------------------------
def _mb(n: float | None) -> str:
    return "–" if n is None else f"{n / 1e6:.2f}".replace(".", ",")


def _s(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}".replace(".", ",")


def verdict(results: dict) -> dict[str, bool | None]:
    """Each target, for the compressed ways (embedded and nginx): met on every analysis page? None: not measured."""
    ways = [w for w in ("embedded", "nginx") if w in results["ways"]]
    if not ways:
        return {"bytes": None, "first": None, "repeat": None}
    if any("error" in results["ways"][w] for w in ways):
        return {"bytes": False, "first": False, "repeat": False}
    pages = [p for w in ways for p in results["ways"][w]["pages"].values()]
    return {
        "bytes": all(p["first_bytes"] <= BUDGET_MB * 1e6 for p in pages),
        "first": all(p["first_s"] <= BUDGET_FIRST_S for p in pages),
        "repeat": all(p["repeat_s"] <= BUDGET_REPEAT_S for p in pages),
    }


def section(results: dict) -> str:
    """The report's section, between the markers ``python -m bench`` keeps."""
    link = results["link"]
    met = verdict(results)
    word = {True: "terpenuhi / met", False: "**tidak terpenuhi / not met**", None: "tidak diukur / not measured"}
    copy = results["copy"]
    lines = [
        f"<!-- section: {SECTION} -->",
        "## Kunjungan pertama di jaringan lambat / First visit on a slow link",
        "",
        "Ditulis oleh `.venv/bin/python -m bench --only first-visit` (juga oleh `python -m bench`);",
        "cara mengukurnya ada di `bench/first_visit.py`. Chromium diperlambat lewat protokol DevTools",
        f"(`Network.emulateNetworkConditions`) menjadi {link['down_mbit_s']:g} Mbit/s turun,",
        f"{link['up_mbit_s']:g} Mbit/s naik, latensi {link['latency_ms']} ms. Setiap halaman analisis dibuka",
        "dengan profil peramban baru (tembolok kosong), lalu sekali lagi di profil yang sama (kunjungan",
        "ulang). Byte: semua jawaban HTTP sebagaimana lewat jaringan (termasuk header) ditambah pesan",
        "websocket. Detik: dari awal navigasi sampai grafik pertama halaman tergambar. Data demo, mode",
        "demo terbuka; setiap halaman sudah dibuka sekali sebelumnya dengan profil lain (server hangat:",
        "yang diukur kunjungan pertama peramban, bukan jalan pertama server). Waktu di peramban",
        "termasuk menggambar grafik pada mesin 2 inti yang dipakai bersama (beban rata-rata 1 menit saat",
        f"mengukur: {'; '.join(_s(x) for x in results.get('load_average', []))}).",
        "",
        "*Chromium slowed by the DevTools protocol; every analysis page opened with a new profile (empty",
        "cache), then again in the same profile (repeat visit). Bytes: every HTTP answer as sent over the",
        "wire plus websocket messages; seconds: from navigation start to the page's first chart drawn,",
        "drawing included, on a shared 2-core machine (load averages above); each page was opened once",
        "before with another profile, so the server is warm.*",
        "",
        f"- Tanggal / date: {results['started']}",
        f"- Target: paling banyak {_mb(BUDGET_MB * 1e6)} MB dan grafik pertama dalam {BUDGET_FIRST_S:g} detik pada kunjungan",
        f"  pertama, kunjungan ulang dalam {BUDGET_REPEAT_S:g} detik, di setiap halaman analisis, langsung dan lewat",
        "  nginx / *at most 3.5 MB and the first chart within 10 s on the first visit, the repeat visit",
        "  within 2 s, on every analysis page, direct and through nginx*:",
        (f"  byte {word[met['bytes']]}; grafik pertama / first chart {word[met['first']]};"
         f" kunjungan ulang / repeat visit {word[met['repeat']]}."),
        "",
        ("| cara / way | halaman / page | MB pertama / first | permintaan / requests | grafik pertama (s) | "
         "kunjungan ulang (s) | MB ulang / repeat |"),
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    measured = {way: figures for way, figures in results["ways"].items() if "pages" in figures}
    for way, figures in measured.items():
        for path, p in figures["pages"].items():
            again = " (2×)" if p.get("attempt", 1) > 1 else ""
            lines.append(f"| {WAYS.get(way, way)} | {path}{again} | {_mb(p['first_bytes'])} | {p['first_requests']} | "
                         f"{_s(p['first_s'])} | {_s(p['repeat_s'])} | {_mb(p['repeat_bytes'])} |")
    if any(p.get("attempt", 1) > 1 for figures in measured.values() for p in figures["pages"].values()):
        lines += ["", (f"(2×): halaman yang tidak tergambar dalam {WAIT_MS // 1000} detik dibuka sekali lagi dengan "
                       "profil baru / *a page that did not draw in time was opened once more with a new profile.*")]
    lines += ["", "**Median per cara / per way**", "",
              "| cara / way | MB pertama | grafik pertama (s) | kunjungan ulang (s) | memori puncak server (MB) |",
              "|---|---:|---:|---:|---:|"]
    for way, figures in measured.items():
        pages = list(figures["pages"].values())
        lines.append(
            f"| {WAYS.get(way, way)} | {_mb(statistics.median(p['first_bytes'] for p in pages))} | "
            f"{_s(statistics.median(p['first_s'] for p in pages))} | "
            f"{_s(statistics.median(p['repeat_s'] for p in pages))} | {figures['server_peak_mb']:.0f} |")
    if results.get("missing"):
        lines += ["", f"Tidak diukur: `{results['missing']}` tidak ada / *not measured: no Chromium*."]
    failed = {way: figures["error"] for way, figures in results["ways"].items() if "error" in figures}
    if failed:
        lines += ["", *[f"- {WAYS.get(way, way)}: gagal / failed: `{error}`" for way, error in failed.items()]]
    lines += [
        "",
        "**Biaya memori / memory cost.** Memori puncak server (VmHWM proses `streamlit run` setelah semua",
        "kunjungan di atas, satu proses baru per cara) dengan berkas statis terkompresi dan tanpa",
        "kompresi ada di tabel median. Berkas dikompresi sekali per versi Streamlit oleh proses anak",
        (f"(`python -m deploy.compress`): {copy['seconds']:.0f} detik, memori puncak proses anak itu "
         f"{(copy['peak_mb'] or 0):.0f} MB,"),
        f"JavaScript {_mb(copy['js'])} MB menjadi {_mb(copy['js_br'])} MB (Brotli) dan {_mb(copy['js_gz'])} MB (gzip).",
        "Selama itu dasbor sudah menjawab, tanpa kompresi; memori proses dasbor sendiri tidak bertambah.",
        "*The server's peak memory with and without compression is in the medians table; the copy is",
        "made once per Streamlit version by a child process, whose cost is given above.*",
        f"<!-- /section: {SECTION} -->",
        "",
    ]
    return "\n".join(lines)


def write_section(results: dict, path: Path) -> None:
    """Rewrite only this stage's section of the report at ``path`` (added at the end when missing)."""
    import re

    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Kinerja / Performance\n\n"
    pattern = re.compile(rf"<!-- section: {SECTION} -->.*?<!-- /section: {SECTION} -->\n?", re.DOTALL)
    new = section(results)
    text = pattern.sub(lambda _m: new, text, count=1) if pattern.search(text) else text.rstrip("\n") + "\n\n" + new
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.first_visit", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="write the figures as JSON here")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for the data copies (default: temporary)")
    parser.add_argument("--ways", default="", help=f"only these ways, comma-separated: {', '.join(WAYS)}")
    parser.add_argument("--pages", default="", help="only these URL paths, comma-separated (default: every page)")
    parser.add_argument("--no-copy", action="store_true", help="leave out the cost of making the compressed copy")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dasbor-first-visit-"))
    try:
        results = run(workdir, log=sys.stderr, only_ways=[w for w in args.ways.split(",") if w],
                      only_paths=[p for p in args.pages.split(",") if p], copy=not args.no_copy)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
