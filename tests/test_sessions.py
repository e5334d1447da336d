"""Staying signed in, and downloads only for the browser that asked: the session store, the web edge, the page edge.

- the session functions: live, unknown, expired, revoked, removed account; one-time
  sign-in codes used once, within a minute, in their own browser; only hashes stored;
- ``pages.server`` (``sessions``, ``browsers``): the sign-in and sign-out routes, the browser cookie, the
  media guard and the copy kept of a clicked download, driven through Starlette's test client (HTTP and websocket);
- ``pages.auth`` through ``dashboard.py`` (AppTest): a session cookie signs the
  browser in without a password until it expires or is revoked, and a password
  login hands the browser a sign-in code for the page it is on.
"""

from __future__ import annotations

import datetime as dt
import shutil
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest

from lib import accounts
from lib import accounts as store
from lib.audit import LOGOUT, open_audit
from pages import server
from pages.auth import browser as auth_browser
from pages.auth import sidebar as auth_sidebar
from pages.server import browsers, sessions

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2024, 5, 1, 3, 0, tzinfo=dt.UTC)
ADMIN, ADMIN_PW = "ani", "kuda-lumping-2024"
VIEWER, VIEWER_PW = "budi", "tahu-kuning-kediri"
BROWSER = "b" * 43
OTHER_BROWSER = "c" * 43
pytestmark = pytest.mark.usefixtures("cheap_hashes")  # tests/conftest.py


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("store", "*.sqlite3*", "secrets"))
    monkeypatch.setenv("DASBOR_DATA_DIR", str(folder))
    monkeypatch.setenv("DASBOR_PRIVACY_K", "5")
    monkeypatch.delenv("DASBOR_SESSION_HOURS", raising=False)
    return folder


@pytest.fixture
def conn(data_dir):
    with closing(accounts.open_accounts()) as connection:
        accounts.create_account(connection, ADMIN, ADMIN_PW, "admin", actor="cli")
        accounts.create_account(connection, VIEWER, VIEWER_PW, "viewer", actor="cli")
        yield connection


# --- the session store ---------------------------------------------------------------------
def test_a_live_session_names_its_user_and_nothing_else_does(conn):
    token = store.new_session(conn, VIEWER, 8, now=T0)
    assert store.session_user(conn, token, now=T0 + dt.timedelta(hours=7, minutes=59)) == VIEWER
    for other in ("", None, token[:-1], store.new_sign_in_code(conn, VIEWER, BROWSER, now=T0)):
        assert store.session_user(conn, other, now=T0) is None


@pytest.mark.parametrize("hours, later, alive", [
    (8, dt.timedelta(hours=8), False),
    (8, dt.timedelta(hours=8) - dt.timedelta(seconds=1), True),
    (0.5, dt.timedelta(minutes=31), False),
    (24, dt.timedelta(hours=23), True),
])
def test_a_session_expires_after_its_hours(conn, hours, later, alive):
    token = store.new_session(conn, ADMIN, hours, now=T0)
    assert (store.session_user(conn, token, now=T0 + later) == ADMIN) is alive


def test_a_revoked_session_is_over_and_revoking_twice_ends_nothing(conn):
    token, other = store.new_session(conn, ADMIN, 8, now=T0), store.new_session(conn, ADMIN, 8, now=T0)
    assert store.revoke_session(conn, token, now=T0)
    assert store.session_user(conn, token, now=T0) is None
    assert not store.revoke_session(conn, token, now=T0)
    assert not store.revoke_session(conn, "unknown-token", now=T0)
    assert store.session_user(conn, other, now=T0) == ADMIN  # another browser of the same user stays in


def test_all_sessions_of_a_user_can_be_revoked(conn):
    mine = [store.new_session(conn, VIEWER, 8, now=T0) for _ in range(3)]
    theirs = store.new_session(conn, ADMIN, 8, now=T0)
    assert store.revoke_user_sessions(conn, VIEWER, now=T0) == 3
    assert [store.session_user(conn, t, now=T0) for t in mine] == [None, None, None]
    assert store.session_user(conn, theirs, now=T0) == ADMIN


def test_a_session_ends_with_its_account(conn):
    token = store.new_session(conn, VIEWER, 8, now=T0)
    accounts.delete_account(conn, VIEWER, actor="cli")
    assert store.session_user(conn, token, now=T0) is None


def test_only_hashes_of_tokens_and_codes_are_stored(conn, data_dir):
    token = store.new_session(conn, VIEWER, 8, now=T0)
    code = store.new_sign_in_code(conn, VIEWER, BROWSER, now=T0)
    stored = b"".join(path.read_bytes() for path in data_dir.glob("accounts.sqlite3*"))
    for secret in (token, code, BROWSER):
        assert secret.encode() not in stored
    assert store.digest(token).encode() in stored
    assert len(token) >= 43 and token != store.new_session(conn, VIEWER, 8, now=T0)  # 256 random bits each


def test_a_sign_in_code_works_once(conn):
    code = store.new_sign_in_code(conn, VIEWER, BROWSER, now=T0)
    assert store.redeem_sign_in_code(conn, code, BROWSER, now=T0 + dt.timedelta(seconds=30)) == VIEWER
    assert store.redeem_sign_in_code(conn, code, BROWSER, now=T0 + dt.timedelta(seconds=31)) is None


def test_a_sign_in_code_lapses_after_a_minute(conn):
    code = store.new_sign_in_code(conn, VIEWER, BROWSER, now=T0)
    assert store.redeem_sign_in_code(conn, code, BROWSER, now=T0 + dt.timedelta(minutes=1)) is None


def test_a_sign_in_code_works_only_in_the_browser_it_was_made_for(conn):
    code = store.new_sign_in_code(conn, VIEWER, BROWSER, now=T0)
    assert store.redeem_sign_in_code(conn, code, OTHER_BROWSER, now=T0) is None
    # ... and trying it elsewhere used it up: a code seen by someone else is worth nothing.
    assert store.redeem_sign_in_code(conn, code, BROWSER, now=T0) is None
    assert store.redeem_sign_in_code(conn, code, None, now=T0) is None
    assert store.redeem_sign_in_code(conn, "unknown", BROWSER, now=T0) is None
    with pytest.raises(ValueError):
        store.new_sign_in_code(conn, VIEWER, "", now=T0)


@pytest.mark.parametrize("value, hours", [("8", 8.0), ("0.5", 0.5), ("", 8.0)])
def test_session_hours_come_from_the_setting(monkeypatch, value, hours):
    from lib import settings

    monkeypatch.setenv("DASBOR_SESSION_HOURS", value)
    assert settings.session_hours() == hours


@pytest.mark.parametrize("value", ["0", "-1", "delapan", "10000"])
def test_a_nonsense_session_length_is_refused(monkeypatch, value):
    from lib import settings

    monkeypatch.setenv("DASBOR_SESSION_HOURS", value)
    with pytest.raises(ValueError, match="DASBOR_SESSION_HOURS"):
        settings.session_hours()


# --- the web edge: routes and middleware -------------------------------------------------------------
@pytest.mark.parametrize("target, expected", [
    ("/hasil?desa=Pare&desa=Gurah", "/hasil?desa=Pare&desa=Gurah"),
    ("/", "/"),
    ("/desa", "/desa"),
    (None, "/"),
    ("", "/"),
    ("https://evil.example/steal", "/"),
    ("//evil.example/steal", "/"),
    ("/\\evil.example", "/"),
    ("hasil", "/"),
    ("/hasil\r\nSet-Cookie: x=1", "/"),
    ("javascript:alert(1)", "/"),
])
def test_the_way_back_after_signing_in_stays_on_this_site(target, expected):
    assert sessions.safe_next(target) == expected


def test_media_addresses_are_read_from_a_message():
    message = b"\x12\x08download\x1a\x2a/media/96a5067e172eed69a54ccf176313e8af.csv\x22/media/ab12.png tail"
    assert browsers.media_addresses(message) == {"96a5067e172eed69a54ccf176313e8af.csv", "ab12.png"}
    assert browsers.media_addresses(b"no address here") == set()


def test_media_grants_belong_to_one_browser_lapse_and_are_bounded():
    grants = browsers.MediaGrants(max_files=2, seconds=60)
    grants.grant(BROWSER, ["a.csv"], now=0)
    assert grants.allowed(BROWSER, "a.csv", now=59)
    assert not grants.allowed(BROWSER, "a.csv", now=60)
    assert not grants.allowed(OTHER_BROWSER, "a.csv", now=1)
    assert not grants.allowed(None, "a.csv", now=1)
    grants.grant(BROWSER, ["b.csv", "c.csv"], now=1)  # a third file pushes out the oldest
    assert not grants.allowed(BROWSER, "a.csv", now=2)
    assert grants.allowed(BROWSER, "c.csv", now=2)


def _web_app(grants: browsers.MediaGrants) -> Starlette:
    """Streamlit's routes in miniature (a media file, the websocket sending its address) behind our middleware."""
    async def media(request):
        return PlainTextResponse("kode,desa\nA01,Pare\n", headers={"Content-Disposition": "attachment"})

    async def stream(websocket):
        await websocket.accept()
        await websocket.receive_text()
        await websocket.send_bytes(b"\x0a\x05delta\x12/media/f00d.csv\x00")
        await websocket.close()

    async def page(request):
        return PlainTextResponse("<html>dasbor</html>")

    return Starlette(
        routes=[*server.routes(), Route("/media/{name}", media), WebSocketRoute("/_stcore/stream", stream),
                Route("/{path:path}", page)],
        middleware=[Middleware(browsers.BrowserMiddleware, grants=grants)],
    )


@pytest.fixture
def client():
    with TestClient(_web_app(browsers.MediaGrants()), base_url="http://127.0.0.1") as test_client:
        yield test_client


def _set_cookie(response, name: str) -> str | None:
    return next((h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")), None)


def _browser_of(client: TestClient) -> str:
    client.get("/")
    return client.cookies[browsers.BROWSER_COOKIE]


def test_a_browser_gets_its_own_cookie_once(client):
    first = client.get("/hasil")
    cookie = _set_cookie(first, browsers.BROWSER_COOKIE)
    assert cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    assert _set_cookie(client.get("/desa"), browsers.BROWSER_COOKIE) is None  # it has one now
    over_https = TestClient(client.app, base_url="http://127.0.0.1").get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in _set_cookie(over_https, browsers.BROWSER_COOKIE)


def test_a_media_file_is_served_only_to_the_browser_whose_page_was_sent_its_address(client):
    browser = _browser_of(client)
    assert client.get("/media/f00d.csv").status_code == 404  # not yet sent to anyone
    # (the test client's websocket does not send its cookie jar: the browser's cookie goes as a header)
    with client.websocket_connect("/_stcore/stream", headers={"cookie": f"{browsers.BROWSER_COOKIE}={browser}"}) \
            as websocket:
        websocket.send_text("rerun")
        assert b"/media/f00d.csv" in websocket.receive_bytes()
    served = client.get("/media/f00d.csv")
    assert served.status_code == 200 and "A01" in served.text
    # The copied link elsewhere: another browser, or no cookie at all.
    with TestClient(client.app, base_url="http://127.0.0.1") as elsewhere:
        elsewhere.get("/")
        refused = elsewhere.get("/media/f00d.csv")
        assert refused.status_code == 404 and "A01" not in refused.text
        elsewhere.cookies.clear()
        assert elsewhere.get("/media/f00d.csv").status_code == 404


def _clicked(url: str) -> bytes:
    """Streamlit's answer to a download click: the address of the file it has just made."""
    answer = ForwardMsg()
    answer.backend_operation_response.request_id = "1"
    answer.backend_operation_response.deferred_file.url = url
    return answer.SerializeToString()


def test_the_file_a_download_click_made_is_read_from_streamlits_answer():
    assert browsers.clicked_download(_clicked("/media/beef.csv")) == "beef.csv"
    assert browsers.clicked_download(_clicked("/base/media/beef.xlsx")) == "beef.xlsx"
    page_run = ForwardMsg()
    page_run.delta.new_element.download_button.url = "/media/f00d.csv"
    assert browsers.clicked_download(page_run.SerializeToString()) is None  # a page's run, not a click
    assert browsers.clicked_download(b"\x0a\x05delta\x12/media/f00d.csv\x00") is None  # not a message at all


def test_a_clicked_download_is_served_after_streamlit_has_deleted_it():
    """Streamlit deletes a clicked download's file when two script runs end in its process; the browser gets it."""
    stored = {"beef.csv": "kode,desa\nA01,Pare\n"}  # Streamlit's media store in miniature

    def read(name: str) -> browsers.KeptFile | None:
        content = stored.get(name)
        return None if content is None else browsers.KeptFile(content.encode(), "text/csv", "Desa 2021.csv")

    async def media(request):
        content = stored.get(request.path_params["name"])
        return PlainTextResponse(content) if content else PlainTextResponse("File not found", status_code=404)

    async def stream(websocket):
        await websocket.accept()
        await websocket.receive_text()
        await websocket.send_bytes(_clicked("/media/beef.csv"))
        await websocket.close()

    kept = browsers.KeptDownloads(read, seconds=600)
    app = Starlette(routes=[Route("/media/{name}", media), WebSocketRoute("/_stcore/stream", stream),
                            Route("/{path:path}", lambda request: PlainTextResponse("dasbor"))],
                    middleware=[Middleware(browsers.BrowserMiddleware, grants=browsers.MediaGrants(), kept=kept)])
    with TestClient(app, base_url="http://127.0.0.1") as client:
        browser = _browser_of(client)
        with client.websocket_connect("/_stcore/stream",
                                      headers={"cookie": f"{browsers.BROWSER_COOKIE}={browser}"}) as websocket:
            websocket.send_text("click")
            websocket.receive_bytes()
        del stored["beef.csv"]  # two runs ended, any reader's: Streamlit has deleted the file
        served = client.get("/media/beef.csv")
        assert served.status_code == 200 and served.text == "kode,desa\nA01,Pare\n"
        assert served.headers["content-disposition"] == 'attachment; filename="Desa 2021.csv"'
        assert client.get("/media/beef.csv").status_code == 200  # and again, as Streamlit allows
        with TestClient(app, base_url="http://127.0.0.1") as elsewhere:  # a copied link is still refused
            elsewhere.get("/")
            assert elsewhere.get("/media/beef.csv").status_code == 404


def test_kept_downloads_lapse_and_are_bounded():
    def read(name: str) -> browsers.KeptFile:
        return browsers.KeptFile(name.encode() * 10, "text/csv", name)

    kept = browsers.KeptDownloads(read, max_bytes=100, seconds=60)
    kept.keep("aaaaa.csv", now=1)  # 90 bytes
    assert kept.get("aaaaa.csv", now=60).content == b"aaaaa.csv" * 10
    assert kept.get("aaaaa.csv", now=61) is None  # lapsed
    kept.keep("bbbbb.csv", now=2)
    kept.keep("ccccc.csv", now=3)  # 180 bytes in all: the oldest goes
    assert kept.get("bbbbb.csv", now=3) is None and kept.get("ccccc.csv", now=3) is not None
    kept.keep("d" * 20 + ".csv", now=4)  # larger than the whole bound: not kept, the others stay
    assert kept.get("d" * 20 + ".csv", now=4) is None and kept.get("ccccc.csv", now=4) is not None
    gone = browsers.KeptDownloads(lambda name: None)
    gone.keep("gone.csv")  # deleted before its address reached the middleware: nothing to keep
    assert gone.get("gone.csv") is None


def test_signing_in_sets_the_session_cookie_and_goes_back_to_the_page(client, conn):
    code = store.new_sign_in_code(conn, VIEWER, _browser_of(client))
    done = client.get(sessions.session_address(code, "/hasil?desa=Pare"), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/hasil?desa=Pare"
    assert done.headers["cache-control"] == "no-store"
    cookie = _set_cookie(done, sessions.SESSION_COOKIE)
    assert cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
    assert store.session_user(conn, client.cookies[sessions.SESSION_COOKIE]) == VIEWER
    # The code is spent.
    again = client.get(sessions.session_address(code, "/"), follow_redirects=False)
    assert _set_cookie(again, sessions.SESSION_COOKIE) is None


def test_the_session_cookie_is_secure_over_https_and_lasts_the_setting(client, conn, monkeypatch):
    monkeypatch.setenv("DASBOR_SESSION_HOURS", "2")
    code = store.new_sign_in_code(conn, VIEWER, _browser_of(client))
    done = client.get(sessions.session_address(code, "/"), headers={"X-Forwarded-Proto": "https"},
                      follow_redirects=False)
    cookie = _set_cookie(done, sessions.SESSION_COOKIE)
    assert "Secure" in cookie and "Max-Age=7200" in cookie


@pytest.mark.parametrize("how", ["another browser", "another site", "no code", "to another site"])
def test_a_sign_in_code_signs_in_nobody_out_of_place(client, conn, how):
    browser = _browser_of(client)
    code = store.new_sign_in_code(conn, VIEWER, browser)
    headers, target = {}, "/desa"
    if how == "another browser":
        client.cookies.clear()
        client.cookies.set(browsers.BROWSER_COOKIE, OTHER_BROWSER)
    elif how == "another site":
        headers["Sec-Fetch-Site"] = "cross-site"
    elif how == "no code":
        code = ""
    else:
        target = "https://evil.example/"
    done = client.get(sessions.session_address(code, target), headers=headers, follow_redirects=False)
    assert done.status_code == 303
    if how == "to another site":
        assert done.headers["location"] == "/" and _set_cookie(done, sessions.SESSION_COOKIE)
    else:
        assert _set_cookie(done, sessions.SESSION_COOKIE) is None


def test_signing_out_revokes_the_session_and_clears_the_cookie(client, conn):
    code = store.new_sign_in_code(conn, ADMIN, _browser_of(client))
    client.get(sessions.session_address(code, "/"), follow_redirects=False)
    token = client.cookies[sessions.SESSION_COOKIE]
    done = client.get(sessions.sign_out_address(), follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    cleared = _set_cookie(done, sessions.SESSION_COOKIE)
    assert cleared and ("Max-Age=0" in cleared or "expires=Thu, 01 Jan 1970" in cleared)
    assert store.session_user(conn, token) is None


def test_another_site_cannot_sign_a_browser_out(client, conn):
    code = store.new_sign_in_code(conn, ADMIN, _browser_of(client))
    client.get(sessions.session_address(code, "/"), follow_redirects=False)
    token = client.cookies[sessions.SESSION_COOKIE]
    done = client.get(sessions.sign_out_address(), headers={"Sec-Fetch-Site": "cross-site"}, follow_redirects=False)
    assert _set_cookie(done, sessions.SESSION_COOKIE) is None
    assert store.session_user(conn, token) == ADMIN


# --- the page edge: dashboard.py with cookies -----------------------------------------------------------------
class Browser:
    """What AppTest cannot send: the cookies of the websocket, and where the app sends the browser."""

    def __init__(self, monkeypatch, session: str | None = None, browser: str | None = BROWSER):
        self.session, self.browser, self.sent_to = session, browser, []
        monkeypatch.setattr(auth_browser, "session_cookie", lambda: self.session)
        monkeypatch.setattr(auth_browser, "browser_cookie", lambda: self.browser)
        monkeypatch.setattr(auth_browser, "send_browser_to", self.sent_to.append)


def dashboard(url: str = "http://localhost:8501/", **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context = {"url": url}
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def title(at: AppTest) -> str:
    return at.title[0].value if at.title else ""


def test_a_live_session_cookie_opens_the_dashboard_without_a_password(conn, served, monkeypatch):
    Browser(monkeypatch, session=store.new_session(conn, ADMIN, 8))
    at = dashboard()
    assert not at.exception, [e.message for e in at.exception]
    assert title(at) != "Masuk" and not at.text_input
    assert any(ADMIN in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_a_dead_session_cookie_asks_for_the_password(conn, served, monkeypatch, state):
    token = store.new_session(conn, ADMIN, 8, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=9))
    if state != "expired":
        token = store.new_session(conn, ADMIN, 8)
    if state == "revoked":
        store.revoke_session(conn, token)
    Browser(monkeypatch, session=token if state != "unknown" else "x" * 43)
    at = dashboard()
    assert title(at) == "Masuk" and at.text_input(key="masuk_sandi")


def test_a_session_that_ends_while_open_signs_the_page_out(conn, served, monkeypatch):
    token = store.new_session(conn, VIEWER, 8)
    Browser(monkeypatch, session=token)
    at = dashboard()
    assert title(at) != "Masuk"
    store.revoke_session(conn, token)  # e.g. signed out in another tab of this browser
    at.run()
    assert title(at) == "Masuk"


def test_a_password_login_sends_the_browser_to_sign_in_for_the_page_it_is_on(conn, served, monkeypatch):
    browser = Browser(monkeypatch)
    at = dashboard("http://localhost:8501/hasil", desa="Pare")
    at.text_input(key="masuk_nama").input(VIEWER)
    at.text_input(key="masuk_sandi").input(VIEWER_PW)
    at.button(key="masuk_kirim").click().run()
    assert not at.exception, [e.message for e in at.exception]
    [address] = browser.sent_to
    parts = urlsplit(address)
    query = parse_qs(parts.query)
    assert parts.path == sessions.SESSION_PATH and query["next"] == ["/hasil?desa=Pare"]
    assert store.redeem_sign_in_code(conn, query["code"][0], BROWSER) == VIEWER


def test_the_login_page_address_itself_leads_back_home(conn, served, monkeypatch):
    browser = Browser(monkeypatch)
    at = dashboard("http://localhost:8501/masuk")
    at.text_input(key="masuk_nama").input(VIEWER)
    at.text_input(key="masuk_sandi").input(VIEWER_PW)
    at.button(key="masuk_kirim").click().run()
    assert parse_qs(urlsplit(browser.sent_to[0]).query)["next"] == ["/"]


def test_without_the_dashboard_routes_a_login_lasts_the_session(conn, served, monkeypatch):
    browser = Browser(monkeypatch, browser=None)
    at = dashboard()
    at.text_input(key="masuk_nama").input(VIEWER)
    at.text_input(key="masuk_sandi").input(VIEWER_PW)
    at.button(key="masuk_kirim").click().run()
    assert browser.sent_to == [] and title(at) != "Masuk"


def test_signing_out_revokes_the_browser_session(conn, served, monkeypatch):
    token = store.new_session(conn, ADMIN, 8)
    browser = Browser(monkeypatch, session=token)
    at = dashboard()
    at.sidebar.button(key=auth_sidebar.LOGOUT_KEY).click().run()
    assert store.session_user(conn, token) is None
    assert browser.sent_to == [sessions.sign_out_address()]
    assert ADMIN in open_audit().events(action=LOGOUT)["actor"].tolist()
    at.run()  # the page still holds the old cookie until the browser reloads: it no longer signs in
    assert title(at) == "Masuk"
