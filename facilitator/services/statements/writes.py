"""Plenary statements: the moderators merge items from any rooms (or none) into statements, numbered (a), (b),
... in the event's conclusion sections (services/conclusions.py).

Statements go through the same once-only path as room items (services/ledger.py): client UUIDs applied once,
base versions, acks after commit, and the event's plenary change sequence.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from ...extensions import db
from ...models import Event, Item, ItemState, Room, Statement, StatementRevision, User, utcnow
from .. import ledger
from ..access import can_moderate
from ..capture import item_json
from ..conclusions import numbers, sections
from ..ledger import log_change, next_seq
from ..protocol import CONTROL, Outcome, Refusal, clean_text, event_stream, invalid, room_stream, validate
from .reads import statement_json, statement_numbers

MAX_DETAILS_LENGTH = 20_000  # an explanatory paragraph or a few; the headline has MAX_ITEM_LENGTH


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    op: Literal["create", "edit", "move", "merge", "unmerge", "delete", "restore"]
    mutation_id: uuid.UUID
    event: StrictInt | None = None
    statement: uuid.UUID
    base_version: StrictInt | None = Field(default=None, ge=1)
    text: StrictStr | None = None
    details: StrictStr | None = None
    section: StrictStr | None = None
    position: StrictInt | None = Field(default=None, ge=0)
    items: list[StrictStr] | None = Field(default=None, max_length=500)


def perform_statement_mutation(user: User, event: Event, data: Any) -> Outcome:
    """Authorize and validate one statement mutation, then apply it once and commit (as capture.perform_mutation)."""
    if not can_moderate(user, event):
        raise Refusal("forbidden", "Only the event's moderators and secretariat shape the plenary statements.")
    payload = validate(_Payload, data, uuids=("mutation_id", "statement"))
    if payload.event is not None and payload.event != event.id:
        raise invalid("event: does not match the event this mutation was sent to", "event")
    if payload.op != "create" and payload.base_version is None:
        raise invalid("base_version: required for every change to an existing statement", "base_version")
    stream, mutation_id = event_stream(event.id), str(payload.mutation_id)
    with ledger.writer():
        known = ledger.replayed(user, stream, mutation_id)
        if known is not None:
            return known
        try:
            return ledger.commit(user, stream, mutation_id, _apply(user, event, payload))
        except sa.exc.IntegrityError as error:
            return ledger.raced(error, user, stream, mutation_id)


def _apply(user: User, event: Event, payload: _Payload) -> Outcome:
    existing = db.session.scalar(sa.select(Statement).where(Statement.client_id == str(payload.statement)))
    if existing is not None and existing.event_id != event.id:
        raise invalid("statement: this id is already used; generate a new UUID", "statement")
    if payload.op == "create":
        if existing is not None:
            raise Refusal("conflict", "A statement with this id already exists.",
                          statement=statement_json(existing, statement_numbers(event)))
        return _create(user, event, payload)
    if existing is None:
        raise Refusal("not_found", "There is no such statement in this event.")
    if payload.base_version != existing.version:
        return _conflict(user, event, existing, payload)
    if existing.state is ItemState.DELETED and payload.op != "restore":
        raise invalid("statement: this statement is deleted; restore it before changing it", "statement")
    touched = {"create": None, "edit": _edit, "move": _move, "merge": _merge, "unmerge": _unmerge,
               "delete": _delete, "restore": _restore}[payload.op](event, existing, payload)
    return _record(user, event, existing, payload, touched)


def _section(event: Event, key: str | None) -> str:
    if key not in {k for k, _ in sections(event)}:
        raise invalid(f"section: unknown section {key!r}", "section")
    return key


def _items(event: Event, ids: list[str] | None, statement: Statement | None) -> list[Item]:
    """The items to merge: in this event's rooms, active, and not merged into another statement."""
    if not ids:
        raise invalid("items: name at least one item", "items")
    found = {
        item.client_id: item
        for item in db.session.scalars(
            sa.select(Item).join(Item.room)
            .where(Item.client_id.in_(set(ids)), Room.event_id == event.id)
        )
    }
    out = []
    for item_id in dict.fromkeys(ids):
        item = found.get(item_id)
        if item is None or item.state is not ItemState.ACTIVE:
            raise invalid(f"items: there is no active item {item_id} in this event", "items")
        if item.statement is not None and item.statement is not statement:
            raise invalid(f"items: {item.text[:60]!r} is already merged into another statement", "items")
        out.append(item)
    return out


def _siblings(event: Event, section: str, exclude: Statement | None = None) -> list[Statement]:
    found = db.session.scalars(
        sa.select(Statement)
        .where(Statement.event_id == event.id, Statement.section == section, Statement.state == ItemState.ACTIVE)
        .order_by(Statement.position, Statement.id)
    ).all()
    return [s for s in found if s is not exclude]


def _place(event: Event, statement: Statement, section: str, position: int | None) -> None:
    """Put the statement at `position` in `section` (default: last) and renumber both sections."""
    old_section = statement.section
    siblings = _siblings(event, section, exclude=statement)
    siblings.insert(len(siblings) if position is None else min(position, len(siblings)), statement)
    statement.section = section
    for index, each in enumerate(siblings):
        each.position = index
    if old_section and old_section != section:
        for index, each in enumerate(_siblings(event, old_section, exclude=statement)):
            each.position = index


def _create(user: User, event: Event, payload: _Payload) -> Outcome:
    """A new statement, merging the items named, or none: the secretariat's and moderators' own conclusions."""
    if payload.text is None:
        raise invalid("text: required", "text")
    statement = Statement(event_id=event.id, client_id=str(payload.statement), text=clean_text(payload.text),
                          details=_details(payload.details), section="", author_id=user.id, version=0)
    items = _items(event, payload.items, None) if payload.items else []
    db.session.add(statement)
    _place(event, statement, _section(event, payload.section), payload.position)
    for item in items:
        item.statement = statement
    return _record(user, event, statement, payload, items)


def _details(details: str | None) -> str:
    """The explanatory text below the headline: optional (it may be empty), paragraphs kept."""
    text = CONTROL.sub("", (details or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")).strip()
    if len(text) > MAX_DETAILS_LENGTH:
        raise invalid(f"details: at most {MAX_DETAILS_LENGTH} characters (this one has {len(text)})", "details")
    return text


def _edit(event: Event, statement: Statement, payload: _Payload) -> list[Item]:
    if payload.text is None and payload.details is None and payload.section is None:
        raise invalid("an edit needs text, details or section")
    if payload.text is not None:
        statement.text = clean_text(payload.text)
    if payload.details is not None:
        statement.details = _details(payload.details)
    if payload.section is not None and payload.section != statement.section:
        _place(event, statement, _section(event, payload.section), None)
    return []


def _move(event: Event, statement: Statement, payload: _Payload) -> list[Item]:
    section = statement.section if payload.section is None else _section(event, payload.section)
    _place(event, statement, section, payload.position)
    return []


def _merge(event: Event, statement: Statement, payload: _Payload) -> list[Item]:
    items = [item for item in _items(event, payload.items, statement) if item.statement is None]
    for item in items:
        item.statement = statement
    return items


def _unmerge(event: Event, statement: Statement, payload: _Payload) -> list[Item]:
    if not payload.items:
        raise invalid("items: name at least one item", "items")
    wanted = set(payload.items)
    items = [item for item in statement.items if item.client_id in wanted]
    if len(items) != len(wanted):
        raise invalid("items: some of these items are not merged into this statement", "items")
    for item in items:
        item.statement = None
    return items


def _delete(event: Event, statement: Statement, payload: _Payload) -> list[Item]:
    """A deleted statement gives its items back to the pool; restoring takes back those still free."""
    items = list(statement.items)
    for item in items:
        item.statement = None
    statement.state = ItemState.DELETED
    for index, each in enumerate(_siblings(event, statement.section, exclude=statement)):
        each.position = index
    return items


def _restore(event: Event, statement: Statement, payload: _Payload) -> list[Item]:
    statement.state = ItemState.ACTIVE
    keys = [key for key, _ in sections(event)]
    if statement.section in keys:
        _place(event, statement, statement.section, statement.position)
    else:  # its section was deleted meanwhile
        _place(event, statement, keys[0], None)
    deletion = next(r for r in reversed(statement.revisions) if r.op == "delete" and r.kind == "change")
    items = db.session.scalars(
        sa.select(Item).where(Item.client_id.in_(deletion.sources), Item.statement_id.is_(None),
                              Item.state == ItemState.ACTIVE)
    ).all()
    for item in items:
        item.statement = statement
    return list(items)


def _record(user: User, event: Event, statement: Statement, payload: _Payload, touched: list[Item]) -> Outcome:
    """Bump the version, keep the revision, log the plenary change and the rooms' item changes."""
    statement.version += 1
    statement.updated_at = utcnow()
    db.session.flush()
    db.session.expire(statement, ["items"])
    sources = [item.client_id for item in statement.items]
    if payload.op == "delete":
        sources = [item.client_id for item in touched]  # what a restore takes back
    db.session.add(StatementRevision(
        statement_id=statement.id, version=statement.version, op=payload.op, text=statement.text,
        details=statement.details, section=statement.section, position=statement.position, state=statement.state,
        sources=sources,
        mutation_id=str(payload.mutation_id), author_id=user.id,
    ))
    seq = next_seq(event, "plenary_seq")
    # Every section's order: a move between sections renumbers both (a handful of statements each), and
    # with continuous numbering the sections after them too.
    orders = {key: [s.client_id for s in _siblings(event, key)] for key, _ in sections(event)}
    change = {
        "event": event.id,
        "seq": seq,
        "op": payload.op,
        "statement": statement_json(statement, numbers(orders.values(), event.continuous_numbering)),
        "orders": orders,
    }
    log_change(event_stream(event.id), seq, change)
    broadcasts = [(event_stream(event.id), change)]
    # Merged and unmerged items change in their rooms too, so boards and capture pages show it.
    for item in touched:
        room_seq = next_seq(item.room, "last_seq")
        room_change = {"room": item.room_id, "seq": room_seq, "op": "merge" if item.statement else "unmerge",
                       "item": item_json(item), "orders": {}}
        log_change(room_stream(item.room_id), room_seq, room_change)
        broadcasts.append((room_stream(item.room_id), room_change))
    answer = {"ok": True, "op": payload.op, "mutation_id": str(payload.mutation_id), "seq": seq,
              "statement": change["statement"]}
    return Outcome(answer, broadcasts)


def _conflict(user: User, event: Event, statement: Statement, payload: _Payload) -> Outcome:
    """A stale change applies nothing; a stale wording is kept in the statement's history."""
    if payload.text is not None or payload.details is not None:
        db.session.add(StatementRevision(
            statement_id=statement.id, version=payload.base_version, kind="conflict", op=payload.op,
            text=CONTROL.sub("", statement.text if payload.text is None else payload.text)[:100_000],
            details=CONTROL.sub("", statement.details if payload.details is None else payload.details)[:100_000],
            section=statement.section, position=statement.position,
            state=statement.state, sources=[i.client_id for i in statement.items],
            mutation_id=str(payload.mutation_id), author_id=user.id,
        ))
    message = (f"This statement was changed meanwhile (now version {statement.version}, your change was based "
               f"on version {payload.base_version}). Nothing was overwritten.")
    return Outcome({"ok": False, "error": "conflict", "message": message, "mutation_id": str(payload.mutation_id),
                    "statement": statement_json(statement, statement_numbers(event))})
