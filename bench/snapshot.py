"""B6: joining a room that holds 2,000 items (a snapshot).

    python bench/snapshot.py --instance DIR [--items 2000] [--runs 30]

Run as a script it makes a SQLite database in DIR (migrated, the demo loaded, `--items` items inserted in
the first room of Workshop 1), then times `facilitator.services.capture.snapshot(room)` in-process with
the app's test configuration, each run in a fresh database session, and prints one JSON line.
bench/run.py then serves that same database and times the `join` round trip with `since: null`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from live import percentile, sentence  # noqa: E402


def seed(items: int) -> int:
    """Insert `items` items (spread over the categories) into the demo's first room; returns its id."""
    import sqlalchemy as sa

    from facilitator.demo import load_demo
    from facilitator.extensions import db
    from facilitator.models import Category, Item, Room, User, utcnow
    from facilitator.services.accounts import get_user
    from facilitator.services.events import event_rooms

    event = load_demo()
    room: Room = event_rooms(event)[0]
    categories = list(db.session.scalars(sa.select(Category).where(Category.event_id == event.id)
                                         .order_by(Category.position)))
    author: User = get_user("rapporteur")
    rng = random.Random(11)
    now = utcnow()
    rows = []
    for i in range(items):
        category = categories[i % len(categories)]
        rows.append({"room_id": room.id, "category_id": category.id, "client_id": str(uuid.uuid4()),
                     "text": sentence(rng), "position": i // len(categories), "is_key_point": i % 10 == 0,
                     "question_index": None, "version": 1, "author_id": author.id,
                     "created_at": now, "updated_at": now})
    db.session.execute(sa.insert(Item), rows)
    room.last_seq = items
    db.session.commit()
    return room.id


def time_snapshots(room_id: int, runs: int) -> dict:
    """Server-side time of capture.snapshot(room), and of encoding the answer to JSON, per run."""
    from facilitator.extensions import db
    from facilitator.services import capture

    snapshot_times, encode_times, size = [], [], 0
    for _ in range(runs):
        db.session.remove()  # a fresh session each run, as each socket event gets
        start = time.perf_counter()
        room = capture.get_room(room_id)
        state = capture.snapshot(room)
        middle = time.perf_counter()
        size = len(json.dumps({"ok": True, "can_write": False, **state}, separators=(",", ":")))
        end = time.perf_counter()
        snapshot_times.append(middle - start)
        encode_times.append(end - middle)
    return {"items": len(state["items"]), "bytes": size,
            "p50": percentile(snapshot_times, 50), "p99": percentile(snapshot_times, 99),
            "encode_p50": percentile(encode_times, 50)}


def time_creates(room_id: int, runs: int) -> dict:
    """Server-side time of one `mutate` create (perform_mutation, commit included) in a room, and the
    size of the `change` it broadcasts, each run in a fresh database session."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from facilitator.extensions import db
    from facilitator.services import capture
    from facilitator.services.accounts import get_user

    counts = {"statements": 0, "flushes": 0}

    def statement(*_args):
        counts["statements"] += 1

    def flush(*_args):
        counts["flushes"] += 1

    rng = random.Random(5)
    times, size = [], 0
    sa.event.listen(db.engine, "before_cursor_execute", statement)
    sa.event.listen(Session, "before_flush", flush)
    try:
        for i in range(runs):
            db.session.remove()
            start = time.perf_counter()
            room = capture.get_room(room_id)
            outcome = capture.perform_mutation(get_user("secretariat"), room, {
                "op": "create", "mutation_id": str(uuid.uuid4()), "item": str(uuid.uuid4()),
                "category": ("challenge", "best_practice", "recommendation")[i % 3], "text": sentence(rng)})
            times.append(time.perf_counter() - start)
            size = len(json.dumps(outcome.broadcasts[0][1], separators=(",", ":")))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statement)
        sa.event.remove(Session, "before_flush", flush)
    # get_room and get_user are the handler's own lookups (the socket handler loads the user per event too).
    return {"p50": percentile(times, 50), "p99": percentile(times, 99), "change_bytes": size,
            "statements": counts["statements"] / runs, "flushes": counts["flushes"] / runs}


def prepare(instance: str, items: int, runs: int) -> dict:
    """Make the database in `instance` and time snapshot() in-process."""
    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.app import settle_for_serving
    from facilitator.config import TestConfig
    from facilitator.extensions import db

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance}/facilitator.db",
                     INSTANCE_PATH=instance)
    with app.app_context():
        upgrade()
        room_id = seed(items)
        settle_for_serving()  # as a server does before it serves (`facilitator run`, wsgi.py)
        time_snapshots(room_id, 3)  # warm-up
        result = {"room": room_id, **time_snapshots(room_id, runs)}
        # What a room's size costs every later change: a create in this room and in an empty one.
        from facilitator.demo import load_demo
        from facilitator.services.events import event_rooms

        empty_room = event_rooms(load_demo())[1].id
        time_creates(empty_room, 3)  # warm-up
        result["create_empty"] = time_creates(empty_room, runs)
        result["create_full"] = time_creates(room_id, runs)
        db.session.remove()
        db.engine.dispose()
    return result


async def join_round_trips(port: int, room: int, runs: int = 30) -> dict:
    """The `join` round trip with since=null, from the viewer's side: sent to ack fully received."""
    from harness import HOST, login
    from sioclient import SioClient, clock

    cookie = login(port, "viewer", "viewer-demo")
    client = await SioClient.connect(HOST, port, cookie)
    times = []
    try:
        for _ in range(runs):
            start = clock()
            arrival, answer = await asyncio.wait_for(client.emit("join", {"room": room, "since": None}), 30)
            if not answer.get("ok"):
                raise RuntimeError(f"join refused: {answer}")
            times.append(arrival - start)
        items = len(answer["items"])
    finally:
        client.close()
    return {"items": items, "p50": percentile(times, 50), "p99": percentile(times, 99)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instance", required=True, help="an empty folder for the SQLite database")
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(prepare(args.instance, args.items, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
