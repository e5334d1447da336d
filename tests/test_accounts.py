import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from lib import accounts
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
def conn(tmp_path):
    connection = open_accounts(tmp_path / "accounts.sqlite3")
    yield connection
    connection.close()


@pytest.fixture
def log(tmp_path):
    return open_audit(tmp_path / "audit.sqlite3")


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
def test_password_is_stored_only_as_argon2id_hash(tmp_path, conn, admin):
    (stored,) = conn.execute("SELECT password_hash FROM accounts").fetchone()
    assert stored.startswith("$argon2id$")
    assert ADMIN_PW not in stored
    for file in tmp_path.iterdir():
        assert ADMIN_PW.encode() not in file.read_bytes(), file.name


def test_login_with_right_password(conn, admin):
    assert has_accounts(conn)
    account = authenticate(conn, "  ANI ", ADMIN_PW, now=T0)
    assert account == Account("ani", "admin", (), T0, None)
    assert account.is_admin


def test_wrong_password_is_refused(conn, admin):
    with pytest.raises(LoginRefused) as refused:
        authenticate(conn, "ani", ADMIN_PW + "x", now=T0)
    assert refused.value.reason == "salah" and refused.value.until is None
    assert str(refused.value) == "Nama pengguna atau kata sandi salah."


def test_unknown_user_is_refused_like_a_wrong_password_after_a_full_verification(conn, admin, hasher):
    # The same work as for a known user, so the response time does not tell which names exist.
    with pytest.raises(LoginRefused) as refused:
        authenticate(conn, "tidak-ada", ADMIN_PW, now=T0)
    assert refused.value.reason == "salah"
    assert len(hasher.verified) == 1 and hasher.verified[0].startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_production_hasher_is_argon2id(monkeypatch):
    from argon2 import Type

    monkeypatch.undo()  # the module's own hasher, not the cheap one of these tests
    assert accounts._HASHER.type is Type.ID and accounts._HASHER.memory_cost >= 19 * 1024


def test_no_accounts_means_demo_mode(conn):
    assert not has_accounts(conn)
    assert list_accounts(conn) == []


# --- lockout ------------------------------------------------------------------
def test_lockout_after_five_failures_then_unlock_after_the_period(conn, admin):
    refusals = fail(conn, 5, T0)
    assert [r.reason for r in refusals] == ["salah"] * 4 + ["terkunci"]
    assert refusals[-1].until == T0 + minutes(5)
    assert "terkunci sampai 2024-05-01 03:05 UTC" in str(refusals[-1])
    assert accounts.account_named(conn, "ani").is_locked(T0)

    # Even the right password is refused while locked.
    with pytest.raises(LoginRefused, match="terkunci") as refused:
        authenticate(conn, "ani", ADMIN_PW, now=T0 + minutes(4.9))
    assert refused.value.until == T0 + minutes(5)

    assert authenticate(conn, "ani", ADMIN_PW, now=T0 + minutes(5) + dt.timedelta(seconds=1)).username == "ani"
    assert not accounts.account_named(conn, "ani").is_locked(T0)


def test_lock_doubles_for_each_further_run_of_failures(conn, admin):
    assert fail(conn, 5, T0)[-1].until == T0 + minutes(5)
    later = T0 + minutes(6)
    assert fail(conn, 5, later)[-1].until == later + minutes(10)


@pytest.mark.parametrize(
    "lockouts, expected",
    [(0, minutes(5)), (1, minutes(10)), (2, minutes(20)), (8, minutes(5 * 256)), (9, dt.timedelta(hours=24)), (10_000, dt.timedelta(hours=24))],
)
def test_lock_duration(lockouts, expected):
    assert accounts.lock_duration(lockouts) == expected


def test_success_resets_the_failure_count(conn, admin):
    fail(conn, 4, T0)
    authenticate(conn, "ani", ADMIN_PW, now=T0)
    assert [r.reason for r in fail(conn, 4, T0)] == ["salah"] * 4


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
def run_cli(tmp_path, *args, password=None):
    env = {**os.environ, "DASBOR_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "lib.accounts", *args],
        input=password + "\n" if password is not None else "",
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )


@pytest.fixture
def data_dir(tmp_path):
    shutil.copy(ROOT / "data" / "reference.toml", tmp_path / "reference.toml")
    return tmp_path


def test_cli_round_trip(data_dir):
    outputs = []

    def ok(*args, password=None):
        result = run_cli(data_dir, *args, password=password)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout + result.stderr)
        return result.stdout

    ok("add", "ani", "--role", "admin", "--password-stdin", password=ADMIN_PW)
    ok("add", "budi", "--role", "viewer", "--village", "Pare", "--village", "Gurah", password=VIEWER_PW)

    typo = run_cli(data_dir, "add", "citra", "--role", "viewer", "--village", "Parre", password=VIEWER_PW)
    assert typo.returncode == 1 and "Maksud Anda 'Pare'?" in typo.stderr
    short = run_cli(data_dir, "add", "citra", "--role", "viewer", password="pendek")
    assert short.returncode == 1 and "minimal 10 karakter" in short.stderr
    outputs += [typo.stderr, short.stderr]

    with closing(open_accounts(data_dir / "accounts.sqlite3")) as conn:
        (ani_hash,) = conn.execute("SELECT password_hash FROM accounts WHERE username = 'ani'").fetchone()
    assert ani_hash.startswith("$argon2id$v=19$m=65536,")  # the command line hashes at production cost

    listing = ok("list")
    assert "ani" in listing and "semua desa" in listing and "Pare, Gurah" in listing

    ok("set-villages", "budi", "Kandangan")
    ok("set-password", "budi", "--password-stdin", password="sandi-baru-budi")
    conn = open_accounts(data_dir / "accounts.sqlite3")
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

    events = open_audit(data_dir / "audit.sqlite3").events(actor="cli")[::-1]
    assert list(events["action"]) == [
        "account_create", "account_create",
        "account_update", "account_update", "account_update", "account_update",  # villages, password, unlock, villages
        "account_delete",
    ]
    for text in outputs:
        assert ADMIN_PW not in text and VIEWER_PW not in text and "sandi-baru-budi" not in text


def test_password_never_in_any_file(data_dir, caplog):
    secrets = [ADMIN_PW, VIEWER_PW, "sandi-baru-budi", "salah-ketik-sandi", "sandi-di-kolom-nama"]
    cli = run_cli(data_dir, "add", "ani", "--role", "admin", password=ADMIN_PW)
    conn = open_accounts(data_dir / "accounts.sqlite3")
    log = open_audit(data_dir / "audit.sqlite3")
    create_account(conn, "budi", VIEWER_PW, "viewer", ["Pare"], actor="ani", audit=log)
    set_password(conn, "budi", "sandi-baru-budi", actor="ani", audit=log)
    for _ in range(6):
        with pytest.raises(LoginRefused):
            authenticate(conn, "budi", "salah-ketik-sandi", now=T0, audit=log)
    # A password typed into the username field must not be kept either.
    with pytest.raises(LoginRefused):
        authenticate(conn, "sandi-di-kolom-nama", VIEWER_PW, now=T0, audit=log)
    authenticate(conn, "ani", ADMIN_PW, audit=log)
    conn.close()

    files = [f for f in data_dir.iterdir() if f.suffix != ".toml"]
    assert {f.name for f in files} >= {"accounts.sqlite3", "audit.sqlite3"}
    written = b"".join(f.read_bytes() for f in files)  # databases with their -wal files
    written += audit_csv(log).encode() + (cli.stdout + cli.stderr + caplog.text).encode()
    for secret in secrets:
        assert secret.encode() not in written, secret


def audit_csv(log) -> str:
    from lib.audit import audit_download_frame

    return audit_download_frame(log.events()).to_csv(index=False)
