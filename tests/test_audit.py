"""The audit log, on both back ends (files and PostgreSQL): append-only, durable, shared by processes."""

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib import audit
from lib import backend as B
from lib.audit import open_audit

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2024, 5, 1, 3, 0, tzinfo=dt.timezone.utc)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime = T0):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def log(backend, clock):
    """The configured audit log of the back end under test."""
    return open_audit(clock=clock)


def application_connection(log):
    """A connection as the application itself makes it (its file, or its database role)."""
    return B.connect(log.url) if log.url else sqlite3.connect(log.path)


@pytest.fixture
def three_events(log, clock):
    """budi logs in, downloads at +1h, anonim fails at +2h."""
    log.record("budi", "login")
    clock.now = T0 + dt.timedelta(hours=1)
    log.record("budi", "download", page="Peserta", filters={"desa": ["Pare"], "tahun": 2023}, file="peserta.csv")
    clock.now = T0 + dt.timedelta(hours=2)
    log.record(None, "login_failed", reason="salah")
    return log


def test_events_round_trip_newest_first(three_events):
    events = three_events.events()
    assert list(events.columns) == ["at", "actor", "action", "detail"]
    assert list(events["actor"]) == ["anonim", "budi", "budi"]
    assert list(events["action"]) == ["login_failed", "download", "login"]
    assert events["at"].iloc[-1] == pd.Timestamp(T0)
    assert str(events["at"].dtype) == "datetime64[ns, UTC]"
    assert json.loads(events["detail"].iloc[1]) == {
        "file": "peserta.csv", "filters": {"desa": ["Pare"], "tahun": 2023}, "page": "Peserta",
    }
    assert json.loads(events["detail"].iloc[2]) == {}


@pytest.mark.parametrize(
    "query, expected_actions",
    [
        ({}, ["login_failed", "download", "login"]),
        ({"since": T0 + dt.timedelta(hours=1)}, ["login_failed", "download"]),
        ({"until": T0 + dt.timedelta(hours=1)}, ["login"]),
        ({"since": T0 + dt.timedelta(minutes=30), "until": T0 + dt.timedelta(hours=2)}, ["download"]),
        ({"since": dt.datetime(2024, 5, 1, 5, 0)}, ["login_failed"]),  # naive means UTC
        ({"actor": "budi"}, ["download", "login"]),
        ({"actor": "anonim"}, ["login_failed"]),
        ({"action": "download"}, ["download"]),
        ({"limit": 2}, ["login_failed", "download"]),
        ({"actor": "siapa"}, []),
    ],
)
def test_events_filters(three_events, query, expected_actions):
    assert list(three_events.events(**query)["action"]) == expected_actions


def test_empty_log_gives_typed_empty_frame(log):
    events = log.events()
    assert events.empty and list(events.columns) == ["at", "actor", "action", "detail"]
    assert str(events["at"].dtype) == "datetime64[ns, UTC]"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET actor = 'lain'",
        "UPDATE events SET detail = '{}' WHERE action = 'download'",
        "DELETE FROM events",
        "DELETE FROM events WHERE id = 1",
    ],
)
def test_log_is_append_only(three_events, statement):
    table = "audit_events" if three_events.url else "events"
    conn = application_connection(three_events)
    try:
        if three_events.url:
            from psycopg.errors import InsufficientPrivilege

            with pytest.raises(InsufficientPrivilege):
                conn.execute(statement.replace("events", table))
        else:
            with pytest.raises(sqlite3.DatabaseError, match="hanya dapat ditambah"):
                conn.execute(statement)
    finally:
        conn.close()
    assert len(three_events.events()) == 3


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'lain'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
])
def test_database_log_refuses_change_even_where_the_privilege_is_given_back(postgres_server, postgres_url,
                                                                             statement):
    from psycopg.errors import InsufficientPrivilege

    log = audit.AuditLog(None, url=postgres_url)
    B.connect(postgres_url, audit.POSTGRES_SCHEMA).close()
    log.record("budi", "login")
    # The owner could grant itself the privilege again; the trigger still refuses.
    with B.connect(postgres_url) as db:
        db.execute("GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO CURRENT_USER")
        with pytest.raises(InsufficientPrivilege, match="hanya dapat ditambah"):
            db.execute(statement)
    assert len(log.events()) == 1


def test_a_role_given_only_what_the_dashboard_needs_can_append_and_read_but_not_change(postgres_server,
                                                                                       postgres_url):
    from psycopg.errors import InsufficientPrivilege

    postgres_server.admin_sql("CREATE ROLE dasbor_app LOGIN")
    B.grant(postgres_url, "dasbor_app")
    app_url = postgres_url.replace("postgresql://dasbor@", "postgresql://dasbor_app@")
    log = audit.AuditLog(None, url=app_url)
    log.record("budi", "login")
    assert log.events()["actor"].tolist() == ["budi"]
    with B.connect(app_url) as db:
        for statement in ("UPDATE audit_events SET actor = 'lain'", "DELETE FROM audit_events",
                          "DROP TRIGGER audit_events_no_change ON audit_events",
                          "DELETE FROM store_history", "UPDATE store_tables SET data = ''"):
            with pytest.raises(InsufficientPrivilege):
                db.execute(statement)
    B.close_pools(app_url)


def test_durable_settings(log):
    if log.url:
        # Each event is committed by itself, and the commit waits for the disk.
        with B.connect(log.url) as db:
            assert db.execute("SHOW default_transaction_isolation").fetchone()[0] == "read committed"
            assert db.raw.autocommit
        return
    conn = audit.connect(log.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    conn.close()


def test_recorded_event_is_committed_at_once(log):
    # A second, independent reader sees the event without the writer closing anything.
    log.record("budi", "import", file="peserta_2024.xlsx", rows=120)
    if log.url:
        import psycopg

        with psycopg.connect(log.url) as reader:
            assert reader.execute("SELECT actor, action FROM audit_events").fetchall() == [("budi", "import")]
        return
    with sqlite3.connect(log.path) as reader:
        assert reader.execute("SELECT actor, action FROM events").fetchall() == [("budi", "import")]


@pytest.mark.parametrize(
    "action, detail, message",
    [
        ("hapus_semua", {}, "Aksi audit tidak dikenal"),
        ("account_create", {"password": "x"}, "rahasia"),
        ("account_update", {"kata_sandi": "x"}, "rahasia"),
        ("login", {"client_secret": "x"}, "rahasia"),
        ("login", {"Kata_Sandi_Lama": "x"}, "rahasia"),
    ],
)
def test_record_refuses_unknown_actions_and_secrets(log, action, detail, message):
    with pytest.raises(ValueError, match=message):
        log.record("budi", action, **detail)
    assert log.events().empty


def test_download_frame_is_text(three_events):
    frame = audit.audit_download_frame(three_events.events())
    assert list(frame.columns) == ["Waktu (UTC)", "Pengguna", "Aksi", "Rincian"]
    assert frame["Waktu (UTC)"].iloc[-1] == "2024-05-01 03:00:00"
    assert frame["Pengguna"].tolist() == ["anonim", "budi", "budi"]


WRITER = """
import sys
from lib.audit import open_audit
log = open_audit()
for i in range(int(sys.argv[2])):
    log.record(sys.argv[1], "download", n=i)
"""


def test_concurrent_appends_from_two_processes_all_land(backend):
    open_audit()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, who, "150"], cwd=ROOT, stderr=subprocess.PIPE,
                         env=backend.env)
        for who in ("satu", "dua")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    events = open_audit().events()
    assert events["actor"].value_counts().to_dict() == {"satu": 150, "dua": 150}
    for who in ("satu", "dua"):
        numbers = sorted(json.loads(d)["n"] for d in events.loc[events["actor"] == who, "detail"])
        assert numbers == list(range(150))
