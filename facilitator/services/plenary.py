"""Plenary synthesis: statements that merge items from any rooms (or none), numbered (a), (b), ... in the
event's conclusion sections (services/conclusions.py).

Statements go through the same live machinery as room items (services/live.py): client UUIDs applied
once, base versions, acks after commit, and the event's plenary change sequence.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from ..extensions import db
from ..models import (
    Category,
    Event,
    Item,
    ItemState,
    ProgrammeSession,
    Room,
    Round,
    Statement,
    StatementRevision,
    User,
    Workshop,
    utcnow,
)
from .access import can_moderate, can_view_event
from .capture import item_json, login_required, room_changes_since, snapshot, snapshots
from .conclusions import numbers, sections
from .live import (
    CONTROL,
    Outcome,
    Refusal,
    changes_since,
    clean_text,
    commit,
    event_stream,
    invalid,
    log_change,
    next_seq,
    raced,
    replayed,
    room_stream,
    validate,
    writer,
)

# Reading ----------------------------------------------------------------------------------------------


def statement_json(statement: Statement, labels: dict[str, str]) -> dict:
    """A statement as the protocol sends it; `labels` are the event's statement_numbers()."""
    return {
        "id": statement.client_id,
        "event": statement.event_id,
        "section": statement.section,
        "text": statement.text,
        "details": statement.details,
        "position": statement.position,
        "number": labels.get(statement.client_id) if statement.state is ItemState.ACTIVE else None,
        "items": [item.client_id for item in statement.items],
        "state": statement.state.value,
        "version": statement.version,
        "updated_at": statement.updated_at.isoformat(),
    }


def event_statements(event: Event) -> list[Statement]:
    return list(
        db.session.scalars(
            sa.select(Statement)
            .where(Statement.event_id == event.id)
            .order_by(Statement.section, Statement.position, Statement.id)
            .options(sa.orm.selectinload(Statement.items))
        )
    )


def statement_numbers(event: Event, statements: list[Statement] | None = None,
                      order: tuple[str, ...] | None = None) -> dict[str, str]:
    """The label of every active statement of the event (client id -> "(a)"), by the event's numbering."""
    active = [s for s in (event_statements(event) if statements is None else statements)
              if s.state is ItemState.ACTIVE]
    order = order if order is not None else tuple(key for key, _ in sections(event))
    by_section = [[s.client_id for s in active if s.section == key] for key in order]
    return numbers(by_section, event.continuous_numbering)


def plenary_snapshot(event: Event) -> dict:
    """Statements of the event, with the plenary sequence they are current to.

    The statements are built once per sequence and numbering: the sections are read fresh, since renaming or
    reordering them, or changing the numbering, moves no sequence.
    """
    section_list = sections(event)
    order = tuple(key for key, _ in section_list)

    def build() -> dict:
        statements = event_statements(event)
        labels = statement_numbers(event, statements, order)
        return {"statements": [statement_json(s, labels) for s in statements]}

    statements = snapshots.get(("plenary", event.id, event.plenary_seq, event.continuous_numbering, order), build)
    return {
        "event": event.id,
        "seq": event.plenary_seq,
        "continuous_numbering": event.continuous_numbering,
        "sections": [{"key": key, "name": name} for key, name in section_list],
        **statements,
    }


def plenary_changes_since(event: Event, since: int) -> dict:
    return {"event": event.id, **changes_since(event_stream(event.id), event.plenary_seq, since,
                                               lambda: plenary_snapshot(event))}


def room_order() -> tuple:
    """ORDER BY terms for rooms (with Workshop, Round and ProgrammeSession outer-joined): workshops by
    number then round, then sessions' rooms in programme order."""
    return (Workshop.number.is_(None), Workshop.number, Round.number, ProgrammeSession.day.is_(None),
            ProgrammeSession.day, ProgrammeSession.position)


def event_items(event: Event) -> list[Item]:
    """Every active item of the event's rooms, by category, room (see room_order) and position."""
    return list(
        db.session.scalars(
            sa.select(Item)
            .join(Item.room)
            .outerjoin(Room.workshop)
            .outerjoin(Room.round)
            .outerjoin(Room.programme_session)
            .join(Item.category)
            .where(Room.event_id == event.id, Item.state == ItemState.ACTIVE)
            .order_by(Category.position, *room_order(), Item.position, Item.id)
            .options(sa.orm.selectinload(Item.statement), sa.orm.selectinload(Item.author))
        )
    )


def summary(event: Event) -> list[dict]:
    """Per section: its statements, the items they merged, and the items not merged yet.

    Each captured point is counted once: through its statement when merged, on its own otherwise.
    """
    items = event_items(event)
    statements = [s for s in event_statements(event) if s.state is ItemState.ACTIVE]
    out = []
    for key, name in sections(event):
        in_section = [s for s in statements if s.section == key]
        open_items = [i for i in items if i.category.key == key and i.statement_id is None]
        out.append({
            "key": key,
            "name": name,
            "statements": len(in_section),
            "merged_items": sum(len(s.items) for s in in_section),
            "open_items": len(open_items),
            "points": len(in_section) + len(open_items),
        })
    return out


def room_state(room: Room, since: int | None) -> dict:
    """A room's items for the plenary page: a snapshot, or what was missed after `since`."""
    return snapshot(room) if since is None else room_changes_since(room, since)


def require_read(user: User, event: Event, participant_events: set[int] = frozenset()) -> None:
    if event.id not in participant_events and not can_view_event(user, event):
        if not user.is_authenticated:
            raise login_required()
        raise Refusal("forbidden", "You do not have access to this event's plenary.")


def get_event(event_id: Any) -> Event:
    if not isinstance(event_id, int) or isinstance(event_id, bool):
        raise invalid("event: must be an event number", "event")
    event = db.session.get(Event, event_id)
    if event is None:
        raise Refusal("not_found", f"There is no event {event_id}.")
    return event


# Writing ----------------------------------------------------------------------------------------------

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
    with writer():
        known = replayed(user, stream, mutation_id)
        if known is not None:
            return known
        try:
            return commit(user, stream, mutation_id, _apply(user, event, payload))
        except sa.exc.IntegrityError as error:
            return raced(error, user, stream, mutation_id)


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
