"""Record keys and person keys: what makes every published count of people consistent.

privacy.md: every enrollment row carries a *record key* and every person a
*person key*, numbers derived by a keyed hash from the row's
``(participant_id, year, program)`` or the person's ``participant_id`` with a
secret created once per installation. A count's *cell key* is the sum of the
keys of the rows (or people) it counts, modulo ``KEY_MODULUS``; the cell key
decides which way the count is rounded (``lib.privacy``).

This is the record-key / cell-key design of the ABS TableBuilder and of ONS's
``cell-key-perturbation`` package (record keys 0..255 drawn at random and
stored with the microdata, cell key = their sum mod 256, looked up in a
perturbation table). That package is not used here because (1) its record keys
are random draws stored in the data, where ours must come back unchanged when a
department re-imports the same codes, so they are derived from the codes with
the installation secret instead; (2) it tabulates through its own pandas
groupby, while every figure here is counted by ``lib.groups`` (distinct people
included, which it does not count); (3) its perturbation table adds noise,
where privacy.md asks for unbiased rounding to a multiple of b. The keys here
are 24 bits (not 8) so the rounding odds are exact to 1 in 16 million.

Keys never leave the server: no published table, download, log or report
carries them (``lib.privacy`` drops them when it publishes).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import numpy as np
import pandas as pd

KEY_BITS = 24
KEY_MODULUS = 1 << KEY_BITS  # cell keys are sums of keys modulo this
DEMO_SECRET = "demo"              # the bundled demo data has a secret of its own
INSTALLATION_SECRET = "installation"


def installation_secret(folder: Path, name: str = INSTALLATION_SECRET) -> bytes:
    """The installation's secret ``name`` for the data folder ``folder``, created once on first use.

    Kept by ``lib.backend``: a row of the shared PostgreSQL database when
    ``DASBOR_DATABASE_URL`` is set (every process and machine gets the same
    one), else ``folder/secrets/<name>.key`` with mode 0600.
    """
    from lib import backend  # the back end reads the settings; keys stay importable on their own

    return backend.secret_of(folder, name)


# --- keys ---------------------------------------------------------------------------
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of uint64 that spreads every input bit over the output."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _hmac64(secret: bytes, values: list[str], domain: bytes) -> np.ndarray:
    """HMAC-SHA256(secret, domain + value) of each value, its first 8 bytes as uint64."""
    digest = hmac.digest
    out = np.fromiter(
        (int.from_bytes(digest(secret, domain + v.encode("utf-8"), hashlib.sha256)[:8], "big") for v in values),
        dtype=np.uint64, count=len(values))
    return out


def _codes_and_values(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Per row an integer code, and the text of each code (missing as "")."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = [str(v) for v in np.asarray(column.cat.categories, dtype=object).tolist()]
        codes = column.cat.codes.to_numpy().astype(np.int64)
        return np.where(codes < 0, len(categories), codes), [*categories, ""]
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = [str(v) for v in np.asarray(uniques, dtype=object).tolist()]  # Arrow strings converted at once
    return np.where(codes < 0, len(values), codes).astype(np.int64), [*values, ""]


def person_hashes(participant_id: pd.Series, secret: bytes) -> np.ndarray:
    """Per row, a 64-bit keyed hash of its participant_id (the same for every row of one person)."""
    codes, values = _codes_and_values(participant_id)
    return _hmac64(secret, values, b"person\x1f")[codes]


def person_keys(participant_id: pd.Series, secret: bytes, hashes: np.ndarray | None = None) -> np.ndarray:
    """Per row, the person key (0..KEY_MODULUS-1) of its participant_id, as int64.

    ``hashes``: the rows' ``person_hashes`` when already computed (one HMAC per person is most of the cost).
    """
    hashes = person_hashes(participant_id, secret) if hashes is None else hashes
    return (hashes % np.uint64(KEY_MODULUS)).astype(np.int64)


def record_keys(participant_id: pd.Series, year: pd.Series, program: pd.Series, secret: bytes,
                hashes: np.ndarray | None = None) -> np.ndarray:
    """Per enrollment row, the record key (0..KEY_MODULUS-1) of its (participant_id, year, program), as int64.

    The person's keyed hash is mixed with the year and a keyed hash of the
    program's name: a pseudorandom function of the three codes and the secret,
    with one HMAC per distinct person and per program instead of one per row.
    ``hashes``: the rows' ``person_hashes`` when already computed.
    """
    person = person_hashes(participant_id, secret) if hashes is None else hashes
    program_codes, program_values = _codes_and_values(program)
    program_hash = _hmac64(secret, program_values, b"program\x1f")[program_codes]
    years = pd.to_numeric(year, errors="coerce").fillna(-1).to_numpy(dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = _mix(person ^ _mix(program_hash ^ (years * np.uint64(0x9E3779B97F4A7C15))))
    return (mixed % np.uint64(KEY_MODULUS)).astype(np.int64)
