"""Socket.IO handlers of the plenary's statements: join, mutate, suggestions and dismiss (docs/protocol.md)."""

from __future__ import annotations

from flask import current_app, session
from flask_login import current_user
from flask_socketio import join_room

from ..extensions import socketio
from ..grants import BALLOT, participant_events
from ..models import Event
from ..services import voting
from ..services.access import can_moderate, can_view_event
from ..services.capture import login_required
from ..services.events import event_rooms
from ..services.protocol import event_stream, invalid, room_stream
from ..services.statements import (
    get_event,
    perform_statement_mutation,
    plenary_changes_since,
    plenary_snapshot,
    require_read,
    room_state,
    suggestions,
)
from .answers import answers
from .broadcast import emit_changes, emit_tally


def readable_event(data) -> Event:
    """The event a plenary message names, if this user or participant may read it (voting.py uses it too)."""
    if not isinstance(data, dict):
        raise invalid("The message must be a JSON object.")
    event = get_event(data.get("event"))
    require_read(current_user, event, participant_events())
    return event


def _since(value, field: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise invalid(f"{field}: must be the last sequence number seen, or null", field)
    return value


@socketio.on("plenary:join")
@answers(snapshot=True)
def on_plenary_join(data):
    """Plenary page, projector or voting page: statements (snapshot or missed changes) and the vote tally.

    People of the event also get every room's items (or what they missed, given `rooms: {id: seq}`).
    """
    event = readable_event(data)
    since = _since(data.get("since"), "since")
    join_room(event_stream(event.id))
    state = plenary_snapshot(event) if since is None else plenary_changes_since(event, since)
    answer = {"ok": True, "can_moderate": can_moderate(current_user, event), "tally": voting.tally(event), **state}
    if BALLOT in session:
        answer["ballot"] = voting.ballot_state(event, session[BALLOT])
    # Participants never see the rooms' items; the projector and voting page do not ask for them.
    if data.get("items") is False or not can_view_event(current_user, event):
        return answer
    seen = data.get("rooms") or {}
    if not isinstance(seen, dict):
        raise invalid("rooms: must map room ids to the last sequence seen", "rooms")
    rooms = {}
    for room in event_rooms(event):
        join_room(room_stream(room.id))
        last = _since(seen.get(str(room.id)), f"rooms.{room.id}")
        rooms[room.id] = room_state(room, last)
    return {**answer, "rooms": rooms}


@socketio.on("plenary:mutate")
@answers
def on_plenary_mutate(data):
    """Plenary page (moderators, secretariat): create, edit, move, merge, unmerge, delete, restore a statement."""
    user = current_user._get_current_object()  # the User itself: the proxy costs a lookup per attribute
    if not user.is_authenticated:
        raise login_required()
    event = get_event(data.get("event") if isinstance(data, dict) else None)
    outcome = perform_statement_mutation(user, event, data)
    emit_changes(outcome.broadcasts)
    if outcome.answer["ok"] and outcome.answer["op"] in ("delete", "restore"):
        emit_tally(voting.tally(event))
    return outcome.answer


@socketio.on("plenary:suggestions")
@answers
def on_suggestions(data):
    """Plenary page (moderators): groups of unmerged items from different rooms that say the same thing."""
    vocabulary = current_app.extensions["suggestions_vocabulary"]
    return {"ok": True, "suggestions": suggestions.open_suggestions(current_user, readable_event(data), vocabulary)}


@socketio.on("plenary:dismiss")
@answers
def on_dismiss(data):
    """Plenary page (moderators): do not propose this group of items again."""
    event = readable_event(data)
    return {"ok": True, "key": suggestions.dismiss(current_user, event, data.get("items"))}
