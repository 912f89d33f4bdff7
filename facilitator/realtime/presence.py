"""Who is in which room right now, per server process (enough for the "also here" list)."""

from __future__ import annotations

import threading
from collections import defaultdict

_lock = threading.Lock()
_rooms: dict[int, dict[str, dict]] = defaultdict(dict)  # room id -> socket id -> person


def enter(room_id: int, sid: str, person: dict) -> list[dict]:
    with _lock:
        _rooms[room_id][sid] = person
        return _people(room_id)


def leave(room_id: int, sid: str) -> list[dict]:
    with _lock:
        _rooms[room_id].pop(sid, None)
        return _people(room_id)


def leave_all(sid: str) -> dict[int, list[dict]]:
    """Forget a disconnected socket; returns the new list of every room it was in."""
    with _lock:
        left = [room_id for room_id, sockets in _rooms.items() if sid in sockets]
        for room_id in left:
            del _rooms[room_id][sid]
        return {room_id: _people(room_id) for room_id in left}


def _people(room_id: int) -> list[dict]:
    unique = {(p["name"], p["role"]): p for p in _rooms[room_id].values()}
    return sorted(unique.values(), key=lambda p: p["name"].lower())
