"""The live protocol's shared machinery (docs/protocol.md): refusals, the once-only mutation ledger,
change sequences and change logs. Room items and plenary statements both run on it.
"""

from __future__ import annotations

import re
import threading
import uuid
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Callable

import sqlalchemy as sa
from flask import current_app
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Change, Mutation, User
from .text import dotted, find_unstorable, problem

_SQLITE_WRITE_LOCK = threading.Lock()
# How many missed changes a reconnecting client is sent before a full snapshot is cheaper.
MAX_CATCH_UP = 1000
# Control characters except tab and newline (tabs become spaces in clean_text).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def room_stream(room_id: int) -> str:
    """The name of a room's change stream, which is also its Socket.IO channel."""
    return f"room:{room_id}"


def event_stream(event_id: int) -> str:
    """The name of an event's plenary stream, which is also its Socket.IO channel."""
    return f"event:{event_id}"


class Refusal(Exception):
    """A request the server will not carry out; `answer` is what the client is told."""

    def __init__(self, error: str, message: str, **extra: Any):
        super().__init__(message)
        self.answer = {"ok": False, "error": error, "message": message, **extra}


def invalid(message: str, field: str | None = None) -> Refusal:
    return Refusal("invalid", message, **({"field": field} if field else {}))


@dataclass
class Outcome:
    """The answer for the sender (the ack) and the committed changes for everyone watching.

    `broadcasts` holds (channel, change) pairs, e.g. ("room:3", {...}) and ("event:1", {...}).
    """

    answer: dict
    broadcasts: list[tuple[str, dict]] = field(default_factory=list)


def as_uuid(data: dict, key: str) -> uuid.UUID:
    """UUIDs arrive as strings in JSON."""
    value = data.get(key)
    if value is None:
        raise invalid(f"{key}: required", key)
    if not isinstance(value, str):
        raise invalid(f"{key}: must be a UUID string", key)
    try:
        return uuid.UUID(value)
    except ValueError:
        raise invalid(f"{key}: must be a UUID such as 2f1c6b1e-8d7a-4c1e-9a55-0c6d2a9b7e10", key) from None


def validate(model: type[BaseModel], data: Any, uuids: tuple[str, ...] = ()):
    """Check a payload against a pydantic model; the first problem becomes an `invalid` answer naming the field."""
    if not isinstance(data, dict):
        raise invalid("The message must be a JSON object.")
    refuse_unstorable(data)
    try:
        return model.model_validate({**data, **{key: as_uuid(data, key) for key in uuids}})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or None
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        raise invalid(f"{field}: {message}" if field else message, field) from None


def refuse_unstorable(data: Any) -> None:
    """Refuse a message holding a string that cannot be stored (services/text.py), naming the field."""
    found = find_unstorable(data)
    if found is not None:
        field = dotted(found[0])
        raise invalid(f"{field}: {found[1]}" if field else found[1], field)


def clean_text(text: str) -> str:
    """Trim, drop control characters, unify line ends, and enforce the configured maximum length."""
    wrong = problem(text)
    if wrong:
        raise invalid(f"text: {wrong}", "text")
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")).strip()
    if not text:
        raise invalid("text: some text is needed", "text")
    limit = current_app.config["MAX_ITEM_LENGTH"]
    if len(text) > limit:
        raise invalid(f"text: at most {limit} characters (this one has {len(text)})", "text")
    return text


@contextmanager
def writer():
    """One mutation's transaction: any error rolls it back, so nothing is half written.

    SQLite has one writer at a time: queue this process's writers here rather than on the database's lock,
    where a burst of handlers waits past the busy timeout and fails. (Under gevent the lock is a gevent lock,
    as `facilitator run` patches before this module is imported.)"""
    lock = _SQLITE_WRITE_LOCK if db.engine.dialect.name == "sqlite" else nullcontext()
    with lock:
        try:
            yield
        except BaseException:
            db.session.rollback()
            raise


def replayed(user: User, stream: str, mutation_id: str) -> Outcome | None:
    """The stored answer when this mutation was already applied, so a resend changes nothing."""
    mutation = db.session.get(Mutation, mutation_id)
    if mutation is None:
        return None
    if mutation.stream != stream or mutation.user_id != user.id:
        raise invalid("mutation_id: already used for another change; generate a new UUID", "mutation_id")
    return Outcome(mutation.answer)


def commit(user: User, stream: str, mutation_id: str, outcome: Outcome) -> Outcome:
    """Keep the answer in the ledger and commit: the ack is only sent after this returns, so a client never
    hears "saved" for something uncommitted."""
    db.session.add(Mutation(id=mutation_id, stream=stream, user_id=user.id, answer=outcome.answer))
    db.session.commit()
    return outcome


def raced(error: sa.exc.IntegrityError, user: User, stream: str, mutation_id: str) -> Outcome:
    """After an IntegrityError: the same UUID committed meanwhile through another connection (a resend racing
    its original) gets that answer; any other clash is raised again."""
    db.session.rollback()
    known = replayed(user, stream, mutation_id)
    if known is None:
        raise error
    return known


def next_seq(owner, column: str) -> int:
    """Take the next number of `owner`'s change sequence (Room.last_seq, Event.plenary_seq).

    The UPDATE's row lock orders concurrent writers, so numbers never repeat or skip. It is a plain
    statement on the session's connection: no autoflush, so the mutation's rows are written in one flush
    at commit.
    """
    table = type(owner).__table__
    seq = db.session.connection().execute(
        sa.update(table).where(table.c.id == owner.id).values({column: table.c[column] + 1}).returning(table.c[column])
    ).scalar_one()
    set_committed_value(owner, column, seq)
    return seq


def log_change(stream: str, seq: int, change: dict) -> None:
    db.session.add(Change(stream=stream, seq=seq, payload=change))


def changes_since(stream: str, last_seq: int, since: int, snapshot: Callable[[], dict]) -> dict:
    """What a reconnecting client missed after `since`, or a snapshot when that is simpler or needed."""
    if since > last_seq or last_seq - since > MAX_CATCH_UP:
        return {"snapshot": snapshot()}
    payloads = db.session.scalars(
        sa.select(Change.payload).where(Change.stream == stream, Change.seq > since).order_by(Change.seq)
    ).all()
    return {"seq": last_seq, "changes": list(payloads)}
