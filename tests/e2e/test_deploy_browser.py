"""The deployment of docs/deploy.md in a real browser: two dashboard processes behind nginx with TLS.

Two processes are started as the deployment guide says (``streamlit run
dashboard.py --server.port N --server.address 127.0.0.1``) on one data folder,
and nginx from ``deploy/`` in front of them with a self-signed certificate. A
browser then:

- opens every page through nginx with no Content-Security-Policy violation;
- signs in once and stays signed in across a reload and a bookmark with filters,
  until it signs out (the session cookie is then dead everywhere);
- downloads a table whose link, copied to another browser, returns no file;
- sees an import and a rollback made from the command line within seconds, on
  each process (two browsers that nginx sends to different processes), on the
  embedded back end and on the shared PostgreSQL database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e import (
    NAV_LINKS,
    PROFILE,
    RUN_COUNTER,
    WAIT_MS,
    eventually,
    full_page_screenshot,
    healthy,
    log_in,
    open_app,
    settle,
)
from tests.e2e.conftest import ADMIN, VIEWPORT, K, Login, copy_data
from tests.support.nginx import Nginx, fetch, nginx_or_skip, running_nginx
from tests.support.ports import free_ports
from tests.support.processes import stop_group

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent.parent
STARTUP_TIMEOUT_S = 90
# The first page's link names it: /ringkasan, sent to the root with its filters by the dashboard's own route.
ADMIN_PAGES_AT_LEAST = {"ringkasan", "desa", "program", "daerah-asal", "anggaran", "hasil", "panduan", "data", "akun", "audit"}
BROWSER_COOKIE, SESSION_COOKIE = "dasbor_peramban", "dasbor_sesi"
SECONDS_TO_SHOW_AN_IMPORT = 30  # "within seconds": the next page load after the command returns

# Every Content-Security-Policy violation the page reports, kept across the page's own navigations.
CSP_WATCH = """
(() => {
  const seen = JSON.parse(sessionStorage.getItem('__csp') || '[]');
  window.__csp = seen;
  document.addEventListener('securitypolicyviolation', e => {
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile || ''}:${e.lineNumber}`);
    sessionStorage.setItem('__csp', JSON.stringify(window.__csp));
  });
})();
"""


@dataclass(frozen=True)
class Deployment:
    """nginx in front of the dashboard processes, and what they share."""

    nginx: Nginx
    data_dir: Path
    ports: tuple[int, ...]
    env: Mapping[str, str]

    def at(self, path: str = "") -> str:
        return f"{self.nginx.https}/{path.lstrip('/')}"

    def command(self, module: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """``python -m <module> <args>`` as an administrator runs it on the server, with the processes' settings."""
        done = subprocess.run([sys.executable, "-m", module, *args], input=stdin, cwd=ROOT, env=dict(self.env),
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"python -m {module} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done




@contextmanager
def dashboard_processes(ports: Sequence[int], env: Mapping[str, str], logs: Path) -> Iterator[None]:
    """The dashboard processes of docs/deploy.md, one per port, on 127.0.0.1 only; stopped at exit."""
    processes = []
    try:
        for port in ports:
            with open(logs / f"dashboard-{port}.log", "wb") as out:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                     "--server.address", "127.0.0.1", "--server.headless", "true",
                     "--browser.gatherUsageStats", "false"],
                    cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    start_new_session=True))
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        for port, process in zip(ports, processes):
            while not healthy(f"http://127.0.0.1:{port}"):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = (logs / f"dashboard-{port}.log").read_text(errors="replace")[-3000:]
                    pytest.fail(f"the dashboard process on port {port} did not start:\n{tail}")
                time.sleep(0.25)
        yield
    finally:
        for process in processes:
            stop_group(process)


def _add_account(env: Mapping[str, str], login: Login) -> None:
    done = subprocess.run([sys.executable, "-m", "lib.accounts", "add", login.username, "--role", login.role,
                           "--password-stdin"], input=login.password + "\n", text=True, capture_output=True,
                          cwd=ROOT, env=dict(env), timeout=120)
    assert done.returncode == 0, f"could not create account {login.username}: {done.stderr}"


@contextmanager
def deployed(folder: Path, database_url: str | None = None) -> Iterator[Deployment]:
    nginx_or_skip()
    data_dir = copy_data(folder / "data")
    env = {**os.environ, "DASBOR_DATA_DIR": str(data_dir), "DASBOR_PRIVACY_K": str(K)}
    env.pop("DASBOR_DATABASE_URL", None)
    if database_url:
        env["DASBOR_DATABASE_URL"] = database_url
    _add_account(env, ADMIN)
    ports = tuple(free_ports(2))
    with ExitStack() as stack:
        stack.enter_context(dashboard_processes(ports, env, folder))
        nginx = stack.enter_context(running_nginx(ports))
        yield Deployment(nginx, data_dir, ports, env)


@pytest.fixture(scope="module")
def deployment(chromium, tmp_path_factory) -> Iterator[Deployment]:
    """Two processes on the embedded back end (files in one data folder) behind nginx."""
    with deployed(tmp_path_factory.mktemp("deploy-files")) as running:
        yield running


@pytest.fixture(scope="module")
def postgres_deployment(chromium, tmp_path_factory, postgres_server) -> Iterator[Deployment]:
    """Two processes on one shared PostgreSQL database behind nginx."""
    with deployed(tmp_path_factory.mktemp("deploy-postgres"), postgres_server.create_database()) as running:
        yield running


@pytest.fixture
def new_browser(browser: Browser, request) -> Iterator[Callable[[], BrowserContext]]:
    """Fresh browser profiles (own cookies), trusting the test's self-signed certificate; closed after the test."""
    made: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="id-ID",
                                      ignore_https_errors=True, **PROFILE)
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(WAIT_MS)
        context.add_init_script(RUN_COUNTER)
        context.add_init_script(CSP_WATCH)
        made.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    for context in made:
        if report is not None and report.failed:
            for n, page in enumerate(context.pages):
                try:
                    full_page_screenshot(page, f"failed-{request.node.name}-{len(made)}-{n}")
                except Exception:  # a broken page must not hide the test's own failure
                    pass
        context.close()


def heading(page: Page) -> str:
    return page.locator("h1").first.inner_text()


def asks_to_sign_in(page: Page) -> None:
    expect(page.locator("h1").first).to_have_text("Masuk")
    expect(page.locator(".st-key-masuk_sandi input")).to_be_visible()


def signed_in(page: Page, title: str, username: str = ADMIN.username) -> None:
    expect(page.locator("h1").first).to_have_text(title)
    expect(page.get_by_text(f"Masuk sebagai {username}")).to_be_visible()
    assert page.locator(".st-key-masuk_sandi input").count() == 0


def cookie(context: BrowserContext, name: str) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == name), None)


def csp_violations(page: Page, console: list[str]) -> list[str]:
    reported = page.evaluate("window.__csp || []")
    return [*reported, *(m for m in console if "Content Security Policy" in m)]


# --- the pages under the policy ------------------------------------------------------------------------------
def test_every_page_works_through_nginx_with_no_policy_violation(deployment, new_browser):
    page = new_browser().new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    open_app(page, deployment.at(), "Masuk")
    assert csp_violations(page, console) == []
    log_in(page, deployment.at(), ADMIN.username, ADMIN.password)
    # Every page the admin's menu offers (an admin sees them all).
    links = page.locator(NAV_LINKS).evaluate_all("links => links.map(a => a.href)")
    paths = [link.removeprefix(deployment.at()) for link in links]
    assert ADMIN_PAGES_AT_LEAST <= set(paths), paths
    for path in paths:
        open_app(page, deployment.at(path))
        expect(page.locator("h1").first).not_to_have_text("Masuk")
        # Charts and tables drawn: Plotly and the data grid run under the policy too.
        if path in ("ringkasan", "desa", "hasil"):
            expect(page.locator(".js-plotly-plot").first).to_be_visible()
        assert csp_violations(page, console) == [], f"/{path}"
    full_page_screenshot(page, "deploy-nginx-hasil-akhir")


# --- staying signed in ------------------------------------------------------------------------------------------
def test_a_browser_stays_signed_in_across_reloads_and_bookmarks_until_it_signs_out(deployment, new_browser):
    context = new_browser()
    page = context.new_page()
    log_in(page, deployment.at("hasil?desa=Pare"), ADMIN.username, ADMIN.password)
    # Back on the page the login was made on, with its filter.
    signed_in(page, "Hasil")
    assert page.url == deployment.at("hasil?desa=Pare")

    session = cookie(context, SESSION_COOKIE)
    assert session is not None, "no session cookie after signing in"
    assert session["httpOnly"] and session["secure"] and session["sameSite"] == "Strict"
    hours_left = (session["expires"] - time.time()) / 3600
    assert 7.9 < hours_left <= 8.0  # DASBOR_SESSION_HOURS, 8 by default

    page.reload()
    settle(page)
    signed_in(page, "Hasil")

    bookmark = context.new_page()  # a bookmark opened in another tab of the same browser
    open_app(bookmark, deployment.at("desa?desa=Pare&desa=Gurah"))
    signed_in(bookmark, "Desa")
    assert bookmark.url == deployment.at("desa?desa=Pare&desa=Gurah")
    bookmark.close()

    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Keluar").click()
    asks_to_sign_in(page)
    settle(page)
    assert cookie(context, SESSION_COOKIE) is None
    page.reload()
    settle(page)
    asks_to_sign_in(page)
    open_app(page, deployment.at("desa?desa=Pare"))
    asks_to_sign_in(page)

    # The old cookie, kept by someone who copied it, is dead on the server.
    stolen = new_browser()
    stolen.add_cookies([{"name": SESSION_COOKIE, "value": session["value"], "url": deployment.at(),
                         "httpOnly": True, "secure": True, "sameSite": "Strict"}])
    elsewhere = stolen.new_page()
    open_app(elsewhere, deployment.at("hasil"))
    asks_to_sign_in(elsewhere)


# --- downloads only for the browser that asked ----------------------------------------------------------------------
def test_a_copied_download_link_returns_no_file_in_another_browser(deployment, new_browser):
    context = new_browser()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, deployment.at("desa"), ADMIN.username, ADMIN.password)
    signed_in(page, "Desa")
    settle(page)  # every run of the page over: the button is the one the page shows
    button = page.locator("[data-testid='stDownloadButton'] button").first
    with page.expect_download() as started:
        button.click()
    download = started.value
    assert csp_violations(page, console) == []  # downloading works under the policy too
    link = download.url
    assert "/media/" in link
    content = Path(download.path()).read_bytes()
    assert content, "the download is empty"

    # The browser that asked may fetch it again ...
    again = context.request.get(link)
    assert again.status == 200 and again.body() == content

    # ... but the copied link returns nothing: not to another signed-in browser, not to one that never signed in,
    # not without any cookie.
    other = new_browser()
    other_page = other.new_page()
    log_in(other_page, deployment.at(), ADMIN.username, ADMIN.password)
    stranger = new_browser()
    stranger.new_page().goto(deployment.at())
    for someone in (other, stranger):
        refused = someone.request.get(link)
        assert refused.status == 404 and content not in refused.body()
    bare = fetch(link)
    assert bare.status == 404 and content not in bare.body


# --- an import and a rollback reach every process ---------------------------------------------------------------------
def browsers_for_each_process(deployment: Deployment) -> list[str]:
    """One browser cookie per dashboard process: values nginx sends to different processes (read in its log)."""
    by_process: dict[str, str] = {}
    for n in range(200):
        value = f"uji{n:04d}" + "p" * 40
        before = len(deployment.nginx.logged())
        assert fetch(deployment.at("_stcore/health"), {"Cookie": f"{BROWSER_COOKIE}={value}"}).status == 200
        [line] = deployment.nginx.logged_after(before)[-1:]
        by_process.setdefault(deployment.nginx.upstream(line), value)
        if len(by_process) == len(deployment.ports):
            return list(by_process.values())
    raise AssertionError(f"nginx sent every browser to the same process: {by_process}")


def participants_file(deployment: Deployment, folder: Path, last_year: int | None) -> Path:
    """The demo's participants (up to ``last_year`` when given) as a staff CSV."""
    demo = pd.read_csv(deployment.data_dir / "demo" / "participants.csv", dtype=str, keep_default_na=False)
    if last_year is not None:
        demo = demo[demo["year"].astype(int) <= last_year]
    path = folder / f"peserta-{last_year or 'semua'}.csv"
    demo.to_csv(path, index=False)
    return path


def data_in_use(page: Page) -> str:
    return page.get_by_text("Data yang dipakai:").first.inner_text()


def shows_version(pages: Sequence[Page], version: int) -> list[str]:
    """Reload every page until each says it uses ``version``; what each then says."""
    def check() -> list[str]:
        said = []
        for page in pages:
            page.reload()
            settle(page)
            said.append(data_in_use(page))
            assert f"versi {version} " in said[-1], said[-1]
        return said
    return eventually(check, timeout_s=SECONDS_TO_SHOW_AN_IMPORT)


@pytest.mark.parametrize("backend", ["files", "postgres"])
def test_an_import_and_a_rollback_from_the_command_line_reach_every_process(request, backend, new_browser,
                                                                             tmp_path):
    deployment: Deployment = request.getfixturevalue("deployment" if backend == "files" else "postgres_deployment")
    pages = []
    for value in browsers_for_each_process(deployment):
        context = new_browser()
        context.add_cookies([{"name": BROWSER_COOKIE, "value": value, "url": deployment.at(), "httpOnly": True,
                              "secure": True, "sameSite": "Strict"}])
        page = context.new_page()
        log_in(page, deployment.at(), ADMIN.username, ADMIN.password)
        signed_in(page, "Ringkasan")
        pages.append(page)

    whole, early = participants_file(deployment, tmp_path, None), participants_file(deployment, tmp_path, 2019)
    deployment.command("lib.importer", "--yes", "--author", "uji", str(whole))
    first = shows_version(pages, 1)
    deployment.command("lib.importer", "--yes", "--author", "uji", str(early))
    shows_version(pages, 2)
    deployment.command("lib.importer", "--rollback", "1", "--author", "uji")
    assert shows_version(pages, 1) == first
