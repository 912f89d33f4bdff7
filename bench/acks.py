"""B3: ack latency of `mutate` create, with 12 rapporteurs writing at once, each in its own room.

Each sender posts `rate` items per second for `seconds` seconds on its own connection (the demo's
secretariat may write in every room), joined to its room as a capture page is. The ack is sent after the
commit, so its latency is the server's whole write path: authorize, validate, insert, commit, broadcast.
"""

from __future__ import annotations

import asyncio
import random

from harness import HOST, Server, login, writable_rooms
from live import Sender, Usage, percentile, wait_until
from sioclient import SioClient, clock


async def ack_latency(server: Server, senders: int = 12, rate: float = 5.0, seconds: float = 10.0,
                      warmup: int = 3) -> dict:
    cookie = login(server.port, "secretariat", "secretariat-demo")
    rooms = writable_rooms(server.port, cookie)[:senders]
    if len(rooms) < senders:
        raise RuntimeError(f"the demo has {len(rooms)} rooms, {senders} are needed")
    clients = [await SioClient.connect(HOST, server.port, cookie) for _ in rooms]
    try:
        for client, room in zip(clients, rooms):
            answer = await client.call("join", {"room": room, "since": None})
            if not answer.get("ok") or not answer.get("can_write"):
                raise RuntimeError(f"cannot write in room {room}: {answer}")
        posters = [Sender(client, False, room, seed=room) for client, room in zip(clients, rooms)]
        for _ in range(warmup):
            for poster in posters:
                poster.post()
            await asyncio.sleep(1 / rate)
        await wait_until(lambda: all(p["ok"] is not None for s in posters for p in s.posts), 30)
        for poster in posters:
            poster.posts = []
        count = int(rate * seconds)

        async def run(poster: Sender, offset: float):
            start = clock() + offset
            for i in range(count):
                delay = start + i / rate - clock()
                if delay > 0:
                    await asyncio.sleep(delay)
                poster.post()

        rng = random.Random(3)
        with Usage(server) as usage:
            await asyncio.gather(*(run(p, rng.uniform(0, 1 / rate)) for p in posters))
            await wait_until(lambda: all(p["ok"] is not None for s in posters for p in s.posts), 60)
        posts = [p for s in posters for p in s.posts]
        latencies = [p["t_ack"] - p["t"] for p in posts if p["ok"]]
        errors = sorted({p.get("error") or "lost" for p in posts if not p["ok"]})
        return {
            "senders": senders, "rate": rate, "items": len(posts), "ok": len(latencies), "errors": errors,
            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99), "max": max(latencies, default=0),
            "loadgen_cpu": usage.loadgen, "server_cpu": usage.server_cpu, "wall": usage.wall,
            "others": usage.others,
        }
    finally:
        for client in clients:
            client.close()
        await asyncio.sleep(0.1)
