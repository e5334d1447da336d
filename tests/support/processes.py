"""Processes the tests and the benchmark start in a group of their own (``start_new_session=True``)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import psutil

STOP_SECONDS = 30  # how long a group may take to stop politely before it is killed
KILLED_SECONDS = 15  # how long a killed member may take to end


def running_members(group: int) -> list[psutil.Process]:
    """The processes of the group ``group`` still running (an ended one nobody has reaped yet is not)."""
    found = []
    for member in psutil.process_iter(["status"]):
        try:
            if os.getpgid(member.pid) == group and member.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(member)
        except ProcessLookupError:
            continue
    return found


def stop_group(process: subprocess.Popen, seconds: float = STOP_SECONDS) -> None:
    """End the process group ``process`` leads, by its id: politely, then for sure.

    Every process of the group is asked to stop (SIGTERM) and given ``seconds``
    to do so, not only the leader: a child may outlive it (``dev.py start``
    ends at once, the ``streamlit`` it started shuts down a moment later).
    Whatever of the group is still running then is killed, and waited for:
    when this returns, nothing of the group runs (a killed process ends a
    moment later, longer on a busy machine).
    """
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        process.poll()
        return
    deadline = time.monotonic() + seconds
    while running_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=KILLED_SECONDS)
    deadline = time.monotonic() + KILLED_SECONDS
    while running_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
