"""Socket.IO event handlers. Each one: parse, authorize, call the capture service, answer (ack), broadcast.

Every handler answers through the ack callback with {"ok": true, ...} or {"ok": false, "error", "message"};
none lets an exception escape, so one bad payload never disturbs the connection or anyone else.
"""

from __future__ import annotations

import functools
import logging

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from .. import faults
from ..extensions import db, socketio
from ..grants import granted_rooms, participant_events
from ..services import capture
from ..services.protocol import Refusal, invalid, room_stream
from ..services.throttle import EVENTS_PER_SOCKET, SNAPSHOTS_PER_SOCKET, Budget, limiter
from . import presence
from .broadcast import emit_changes, emit_presence

log = logging.getLogger(__name__)


def answers(handler=None, *, snapshot: bool = False):
    """Turn refusals into error answers and unexpected failures into a logged, rolled-back server_error.

    Every event spends from its socket's budget; events that answer with snapshots (`snapshot=True`) also
    from a tighter one per socket and one per address, so a flood of joins is refused before it costs anything.
    """
    if handler is None:
        return functools.partial(answers, snapshot=snapshot)

    @functools.wraps(handler)
    def wrapper(*args):
        try:
            wait = limiter().spend(*_budgets(snapshot))
            if wait:
                return {"ok": False, "error": "rate_limited", "retry_after": wait,
                        "message": f"Too many messages; nothing was done. Send it again in {wait} s."}
            return handler(*args)
        except Refusal as error:
            db.session.rollback()
            return error.answer
        except Exception:
            log.exception("socket handler %s failed", handler.__name__)
            db.session.rollback()
            return {"ok": False, "error": "server_error", "message": "The server could not do this; nothing was saved."}

    return wrapper


def _budgets(snapshot: bool) -> list[tuple[Budget, str]]:
    budgets = [(EVENTS_PER_SOCKET, request.sid)]
    if snapshot:
        per_address = Budget("snapshots-address", current_app.config["SNAPSHOTS_PER_ADDRESS_PER_MINUTE"], 60)
        budgets += [(SNAPSHOTS_PER_SOCKET, request.sid), (per_address, request.remote_addr or "unknown")]
    return budgets


def _room_from(data) -> int:
    if not isinstance(data, dict):
        raise invalid("The message must be a JSON object.")
    return data.get("room")


@socketio.on("connect")
def on_connect(auth=None):
    """Any browser: accepted only when logged in, or after opening a board link or a plenary join code."""
    if not current_user.is_authenticated and not granted_rooms() and not participant_events():
        raise ConnectionRefusedError("login required")


@socketio.on("disconnect")
def on_disconnect(*_reason):
    """Any browser: drop it from the presence lists of the rooms it was in."""
    for room_id, people in presence.leave_all(request.sid).items():
        emit_presence(room_id, people)


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
