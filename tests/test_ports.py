"""The ports the tests' servers listen on: two workers of one run are never given the same one."""

from __future__ import annotations

import socket

import pytest

from tests.support import ports
from tests.support.ports import dealt_to, free_port, free_ports, worker_share


def worker(index: int, count: int) -> dict[str, str]:
    return {"PYTEST_XDIST_WORKER": f"gw{index}", "PYTEST_XDIST_WORKER_COUNT": str(count)}


def test_outside_xdist_every_port_is_this_process_s():
    assert worker_share({}) == (0, 1)
    assert worker_share({"PYTEST_XDIST_WORKER": "master"}) == (0, 1)
    assert worker_share(worker(1, 2)) == (1, 2)
    assert worker_share(worker(3, 3)) == (0, 3)  # a worker number beyond the count wraps round


def test_two_workers_asking_at_once_get_different_ports():
    first = [free_port(worker(0, 2)) for _ in range(300)]
    second = [free_port(worker(1, 2)) for _ in range(300)]
    assert not set(first) & set(second)
    assert {dealt_to(p, 2) for p in first} == {0} and {dealt_to(p, 2) for p in second} == {1}


def test_the_ports_are_dealt_evenly_whatever_their_parity():
    # Linux hands out ports of one parity: each of three workers still gets about a third of them.
    shares = [sum(dealt_to(p, 3) == w for p in range(32768, 61000, 2)) for w in range(3)]
    assert min(shares) > 0.3 * sum(shares)


def test_the_port_given_is_free():
    port = free_port(worker(1, 2))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))


def test_ports_asked_for_together_differ_even_when_the_kernel_repeats_one(monkeypatch: pytest.MonkeyPatch):
    # The kernel can give the port it just gave once more (2 times in 20,000 calls here).
    given = iter([40001, 40001, 40003])
    monkeypatch.setattr(ports, "free_port", lambda environ=None: next(given))
    assert free_ports(2) == [40001, 40003]
