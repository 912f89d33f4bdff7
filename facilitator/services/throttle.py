"""In-process rate limits: failed logins per account and address, and events per socket.

They live in memory, per server process: enough to stop guessing and flooding; several processes
each keep their own counts (noted in docs/deployment.md).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class FailedLogins:
    """After `limit` failures for one (username, address) within `window` seconds, refuse for the rest of it.

    Keyed by username and address together: a whole venue behind one NAT address must not be locked out
    by one person's typos, and one account must not be guessable from many tabs.
    """

    def __init__(self, limit: int = 5, window: float = 15 * 60, max_keys: int = 10_000):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._failures: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key, now) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until this key may try again (0: it may try now)."""
        key, now = (username.strip().lower(), address), time.monotonic()
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.limit:
                return 0
            return int(self.window - (now - times[-self.limit])) + 1

    def failed(self, username: str, address: str) -> None:
        key, now = (username.strip().lower(), address), time.monotonic()
        with self._lock:
            self._recent(key, now)
            self._failures.setdefault(key, []).append(now)
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username.strip().lower(), address), None)


class EventBudget:
    """A token bucket per socket: `rate` events per second on average, bursts up to `burst`."""

    def __init__(self, rate: float = 20, burst: float = 60):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, sid: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(sid, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            self._buckets[sid] = (tokens - 1 if allowed else tokens, now)
            return allowed

    def forget(self, sid: str) -> None:
        with self._lock:
            self._buckets.pop(sid, None)
