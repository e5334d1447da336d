"""The background warm-up (``pages.edge.warm``): after it, no analysis page computes anything for a single choice
of the village or year filter; it never stops at a failing view; and the hot path sends what it built once."""

from __future__ import annotations

import copy

import plotly.graph_objects as go
import pytest

from lib.drawn import SentFigure, finished
from pages.auth import stores
from pages.edge import cache, warm
from pages.edge import page as edge_page
from pages.edge.page import NEEDS_ANY
from tests.support.pages import run

PAGES = ("ringkasan.py", "desa.py", "program.py", "daerah_asal.py", "anggaran.py", "hasil.py")
# Every cache a page's first visit fills: after the warm-up none of them may grow.
CACHES = ("published_table", "drawn_figure", "_of_view", "_has_rows")
YEARS = ("2020", "2021-2025")  # one year and one period: the year filter's two kinds of choice


def _sizes() -> dict[str, int]:
    return {name: len(getattr(cache, name)) for name in CACHES}


@pytest.fixture
def cold(monkeypatch):
    """Empty page caches and no warm-up started in this process yet; the warm-up turned on; one day throughout.

    The day is part of what a page computes (its downloads name it), so a page run just after midnight in WIB
    rightly computes anew what the warm-up computed the day before: a run of the suite at 17:00 UTC failed so.
    """
    monkeypatch.setenv("DASBOR_WARM_UP", "1")
    day = edge_page.local_today()
    monkeypatch.setattr(edge_page, "local_today", lambda: day)
    monkeypatch.setattr(warm, "local_today", lambda: day)
    for name in ("selected_table", "raw_table", *CACHES):
        getattr(cache, name).clear()
    monkeypatch.setattr(warm, "_STARTED", {})
    yield
    warm.stop()  # a warm-up a test started computes no further view into the next test's caches


def _warmed() -> None:
    threads = warm.started()
    assert len(threads) == 1, "the first analysis page started one warm-up"
    threads[0].join(timeout=300)
    assert not threads[0].is_alive()


@pytest.mark.slow  # the warm-up computes every view of the demo
@pytest.mark.usefixtures("pages_on_demo", "cold")
def test_after_the_warm_up_no_page_computes_anything_for_a_single_choice(served):
    at = run()
    _warmed()
    villages = [o for o in at.selectbox(key="desa").options if o != at.selectbox(key="desa").options[0]]
    assert len(villages) >= 10
    before = _sizes()
    assert before["drawn_figure"] > 100, before
    for page in PAGES:
        at.switch_page(f"pages/{page}").run()
        for key, choices in (("desa", villages), ("tahun", YEARS)):
            for choice in choices:
                at.selectbox(key=key).set_value(choice).run()
                assert not at.exception, [e.message for e in at.exception]
                assert _sizes() == before, f"{page} with {key}={choice} computed something new"
            at.selectbox(key=key).set_value(at.selectbox(key=key).options[0]).run()  # back to everything
    for village in villages[-3:]:  # a link to one village opens Desa with that village's profile
        opened = run("pages/desa.py", desa=village)
        assert opened.selectbox(key="profil_desa").value == village
        assert _sizes() == before, f"the profile of {village} computed something new"


@pytest.mark.usefixtures("pages_on_demo", "cold")
def test_the_warm_up_starts_once_per_data_and_language_and_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("DASBOR_WARM_UP", "0")
    run()
    assert warm.started() == []
    monkeypatch.setenv("DASBOR_WARM_UP", "1")
    run()
    run()
    assert len(warm.started()) == 1
    run(bahasa="en")
    assert len(warm.started()) == 2, "English draws its own charts"


@pytest.mark.usefixtures("pages_on_demo", "cold")
def test_a_view_that_fails_is_skipped_and_the_others_are_computed(monkeypatch, caplog):
    views = []
    monkeypatch.setattr(warm, "_run", views.append)  # the view the warm-up starts with, nothing computed yet
    run()
    [view] = views
    calls = []

    def broken(each):
        calls.append(each.filters)
        raise RuntimeError("broken view")

    # The broken view first, then one page's (every page's would take half a minute and prove no more).
    monkeypatch.setattr(warm, "WARMED", {"page_rusak": (NEEDS_ANY, broken),
                                         "page_ringkasan": warm.WARMED["page_ringkasan"]})
    before = len(cache.drawn_figure)
    done, failed = warm.warm_views(view)
    choices = len(list(warm.single_choices(view)))
    assert choices >= 1 + 10 + 2 + 11  # everything, the villages and their groups, the years and periods
    assert failed == choices == len(calls)
    assert done == choices
    assert len(cache.drawn_figure) > before, "the views after the broken one were computed"
    assert "broken view" in caplog.text


@pytest.mark.usefixtures("pages_on_demo", "cold")
def test_a_server_that_shuts_down_stops_its_warm_up_after_the_view_it_is_computing(caplog):
    run()
    [thread] = warm.started()
    warm.stop()
    assert not thread.is_alive()
    assert "warm-up stopped" in caplog.text and warm.DONE not in caplog.text
    assert len(cache.drawn_figure) < 50, "far from every view of the demo (about 150 figures per language)"


def test_a_finished_figure_sends_the_dict_it_was_finished_with():
    figure = go.Figure(go.Bar(x=["Pare", "Gurah"], y=[10, 15]), layout={"title": {"text": "Peserta"}})
    fresh = copy.deepcopy(figure).to_dict()
    sent = finished(figure)
    assert isinstance(sent, SentFigure)
    assert sent.to_dict() is sent.to_dict()
    assert sent.to_dict() == fresh
    assert type(go.Figure(sent)) is go.Figure  # a copy is an ordinary figure again


def test_the_audit_log_is_opened_once_per_place(data_dir, monkeypatch):
    opened, real = [], stores.open_audit
    monkeypatch.setattr(stores, "_OPENED", {})
    monkeypatch.setattr(stores, "open_audit", lambda: opened.append(1) or real())
    first = stores.audit_log()
    assert stores.audit_log() is first
    assert len(opened) == 1
    (data_dir / "audit.sqlite3").touch()
    assert stores.audit_log() is first
    (data_dir / "audit.sqlite3").unlink()
    stores.audit_log()
    assert len(opened) == 2, "a removed file is opened (and made) again"
    assert (data_dir / "audit.sqlite3").exists()
