"""lib.memo: results kept per exact arguments, most recently used first, each computed once."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from lib.memo import memo


@dataclass(frozen=True)
class Choice:
    village: str


def test_equal_arguments_share_one_value_and_different_ones_do_not():
    calls = []

    @memo(8)
    def doubled(choice: Choice, n: int) -> list:
        calls.append((choice, n))
        return [choice.village] * n

    first = doubled(Choice("Pare"), 2)
    assert doubled(Choice("Pare"), 2) is first  # an equal, not the same, argument
    assert doubled(Choice("Gurah"), 2) == ["Gurah", "Gurah"]
    assert doubled(Choice("Pare"), 3) == ["Pare"] * 3
    assert len(calls) == 3


def test_the_least_recently_used_value_goes_first():
    calls = []

    @memo(2)
    def same(x: int) -> int:
        calls.append(x)
        return x

    same(1), same(2), same(1), same(3)  # 2 is the least recently used when 3 comes
    same(1)
    assert calls == [1, 2, 3]
    same(2)
    assert calls == [1, 2, 3, 2]


def test_an_unkeyed_argument_is_not_part_of_the_key():
    @memo(4, unkeyed=(1,))
    def made(key: str, make) -> str:
        return make()

    assert made("a", lambda: "first") == "first"
    assert made("a", lambda: "second") == "first"
    assert made("b", lambda: "second") == "second"


def test_a_value_asked_for_at_once_by_many_sessions_is_computed_once():
    calls = []

    @memo(4)
    def slow(x: int) -> int:
        calls.append(x)
        time.sleep(0.05)
        return x * 2

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow(7))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [14] * 8 and calls == [7]


def test_a_failure_is_not_kept_and_clear_forgets_everything():
    attempts = []

    @memo(4)
    def flaky(x: int) -> int:
        attempts.append(x)
        if len(attempts) == 1:
            raise OSError("not yet")
        return x

    with pytest.raises(OSError):
        flaky(1)
    assert flaky(1) == 1 and len(flaky) == 1
    flaky.clear()
    assert len(flaky) == 0
    flaky(1)
    assert attempts == [1, 1, 1]


def test_keyword_arguments_are_refused_so_a_key_is_never_ambiguous():
    @memo(2)
    def f(x: int) -> int:
        return x

    with pytest.raises(TypeError):
        f(x=1)
