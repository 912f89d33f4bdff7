"""The plenary's read side: statements as clients see them, their numbers, snapshots and missed changes,
the event's items in plenary order, and who may read.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import (
    Category,
    Event,
    Item,
    ItemState,
    ProgrammeSession,
    Room,
    Round,
    Statement,
    User,
    Workshop,
)
from ..access import can_view_event
from ..capture import login_required, room_changes_since, snapshot, snapshots
from ..conclusions import numbers, sections
from ..ledger import changes_since
from ..protocol import Refusal, event_stream, invalid


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
