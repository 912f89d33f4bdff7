"""Socket.IO handlers of the capture page and the room boards. Each one: parse, authorize, call the capture
service, answer (ack), broadcast.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import join_room, leave_room

from .. import faults
from ..extensions import socketio
from ..grants import granted_rooms
from ..services import capture
from ..services.protocol import invalid, room_stream
from . import presence
from .answers import answers
from .broadcast import emit_changes, emit_presence


def _room_from(data) -> int:
    if not isinstance(data, dict):
        raise invalid("The message must be a JSON object.")
    return data.get("room")


@socketio.on("join")
@answers(snapshot=True)
def on_join(data):
    """Capture page or board: start receiving a room's changes; answers with a snapshot or what was missed."""
    room = capture.get_room(_room_from(data))
    capture.require_view(current_user, room, granted_rooms())
    since = data.get("since")
    if since is not None and (not isinstance(since, int) or isinstance(since, bool) or since < 0):
        raise invalid("since: must be the last sequence number seen, or null", "since")
    join_room(room_stream(room.id))
    state = capture.snapshot(room) if since is None else capture.room_changes_since(room, since)
    writer = current_user.is_authenticated and capture.can_write_room(current_user, room)
    if writer:
        # Only the people who write are listed: a hall of boards joining must not cost N² presence messages.
        person = {"name": current_user.display_name, "role": "rapporteur"}
        emit_presence(room.id, presence.enter(room.id, request.sid, person))
    return {"ok": True, "can_write": writer, **state}


@socketio.on("leave")
@answers
def on_leave(data):
    """Capture page or board: stop receiving a room's changes."""
    room = capture.get_room(_room_from(data))
    leave_room(room_stream(room.id))
    emit_presence(room.id, presence.leave(room.id, request.sid))
    return {"ok": True}


@socketio.on("sync")
@answers(snapshot=True)
def on_sync(data):
    """A client that saw a gap in the sequence: answers with the changes after `since` (or a snapshot)."""
    room = capture.get_room(_room_from(data))
    capture.require_view(current_user, room, granted_rooms())
    since = data.get("since")
    if not isinstance(since, int) or isinstance(since, bool) or since < 0:
        raise invalid("since: must be the last sequence number seen", "since")
    return {"ok": True, **capture.room_changes_since(room, since)}


@socketio.on("mutate")
@answers
def on_mutate(data):
    """Capture page: create, edit, move, delete or restore an item; ack after commit, then broadcast."""
    user = current_user._get_current_object()  # the User itself: the proxy costs a lookup per attribute
    if not user.is_authenticated:
        raise capture.login_required()
    room = capture.get_room(_room_from(data))
    outcome = capture.perform_mutation(user, room, data)
    emit_changes(outcome.broadcasts)
    faults.after_commit()
    return outcome.answer
