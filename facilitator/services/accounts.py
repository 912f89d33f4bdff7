"""Accounts and role assignments. Functions flush but never commit: the caller owns the transaction."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Assignment, Event, LoginSession, Role, Room, User, utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
MIN_PASSWORD_LENGTH = 8
# Checked when the username is unknown, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A user or assignment change that breaks a rule; the message is shown to the secretariat."""


def get_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))


def create_user(username: str, password: str, name: str = "", email: str | None = None, is_admin: bool = False) -> User:
    """Create an account with a hashed password; usernames are unique regardless of case."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise AccountError(
            "A username has 2 to 64 characters: letters, digits and . _ @ - (starting with a letter or digit)."
        )
    if get_user(username):
        raise AccountError(f"The username {username!r} is already taken.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(username=username, name=name.strip(), email=(email or "").strip() or None, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with this username and password, or None."""
    user = get_user(username or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.active or not user.check_password(password or ""):
        return None
    return user


def assign(user: User, event: Event, role: Role, room: Room | None = None) -> Assignment:
    """Give the user a role in the event (or in one of its rooms); assigning twice is harmless."""
    if room is not None and room.event_id != event.id:
        raise AccountError("That room belongs to another event.")
    if role is Role.SECRETARIAT and room is not None:
        raise AccountError("The secretariat works on the whole event, not on one room.")
    if role is Role.RAPPORTEUR and room is None:
        raise AccountError("Choose the room this rapporteur writes in.")
    existing = db.session.scalar(
        sa.select(Assignment).where(
            Assignment.user_id == user.id,
            Assignment.event_id == event.id,
            Assignment.role == role,
            Assignment.room_id.is_(None) if room is None else Assignment.room_id == room.id,
        )
    )
    if existing:
        return existing
    assignment = Assignment(user=user, event=event, role=role, room=room)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def unassign(assignment: Assignment) -> None:
    """Remove one role; refuses to leave an event without any secretariat member."""
    if assignment.role is Role.SECRETARIAT:
        others = db.session.scalar(
            sa.select(sa.func.count(Assignment.id)).where(
                Assignment.event_id == assignment.event_id,
                Assignment.role == Role.SECRETARIAT,
                Assignment.id != assignment.id,
            )
        )
        if not others:
            raise AccountError("An event needs at least one secretariat member; add another one first.")
    db.session.delete(assignment)
    db.session.flush()


def start_login(user: User, hours: float) -> str:
    """Record a new login and return its token (kept in the session cookie).

    The user's logins that have ended (logged out or expired) are deleted here, so the table only grows
    with the people using the app, not with every login of the year.
    """
    now = utcnow()
    ended = sa.or_(LoginSession.revoked_at.is_not(None), LoginSession.expires_at <= now)
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id, ended))
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(id=token, user_id=user.id, expires_at=now + timedelta(hours=hours)))
    db.session.flush()
    return token


def end_login(token: str | None) -> None:
    """Revoke a login: every tab and socket of that browser loses it at its next request or event."""
    login = db.session.get(LoginSession, token) if token else None
    if login is not None and login.revoked_at is None:
        login.revoked_at = utcnow()
        db.session.flush()


def user_of_login(token: str | None, user_id: str) -> User | None:
    """The user of a login that is still valid (not revoked, not expired), or None."""
    login = db.session.get(LoginSession, token, options=[sa.orm.joinedload(LoginSession.user)]) if token else None
    if login is None or login.revoked_at is not None or login.expires_at <= utcnow():
        return None
    if str(login.user_id) != user_id or not login.user.active:
        return None
    return login.user
