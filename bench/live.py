"""B0, B1, B2, B4: live fan-out, burst and reconnect storm, against the app or the bare server.

All load (one sender and every viewer) runs on one asyncio loop in this process, over bench/sioclient.py.
Post times and receipt times are read from the same clock (time.perf_counter) in the same process, so a
latency is simply receipt - post. The load generator's own CPU time is reported with every figure.

The app sender posts through the real path: `mutate` create (authorize, validate, insert, commit,
broadcast). The bare sender posts a copy of the app's latest `change` (new id, text and seq), so the bare
server, which only re-emits it, fans out messages of the same size.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from harness import HOST, Server, login, machine_busy, participant_cookie, request, writable_rooms
from sioclient import CHANGE, SioClient, clock, connect_many, seq_of

CATEGORIES = ("challenge", "best_practice", "recommendation")
STORM_SLACK = 5.0  # B4: every client caught up at most this long after the end of the reconnect window
WORDS = ("information sharing between judicial authorities needs to increase financial investigations "
         "joint teams trust networks liaison officers data protection language barriers smuggling routes "
         "Member States cooperation third countries return measures Обмін інформацією").split()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 24))).capitalize()


class Sender:
    """Posts items to one room: `mutate` create on the app, an equal-sized `post` on the bare server."""

    def __init__(self, client: SioClient, bare: bool, room: int, seed: int = 1):
        self.client, self.bare, self.room = client, bare, room
        self.rng = random.Random(seed)
        self.count = 0
        self.seq = 0  # the bare server's sequence is the sender's
        self.order: dict[str, list[str]] = {key: [] for key in CATEGORIES}
        self.posts: list[dict] = []  # {t, item, seq, t_ack, ok}
        self.last_acked_seq = 0
        self.acks: list[tuple[float, int]] = []  # (arrival, seq) of every successful ack
        # Bare sender: the app's latest `change`, whose shape and size the bare payload copies.
        self.template: dict | None = None

    def post(self) -> asyncio.Future:
        category = CATEGORIES[self.count % len(CATEGORIES)]
        self.count += 1
        item, text = str(uuid.uuid4()), sentence(self.rng)
        record = {"item": item, "seq": None, "t_ack": None, "ok": None}
        if self.bare:
            self.seq += 1
            record["seq"] = self.seq
            self.order[category].append(item)
            payload = self._bare_payload(item, category, text)
            record["t"] = clock()
            future = self.client.emit("post", payload)
        else:
            payload = {"room": self.room, "op": "create", "mutation_id": str(uuid.uuid4()), "item": item,
                       "category": category, "text": text}
            record["t"] = clock()
            future = self.client.emit("mutate", payload)
        self.posts.append(record)

        def acked(done: asyncio.Future):
            if done.cancelled() or done.exception() is not None:
                record["ok"] = False
                return
            arrival, answer = done.result()
            record["t_ack"], record["ok"] = arrival, bool(answer.get("ok"))
            if record["ok"]:
                record["seq"] = answer.get("seq", record["seq"])
                self.last_acked_seq = max(self.last_acked_seq, record["seq"])
                self.acks.append((arrival, record["seq"]))
            else:
                record["error"] = answer.get("error")

        future.add_done_callback(acked)
        return future

    def _bare_payload(self, item: str, category: str, text: str) -> dict:
        """A payload for the bare server as large as the app's `change`: a copy of the app's latest one
        (new id, text and seq), or, before the app has sent any, the protocol's shape with the category order."""
        if self.template is not None:
            payload = {**self.template, "room": self.room, "seq": self.seq}
            payload["item"] = {**self.template["item"], "id": item, "room": self.room, "text": text}
            return payload
        now = datetime.now(timezone.utc).isoformat()
        return {"room": self.room, "seq": self.seq, "op": "create", "item": {
            "id": item, "room": self.room, "category": category, "text": text,
            "position": len(self.order[category]) - 1, "key_point": False, "question": None, "statement": None,
            "state": "active", "version": 1, "author": "Demo rapporteur", "created_at": now, "updated_at": now},
            "orders": {category: list(self.order[category])}}


async def wait_until(predicate, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


@dataclass
class Usage:
    """CPU seconds used over a measured phase by the load generator (this process), the server, and every
    other process of the machine (`others`, the noise of a shared machine, in CPUs busy on average)."""

    server: Server
    wall: float = 0.0
    loadgen: float = 0.0
    server_cpu: float = 0.0
    others: float = 0.0
    _start: tuple = field(default=(0.0, 0.0, 0.0, 0.0, 0.0))

    def __enter__(self):
        busy, steal = machine_busy()
        self._start = (time.perf_counter(), time.process_time(), self.server.cpu(), busy, steal)
        return self

    def __exit__(self, *_):
        wall, cpu, server, busy, steal = self._start
        now_busy, now_steal = machine_busy()
        self.wall = time.perf_counter() - wall
        self.loadgen = time.process_time() - cpu
        self.server_cpu = self.server.cpu() - server
        foreign = (now_busy - busy) - self.loadgen - self.server_cpu + (now_steal - steal)
        self.others = max(0.0, foreign) / self.wall if self.wall > 0 else 0.0


def audience_cookie(port: int, audience: str, rooms: list[int]) -> str:
    """The viewers' session: "participants" opened the rooms' board links (no account, as an audience on
    their phones); "logged-in" are the demo `viewer` account (a person of the event, shown in presence)."""
    viewer = login(port, "viewer", "viewer-demo")
    return viewer if audience == "logged-in" else participant_cookie(port, viewer, rooms)


class LiveBench:
    """One server under load: a sender and a growing set of viewers, all in this process."""

    def __init__(self, server: Server, audience: str = "participants"):
        self.server, self.audience = server, audience
        self.bare = server.bare
        self.port = server.port
        self.viewers: list[SioClient] = []
        self.receipts: list[tuple[int, float]] = []  # (seq, arrival) of every change any viewer received
        self.sender: SioClient | None = None
        self.rooms: list[int] = [1, 2]
        self.senders: dict[int, Sender] = {}
        self.viewer_cookie = self.sender_cookie = None

    def _on_change(self, _index: int):
        receipts = self

        def on_change(now: float, message: bytes):
            receipts.receipts.append((seq_of(message), now))

        return on_change

    async def start(self) -> "LiveBench":
        if not self.bare:
            self.sender_cookie = login(self.port, "rapporteur", "rapporteur-demo")
            self.rooms = writable_rooms(self.port, self.sender_cookie)[:2]
            self.viewer_cookie = audience_cookie(self.port, self.audience, self.rooms)
        self.sender = await SioClient.connect(HOST, self.port, self.sender_cookie, self._keep_change)
        return self

    def _keep_change(self, _now: float, message: bytes) -> None:
        self.last_change = message

    def latest_change(self) -> dict | None:
        """The last `change` the sender received (its own), as a dict."""
        message = getattr(self, "last_change", None)
        return json.loads(message[len(CHANGE): -1]) if message else None

    async def join(self, clients: list[SioClient], room: int) -> None:
        answers = await asyncio.gather(*(c.call("join", {"room": room, "since": None}, timeout=120)
                                         for c in clients))
        refused = [a for a in answers if not a.get("ok")]
        if refused:
            raise RuntimeError(f"{len(refused)} joins refused: {refused[0]}")

    async def add_viewers(self, count: int, room: int) -> None:
        """Open `count` more viewer connections and join them (and the earlier viewers) to `room`."""
        new = await connect_many(count, HOST, self.port, self.viewer_cookie, self._on_change,
                                 concurrency=20, timeout=180)
        self.viewers.extend(new)
        await self.join(self.viewers, room)
        await self.join([self.sender], room)
        await self.settle()

    async def settle(self, quiet: float = 0.5, timeout: float = 30.0) -> None:
        """Wait until the presence and change traffic of the joins has died down."""
        def traffic():
            return sum(v.presence_count for v in self.viewers) + len(self.receipts)

        deadline = time.monotonic() + timeout
        last, since = traffic(), time.monotonic()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            now = traffic()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    def _delivered(self, sender: Sender, viewers: int) -> bool:
        """Every post answered, and every viewer holds every change that was acked ok."""
        if any(p["ok"] is None for p in sender.posts):
            return False
        return len(self.receipts) >= viewers * sum(1 for p in sender.posts if p["ok"])

    def _latencies(self, posts: list[dict]) -> tuple[list[float], int]:
        sent = {p["seq"]: p["t"] for p in posts if p["ok"] and p["seq"] is not None}
        latencies = [arrival - sent[seq] for seq, arrival in self.receipts if seq in sent]
        return latencies, len(sent)

    def sender_for(self, room: int) -> Sender:
        """One sender per room for the bench's lifetime (its sequence and payload model carry over)."""
        if room not in self.senders:
            self.senders[room] = Sender(self.sender, self.bare, room, seed=room)
        return self.senders[room]

    async def fanout(self, room: int, items: int = 100, rate: float = 10.0, warmup: int = 5) -> dict:
        """B1 (and B0 on the bare server): `items` posts at `rate`/s; latency from post to every viewer."""
        sender = self.sender_for(room)
        sender.posts = []
        for _ in range(warmup):
            sender.post()
            await asyncio.sleep(1 / rate)
        await wait_until(lambda: all(p["ok"] is not None for p in sender.posts), 30)
        await self.settle(quiet=0.3, timeout=10)
        self.receipts = []
        sender.posts = []
        viewers = len(self.viewers)
        with Usage(self.server) as usage:
            start = clock()
            for i in range(items):
                delay = start + i / rate - clock()
                if delay > 0:
                    await asyncio.sleep(delay)
                sender.post()
            await wait_until(lambda: self._delivered(sender, viewers), 30)
        await asyncio.sleep(0.2)
        latencies, _ = self._latencies(sender.posts)
        return {
            "viewers": viewers, "items": items, "expected": viewers * items, "latencies": latencies,
            "acks": [p["t_ack"] - p["t"] for p in sender.posts if p["ok"]],
            "errors": sorted({p.get("error") or "lost" for p in sender.posts if not p["ok"]}),
            "loadgen_cpu": usage.loadgen, "server_cpu": usage.server_cpu, "wall": usage.wall,
            "others": usage.others,
        }

    async def burst(self, room: int, items: int = 200) -> dict:
        """B2: `items` posts written at once, without waiting for acks; deliveries per second to the viewers."""
        sender = self.sender_for(room)
        sender.posts = []
        # A fresh connection, as an outbox flushing after a reconnect: the app's per-socket event budget
        # (services/throttle.py) starts full, as it would for that browser.
        burster = await SioClient.connect(HOST, self.port, self.sender_cookie)
        sender.client = burster
        await self.settle(quiet=0.3, timeout=10)
        self.receipts = []
        viewers = len(self.viewers)
        try:
            with Usage(self.server) as usage:
                start = clock()
                for _ in range(items):
                    sender.post()
                await wait_until(lambda: self._delivered(sender, viewers), 60, step=0.05)
            await asyncio.sleep(0.2)
        finally:
            sender.client = self.sender
            burster.close()
        sent = {p["seq"] for p in sender.posts if p["ok"]}
        arrivals = [arrival for seq, arrival in self.receipts if seq in sent]
        last = max(arrivals, default=start)
        acks = [p["t_ack"] for p in sender.posts if p["ok"]]
        result = {
            "viewers": viewers, "items": items, "expected": viewers * items, "delivered": len(arrivals),
            "duration": last - start, "acked": len(acks),
            "errors": sorted({p.get("error") or "lost" for p in sender.posts if not p["ok"]}),
            "acks_done": (max(acks) - start) if acks else float("nan"),
            "loadgen_cpu": usage.loadgen, "server_cpu": usage.server_cpu, "wall": usage.wall,
            "others": usage.others,
        }
        if not self.bare:
            result["positions_ok"] = self.positions_unique(room)
        return result

    def positions_unique(self, room: int) -> bool:
        """After a burst: do the active items of each category still have distinct positions?"""
        status, _, body = request(self.port, "GET", f"/api/rooms/{room}", headers={"Cookie": self.sender_cookie})
        if status != 200:
            return False
        seen: dict[str, set[int]] = {}
        for item in json.loads(body)["items"]:
            if item["state"] == "active":
                positions = seen.setdefault(item["category"], set())
                if item["position"] in positions:
                    return False
                positions.add(item["position"])
        return True

    async def close(self) -> None:
        for client in self.viewers + ([self.sender] if self.sender else []):
            client.close()
        await asyncio.sleep(0.1)


def _turns(benches: list[LiveBench], turn: int) -> list[LiveBench]:
    """App benches first on even turns, bare benches first on odd ones."""
    ordered = sorted(benches, key=lambda b: b.bare)
    return ordered if turn % 2 == 0 else ordered[::-1]


def _copy_template(benches: list[LiveBench], bench: LiveBench, room: int) -> None:
    """Give a bare bench's sender the app's latest `change` as the model of its payloads."""
    if not bench.bare:
        return
    for other in benches:
        if not other.bare and other.latest_change() is not None:
            bench.sender_for(room).template = other.latest_change()
            return


def pooled_fanout(runs: list[dict]) -> dict:
    """Merge the chunks of one server's B1 runs into one figure."""
    latencies = [x for r in runs for x in r["latencies"]]
    acks = [x for r in runs for x in r["acks"]]
    expected = sum(r["expected"] for r in runs)
    items = sum(r["items"] for r in runs)
    return {
        "viewers": runs[0]["viewers"], "items": items,
        "p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "max": max(latencies, default=0.0),
        "delivered": len(latencies) / expected if expected else 0.0,
        "ack_p50": percentile(acks, 50), "ack_p99": percentile(acks, 99),
        "errors": sorted({e for r in runs for e in r["errors"]}),
        "loadgen_cpu": sum(r["loadgen_cpu"] for r in runs), "server_cpu": sum(r["server_cpu"] for r in runs),
        "server_cpu_per_item": sum(r["server_cpu"] for r in runs) / items if items else float("nan"),
        "wall": sum(r["wall"] for r in runs),
        "others": sum(r["others"] * r["wall"] for r in runs) / sum(r["wall"] for r in runs),
    }


def pooled_burst(runs: list[dict]) -> dict:
    """Merge one server's B2 rounds: total deliveries over total time."""
    delivered = sum(r["delivered"] for r in runs)
    duration = sum(r["duration"] for r in runs)
    items = sum(r["items"] for r in runs)
    return {
        "viewers": runs[0]["viewers"], "items": runs[0]["items"], "rounds": len(runs),
        "rate": delivered / duration if duration > 0 else 0.0,
        "delivered": delivered / sum(r["expected"] for r in runs),
        "duration": duration / len(runs), "acks_done": sum(r["acks_done"] for r in runs) / len(runs),
        "errors": sorted({e for r in runs for e in r["errors"]}),
        "positions_ok": all(r.get("positions_ok", True) for r in runs),
        "others": sum(r["others"] * r["wall"] for r in runs) / sum(r["wall"] for r in runs),
        "loadgen_cpu": sum(r["loadgen_cpu"] for r in runs), "server_cpu": sum(r["server_cpu"] for r in runs),
        "server_cpu_per_item": sum(r["server_cpu"] for r in runs) / items if items else float("nan"),
    }


async def compare(servers: list[Server], sizes: tuple[int, ...] = (200, 500), items: int = 100,
                  chunks: int = 2, burst_items: int = 200, burst_rounds: int = 2, progress=print) -> dict:
    """B1 at each size (and B2 at the first size) on several servers at once (bare and app of one mode).

    The servers all hold their viewers at the same time and take turns, in `chunks` rounds, so that a
    change of load on the shared machine falls on each of them alike. Returns {label: {"fanout": {size:
    figure}, "burst": figure}}.
    """
    benches = [await LiveBench(server).start() for server in servers]
    results: dict = {b.server.label: {"fanout": {}, "burst": None, "join_seconds": {}} for b in benches}
    try:
        for index, size in enumerate(sizes):
            for bench in benches:
                started = time.monotonic()
                room = bench.rooms[min(index, len(bench.rooms) - 1)]
                await bench.add_viewers(size - len(bench.viewers), room)
                took = results[bench.server.label]["join_seconds"][size] = time.monotonic() - started
                progress(f"  {bench.server.label}: {size} viewers joined in {took:.1f} s")
            runs: dict[str, list] = {b.server.label: [] for b in benches}
            for chunk in range(chunks):
                # The app goes first in the first chunk (its `change` is the bare payload's model), then
                # the order alternates so that neither always runs right after the other.
                for bench in _turns(benches, chunk):
                    room = bench.rooms[min(index, len(bench.rooms) - 1)]
                    _copy_template(benches, bench, room)
                    runs[bench.server.label].append(
                        await bench.fanout(room, items=items // chunks, warmup=5 if chunk == 0 else 2))
            for label, chunk_runs in runs.items():
                results[label]["fanout"][size] = pooled_fanout(chunk_runs)
            if index == 0 and burst_items:
                bursts: dict[str, list] = {b.server.label: [] for b in benches}
                for turn in range(burst_rounds):
                    for bench in _turns(benches, turn):
                        _copy_template(benches, bench, bench.rooms[0])
                        bursts[bench.server.label].append(await bench.burst(bench.rooms[0], items=burst_items))
                for label, rounds in bursts.items():
                    results[label]["burst"] = pooled_burst(rounds)
    finally:
        for bench in benches:
            await bench.close()
    return results


# B4: reconnect storm ----------------------------------------------------------------------------------


class StormClient:
    """A viewer that applies changes by `seq` as docs/protocol.md says: ignore duplicates, wait for a
    missing `seq` a moment and then `sync`, and rejoin with its last `seq` after a reconnect."""

    GAP_WAIT = 1.0

    def __init__(self, bench: "Storm", index: int):
        self.bench, self.index = bench, index
        self.client: SioClient | None = None
        self.last = 0
        self.applied: list[int] = []
        self.pending: set[int] = set()
        self.buffered: list[int] | None = None  # live changes that arrive while a join is unanswered
        self.redundant = 0  # deliveries at or below the last applied seq (ignored, as the protocol says)
        self.gap_syncs = 0
        self.snapshots = 0
        self.target: int | None = None
        self.join_sent = self.caught = None
        self._gap_timer: asyncio.TimerHandle | None = None

    def on_change(self, now: float, message: bytes):
        self.deliver(seq_of(message), now)

    def deliver(self, seq: int, now: float):
        if self.buffered is not None:
            self.buffered.append(seq)
            return
        if seq <= self.last or seq in self.pending:
            self.redundant += 1
            return
        if seq != self.last + 1:
            self.pending.add(seq)
            if self._gap_timer is None:
                self._gap_timer = asyncio.get_running_loop().call_later(self.GAP_WAIT, self._gap)
            return
        self._apply(seq, now)
        while self.last + 1 in self.pending:
            self.pending.discard(self.last + 1)
            self._apply(self.last + 1, now)
        if not self.pending and self._gap_timer is not None:
            self._gap_timer.cancel()
            self._gap_timer = None

    def _apply(self, seq: int, now: float):
        self.applied.append(seq)
        self.last = seq
        if self.caught is None and self.target is not None and self.last >= self.target:
            self.caught = now

    def _gap(self):
        self._gap_timer = None
        if self.pending and self.client is not None:
            self.gap_syncs += 1
            asyncio.ensure_future(self._sync())

    async def _sync(self):
        try:
            answer = await self.client.call("sync", {"room": self.bench.room, "since": self.last}, timeout=30)
        except Exception:
            return
        self._take(answer, clock())

    def _take(self, answer: dict, now: float):
        if "snapshot" in answer:
            self.snapshots += 1
            return
        for change in answer.get("changes", []):
            self.deliver(change["seq"], now)

    async def join(self, since: int | None):
        self.buffered = []
        self.target = self.bench.sender.last_acked_seq if since is not None else None
        self.join_sent = clock()
        answer = await self.client.call("join", {"room": self.bench.room, "since": since}, timeout=60)
        now = clock()
        if not answer.get("ok"):
            raise RuntimeError(f"join refused: {answer}")
        buffered, self.buffered = self.buffered, None
        if since is None:
            self.last = answer["seq"]
            self.start_seq = answer["seq"]
        else:
            self._take(answer, now)
        for seq in buffered:
            self.deliver(seq, now)
        if self.caught is None and self.target is not None and self.last >= self.target:
            self.caught = now

    async def connect(self):
        self.client = await SioClient.connect(HOST, self.bench.port, self.bench.viewer_cookie, self.on_change)


class Storm:
    """B4: `clients` viewers in one room; all drop at once and reconnect within `window` seconds, each
    joining with its last `seq`, while the sender keeps posting at `rate`/s."""

    def __init__(self, server: Server, clients: int = 500, window: float = 5.0, rate: float = 10.0,
                 audience: str = "participants"):
        self.server, self.port, self.audience = server, server.port, audience
        self.count, self.window, self.rate = clients, window, rate
        self.clients: list[StormClient] = []
        self.room = 0
        self.sender: Sender | None = None
        self.viewer_cookie = None

    async def run(self, progress=print) -> dict:
        sender_cookie = login(self.port, "rapporteur", "rapporteur-demo")
        self.room = writable_rooms(self.port, sender_cookie)[0]
        self.viewer_cookie = audience_cookie(self.port, self.audience, [self.room])
        sender_client = await SioClient.connect(HOST, self.port, sender_cookie)
        self.sender = Sender(sender_client, False, self.room, seed=99)
        self.clients = [StormClient(self, i) for i in range(self.count)]
        gate = asyncio.Semaphore(20)

        async def first(client: StormClient):
            async with gate:
                await client.connect()
                await client.join(None)

        started = time.monotonic()
        try:
            await asyncio.wait_for(asyncio.gather(*(first(c) for c in self.clients)), 240)
            progress(f"  storm: {self.count} clients joined in {time.monotonic() - started:.1f} s")
            await asyncio.sleep(1.0)
            return await self._storm()
        finally:
            for client in self.clients:
                if client.client is not None:
                    client.client.close()
            sender_client.close()
            await asyncio.sleep(0.1)

    async def _post_loop(self, stop: asyncio.Event):
        start, i = clock(), 0
        while not stop.is_set() and i < 100_000:
            delay = start + i / self.rate - clock()
            if delay > 0:
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                    break
                except asyncio.TimeoutError:
                    pass
            self.sender.post()
            i += 1

    async def _storm(self) -> dict:
        rng = random.Random(5)
        stop = asyncio.Event()
        posting = asyncio.ensure_future(self._post_loop(stop))
        try:
            await asyncio.sleep(3.0)  # everyone receiving live
            with Usage(self.server) as usage:
                t0 = clock()
                for client in self.clients:
                    client.client.close()

                failures = []

                async def back(client: StormClient):
                    await asyncio.sleep(t0 + rng.uniform(0, self.window) - clock())
                    for attempt in range(3):
                        try:
                            await client.connect()
                            await client.join(client.last)
                            return
                        except Exception as error:  # retry a refused or timed-out reconnect
                            if client.client is not None:
                                client.client.abort()
                            if attempt == 2:
                                failures.append(repr(error))
                            await asyncio.sleep(0.5)

                tasks = [asyncio.ensure_future(back(c)) for c in self.clients]
                _, late = await asyncio.wait(tasks, timeout=self.window + 50)
                for task in late:
                    task.cancel()
                    failures.append("not reconnected within the time limit")
                reconnected = clock()
                await asyncio.sleep(2.0)  # the sender keeps posting after the last reconnect
                stop.set()
                await posting
                await wait_until(lambda: all(p["ok"] is not None for p in self.sender.posts), 20)
                final = self.sender.last_acked_seq
                await wait_until(lambda: all(c.last >= final for c in self.clients), 20, step=0.05)
                done = clock()
        finally:
            stop.set()
            if not posting.done():
                posting.cancel()
        await asyncio.sleep(0.5)
        return self._result(t0, reconnected, done, final, failures, usage)

    def _result(self, t0, reconnected, done, final, failures, usage) -> dict:
        complete, gaps, duplicates = 0, 0, 0
        for c in self.clients:
            expected = list(range(c.start_seq + 1, final + 1))
            if c.applied == expected:
                complete += 1
            gaps += len(set(expected) - set(c.applied))
            duplicates += len(c.applied) - len(set(c.applied))
        caught = [c.caught for c in self.clients if c.caught is not None]
        catch_up = [c.caught - c.join_sent for c in self.clients if c.caught is not None]
        errors = [p.get("error") for p in self.sender.posts if not p["ok"]]
        return {
            "clients": self.count, "window": self.window, "changes": final, "audience": self.audience,
            "reconnect_spread": reconnected - t0,
            "all_caught_up": (max(caught) - t0) if len(caught) == self.count else float("nan"),
            "caught_clients": len(caught),
            "catch_up_p50": percentile(catch_up, 50), "catch_up_p99": percentile(catch_up, 99),
            "catch_up_max": max(catch_up, default=float("nan")),
            "complete": complete, "gaps": gaps, "duplicates": duplicates,
            "redundant": sum(c.redundant for c in self.clients),
            "gap_syncs": sum(c.gap_syncs for c in self.clients),
            "snapshots": sum(c.snapshots for c in self.clients),
            "failures": failures[:3], "failed": len(failures), "post_errors": len(errors),
            "presence_events": sum(c.client.presence_count for c in self.clients if c.client),
            "loadgen_cpu": usage.loadgen, "server_cpu": usage.server_cpu, "wall": usage.wall,
            "others": usage.others, "settled_in": done - t0,
        }
