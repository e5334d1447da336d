"""The versioned data store: every accepted import is a new, immutable version.

Layout of a store folder::

    store/
      CURRENT                  pointer: {"current": "0003", "history": [...]}, JSON
      .lock                    taken (flock) by whoever writes
      versions/
        0001/  participants.parquet  outcomes.parquet  budget.parquet  manifest.json
        0002/  ...
        .tmp-0003-...          a version being written; never listed, removed at next open

A version is written under a temporary name, every file and the folder are
fsynced, and the folder is renamed into place. Only then does ``CURRENT`` change,
by ``os.replace`` of a fully written and fsynced ``CURRENT.tmp``: that single
rename is the commit. A crash, ``kill -9`` or a full disk at any moment therefore
leaves either the old or the new version current, complete. ``CURRENT`` also
holds the history of every switch (import or rollback), so the list of versions
and the pointer can never disagree. Version folders are never changed once in
place, so readers need no lock.
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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lib import settings
from lib.audit import IMPORT, ROLLBACK
from lib.schema import TABLES, Dataset, Reference, TableName, column_names, column_specs, typed_frame

CURRENT = "CURRENT"
LOCK = ".lock"
VERSIONS = "versions"
MANIFEST = "manifest.json"
TEMP_PREFIX = ".tmp-"
FORMAT = 1

# A pointer switch is recorded with the audit log's words for it.
ACTION_IMPORT, ACTION_ROLLBACK = IMPORT, ROLLBACK

# Kediri keeps West Indonesian Time; labels shown to users use it, files keep UTC.
LOCAL_TIMEZONE = "Asia/Jakarta"
LOCAL_TIMEZONE_NAME = "WIB"

# Columns of ``versions``.
VERSION_COLUMNS = ["id", "created_at", "author", "files", "note", "parent",
                   *TABLES, "is_current"]
# Columns of ``history``.
HISTORY_COLUMNS = ["at", "version", "author", "action"]


# --- errors --------------------------------------------------------------------
class StoreError(Exception):
    """Something about the store prevents the operation; the message says what to do."""


class StoreBusy(StoreError):
    """Another import or rollback holds the store right now."""

    def __init__(self, message: str | None = None):
        super().__init__(message or (
            "Data sedang diperbarui oleh pengguna lain. Tidak ada yang berubah; "
            "coba lagi sebentar lagi."))


class StaleImport(StoreBusy):
    """The data in use changed after this import was checked; it must be checked again."""

    def __init__(self, planned: str | None, current: str | None):
        self.planned = planned
        self.current = current
        super().__init__(
            f"Data yang dipakai sudah berganti ({_describe(planned)} menjadi {_describe(current)}) "
            "sejak berkas ini diperiksa. Tidak ada yang berubah; coba lagi: unggah dan periksa "
            "berkasnya sekali lagi.")


class UnknownVersion(StoreError):
    """No committed version has this id."""

    def __init__(self, version_id: str):
        self.version_id = version_id
        super().__init__(f"Versi {version_id!r} tidak ada. Lihat daftar versi untuk nomor yang benar.")


class StoreCorrupt(StoreError):
    """A stored file is not what its manifest says (changed or damaged on disk)."""


class StoreWriteFailed(StoreError):
    """Writing the new version failed (e.g. the disk is full); the data in use is unchanged."""

    def __init__(self, cause: OSError):
        self.errno = cause.errno
        reason = "disk penuh" if cause.errno == errno.ENOSPC else (cause.strerror or str(cause))
        super().__init__(
            f"Data gagal disimpan ({reason}). Data yang dipakai tidak berubah; "
            "kosongkan ruang disk atau hubungi admin, lalu coba lagi.")


class ReferenceMismatch(StoreError):
    """A stored version holds values that the reference lists no longer contain."""

    def __init__(self, version_id: str, missing: dict[str, dict[str, list[str]]]):
        self.version_id = version_id
        self.missing = missing  # table -> column -> values not in the reference
        listed = "; ".join(
            f"{table}.{column}: {', '.join(values)}"
            for table, columns in missing.items() for column, values in columns.items())
        super().__init__(
            f"Versi {version_number(version_id)} memakai nilai yang tidak ada di data acuan "
            f"({listed}). Kembalikan nilai itu ke data acuan, atau impor ulang data yang sudah diperbaiki.")


def _describe(version_id: str | None) -> str:
    return "belum ada data" if version_id is None else f"versi {version_number(version_id)}"


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


StoreLike = Store | str | os.PathLike


def default_store_path() -> Path:
    return settings.data_dir() / "store"


def _as_store(store: StoreLike) -> Store:
    return store if isinstance(store, Store) else Store(Path(store))


def open_store(path: StoreLike | None = None) -> Store:
    """The store at ``path`` (default: data folder / store), created if missing, leftovers removed."""
    store = _as_store(path if path is not None else default_store_path())
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
def _exclusive(store: Store) -> Iterator[None]:
    """Hold the store's write lock, or raise ``StoreBusy`` at once (never wait)."""
    store.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(store.root / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreBusy() from exc
        yield
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


def _read_pointer(store: Store) -> _Pointer | None:
    try:
        raw = store.pointer.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        return _Pointer(current=str(data["current"]), history=tuple(data["history"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreCorrupt(f"Berkas penunjuk versi {store.pointer} rusak: {exc}.") from exc


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


def current_version_id(store: StoreLike) -> str | None:
    """The id of the version in use, or None when nothing was imported yet (cheap: one small file)."""
    pointer = _read_pointer(_as_store(store))
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
    """A UTC moment as users read it: ``"2026-11-22 17:15 WIB"``."""
    try:
        local, zone = moment.astimezone(ZoneInfo(LOCAL_TIMEZONE)), LOCAL_TIMEZONE_NAME
    except ZoneInfoNotFoundError:
        local, zone = moment.astimezone(dt.timezone.utc), "UTC"
    return f"{local:%Y-%m-%d %H:%M} {zone}"


def version_label(manifest: Mapping) -> str:
    """``"versi 3 (2026-11-22 17:15 WIB)"``: what users are told about the data in use."""
    moment = dt.datetime.fromisoformat(manifest["created_at"])
    return f"versi {version_number(manifest['id'])} ({local_time_text(moment)})"


# --- writing ------------------------------------------------------------------------
def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue().to_pybytes()


def _check_frames(frames: Mapping[TableName, pd.DataFrame]) -> None:
    if set(frames) != set(TABLES):
        raise ValueError(f"Sebuah versi memerlukan tepat tabel {', '.join(TABLES)}; diberikan: {sorted(frames)}.")
    for table in TABLES:
        if list(frames[table].columns) != column_names(table):
            raise ValueError(f"Kolom tabel {table} harus {column_names(table)}, bukan {list(frames[table].columns)}.")


def commit_version(
    store: StoreLike,
    frames: Mapping[TableName, pd.DataFrame],
    *,
    author: str,
    base: str | None,
    files: Sequence[str] = (),
    note: str = "",
) -> str:
    """Store ``frames`` (typed, all three tables) as a new current version; return its id.

    ``base`` is the version the data was checked against: when another version
    became current meanwhile, ``StaleImport`` is raised and nothing changes.
    """
    store = _as_store(store)
    _check_frames(frames)
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
            for table in TABLES:
                data = _parquet_bytes(frames[table])
                _write_durably(temp / f"{table}.parquet", data)
                _checkpoint(f"{table} written")
                tables[table] = {"file": f"{table}.parquet", "rows": len(frames[table]),
                                 "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            manifest = {
                "format": FORMAT,
                "id": version_id,
                "created_at": _iso(_utc_now()),
                "author": author,
                "files": list(files),
                "rows": {table: tables[table]["rows"] for table in TABLES},
                "parent": current,
                "note": note,
                "tables": tables,
            }
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


def rollback(store: StoreLike, version_id: str, author: str, audit=None) -> str:
    """Make the earlier version ``version_id`` current again (one atomic switch); return its id.

    ``audit``, when given, is an audit log (``lib.audit``) that records the rollback.
    """
    store = _as_store(store)
    version_id = normalise_version_id(version_id)
    with _exclusive(store):
        pointer = _read_pointer(store)
        if pointer is None or version_id not in pointer.committed:
            raise UnknownVersion(version_id)
        previous = pointer.current
        for table in TABLES:
            _verified_bytes(store, read_manifest(store, version_id), table)
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


# --- reading --------------------------------------------------------------------------
def read_manifest(store: StoreLike, version_id: str) -> dict:
    """The manifest of a version: id, created_at, author, files, rows, parent, note, tables."""
    path = _as_store(store).version_dir(version_id) / MANIFEST
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError as exc:
        raise UnknownVersion(version_id) from exc
    except ValueError as exc:
        raise StoreCorrupt(f"Manifes versi {version_id} rusak: {exc}.") from exc


def _verified_bytes(store: Store, manifest: Mapping, table: TableName) -> bytes:
    entry = manifest["tables"][table]
    path = store.version_dir(manifest["id"]) / entry["file"]
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise StoreCorrupt(f"Berkas {path} hilang dari versi {manifest['id']}.") from exc
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise StoreCorrupt(f"Berkas {path} berubah atau rusak sejak disimpan (sidik sha256 tidak cocok).")
    return data


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
    raw = {table: pq.read_table(pa.BufferReader(_verified_bytes(store, manifest, table))).to_pandas()
           for table in TABLES}
    missing = {table: found for table in TABLES
               if (found := _values_outside_reference(table, raw[table], reference))}
    if missing:
        # Re-typing would silently blank such values and change the figures.
        raise ReferenceMismatch(version_id, missing)
    # Re-typing puts back the reference's categories, in the reference's order.
    frames = {table: typed_frame(table, raw[table], reference) for table in TABLES}
    return Dataset(**frames, reference=reference, label=version_label(manifest), is_demo=False)


def current_dataset(store: StoreLike, reference: Reference) -> Dataset | None:
    """The version in use, or None when nothing was imported yet."""
    version_id = current_version_id(store)
    return None if version_id is None else read_version(store, version_id, reference)


def versions(store: StoreLike) -> pd.DataFrame:
    """Committed versions newest first: id, created_at (UTC), author, files, note, parent, rows per table,
    is_current."""
    store = _as_store(store)
    pointer = _read_pointer(store)
    rows = []
    for version_id in (pointer.committed if pointer else []):
        manifest = read_manifest(store, version_id)
        rows.append({
            "id": version_id,
            "created_at": manifest["created_at"],
            "author": manifest["author"],
            "files": ", ".join(manifest["files"]),
            "note": manifest.get("note", ""),
            "parent": manifest.get("parent"),
            **{table: manifest["rows"][table] for table in TABLES},
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
        **{table: frame[table].astype("Int64") for table in TABLES},
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
