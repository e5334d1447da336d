"""Fixtures of the browser tests: the dashboard started as the README says, on a copy of data/, and Chromium.

The server runs ``python3 dev.py start`` from the repository root with
``DASBOR_DATA_DIR`` pointing at a temporary copy of ``data/`` (without any
imported versions, accounts or audit log a developer may have locally), so a
test never writes into the repository. Chromium is Debian's
``/usr/bin/chromium``: without it these tests are skipped on a developer's
machine and fail in CI, which must run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PROFILE,
    ROOT,
    RUN_COUNTER,
    WAIT_MS,
    full_page_screenshot,
    healthy,
)
from tests.support.ports import free_port
from tests.support.processes import stop_group

STARTUP_TIMEOUT_S = 60
VIEWPORT = {"width": 1400, "height": 900}
K = 5


@dataclass(frozen=True)
class Login:
    """An account the accounts-mode server knows."""

    username: str
    password: str
    role: str
    villages: tuple[str, ...] = ()


ADMIN = Login("admin.dinsos", "kunci-admin-uji-2024", "admin")
VIEWER_PARE = Login("kades.pare", "kunci-pembaca-uji-2024", "viewer", ("Pare",))


@dataclass(frozen=True)
class Server:
    """A running dashboard: its base URL and the data folder it reads and writes."""

    url: str
    data_dir: Path
    log: Path

    def at(self, path: str = "") -> str:
        """The absolute URL of ``path`` (e.g. ``"desa?desa=Pare"``)."""
        return f"{self.url}/{path.lstrip('/')}"


def copy_data(dest: Path) -> Path:
    """A copy of the repository's data/ at ``dest``: reference lists, demo data, coordinates; no local state."""
    shutil.copytree(ROOT / "data", dest,
                    ignore=shutil.ignore_patterns("store", "*.sqlite3", "*.sqlite3-*", "__pycache__"))
    return dest


def _python3() -> str:
    return shutil.which("python3") or "python3"


def ensure_environment() -> None:
    """Let dev.py bring .venv up to date first, so a dependency install never eats the server's start-up time."""
    done = subprocess.run([_python3(), "-c", "import dev; dev.ensure_environment()"], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"dev.py could not set up .venv:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"


@contextmanager
def running_server(data_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """The dashboard started exactly as the README says, on ``data_dir``; stopped (whole process group) at exit."""
    port = free_port()
    log = data_dir.parent / f"server-{port}.log"
    python3 = _python3()
    command = [python3, "dev.py", "start", "--server.headless", "true", "--server.port", str(port),
               "--browser.gatherUsageStats", "false"]
    environment = {**os.environ, "DASBOR_DATA_DIR": str(data_dir), "DASBOR_PRIVACY_K": str(K), **(env or {})}
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
                pytest.fail(f"the dashboard did not answer {url}/_stcore/health within {STARTUP_TIMEOUT_S} s "
                            f"(exit code {process.poll()}); server output:\n{tail}")
            time.sleep(0.25)
        yield Server(url, data_dir, log)
    finally:
        stop_group(process)  # dev.py and the streamlit it started


def add_account(data_dir: Path, login: Login) -> None:
    """Create ``login`` in ``data_dir`` with the account command line, the way an administrator does."""
    villages = [arg for village in login.villages for arg in ("--village", village)]
    done = subprocess.run(
        [sys.executable, "-m", "lib.accounts", "add", login.username, "--role", login.role, *villages,
         "--password-stdin"],
        input=login.password + "\n", text=True, capture_output=True, cwd=ROOT,
        env={**os.environ, "DASBOR_DATA_DIR": str(data_dir)}, timeout=120,
    )
    assert done.returncode == 0, f"could not create account {login.username}: {done.stderr}"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; skipped on a developer's machine without it, a failure in CI."""
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the browser tests"
        if os.environ.get("CI"):
            pytest.fail(message + " — CI must run them")
        pytest.skip(message)
    ensure_environment()
    return CHROMIUM


@pytest.fixture(scope="session")
def server(chromium, tmp_path_factory) -> Iterator[Server]:
    """The dashboard in open demo mode (no accounts), on a temporary copy of data/."""
    data_dir = copy_data(tmp_path_factory.mktemp("dasbor") / "data")
    with running_server(data_dir) as running:
        yield running


@pytest.fixture(scope="module")
def accounts_server(chromium, tmp_path_factory) -> Iterator[Server]:
    """The dashboard with accounts (an admin and a viewer limited to Pare), on its own copy of data/, per module."""
    data_dir = copy_data(tmp_path_factory.mktemp("dasbor-akun") / "data")
    for login in (ADMIN, VIEWER_PARE):  # the first account must be an admin
        add_account(data_dir, login)
    with running_server(data_dir) as running:
        yield running


@pytest.fixture(scope="session")
def browser(chromium) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test (no cookies, no session), Indonesian locale, downloads allowed."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="id-ID", **PROFILE)
    ctx.set_default_timeout(WAIT_MS)
    ctx.set_default_navigation_timeout(WAIT_MS)
    ctx.add_init_script(RUN_COUNTER)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(context, request) -> Iterator[Page]:
    """A page in a fresh context; when the test fails, its screen is kept as screenshots/failed-<test>.png."""
    opened = context.new_page()
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        try:
            full_page_screenshot(opened, f"failed-{request.node.name}")
        except Exception:  # a broken page must not hide the test's own failure
            pass
