"""Login, roles, village limits, audit and the account pages, run headlessly through ``dashboard.py``.

Each test gets its own copy of the data folder, so accounts and the audit log
start empty; password hashing runs at a tiny Argon2 cost.
"""

from __future__ import annotations

from contextlib import closing

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from lib import accounts
from lib.accounts import authenticate, open_accounts
from lib.audit import open_audit
from pages import auth
from pages.edge import sidebar
from tests.support.accounts import ADMIN, ADMIN_PW, KADES, KADES_PW, ROOT, VIEWER, VIEWER_PW, add_account, session_of
from tests.support.pages import click_downloads

# Each test runs on its own copy of the data folder, with cheap password hashes, as on a running server.
pytestmark = pytest.mark.usefixtures("data_dir", "cheap_hashes", "served")
ANALYSIS = ["pages/ringkasan.py", "pages/desa.py", "pages/program.py", "pages/daerah_asal.py",
            "pages/anggaran.py", "pages/hasil.py", "pages/panduan.py"]
ADMIN_ONLY = ["pages/data.py", "pages/akun.py", "pages/audit.py"]
# Element types that carry figures of the data (or a file of them).
FIGURE_TYPES = {"metric", "plotly_chart", "arrow_data_frame", "arrow_table", "vega_lite_chart",
                "deck_gl_json_chart", "map", "download_button", "multiselect", "slider", "selectbox"}
KAB_VILLAGES = ("Kandangan", "Pare", "Gurah", "Wonojoyo", "Ngasem", "Ngadiluwih", "Keras", "Grogol", "Wates")
OIDC_SECRETS = {"auth": {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "uji-rahasia-cookie",
    "client_id": "dasbor",
    "client_secret": "uji-rahasia-klien",
    "server_metadata_url": "https://sso.kedirikab.go.id/.well-known/openid-configuration",
}}


@pytest.fixture
def with_accounts(data_dir, cheap_hashes):
    add_account(ADMIN, ADMIN_PW, "admin")
    add_account(VIEWER, VIEWER_PW, "viewer")
    add_account(KADES, KADES_PW, "viewer", ("Pare",))


def events(action: str | None = None):
    return open_audit().events(action=action)


def app(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="masuk_nama").input(username)
    at.text_input(key="masuk_sandi").input(password)
    return at.button(key="masuk_kirim").click().run()


def logged_in(username: str, password: str, **params) -> AppTest:
    at = login(app(**params), username, password)
    assert not at.exception, [e.message for e in at.exception]
    return at


def element_types(at: AppTest) -> set[str]:
    """Every element type drawn anywhere (main, sidebar, containers, expanders)."""
    found, stack = set(), [at._tree]
    while stack:
        node = stack.pop()
        found.add(getattr(node, "type", None))
        stack.extend(getattr(node, "children", {}).values())
    return found


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_login_page_only(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert titles(at) == ["Masuk"]
    assert not element_types(at) & FIGURE_TYPES, element_types(at) & FIGURE_TYPES


# --- demo mode ---------------------------------------------------------------------------
def test_demo_mode_opens_every_page_without_login_and_says_demo():
    at = app()
    assert titles(at) == ["Ringkasan"] and at.metric
    for page in [*ANALYSIS, "pages/data.py"]:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert any("Mode demo" in i.value for i in at.sidebar.warning), page
        assert "Masuk" not in titles(at)
    # The Data page only explains how to leave demo mode.
    assert any("python -m lib.accounts add NAMA --role admin" in c.value for c in at.code)
    assert not at.get("file_uploader")
    with pytest.raises(ValueError):
        at.switch_page("pages/akun.py")


# --- a visitor not logged in ------------------------------------------------------------------
@pytest.mark.parametrize("params", [{}, {"desa": "Pare"}, {"desa": "Semampir", "tahun": ["2020", "2021"]}])
def test_visitor_sees_only_the_login_page(with_accounts, params):
    at = app(**params)
    assert_login_page_only(at)
    for page in ANALYSIS + ADMIN_ONLY:
        with pytest.raises(ValueError):  # not in the navigation at all
            at.switch_page(page)
    at.run()
    assert_login_page_only(at)


@pytest.mark.parametrize("page", ANALYSIS + ADMIN_ONLY)
def test_deep_link_on_a_fresh_server_shows_no_figure_to_a_visitor(with_accounts, monkeypatch, served, page):
    # A fresh server would run a file of pages/ on its own for the first deep link.
    monkeypatch.setattr(PagesManager, "__init__", served)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["desa"] = "Pare"
    at.switch_page(page).run()
    assert_login_page_only(at)


@pytest.mark.parametrize("page", ANALYSIS + ADMIN_ONLY)
def test_a_page_run_on_its_own_shows_no_figure_to_a_visitor(with_accounts, page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    assert not element_types(at) & FIGURE_TYPES


# --- password login -----------------------------------------------------------------------------
def test_wrong_password_is_refused_and_audited(with_accounts):
    at = login(app(), ADMIN, "bukan-sandinya")
    assert_login_page_only(at)
    assert any("Nama pengguna atau kata sandi salah" in e.value for e in at.error)
    failed = events("login_failed")
    assert failed["actor"].tolist() == [ADMIN]
    at.run()
    assert at.text_input(key="masuk_sandi").value == ""  # the typed password does not stay in the session


def test_unknown_user_is_refused_like_a_wrong_password(with_accounts):
    at = login(app(), "tidak-ada", ADMIN_PW)
    assert any("Nama pengguna atau kata sandi salah" in e.value for e in at.error)
    assert events("login_failed")["actor"].tolist() == ["anonim"]


def test_empty_form_asks_for_both_and_counts_nothing(with_accounts):
    at = login(app(), "", "")
    assert any("Isi nama pengguna dan kata sandi" in w.value for w in at.warning)
    assert events().empty


def test_lockout_after_five_failures_reads_like_any_refusal(with_accounts):
    at = login(app(), "tidak-ada", "bukan-sandinya")
    unknown = at.error[0].value
    for _ in range(5):
        at = login(at, VIEWER, "bukan-sandinya")
    assert at.error[0].value == unknown  # a lock is not told apart from a wrong password or an unknown name
    at = login(at, VIEWER, VIEWER_PW)  # even the right password, while locked
    assert_login_page_only(at)
    assert at.error[0].value == unknown and "terkunci" in unknown
    assert len(events("login_failed")) == 7 and events("login").empty


def test_login_shows_the_dashboard_and_logout_ends_it(with_accounts):
    at = logged_in(VIEWER, VIEWER_PW)
    assert titles(at) == ["Ringkasan"] and at.metric
    assert any(VIEWER in c.value for c in at.sidebar.caption)
    assert events("login")["actor"].tolist() == [VIEWER]

    at.switch_page("pages/hasil.py").run()
    assert titles(at) == ["Hasil"]
    at.button(key="auth_logout").click().run()
    assert_login_page_only(at)
    assert events("logout")["actor"].tolist() == [VIEWER]


def test_a_deleted_account_is_logged_out_at_its_next_click(with_accounts):
    at = logged_in(VIEWER, VIEWER_PW)
    with closing(open_accounts()) as conn:
        accounts.delete_account(conn, VIEWER, actor=ADMIN)
    at.run()
    assert_login_page_only(at)


def test_a_new_village_limit_applies_at_the_next_click(with_accounts):
    at = logged_in(VIEWER, VIEWER_PW)
    assert len(at.selectbox(key="desa").options) == 1 + 2 + 10  # everything, two named groups, ten villages
    with closing(open_accounts()) as conn:
        accounts.set_role_and_villages(conn, VIEWER, "viewer", ["Gurah"], actor=ADMIN)
    at.run()
    assert at.selectbox(key="desa").options == ["Semua", "Gurah"]


# --- roles -------------------------------------------------------------------------------------
def test_viewer_gets_the_analysis_pages_but_no_admin_page(with_accounts):
    at = logged_in(VIEWER, VIEWER_PW)
    for page in ANALYSIS:
        at.switch_page(page).run()
        assert not at.exception, page
    for page in ADMIN_ONLY:
        with pytest.raises(ValueError):
            at.switch_page(page)


@pytest.mark.parametrize("page", ADMIN_ONLY)
def test_an_admin_page_run_on_its_own_refuses_a_viewer(with_accounts, page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    with closing(open_accounts()) as conn:
        at.session_state[auth.ACCOUNT_KEY] = accounts.account_named(conn, VIEWER)
    at.run()
    assert any("hanya untuk admin" in e.value for e in at.error)
    assert not element_types(at) & FIGURE_TYPES


def test_admin_gets_the_admin_pages(with_accounts):
    at = logged_in(ADMIN, ADMIN_PW)
    for page, title in zip(ADMIN_ONLY, ["Data", "Akun", "Log audit"]):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert titles(at) == [title]


# --- village limit --------------------------------------------------------------------------------
def test_village_limited_viewer_sees_only_their_village_whatever_the_url_or_state(with_accounts):
    admin_all = metrics(session_of(ADMIN))
    admin_pare = metrics(session_of(ADMIN, desa="Pare"))
    assert admin_pare != admin_all  # the filter matters on these figures

    at = logged_in(KADES, KADES_PW)
    assert at.selectbox(key="desa").options == ["Semua", "Pare"]
    assert metrics(at) == admin_pare
    assert metrics(session_of(KADES, desa="Pare")) == admin_pare
    # A link to other villages shows no figure at all: neither theirs nor, silently, Pare's.
    for villages in ("Gurah", ["Gurah", "Semampir"], ["Pare", "Gurah"], "Kabupaten Kediri"):
        opened = session_of(KADES, desa=villages)
        assert opened.selectbox(key="desa").options == ["Semua", "Pare"]
        assert opened.error and not opened.metric and not opened.get("plotly_chart"), villages
        assert "Gurah" not in " ".join(str(c.proto.spec) for c in opened.get("plotly_chart"))

    # Within a session the link is not read again, and no state held in the session reaches past the scope.
    at.query_params["desa"] = ["Gurah", "Semampir"]
    at.run()
    assert metrics(at) == admin_pare
    at.session_state[sidebar.HELD_KEY] = {"desa": ["Semampir"]}
    at.run()
    assert at.error and not at.metric
    at.button(key=sidebar.KEY_RESET).click().run()

    at.switch_page("pages/desa.py").run()
    shown = " ".join(str(c.proto.spec) for c in at.get("plotly_chart"))
    assert "Pare" in shown and "Gurah" not in shown and "Semampir" not in shown


# --- downloads ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("page,title", [("pages/ringkasan.py", "Ringkasan"), ("pages/audit.py", "Audit"),
                                        ("pages/data.py", "Data")])
def test_every_download_button_records_who_what_and_filters(with_accounts, deferred, page, title):
    at = session_of(ADMIN, desa="Pare")
    at.switch_page(page).run()
    buttons = at.get("download_button")
    assert buttons
    before = len(events("download"))
    files = click_downloads(at, deferred)
    assert len(files) == len(buttons) and all(files)
    rows = events("download").head(len(buttons))
    assert len(events("download")) == before + len(buttons)
    assert set(rows["actor"]) == {ADMIN}
    for detail in rows["detail"]:
        assert f'"page": "{title}"' in detail and '"what": ' in detail and '"file": ' in detail
    if page == "pages/ringkasan.py":
        assert all('"desa": "Pare"' in d for d in rows["detail"])


def test_audit_csv_is_neutralised(with_accounts, deferred):
    open_audit().record(ADMIN, "download", what="=HYPERLINK(\"http://x\")", page="uji")
    at = logged_in(ADMIN, ADMIN_PW)
    at.switch_page("pages/audit.py").run()
    csv = next(f for f in click_downloads(at, deferred) if f[:2] != b"PK")
    assert csv.startswith("\ufeff".encode())
    text = csv.decode("utf-8-sig")
    assert "HYPERLINK" in text
    assert not any(cell.lstrip('"').startswith("=") for line in text.splitlines() for cell in line.split(","))


# --- the Akun page ------------------------------------------------------------------------------------
def test_admin_manages_accounts_and_every_change_is_audited(with_accounts):
    at = logged_in(ADMIN, ADMIN_PW)
    at.switch_page("pages/akun.py").run()

    at.text_input(key="akun_buat_nama").input("Sari")
    at.text_input(key="akun_buat_sandi").input("jaranan-kediri-1")
    at.text_input(key="akun_buat_sandi_ulang").input("jaranan-kediri-1")
    at.selectbox(key="akun_buat_peran").set_value("viewer")
    at.selectbox(key="akun_buat_desa").set_value("Gurah")
    at.button(key="akun_buat_kirim").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Akun sari dibuat" in s.value for s in at.success)
    with closing(open_accounts()) as conn:
        assert accounts.account_named(conn, "sari").villages == ("Gurah",)

    at.selectbox(key="akun_pilih").set_value("sari").run()
    assert at.selectbox(key="akun_desa").value == "Gurah"
    assert at.selectbox(key="akun_desa").options[:3] == ["Semua desa", "Kabupaten Kediri (kelompok 9 desa)",
                                                         "Kota Kediri (kelompok 1 desa)"]
    at.selectbox(key="akun_desa").set_value("Kabupaten Kediri")  # a named group: its villages
    at.button(key="akun_simpan").click().run()
    with closing(open_accounts()) as conn:
        assert accounts.account_named(conn, "sari").villages == KAB_VILLAGES

    at.text_input(key="akun_sandi_baru").input("reog-ponorogo-22")
    at.text_input(key="akun_sandi_ulang").input("reog-ponorogo-22")
    at.button(key="akun_ganti_sandi").click().run()
    with closing(open_accounts()) as conn:
        assert authenticate(conn, "sari", "reog-ponorogo-22").username == "sari"
        for _ in range(5):
            with pytest.raises(accounts.LoginRefused):
                authenticate(conn, "sari", "salah-lagi-salah")
    at.run()
    at.button(key="akun_buka").click().run()
    with closing(open_accounts()) as conn:
        assert not accounts.account_named(conn, "sari").is_locked()

    at.checkbox(key="akun_hapus_yakin").check().run()
    at.button(key="akun_hapus").click().run()
    with closing(open_accounts()) as conn:
        assert accounts.account_named(conn, "sari") is None

    changes = events()
    changes = changes[changes["action"].str.startswith("account_")]
    assert set(changes["actor"]) == {ADMIN}
    assert changes["action"].tolist()[::-1] == [
        "account_create", "account_update", "account_update", "account_update", "account_delete"]


def test_account_errors_are_explained(with_accounts):
    at = logged_in(ADMIN, ADMIN_PW)
    at.switch_page("pages/akun.py").run()
    at.text_input(key="akun_buat_nama").input("x")
    at.text_input(key="akun_buat_sandi").input("pendek")
    at.text_input(key="akun_buat_sandi_ulang").input("pendek")
    at.button(key="akun_buat_kirim").click().run()
    assert any("Nama pengguna harus" in e.value for e in at.error)

    at.selectbox(key="akun_pilih").set_value(ADMIN).run()
    assert not [b for b in at.button if b.key == "akun_hapus"]  # one's own account cannot be deleted here
    at.selectbox(key="akun_peran").set_value("viewer")
    at.button(key="akun_simpan").click().run()
    assert any("admin terakhir" in e.value for e in at.error)


# --- the Audit page ---------------------------------------------------------------------------------------
def test_audit_page_filters_by_action_and_user(with_accounts):
    login(app(), VIEWER, "bukan-sandinya")
    at = logged_in(ADMIN, ADMIN_PW)
    at.switch_page("pages/audit.py").run()
    table = at.dataframe[0].value
    assert {"login", "login_failed"} <= set(table["Aksi"])

    at.selectbox(key="audit_aksi").set_value("login_failed").run()
    table = at.dataframe[0].value
    assert table["Aksi"].tolist() == ["login_failed"] and table["Pengguna"].tolist() == [VIEWER]

    at.selectbox(key="audit_aksi").set_value("Semua")
    at.selectbox(key="audit_pengguna").set_value(ADMIN).run()
    assert set(at.dataframe[0].value["Pengguna"]) == {ADMIN}


# --- single sign-on (OpenID Connect) --------------------------------------------------------------------------
def sso_app(user: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.secrets = OIDC_SECRETS
    at.user = user
    return at.run()


def test_sso_offers_the_provider_button_and_no_password_form(data_dir):
    add_account("ani@kedirikab.go.id", ADMIN_PW, "admin")
    at = sso_app({"is_logged_in": False})
    assert_login_page_only(at)
    assert at.button(key="masuk_oidc_utama").label == "Masuk dengan akun dinas"
    assert not at.text_input


def test_sso_user_with_an_account_gets_its_role(data_dir):
    add_account("ani@kedirikab.go.id", ADMIN_PW, "admin")
    add_account("kades@kedirikab.go.id", KADES_PW, "viewer", ("Pare",))
    at = sso_app({"is_logged_in": True, "email": "Kades@KediriKab.go.id", "email_verified": True})
    assert titles(at) == ["Ringkasan"]
    assert at.selectbox(key="desa").options == ["Semua", "Pare"]
    with pytest.raises(ValueError):
        at.switch_page("pages/akun.py")
    at.run()
    logins = events("login")
    assert logins["actor"].tolist() == ["kades@kedirikab.go.id"]  # once per session, not per click
    assert '"method": "oidc"' in logins["detail"].iloc[0]


def test_sso_user_without_an_account_is_refused_politely(data_dir):
    add_account("ani@kedirikab.go.id", ADMIN_PW, "admin")
    at = sso_app({"is_logged_in": True, "email": "orang.lain@gmail.com"})
    assert_login_page_only(at)
    assert any("belum terdaftar" in e.value for e in at.error)
    at.run()
    failed = events("login_failed")
    assert len(failed) == 1 and "orang.lain@gmail.com" in failed["detail"].iloc[0]


def test_sso_logout_is_audited_and_shows_the_login_page(data_dir):
    add_account("ani@kedirikab.go.id", ADMIN_PW, "admin")
    at = sso_app({"is_logged_in": True, "email": "ani@kedirikab.go.id"})
    assert titles(at) == ["Ringkasan"]
    at.button(key="auth_logout").click().run()
    at.run()  # the identity provider's redirect back starts a run without the user
    assert_login_page_only(at)
    assert events("logout")["actor"].tolist() == ["ani@kedirikab.go.id"]


def test_an_account_limited_to_an_unnamed_set_of_villages_is_flagged_and_sees_no_figure(with_accounts):
    add_account("lama", VIEWER_PW, "viewer", ("Pare", "Gurah"))  # made before limits were one village or group
    at = logged_in(ADMIN, ADMIN_PW)
    at.switch_page("pages/akun.py").run()
    at.selectbox(key="akun_pilih").set_value("lama").run()
    assert any("bukan satu desa atau satu kelompok desa" in w.value for w in at.warning)
    assert at.selectbox(key="akun_desa").value is None  # nothing chosen until the admin chooses one
    at.button(key="akun_simpan").click().run()
    assert any("Pilih batas desa" in e.value for e in at.error)
    viewer = session_of("lama")
    assert any("bukan satu desa atau satu kelompok desa bernama" in e.value for e in viewer.error)
    assert not viewer.metric and not viewer.get("plotly_chart")
