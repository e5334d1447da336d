"""Results kept in memory per exact arguments: the page edge's caches of what every rerun asks again.

A filter change reruns the whole page script, and each figure, tile row and
selection asks its cache again. Streamlit's own caches hash every argument
field by field and look up the function's signature on every call, a large
part of a rerun that draws nothing new. A ``Memo`` keys by the arguments
themselves (frozen dataclasses, named tuples, strings: hashed and compared
exactly, so two different views never share a value), keeps the most recently
used ``size`` results (``cachetools.LRUCache``) and computes each missing
one once even when several sessions ask for it at the same moment.

Values are shared by every session: nothing may change a value it gets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from functools import update_wrapper
from typing import Generic, ParamSpec, TypeVar

from cachetools import LRUCache

P = ParamSpec("P")
T = TypeVar("T")


class Memo(Generic[P, T]):
    """``func`` with its results kept per arguments; arguments at the positions ``unkeyed`` are not part of the
    key (a function that computes the value, which must depend on the keyed arguments alone)."""

    def __init__(self, func: Callable[P, T], size: int, unkeyed: tuple[int, ...] = ()):
        update_wrapper(self, func)
        self._func = func
        self._unkeyed = frozenset(unkeyed)
        self._values: LRUCache = LRUCache(maxsize=size)
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def _key(self, args: tuple) -> Hashable:
        return tuple(a for i, a in enumerate(args) if i not in self._unkeyed) if self._unkeyed else args

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        if kwargs:
            raise TypeError(f"{self._func.__name__}: arguments by position only")
        key = self._key(args)
        with self._lock:
            if key in self._values:
                return self._values[key]
            making = self._making.setdefault(key, threading.Lock())
        with making:  # one session computes; the others wait for its value
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = self._func(*args)
            with self._lock:
                self._values[key] = value
                self._making.pop(key, None)
        return value

    def clear(self) -> None:
        """Forget every kept result."""
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


def memo(size: int, unkeyed: tuple[int, ...] = ()) -> Callable[[Callable[P, T]], Memo[P, T]]:
    """Decorator: ``Memo(func, size, unkeyed)``."""
    return lambda func: Memo(func, size, unkeyed)
