"""The versioned data store: every accepted import is a new, immutable version.

Layout of a store folder::

    store/
      CURRENT                  pointer: {"current": "0003", "history": [...]}, JSON
      .lock                    taken (flock) by whoever writes
      versions/
        0001/  participants.parquet  outcomes.parquet  budget.parquet  manifest.json
        0002/  ...   targets.parquet too when the version has targets (a version without has none)
        .tmp-0003-...          a version being written; never listed, removed at next open

A version is written under a temporary name, every file and the folder are
fsynced, and the folder is renamed into place. Only then does ``CURRENT`` change,
by ``os.replace`` of a fully written and fsynced ``CURRENT.tmp``: that single
rename is the commit. A crash, ``kill -9`` or a full disk at any moment therefore
leaves either the old or the new version current, complete. ``CURRENT`` also
holds the history of every switch (import or rollback), so the list of versions
and the pointer can never disagree. Version folders are never changed once in
place, so readers need no lock.

With ``DASBOR_DATABASE_URL`` set (``lib.backend``) the same versions live in
PostgreSQL instead, shared by every dashboard process::

    store_versions   id, created_at, manifest (the same JSON as manifest.json)
    store_tables     version, name, data (the table's Parquet bytes; sha256 in the manifest)
    store_history    seq, at, version, author, action: every switch; the last row is current

A commit is one transaction holding an advisory lock (taken without waiting:
``StoreBusy`` when another process holds it), so a crash or ``kill -9`` leaves
the previous version current and nothing half-written; the transaction's
commit is the switch. Parquet bytes in one ``bytea`` per table measured fastest
to load of the candidates (docs/performance.md, "PostgreSQL").
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lib import backend, settings
from lib.audit import IMPORT, ROLLBACK
from lib.fmt import Lang
from lib.schema import (
    ALL_TABLES,
    OPTIONAL_TABLES,
    TABLES,
    Dataset,
    Reference,
    TableName,
    column_names,
    column_specs,
    typed_frame,
)
from lib.local_time import wib
from lib.texts import text

CURRENT = "CURRENT"
LOCK = ".lock"
VERSIONS = "versions"
MANIFEST = "manifest.json"
TEMP_PREFIX = ".tmp-"
FORMAT = 1

# A pointer switch is recorded with the audit log's words for it.
ACTION_IMPORT, ACTION_ROLLBACK = IMPORT, ROLLBACK

# Columns of ``versions``.
VERSION_COLUMNS = ["id", "created_at", "author", "files", "note", "parent",
                   *ALL_TABLES, "is_current"]
# Columns of ``history``.
HISTORY_COLUMNS = ["at", "version", "author", "action"]


# --- errors --------------------------------------------------------------------
class StoreError(Exception):
    """Something about the store prevents the operation: ``key`` names the message of ``lib.texts`` that says what
    to do, ``values`` fill it in. ``message(lang)`` says it in the reader's language; ``str()`` in Indonesian."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(self.message("id"))

    def message(self, lang: Lang = "id") -> str:
        """What prevents the operation and what to do, in ``lang``."""
        return text(self.key, lang, **self.values)


class StoreBusy(StoreError):
    """Another import or rollback holds the store right now."""

    def __init__(self, key: str = "store_busy", **values: object):
        super().__init__(key, **values)


class StaleImport(StoreBusy):
    """The data in use changed after this import was checked; it must be checked again."""

    def __init__(self, planned: str | None, current: str | None):
        self.planned = planned
        self.current = current
        super().__init__("store_stale")

    def message(self, lang: Lang = "id") -> str:
        return text(self.key, lang, planned=_describe(self.planned, lang), current=_describe(self.current, lang))


class UnknownVersion(StoreError):
    """No committed version has this id."""

    def __init__(self, version_id: str):
        self.version_id = version_id
        super().__init__("store_unknown_version", version=version_id)


class StoreCorrupt(StoreError):
    """A stored file is not what its manifest says (changed or damaged on disk)."""


class StoreUnavailable(StoreError):
    """The shared database cannot be reached or answered with an error; nothing was changed."""

    @classmethod
    def unreachable(cls, exc: backend.DatabaseUnavailable) -> StoreUnavailable:
        """The database of ``exc`` cannot be reached at all."""
        return cls("database_unreachable", url=exc.shown_url, kind=exc.kind)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class StoreWriteFailed(StoreError):
    """Writing the new version failed (e.g. the disk is full); the data in use is unchanged."""

    def __init__(self, cause: BaseException):
        self.errno = getattr(cause, "errno", None)
        self.disk_full = self.errno == errno.ENOSPC or getattr(cause, "sqlstate", None) == "53100"
        self.cause = "" if self.disk_full else str(getattr(cause, "strerror", None) or _first_line(cause))
        super().__init__("store_write_failed")

    def message(self, lang: Lang = "id") -> str:
        reason = text("store_disk_full", lang) if self.disk_full else self.cause
        return text(self.key, lang, reason=reason)


class ReferenceMismatch(StoreError):
    """A stored version holds values that the reference lists no longer contain."""

    def __init__(self, version_id: str, missing: dict[str, dict[str, list[str]]]):
        self.version_id = version_id
        self.missing = missing  # table -> column -> values not in the reference
        listed = "; ".join(
            f"{table}.{column}: {', '.join(values)}"
            for table, columns in missing.items() for column, values in columns.items())
        super().__init__("store_reference_mismatch", n=version_number(version_id), listed=listed)


def _describe(version_id: str | None, lang: Lang = "id") -> str:
    if version_id is None:
        return text("store_no_data_yet", lang)
    return text("data_version_short", lang, n=version_number(version_id))


# --- the store -------------------------------------------------------------------
@dataclass(frozen=True)
class Store:
    """A store folder; open it with ``open_store``."""

    root: Path

    @property
    def versions_dir(self) -> Path:
        return self.root / VERSIONS

    @property
    def pointer(self) -> Path:
        return self.root / CURRENT

    def version_dir(self, version_id: str) -> Path:
        return self.versions_dir / version_id


@dataclass(frozen=True)
class DatabaseStore:
    """The store in the PostgreSQL database at ``url``; open it with ``open_store``."""

    url: str

    def __repr__(self) -> str:
        return f"DatabaseStore({backend.redacted(self.url)!r})"


StoreLike = Store | DatabaseStore | str | os.PathLike

POSTGRES_SCHEMA = backend.Schema(("store_versions", "store_tables", "store_history"), """
CREATE TABLE IF NOT EXISTS store_versions (
    id          text PRIMARY KEY CHECK (id ~ '^[0-9]{4,}$'),
    created_at  timestamptz NOT NULL,
    manifest    json NOT NULL
);
CREATE TABLE IF NOT EXISTS store_tables (
    version  text NOT NULL REFERENCES store_versions (id),
    name     text NOT NULL,
    data     bytea NOT NULL,
    PRIMARY KEY (version, name)
);
-- Parquet is compressed already: keep it out of line and uncompressed, read in one piece.
ALTER TABLE store_tables ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS store_history (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       timestamptz NOT NULL,
    version  text NOT NULL REFERENCES store_versions (id),
    author   text NOT NULL,
    action   text NOT NULL CHECK (action IN ('import', 'rollback'))
);
""", "GRANT SELECT, INSERT ON store_versions, store_tables, store_history TO {role};")


def default_store_path() -> Path:
    return settings.data_dir() / "store"


def default_store() -> Store | DatabaseStore:
    """The configured store, without touching it: the database of DASBOR_DATABASE_URL, else data folder / store."""
    url = backend.database_url()
    return DatabaseStore(url) if url else Store(default_store_path())


def _as_store(store: StoreLike) -> Store | DatabaseStore:
    return store if isinstance(store, (Store, DatabaseStore)) else Store(Path(store))


def open_store(path: StoreLike | None = None) -> Store | DatabaseStore:
    """The store at ``path`` (default: ``default_store()``), created if missing, leftovers removed."""
    store = _as_store(path) if path is not None else default_store()
    if isinstance(store, DatabaseStore):
        with _database(store):
            pass  # creates the tables on first use; a database transaction leaves no leftovers
        return store
    store.versions_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with _exclusive(store):
            _remove_leftovers(store, _read_pointer(store))
    except StoreBusy:
        pass  # a writer is at work; its leftovers, if any, go at a later open
    return store


# --- small file-system steps -------------------------------------------------------
def _checkpoint(step: str) -> None:
    """Called between the steps of a commit; crash tests replace it to stop the process there."""


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, data: bytes) -> None:
    """Create ``path`` holding ``data``, flushed to the disk before returning."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _database(store: DatabaseStore) -> Iterator[backend.Database]:
    """A connection to the store's database; an unreachable or failing database is ``StoreUnavailable``."""
    try:
        with backend.connect(store.url, POSTGRES_SCHEMA) as db:
            yield db
    except backend.DatabaseUnavailable as exc:
        raise StoreUnavailable.unreachable(exc) from exc
    except Exception as exc:
        if not backend.is_database_error(exc):
            raise
        raise StoreUnavailable("store_database_failed", reason=_first_line(exc)) from exc


@contextmanager
def _exclusive(store: Store | DatabaseStore) -> Iterator[backend.Database | None]:
    """Hold the store's write lock, or raise ``StoreBusy`` at once (never wait).

    For a database store, yields the connection whose open transaction holds the
    lock: what is written through it commits (and the lock ends) when the block ends.
    """
    if isinstance(store, DatabaseStore):
        with _database(store) as db, db.transaction():
            (got,) = db.execute("SELECT pg_try_advisory_xact_lock(?)", (backend.LOCK_STORE,)).fetchone()
            if not got:
                raise StoreBusy()
            yield db
        return
    store.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(store.root / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreBusy() from exc
        yield None
    finally:
        os.close(fd)  # closing releases the lock; so does the death of the process


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


# --- the pointer ------------------------------------------------------------------
@dataclass(frozen=True)
class _Pointer:
    current: str
    history: tuple[dict, ...]

    @property
    def committed(self) -> list[str]:
        """Every version ever made current, oldest first, once each."""
        return list(dict.fromkeys(entry["version"] for entry in self.history))


def _read_pointer(store: Store | DatabaseStore, db: backend.Database | None = None) -> _Pointer | None:
    if isinstance(store, DatabaseStore):
        if db is None:
            with _database(store) as db:
                return _read_pointer(store, db)
        rows = db.execute("SELECT at, version, author, action FROM store_history ORDER BY seq").fetchall()
        history = tuple({"version": r["version"], "at": _iso(r["at"]), "author": r["author"],
                         "action": r["action"]} for r in rows)
        return _Pointer(current=history[-1]["version"], history=history) if history else None
    try:
        raw = store.pointer.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        return _Pointer(current=str(data["current"]), history=tuple(data["history"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreCorrupt("store_pointer_broken", path=store.pointer, reason=exc) from exc


def _switch_pointer(store: Store, pointer: _Pointer | None, version_id: str,
                    author: str, action: str) -> None:
    """Make ``version_id`` current in one atomic rename, recording the switch."""
    history = [*(pointer.history if pointer else ()),
               {"version": version_id, "at": _iso(_utc_now()), "author": author, "action": action}]
    data = json.dumps({"format": FORMAT, "current": version_id, "history": history},
                      ensure_ascii=False, indent=1).encode("utf-8")
    temp = store.root / (CURRENT + ".tmp")
    temp.unlink(missing_ok=True)
    _write_durably(temp, data)
    _checkpoint("pointer written")
    os.replace(temp, store.pointer)  # the commit
    _checkpoint("pointer replaced")
    try:
        _fsync_dir(store.root)
    except OSError:
        # The switch is already visible and both possible states are complete
        # versions, so a failed directory sync cannot leave a mix.
        pass


def _record_switch(db: backend.Database, version_id: str, author: str, action: str) -> None:
    """Append the switch to ``store_history`` (in the caller's transaction): its commit makes it current."""
    db.execute("INSERT INTO store_history (at, version, author, action) VALUES (?, ?, ?, ?)",
               (_iso(_utc_now()), version_id, author, action))


def current_version_id(store: StoreLike) -> str | None:
    """The id of the version in use, or None when nothing was imported yet.

    Cheap enough for every rerun: one small file, or one indexed row of the database.
    """
    store = _as_store(store)
    if isinstance(store, DatabaseStore):
        with _database(store) as db:
            row = db.execute("SELECT version FROM store_history ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else None
    pointer = _read_pointer(store)
    return pointer.current if pointer else None


def _remove_leftovers(store: Store, pointer: _Pointer | None) -> None:
    """Remove half-written versions and versions never made current (caller holds the lock)."""
    (store.root / (CURRENT + ".tmp")).unlink(missing_ok=True)
    committed = set(pointer.committed) if pointer else set()
    if not store.versions_dir.is_dir():
        return
    for child in store.versions_dir.iterdir():
        if child.name.startswith(TEMP_PREFIX) or (child.is_dir() and child.name not in committed):
            shutil.rmtree(child, ignore_errors=True)


# --- ids and labels -----------------------------------------------------------------
def version_number(version_id: str | None) -> int | None:
    """``"0003"`` -> 3."""
    return None if version_id is None else int(version_id)


def normalise_version_id(text: str | int) -> str:
    """What a user types (``3``, ``"03"``, ``"v3"``, ``"versi 3"``) -> the id ``"0003"``."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    if not digits or int(digits) < 1:
        raise UnknownVersion(str(text))
    return f"{int(digits):04d}"


def local_time_text(moment: dt.datetime) -> str:
    """A UTC moment as users read it: ``"2026-11-22 17:15 WIB"`` (``lib.local_time``; files keep UTC)."""
    return wib(moment)


class VersionLabel(str):
    """A version as users are told about the data in use: as text Indonesian (``"versi 3 (2026-11-22 17:15 WIB)"``),
    in any language through ``label_in`` (``"version 3 (2026-11-22 17:15 WIB)"``)."""

    number: int
    moment: str

    def __new__(cls, number: int, moment: str) -> Self:
        label = super().__new__(cls, text("data_version", "id", n=number, moment=moment))
        label.number, label.moment = number, moment
        return label

    def __reduce__(self):
        return VersionLabel, (self.number, self.moment)

    def in_language(self, lang: Lang) -> str:
        return text("data_version", lang, n=self.number, moment=self.moment)


def version_label(manifest: Mapping, lang: Lang = "id") -> str:
    """``"versi 3 (2026-11-22 17:15 WIB)"`` (en: ``"version 3 (...)"``): what users are told about the data in use."""
    return label_in(version_of(manifest), lang)


def version_of(manifest: Mapping) -> VersionLabel:
    """The label of the version ``manifest`` describes, in any language (``label_in``)."""
    moment = dt.datetime.fromisoformat(manifest["created_at"])
    return VersionLabel(version_number(manifest["id"]), local_time_text(moment))


def label_in(label: str, lang: Lang = "id") -> str:
    """A dataset's label (``Dataset.label``) in ``lang``: a version's in the reader's words, any other as itself."""
    return label.in_language(lang) if isinstance(label, VersionLabel) else label


# --- writing ------------------------------------------------------------------------
def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue().to_pybytes()


def _check_frames(frames: Mapping[TableName, pd.DataFrame]) -> None:
    if not set(TABLES) <= set(frames) <= set(ALL_TABLES):
        raise ValueError(f"Sebuah versi memerlukan tepat tabel {', '.join(TABLES)} (dan boleh "
                         f"{', '.join(OPTIONAL_TABLES)}); diberikan: {sorted(frames)}.")
    for table in frames:
        if list(frames[table].columns) != column_names(table):
            raise ValueError(f"Kolom tabel {table} harus {column_names(table)}, bukan {list(frames[table].columns)}.")


def _stored(frames: Mapping[TableName, pd.DataFrame]) -> tuple[TableName, ...]:
    """The tables a version of ``frames`` keeps: the three always, an optional one only when it has rows."""
    return (*TABLES, *(t for t in OPTIONAL_TABLES if t in frames and len(frames[t])))


def _tables_of(manifest: Mapping) -> tuple[TableName, ...]:
    """The tables a stored version holds, in contract order (older versions have no targets)."""
    return tuple(t for t in ALL_TABLES if t in manifest["tables"])


def _table_entry(table: TableName, rows: int, data: bytes) -> dict:
    return {"file": f"{table}.parquet", "rows": rows, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _manifest(version_id: str, author: str, files: Sequence[str], parent: str | None, note: str,
              tables: Mapping[TableName, dict]) -> dict:
    return {
        "format": FORMAT,
        "id": version_id,
        "created_at": _iso(_utc_now()),
        "author": author,
        "files": list(files),
        "rows": {table: entry["rows"] for table, entry in tables.items()},
        "parent": parent,
        "note": note,
        "tables": dict(tables),
    }


def commit_version(
    store: StoreLike,
    frames: Mapping[TableName, pd.DataFrame],
    *,
    author: str,
    base: str | None,
    files: Sequence[str] = (),
    note: str = "",
) -> str:
    """Store ``frames`` (typed: the three tables, and the targets if any) as a new current version; return its id.

    ``base`` is the version the data was checked against: when another version
    became current meanwhile, ``StaleImport`` is raised and nothing changes.
    """
    store = _as_store(store)
    _check_frames(frames)
    if isinstance(store, DatabaseStore):
        return _commit_to_database(store, frames, author=author, base=base, files=files, note=note)
    store.versions_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _exclusive(store):
        pointer = _read_pointer(store)
        current = pointer.current if pointer else None
        if current != base:
            raise StaleImport(base, current)
        _remove_leftovers(store, pointer)
        taken = [int(c.name) for c in store.versions_dir.iterdir() if c.name.isdigit()]
        version_id = f"{max(taken, default=0) + 1:04d}"
        temp = store.versions_dir / f"{TEMP_PREFIX}{version_id}-{uuid.uuid4().hex[:8]}"
        final = store.version_dir(version_id)
        try:
            temp.mkdir(mode=0o700)
            tables = {}
            for table in _stored(frames):
                data = _parquet_bytes(frames[table])
                _write_durably(temp / f"{table}.parquet", data)
                _checkpoint(f"{table} written")
                tables[table] = _table_entry(table, len(frames[table]), data)
            manifest = _manifest(version_id, author, files, current, note, tables)
            _write_durably(temp / MANIFEST,
                           json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
            _checkpoint("manifest written")
            _fsync_dir(temp)
            os.rename(temp, final)
            _fsync_dir(store.versions_dir)
            _checkpoint("version in place")
            _switch_pointer(store, pointer, version_id, author, ACTION_IMPORT)
        except OSError as exc:
            if current_version_id(store) == version_id:
                return version_id  # the switch happened; only a later step complained
            shutil.rmtree(temp, ignore_errors=True)
            shutil.rmtree(final, ignore_errors=True)
            (store.root / (CURRENT + ".tmp")).unlink(missing_ok=True)
            raise StoreWriteFailed(exc) from exc
    return version_id


def _commit_to_database(store: DatabaseStore, frames: Mapping[TableName, pd.DataFrame], *, author: str,
                        base: str | None, files: Sequence[str], note: str) -> str:
    """One transaction: the version, its tables, the switch; committed as a whole or not at all."""
    blobs = {table: _parquet_bytes(frames[table]) for table in _stored(frames)}  # before the lock: the slow part
    try:
        with _exclusive(store) as db:
            pointer = _read_pointer(store, db)
            current = pointer.current if pointer else None
            if current != base:
                raise StaleImport(base, current)
            (last,) = db.execute("SELECT coalesce(max(id::integer), 0) FROM store_versions").fetchone()
            version_id = f"{last + 1:04d}"
            tables = {table: _table_entry(table, len(frames[table]), blobs[table]) for table in blobs}
            manifest = _manifest(version_id, author, files, current, note, tables)
            db.execute("INSERT INTO store_versions (id, created_at, manifest) VALUES (?, ?, ?)",
                       (version_id, manifest["created_at"], json.dumps(manifest, ensure_ascii=False)))
            _checkpoint("manifest written")
            for table in blobs:
                db.execute("INSERT INTO store_tables (version, name, data) VALUES (?, ?, ?)",
                           (version_id, table, blobs[table]))
                _checkpoint(f"{table} written")
            _record_switch(db, version_id, author, ACTION_IMPORT)
            _checkpoint("pointer written")
        _checkpoint("pointer replaced")  # committed: the new version is current
    except StoreUnavailable as exc:
        raise StoreWriteFailed(exc.__cause__ or exc) from exc
    return version_id


def rollback(store: StoreLike, version_id: str, author: str, audit=None) -> str:
    """Make the earlier version ``version_id`` current again (one atomic switch); return its id.

    ``audit``, when given, is an audit log (``lib.audit``) that records the rollback.
    """
    store = _as_store(store)
    version_id = normalise_version_id(version_id)
    if isinstance(store, DatabaseStore):
        previous = _rollback_in_database(store, version_id, author)
    else:
        with _exclusive(store):
            pointer = _read_pointer(store)
            if pointer is None or version_id not in pointer.committed:
                raise UnknownVersion(version_id)
            previous = pointer.current
            manifest = read_manifest(store, version_id)
            for table in _tables_of(manifest):
                _verified_bytes(store, manifest, table)
            if previous != version_id:
                try:
                    _switch_pointer(store, pointer, version_id, author, ACTION_ROLLBACK)
                except OSError as exc:
                    (store.root / (CURRENT + ".tmp")).unlink(missing_ok=True)
                    if current_version_id(store) != version_id:
                        raise StoreWriteFailed(exc) from exc
    if audit is not None:
        audit.record(author, ACTION_ROLLBACK, version=version_id, previous=previous)
    return version_id


def _rollback_in_database(store: DatabaseStore, version_id: str, author: str) -> str:
    """The switch in one locked transaction, after the database checked every table's checksum; the previous id."""
    try:
        with _exclusive(store) as db:
            pointer = _read_pointer(store, db)
            if pointer is None or version_id not in pointer.committed:
                raise UnknownVersion(version_id)
            manifest = _database_manifest(db, version_id)
            stored = dict(db.execute("SELECT name, encode(sha256(data), 'hex') FROM store_tables WHERE version = ?",
                                     (version_id,)).fetchall())
            for table in _tables_of(manifest):
                if stored.get(table) != manifest["tables"][table]["sha256"]:
                    raise StoreCorrupt("store_table_changed", table=table, version=version_id)
            if pointer.current != version_id:
                _record_switch(db, version_id, author, ACTION_ROLLBACK)
    except StoreUnavailable as exc:
        raise StoreWriteFailed(exc.__cause__ or exc) from exc
    return pointer.current


# --- reading --------------------------------------------------------------------------
def _database_manifest(db: backend.Database, version_id: str) -> dict:
    row = db.execute("SELECT manifest FROM store_versions WHERE id = ?", (version_id,)).fetchone()
    if row is None:
        raise UnknownVersion(version_id)
    return json.loads(row[0])


def read_manifest(store: StoreLike, version_id: str) -> dict:
    """The manifest of a version: id, created_at, author, files, rows, parent, note, tables."""
    store = _as_store(store)
    if isinstance(store, DatabaseStore):
        with _database(store) as db:
            return _database_manifest(db, version_id)
    path = store.version_dir(version_id) / MANIFEST
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError as exc:
        raise UnknownVersion(version_id) from exc
    except ValueError as exc:
        raise StoreCorrupt("store_manifest_broken", version=version_id, reason=exc) from exc


def _checked(data: bytes, entry: Mapping, key: str, **where: object) -> bytes:
    """``data`` when its sha256 is the manifest ``entry``'s; else StoreCorrupt with message ``key`` of ``where``."""
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise StoreCorrupt(key, **where)
    return data


def _verified_bytes(store: Store, manifest: Mapping, table: TableName) -> bytes:
    entry = manifest["tables"][table]
    path = store.version_dir(manifest["id"]) / entry["file"]
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise StoreCorrupt("store_file_missing", path=path, version=manifest["id"]) from exc
    return _checked(data, entry, "store_file_changed", path=path)


def _verified_tables(store: Store | DatabaseStore, manifest: Mapping) -> dict[TableName, bytes]:
    """Every table's Parquet bytes of a version, each checked against its manifest's sha256."""
    if not isinstance(store, DatabaseStore):
        return {table: _verified_bytes(store, manifest, table) for table in _tables_of(manifest)}
    with _database(store) as db:
        # Binary results: the bytes arrive as they are, not as hex text to decode.
        rows = db.execute("SELECT name, data FROM store_tables WHERE version = ?", (manifest["id"],),
                          binary=True).fetchall()
    found = {name: data for name, data in rows}
    tables = {}
    for table in _tables_of(manifest):
        if table not in found:
            raise StoreCorrupt("store_table_missing", table=table, version=manifest["id"])
        tables[table] = _checked(found[table], manifest["tables"][table], "store_table_changed", table=table,
                                 version=manifest["id"])
    return tables


def _values_outside_reference(table: TableName, frame: pd.DataFrame, reference: Reference) -> dict[str, list[str]]:
    """Vocabulary column -> stored values the reference lists do not (or no longer) contain."""
    missing = {}
    for spec in column_specs(table):
        if spec.vocab:
            allowed = set(reference.vocabulary(spec.vocab))
            unknown = sorted({str(v) for v in frame[spec.name].dropna().astype("object") if v not in allowed})
            if unknown:
                missing[spec.name] = unknown
    return missing


def read_version(store: StoreLike, version_id: str, reference: Reference) -> Dataset:
    """A stored version as a Dataset with exactly the loaded dtypes (checked against its manifest)."""
    store = _as_store(store)
    manifest = read_manifest(store, version_id)
    raw = {table: pq.read_table(pa.BufferReader(data)).to_pandas()
           for table, data in _verified_tables(store, manifest).items()}
    missing = {table: found for table in raw
               if (found := _values_outside_reference(table, raw[table], reference))}
    if missing:
        # Re-typing would silently blank such values and change the figures.
        raise ReferenceMismatch(version_id, missing)
    # Re-typing puts back the reference's categories, in the reference's order.
    frames = {table: typed_frame(table, raw[table], reference) for table in raw}  # targets: only if it has some
    return Dataset(**frames, reference=reference, label=version_of(manifest), is_demo=False)


def current_dataset(store: StoreLike, reference: Reference) -> Dataset | None:
    """The version in use, or None when nothing was imported yet."""
    version_id = current_version_id(store)
    return None if version_id is None else read_version(store, version_id, reference)


def _manifests(store: Store | DatabaseStore, version_ids: Sequence[str]) -> dict[str, dict]:
    if isinstance(store, DatabaseStore):
        with _database(store) as db:
            return {r[0]: json.loads(r[1]) for r in db.execute("SELECT id, manifest FROM store_versions")}
    return {version_id: read_manifest(store, version_id) for version_id in version_ids}


def versions(store: StoreLike) -> pd.DataFrame:
    """Committed versions newest first: id, created_at (UTC), author, files, note, parent, rows per table,
    is_current."""
    store = _as_store(store)
    pointer = _read_pointer(store)
    committed = pointer.committed if pointer else []
    manifests = _manifests(store, committed)
    rows = []
    for version_id in committed:
        manifest = manifests[version_id]
        rows.append({
            "id": version_id,
            "created_at": manifest["created_at"],
            "author": manifest["author"],
            "files": ", ".join(manifest["files"]),
            "note": manifest.get("note", ""),
            "parent": manifest.get("parent"),
            **{table: manifest["rows"].get(table, 0) for table in ALL_TABLES},
            "is_current": version_id == pointer.current,
        })
    frame = pd.DataFrame(rows, columns=VERSION_COLUMNS)
    frame = frame.assign(
        id=frame["id"].astype("string"),
        created_at=pd.to_datetime(frame["created_at"], utc=True, format="ISO8601").astype("datetime64[ns, UTC]"),
        author=frame["author"].astype("string"),
        files=frame["files"].astype("string"),
        note=frame["note"].astype("string"),
        parent=frame["parent"].astype("string"),
        **{table: frame[table].astype("Int64") for table in ALL_TABLES},
        is_current=frame["is_current"].astype(bool),
    )
    return frame.sort_values("id", ascending=False).reset_index(drop=True)


def history(store: StoreLike) -> pd.DataFrame:
    """Every switch of the version in use, oldest first: at (UTC), version, author, action (import|rollback)."""
    pointer = _read_pointer(_as_store(store))
    frame = pd.DataFrame(list(pointer.history) if pointer else [], columns=HISTORY_COLUMNS)
    return frame.assign(
        at=pd.to_datetime(frame["at"], utc=True, format="ISO8601").astype("datetime64[ns, UTC]"),
        **{c: frame[c].astype("string") for c in ("version", "author", "action")},
    )
