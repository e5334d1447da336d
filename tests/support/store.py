"""The versioned store in tests: everything it holds, to show a refused change left it as it was."""

from __future__ import annotations

from pathlib import Path

from lib import backend as B
from lib import importer
from lib import store as S
from lib.schema import load_reference

DATABASE_TABLES = {"store_versions": "id", "store_tables": "version, name", "store_history": "seq"}


def snapshot(store: S.Store | S.DatabaseStore | Path) -> dict:
    """Everything the store holds: every file (except the lock file) -> its bytes, or every row of its tables."""
    if isinstance(store, S.DatabaseStore):
        with B.connect(store.url) as db:
            return {table: [tuple(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY {order}")]
                    for table, order in DATABASE_TABLES.items()}
    root = store.root if isinstance(store, S.Store) else store
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != S.LOCK}


def commit_files(*paths: Path) -> str:
    """Import files into the data folder's store through the library (as another admin or the command line would)."""
    plan = importer.plan_import({p.name: p.read_bytes() for p in paths}, S.open_store(), load_reference())
    assert plan.ok, plan.errors
    return importer.commit_import(plan, S.open_store(), author="lain")
