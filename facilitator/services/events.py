"""Setting up an event: programme, workshops, rounds, rooms and categories.

Functions flush but never commit; routes and the importer commit once per request.
"""

from __future__ import annotations

import re
from datetime import date, time
from itertools import groupby

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Category,
    ConclusionSection,
    Event,
    Item,
    PersonRole,
    ProgrammeSession,
    Role,
    Room,
    Round,
    SessionKind,
    SessionPerson,
    User,
    Workshop,
    default_in_report,
)
from .accounts import assign
from .report.texts import EVENT_TEXTS, set_text

DEFAULT_CATEGORIES = [
    ("challenge", "Challenges"),
    ("best_practice", "Best practices"),
    ("recommendation", "Recommendations"),
]
# The conclusion section for the secretariat's and moderators' own conclusions, after one per category.
CONCLUSION = ("conclusion", "Conclusions")
DEFAULT_DISCLAIMER = (
    "The outcomes captured from the workshops reflect the discussions held during the event. "
    "They do not represent the official views of the organisers or of the participants' institutions."
)


class SetupError(ValueError):
    """A set-up change that breaks a rule; the message is shown to the secretariat."""


def create_event(title: str, creator: User | None = None, with_default_categories: bool = True, **fields) -> Event:
    """Create an event; its creator becomes its first secretariat member."""
    event = Event(title=title.strip(), disclaimer=fields.pop("disclaimer", None) or DEFAULT_DISCLAIMER, **fields)
    if not event.title:
        raise SetupError("An event needs a title.")
    db.session.add(event)
    if with_default_categories:
        for position, (key, name) in enumerate(DEFAULT_CATEGORIES):
            db.session.add(Category(event=event, key=key, name=name, position=position))
        db.session.flush()
        add_default_sections(event)
    db.session.flush()
    if creator is not None:
        assign(creator, event, Role.SECRETARIAT)
    return event


def add_default_sections(event: Event) -> None:
    """One conclusion section per category, then "Conclusions"; the secretariat renames and reorders them."""
    defaults = [(c.key, c.name) for c in sorted(event.categories, key=lambda c: c.position)]
    if CONCLUSION[0] not in dict(defaults):
        defaults.append(CONCLUSION)
    for position, (key, heading) in enumerate(defaults):
        db.session.add(ConclusionSection(event=event, key=key, heading=heading, position=position))
    db.session.flush()


def update_event(event: Event, **fields) -> Event:
    """Change the event's details (title, venue, dates, texts)."""
    for name, value in fields.items():
        if name in EVENT_TEXTS:  # report texts: their version moves with them (report page conflicts)
            set_text(event, name, value or "")
        else:
            setattr(event, name, value)
    if event.start_date and event.end_date and event.end_date < event.start_date:
        raise SetupError("The end date is before the start date.")
    db.session.flush()
    return event


# Programme sessions ---------------------------------------------------------------------------------


def add_programme_session(event: Event, kind: SessionKind, title: str, in_report: bool | None = None,
                          **fields) -> ProgrammeSession:
    """Append an entry to the programme (its day decides where it is shown); breaks stay out of the report
    unless `in_report` says otherwise."""
    last = db.session.scalar(
        sa.select(sa.func.max(ProgrammeSession.position)).where(ProgrammeSession.event_id == event.id)
    )
    in_report = default_in_report(kind) if in_report is None else in_report
    entry = ProgrammeSession(event=event, kind=kind, title=title, position=(last or 0) + 1, in_report=in_report,
                             **fields)
    _check_times(entry.start_time, entry.end_time)
    db.session.add(entry)
    db.session.flush()
    return entry


def update_programme_session(entry: ProgrammeSession, **fields) -> ProgrammeSession:
    """Change a programme entry; `in_report=None` puts it back to its kind's default."""
    for name, value in fields.items():
        setattr(entry, name, value)
    if "in_report" in fields and fields["in_report"] is None:
        entry.in_report = default_in_report(entry.kind)
    _check_times(entry.start_time, entry.end_time)
    if entry.round is not None and entry.kind is not SessionKind.WORKSHOP_ROUND:
        raise SetupError(f"This session runs {entry.round.label}; only a workshop round can do that.")
    _check_capture(entry)
    db.session.flush()
    return entry


def set_capture_room(entry: ProgrammeSession, capture: bool, location: str = "") -> Room | None:
    """Give a session a capture room of its own (at `location`), or take away one that holds no items."""
    room = entry.capture_room
    if capture:
        if room is None:
            room = Room(event=entry.event, programme_session=entry)
            db.session.add(room)
        room.location = location.strip()
        _check_capture(entry)
    elif room is not None:
        if _room_item_count([room]):
            raise SetupError("This session's room already holds captured items; its capture stays on.")
        entry.capture_room = None
        room = None
    db.session.flush()
    return room


def _check_capture(entry: ProgrammeSession) -> None:
    if entry.capture_room is not None and entry.kind is SessionKind.WORKSHOP_ROUND:
        raise SetupError("A workshop round captures in its workshops' rooms, not in a room of its own.")


def set_people(owner: ProgrammeSession | Workshop, people: list[dict]) -> list[SessionPerson]:
    """Replace the chair, moderators, speakers or panellists of a session or workshop, in the order given.

    Each entry has `role` and any of `name`, `title`, `organisation` and `user`; entries with none of the
    three texts are left out (an empty row of a form).
    """
    owner.people = []
    db.session.flush()
    for entry in people:
        texts = {key: (entry.get(key) or "").strip() for key in ("name", "title", "organisation")}
        if not any(texts.values()):
            continue
        owner.people.append(SessionPerson(role=PersonRole(entry["role"]), user=entry.get("user"),
                                          position=len(owner.people), **texts))
    db.session.flush()
    return owner.people


def move_programme_session(entry: ProgrammeSession, offset: int) -> None:
    """Move an entry up (-1) or down (+1) among the entries of its day, by swapping with its neighbour."""
    same_day = [s for s in entry.event.programme_sessions if s.day == entry.day]
    index = same_day.index(entry)
    if 0 <= index + offset < len(same_day):
        neighbour = same_day[index + offset]
        entry.position, neighbour.position = neighbour.position, entry.position
        db.session.flush()


def programme_by_day(event: Event) -> list[tuple]:
    """The programme grouped by day, in day order; entries without a day come last."""
    entries = sorted(event.programme_sessions, key=lambda s: (s.day or date.max, s.position))
    return [(day, list(group)) for day, group in groupby(entries, key=lambda s: s.day)]


def delete_programme_session(entry: ProgrammeSession) -> None:
    """Remove a programme entry and its empty capture room; a round it ran stays, without a time slot."""
    if entry.capture_room is not None and _room_item_count([entry.capture_room]):
        raise SetupError("This session's room already holds captured items; it cannot be deleted.")
    db.session.delete(entry)
    db.session.flush()


def _check_times(start: time | None, end: time | None) -> None:
    if start and end and end < start:
        raise SetupError("The session ends before it starts.")


# Workshops, rounds, rooms ----------------------------------------------------------------------------


def add_workshop(event: Event, number: int, title: str, rounds: list[Round] | None = None, location: str = "",
                 **fields) -> Workshop:
    """Add a workshop; it gets a room (at `location`) in each of `rounds` (default: every existing round)."""
    if any(w.number == number for w in event.workshops):
        raise SetupError(f"Workshop number {number} is already used.")
    workshop = Workshop(event=event, number=number, title=title, **fields)
    db.session.add(workshop)
    for round_ in event.rounds if rounds is None else rounds:
        db.session.add(Room(event=event, workshop=workshop, round=round_, location=location.strip()))
    db.session.flush()
    return workshop


def set_workshop_rounds(workshop: Workshop, rounds: list[Round]) -> None:
    """Run the workshop in exactly `rounds`: open their rooms, close the others unless they hold items."""
    chosen = {round_.id for round_ in rounds}
    for room in list(workshop.rooms):
        if room.round_id not in chosen:
            if _room_item_count([room]):
                raise SetupError(f"Workshop {workshop.number} already holds items in {room.round.label}; "
                                 "it keeps running in that round.")
            workshop.rooms.remove(room)
    running = {room.round_id for room in workshop.rooms}
    location = workshop_location(workshop)
    for round_ in rounds:
        if round_.id not in running:
            workshop.rooms.append(Room(event=workshop.event, round=round_, location=location))
    db.session.flush()


def workshop_location(workshop: Workshop) -> str:
    """Where the workshop meets: the location of its rooms (the first one given)."""
    return next((room.location for room in workshop.rooms if room.location), "")


def set_workshop_location(workshop: Workshop, location: str) -> None:
    for room in workshop.rooms:
        room.location = location.strip()
    db.session.flush()


def update_workshop(workshop: Workshop, **fields) -> Workshop:
    number = fields.get("number", workshop.number)
    if any(w.number == number and w.id != workshop.id for w in workshop.event.workshops):
        raise SetupError(f"Workshop number {number} is already used.")
    for name, value in fields.items():
        setattr(workshop, name, value)
    db.session.flush()
    return workshop


def add_round(event: Event, number: int, title: str = "", workshops: list[Workshop] | None = None,
              programme_session: ProgrammeSession | None = None) -> Round:
    """Add a round; it opens a room for each of `workshops` (default: all of the event's workshops)."""
    if any(r.number == number for r in event.rounds):
        raise SetupError(f"Round number {number} is already used.")
    _check_slot(None, programme_session)
    round_ = Round(event=event, number=number, title=title, programme_session=programme_session)
    db.session.add(round_)
    for workshop in event.workshops if workshops is None else workshops:
        db.session.add(Room(event=event, workshop=workshop, round=round_, location=workshop_location(workshop)))
    db.session.flush()
    return round_


def update_round(round_: Round, number: int, title: str, programme_session: ProgrammeSession | None) -> Round:
    if any(r.number == number and r.id != round_.id for r in round_.event.rounds):
        raise SetupError(f"Round number {number} is already used.")
    _check_slot(round_, programme_session)
    round_.number, round_.title, round_.programme_session = number, title, programme_session
    db.session.flush()
    return round_


def _check_slot(round_: Round | None, slot: ProgrammeSession | None) -> None:
    """A round runs in at most one programme slot of kind workshop round, and a slot runs one round."""
    if slot is None:
        return
    if slot.kind is not SessionKind.WORKSHOP_ROUND:
        raise SetupError("A round can only be tied to a programme session of kind 'Workshop round'.")
    if slot.round is not None and slot.round is not round_:
        raise SetupError(f"That session already runs {slot.round.label}.")


def _room_item_count(rooms: list[Room]) -> int:
    if not rooms:
        return 0
    return db.session.scalar(sa.select(sa.func.count(Item.id)).where(Item.room_id.in_([r.id for r in rooms])))


def delete_workshop(workshop: Workshop) -> None:
    """Delete a workshop and its rooms, but never one whose rooms already hold items."""
    if _room_item_count(workshop.rooms):
        raise SetupError("This workshop's rooms already hold captured items; it cannot be deleted.")
    db.session.delete(workshop)
    db.session.flush()


def delete_round(round_: Round) -> None:
    """Delete a round and its rooms, but never one whose rooms already hold items."""
    if _room_item_count(round_.rooms):
        raise SetupError("This round's rooms already hold captured items; it cannot be deleted.")
    db.session.delete(round_)
    db.session.flush()


def event_rooms(event: Event) -> list[Room]:
    """All rooms of the event: the workshops' by round then workshop number, then the sessions' in programme
    order."""
    workshop_rooms = db.session.scalars(
        sa.select(Room).join(Room.workshop).join(Room.round).where(Room.event_id == event.id)
        .order_by(Round.number, Workshop.number)
    )
    session_rooms = db.session.scalars(
        sa.select(Room).join(Room.programme_session).where(Room.event_id == event.id)
        .order_by(ProgrammeSession.day.is_(None), ProgrammeSession.day, ProgrammeSession.position)
    )
    return [*workshop_rooms, *session_rooms]


# Categories ------------------------------------------------------------------------------------------


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:64] or "category"


def unique_key(name: str, taken: set[str]) -> str:
    """A key made from a name, numbered when taken; it stays when the name is changed later."""
    key, n = slugify(name), 2
    while key in taken:
        key, n = f"{slugify(name)[:60]}_{n}", n + 1
    return key


def add_category(event: Event, name: str) -> Category:
    """Add a heading at the end; its key is derived from the name and stays when it is renamed."""
    name = name.strip()
    if not name:
        raise SetupError("A category needs a name.")
    key = unique_key(name, {c.key for c in event.categories})
    category = Category(event=event, key=key, name=name, position=len(event.categories))
    db.session.add(category)
    db.session.flush()
    return category


def rename_category(category: Category, name: str) -> Category:
    if not name.strip():
        raise SetupError("A category needs a name.")
    category.name = name.strip()
    db.session.flush()
    return category


def move_category(category: Category, offset: int) -> None:
    """Move a heading left (-1) or right (+1) among the event's categories."""
    _move(list(category.event.categories), category, offset)


def _move(ordered: list, entry, offset: int) -> None:
    """Move `entry` by `offset` places in `ordered` and renumber every `position` from 0."""
    index = ordered.index(entry)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, each in enumerate(ordered):
        each.position = position
    db.session.flush()


def delete_category(category: Category) -> None:
    """Remove an unused heading; one that holds items stays (rename it instead)."""
    used = db.session.scalar(sa.select(sa.func.count(Item.id)).where(Item.category_id == category.id))
    if used:
        raise SetupError(f"{used} item(s) are filed under {category.name!r}; rename it instead of deleting it.")
    if len(category.event.categories) <= 1:
        raise SetupError("An event needs at least one category.")
    event = category.event
    db.session.delete(category)
    db.session.flush()
    db.session.expire(event, ["categories"])
    for position, each in enumerate(event.categories):
        each.position = position
    db.session.flush()
