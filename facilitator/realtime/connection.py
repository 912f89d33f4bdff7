"""Socket.IO connection handlers: who may connect, and leaving the rooms' presence lists on disconnect."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError

from ..extensions import socketio
from ..grants import granted_rooms, participant_events
from . import presence
from .broadcast import emit_presence


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
