"""Building the outcome report's content from the database, the CSV and JSON exports of all items, and the
event's house template (accepted only once a test report built with it opens again).

report_data() gathers; writer/report.py writes the Word file and templates/reports/ the preview, so
the download and the preview show the same structure.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...extensions import db
from ...formatting import date_range, stamp
from ...models import (
    Assignment,
    Event,
    Item,
    ItemState,
    PersonRole,
    ProgrammeSession,
    ReportSettings,
    Role,
    Room,
    SessionKind,
    SessionPerson,
)
from ...writer.model import (
    FrontMatter,
    Report,
    ReportCategory,
    ReportItem,
    ReportOptions,
    ReportSection,
    ReportSession,
    ReportSource,
    ReportStatement,
    ReportSummary,
    ReportWorkshop,
)
from ..conclusions import sections
from ..statements import event_statements, room_order, statement_numbers
from ..voting import tally


def active_items(event: Event) -> list[Item]:
    return list(db.session.scalars(
        sa.select(Item).join(Item.room).outerjoin(Room.workshop).outerjoin(Room.round)
        .outerjoin(Room.programme_session)
        .where(Room.event_id == event.id, Item.state == ItemState.ACTIVE)
        .order_by(*room_order(), Item.position, Item.id)
        .options(sa.orm.selectinload(Item.author), sa.orm.selectinload(Item.statement),
                 sa.orm.selectinload(Item.category))
    ))


def _owner(room: Room) -> tuple[str, int]:
    """What a room's items are reported under: its workshop (all rounds together) or its session."""
    return ("workshop", room.workshop_id) if room.workshop_id is not None else ("session", room.programme_session_id)


def _rapporteurs(event: Event, items: list[Item]) -> dict[tuple[str, int], list[str]]:
    """Names to credit per workshop or session: its assigned rapporteurs, and anyone who wrote its items."""
    names: dict[tuple[str, int], set[str]] = {}
    assignments = db.session.scalars(sa.select(Assignment).where(
        Assignment.event_id == event.id, Assignment.role == Role.RAPPORTEUR, Assignment.room_id.is_not(None)))
    for assignment in assignments:
        names.setdefault(_owner(assignment.room), set()).add(assignment.user.display_name)
    for item in items:
        if item.author is not None:
            names.setdefault(_owner(item.room), set()).add(item.author.display_name)
    return {owner: sorted(people, key=str.lower) for owner, people in names.items()}


def _people(people: list[SessionPerson]) -> dict:
    """A session's people as the report names them: "Moderator: ...", "Panellists: ..."."""
    chairs = [p for p in people if p.role in (PersonRole.CHAIR, PersonRole.MODERATOR)]
    others = [p for p in people if p not in chairs]
    return {
        "chair": "; ".join(p.display for p in chairs),
        "chair_label": "Moderator" if chairs and all(p.role is PersonRole.MODERATOR for p in chairs) else "Chair",
        "speakers": [p.display for p in others],
        "speakers_label": "Panellists" if others and all(p.role is PersonRole.PANELLIST for p in others)
        else "Speakers",
    }


def statement_references(event: Event, statements, labels: dict[str, str]) -> dict[str, str]:
    """Each active statement as the report refers to it: its section's heading and its number."""
    headings = dict(sections(event))
    return {s.client_id: f"{headings.get(s.section, s.section)} {labels[s.client_id]}"
            for s in statements if s.client_id in labels}


_CHAPTERS = {SessionKind.WORKSHOP_ROUND: "workshops", SessionKind.PLENARY_FEEDBACK: "conclusions",
             SessionKind.BREAK: "break"}


def _summary(entry: ProgrammeSession) -> str:
    """A session's narrative: what its room's rapporteurs wrote, or else the secretariat's text."""
    room = entry.capture_room
    return room.summary if room is not None and room.summary.strip() else entry.summary


def report_data(event: Event, key_points_only: bool = False, now: datetime | None = None,
                with_votes: bool = False, mode: str | None = None) -> Report:
    """Everything the report says. With `key_points_only`, workshops list only items marked as key points
    (merged items always stay: they are what the plenary agreed on). Dot totals only `with_votes`. `mode`
    ("draft" or "final") overrides the event's report settings."""
    settings = event.report_settings or ReportSettings.defaults()
    items = active_items(event)
    statements = event_statements(event)
    labels = statement_numbers(event, statements)
    references = statement_references(event, statements, labels)
    numbers = {s.id: references[s.client_id] for s in statements if s.client_id in references}
    credited = _rapporteurs(event, items)
    several_rounds = len(event.rounds) > 1  # "(Round 1)" after every item of a one-round event says nothing

    def outcomes(owner: tuple[str, int], with_round: bool) -> list[ReportCategory]:
        categories = []
        for category in event.categories:
            entries = [
                ReportItem(text=i.text, room=i.room.round.label if with_round and several_rounds else "",
                           key_point=i.is_key_point,
                           statement_ref=numbers.get(i.statement_id), order=i.id)
                for i in items
                if _owner(i.room) == owner and i.category_id == category.id
                and (not key_points_only or i.is_key_point or i.statement_id in numbers)
            ]
            if entries:
                categories.append(ReportCategory(name=category.name, items=entries))
        return categories

    workshops = [
        ReportWorkshop(
            number=workshop.number, title=workshop.title, description=workshop.description,
            questions=list(workshop.questions or []), panellists=[p.display for p in workshop.people],
            rapporteurs=credited.get(("workshop", workshop.id), []),
            categories=outcomes(("workshop", workshop.id), with_round=True),
            summaries=[ReportSummary(room=room.round.label, text=room.summary)
                       for room in sorted(workshop.rooms, key=lambda r: r.round.number) if room.summary.strip()],
        )
        for workshop in event.workshops
    ]

    votes = tally(event)["counts"] if with_votes else {}
    report_sections = []
    for key, name in sections(event):
        in_section = [s for s in statements if s.section == key and s.state is ItemState.ACTIVE]
        if in_section:
            report_sections.append(ReportSection(key=key, name=name, statements=[
                ReportStatement(
                    number=labels[s.client_id], text=s.text, details=s.details,
                    votes=votes.get(s.client_id) if votes else None,
                    sources=[ReportSource(text=i.text, room=i.room.label) for i in s.items
                             if i.state is ItemState.ACTIVE],
                ) for s in in_section
            ]))

    now = now or datetime.now()
    return Report(
        title=settings.report_title.strip() or event.title, subtitle=event.subtitle, venue=event.venue,
        dates=date_range(event.start_date, event.end_date), organisers=list(event.organisers or []),
        introduction=event.introduction, disclaimer=event.disclaimer, conclusions=event.conclusions,
        sessions=[ReportSession(kind=s.kind.label, title=s.title, day=s.day, start=s.start_time, end=s.end_time,
                                questions=list(s.questions or []), summary=_summary(s), **_people(s.people),
                                rapporteurs=credited.get(("session", s.id), []),
                                categories=outcomes(("session", s.id), with_round=False),
                                chapter=_CHAPTERS.get(s.kind, "session"))
                  for s in event.programme_sessions if s.in_report],
        workshops=workshops, sections=report_sections,
        draft_label=f"Draft of {stamp(now)}",
        final=(mode or settings.mode) == "final",
        options=ReportOptions(grouping=settings.grouping, heading_numbers=settings.heading_numbers,
                              annex=settings.annex, session_items=settings.session_items,
                              numbered_conclusions=settings.numbered_conclusions),
        front=FrontMatter(place=settings.place, authors=settings.authors, publisher=settings.publisher,
                          copyright=settings.copyright, isbn=settings.isbn, doi=settings.doi,
                          catalogue_number=settings.catalogue_number, address=settings.address,
                          participants=settings.participants),
    )
