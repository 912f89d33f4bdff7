"""Snapshots kept per (room or event, sequence), in this process: a thousand joins at one sequence cost one build.

The sequence moves on every change a snapshot shows, so an entry is never stale; only the latest few are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class SnapshotCache:
    def __init__(self, size: int = 16):
        self.size = size
        self._entries: OrderedDict[Hashable, dict] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], dict]) -> dict:
        """The entry for `key`, built once: joins arriving while it is being built wait for that build."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._entries:
                    return self._entries[key]
            value = build()
            with self._lock:
                self._entries[key] = value
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
                self._building.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
