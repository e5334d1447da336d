"""Every setting of the dashboard, in one registry.

Each is read from an environment variable; ``tests/test_docs.py`` fails when
one is missing from the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DASBOR_DATA_DIR", str(ROOT / "data"),
            "Folder data: data acuan (reference.toml), data demo, versi impor, akun dan log audit."),
    Setting("DASBOR_PRIVACY_K", "5",
            "Ambang angka kecil k: jumlah orang 1 sampai k-1 ditampilkan sebagai <k."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> str:
    """The value of setting ``name``: its environment variable, else its default."""
    return os.environ.get(name) or _BY_NAME[name].default


def data_dir() -> Path:
    return Path(setting("DASBOR_DATA_DIR"))


def privacy_k() -> int:
    k = int(setting("DASBOR_PRIVACY_K"))
    if k < 2:
        raise ValueError("DASBOR_PRIVACY_K harus 2 atau lebih.")
    return k
