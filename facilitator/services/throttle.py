"""Rate limits: failed logins, wrong join codes, socket events and snapshot calls.

Counts live in fixed windows (a counter per key and window, INCR + EXPIRE in Redis). With a Redis message
queue configured every process counts in that Redis, so several processes count together; otherwise, and
for any call during a Redis outage, in this process's memory. A limit never fails a request: at worst it
counts per process for a while. The clock is injected, so tests step time instead of racing it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

log = logging.getLogger(__name__)
Clock = Callable[[], float]


@dataclass(frozen=True)
class Budget:
    """At most `limit` calls per `window` seconds for one key; the excess is refused until the window ends.

    A `local` budget counts in this process only: a socket lives on one process (sticky sessions), so
    sharing its count would cost every event a Redis round trip for nothing.
    """

    name: str
    limit: int
    window: float
    local: bool = False


@dataclass(frozen=True)
class Backoff:
    """After `free` failures in a `window`, each further attempt waits `first` seconds, doubling up to `cap`.

    Growing but capped: guessing slows to a crawl, yet nobody can be kept out for longer than `cap` by
    someone else's failures once they stop.
    """

    name: str
    free: int
    first: float
    cap: float
    window: float

    def delay(self, failures: int) -> float:
        return 0 if failures < self.free else min(self.cap, self.first * 2 ** (failures - self.free))


# A socket may send bursts (an outbox flushing after an outage) but not flood.
EVENTS_PER_SOCKET = Budget("events", 300, 10, local=True)
# join, sync and plenary:join answer with snapshots: a page asks once per (re)connection, or on a gap.
SNAPSHOTS_PER_SOCKET = Budget("snapshots", 10, 10, local=True)
# One account tried from any number of addresses (see auth/routes.py for the owner's way round it).
LOGINS_PER_ACCOUNT = Backoff("login-account", free=5, first=2, cap=300, window=3600)
# One address trying many accounts; generous, as a whole venue may share one NAT address.
LOGINS_PER_ADDRESS = Backoff("login-address", free=30, first=1, cap=60, window=900)
JOIN_CODES_PER_ADDRESS = Backoff("join-code", free=30, first=1, cap=60, window=900)


class MemoryStore:
    """Counters and values in this process, forgotten when they expire or when there are too many."""

    def __init__(self, max_keys: int = 100_000):
        self.max_keys = max_keys
        self._values: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (value, expires at)
        self._lock = threading.Lock()

    def incr(self, keys: list[str], ttl: float, now: float) -> list[int]:
        """Add one to each counter (starting a new one at 1, kept `ttl` seconds); the new counts."""
        with self._lock:
            counts = []
            for key in keys:
                value = self._live(key, now) or 0
                self._values[key] = (value + 1, now + ttl)
                self._values.move_to_end(key)
                counts.append(int(value + 1))
            # The least recently written keys come first: drop them once expired, or when there are too many.
            while self._values and (len(self._values) > self.max_keys or next(iter(self._values.values()))[1] <= now):
                self._values.popitem(last=False)
            return counts

    def get(self, keys: list[str], now: float) -> list[float | None]:
        with self._lock:
            return [self._live(key, now) for key in keys]

    def put(self, key: str, value: float, ttl: float, now: float) -> None:
        with self._lock:
            self._values[key] = (value, now + ttl)
            self._values.move_to_end(key)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def _live(self, key: str, now: float) -> float | None:
        value, expires = self._values.get(key, (None, 0.0))
        if value is not None and expires <= now:
            del self._values[key]
            return None
        return value


class RedisStore:
    """The same counters in Redis, shared by every process; during an outage, `fallback` (memory) answers.

    After a failure Redis is left alone for `pause` seconds, so an outage does not cost every request a
    connection attempt. Keys are named after their window by the limiter's clock; Redis's own expiry, a
    minute later than needed, only clears them away.
    """

    def __init__(self, url: str, fallback: MemoryStore, pause: float = 5, prefix: str = "facilitator:limit:"):
        self.url, self.fallback, self.pause, self.prefix = url, fallback, pause, prefix
        self._client = None
        self._retry_at = 0.0

    def _redis(self):
        if self._client is None:
            import redis  # the production extra; only loaded when a Redis queue is configured

            self._client = redis.Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)
        return self._client

    def _run(self, now: float, commands: Callable) -> list | None:
        """The replies of the commands sent in one round trip; None when Redis is out (use the fallback)."""
        if now < self._retry_at:
            return None
        try:
            import redis

            pipe = self._redis().pipeline(transaction=False)
            commands(pipe)
            return pipe.execute()
        except redis.RedisError as error:
            log.warning("rate limits: Redis unreachable (%s); counting in this process for %gs", error, self.pause)
            self._retry_at = now + self.pause
            return None

    def incr(self, keys: list[str], ttl: float, now: float) -> list[int]:
        def commands(pipe):
            for key in keys:
                pipe.incr(self.prefix + key)
                pipe.expire(self.prefix + key, _expiry(ttl))

        replies = self._run(now, commands)
        return self.fallback.incr(keys, ttl, now) if replies is None else [int(n) for n in replies[::2]]

    def get(self, keys: list[str], now: float) -> list[float | None]:
        def commands(pipe):
            for key in keys:
                pipe.get(self.prefix + key)

        replies = self._run(now, commands)
        return self.fallback.get(keys, now) if replies is None else [None if v is None else float(v) for v in replies]

    def put(self, key: str, value: float, ttl: float, now: float) -> None:
        if self._run(now, lambda pipe: pipe.set(self.prefix + key, repr(value), ex=_expiry(ttl))) is None:
            self.fallback.put(key, value, ttl, now)

    def clear(self) -> None:
        self.fallback.clear()


class Limiter:
    """Budgets (calls per window) and back-offs (waits after failures) over one store and one clock."""

    def __init__(self, store: MemoryStore | RedisStore, clock: Clock = time.time):
        # Wall-clock time by default: several processes compare the waits they store.
        self.store, self.clock = store, clock
        self.local = store.fallback if isinstance(store, RedisStore) else store

    def spend(self, *charges: tuple[Budget, str]) -> int:
        """Count one call against each (budget, key) in turn; seconds to wait if one is spent, else 0.

        A call refused by one budget is not counted in the next: a flooding socket refused by its own budget
        does not use up the budget its address shares with the rest of a venue.
        """
        now = self.clock()
        for budget, key in charges:
            window, into = divmod(now, budget.window)
            store = self.local if budget.local else self.store
            (count,) = store.incr([f"{budget.name}:{key}:{int(window)}"], budget.window, now)
            if count > budget.limit:
                return _seconds(budget.window - into)
        return 0

    def wait(self, *scopes: tuple[Backoff, str]) -> int:
        """Seconds before the next attempt in these (back-off, key) scopes may be tried; 0: now."""
        now = self.clock()
        untils = self.store.get([f"{backoff.name}:{key}:until" for backoff, key in scopes], now)
        return max([_seconds(until - now) for until in untils if until is not None and until > now], default=0)

    def failed(self, *scopes: tuple[Backoff, str]) -> None:
        """Count a failure in each scope; past the free ones, the next attempt has to wait."""
        now = self.clock()
        for backoff, key in scopes:
            window = int(now // backoff.window)
            (failures,) = self.store.incr([f"{backoff.name}:{key}:{window}"], backoff.window, now)
            delay = backoff.delay(failures)
            if delay:
                self.store.put(f"{backoff.name}:{key}:until", now + delay, delay, now)


def _expiry(ttl: float) -> int:
    return math.ceil(ttl) + 60


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


def wait_message(seconds: int) -> str:
    """'Wait 40 seconds and try again.', in minutes past two minutes."""
    wait = f"{seconds} second{'s' if seconds != 1 else ''}" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    return f"Wait {wait} and try again."


def limiter_for(config) -> Limiter:
    """Redis when the Socket.IO message queue is Redis (several processes), else this process's memory."""
    queue = config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    memory = MemoryStore()
    store = RedisStore(queue, memory) if queue.startswith(("redis://", "rediss://", "unix://")) else memory
    return Limiter(store)


def limiter() -> Limiter:
    """The app's limiter (made in create_app)."""
    return current_app.extensions["limiter"]
