"""docs/performance.md, written from the benchmark's figures (``bench.__main__.run``)."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import textwrap
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.deployed import DEFAULT_LEVELS as DEPLOYED_LEVELS
from bench.load import IDLE_S

# The requirement, at the largest size.
TARGET_RATIO = 2.0
TARGET_RERUN_S = 0.5
TARGET_CHART_S = 1.5
TARGET_COLD_S = 10.0
TARGET_MEMORY_MB = 3 * 1024
# Many users at once (the load stage): p95 from a filter change to the finished rerun, per number of users;
# server CPU per filter change; a soak's memory at its end within this share of its memory early on.
TARGET_LOAD_P95_S = {50: 1.0, 100: 2.0}
TARGET_CPU_PER_CHANGE_MS = 30.0
SOAK_TOLERANCE = 0.10
# The load section is delimited so that ``python -m bench --only load`` can rewrite it alone.
LOAD_BEGIN, LOAD_END = "<!-- bench:load -->", "<!-- /bench:load -->"
# Streamlit settings of .streamlit/config.toml that change the load figures (named in the load section).
SPEED_SETTINGS = ("runner.postScriptGC", "runner.fastReruns", "server.fileWatcherType", "server.runOnSave")

PAGE_NAMES = {
    "ringkasan.py": "Ringkasan",
    "desa.py": "Desa",
    "program.py": "Program",
    "daerah_asal.py": "Daerah Asal",
    "anggaran.py": "Anggaran",
    "hasil.py": "Hasil",
}
SCENARIOS = {"default": "semua data", "village": "satu desa (Pare)"}
DASH = "—"


# --- formatting -------------------------------------------------------------------
def _n(size: int | str) -> str:
    return f"{int(size):,}".replace(",", ".")


def _label(size: int | str) -> str:
    size = int(size)
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000} jt"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000} rb"
    return _n(size)


def _s(value: float | None, digits: int = 2) -> str:
    return DASH if value is None else f"{value:.{digits}f} s"


def _ms(value: float | None) -> str:
    return DASH if value is None else f"{value * 1000:.0f} ms"


def _mb(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f} MB".replace(",", ".")


def _x(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}×"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _get(figures: dict, *path, default=None):
    for key in path:
        if not isinstance(figures, dict) or key not in figures:
            return default
        figures = figures[key]
    return figures


# --- the machine ------------------------------------------------------------------
def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    return "?"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _chromium() -> str:
    try:
        done = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30)
        return done.stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> list[str]:
    packages = ", ".join(f"{p} {_version(p)}" for p in ("pandas", "numpy", "pyarrow", "duckdb", "streamlit",
                                                         "plotly", "playwright"))
    return [
        f"- CPU: {_cpu()}, {os.cpu_count()} core; memory {_memory_gb()}",
        f"- {platform.platform()}, Python {platform.python_version()}",
        f"- {packages}",
        f"- {_chromium()}",
    ]


# --- the figures ----------------------------------------------------------------------
def _pages(figures: dict) -> dict[tuple[str, str], dict]:
    return {(p["page"], p["scenario"]): p for p in _get(figures, "compute", "pages", default=[])}


def _rerun(figures: dict, page: str) -> float | None:
    return _get(figures, "apptest", "pages", page, "median_s")


def _chart(figures: dict, page: str, what: str = "chart_s") -> float | None:
    values = _get(figures, "browser", "pages", page, what)
    return statistics.median(values) if values else None


def _sum_pages(figures: dict, scenario: str, key: str) -> float | None:
    pages = [p for (_, s), p in _pages(figures).items() if s == scenario]
    return sum(p[key] for p in pages) if pages else None


def _worst(values: dict[str, float | None]) -> tuple[str | None, float | None]:
    known = {k: v for k, v in values.items() if v is not None}
    if not known:
        return None, None
    page = max(known, key=known.get)
    return page, known[page]


def _verdict(ok: bool | None) -> str:
    return DASH if ok is None else ("**terpenuhi**" if ok else "**belum terpenuhi**")


def targets(size: str, figures: dict) -> tuple[list[str], dict[str, bool | None]]:
    pages = _pages(figures)
    ratios = {PAGE_NAMES.get(p, p): v["ratio"] for (p, s), v in pages.items() if s == "village"}
    defaults = {PAGE_NAMES.get(p, p): v["ratio"] for (p, s), v in pages.items() if s == "default"}
    reruns = {PAGE_NAMES.get(p, p): _rerun(figures, p) for p in PAGE_NAMES}
    charts = {PAGE_NAMES.get(p, p): _chart(figures, p) for p in PAGE_NAMES}
    store = _get(figures, "compute", "cold_store", "total_s")
    csv = _get(figures, "cold_csv", "total_s")
    memories = {
        "server dasbor": _get(figures, "browser", "server_peak_mb"),
        "proses AppTest": _get(figures, "apptest", "peak_mb"),
        "proses lib": _get(figures, "compute", "lib_peak_mb"),
    }
    worst_ratio = _worst(ratios)
    worst_default = _worst(defaults)
    worst_rerun = _worst(reruns)
    worst_chart = _worst(charts)
    worst_memory = _worst(memories)
    met = {
        "ratio": None if worst_ratio[1] is None else worst_ratio[1] <= TARGET_RATIO,
        "rerun": None if worst_rerun[1] is None else worst_rerun[1] < TARGET_RERUN_S,
        "chart": None if worst_chart[1] is None else worst_chart[1] < TARGET_CHART_S,
        "cold": None if store is None else store < TARGET_COLD_S,
        "memory": None if worst_memory[1] is None else worst_memory[1] < TARGET_MEMORY_MB,
    }
    rows = [
        [f"perhitungan halaman setelah filter berubah ≤ {TARGET_RATIO:g}× DuckDB",
         DASH if worst_ratio[1] is None else f"terburuk {_x(worst_ratio[1])} ({worst_ratio[0]}); "
         f"tanpa filter terburuk {_x(worst_default[1])} ({worst_default[0]})", _verdict(met["ratio"])],
        [f"rerun halaman (AppTest) < {TARGET_RERUN_S:g} s",
         DASH if worst_rerun[1] is None else f"terburuk {_s(worst_rerun[1])} ({worst_rerun[0]})",
         _verdict(met["rerun"])],
        [f"grafik diperbarui di peramban < {TARGET_CHART_S:g} s setelah klik",
         DASH if worst_chart[1] is None else f"terburuk {_s(worst_chart[1])} ({worst_chart[0]})",
         _verdict(met["chart"])],
        [f"cold start < {TARGET_COLD_S:g} s",
         f"versi impor (Parquet): {_s(store, 1)}; folder CSV: {_s(csv, 1)}", _verdict(met["cold"])],
        [f"memori puncak < {TARGET_MEMORY_MB / 1024:g} GB",
         "; ".join(f"{k} {_mb(v)}" for k, v in memories.items()), _verdict(met["memory"])],
    ]
    return _table(["target", f"diukur pada {_n(size)} pendaftaran", "status"], rows), met


TARGET_WORDS = {
    "ratio": f"page computation after a filter change within {TARGET_RATIO:g}x DuckDB",
    "rerun": f"page rerun under {TARGET_RERUN_S:g} s",
    "chart": f"updated chart in the browser under {TARGET_CHART_S:g} s",
    "cold": f"cold start under {TARGET_COLD_S:g} s",
    "memory": f"peak memory under {TARGET_MEMORY_MB / 1024:g} GB",
}


def english_summary(met: dict, size: str | None, linear: bool | None) -> list[str]:
    if size is None:
        return []
    done = [TARGET_WORDS[k] for k, v in met.items() if v]
    missed = [TARGET_WORDS[k] for k, v in met.items() if v is False]
    growth = "" if linear is None else (" Growth from the smallest to the largest size is no worse than linear."
                                        if linear else " Some figure grows worse than linear.")
    return [f"*At {_n(size)} enrollments — met: {', '.join(done) or 'none'}; not met: "
            f"{', '.join(missed) or 'none'}.{growth}*", ""]


def duckdb_line(results: dict) -> list[str]:
    parts = []
    for size, figures in results["sizes"].items():
        load = _get(figures, "compute", "duckdb_load_s")
        if load is not None:
            parts.append(f"{_label(size)} {_s(load)}")
    threads = next((_get(f, "compute", "duckdb_threads") for f in results["sizes"].values()
                    if _get(f, "compute", "duckdb_threads") is not None), None)
    if not parts:
        return []
    return [f"Memuat frame yang sudah disiapkan ke tabel DuckDB (tidak dihitung dalam rasio): {'; '.join(parts)}. "
            f"Thread DuckDB: {threads}.", ""]


def data_table(results: dict) -> list[str]:
    rows = []
    for size, figures in results["sizes"].items():
        d = figures["data"]
        rows.append([_n(size), _n(d["enrollments"]), _n(d["outcomes"]),
                     f"{d['outcomes'] / max(d['enrollments'], 1):.2f}", _n(d["budget_lines"]),
                     _n(cells) if (cells := _get(figures, "compute", "budget_cells")) is not None else DASH,
                     _mb(d["csv_mb"]), _mb(d["store_mb"]), _s(d["generate_s"], 1)])
    return _table(["ukuran", "pendaftaran", "pemantauan", "pemantauan per pendaftaran", "baris anggaran",
                   "sel anggaran (disiapkan)", "CSV", "Parquet", "dibuat dalam"], rows)


def cold_table(results: dict) -> list[str]:
    rows = []
    for size, figures in results["sizes"].items():
        csv, store = figures.get("cold_csv", {}), _get(figures, "compute", "cold_store", default={})
        rows.append([_n(size),
                     _s(csv.get("load_s"), 2), _s(csv.get("prepare_s"), 2), _s(csv.get("total_s"), 2),
                     _s(store.get("load_s"), 2), _s(store.get("prepare_s"), 2), _s(store.get("total_s"), 2)])
    return _table(["ukuran", "CSV: baca + periksa", "CSV: siapkan", "CSV: total",
                   "versi impor: baca", "versi impor: siapkan", "versi impor: total"], rows)


def pages_table(results: dict) -> list[str]:
    sizes = list(results["sizes"])
    header = ["halaman", "filter", "tabel"]
    for size in sizes:
        header += [f"lib {_label(size)}", f"DuckDB {_label(size)}", f"rasio {_label(size)}"]
    rows = []
    for page, name in PAGE_NAMES.items():
        for scenario, words in SCENARIOS.items():
            row = [name, words]
            tables = None
            for size in sizes:
                p = _pages(results["sizes"][size]).get((page, scenario))
                if p is None:
                    row += [DASH, DASH, DASH]
                    continue
                tables = p["tables"]
                same = "" if p["same"] else " (beda!)"
                row += [_ms(p["lib_median_s"]), _ms(p["duck_median_s"]), _x(p["ratio"]) + same]
            rows.append(row[:2] + [str(tables or DASH)] + row[2:])
    return _table(header, rows)


def suppression_table(results: dict) -> list[str]:
    sizes = list(results["sizes"])
    rows = []
    for page, name in PAGE_NAMES.items():
        row = [name]
        for size in sizes:
            p = _pages(results["sizes"][size]).get((page, "village"))
            row.append(DASH if p is None else _ms(statistics.median(p["suppress_s"])))
        rows.append(row)
    return _table(["halaman (satu desa)", *(f"{_label(s)}" for s in sizes)], rows)


def ui_table(results: dict) -> list[str]:
    sizes = list(results["sizes"])
    header = ["halaman", *(f"AppTest {_label(s)}" for s in sizes), *(f"grafik {_label(s)}" for s in sizes),
              *(f"halaman selesai {_label(s)}" for s in sizes)]
    rows = []
    for page, name in PAGE_NAMES.items():
        figures = [results["sizes"][s] for s in sizes]
        rows.append([name, *(_s(_rerun(f, page)) for f in figures), *(_s(_chart(f, page)) for f in figures),
                     *(_s(_chart(f, page, "page_s")) for f in figures)])
    firsts = [results["sizes"][s] for s in sizes]
    rows.append(["(pertama kali: masuk, memuat dan menyiapkan data, Ringkasan)",
                 *(_s(_get(f, "apptest", "first_run_s")) for f in firsts),
                 *(_s(_get(f, "browser", "first_load_s")) for f in firsts), *(DASH for _ in firsts)])
    return _table(header, rows)


def relogin_line(results: dict) -> list[str]:
    counts = {size: _get(figures, "browser", "relogins") for size, figures in results["sizes"].items()}
    if not any(counts.values()):
        return []
    listed = "; ".join(f"{_label(size)}: {n}" for size, n in counts.items() if n)
    return [f"Sesi peramban yang berakhir di tengah pengukuran (formulir masuk tampil lagi) dan diukur ulang "
            f"setelah masuk kembali, dengan desa yang belum dipakai: {listed}.", ""]


def memory_table(results: dict) -> list[str]:
    rows = []
    for size, figures in results["sizes"].items():
        rows.append([_n(size), _mb(_get(figures, "cold_csv", "peak_mb")), _mb(_get(figures, "compute", "lib_peak_mb")),
                     _mb(_get(figures, "compute", "peak_with_duckdb_mb")), _mb(_get(figures, "apptest", "peak_mb")),
                     _mb(_get(figures, "browser", "server_peak_mb"))])
    return _table(["ukuran", "cold start CSV", "lib: versi impor + semua halaman", "lib + DuckDB", "AppTest",
                   "server dasbor (peramban)"], rows)


def growth(results: dict) -> tuple[list[str], bool | None]:
    sizes = list(results["sizes"])
    if len(sizes) < 2:
        return ["Hanya satu ukuran diukur: pertumbuhan tidak dapat dihitung.", ""], None
    first, last = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
    factor = int(sizes[-1]) / int(sizes[0])

    def median_of(f, getter):
        values = [v for v in (getter(f, p) for p in PAGE_NAMES) if v is not None]
        return statistics.median(values) if values else None

    metrics = [
        ("cold start, versi impor", lambda f: _get(f, "compute", "cold_store", "total_s"), _s),
        ("cold start, folder CSV", lambda f: _get(f, "cold_csv", "total_s"), _s),
        ("semua halaman, tanpa filter (lib)", lambda f: _sum_pages(f, "default", "lib_median_s"), _ms),
        ("semua halaman, satu desa (lib)", lambda f: _sum_pages(f, "village", "lib_median_s"), _ms),
        ("semua halaman, tanpa filter (DuckDB)", lambda f: _sum_pages(f, "default", "duck_median_s"), _ms),
        ("semua halaman, satu desa (DuckDB)", lambda f: _sum_pages(f, "village", "duck_median_s"), _ms),
        ("rerun AppTest (median halaman)", lambda f: median_of(f, _rerun), _s),
        ("grafik di peramban (median halaman)", lambda f: median_of(f, _chart), _s),
        ("memori puncak, lib", lambda f: _get(f, "compute", "lib_peak_mb"), _mb),
        ("memori puncak, server dasbor", lambda f: _get(f, "browser", "server_peak_mb"), _mb),
    ]
    rows, linear = [], True
    for name, getter, fmt in metrics:
        values = [getter(results["sizes"][s]) for s in sizes]
        a, b = getter(first), getter(last)
        ratio = b / a if a and b is not None else None
        if ratio is not None and ratio > factor:
            linear = False
        rows.append([name, *(fmt(v) for v in values), _x(ratio) if ratio is not None else DASH])
    header = ["ukuran", *(_label(s) for s in sizes), f"{_label(sizes[-1])} ÷ {_label(sizes[0])} (data ×{factor:g})"]
    return _table(header, rows), linear


# --- the document ------------------------------------------------------------------------
def how_to_run() -> list[str]:
    """The report's "how to run" section: example commands, then every option of ``python -m bench``."""
    return [
        "## Cara menjalankan / How to run",
        "",
        "```bash",
        ".venv/bin/python -m bench                       # 10 rb, 100 rb, 1 jt (kira-kira 10-20 menit)",
        ".venv/bin/python -m bench --sizes 10000,100000  # ukuran lain",
        ".venv/bin/python -m bench --skip browser,apptest --runs 3",
        ".venv/bin/python -m bench --only load --users 1,10,25 --soak 5  # hanya pengguna tiruan",
        "```",
        "",
        "Pilihan: `--sizes` (jumlah pendaftaran, dipisah koma), `--runs` (ulangan per perhitungan",
        "halaman, median dilaporkan; bawaan 5), `--ui-runs` (perubahan filter per halaman lewat",
        "AppTest dan peramban; bawaan 3), `--skip` (tahap yang dilewati: `cold-csv`, `compute`,",
        "`apptest`, `browser`, `load`, `first-visit`, `deployed`), `--only` (`load`, `first-visit` atau",
        "`deployed`: tahap itu saja, dan hanya bagiannya di laporan yang ditulis ulang), `--out` (berkas",
        "laporan; bawaan `docs/performance.md`), `--json` (semua angka sebagai JSON), `--workdir` dan",
        "`--keep` (folder data yang dibuat; bawaan folder sementara yang dihapus sesudahnya). Tahap",
        "`load` (pengguna tiruan, pada `--load-size`, bawaan 100 ribu): `--users` (tingkat, bawaan",
        "1,10,25,50,100), `--window` dan `--ramp` (detik), `--idle` (detik CPU diam tiap server baru",
        f"diukur sebelum pengguna datang, bawaan {IDLE_S:g}), `--soak` dan `--soak-reference` (menit, bawaan",
        "30 dan 5; 0 tanpa uji ketahanan), `--server-option NAMA=NILAI` (pengaturan Streamlit server),",
        "`--target` (dasbor yang sudah berjalan, mis. `https://host:8443/dasbor`, dengan `--pids` untuk",
        "CPU dan memorinya dan `--insecure`). Tahap `deployed` (dua proses di belakang nginx):",
        f"`--deployed-users` (tingkat, bawaan {','.join(map(str, DEPLOYED_LEVELS))}).",
        "Benchmark bukan bagian dari rangkaian uji;",
        "`tests/test_bench.py` hanya menjalankannya sekali pada 2.000 pendaftaran.",
        "",
    ]


def document(results: dict) -> str:
    sizes = list(results["sizes"])
    largest = sizes[-1] if sizes else None
    target_rows, met = targets(largest, results["sizes"][largest]) if largest else ([], {})
    growth_rows, linear = growth(results)
    opts = results["options"]
    load_before = ", ".join(f"{v:.1f}" for v in results["load_before"])
    load_after = ", ".join(f"{v:.1f}" for v in results["load_after"])
    lines = [
        "# Kinerja pada skala nasional / Performance at national scale",
        "",
        "Kediri punya ratusan peserta; provinsi atau kementerian yang menggabungkan data semua",
        "kabupaten punya ratusan ribu, masing-masing dipantau beberapa kali. Dokumen ini mengukur",
        "dasbor pada 10 ribu, 100 ribu dan 1 juta pendaftaran, dan **ditulis ulang seluruhnya oleh",
        "`python -m bench`**: setiap angka di bawah berasal dari satu kali jalan pada mesin yang",
        "disebutkan.",
        "",
        "*The benchmark regenerates this whole file: every figure below comes from one run on the",
        "machine listed.*",
        "",
        *how_to_run(),
        "## Mesin dan jalannya / Machine and run",
        "",
        f"- Tanggal: {results['started']}; lama seluruh benchmark {results['duration_s'] / 60:.1f} menit",
        *machine(),
        f"- Beban mesin (load average 1/5/15 menit) di awal: {load_before}; di akhir: {load_after}. "
        "Mesin dipakai bersama proses lain; dengan 2 core, beban di atas 2 berarti setiap angka",
        "  waktu di bawah ikut memuat antrean CPU itu.",
        f"- Ulangan: {opts['runs']} per perhitungan halaman (median), {opts['ui_runs']} perubahan filter per "
        f"halaman lewat AppTest dan peramban (median). Dilewati: {', '.join(opts['skip']) or 'tidak ada'}.",
        "",
        "## Target pada ukuran terbesar / Targets at the largest size",
        "",
        *target_rows,
        *english_summary(met, largest, linear),
        "Pertumbuhan dari ukuran terkecil ke terbesar: "
        + (DASH if linear is None else ("**tidak lebih buruk dari linear** untuk setiap angka (lihat tabel "
                                        "pertumbuhan)." if linear else
                                        "**lebih buruk dari linear** untuk sedikitnya satu angka (lihat tabel "
                                        "pertumbuhan).")),
        "",
        *explanation(met, results),
        "## Data",
        "",
        "Dibuat oleh generator demo (`lib.demo.demo_tables(seed, enrollments=N)`), sama bentuknya",
        "dengan data demo Kediri: sepuluh desa, empat program, tiga penyelenggara, tahun 2015-2025,",
        "dengan anggaran yang ikut membesar. Pendaftaran yang masih berjalan belum punya pemantauan",
        "dan yang tidak selesai lebih jarang dipantau, sehingga rata-ratanya di bawah tiga. Data",
        "ditulis ke folder sementara sebagai CSV (`demo/`) dan sebagai versi impor di penyimpanan",
        "Parquet (`store/`), dengan satu akun admin: dasbor membaca versi impor, seperti di",
        "lapangan. Pada ukuran besar generator kadang memberi dua pemantauan satu pendaftaran pada",
        "hari yang sama, yang ditolak pemeriksa data; benchmark membuang yang kedua (jumlahnya",
        "dicatat di JSON, `repeated_follow_ups_dropped`).",
        "",
        *data_table(results),
        "## Cold start",
        "",
        "Proses Python baru untuk setiap jalur (impor modul tidak dihitung). *Versi impor*:",
        "`lib.store.current_dataset` (Parquet, sidik sha256 diperiksa) lalu `lib.prepare.prepared`,",
        "jalur yang dipakai dasbor untuk data yang diimpor. *Folder CSV*: `lib.loading.load_folder`",
        "(membaca dan memeriksa setiap baris dengan semua aturan kontrak data) lalu `prepared`, jalur",
        "mode demo. Berkas dibaca dari cache halaman sistem operasi (baru saja ditulis).",
        "",
        *cold_table(results),
        "## Perhitungan halaman: lib dibanding DuckDB / Page computation: lib vs DuckDB",
        "",
        "Untuk setiap halaman analisis, panggilan lib yang dibuat halaman itu direkam dari halaman",
        "sungguhan (AppTest, 2.000 pendaftaran, pembungkus di `pages.common._published`) dan",
        "diulang di luar Streamlit tanpa cache, seperti `pages.common` menghitungnya: `filtered`",
        "sekali per (pilihan, tabel data yang dibaca: peserta dan/atau anggaran, menurut",
        "`indicators.TABLE_READS`), `indicator_table` sekali per (tabel, rincian), lalu kolom ukuran dan",
        "`privacy.publishable` per gambar. Kolom *lib* adalah median waktu itu. *DuckDB* menjawab",
        "rincian yang sama (tabel, rincian, filter) dengan satu kueri SQL per rincian atas tabel",
        "DuckDB asli berisi peserta dan anggaran yang sudah disiapkan lib (kolom turunan: hasil",
        "terakhir, asal, pembagian anggaran, anggaran per sel), hasilnya diambil sebagai frame pandas; DuckDB memakai",
        "semua core mesin, lib satu. Setiap jawaban DuckDB dibandingkan dengan jawaban lib (jumlah",
        "persis, uang dan rasio sampai 1e-9): \"(beda!)\" akan muncul bila tidak sama. *Rasio* = lib ÷",
        "DuckDB. Filter \"satu desa\" adalah perubahan filter; \"semua data\" adalah buka pertama,",
        "yang kemudian disimpan di cache server untuk semua pengguna.",
        "",
        *pages_table(results),
        *duckdb_line(results),
        "Bagian lib yang dipakai penyembunyian angka kecil (`privacy.publishable`, tidak ada",
        "padanannya di DuckDB), median, filter satu desa:",
        "",
        *suppression_table(results),
        "## Rerun halaman dan peramban / Page rerun and browser",
        "",
        "*AppTest*: `streamlit.testing.v1.AppTest` menjalankan `dashboard.py` sebagai admin yang sudah",
        "masuk; per halaman, satu desa dipilih di filter lalu seluruh halaman dijalankan ulang",
        "(median). Sebelum setiap rerun, cache yang berkunci filter dikosongkan (`_selected_table`,",
        "`_raw_table`, `_published`), sehingga rerun menghitung pilihan itu dari data yang sudah",
        "disiapkan, seperti pengguna pertama yang memilihnya; data yang dimuat tetap di cache seperti",
        "di server yang berjalan. *Peramban*: `streamlit run dashboard.py` dengan Chromium Debian lewat",
        "Playwright; di setiap halaman satu desa lagi ditambahkan ke filter (diketik, dipilih dengan",
        "Enter), pilihan yang belum pernah dilihat server. *Grafik* = dari tombol Enter sampai grafik",
        "pertama halaman memuat angka baru; *halaman selesai* = sampai seluruh halaman selesai dijalankan",
        "tanpa elemen yang masih abu-abu. Waktu diambil di dalam halaman (`performance.now()`).",
        "",
        *ui_table(results),
        *relogin_line(results),
        *load_section(results.get("load"), results["options"].get("load_size")),
        "## Memori puncak / Peak memory",
        "",
        "Resident set size tertinggi setiap proses (`ru_maxrss`, atau `VmHWM` untuk server dasbor),",
        "setiap tahap dalam prosesnya sendiri.",
        "",
        *memory_table(results),
        "## Pertumbuhan / Growth",
        "",
        *growth_rows,
        "Waktu halaman pada ukuran kecil didominasi biaya tetap (membuat tabel kecil, menggambar),",
        "sehingga kelipatannya jauh di bawah kelipatan data; yang menentukan adalah biaya per baris",
        "yang tidak naik.",
        "",
        *changes(),
    ]
    return "\n".join(lines).rstrip() + "\n"


# --- many users at once ------------------------------------------------------------------------
def _percent(value: float | None) -> str:
    return DASH if value is None else f"{value:.0f}%"


def _rate(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def _minutes(seconds: float) -> str:
    return f"{round(seconds / 60, 1):g}"


def _kb(value: float | None) -> str:
    return DASH if value is None else f"{value / 1024:,.0f} KB".replace(",", ".")


LOAD_WORDS = {"p95_50": f"p95 under {TARGET_LOAD_P95_S[50]:g} s at 50 users",
              "p95_100": f"p95 under {TARGET_LOAD_P95_S[100]:g} s at 100 users",
              "cpu": f"server CPU per filter change under {TARGET_CPU_PER_CHANGE_MS:g} ms (without its idle CPU)",
              "soak": "memory bounded during the soak"}


def change_cpu_ms(level: dict) -> float | None:
    """A level's server CPU per filter change: without the server's idle CPU when the run measured it."""
    net = level.get("cpu_per_change_net_ms")
    return net if net is not None else level.get("cpu_per_change_ms")


def _idle_cell(level: dict) -> str:
    idle = level.get("idle_cpu_ms_per_s")
    return DASH if idle is None else f"{idle:.1f} ms/s"


def _cpu_cell(level: dict) -> str:
    gross, net = level.get("cpu_per_change_ms"), level.get("cpu_per_change_net_ms")
    if gross is None:
        return DASH
    return f"{gross:.0f} ms" if net is None else f"{gross:.0f} / {net:.0f} ms"


def load_targets(load: dict) -> tuple[list[str], dict[str, bool | None]]:
    """The load targets judged from the levels measured (a level not measured is not judged)."""
    levels = {level["users"]: level for level in load.get("levels", [])}
    rows, met = [], {}
    for users, limit in TARGET_LOAD_P95_S.items():
        level = levels.get(users)
        p95 = None if level is None else level["p95_s"]
        failed = level is not None and (level["timeouts"] or level["errors"] or p95 is None)
        met[f"p95_{users}"] = None if level is None else (not failed and p95 < limit)
        shown = DASH if level is None else (
            f"{_s(p95)} ({level['timeouts']} time-out, {level['errors']} galat)" if failed else _s(p95))
        rows.append([f"{users} pengguna: p95 dari perubahan filter sampai rerun selesai < {limit:g} s", shown,
                     _verdict(met[f"p95_{users}"])])
    cpus = {u: cpu for u, lv in levels.items() if (cpu := change_cpu_ms(lv)) is not None}
    net = any(lv.get("cpu_per_change_net_ms") is not None for lv in levels.values())
    worst = max(cpus.items(), key=lambda item: item[1]) if cpus else None
    met["cpu"] = None if worst is None else worst[1] < TARGET_CPU_PER_CHANGE_MS
    rows.append([f"CPU server per perubahan filter < {TARGET_CPU_PER_CHANGE_MS:g} ms"
                 + (" (tanpa CPU server saat diam)" if net else ""),
                 DASH if worst is None else f"terburuk {worst[1]:.0f} ms ({worst[0]} pengguna); "
                 + ", ".join(f"{u}: {v:.0f} ms" for u, v in sorted(cpus.items())), _verdict(met["cpu"])])
    soak = load.get("soak")
    if soak and soak.get("bounded") is not None:
        met["soak"] = bool(soak["bounded"])
        rows.append([f"memori server setelah {_minutes(soak['end_s'])} menit dalam {SOAK_TOLERANCE:.0%} dari "
                     f"memori setelah {_minutes(soak['reference_s'])} menit",
                     f"{_mb(soak['reference_mb'])} → {_mb(soak['end_mb'])} ({soak['growth']:+.1%})",
                     _verdict(met["soak"])])
    return _table(["target", "diukur", "status"], rows), met


def load_table(load: dict) -> list[str]:
    rows = []
    for lv in load.get("levels", []):
        rows.append([
            str(lv["users"]), _rate(lv["changes_per_s"]), _s(lv["p50_s"]), _s(lv["p95_s"]), _s(lv["max_s"]),
            f"{_s(lv['first_page_p50_s'])} / {_s(lv['first_page_p95_s'])}",
            f"{lv['errors']} / {lv['timeouts']} / {lv['unchanged']}",
            _cpu_cell(lv), _idle_cell(lv), _percent(lv.get("server_cpu_percent")),
            f"{_mb(lv.get('rss_end_mb'))} / {_mb(lv.get('peak_rss_mb'))}", _kb(lv.get("bytes_per_rerun")),
            _percent(lv.get("generator_cpu_percent")),
        ])
    return _table(["pengguna", "perubahan dilayani per detik", "p50", "p95", "maks", "halaman pertama p50 / p95",
                   "galat / time-out / angka tak berubah", "CPU server per perubahan (bruto / tanpa diam)",
                   "CPU server saat diam", "CPU server",
                   "memori server akhir / puncak", "byte per rerun", "CPU generator"], rows)


def soak_lines(soak: dict | None) -> list[str]:
    if not soak or soak.get("bounded") is None:
        return []
    f = soak["figures"]
    return [
        f"**Uji ketahanan / Soak.** {f['users']} pengguna selama {_minutes(f['window_s'])} menit pada satu server: "
        f"{_rate(f['changes_per_s'])} perubahan per detik, p95 {_s(f['p95_s'])}, {f['errors']} galat, "
        f"{f['timeouts']} time-out. Memori server (RSS) setelah {_minutes(soak['reference_s'])} menit "
        f"{_mb(soak['reference_mb'])}, di akhir {_mb(soak['end_mb'])} ({soak['growth']:+.1%}): "
        + ("**tetap terbatas**." if soak["bounded"] else "**terus tumbuh**."),
        "",
        *_table(["menit", *(_minutes(t) for t, _ in _thin(f["memory_samples"]))],
                [["RSS server", *(_mb(mb) for _, mb in _thin(f["memory_samples"]))]]),
    ]


def _thin(samples: list, most: int = 12) -> list:
    """At most ``most`` samples, evenly spread, the last one included."""
    if len(samples) <= most:
        return list(samples)
    step = (len(samples) - 1) / (most - 1)
    return [samples[round(i * step)] for i in range(most)]


def load_section(load: dict | None, size: int | None = None) -> list[str]:
    """The section on many users at once, between the markers ``--only load`` rewrites."""
    out = ["## Banyak pengguna sekaligus / Many users at once", "", LOAD_BEGIN, ""]
    if not load:
        out += [f"Tidak diukur pada jalan ini (tahap `load` berjalan pada ukuran {_n(size or 100_000)}; "
                "`python -m bench --only load` mengukurnya sendiri).", "", LOAD_END, ""]
        return out
    opts = load.get("options", {})
    think = opts.get("think_s", [2, 5])
    if load.get("size"):
        where = (f"pada {_n(load['size'])} pendaftaran, satu proses `streamlit run dashboard.py` per tingkat "
                 "(seperti README menjalankannya, `DASBOR_DATA_DIR` ke data benchmark), dipanaskan oleh satu "
                 "pengunjung sebelum pengguna datang")
        warmed = [lv["warm_up_s"] for lv in load.get("levels", []) if lv.get("warm_up_s") is not None]
        if warmed:
            where += (", lalu menunggu pemanasan awal server selesai (`pages/edge/warm.py`: setiap halaman analisis "
                      "tanpa filter dan untuk setiap desa, kelompok desa, tahun dan periode, dihitung di latar "
                      "belakang sejak server mulai; seperti server dinas yang dinyalakan sebelum rapat; lama "
                      f"pemanasan {_s(min(warmed))}–{_s(max(warmed))})")
        loops = sorted({lv["event_loop"] for lv in load.get("levels", []) if lv.get("event_loop")})
        if loops:
            where += (f"; loop peristiwa server: {', '.join(loops)}"
                      + (" (ekstra `performance` Streamlit)" if loops == ["uvloop"] else ""))
    else:
        where = f"pada dasbor yang berjalan di `{load['target']}`"
    settings = ", ".join(f"`{k} = {v}`" for k, v in opts.get("server_options", {}).items())
    project = ", ".join(f"`{k} = {str(v).lower() if isinstance(v, bool) else v}`"
                        for k, v in opts.get("project_settings", {}).items() if k in SPEED_SETTINGS)
    _, met = load_targets(load)
    done = [k for k, v in met.items() if v]
    missed = [k for k, v in met.items() if v is False]
    words = (
        "Pengguna tiruan tanpa peramban berbicara dengan protokol websocket Streamlit sendiri (`bench/load.py`: "
        "`BackMsg.rerun_script` dengan `ClientState`, lalu `ForwardMsg` sampai `script_finished`). Setiap pengguna "
        "membuka satu dari halaman analisis (dibagi rata), masuk lewat formulir bila diminta, lalu setiap "
        f"{think[0]:g}-{think[1]:g} detik mengganti filter desa lewat widget-nya, seperti peramban mengirimnya "
        "(`widget_states`; widget dicari dari delta yang diterima menurut kunci dan jenisnya). Waktu dihitung dari "
        "pengiriman sampai rerun selesai; setiap perubahan harus mengubah angka yang diterima (hash metrik, grafik "
        "dan tabel, dibanding desa sebelumnya). Pengguna datang selama ramp-up; jendela pengukuran "
        f"{opts.get('window_s', 60):g} detik dibuka setelah setiap pengguna mendapat halamannya. Diukur {where}. "
        "*Dilayani per detik* = perubahan yang selesai di dalam jendela ÷ panjangnya; *CPU server* = waktu CPU "
        "proses server (psutil) di dalam jendela; *CPU server saat diam* = CPU server per detik selama "
        f"{opts.get('idle_s', 20):g} detik sebelum pengguna datang (tanpa sesi: pengawas berkas konfigurasi Streamlit dan "
        "pengatur waktu lain); *CPU server per perubahan* = CPU di dalam jendela ÷ perubahan yang dilayani, "
        "bruto dan tanpa CPU saat diam (CPU jendela dikurangi CPU diam × panjang jendela): pada satu pengguna, "
        "yang mengganti filter kira-kira sekali per 3,5 detik, CPU diam itu terbagi ke sedikit perubahan dan "
        "bukan biaya perubahan; targetnya dinilai tanpa CPU diam; *byte per rerun* = pesan protobuf yang diterima (sebelum "
        f"kompresi websocket). Time-out setelah {opts.get('timeout_s', 60):g} detik."
        + (f" Pengaturan Streamlit proyek (`.streamlit/config.toml`): {project}." if project else "")
        + (f" Pengaturan Streamlit tambahan untuk jalan ini: {settings}." if settings else "")
    )
    out += [
        *textwrap.wrap(words, 100, break_on_hyphens=False),
        "",
        f"*Simulated users over Streamlit's own websocket protocol; met: "
        f"{', '.join(LOAD_WORDS[k] for k in done) or 'none'}; not met: "
        f"{', '.join(LOAD_WORDS[k] for k in missed) or 'none'}.*",
        "",
        *load_targets(load)[0],
        *load_table(load),
        *soak_lines(load.get("soak")),
        *([f"Dijalankan {load['started']}" + (f" pada commit {load['commit']}" if load.get("commit") else "")
           + f"; lama tahap ini {load.get('stage_s', 0) / 60:.0f} menit."]
          if load.get("started") else []),
        f"Beban mesin (load average 1/5/15 menit) di akhir tahap: "
        f"{', '.join(f'{v:.1f}' for v in load.get('load_average', []))}; CPU generator = waktu CPU proses",
        "pengguna tiruan, di mesin yang sama.",
        "",
        LOAD_END,
        "",
    ]
    return out


def _load_body(text: str) -> str | None:
    """The load section's figures in a report, markers included; None when it has none."""
    if LOAD_BEGIN not in text or LOAD_END not in text:
        return None
    return LOAD_BEGIN + text.split(LOAD_BEGIN, 1)[1].split(LOAD_END, 1)[0] + LOAD_END


def _with_load_body(text: str, body: str) -> str:
    """``text`` with its load section's figures replaced by ``body`` (the section added when missing)."""
    if _load_body(text) is not None:
        head, rest = text.split(LOAD_BEGIN, 1)
        return head + body + rest.split(LOAD_END, 1)[1]
    section = "\n".join(load_section(None)).replace(_load_body("\n".join(load_section(None))), body)
    if "\n## Memori puncak" in text:
        head, tail = text.split("\n## Memori puncak", 1)
        return head.rstrip("\n") + "\n\n" + section + "\n## Memori puncak" + tail
    return text.rstrip("\n") + "\n\n" + section


def write_load_section(load: dict, path: Path) -> None:
    """Rewrite only the load section of the report at ``path`` (add it when missing)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Kinerja / Performance\n\n"
    text = _with_load_body(text, _load_body("\n".join(load_section(load))))
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def explanation(met: dict, results: dict) -> list[str]:
    """What the unmet targets would take, from the figures of the largest size."""
    sizes = list(results["sizes"])
    if not sizes:
        return []
    largest, smallest = results["sizes"][sizes[-1]], results["sizes"][sizes[0]]
    big, small = _label(sizes[-1]), _label(sizes[0])
    out = ["### Yang belum terpenuhi dan yang diperlukan / What the unmet targets would take", ""]
    unmet = [k for k, v in met.items() if v is False]
    if not unmet:
        out += ["Semua target yang diukur terpenuhi.", ""]
    if "rerun" in unmet or "chart" in unmet:
        rows = []
        for page, name in PAGE_NAMES.items():
            rerun = _rerun(largest, page)
            computing = _get(_pages(largest).get((page, "village"), {}), "lib_median_s")
            rows.append([name, _s(_rerun(smallest, page)), _s(rerun), _ms(computing),
                         _s(rerun - computing) if rerun is not None and computing is not None else DASH,
                         _s(_chart(largest, page)), _s(_chart(largest, page, "page_s"))])
        out += [
            "**Rerun dan grafik.** Tabel ini memisahkan rerun halaman (AppTest, satu desa) menjadi",
            f"perhitungan lib untuk filter itu (tanpa cache, median) dan sisanya: menjalankan skrip",
            "halaman, menggambar dan mengirim elemen. Bandingkan juga rerun pada ukuran terkecil, di",
            "mana data hampir tidak berperan:",
            "",
            *_table(["halaman", f"rerun {small}", f"rerun {big}", f"perhitungan lib {big}",
                     f"sisanya {big}", f"grafik di peramban {big}", f"halaman selesai {big}"], rows),
            "Sisanya adalah biaya per gambar yang tidak tumbuh dengan data. Profil (cProfile, di luar",
            "benchmark) satu rerun Daerah Asal dan Anggaran menunjukkan ke mana perginya: membangun figur Plotly (`update_layout(template=...)` menyalin",
            "templat untuk setiap figur), `privacy.hidden_reasons` yang mengurai ulang teks catatan privasi",
            "untuk setiap ukuran setiap grafik, dan `export.display_frame` yang dibuat dua kali per gambar",
            "(tabel di layar dan unduhan). Yang diperlukan untuk rerun di bawah 0,5 detik ada di",
            "`lib/charts.py`, `lib/privacy.py` dan `lib/export.py`, di luar cakupan pekerjaan ini: satu",
            "objek templat yang dibuat sekali, alasan penyembunyian dihitung sekali per tabel, tabel",
            "tampilan dibuat sekali per gambar; atau lebih sedikit gambar per halaman (misalnya gambar",
            "berikutnya di dalam tab). Perhitungan data yang lebih cepat (DuckDB, polars) tidak",
            "mengubahnya: kolom perhitungan lib di atas adalah bagian kecil dari rerun. Beban mesin",
            "(lihat di atas) memperlambat bagian Python murni ini lebih dari bagian numpy.",
            "",
        ]
    pages = _pages(largest)
    slow = {(PAGE_NAMES.get(p, p), SCENARIOS[s]): v for (p, s), v in pages.items() if v["ratio"] > TARGET_RATIO}
    if slow:
        listed = "; ".join(f"{name}, {words}: {_ms(v['lib_median_s'])} lawan {_ms(v['duck_median_s'])} "
                           f"({_x(v['ratio'])})" for (name, words), v in slow.items())
        out += [f"**Perhitungan di atas {TARGET_RATIO:g}× DuckDB pada {big}:** {listed}.", ""]
        if any(name == PAGE_NAMES["anggaran.py"] for name, _ in slow):
            out += [
                "Anggaran yang disiapkan sudah berupa sel (sekitar seribu baris), sehingga halaman Anggaran",
                "hampir seluruhnya biaya tetap: membangun frame pandas kecil per tabel dan",
                "`privacy.publishable` per gambar (lihat tabel penyembunyian), yang tidak punya padanan di",
                "DuckDB. Yang diperlukan untuk menyamai: menyusun tabel hasil langsung dari larik numpy.",
                "",
            ]
        if any(name != PAGE_NAMES["anggaran.py"] for name, _ in slow):
            out += [
                "Setiap tabel lib juga membangun beberapa frame pandas kecil (kunci kelompok, kolom ukuran,",
                "gabungan dengan anggaran): biaya tetap beberapa milidetik per tabel, yang pada pilihan kecil",
                "menjadi bagian besar, bersama `filtered` (memilih baris tabel yang dibaca, yang DuckDB lakukan",
                "sambil membaca). Yang diperlukan untuk menyamai: menyusun tabel hasil langsung dari larik",
                "numpy tanpa gabungan pandas, atau DuckDB di balik `lib/`.",
                "",
            ]
        out += ["Kolom DuckDB di atas adalah alternatif \"DuckDB di balik `lib/`\", terukur pada data yang sama.", ""]
    if "cold" in unmet:
        out += [
            "**Cold start.** Yang diperlukan: menyimpan hasil `prepared` di versi impor (kolom turunan",
            "ditulis sekali saat impor) agar server hanya membaca Parquet.",
            "",
        ]
    csv = _get(largest, "cold_csv", "total_s")
    if csv is not None and csv >= TARGET_COLD_S:
        out += [
            f"**Cold start dari folder CSV** ({_s(csv, 1)} pada {big}): `load_folder` memeriksa setiap baris",
            "dengan semua aturan kontrak data (pandera), yang di lapangan hanya terjadi sekali, saat",
            "impor; server membaca versi impor yang sudah diperiksa (kolom *versi impor*). Hanya mode",
            "demo membaca folder CSV, dan data demo berukuran Kediri.",
            "",
        ]
    if "memory" in unmet:
        out += [
            "**Memori.** Server menyimpan data yang dimuat, yang disiapkan, dan beberapa pilihan filter.",
            "Yang diperlukan: kolom teks sebagai kategori (kode peserta, uraian), atau frame Arrow/polars",
            "yang tidak menyalin kolom saat memilih baris.",
            "",
        ]
    return out


def changes() -> list[str]:
    return [
        "## Yang membuatnya cepat / What makes it fast",
        "",
        "- `lib/prepare.py` (sekali per dataset): setiap penggabungan memakai kode bilangan bulat, bukan",
        "  teks. `participant_id` dikodekan sekali untuk peserta dan pemantauan sekaligus (kamus Arrow,",
        "  diurutkan) dan disimpan sebagai kategori di kedua tabel; digabung dengan kode tahun dan",
        "  program menjadi satu bilangan per pendaftaran, dicocokkan dengan hash bilangan bulat.",
        "  Pemantauan terakhir: dua lintasan `np.maximum.at`, bukan pengurutan. Lokal/pendatang",
        "  diputuskan sekali per pasangan (desa, kabupaten asal). Pembagian anggaran: kunci berkode,",
        "  `searchsorted`, baris diambil dari anggaran asli (tanpa mengetik ulang kategori). Setiap",
        "  pemantauan membawa label baris pendaftarannya (`enrollment_row`). Lalu baris anggaran yang",
        "  tidak dapat dibedakan oleh filter atau rincian mana pun (tahun, program, penyelenggara, desa,",
        "  kategori, uraian, sumber dana, atribusi) digabung menjadi satu sel (`budget_cells`, jumlah",
        "  uang persis, jumlah unit yang diketahui): baris anggaran yang dibagi ke desa menjadi",
        "  beberapa kali lebih banyak, tetapi selnya sedikit (kolom *sel anggaran* di tabel Data), dan",
        "  setiap angka anggaran adalah jumlah.",
        "- `lib/filters.py`: masker dari kode kategori; hanya tabel yang dibaca tabel indikator",
        "  (`indicators.TABLE_READS`) yang dipilih, tabel lain kosong (tidak pernah tanpa filter), jadi",
        "  halaman Anggaran tidak memilih sejuta pendaftaran; pemantauan pilihan diambil lewat label",
        "  pendaftaran (tanpa join); filter yang memilih semua baris tidak menyalin apa pun.",
        "- `lib/indicators.py`: satu pengelompokan per tabel (nomor kelompok per baris dari satu",
        "  `bincount` atas kode gabungan), lalu setiap hitungan satu `bincount`; status, hasil terakhir",
        "  dan asal masing-masing dihitung dalam satu lintasan silang; orang berbeda dihitung dari kode",
        "  `participant_id` (yang terdaftar sekali langsung dihitung, sisanya lewat bitmap); median per",
        "  kelompok dengan partisi, bukan pengurutan; tahun dikodekan dengan selisih, bukan hash; jumlah",
        "  uang persis (rupiah utuh dan pecahan terpisah); `summary`",
        "  menghitung partisipasi, hasil dan biaya sekali, bukan tiga kali. Setiap tabel dibandingkan",
        "  dengan jawaban DuckDB di setiap jalan benchmark, dan dengan pandas biasa di rangkaian uji",
        "  (`tests/test_scale_paths.py`, data acak hypothesis); jumlah uang sama dengan `math.fsum`.",
        "- `lib/charts.py`: setiap figur memakai satu templat kecil (bagian `plotly_white` yang",
        "  digambar), bukan salinan seluruh templat `plotly_white` (bawaan semua jenis grafik) per figur;",
        "  garis daratan peta dikirim sebagai larik numpy, tidak diperiksa titik demi titik.",
        "  `lib/privacy.py`: `hidden_reasons` membaca setiap catatan privasi yang berbeda sekali.",
        "- `pages/edge/cache.py`: tabel mentah disimpan di cache per (filter, tabel, rincian), sehingga",
        "  gambar yang menampilkan ukuran berbeda dari satu tabel menghitungnya sekali; tabel terbit, figur",
        "  siap kirim (`lib/drawn.py`) dan ubin disimpan per tampilan; baris pilihan disimpan per (filter,",
        "  tabel data), hanya dua belas terakhir (satu pilihan dapat berukuran ratusan megabita pada skala",
        "  nasional, dan membuatnya lagi hanya perlu beberapa perseratus detik).",
        "- `pages/edge/warm.py`: saat server mulai, isi setiap halaman analisis tanpa filter dan untuk",
        "  setiap desa, kelompok desa, tahun dan periode dihitung di latar belakang (sekitar 25 s pada",
        "  100.000 pendaftaran), sehingga pengunjung pertama setiap pilihan itu tidak menunggu.",
        "- Rerun yang menampilkan figur yang sudah dibuat: figur Plotly yang selesai membuat dict-nya sekali",
        "  (`lib.drawn.SentFigure`; `st.plotly_chart` memintanya setiap rerun), JSON-nya ditulis dengan",
        "  `orjson`, log audit dibuka sekali per tempat (bukan setiap tombol unduh), dan *spinner* memuat",
        "  data hanya selama data belum disiapkan.",
        "",
    ]


def kept_sections(text: str) -> list[str]:
    """Sections other benchmarks write into the report (``<!-- section: NAME -->`` to ``<!-- /section: NAME -->``,
    e.g. ``python -m bench.postgres``): kept, in their order, when the report is rewritten."""
    import re

    pattern = re.compile(r"<!-- section: ([\w-]+) -->.*?<!-- /section: \1 -->\n?", re.DOTALL)
    return [match.group(0) for match in pattern.finditer(text)]


def write_report(results: dict, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = kept_sections(old)
    text = document(results)
    if not results.get("load") and (body := _load_body(old)) is not None:
        text = _with_load_body(text, body)  # the load stage did not run: its last figures stay
    path.write_text("\n".join([text.rstrip("\n") + "\n", *kept]) if kept else text, encoding="utf-8")
