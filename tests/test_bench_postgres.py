"""``python -m bench.postgres`` on a small size: every candidate loads the same tables; its section is kept."""

from __future__ import annotations

import io

import pytest

from bench import postgres as P
from bench.report import kept_sections


# A missing village read as "" made lib.schema build a category from a value outside it (pandas deprecates it).
@pytest.mark.filterwarnings("error::DeprecationWarning:lib.schema")
def test_every_candidate_loads_exactly_the_stored_tables_and_the_section_says_which_won(postgres_server, tmp_path):
    figures = P.measure(2_000, runs=1, log=io.StringIO())  # compares every candidate's tables with the folder's
    assert set(figures["candidates"]) == {"bytea", "adbc", "copy-csv", "copy-binary", "folder"}
    text = P.section(figures)
    assert text.startswith(P.BEGIN) and text.rstrip().endswith(P.END)
    assert "python -m bench.postgres --enrollments 2000 --runs 1" in text


def test_the_section_replaces_its_earlier_text_and_survives_a_rewritten_report(tmp_path):
    report = tmp_path / "performance.md"
    report.write_text("# Kinerja\n\nangka lain\n", encoding="utf-8")
    P.write_section(f"{P.BEGIN}\nlama\n{P.END}\n", report)
    P.write_section(f"{P.BEGIN}\nbaru\n{P.END}\n", report)
    text = report.read_text(encoding="utf-8")
    assert text.count(P.BEGIN) == 1 and "baru" in text and "lama" not in text and "angka lain" in text
    assert kept_sections(text) == [f"{P.BEGIN}\nbaru\n{P.END}\n"]
