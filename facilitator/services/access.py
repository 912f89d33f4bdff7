"""Who may do what: the one place role rules live, called by routes and socket handlers alike."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Assignment, Event, Role, Room, User
from .events import event_rooms


def _roles(user: User, event_id: int, room_id: int | None = None) -> set[Role]:
    """Roles the user holds in the event: event-wide ones, plus room ones for `room_id` if given."""
    if not user.is_authenticated:
        return set()
    query = sa.select(Assignment.role).where(Assignment.user_id == user.id, Assignment.event_id == event_id)
    if room_id is None:
        query = query.where(Assignment.room_id.is_(None))
    else:
        query = query.where(sa.or_(Assignment.room_id.is_(None), Assignment.room_id == room_id))
    return set(db.session.scalars(query))


def is_secretariat(user: User, event: Event) -> bool:
    """Secretariat members (and site admins) may do everything for the event."""
    return user.is_authenticated and (user.is_admin or Role.SECRETARIAT in _roles(user, event.id))


def _holds_assignment(user: User, *where) -> bool:
    """Site admins always; anyone else if one of their assignments matches `where`."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    query = sa.select(Assignment.id).where(Assignment.user_id == user.id, *where)
    return db.session.scalar(query.limit(1)) is not None


def can_create_event(user: User) -> bool:
    """Site admins and anyone already running an event as secretariat may set up a new one."""
    return _holds_assignment(user, Assignment.role == Role.SECRETARIAT)


def can_view_event(user: User, event: Event) -> bool:
    """Anyone with a role anywhere in the event may read its programme and boards."""
    return _holds_assignment(user, Assignment.event_id == event.id)


def can_moderate(user: User, event: Event) -> bool:
    """Event-wide moderators and the secretariat run the plenary synthesis."""
    return is_secretariat(user, event) or Role.MODERATOR in _roles(user, event.id)


def _holds_room_role(user: User, room: Room, roles: set[Role]) -> bool:
    """Site admins always; anyone else holding one of `roles` in the room or event-wide."""
    if not user.is_authenticated:
        return False
    return user.is_admin or bool(_roles(user, room.event_id, room.id) & roles)


def can_write_room(user: User, room: Room) -> bool:
    """Rapporteurs write in their own rooms; moderators in theirs (or all, when event-wide)."""
    return _holds_room_role(user, room, {Role.SECRETARIAT, Role.MODERATOR, Role.RAPPORTEUR})


def can_moderate_room(user: User, room: Room) -> bool:
    """The room's moderators (or event-wide ones) and the secretariat run its board."""
    return _holds_room_role(user, room, {Role.SECRETARIAT, Role.MODERATOR})


def visible_events(user: User) -> list[Event]:
    """Events the user may open, newest first."""
    query = sa.select(Event).order_by(Event.start_date.desc().nulls_last(), Event.id.desc())
    if not user.is_admin:
        query = query.where(Event.id.in_(sa.select(Assignment.event_id).where(Assignment.user_id == user.id)))
    return list(db.session.scalars(query))


def rooms_to_write(user: User, event: Event) -> list[Room]:
    """The rooms the home page offers this user for capture."""
    return [room for room in event_rooms(event) if can_write_room(user, room)]
