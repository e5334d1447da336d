"""Analysis runs take turns (pages/edge/turns.py): one at a time in the process, each waiting a while at most.

The turn itself on real threads; then through ``dashboard.py`` (AppTest): an
analysis page runs inside its turn, the report page and a stopped run give it
back, and nothing is left holding it.
"""

from __future__ import annotations

import threading
import time

import pytest

from pages.edge import page as edge_page
from pages.edge import turns
from tests.support.pages import run

WAITING_S = 30.0  # long enough that a run which did not wait could not pass for one that did


def test_a_second_run_waits_until_the_first_gives_its_turn_back():
    lock = threading.Lock()
    first = turns.Turn(lock, wait_s=WAITING_S).__enter__()
    assert first.held
    got = threading.Event()

    def second():
        with turns.Turn(lock, wait_s=WAITING_S) as turn:
            if turn.held:
                got.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not got.wait(0.3), "the second run went ahead while the first had the turn"
    first.leave()
    assert got.wait(WAITING_S), "the second run never got its turn"
    thread.join(WAITING_S)
    assert not lock.locked()


def test_a_run_goes_ahead_without_a_turn_once_its_wait_has_run_out():
    lock = threading.Lock()
    lock.acquire()
    began = time.monotonic()
    with turns.Turn(lock, wait_s=0.05) as turn:
        assert not turn.held
        assert time.monotonic() - began >= 0.04  # it waited (the clock's resolution aside)
    assert lock.locked(), "a run without the turn gave back the turn of another"
    lock.release()


def test_the_turn_is_given_back_however_the_run_ends_and_leaving_twice_does_nothing():
    lock = threading.Lock()
    with pytest.raises(KeyboardInterrupt):  # Streamlit stops a run with an exception of its own
        with turns.Turn(lock, wait_s=1.0):
            assert lock.locked()
            raise KeyboardInterrupt
    assert not lock.locked()
    with turns.Turn(lock, wait_s=1.0) as turn:
        turn.leave()
        assert not turn.held and not lock.locked()
        turn.leave()
    assert not lock.locked()


# --- through dashboard.py ---------------------------------------------------------------------------------
class RecordingLock:
    """A lock that writes down when it is taken and given back, beside what the page does."""

    def __init__(self, events: list[str]) -> None:
        self._lock = threading.Lock()
        self.events = events

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        got = self._lock.acquire(blocking, timeout)
        self.events.append("turn taken" if got else "no turn")
        return got

    def release(self) -> None:
        self.events.append("turn given back")
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()


@pytest.fixture
def recorded(monkeypatch) -> list[str]:
    """The process's turn replaced by a recording one; each analysis page's start writes "page" beside it."""
    events: list[str] = []
    monkeypatch.setattr(turns, "_TURN", RecordingLock(events))
    start = edge_page.start

    def recording_start(*args, **kwargs):
        events.append("page")
        return start(*args, **kwargs)

    monkeypatch.setattr(edge_page, "start", recording_start)
    return events


@pytest.mark.usefixtures("pages_on_demo")
def test_an_analysis_page_runs_in_its_turn(recorded):
    run(desa="Pare")
    assert recorded == ["turn taken", "page", "turn given back"]
    assert not turns._TURN.locked()


@pytest.mark.usefixtures("pages_on_demo")
def test_the_report_page_gives_its_turn_back_before_it_runs(recorded):
    run("pages/laporan.py")
    assert recorded[-3:] == ["turn taken", "turn given back", "page"], recorded
    assert not turns._TURN.locked()


@pytest.mark.usefixtures("pages_on_demo")
def test_a_run_stopped_with_a_message_gives_its_turn_back(recorded):
    at = run(desa="Tidak-ada-desa-ini")  # a link the dashboard cannot answer: the page says why and stops
    assert at.warning or at.error
    assert not at.metric
    assert recorded[-1] == "turn given back" and not turns._TURN.locked()
