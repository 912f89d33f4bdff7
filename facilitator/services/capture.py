"""Live capture: item mutations, the room's change log and snapshots (docs/protocol.md).

The socket handlers and the HTTP API both call `perform_mutation`, `snapshot` and `changes_since`, so
both apply the same validation, the same permission checks and the same once-only rule.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from ..extensions import db
from ..models import Category, Item, ItemRevision, ItemState, Room, Statement, User, utcnow
from . import ledger, summary
from .access import can_view_event, can_write_room
from .ledger import changes_since, log_change, next_seq
from .protocol import CONTROL, Outcome, Refusal, clean_text, invalid, room_stream, validate
from .snapshot_cache import SnapshotCache

# Payloads ---------------------------------------------------------------------------------------------


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    op: Literal["create", "edit", "move", "delete", "restore"]
    mutation_id: uuid.UUID
    room: StrictInt | None = None  # the room is named by the socket event or the URL; checked if given
    item: uuid.UUID
    base_version: StrictInt | None = Field(default=None, ge=1)
    text: StrictStr | None = None
    category: StrictStr | None = None
    position: StrictInt | None = Field(default=None, ge=0)
    key_point: StrictBool | None = None
    question: StrictInt | None = Field(default=None, ge=-1)  # -1 removes the link


def parse_payload(data: Any) -> _Payload:
    """Validate a mutation; the first problem becomes a clear `invalid` answer naming the field."""
    payload = validate(_Payload, data, uuids=("mutation_id", "item"))
    if payload.op != "create" and payload.base_version is None:
        raise invalid("base_version: required for every change to an existing item", "base_version")
    if payload.op == "move" and {"text", "key_point", "question"} & payload.model_fields_set:  # a move drops them
        raise invalid("position: a move cannot carry text, key_point or question; send the move and the edit "
                      "as two changes", "position")
    return payload


# Reading ----------------------------------------------------------------------------------------------


def item_json(item: Item) -> dict:
    return _as_json(
        item.client_id, item.room_id, item.category.key, item.text, item.position, item.is_key_point,
        item.question_index, item.statement.client_id if item.statement else None, item.state, item.version,
        item.author.display_name if item.author else None, item.created_at, item.updated_at,
    )


def _as_json(client_id, room_id, category, text, position, key_point, question, statement, state, version, author,
             created_at, updated_at) -> dict:
    """An item as clients see it; item_json and snapshot both build it here, so the two never differ."""
    return {
        "id": client_id,
        "room": room_id,
        "category": category,
        "text": text,
        "position": position,
        "key_point": key_point,
        "question": question,
        "statement": statement,
        "state": state.value,
        "version": version,
        "author": author,
        "created_at": created_at.isoformat(),
        "updated_at": updated_at.isoformat(),
    }


# The columns _as_json takes, in its order; author is User.display_name (the name, else the username).
_SNAPSHOT_COLUMNS = (
    Item.client_id, Item.room_id, Category.key, Item.text, Item.position, Item.is_key_point, Item.question_index,
    Statement.client_id, Item.state, Item.version, sa.func.coalesce(sa.func.nullif(User.name, ""), User.username),
    Item.created_at, Item.updated_at,
)


snapshots = SnapshotCache()


def snapshot(room: Room) -> dict:
    """Everything a client needs to draw the room, with the sequence it is current to; built once per sequence."""
    return {**snapshots.get(("room", room.id, room.last_seq), lambda: _read_snapshot(room))}


def _read_snapshot(room: Room) -> dict:
    """Read as plain rows in one query: a room of 2,000 items would spend most of its time building ORM objects."""
    rows = db.session.execute(
        sa.select(*_SNAPSHOT_COLUMNS)
        .select_from(Item)
        .join(Category, Item.category_id == Category.id)
        .outerjoin(Statement, Item.statement_id == Statement.id)
        .outerjoin(User, Item.author_id == User.id)
        .where(Item.room_id == room.id)
        .order_by(Category.position, Item.position, Item.id)
    )
    return {"room": room.id, "seq": room.last_seq, "items": [_as_json(*row) for row in rows],
            "summary": summary.summary_json(room), "show_summary": room.show_summary}


def room_changes_since(room: Room, since: int) -> dict:
    """What a reconnecting client of the room missed after `since` (or a snapshot)."""
    return {"room": room.id, **changes_since(room_stream(room.id), room.last_seq, since, lambda: snapshot(room))}


def require_view(user: User, room: Room, granted_rooms: set[int] = frozenset()) -> None:
    """Reading a room: anyone of the event, or a participant holding the room's board link."""
    if room.id not in granted_rooms and not can_view_event(user, room.event):
        raise _refused(user, "You do not have access to this room.")


def require_write(user: User, room: Room) -> None:
    if not can_write_room(user, room):
        if not user.is_authenticated:
            raise login_required()
        raise Refusal("forbidden", "Only this room's rapporteurs, its moderators and the secretariat write here.")


def login_required() -> Refusal:
    """The login ended (logged out in another tab, or expired): clients keep their unsent notes."""
    return Refusal("login_required", "Your login has ended. Log in again: your unsent notes are kept.")


def _refused(user: User, message: str) -> Refusal:
    return login_required() if not user.is_authenticated else Refusal("forbidden", message)


def get_room(room_id: Any) -> Room:
    if not isinstance(room_id, int) or isinstance(room_id, bool):
        raise invalid("room: must be a room number", "room")
    room = db.session.get(Room, room_id)
    if room is None:
        raise Refusal("not_found", f"There is no room {room_id}.")
    return room


# Writing ----------------------------------------------------------------------------------------------


def perform_mutation(user: User, room: Room, data: Any) -> Outcome:
    """Authorize and validate one mutation, then apply it once and commit (services/ledger.py).

    Items and the room's summary (services/summary.py) share this one path, so they share its guarantees."""
    require_write(user, room)
    on_summary = summary.summary_of(data)
    payload = summary.parse(data) if on_summary else parse_payload(data)
    if payload.room is not None and payload.room != room.id:
        raise invalid("room: does not match the room this mutation was sent to", "room")
    apply = summary.apply if on_summary else _apply
    stream, mutation_id = room_stream(room.id), str(payload.mutation_id)
    with ledger.writer():
        known = ledger.replayed(user, stream, mutation_id)
        if known is not None:
            return known
        try:
            return ledger.commit(user, stream, mutation_id, apply(user, room, payload))
        except sa.exc.IntegrityError as error:
            return ledger.raced(error, user, stream, mutation_id)


def _category(room: Room, key: str | None) -> Category:
    category = db.session.scalar(
        sa.select(Category).where(Category.event_id == room.event_id, Category.key == key)
    )
    if category is None:
        raise invalid(f"category: unknown category {key!r}", "category")
    return category


def _question(room: Room, index: int | None) -> int | None:
    if index is None or index == -1:
        return None
    if index >= len(room.questions):
        raise invalid(f"question: this room has no guiding question number {index}", "question")
    return index


def _apply(user: User, room: Room, payload: _Payload) -> Outcome:
    existing = db.session.scalar(sa.select(Item).where(Item.client_id == str(payload.item)))
    if payload.op == "create":
        if existing is not None and existing.room_id != room.id:
            raise invalid("item: this id is already used; generate a new UUID", "item")
        if existing is not None:
            raise Refusal("conflict", "An item with this id already exists.", item=item_json(existing))
        return _create(user, room, payload)
    if existing is None or existing.room_id != room.id:
        raise Refusal("not_found", "There is no such item in this room.")
    if payload.base_version != existing.version:
        return _conflict(user, existing, payload)
    if existing.state is ItemState.DELETED and payload.op in ("edit", "move"):
        raise invalid("item: this item is deleted; restore it before changing it", "item")
    handler = {"edit": _edit, "move": _move, "delete": _delete, "restore": _restore}[payload.op]
    orders = handler(existing, payload, room)
    return _record(user, room, existing, payload, orders)


def _create(user: User, room: Room, payload: _Payload) -> Outcome:
    if payload.text is None:
        raise invalid("text: required", "text")
    category = _category(room, payload.category)
    text, question = clean_text(payload.text), _question(room, payload.question)
    appending = payload.position is None
    if appending:
        # The common case moves no other item: no need to load and renumber the whole category.
        last = db.session.scalar(sa.select(sa.func.max(Item.position)).where(
            Item.room_id == room.id, Item.category_id == category.id, Item.state == ItemState.ACTIVE))
    # Every column item_json reads is set here: the row is only written at commit, in one flush.
    item = Item(room=room, room_id=room.id, category=category, client_id=str(payload.item), text=text,
                question_index=question, is_key_point=bool(payload.key_point), author=user, version=0, position=0,
                state=ItemState.ACTIVE, created_at=utcnow())
    db.session.add(item)
    if appending:
        item.position = 0 if last is None else last + 1
        return _record(user, room, item, payload)
    siblings = _ordered(room, category, exclude=item)
    siblings.insert(min(payload.position, len(siblings)), item)
    _renumber(siblings)
    return _record(user, room, item, payload, orders={category.key: siblings})


# Each handler changes the item and returns the new order of every category whose order changed.


def _edit(item: Item, payload: _Payload, room: Room) -> dict | None:
    fields = {"text", "category", "key_point", "question"} & payload.model_fields_set
    if not fields:
        raise invalid("an edit needs at least one of text, category, key_point, question")
    if payload.text is not None:
        item.text = clean_text(payload.text)
    if payload.key_point is not None:
        item.is_key_point = payload.key_point
    if "question" in fields:
        item.question_index = _question(room, payload.question)
    if payload.category is not None and payload.category != item.category.key:
        return _move(item, payload.model_copy(update={"position": None}), room)
    return None


def _move(item: Item, payload: _Payload, room: Room) -> dict:
    target = _category(room, payload.category) if payload.category is not None else item.category
    source = item.category
    siblings = _ordered(room, target, exclude=item)
    index = len(siblings) if payload.position is None else min(payload.position, len(siblings))
    siblings.insert(index, item)
    item.category = target
    _renumber(siblings)
    orders = {target.key: siblings}
    if source.id != target.id:
        orders[source.key] = _ordered(room, source, exclude=item)
        _renumber(orders[source.key])
    return orders


def _delete(item: Item, payload: _Payload, room: Room) -> dict:
    item.state = ItemState.DELETED
    return {item.category.key: _ordered(room, item.category, exclude=item)}


def _restore(item: Item, payload: _Payload, room: Room) -> dict:
    """The item comes back where it was, among the items now in its category."""
    item.state = ItemState.ACTIVE
    siblings = _ordered(room, item.category, exclude=item)
    siblings.insert(min(item.position, len(siblings)), item)
    _renumber(siblings)
    return {item.category.key: siblings}


def _ordered(room: Room, category: Category, exclude: Item | None = None) -> list[Item]:
    items = db.session.scalars(
        sa.select(Item)
        .where(Item.room_id == room.id, Item.category_id == category.id, Item.state == ItemState.ACTIVE)
        .order_by(Item.position, Item.id)
    ).all()
    return [item for item in items if item is not exclude]


def _renumber(items: list[Item]) -> None:
    for position, item in enumerate(items):
        item.position = position


def _record(user: User, room: Room, item: Item, payload: _Payload, orders: dict | None = None) -> Outcome:
    """Bump the version, keep the revision, append to the room's change log; return ack and change."""
    item.version += 1
    item.updated_at = utcnow()
    db.session.add(
        ItemRevision(
            item=item, version=item.version, text=item.text, category_id=item.category.id, position=item.position,
            is_key_point=item.is_key_point, state=item.state, mutation_id=str(payload.mutation_id), author_id=user.id,
        )
    )
    seq = next_seq(room, "last_seq")
    orders = orders or {}
    change = {
        "room": room.id,
        "seq": seq,
        "op": payload.op,
        "item": item_json(item),
        "orders": {key: [each.client_id for each in items] for key, items in orders.items()},
    }
    log_change(room_stream(room.id), seq, change)
    answer = {"ok": True, "op": payload.op, "mutation_id": str(payload.mutation_id), "seq": seq,
              "item": change["item"]}
    return Outcome(answer, [(room_stream(room.id), change)])


def _conflict(user: User, item: Item, payload: _Payload) -> Outcome:
    """A stale edit changes nothing, but what the user typed is kept in the item's history."""
    if payload.text is not None:
        db.session.add(
            ItemRevision(
                item=item, version=payload.base_version, kind="conflict", text=CONTROL.sub("", payload.text)[:100_000],
                category_id=item.category_id, position=item.position, is_key_point=item.is_key_point,
                state=item.state, mutation_id=str(payload.mutation_id), author_id=user.id,
            )
        )
    message = (f"This item was changed by someone else (now version {item.version}, your change was based on "
               f"version {payload.base_version}). Nothing was overwritten.")
    return Outcome({"ok": False, "error": "conflict", "message": message, "mutation_id": str(payload.mutation_id),
                    "item": item_json(item)})
