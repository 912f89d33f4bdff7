"""Dot voting on plenary statements: participants join with a short code, one ballot per device.

Votes carry a client UUID: a resent vote counts once. Functions that change the secretariat's settings
flush; casting and withdrawing commit, like the other live mutations.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import Event, ItemState, Statement, Vote
from .protocol import Refusal, as_uuid, invalid

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector
MAX_DOTS = 20


def join_code(event: Event) -> str:
    """The event's participant code, made the first time it is needed."""
    while event.join_code is None:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if db.session.scalar(sa.select(Event.id).where(Event.join_code == code)) is None:
            event.join_code = code
            db.session.flush()
    return event.join_code


def event_by_code(code: str) -> Event | None:
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    return db.session.scalar(sa.select(Event).where(Event.join_code == code)) if code else None


def open_voting(event: Event, dots: int) -> None:
    if not 1 <= dots <= MAX_DOTS:
        raise invalid(f"dots: between 1 and {MAX_DOTS} per participant", "dots")
    join_code(event)
    event.voting_open, event.dots_per_ballot = True, dots
    db.session.flush()


def close_voting(event: Event) -> None:
    event.voting_open = False
    db.session.flush()


def clear_votes(event: Event) -> None:
    db.session.execute(sa.delete(Vote).where(Vote.event_id == event.id))
    db.session.flush()


def tally(event: Event) -> dict:
    """Dots per statement (by statement id) and how many ballots were cast, for the projector."""
    rows = db.session.execute(
        sa.select(Statement.client_id, sa.func.count(Vote.id))
        .join(Vote, Vote.statement_id == Statement.id)
        .where(Vote.event_id == event.id, Statement.state == ItemState.ACTIVE)
        .group_by(Statement.client_id)
    ).all()
    ballots = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Vote.ballot))).where(Vote.event_id == event.id)
    )
    return {"event": event.id, "open": event.voting_open, "dots": event.dots_per_ballot,
            "counts": dict(rows), "ballots": ballots}


def ballot_state(event: Event, ballot: str) -> dict:
    """What one device has voted: its dots by vote id, and how many it has left. Dots on a deleted
    statement do not count: they come back if it is restored."""
    votes = db.session.execute(
        sa.select(Vote.client_id, Statement.client_id)
        .join(Statement, Vote.statement_id == Statement.id)
        .where(Vote.event_id == event.id, Vote.ballot == ballot, Statement.state == ItemState.ACTIVE)
        .order_by(Vote.id)
    ).all()
    return {"votes": [{"id": vote, "statement": statement} for vote, statement in votes],
            "left": max(0, event.dots_per_ballot - len(votes))}


def cast_vote(event: Event, ballot: str, data: Any) -> dict:
    """Put one dot on a statement; the same vote id sent twice counts once. Commits."""
    if not isinstance(data, dict):
        raise invalid("The message must be a JSON object.")
    vote_id = str(as_uuid(data, "vote"))
    statement_id = str(as_uuid(data, "statement"))
    existing = db.session.scalar(sa.select(Vote).where(Vote.client_id == vote_id))
    if existing is not None:
        if existing.ballot != ballot:
            raise invalid("vote: this id is already used; generate a new UUID", "vote")
        return {"ok": True, **ballot_state(event, ballot)}
    if not event.voting_open:
        raise Refusal("closed", "Voting is not open.")
    statement = db.session.scalar(
        sa.select(Statement).where(Statement.client_id == statement_id, Statement.event_id == event.id)
    )
    if statement is None or statement.state is not ItemState.ACTIVE:
        raise Refusal("not_found", "There is no such statement to vote on.")
    # Lock the event row so two dots sent at once from one device cannot both pass the budget check.
    db.session.execute(sa.update(Event).where(Event.id == event.id).values(voting_open=Event.voting_open))
    used = len(ballot_state(event, ballot)["votes"])
    if used >= event.dots_per_ballot:
        raise Refusal("no_dots_left", f"You have used all {event.dots_per_ballot} of your dots.")
    db.session.add(Vote(event_id=event.id, statement_id=statement.id, ballot=ballot, client_id=vote_id))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same vote id, committed meanwhile by its resend
        db.session.rollback()
    return {"ok": True, **ballot_state(event, ballot)}


def withdraw_vote(event: Event, ballot: str, data: Any) -> dict:
    """Take one of this device's dots back while voting is open; withdrawing twice is harmless. Commits."""
    if not isinstance(data, dict):
        raise invalid("The message must be a JSON object.")
    vote_id = str(as_uuid(data, "vote"))
    if not event.voting_open:
        raise Refusal("closed", "Voting is not open.")
    db.session.execute(
        sa.delete(Vote).where(Vote.client_id == vote_id, Vote.ballot == ballot, Vote.event_id == event.id)
    )
    db.session.commit()
    return {"ok": True, **ballot_state(event, ballot)}
