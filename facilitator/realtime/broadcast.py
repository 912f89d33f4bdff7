"""The one place that emits to Socket.IO rooms; called only after the change is committed."""

from ..extensions import socketio


def room_channel(room_id: int) -> str:
    return f"room:{room_id}"


def emit_change(change: dict) -> None:
    """Send a committed room change to everyone watching that room."""
    socketio.emit("change", change, to=room_channel(change["room"]))


def emit_presence(room_id: int, people: list[dict]) -> None:
    socketio.emit("presence", {"room": room_id, "people": people}, to=room_channel(room_id))
