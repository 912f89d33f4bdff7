"""Building the outcome report's content from the database, the CSV and JSON exports of all items, and the
event's house template (accepted only once a test report built with it opens again).

report_data() gathers; reports/docx_report.py writes the Word file and templates/reports/ the preview, so
the download and the preview show the same structure.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import Assignment, Event, Item, ItemState, ReportTemplate, Role, Room, Round, Workshop
from ..reports.docx_report import check_template
from ..reports.model import (
    Report,
    ReportCategory,
    ReportItem,
    ReportSection,
    ReportSession,
    ReportSource,
    ReportStatement,
    ReportWorkshop,
)
from .plenary import event_statements, letter, sections
from .voting import tally


def date_range(start, end) -> str:
    """12-13 January 2016; 30 June - 1 July 2016; 12 January 2016."""
    if not start:
        return ""
    if not end or end == start:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} - {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} - {end.day} {end:%B %Y}"


def _all_items(event: Event) -> list[Item]:
    return list(db.session.scalars(
        sa.select(Item).join(Item.room).join(Room.workshop).join(Room.round)
        .where(Workshop.event_id == event.id, Item.state == ItemState.ACTIVE)
        .order_by(Workshop.number, Round.number, Item.position, Item.id)
        .options(sa.orm.selectinload(Item.author), sa.orm.selectinload(Item.statement),
                 sa.orm.selectinload(Item.category))
    ))


def _rapporteurs(event: Event, items: list[Item]) -> dict[int, list[str]]:
    """Names to credit per workshop: its assigned rapporteurs, and anyone who wrote its items."""
    names: dict[int, set[str]] = {}
    assignments = db.session.scalars(sa.select(Assignment).where(
        Assignment.event_id == event.id, Assignment.role == Role.RAPPORTEUR, Assignment.room_id.is_not(None)))
    for assignment in assignments:
        names.setdefault(assignment.room.workshop_id, set()).add(assignment.user.display_name)
    for item in items:
        if item.author is not None:
            names.setdefault(item.room.workshop_id, set()).add(item.author.display_name)
    return {workshop_id: sorted(people, key=str.lower) for workshop_id, people in names.items()}


def report_data(event: Event, key_points_only: bool = False, now: datetime | None = None) -> Report:
    """Everything the report says. With `key_points_only`, workshops list only items marked as key points
    (merged items always stay: they are what the plenary agreed on)."""
    items = _all_items(event)
    section_names = dict(sections(event))
    numbers = {s.id: f"{section_names.get(s.section, s.section)} ({letter(s.position)})"
               for s in event_statements(event) if s.state is ItemState.ACTIVE}
    credited = _rapporteurs(event, items)

    workshops = []
    for workshop in event.workshops:
        categories = []
        for category in event.categories:
            entries = [
                ReportItem(text=i.text, room=i.room.round.label, key_point=i.is_key_point,
                           statement_ref=numbers.get(i.statement_id))
                for i in items
                if i.room.workshop_id == workshop.id and i.category_id == category.id
                and (not key_points_only or i.is_key_point or i.statement_id in numbers)
            ]
            if entries:
                categories.append(ReportCategory(name=category.name, items=entries))
        workshops.append(ReportWorkshop(
            number=workshop.number, title=workshop.title, description=workshop.description,
            questions=list(workshop.questions or []), panellists=list(workshop.panellists or []),
            rapporteurs=credited.get(workshop.id, []), categories=categories,
        ))

    votes = tally(event)["counts"]
    report_sections = []
    for key, name in sections(event):
        statements = [s for s in event_statements(event) if s.section == key and s.state is ItemState.ACTIVE]
        if statements:
            report_sections.append(ReportSection(key=key, name=name, statements=[
                ReportStatement(
                    number=f"({letter(s.position)})", text=s.text, votes=votes.get(s.client_id) if votes else None,
                    sources=[ReportSource(text=i.text, room=i.room.label) for i in s.items
                             if i.state is ItemState.ACTIVE],
                ) for s in statements
            ]))

    now = now or datetime.now()
    return Report(
        title=event.title, subtitle=event.subtitle, venue=event.venue,
        dates=date_range(event.start_date, event.end_date), organisers=list(event.organisers or []),
        introduction=event.introduction, disclaimer=event.disclaimer, conclusions=event.conclusions,
        sessions=[ReportSession(kind=s.kind.label, title=s.title, day=s.day, start=s.start_time, end=s.end_time,
                                chair=s.chair, speakers=list(s.speakers or []), questions=list(s.questions or []),
                                summary=s.summary) for s in event.programme_sessions],
        workshops=workshops, sections=report_sections,
        draft_label=f"Draft of {now.day} {now:%B %Y, %H:%M}",
    )


# Exports ----------------------------------------------------------------------------------------------

EXPORT_FIELDS = ["id", "workshop", "workshop_title", "round", "room", "category", "text", "key_point",
                 "statement", "author", "created_at", "updated_at", "version"]


def export_rows(event: Event) -> list[dict]:
    """Every active item with where it was captured, by whom and when."""
    section_names = dict(sections(event))
    return [
        {
            "id": i.client_id,
            "workshop": i.room.workshop.number,
            "workshop_title": i.room.workshop.title,
            "round": i.room.round.label,
            "room": i.room.label,
            "category": i.category.name,
            "text": i.text,
            "key_point": i.is_key_point,
            "statement": (f"{section_names.get(i.statement.section, i.statement.section)} "
                          f"({letter(i.statement.position)})") if i.statement else "",
            "author": i.author.display_name if i.author else "",
            "created_at": i.created_at.isoformat(),
            "updated_at": i.updated_at.isoformat(),
            "version": i.version,
        }
        for i in _all_items(event)
    ]


def _neutralise(value):
    """Spreadsheets run cells starting with = + - @ (or tab/CR) as formulas: prefix them with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(event: Event) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in export_rows(event):
        writer.writerow({key: _neutralise(value) for key, value in row.items()})
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8 (Cyrillic, Arabic) correctly


def house_template(event: Event) -> ReportTemplate | None:
    """The .docx whose styles, headers and footers the event's report uses, if one was uploaded."""
    return db.session.scalar(sa.select(ReportTemplate).where(ReportTemplate.event_id == event.id))


def replace_house_template(event: Event, filename: str, data: bytes) -> ReportTemplate:
    """Use `data` as the event's house template once it passed check_template; flushes, never commits.

    Raises TemplateError (nothing changed, the previous template stays in force) when the file is refused.
    """
    check_template(data)
    template = house_template(event)
    if template is None:
        template = ReportTemplate(event_id=event.id)
        db.session.add(template)
    template.filename, template.data = (filename or "template.docx")[:255], data
    db.session.flush()
    return template


def remove_house_template(event: Event) -> None:
    """Go back to facilitator's own report styles; flushes, never commits."""
    db.session.execute(sa.delete(ReportTemplate).where(ReportTemplate.event_id == event.id))
