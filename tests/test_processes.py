"""Stopping a started process group (``tests/support/processes.py``): every process of it, not only the leader."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.support.processes import running_members, stop_group

# A child that needs a moment to stop once asked, or will not stop when asked; it says when it is listening.
CHILD = """
import signal, sys, time
def stop(*_):
    time.sleep(1)
    sys.exit(0)
signal.signal(signal.SIGTERM, signal.SIG_IGN if sys.argv[1] == "stubborn" else stop)
print("ready", flush=True)
while True:
    time.sleep(1)
"""
# The group's leader: starts the child, then waits; it ends at once when asked (like ``dev.py start``).
LEADER = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]])
while True:
    time.sleep(1)
"""


def started_group(kind: str) -> subprocess.Popen:
    """A leader and its child in a new process group, once the child listens for SIGTERM."""
    process = subprocess.Popen([sys.executable, "-c", LEADER, CHILD, kind], stdout=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, start_new_session=True, text=True)
    assert process.stdout.readline().strip() == "ready"
    return process


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def test_a_child_still_stopping_after_its_leader_ended_is_waited_for():
    process = started_group("slow")
    try:
        assert len(running_members(process.pid)) == 2
        stop_group(process)
        assert process.returncode is not None
        assert running_members(process.pid) == []
    finally:
        _kill(process)


def test_a_child_that_ignores_the_request_is_killed():
    process = started_group("stubborn")
    try:
        stop_group(process, seconds=0.5)
        assert running_members(process.pid) == []
    finally:
        _kill(process)
