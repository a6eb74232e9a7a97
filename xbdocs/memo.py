"""Results of pure functions kept by a digest of everything they came from.

A shortcut each process keeps, never state anything depends on: a miss computes the same
thing again. Used by the interview (a party's preview) and the server (a review's
findings)."""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from typing import Any


class Memo:
    """At most ``size`` results, the least recently used dropped. ``owner``: an object the
    result was made from that the key names only by its identity (a catalogue); it is kept
    with the result, which is given back only for that very object — an ``id()`` is only
    its object's while the object lives."""

    def __init__(self, size: int) -> None:
        self.size, self._kept = size, collections.OrderedDict[str, tuple[Any, Any]]()
        self._lock = threading.Lock()

    def peek(self, key: str, owner: Any = None) -> Any:
        """What is kept by ``key`` (for ``owner``), or None: for a caller that can do
        without it."""
        with self._lock:
            kept = self._kept.get(key)
        return kept[1] if kept is not None and kept[0] is owner else None

    def get(self, key: str, make: Callable[[], Any], owner: Any = None) -> Any:
        """What is kept by ``key`` (for ``owner``), else ``make()`` kept."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] is owner:
                self._kept.move_to_end(key)
                return kept[1]
        made = make()
        with self._lock:
            self._kept[key] = (owner, made)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return made
