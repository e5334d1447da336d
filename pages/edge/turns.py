"""One analysis page's run at a time in this process; the others wait their turn, for a while.

Streamlit runs each session's script on a thread of its own. When several
people change a filter at once, their runs share one interpreter lock, which
passes between them every few milliseconds: each run lasts about as long as
all of them together, and the switching costs CPU time of its own. Taking
turns, each run finishes in its own few tens of milliseconds.

Measured on 100 thousand enrollments with ``python -m bench.load``, one server
with turns and one without, alternated, two runs each: at 100 simulated users
the CPU time per filter change fell from 31 to 25 ms, and the 95th percentile
from change to finished rerun from 1.0 and 1.8 s to 0.33 and 0.19 s; at 25
users the CPU time fell from 24 to 20 ms. docs/performance.md has the
benchmark's own run.

A run waits at most ``WAIT_S`` for its turn and then goes ahead without one:
a run that is slow for its own reasons (the first computation of a large import)
delays the others by that much at most, never more. Only an analysis page takes
a turn (``dashboard.py``): the Data page's import, the report's PDF and the
login's password check go ahead at once, as before.
"""

from __future__ import annotations

import threading
from types import TracebackType

WAIT_S = 1.0  # the longest a run waits for its turn before it goes ahead without one
_TURN = threading.Lock()  # one per process: the turn the analysis runs take


class Turn:
    """A run's turn: ``with Turn() as turn:`` waits up to ``wait_s`` for ``lock``; ``leave()`` gives it back early.

    Without arguments: the process's turn (``_TURN``) and ``WAIT_S``, as they are when the run starts.

    ``held`` says whether the run has the turn (False once given back, or when
    the wait ran out). Leaving twice, or without the turn, does nothing; the
    turn is given back however the run ends (Streamlit stops an interrupted run
    with an exception, which passes through ``__exit__``).
    """

    def __init__(self, lock: threading.Lock | None = None, wait_s: float | None = None) -> None:
        self._lock = _TURN if lock is None else lock
        self._wait_s = WAIT_S if wait_s is None else wait_s
        self.held = False

    def __enter__(self) -> Turn:
        self.held = self._lock.acquire(timeout=self._wait_s)
        return self

    def leave(self) -> None:
        if self.held:
            self.held = False
            self._lock.release()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.leave()
