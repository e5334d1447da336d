"""Accounts, login that reveals nothing, lockout and sessions, each on both back ends (files and PostgreSQL)."""

import datetime as dt
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from lib import accounts
from lib import backend as B
from lib.accounts import (
    Account,
    AccountError,
    LoginRefused,
    authenticate,
    checked_villages,
    create_account,
    delete_account,
    has_accounts,
    list_accounts,
    open_accounts,
    set_password,
    set_role_and_villages,
    unlock_account,
)
from lib.audit import open_audit

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2024, 5, 1, 3, 0, tzinfo=dt.timezone.utc)
ADMIN_PW = "kuda-lumping-2024"
VIEWER_PW = "tahu-kuning-kediri"
VILLAGES = ("Kandangan", "Pare", "Gurah", "Wonojoyo")


class CountingHasher(PasswordHasher):
    """Argon2id at a tiny cost (production cost would make these tests take minutes), counting verifications."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = []

    def verify(self, hash, password):
        self.verified.append(hash)
        return super().verify(hash, password)


@pytest.fixture(autouse=True)
def hasher(monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(accounts, "_HASHER", counting)
    accounts._dummy_hash.cache_clear()
    yield counting
    accounts._dummy_hash.cache_clear()


@pytest.fixture
def conn(backend):
    """The configured account store of the back end under test."""
    connection = open_accounts()
    yield connection
    connection.close()


@pytest.fixture
def log(backend):
    return open_audit()


def stored_bytes(backend) -> bytes:
    """Everything the back end keeps: every file of the data folder, and every row of every table."""
    found = b"".join(f.read_bytes() for f in backend.data_dir.rglob("*") if f.is_file() and f.suffix != ".toml")
    if backend.is_postgres:
        with B.connect(backend.url) as db:
            tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            for table in tables:
                found += "".join(r[0] for r in db.execute(f"SELECT t::text FROM {table} AS t")).encode()
    return found


@pytest.fixture
def admin(conn, log):
    return create_account(conn, "Ani", ADMIN_PW, "admin", actor="cli", audit=log, now=T0)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def fail(conn, times: int, now: dt.datetime, username: str = "ani", audit=None) -> list[LoginRefused]:
    """Try ``times`` wrong passwords; the refusals in order."""
    refusals = []
    for _ in range(times):
        with pytest.raises(LoginRefused) as refused:
            authenticate(conn, username, "bukan-sandinya", now=now, audit=audit)
        refusals.append(refused.value)
    return refusals


# --- hashing and login ----------------------------------------------------------
def test_the_setting_chooses_where_accounts_live(backend, conn):
    assert isinstance(conn, B.Database if backend.is_postgres else sqlite3.Connection)
    assert accounts.default_location() == (backend.url if backend.is_postgres else accounts.default_path())


def test_password_is_stored_only_as_argon2id_hash(backend, conn, admin):
    (stored,) = conn.execute("SELECT password_hash FROM accounts").fetchone()
    assert stored.startswith("$argon2id$")
    assert ADMIN_PW not in stored
    assert ADMIN_PW.encode() not in stored_bytes(backend)


def test_login_with_right_password(conn, admin):
    assert has_accounts(conn)
    account = authenticate(conn, "  ANI ", ADMIN_PW, now=T0)
    assert account == Account("ani", "admin", (), T0, None)
    assert account.is_admin


def test_wrong_password_is_refused(conn, admin):
    with pytest.raises(LoginRefused) as refused:
        authenticate(conn, "ani", ADMIN_PW + "x", now=T0)
    assert str(refused.value) == accounts.REFUSAL_MESSAGE
    assert str(refused.value).startswith("Nama pengguna atau kata sandi salah")


def refusal(conn, username: str, password: str, now: dt.datetime) -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        authenticate(conn, username, password, now=now)
    return refused.value


def test_unknown_wrong_and_locked_are_refused_alike_after_one_full_verification(conn, admin, hasher):
    create_account(conn, "budi", VIEWER_PW, "viewer", actor="ani")
    fail(conn, 5, T0, "budi")  # budi is locked now
    hasher.verified.clear()
    refusals = {
        "unknown": refusal(conn, "tidak-ada", ADMIN_PW, T0),
        "wrong": refusal(conn, "ani", "bukan-sandinya", T0),
        "locked, wrong password": refusal(conn, "budi", "bukan-sandinya", T0),
        "locked, right password": refusal(conn, "budi", VIEWER_PW, T0),
    }
    # Nothing tells them apart: same type, same message, nothing else carried.
    assert {type(r) for r in refusals.values()} == {LoginRefused}
    assert {str(r) for r in refusals.values()} == {accounts.REFUSAL_MESSAGE}
    assert all(r.args == (accounts.REFUSAL_MESSAGE,) and not vars(r) for r in refusals.values())
    # The same work for each: one Argon2id verification, the unknown name's against a dummy hash.
    assert len(hasher.verified) == 4
    assert all(h.startswith("$argon2id$v=19$m=1024,t=1,p=1$") for h in hasher.verified)


class TimedHasher(PasswordHasher):
    """Argon2id costly enough (tens of milliseconds) that the verification dominates a login, as in production."""

    def __init__(self):
        super().__init__(time_cost=2, memory_cost=32 * 1024, parallelism=1)


def median_cpu_seconds(attempts: dict, rounds: int = 9) -> dict[str, float]:
    """The median CPU time this thread spends on each attempt, taken in turns.

    CPU time, not the clock: Argon2 runs in the calling thread, and what else
    the machine does cannot lengthen it (with a second suite running beside,
    the clock's medians once differed more than threefold).
    """
    took = {kind: [] for kind in attempts}
    for _ in range(rounds):
        for kind, attempt in attempts.items():
            began = time.thread_time()
            attempt()
            took[kind].append(time.thread_time() - began)
    return {kind: statistics.median(times) for kind, times in took.items()}


def test_unknown_wrong_locked_and_right_take_alike_long(conn, admin, monkeypatch):
    monkeypatch.setattr(accounts, "_HASHER", TimedHasher())
    accounts._dummy_hash.cache_clear()
    create_account(conn, "budi", VIEWER_PW, "viewer", actor="ani")
    create_account(conn, "citra", VIEWER_PW, "viewer", actor="ani")
    fail(conn, 5, T0, "citra")
    monkeypatch.setattr(accounts, "MAX_FAILURES", 10**6)  # budi's wrong tries below never lock him
    later = T0 + minutes(1)

    def refused(name, password):
        return lambda: pytest.raises(LoginRefused, authenticate, conn, name, password, now=later)

    medians = median_cpu_seconds({
        "unknown": refused("tidak-ada", VIEWER_PW),
        "wrong": refused("budi", "bukan-sandinya"),
        "locked": refused("citra", VIEWER_PW),
        "right": lambda: authenticate(conn, "budi", VIEWER_PW, now=later),
    })
    assert accounts.account_named(conn, "citra").is_locked(later)
    # A generous ratio: what matters is that no kind skips the verification (a skip is 100x faster).
    assert max(medians.values()) < 3 * min(medians.values()), medians


def test_lockout_after_five_failures_then_unlock_after_the_period(conn, admin):
    fail(conn, 4, T0)
    assert not accounts.account_named(conn, "ani").is_locked(T0)
    fail(conn, 1, T0)
    assert accounts.account_named(conn, "ani").locked_until == T0 + minutes(5)

    # Even the right password is refused while locked, with the same words as a wrong one.
    assert str(refusal(conn, "ani", ADMIN_PW, T0 + minutes(4.9))) == accounts.REFUSAL_MESSAGE

    assert authenticate(conn, "ani", ADMIN_PW, now=T0 + minutes(5) + dt.timedelta(seconds=1)).username == "ani"
    assert not accounts.account_named(conn, "ani").is_locked(T0)


def test_lock_doubles_for_each_further_run_of_failures(conn, admin):
    fail(conn, 5, T0)
    assert accounts.account_named(conn, "ani").locked_until == T0 + minutes(5)
    later = T0 + minutes(6)
    fail(conn, 5, later)
    assert accounts.account_named(conn, "ani").locked_until == later + minutes(10)


def test_failures_while_locked_neither_count_nor_extend_the_lock(conn, admin):
    fail(conn, 5, T0)
    fail(conn, 7, T0 + minutes(1))
    assert accounts.account_named(conn, "ani").locked_until == T0 + minutes(5)
    (failed,) = conn.execute("SELECT failed_logins FROM accounts WHERE username = 'ani'").fetchone()
    assert failed == 0


@pytest.mark.parametrize(
    "lockouts, expected",
    [(0, minutes(5)), (1, minutes(10)), (2, minutes(20)), (8, minutes(5 * 256)), (9, dt.timedelta(hours=24)), (10_000, dt.timedelta(hours=24))],
)
def test_lock_duration(lockouts, expected):
    assert accounts.lock_duration(lockouts) == expected


def test_success_resets_the_failure_count(conn, admin):
    fail(conn, 4, T0)
    authenticate(conn, "ani", ADMIN_PW, now=T0)
    fail(conn, 4, T0)
    assert not accounts.account_named(conn, "ani").is_locked(T0)


@pytest.mark.parametrize("clear", ["set_password", "unlock_account"])
def test_admin_can_clear_a_lock(conn, admin, clear):
    fail(conn, 5, T0)
    if clear == "set_password":
        set_password(conn, "ani", "sandi-baru-panjang", actor="cli")
        password = "sandi-baru-panjang"
    else:
        unlock_account(conn, "ani", actor="cli")
        password = ADMIN_PW
    assert authenticate(conn, "ani", password, now=T0 + minutes(1)).username == "ani"


# --- account rules ----------------------------------------------------------------
@pytest.mark.parametrize(
    "username, password, role, villages, message",
    [
        ("budi", "pendek", "viewer", (), "minimal 10 karakter"),
        ("budi", "x" * 1025, "viewer", (), "maksimal 1024"),
        ("budi.santoso", "Budi.Santoso", "viewer", (), "sama dengan nama pengguna"),
        ("bu", VIEWER_PW, "viewer", (), "3 sampai 64 karakter"),
        ("=cmd", VIEWER_PW, "viewer", (), "diawali huruf atau angka"),
        ("budi santoso", VIEWER_PW, "viewer", (), "Nama pengguna"),
        ("budi", VIEWER_PW, "kepala", (), "Peran 'kepala' tidak dikenal"),
        ("budi", VIEWER_PW, "admin", ("Pare",), "Admin selalu melihat semua desa"),
        ("ANI", VIEWER_PW, "viewer", (), "sudah ada"),
    ],
)
def test_create_account_refuses(conn, admin, username, password, role, villages, message):
    with pytest.raises(AccountError, match=message):
        create_account(conn, username, password, role, villages, actor="ani")
    assert [a.username for a in list_accounts(conn)] == ["ani"]


def test_first_account_must_be_admin(conn):
    with pytest.raises(AccountError, match="Akun pertama harus admin"):
        create_account(conn, "budi", VIEWER_PW, "viewer", actor="cli")


def test_last_admin_cannot_be_removed_or_demoted(conn, admin):
    with pytest.raises(AccountError, match="admin terakhir"):
        delete_account(conn, "ani", actor="cli")
    with pytest.raises(AccountError, match="admin terakhir"):
        set_role_and_villages(conn, "ani", "viewer", actor="cli")
    create_account(conn, "dewi", ADMIN_PW, "admin", actor="cli")
    delete_account(conn, "ani", actor="dewi")
    assert [a.username for a in list_accounts(conn)] == ["dewi"]


def test_changing_a_missing_account_says_so(conn, admin):
    with pytest.raises(AccountError, match="Akun 'siapa' tidak ada"):
        unlock_account(conn, "siapa", actor="cli")


@pytest.mark.parametrize(
    "role, villages, village, can_see",
    [
        ("admin", (), "Pare", True),
        ("viewer", (), "Pare", True),
        ("viewer", ("Pare",), "Pare", True),
        ("viewer", ("Pare",), "Gurah", False),
        ("viewer", ("Pare", "Gurah"), "Gurah", True),
        ("viewer", ("Pare", "Gurah"), "Kandangan", False),
    ],
)
def test_can_see(role, villages, village, can_see):
    assert Account("x", role, villages, T0).can_see(village) is can_see


@pytest.mark.parametrize(
    "role, villages, expected",
    [
        ("admin", (), VILLAGES),
        ("viewer", (), VILLAGES),
        ("viewer", ("Gurah", "Kandangan"), ("Kandangan", "Gurah")),  # order of the reference
        ("viewer", ("Ngasem",), ()),
    ],
)
def test_allowed_villages(role, villages, expected):
    assert Account("x", role, villages, T0).allowed_villages(VILLAGES) == expected


def test_viewer_limited_to_villages_round_trips(conn, admin):
    create_account(conn, "budi", VIEWER_PW, "viewer", [" Pare", "Gurah", "Pare"], actor="ani")
    budi = authenticate(conn, "budi", VIEWER_PW, now=T0)
    assert budi.villages == ("Pare", "Gurah") and not budi.is_admin
    assert set_role_and_villages(conn, "budi", "viewer", [], actor="ani").villages == ()


@pytest.mark.parametrize(
    "villages, message",
    [
        (["Parre"], "Desa 'Parre' tidak ada di data acuan. Maksud Anda 'Pare'?"),
        (["gurah"], "Maksud Anda 'Gurah'?"),
        (["Surabaya"], "Pilihan: Kandangan, Pare, Gurah, Wonojoyo."),
    ],
)
def test_checked_villages_suggests_the_nearest_name(villages, message):
    with pytest.raises(AccountError) as error:
        checked_villages(villages, VILLAGES)
    assert message in str(error.value)


# --- audit ----------------------------------------------------------------------
def test_audit_rows_for_logins_and_account_changes(conn, admin, log):
    create_account(conn, "budi", VIEWER_PW, "viewer", ["Pare"], actor="ani", audit=log)
    authenticate(conn, "budi", VIEWER_PW, now=T0, audit=log)
    fail(conn, 5, T0, "budi", audit=log)
    fail(conn, 1, T0, "tidak-ada", audit=log)
    set_role_and_villages(conn, "budi", "viewer", ["Gurah"], actor="ani", audit=log)
    set_password(conn, "budi", "sandi-baru-panjang", actor="ani", audit=log)
    unlock_account(conn, "budi", actor="ani", audit=log)
    delete_account(conn, "budi", actor="ani", audit=log)

    events = log.events()[::-1]  # oldest first
    rows = [(a, act, json.loads(d)) for a, act, d in zip(events["actor"], events["action"], events["detail"])]
    assert rows[:3] == [
        ("cli", "account_create", {"username": "ani", "role": "admin", "villages": []}),
        ("ani", "account_create", {"username": "budi", "role": "viewer", "villages": ["Pare"]}),
        ("budi", "login", {}),
    ]
    assert rows[3:7] == [("budi", "login_failed", {"reason": "salah"})] * 4
    assert rows[7] == ("budi", "login_failed", {"reason": "salah", "locked_until": "2024-05-01T03:05:00+00:00"})
    assert rows[8] == ("anonim", "login_failed", {"reason": "salah", "known_user": False})
    assert rows[9:] == [
        ("ani", "account_update", {"username": "budi", "role": "viewer", "villages": ["Gurah"]}),
        ("ani", "account_update", {"username": "budi", "change": "password"}),
        ("ani", "account_update", {"username": "budi", "change": "unlock"}),
        ("ani", "account_delete", {"username": "budi"}),
    ]


def test_login_while_locked_is_audited(conn, admin, log):
    fail(conn, 5, T0)
    with pytest.raises(LoginRefused):
        authenticate(conn, "ani", ADMIN_PW, now=T0 + minutes(1), audit=log)
    detail = json.loads(log.events(action="login_failed")["detail"].iloc[0])
    assert detail == {"reason": "terkunci", "locked_until": "2024-05-01T03:05:00+00:00"}


# --- command line -------------------------------------------------------------------
def run_cli(backend, *args, password=None):
    return subprocess.run(
        [sys.executable, "-m", "lib.accounts", *args],
        input=password + "\n" if password is not None else "",
        capture_output=True, text=True, cwd=ROOT, env=backend.env, timeout=120,
    )


@pytest.fixture
def data_dir(backend):
    shutil.copy(ROOT / "data" / "reference.toml", backend.data_dir / "reference.toml")
    return backend.data_dir


@pytest.mark.slow  # the command line run a dozen times, each a new Python process
def test_cli_round_trip(backend, data_dir):
    outputs = []

    def ok(*args, password=None):
        result = run_cli(backend, *args, password=password)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout + result.stderr)
        return result.stdout

    ok("add", "ani", "--role", "admin", "--password-stdin", password=ADMIN_PW)
    ok("add", "budi", "--role", "viewer", "--village", "Pare", "--village", "Gurah", password=VIEWER_PW)

    typo = run_cli(backend, "add", "citra", "--role", "viewer", "--village", "Parre", password=VIEWER_PW)
    assert typo.returncode == 1 and "Maksud Anda 'Pare'?" in typo.stderr
    short = run_cli(backend, "add", "citra", "--role", "viewer", password="pendek")
    assert short.returncode == 1 and "minimal 10 karakter" in short.stderr
    outputs += [typo.stderr, short.stderr]

    with closing(open_accounts()) as conn:
        (ani_hash,) = conn.execute("SELECT password_hash FROM accounts WHERE username = 'ani'").fetchone()
    assert ani_hash.startswith("$argon2id$v=19$m=65536,")  # the command line hashes at production cost
    # With DASBOR_DATABASE_URL set, the command line writes to the database, not to the data folder.
    assert (data_dir / "accounts.sqlite3").exists() is not backend.is_postgres

    listing = ok("list")
    assert "ani" in listing and "semua desa" in listing and "Pare, Gurah" in listing

    ok("set-villages", "budi", "Kandangan")
    ok("set-password", "budi", "--password-stdin", password="sandi-baru-budi")
    conn = open_accounts()
    fail(conn, 5, accounts._utc(None), "budi")
    assert "terkunci sampai" in ok("list")
    ok("unlock", "budi")
    budi = authenticate(conn, "budi", "sandi-baru-budi")
    assert budi.villages == ("Kandangan",)
    ok("set-villages", "budi")
    assert authenticate(conn, "budi", "sandi-baru-budi").villages == ()
    ok("remove", "budi")
    assert [a.username for a in list_accounts(conn)] == ["ani"]
    conn.close()

    events = open_audit().events(actor="cli")[::-1]
    assert list(events["action"]) == [
        "account_create", "account_create",
        "account_update", "account_update", "account_update", "account_update",  # villages, password, unlock, villages
        "account_delete",
    ]
    for text in outputs:
        assert ADMIN_PW not in text and VIEWER_PW not in text and "sandi-baru-budi" not in text


def test_password_never_in_any_file_or_row(backend, data_dir, caplog):
    secrets = [ADMIN_PW, VIEWER_PW, "sandi-baru-budi", "salah-ketik-sandi", "sandi-di-kolom-nama"]
    cli = run_cli(backend, "add", "ani", "--role", "admin", password=ADMIN_PW)
    conn = open_accounts()
    log = open_audit()
    create_account(conn, "budi", VIEWER_PW, "viewer", ["Pare"], actor="ani", audit=log)
    set_password(conn, "budi", "sandi-baru-budi", actor="ani", audit=log)
    for _ in range(6):
        with pytest.raises(LoginRefused):
            authenticate(conn, "budi", "salah-ketik-sandi", now=T0, audit=log)
    # A password typed into the username field must not be kept either.
    with pytest.raises(LoginRefused):
        authenticate(conn, "sandi-di-kolom-nama", VIEWER_PW, now=T0, audit=log)
    authenticate(conn, "ani", ADMIN_PW, audit=log)
    token = accounts.new_session(conn, "ani", hours=8)
    conn.close()

    if not backend.is_postgres:
        files = [f for f in data_dir.iterdir() if f.suffix != ".toml"]
        assert {f.name for f in files} >= {"accounts.sqlite3", "audit.sqlite3"}
    written = stored_bytes(backend)  # databases with their -wal files, or every row
    written += audit_csv(log).encode() + (cli.stdout + cli.stderr + caplog.text).encode()
    for secret in [*secrets, token]:
        assert secret.encode() not in written, secret


def audit_csv(log) -> str:
    from lib.audit import audit_download_frame

    return audit_download_frame(log.events()).to_csv(index=False)


# --- sessions -------------------------------------------------------------------------
HOURS = 8


def test_a_session_names_its_account_until_it_expires(conn, admin):
    token = accounts.new_session(conn, "ANI", HOURS, now=T0)
    assert len(token) >= 43  # 32 random bytes
    assert accounts.session_user(conn, token, now=T0 + dt.timedelta(hours=HOURS) - minutes(1)) == "ani"
    assert accounts.session_user(conn, token, now=T0 + dt.timedelta(hours=HOURS)) is None
    # Only the token's hash is kept.
    stored = [tuple(r) for r in conn.execute("SELECT token_hash, username FROM sessions")]
    assert stored == [(accounts.digest(token), "ani")]


@pytest.mark.parametrize("token", [None, "", "tidak-ada-sesi-seperti-ini"])
def test_an_unknown_token_names_nobody(conn, admin, token):
    accounts.new_session(conn, "ani", HOURS, now=T0)
    assert accounts.session_user(conn, token, now=T0) is None
    assert accounts.revoke_session(conn, token, now=T0) is False


def test_a_revoked_session_names_nobody_and_others_live_on(conn, admin):
    first, second = (accounts.new_session(conn, "ani", HOURS, now=T0) for _ in range(2))
    assert accounts.revoke_session(conn, first, now=T0) is True
    assert accounts.revoke_session(conn, first, now=T0) is False  # already ended
    assert accounts.session_user(conn, first, now=T0) is None
    assert accounts.session_user(conn, second, now=T0) == "ani"


def test_a_new_password_or_a_removed_account_ends_its_sessions(conn, admin):
    create_account(conn, "budi", VIEWER_PW, "viewer", actor="ani")
    budi, ani = accounts.new_session(conn, "budi", HOURS), accounts.new_session(conn, "ani", HOURS)
    set_password(conn, "budi", "sandi-baru-panjang", actor="ani")
    assert accounts.session_user(conn, budi) is None and accounts.session_user(conn, ani) == "ani"
    budi = accounts.new_session(conn, "budi", HOURS)
    delete_account(conn, "budi", actor="ani")
    assert accounts.session_user(conn, budi) is None
    assert conn.execute("SELECT count(*) FROM sessions WHERE username = 'budi'").fetchone()[0] == 0


def test_sessions_are_only_for_accounts_and_last_a_positive_time(conn, admin):
    with pytest.raises(AccountError, match="tidak ada"):
        accounts.new_session(conn, "siapa", HOURS)
    with pytest.raises(ValueError):
        accounts.new_session(conn, "ani", 0)


def test_a_sign_in_code_works_once_within_a_minute_in_its_own_browser(conn, admin):
    code = accounts.new_sign_in_code(conn, "ani", browser="kuki-peramban", now=T0)
    assert accounts.redeem_sign_in_code(conn, code, "kuki-lain", now=T0) is None  # another browser: used up too
    code = accounts.new_sign_in_code(conn, "ani", browser="kuki-peramban", now=T0)
    assert accounts.redeem_sign_in_code(conn, code, "kuki-peramban", now=T0 + minutes(0.9)) == "ani"
    assert accounts.redeem_sign_in_code(conn, code, "kuki-peramban", now=T0) is None  # once only
    late = accounts.new_sign_in_code(conn, "ani", browser="kuki-peramban", now=T0)
    assert accounts.redeem_sign_in_code(conn, late, "kuki-peramban", now=T0 + minutes(1)) is None
