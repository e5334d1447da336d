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
    Setting("DASBOR_DATABASE_URL", "",
            "URL PostgreSQL bersama (postgresql://...): versi data, akun, sesi, log audit dan rahasia "
            "disimpan di sana agar beberapa proses dasbor memakainya bersama. Kosong: berkas di folder data."),
    Setting("DASBOR_PRIVACY_K", "5",
            "Ambang angka kecil k: jumlah orang 1 sampai k-1 ditampilkan sebagai <k."),
    Setting("DASBOR_PRIVACY_B", "5",
            "Basis pembulatan b: jumlah orang k atau lebih ditampilkan dibulatkan ke kelipatan b "
            "(2 sampai k), selalu sama untuk kelompok orang yang sama."),
    Setting("DASBOR_SESSION_HOURS", "8",
            "Lama sesi masuk dengan kata sandi (jam): selama itu muat ulang atau bookmark tetap masuk, sampai keluar."),
    Setting("DASBOR_WARM_UP", "1",
            "1: setelah halaman analisis pertama dibuka, proses menghitung di latar belakang isi setiap halaman "
            "untuk setiap pilihan tunggal filter desa dan tahun, sehingga pengunjung pertama setiap pilihan tidak "
            "menunggu. 0: tidak (setiap tampilan dihitung saat pertama diminta)."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> str:
    """The value of setting ``name``: its environment variable, else its default."""
    return os.environ.get(name) or _BY_NAME[name].default


def data_dir() -> Path:
    return Path(setting("DASBOR_DATA_DIR"))


def privacy_k() -> int:
    return privacy_rules().k


def privacy_rules():
    """The privacy rules set by the administrator: threshold k and rounding base b (lib.privacy.Rules)."""
    from lib.privacy import Rules  # lib.privacy reads the measures registry; settings stays light to import

    try:
        k, b = int(setting("DASBOR_PRIVACY_K")), int(setting("DASBOR_PRIVACY_B"))
    except ValueError:
        raise ValueError("DASBOR_PRIVACY_K dan DASBOR_PRIVACY_B harus bilangan bulat.") from None
    return Rules(k=k, b=b)


def session_hours() -> float:
    """How long a password sign-in lasts in the browser, in hours (DASBOR_SESSION_HOURS)."""
    try:
        hours = float(setting("DASBOR_SESSION_HOURS"))
    except ValueError:
        raise ValueError("DASBOR_SESSION_HOURS harus angka jam, mis. 8.") from None
    if not 0 < hours <= 24 * 30:
        raise ValueError("DASBOR_SESSION_HOURS harus lebih dari 0 dan paling lama 720 jam (30 hari).")
    return hours
