"""What a browser without an account was given, kept in its signed session cookie.

Both the pages (which grant) and the socket handlers (which check) read these, so they live here rather
than in either.
"""

from __future__ import annotations

import secrets

from flask import session

BOARD_GRANTS = "board_rooms"  # session key: rooms whose board link this browser opened
PARTICIPANT_EVENTS = "participant_events"  # session key: events whose join code this browser used
BALLOT = "ballot"  # session key: this device's voting ballot, one per device


def granted_rooms() -> set[int]:
    return set(session.get(BOARD_GRANTS, []))


def participant_events() -> set[int]:
    return set(session.get(PARTICIPANT_EVENTS, []))


def grant_room(room_id: int) -> None:
    """This browser opened the room's board link: it may follow the room's board."""
    session[BOARD_GRANTS] = sorted(granted_rooms() | {room_id})


def grant_event(event_id: int) -> None:
    """This browser used the event's join code: it may follow the plenary and vote."""
    session[PARTICIPANT_EVENTS] = sorted(participant_events() | {event_id})


def ensure_ballot() -> None:
    """One ballot per device, made by a page (an HTTP response can set the cookie; a socket cannot)."""
    session.setdefault(BALLOT, secrets.token_urlsafe(16))
