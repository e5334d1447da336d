"""Synthetic demo data (DATA SINTETIS): three tables that read like Kediri's, and its targets.

Every row of the demo is invented by this generator from a fixed seed. No
person in it exists; the pseudonymous codes (``KDR-0001``, ``SMP-0001``) belong
to nobody. The shape follows the two news reports the product starts from:
nine Kabupaten Kediri villages sending WPS (and a few guesthouse owners) to
tata rias, tata boga and tata busana trainings run by Dinas Sosial Kabupaten
Kediri and UPT RSBKW Kediri, and Eks Lokalisasi Semampir in Kota Kediri, where
Dinas Koperasi dan UMKM trains about 25 PSK, mucikari and residents a year in
konveksi, first with Rp 125 juta of machines, materials and tables, then an
internship at the Sentra Konveksi in Tulungagung. The targets read like a
Renstra 2021-2026: a few indicators a year for the whole regency, and a few for
the konveksi program and for Pare.

``python -m lib.demo`` rewrites ``data/demo/``; with ``--enrollments N`` it
scales the same shape (same villages, programs and years, more cohorts) for
benchmarks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from lib.measures import label
from lib.schema import (
    ALL_TABLES,
    BUDGET,
    OUTCOME_EMPLOYED,
    OUTCOME_OWN_BUSINESS,
    OUTCOME_RELAPSE,
    OUTCOME_RETURNED_HOME,
    OUTCOMES,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    ROLES,
    STATUS_COMPLETED,
    STATUS_DROPPED,
    STATUS_ONGOING,
    TARGETS,
    UNKNOWN,
    Budget,
    Outcomes,
    Participants,
    Reference,
    TableName,
    Targets,
    column_names,
    load_reference,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"
REGENCIES_FILE = ROOT / "data" / "regencies.csv"

DEFAULT_SEED = 2015
DEFAULT_TODAY = date(2025, 12, 31)
FIRST_YEAR = 2015  # the governor's deadline for a province free of lokalisasi

DINSOS = "Dinas Sosial Kabupaten Kediri"
DINKOP = "Dinas Koperasi dan UMKM Kota Kediri"
UPT = "UPT RSBKW Kediri"
TATA_RIAS, TATA_BOGA, TATA_BUSANA, KONVEKSI = "Tata Rias", "Tata Boga", "Tata Busana", "Konveksi"
REGENCY_PROGRAMS = (TATA_RIAS, TATA_BOGA, TATA_BUSANA)
FUNDING = {DINSOS: "APBD Kabupaten", DINKOP: "APBD Kota", UPT: "APBD Provinsi"}

# The nine regency villages and how many people each sends, on average, to one
# training; Wonojoyo is small on purpose, so some of its cells fall under k.
VILLAGE_MEAN = {
    "Kandangan": 5, "Pare": 5, "Gurah": 4, "Wonojoyo": 2, "Ngasem": 3,
    "Ngadiluwih": 5, "Keras": 3, "Grogol": 4, "Wates": 4,
}
SEMAMPIR = "Semampir"
KONVEKSI_FIRST_YEAR = 2016  # the year of the Rp 125 juta machines
PANDEMIC_YEAR = 2020        # one small regency training, no konveksi cohort
ID_PREFIX = {"Kabupaten Kediri": "KDR", "Kota Kediri": "SMP"}

# The Rp 125 juta konveksi package: 26 machines of 12 kinds, tables, and raw
# materials taking what is left (see KONVEKSI_PACKAGE_IDR).
KONVEKSI_PACKAGE_IDR = 125_000_000
MACHINES = (
    ("Mesin jahit high speed", 8, 3_250_000),
    ("Mesin jahit portable", 2, 2_150_000),
    ("Mesin obras benang 4", 3, 3_900_000),
    ("Mesin overdeck", 2, 7_500_000),
    ("Mesin potong kain", 2, 3_600_000),
    ("Mesin bordir komputer", 1, 16_500_000),
    ("Mesin bordir manual", 2, 2_800_000),
    ("Mesin lubang kancing", 1, 6_750_000),
    ("Mesin pasang kancing", 1, 4_250_000),
    ("Mesin rantai (kansai)", 1, 6_200_000),
    ("Mesin setrika uap (boiler)", 2, 1_450_000),
    ("Mesin press kaos", 1, 3_100_000),
)
TABLES_FURNITURE = (("Meja potong", 2, 1_750_000), ("Meja jahit", 12, 450_000))
RAW_MATERIALS = "Bahan baku kain dan benang"

# Origins: a migrant's regency is drawn with these weights (1 for any other
# regency of data/regencies.csv): the neighbours of Kediri and the usual
# sending regions weigh most.
ORIGIN_WEIGHT = {
    "Kabupaten Blitar": 6, "Kabupaten Tulungagung": 5, "Kabupaten Nganjuk": 5,
    "Kabupaten Jombang": 5, "Kabupaten Malang": 5, "Kabupaten Kediri": 4,
    "Kabupaten Banyuwangi": 4, "Kabupaten Trenggalek": 3, "Kota Kediri": 3,
    "Kabupaten Ponorogo": 3, "Kabupaten Jember": 3, "Kota Surabaya": 3,
    "Kabupaten Indramayu": 3, "Kabupaten Madiun": 2, "Kabupaten Bojonegoro": 2,
    "Kota Blitar": 2, "Kabupaten Lampung Timur": 1.5,
}
# (share from the site's own regency, share unknown) by site regency and role;
# the rest are migrants.
ORIGIN_MIX = {
    ("Kabupaten Kediri", "WPS"): (0.15, 0.05),
    ("Kabupaten Kediri", "Pemilik Wisma"): (0.80, 0.02),
    ("Kota Kediri", "WPS"): (0.10, 0.05),
    ("Kota Kediri", "Mucikari"): (0.50, 0.05),
    ("Kota Kediri", "Warga Terdampak"): (0.85, 0.00),
}
ROLE_MIX = {  # site regency -> share of each of ROLES
    "Kabupaten Kediri": (0.92, 0.00, 0.08, 0.00),
    "Kota Kediri": (0.55, 0.10, 0.00, 0.35),
}
REPEAT_SHARE = 0.08  # enrollments by someone trained in an earlier year

# The targets of the Renstra 2021-2026, set ahead: (indicator, village, program) -> the first year's target
# and its yearly step. People and rupiah as they are counted, rates in percent; "" for the whole area or
# every program. Relapse and cost targets fall: less is better there.
TARGET_YEARS = (2021, 2026)
RENSTRA = {
    ("participants", "", ""): (90, 5),
    ("completion_rate", "", ""): (85, 0),
    ("working_rate", "", ""): (45, 2),
    ("relapse_rate", "", ""): (13, -1),
    ("absorption_rate", "", ""): (95, 0),
    ("cost_per_participant", "", ""): (3_000_000, 0),
    ("participants", "", KONVEKSI): (25, 0),
    ("working_rate", "", KONVEKSI): (50, 0),
    ("cost_per_working", "", KONVEKSI): (8_500_000, -250_000),
    ("participants", "Pare", ""): (10, 0),
}

# Outcome mix of one follow-up, in OUTCOMES order (Bekerja, Usaha Mandiri,
# Magang, Kembali ke Daerah Asal, Belum Bekerja, Kembali Beroperasi, Tidak
# Diketahui), by (konveksi?, completed?, first follow-up?). The first konveksi
# follow-up is mostly the Tulungagung internship.
OUTCOME_MIX = {
    (False, True, True): (0.20, 0.15, 0.06, 0.08, 0.33, 0.08, 0.10),
    (False, True, False): (0.27, 0.24, 0.02, 0.12, 0.15, 0.10, 0.10),
    (False, False, True): (0.08, 0.06, 0.00, 0.16, 0.30, 0.22, 0.18),
    (False, False, False): (0.10, 0.08, 0.00, 0.18, 0.22, 0.22, 0.20),
    (True, True, True): (0.10, 0.05, 0.60, 0.03, 0.15, 0.03, 0.04),
    (True, True, False): (0.35, 0.25, 0.03, 0.06, 0.18, 0.06, 0.07),
    (True, False, True): (0.10, 0.05, 0.05, 0.10, 0.40, 0.12, 0.18),
    (True, False, False): (0.15, 0.10, 0.00, 0.12, 0.33, 0.12, 0.18),
}
FOLLOW_UPS_MIX = {True: (0.05, 0.15, 0.80), False: (0.30, 0.40, 0.30)}  # 1, 2, 3 by completed?
STAY_SHARE = 0.4  # a follow-up repeats the previous outcome this often

_I_BEKERJA, _I_USAHA, _I_PULANG, _I_OPERASI, _I_UNKNOWN = (
    OUTCOMES.index(o) for o in (OUTCOME_EMPLOYED, OUTCOME_OWN_BUSINESS, OUTCOME_RETURNED_HOME, OUTCOME_RELAPSE, UNKNOWN))


class _Draws:
    """Uniform numbers from PCG64's raw output, turned into draws by plain arithmetic.

    The committed demo must come out byte for byte the same on every machine
    and numpy version: the raw PCG64 stream is fixed by the algorithm, while
    numpy's distribution methods may change between releases.
    """

    def __init__(self, seed: int):
        self._bits = np.random.PCG64(seed)

    def uniform(self, n: int) -> np.ndarray:
        """n floats in [0, 1)."""
        return (self._bits.random_raw(n) >> np.uint64(11)).astype(np.float64) * 2.0**-53

    def one(self) -> float:
        return float(self.uniform(1)[0])

    def integers(self, low, high, n: int) -> np.ndarray:
        """n integers from low to high inclusive (bounds may be arrays)."""
        low, high = np.asarray(low, dtype=np.int64), np.asarray(high, dtype=np.int64)
        return low + np.floor(self.uniform(n) * (high - low + 1)).astype(np.int64)

    def steps(self, low: int, high: int, step: int, n: int) -> np.ndarray:
        """n amounts from low to high in multiples of step (rupiah)."""
        return low + step * self.integers(0, (high - low) // step, n)

    def chance(self, p, n: int) -> np.ndarray:
        return self.uniform(n) < p

    def pick(self, weights, n: int) -> np.ndarray:
        """n indexes into one weight vector."""
        cum = np.cumsum(np.asarray(weights, dtype=np.float64))
        return np.minimum(np.searchsorted(cum / cum[-1], self.uniform(n), side="right"), len(cum) - 1)

    def pick_by(self, group: np.ndarray, table: np.ndarray) -> np.ndarray:
        """One index per row: row i draws from the weights ``table[group[i]]``."""
        u = self.uniform(len(group))
        out = np.zeros(len(group), dtype=np.int64)
        cum = np.cumsum(np.asarray(table, dtype=np.float64), axis=1)
        for g in np.unique(group):
            rows = group == g
            out[rows] = np.searchsorted(cum[g] / cum[g, -1], u[rows], side="right")
        return np.minimum(out, cum.shape[1] - 1)


def regencies(path: Path = REGENCIES_FILE) -> pd.DataFrame:
    """Origin regencies with approximate centroids: regency, province, lat, lon."""
    return pd.read_csv(path, dtype={"regency": "str", "province": "str", "lat": "float64", "lon": "float64"})


# --- the plan: trainings (events) and how many each village sends --------------
def _plan(draws: _Draws, last_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """events: year, program, organizer, kind; seats: event, village, size."""
    events: list[tuple[int, str, str, str]] = []
    seats: list[tuple[int, str, int]] = []
    villages = list(VILLAGE_MEAN)
    for year in range(FIRST_YEAR, last_year + 1):
        if year == PANDEMIC_YEAR:
            regency_events = [(UPT, REGENCY_PROGRAMS[int(draws.one() * 3)])]
        else:  # UPT RSBKW runs two of the three programs, Dinas Sosial one
            skip = int(draws.one() * 3)
            regency_events = [(UPT, p) for i, p in enumerate(REGENCY_PROGRAMS) if i != skip]
            regency_events.append((DINSOS, REGENCY_PROGRAMS[int(draws.one() * 3)]))
        for organizer, program in regency_events:
            event = len(events)
            events.append((year, program, organizer, "desa"))
            u = draws.uniform(len(villages))
            chosen = u < 0.65
            if chosen.sum() < 3:
                chosen = u <= np.sort(u)[2]
            for village, take in zip(villages, chosen, strict=True):
                if take:
                    mean = VILLAGE_MEAN[village] if year != PANDEMIC_YEAR else max(1, VILLAGE_MEAN[village] // 2)
                    seats.append((event, village, 1 + int(draws.one() * (2 * mean - 1))))
        if year == FIRST_YEAR or year == PANDEMIC_YEAR:
            # budget without a cohort: preparation before the first konveksi
            # class, machine upkeep while training was suspended
            events.append((year, KONVEKSI, DINKOP, "tanpa-peserta"))
        elif year >= KONVEKSI_FIRST_YEAR:
            event = len(events)
            events.append((year, KONVEKSI, DINKOP, "konveksi"))
            seats.append((event, SEMAMPIR, 22 + int(draws.one() * 7)))
    return (pd.DataFrame(events, columns=["year", "program", "organizer", "kind"]),
            pd.DataFrame(seats, columns=["event", "village", "size"]))


def _check_reference(reference: Reference) -> None:
    needed = {"site": [*VILLAGE_MEAN, SEMAMPIR], "program": [*REGENCY_PROGRAMS, KONVEKSI],
              "organizer": [DINSOS, DINKOP, UPT]}
    have = {"site": reference.villages, "program": reference.programs, "organizer": reference.organizers}
    missing = [f"{kind} {name!r}" for kind, names in needed.items() for name in names if name not in have[kind]]
    if missing:
        raise ValueError("Data demo memerlukan data acuan Kediri; tidak ada: " + ", ".join(missing))


def _strings(names, codes: np.ndarray) -> pd.Series:
    """Plain text column from integer codes into names."""
    return pd.Series(np.asarray(list(names), dtype=object)[codes], dtype="str")


def _dates(days: np.ndarray) -> pd.Series:
    return pd.Series(days.astype("datetime64[D]").astype("datetime64[ns]"))


# --- the generator -------------------------------------------------------------
def demo_tables(seed: int = DEFAULT_SEED, enrollments: int | None = None, reference: Reference | None = None,
                today: date = DEFAULT_TODAY) -> dict[TableName, pd.DataFrame]:
    """The three demo tables with contract column names (English) and plain values.

    Text columns are ``str``, whole numbers ``int64`` (``Int64`` where a value may
    be missing) and ``observed_on`` is ``datetime64[ns]``. ``enrollments=None``
    gives the Kediri-sized demo; a number scales it to about that many rows
    (more cohorts of the same trainings, each with its own budget lines).
    """
    if enrollments is not None and enrollments < 1:
        raise ValueError("Jumlah baris peserta (enrollments) harus 1 atau lebih.")
    reference = reference or load_reference()
    _check_reference(reference)
    draws = _Draws(seed)
    last_year = today.year
    if last_year < FIRST_YEAR:
        raise ValueError(f"Data demo dimulai tahun {FIRST_YEAR}; tanggal {today} terlalu awal.")
    events, seats = _plan(draws, last_year)
    n_default = int(seats["size"].sum())
    copies = 1 if enrollments is None else max(1, math.ceil(enrollments / n_default))

    # Event copies (ec), ordered by event then copy: cohort 1, 2, ... of a training.
    ec_event = np.repeat(np.arange(len(events)), copies)
    ec_year = events["year"].to_numpy()[ec_event]
    # Seat copies, in ec order then village order.
    seat_ec = (seats["event"].to_numpy()[:, None] * copies + np.arange(copies)[None, :])
    seat_village = np.repeat(seats["village"].to_numpy()[:, None], copies, axis=1)
    seat_size = np.repeat(seats["size"].to_numpy()[:, None], copies, axis=1)
    order = np.argsort(seat_ec.ravel(), kind="stable")
    sc_ec, sc_village, sc_size = seat_ec.ravel()[order], seat_village.ravel()[order], seat_size.ravel()[order]

    slot_ec = np.repeat(sc_ec, sc_size)
    slot_village_name = np.repeat(sc_village, sc_size)
    if enrollments is not None and enrollments < len(slot_ec):
        keep = np.sort(np.argpartition(draws.uniform(len(slot_ec)), enrollments - 1)[:enrollments])
        slot_ec, slot_village_name = slot_ec[keep], slot_village_name[keep]

    tables = _tables(draws, reference, events, ec_event, ec_year, slot_ec, slot_village_name, today)
    return {**tables, TARGETS: demo_targets(copies)}


def demo_targets(copies: int = 1) -> pd.DataFrame:
    """The demo's targets (``RENSTRA``), year by year, with contract column names and plain values.

    ``copies``: how many cohorts of each training the demo holds; targets of people grow alike.
    """
    rows = []
    for year in range(TARGET_YEARS[0], TARGET_YEARS[1] + 1):
        for (name, village, program), (first, step) in RENSTRA.items():
            target = first + step * (year - TARGET_YEARS[0])
            rows.append((year, label(name, "id"), village, program, target * (copies if name == "participants" else 1)))
    frame = pd.DataFrame(rows, columns=[Targets.year, Targets.indicator, Targets.village, Targets.program,
                                        Targets.target])
    return frame.assign(**{c: frame[c].replace("", pd.NA).astype("str") for c in (Targets.village, Targets.program)})


def _tables(draws: _Draws, reference: Reference, events: pd.DataFrame, ec_event: np.ndarray,
            ec_year: np.ndarray, slot_ec: np.ndarray, slot_village_name: np.ndarray,
            today: date) -> dict[TableName, pd.DataFrame]:
    """The three tables for enrollment slots (``slot_ec``: the training copy of each)."""
    villages = list(reference.villages)
    village_code = {v: i for i, v in enumerate(villages)}
    site_regencies = sorted(set(reference.sites.values()))
    site_regency_of_village = np.array([site_regencies.index(reference.sites[v]) for v in villages])
    programs, organizers = list(reference.programs), list(reference.organizers)
    ev_program = events["program"].map(programs.index).to_numpy()
    ev_organizer = events["organizer"].map(organizers.index).to_numpy()
    ev_kind = events["kind"].to_numpy()

    n = len(slot_ec)
    year = ec_year[slot_ec]
    program = ev_program[ec_event[slot_ec]]
    organizer = ev_organizer[ec_event[slot_ec]]
    village = pd.Series(slot_village_name, dtype=object).map(village_code).to_numpy(dtype=np.int64)
    site_regency = site_regency_of_village[village]

    person, first_slot = _people(draws, year, village)
    n_people = len(first_slot)
    p_site = site_regency[first_slot]
    p_year = year[first_slot]

    # Roles and origins, per person.
    role_mix = np.array([ROLE_MIX[r] for r in site_regencies])
    p_role = draws.pick_by(p_site, role_mix)
    regs = regencies()
    origin_names = [*regs["regency"], UNKNOWN]
    origin_province = [*regs["province"], UNKNOWN]
    p_origin = _origins(draws, regs, site_regencies, p_site, p_role)
    unknown = len(origin_names) - 1
    # A third of the unknown regencies still have a known province.
    p_province = np.asarray(origin_province, dtype=object)[p_origin]
    p_province[(p_origin == unknown) & draws.chance(0.3, n_people)] = "Jawa Timur"

    # Age at the first enrollment, kept at most 55 at the last one.
    last_year_of = np.full(n_people, 0, dtype=np.int64)
    np.maximum.at(last_year_of, person, year)
    # Skewed towards the young end: (u1 + min(u1, u2)) / 2 has mean 5/12.
    young = np.where(np.isin(p_role, [ROLES.index("WPS"), ROLES.index("Warga Terdampak")]), 18, 30)
    u1, u2 = draws.uniform(n_people), draws.uniform(n_people)
    base_age = young + np.floor((55 - young + 1) * (u1 + np.minimum(u1, u2)) / 2)
    base_age = np.minimum(base_age, 55 - (last_year_of - p_year)).astype(np.int64)
    age_known = ~draws.chance(0.05, n_people)

    status = np.where(year == today.year, 2, np.where(draws.chance(
        np.where(program == programs.index(KONVEKSI), 0.10, 0.15), n), 1, 0))
    statuses = (STATUS_COMPLETED, STATUS_DROPPED, STATUS_ONGOING)

    ids = _participant_ids(person, first_slot, p_site, site_regencies)
    age = pd.array(base_age[person] + (year - p_year[person]), dtype="Int64")
    age[~age_known[person]] = pd.NA
    participants = pd.DataFrame({
        Participants.participant_id: ids,
        Participants.year: year.astype(np.int64),
        Participants.program: _strings(programs, program),
        Participants.village: _strings(villages, village),
        Participants.organizer: _strings(organizers, organizer),
        Participants.role: _strings(ROLES, p_role[person]),
        Participants.origin_regency: _strings(origin_names, p_origin[person]),
        Participants.origin_province: pd.Series(p_province[person], dtype="str"),
        Participants.age: age,
        Participants.status: _strings(statuses, status),
    })[column_names(PARTICIPANTS)]

    may_return = p_origin[person] != np.array(
        [origin_names.index(r) for r in site_regencies])[site_regency]
    ec_start = _starts(draws, ec_year)
    outcomes = _outcomes(draws, participants, slot_ec, ec_start, status, program == programs.index(KONVEKSI),
                         may_return, p_role[person] == ROLES.index("Warga Terdampak"), today)
    budget = _budget(draws, reference, events, ec_event, ec_year, slot_ec, village, ev_kind)
    return {PARTICIPANTS: participants, OUTCOMES_TABLE: outcomes, BUDGET: budget}


def _people(draws: _Draws, year: np.ndarray, village: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(person of each enrollment, first enrollment of each person).

    About REPEAT_SHARE of the enrollments are a second training of someone
    from the same village trained in an earlier year (the same code, another
    program or another try), so no person enrolls twice in one year.
    """
    n = len(year)
    candidate = draws.chance(REPEAT_SHARE, n)
    pick = draws.uniform(n)
    fresh = np.flatnonzero(~candidate)
    span = int(year.max()) + 1 if n else 1
    fresh_key = village[fresh] * span + year[fresh]
    order = np.argsort(fresh_key, kind="stable")
    fresh_sorted, key_sorted = fresh[order], fresh_key[order]
    cand = np.flatnonzero(candidate)
    lo = np.searchsorted(key_sorted, village[cand] * span, side="left")
    hi = np.searchsorted(key_sorted, village[cand] * span + year[cand], side="left")
    has = hi > lo
    source = np.full(len(cand), -1, dtype=np.int64)
    source[has] = fresh_sorted[lo[has] + np.floor(pick[cand[has]] * (hi[has] - lo[has])).astype(np.int64)]
    # Each earlier enrollment is repeated at most once: the first claim wins.
    claimed = np.flatnonzero(has)
    _, first_claim = np.unique(source[claimed], return_index=True)
    repeat = np.zeros(len(cand), dtype=bool)
    repeat[claimed[first_claim]] = True

    is_new = np.ones(n, dtype=bool)
    is_new[cand[repeat]] = False
    person = np.cumsum(is_new) - 1
    person[cand[repeat]] = person[source[repeat]]
    return person, np.flatnonzero(is_new)


def _origins(draws: _Draws, regs: pd.DataFrame, site_regencies: list[str], p_site: np.ndarray,
             p_role: np.ndarray) -> np.ndarray:
    """Origin regency index per person (the last index is Tidak Diketahui)."""
    names = list(regs["regency"])
    weights = np.array([ORIGIN_WEIGHT.get(r, 1.0) for r in names] + [0.0])
    mix = np.zeros((len(site_regencies), len(ROLES), len(weights)))
    for s, site in enumerate(site_regencies):
        local = names.index(site) if site in names else None
        migrant_w = weights.copy()
        if local is not None:
            migrant_w[local] = 0.0
        migrant_w /= migrant_w.sum()
        for r, role in enumerate(ROLES):
            local_share, unknown_share = ORIGIN_MIX.get((site, role), (0.5, 0.05))
            row = migrant_w * (1 - local_share - unknown_share)
            if local is not None:
                row[local] += local_share
            row[-1] += unknown_share
            mix[s, r] = row
    return draws.pick_by(p_site * len(ROLES) + p_role, mix.reshape(-1, len(weights)))


def _participant_ids(person: np.ndarray, first_slot: np.ndarray, p_site: np.ndarray,
                     site_regencies: list[str]) -> pd.Series:
    """``KDR-0001``: a prefix per site regency and a number in order of first enrollment."""
    prefixes = np.array([ID_PREFIX.get(r, "".join(w[0] for w in r.split()).upper()) for r in site_regencies],
                        dtype=object)
    number = np.zeros(len(first_slot), dtype=np.int64)
    for s in range(len(site_regencies)):
        mine = p_site == s
        number[mine] = np.arange(1, mine.sum() + 1)
    width = max(4, len(str(int(number.max(initial=0)))))
    codes = pd.Series(prefixes[p_site], dtype="str") + "-" + pd.Series(number).astype("str").str.zfill(width)
    return pd.Series(codes.to_numpy()[person], dtype="str")


def _starts(draws: _Draws, ec_year: np.ndarray) -> np.ndarray:
    """First day of each training (datetime64[D]), February to September."""
    month = draws.integers(1, 8, len(ec_year))
    day = draws.integers(0, 27, len(ec_year))
    months = ((ec_year - 1970) * 12 + month).astype("datetime64[M]")
    return months.astype("datetime64[D]") + day


def _outcomes(draws: _Draws, participants: pd.DataFrame, slot_ec: np.ndarray, ec_start: np.ndarray,
              status: np.ndarray, konveksi: np.ndarray, may_return: np.ndarray, resident: np.ndarray,
              today: date) -> pd.DataFrame:
    """outcomes: 1-3 follow-ups of every finished or dropped enrollment, after the training."""
    n = len(status)
    completed = status == 0
    mix = np.array([FOLLOW_UPS_MIX[True], FOLLOW_UPS_MIX[False]])
    wanted = 1 + draws.pick_by(np.where(completed, 0, 1), mix)
    wanted[status == 2] = 0  # an ongoing training has nothing to follow up yet

    start = ec_start[slot_ec]
    end = start + np.where(konveksi, 90, 30)
    window_start = np.where(completed, end, start) + 30
    horizon = (365 * (2 + 3 * draws.uniform(n))).astype(np.int64)
    window_end = np.minimum(end + horizon, np.datetime64(today, "D"))
    length = np.maximum((window_end - window_start).astype(np.int64), 0)
    count = np.minimum(wanted, length)

    row_of = np.repeat(np.arange(n), count)
    first_row = np.cumsum(count) - count
    index = np.arange(len(row_of)) - first_row[row_of]
    m = len(row_of)
    # One date in each of `count` equal parts of the window: increasing, distinct.
    part = length[row_of] / count[row_of]
    offset = np.floor((index + draws.uniform(m)) * part).astype(np.int64)
    observed = window_start[row_of] + offset

    # 32 mixes: konveksi?, completed?, first?, may return home?, resident (never in sex work)?
    table = np.array([OUTCOME_MIX[(bool(k), bool(c), bool(f))] for k in (0, 1) for c in (0, 1) for f in (0, 1)
                      for _ in range(4)])
    table[[g for g in range(32) if not g & 2], _I_PULANG] = 0.0
    table[[g for g in range(32) if g & 1], _I_OPERASI] = 0.0
    group = ((konveksi[row_of] * 4 + completed[row_of] * 2 + (index == 0)) * 4
             + may_return[row_of] * 2 + resident[row_of])
    outcome = draws.pick_by(group, table)
    stay = draws.chance(STAY_SHARE, m)
    went_home_stays = draws.chance(0.7, m)
    for i in (1, 2):
        rows = np.flatnonzero(index == i)
        previous = outcome[rows - 1]
        home = previous == _I_PULANG
        outcome[rows] = np.where(home, np.where(went_home_stays[rows], _I_PULANG, _I_UNKNOWN),
                                 np.where(stay[rows], previous, outcome[rows]))

    income = _incomes(draws, outcome)
    out = pd.DataFrame({
        Outcomes.participant_id: pd.Series(participants[Participants.participant_id].to_numpy()[row_of], dtype="str"),
        Outcomes.year: participants[Participants.year].to_numpy()[row_of],
        Outcomes.program: pd.Series(participants[Participants.program].to_numpy()[row_of], dtype="str"),
        Outcomes.observed_on: _dates(observed),
        Outcomes.outcome: _strings(OUTCOMES, outcome),
        Outcomes.monthly_income_idr: income,
    })
    return out[column_names(OUTCOMES_TABLE)]


def _incomes(draws: _Draws, outcome: np.ndarray) -> pd.arrays.IntegerArray:
    """Monthly income for most Bekerja / Usaha Mandiri rows, Rp 500.000-3.000.000."""
    m = len(outcome)
    u1, u2, u3 = draws.uniform(m), draws.uniform(m), draws.uniform(m)
    employed = 800_000 + 50_000 * np.floor(32 * (u1 + u2 + u3) / 3)      # 0,8-2,4 juta
    business = 500_000 + 50_000 * np.floor(50 * (u1 + u2) / 2 + u3 / 2)  # 0,5-3,0 juta
    value = np.where(outcome == _I_BEKERJA, employed, business).astype(np.int64)
    known = np.isin(outcome, [_I_BEKERJA, _I_USAHA]) & draws.chance(0.85, m)
    income = pd.array(value, dtype="Int64")
    income[~known] = pd.NA
    return income


# --- budget ------------------------------------------------------------------
KIT = {TATA_RIAS: ("Paket alat rias untuk lulusan", 650_000, 900_000),
       TATA_BOGA: ("Paket peralatan masak untuk lulusan", 700_000, 1_100_000),
       TATA_BUSANA: ("Mesin jahit portable untuk lulusan", 1_400_000, 1_900_000)}
INTERNSHIP = {TATA_RIAS: "Praktik kerja di salon mitra", TATA_BOGA: "Praktik kerja di usaha katering mitra",
              TATA_BUSANA: "Praktik kerja di penjahit mitra"}
# Lines of years with no konveksi cohort: they stay unattributed.
NO_COHORT_LINES = {
    FIRST_YEAR: ("Lainnya", "Pendataan dan sosialisasi warga terdampak Eks Lokalisasi Semampir", 8_500_000),
    PANDEMIC_YEAR: ("Peralatan", "Perawatan mesin konveksi (pelatihan ditunda, pandemi COVID-19)", 4_250_000),
}


def _budget(draws: _Draws, reference: Reference, events: pd.DataFrame, ec_event: np.ndarray, ec_year: np.ndarray,
            slot_ec: np.ndarray, slot_village: np.ndarray, ev_kind: np.ndarray) -> pd.DataFrame:
    """budget: the lines of every training copy, in year, organizer, program order."""
    villages, programs = list(reference.villages), list(reference.programs)
    n_ec = len(ec_event)
    people = np.bincount(slot_ec, minlength=n_ec)
    kind = ev_kind[ec_event]
    program = events["program"].to_numpy()[ec_event]
    organizer = events["organizer"].to_numpy()[ec_event]
    parts: list[pd.DataFrame] = []

    def lines(ec, category, item, quantity, amount, village=None, rank=0):
        """One line per event copy in ``ec``; amount is the unit price when quantity is given."""
        ec = np.asarray(ec, dtype=np.int64)
        qty = None if quantity is None else np.broadcast_to(np.asarray(quantity, dtype=np.int64), ec.shape)
        amount = np.broadcast_to(np.asarray(amount, dtype=np.int64), ec.shape)
        allocated = amount if qty is None else amount * qty
        vill = np.broadcast_to(np.asarray(village if village is not None else "", dtype=object), ec.shape)
        parts.append(pd.DataFrame({
            "_ec": ec, "_rank": rank + np.zeros(len(ec), dtype=np.int64),
            Budget.village: vill, Budget.category: category,
            Budget.item: np.broadcast_to(np.asarray(item, dtype=object), ec.shape),
            Budget.quantity: pd.array(qty if qty is not None else [pd.NA] * len(ec), dtype="Int64"),
            Budget.allocated_idr: allocated.astype(np.int64),
        }))

    desa = np.flatnonzero((kind == "desa") & (people > 0))
    d_prog = program[desa]
    lines(desa, "Narasumber", "Honor instruktur " + pd.Series(d_prog).str.lower().to_numpy(dtype=object),
          draws.integers(12, 24, len(desa)), draws.steps(250_000, 450_000, 25_000, len(desa)), rank=1)
    lines(desa, "Bahan", "Bahan praktik " + pd.Series(d_prog).str.lower().to_numpy(dtype=object),
          people[desa], draws.steps(200_000, 450_000, 25_000, len(desa)), rank=2)
    kit = desa[draws.chance(0.7, len(desa))]
    kit_lo = np.array([KIT[p][1] for p in program[kit]], dtype=np.int64)
    kit_hi = np.array([KIT[p][2] for p in program[kit]], dtype=np.int64)
    lines(kit, "Peralatan", np.array([KIT[p][0] for p in program[kit]], dtype=object),
          people[kit], kit_lo + 50_000 * draws.integers(0, (kit_hi - kit_lo) // 50_000, len(kit)), rank=3)
    lines(desa, "Konsumsi dan Uang Saku", "Konsumsi dan uang saku peserta",
          people[desa], draws.steps(400_000, 900_000, 50_000, len(desa)), rank=4)
    practice = desa[draws.chance(0.35, len(desa))]
    lines(practice, "Magang", np.array([INTERNSHIP[p] for p in program[practice]], dtype=object),
          people[practice], draws.steps(150_000, 300_000, 25_000, len(practice)), rank=5)
    lines(desa, "Lainnya", "ATK, sertifikat dan dokumentasi", None,
          draws.steps(1_500_000, 4_000_000, 250_000, len(desa)), rank=6)

    # Per village: transport to the training, and Dinas Sosial's meetings with the village heads.
    pair, per_village = np.unique(slot_ec * len(villages) + slot_village, return_counts=True)
    pv_ec, pv_village = pair // len(villages), pair % len(villages)
    on_desa = kind[pv_ec] == "desa"
    pv_ec, pv_village, per_village = pv_ec[on_desa], pv_village[on_desa], per_village[on_desa]
    names = np.asarray(villages, dtype=object)[pv_village]
    lines(pv_ec, "Transportasi", "Transport peserta Desa " + names, per_village,
          draws.steps(100_000, 200_000, 25_000, len(pv_ec)), village=names, rank=7)
    dinsos = organizer[pv_ec] == DINSOS
    lines(pv_ec[dinsos], "Lainnya", "Koordinasi dengan kepala desa dan pemilik wisma " + names[dinsos], None,
          draws.steps(500_000, 1_000_000, 50_000, int(dinsos.sum())), village=names[dinsos], rank=8)

    # Konveksi: the Rp 125 juta package in its first year, running costs after.
    first = np.flatnonzero((kind == "konveksi") & (ec_year == KONVEKSI_FIRST_YEAR))
    package = [*MACHINES, *TABLES_FURNITURE]
    spent = sum(q * p for _, q, p in package)
    for rank, (item, qty, price) in enumerate(package, start=10):
        lines(first, "Peralatan", item, qty, price, village=SEMAMPIR, rank=rank)
    lines(first, "Bahan", RAW_MATERIALS, None, KONVEKSI_PACKAGE_IDR - spent, village=SEMAMPIR, rank=30)
    later = np.flatnonzero((kind == "konveksi") & (ec_year > KONVEKSI_FIRST_YEAR) & (people > 0))
    k = len(later)
    lines(later, "Narasumber", "Honor konsultan pendamping", 3, draws.steps(3_000_000, 4_500_000, 250_000, k), rank=31)
    lines(later, "Narasumber", "Honor instruktur SMK 3 dan praktisi konveksi", draws.integers(30, 48, k),
          draws.steps(250_000, 350_000, 25_000, k), rank=32)
    lines(later, "Bahan", "Bahan baku kain, benang dan aksesori", people[later],
          draws.steps(500_000, 900_000, 50_000, k), village=SEMAMPIR, rank=33)
    lines(later, "Konsumsi dan Uang Saku", "Konsumsi dan uang saku peserta (3 bulan)", people[later],
          draws.steps(600_000, 1_200_000, 50_000, k), village=SEMAMPIR, rank=34)
    lines(later, "Magang", "Magang di Sentra Konveksi Tulungagung", people[later],
          draws.steps(600_000, 1_000_000, 50_000, k), village=SEMAMPIR, rank=35)
    lines(later, "Peralatan", "Servis dan suku cadang mesin konveksi", None,
          draws.steps(2_000_000, 5_000_000, 250_000, k), rank=36)
    lines(later, "Lainnya", "ATK, sertifikat dan dokumentasi", None,
          draws.steps(1_000_000, 2_500_000, 250_000, k), rank=37)
    for year, (category, item, amount) in NO_COHORT_LINES.items():
        lines(np.flatnonzero((kind == "tanpa-peserta") & (ec_year == year)), category, item, None, amount, rank=40)

    frame = pd.concat(parts, ignore_index=True).sort_values(["_ec", "_rank"], kind="stable", ignore_index=True)
    ec = frame["_ec"].to_numpy()
    allocated = frame[Budget.allocated_idr].to_numpy()
    # Realisation in per mille: mostly 80-100 %, a few well under, purchases in full.
    m = len(frame)
    u = draws.uniform(m)
    permille = np.where(u < 0.30, 1000, np.where(u < 0.35, 500 + np.floor(draws.uniform(m) * 300),
                                                 800 + np.floor(draws.uniform(m) * 201))).astype(np.int64)
    permille[(frame["_rank"].to_numpy() >= 10) & (frame["_rank"].to_numpy() < 30)] = 1000
    realized = allocated * permille // 1_000_000 * 1000
    # Exactly one line realised above its allocation: the first Tulungagung
    # internship ran over (a longer stay than planned).
    over = np.flatnonzero(frame[Budget.item].to_numpy() == "Magang di Sentra Konveksi Tulungagung")
    if len(over):
        realized[over[0]] = allocated[over[0]] + allocated[over[0]] * 6 // 100_000 * 1000
    out = pd.DataFrame({
        Budget.year: ec_year[ec].astype(np.int64),
        Budget.program: pd.Series(program[ec], dtype="str"),
        Budget.organizer: pd.Series(organizer[ec], dtype="str"),
        Budget.village: pd.Series(frame[Budget.village].to_numpy(), dtype="str").replace("", pd.NA),
        Budget.category: pd.Series(frame[Budget.category].to_numpy(), dtype="str"),
        Budget.item: pd.Series(frame[Budget.item].to_numpy(), dtype="str"),
        Budget.quantity: frame[Budget.quantity].array,
        Budget.allocated_idr: allocated.astype(np.int64),
        Budget.realized_idr: realized.astype(np.int64),
        Budget.funding_source: _strings(FUNDING.values(), pd.Index(list(FUNDING)).get_indexer(organizer)[ec]),
    })
    return out[column_names(BUDGET)]


# --- files -------------------------------------------------------------------
def write_demo(folder: Path, tables: Mapping[TableName, pd.DataFrame]) -> None:
    """Write the tables as ``participants.csv`` etc. (``targets.csv`` when given): UTF-8, comma, ISO dates."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in (t for t in ALL_TABLES if t in tables):
        frame = tables[name]
        dates = {c: np.datetime_as_string(frame[c].to_numpy().astype("datetime64[D]"))
                 for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])}
        frame.assign(**dates).to_csv(folder / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")


def main(argv: list[str] | None = None) -> None:
    """Write the demo data again (``--lang id|en`` for the help and the message)."""
    from lib.texts import add_language_option, command_language, command_parser, text  # only the command line speaks

    lang = command_language(argv)
    parser = command_parser(lang, prog="python -m lib.demo", description=text("demo_cli", lang))
    add_language_option(parser, lang)
    parser.add_argument("--out", type=Path, default=DEMO_DIR, help=text("demo_cli_out", lang, folder=DEMO_DIR))
    parser.add_argument("--enrollments", type=int, default=None, help=text("demo_cli_enrollments", lang))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=text("demo_cli_seed", lang, seed=DEFAULT_SEED))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    tables = demo_tables(seed=args.seed, enrollments=args.enrollments)
    made = time.perf_counter()
    write_demo(args.out, tables)
    done = time.perf_counter()
    sizes = ", ".join(f"{name}: {len(tables[name]):,}" for name in ALL_TABLES)
    print(text("demo_cli_done", args.lang, folder=args.out, sizes=sizes, made=f"{made - began:.1f}",
               written=f"{done - made:.1f}"))


if __name__ == "__main__":
    main()
