"""The one place that emits to Socket.IO rooms; called only after the change is committed."""

from ..extensions import socketio
from ..services.protocol import event_stream, room_stream


def emit_changes(broadcasts: list[tuple[str, dict]]) -> None:
    """Send committed changes, each to everyone watching its channel ("room:<id>" or "event:<id>")."""
    for channel, change in broadcasts:
        socketio.emit("change", change, to=channel)


def emit_presence(room_id: int, people: list[dict]) -> None:
    socketio.emit("presence", {"room": room_id, "people": people}, to=room_stream(room_id))


def emit_tally(tally: dict) -> None:
    """The live dot count, to everyone watching the event's plenary."""
    socketio.emit("tally", tally, to=event_stream(tally["event"]))
