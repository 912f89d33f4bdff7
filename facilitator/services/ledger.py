"""The once-only mutation ledger, change sequences and change logs (docs/protocol.md).

A mutation's way through is written out in each perform_* function (capture, plenary statements):
`with writer()`, `replayed`, apply, `commit`, and `raced` when a resend committed meanwhile.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Change, Mutation, User
from .protocol import Outcome, invalid

_SQLITE_WRITE_LOCK = threading.Lock()
# How many missed changes a reconnecting client is sent before a full snapshot is cheaper.
MAX_CATCH_UP = 1000


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
