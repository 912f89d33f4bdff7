"""Programme import and export (format: docs/programme-format.md)."""

from __future__ import annotations

import sqlalchemy as sa
import yaml

from ..extensions import db
from ..models import Category, Event, PersonRole, User, default_in_report
from .events import (
    add_default_sections,
    add_programme_session,
    add_round,
    add_workshop,
    create_event,
    set_capture_room,
    set_people,
    set_workshop_location,
    workshop_location,
)
from .programme_schema import DEFAULT_CATEGORIES, FORMAT, PersonIn, ProgrammeError, ProgrammeIn, parse_programme
from .report.settings import CHOICES, FLAGS, FRONT_TEXTS, apply_report_choices, export_report_settings
from .report.texts import set_text

__all__ = ["ProgrammeError", "import_programme", "export_programme", "parse_programme"]


def import_programme(source: str | bytes | ProgrammeIn, creator: User | None = None) -> Event:
    """Create a new event, with its rooms, from a programme file.

    The file is validated whole before anything is written, and everything is added in one savepoint:
    a file with an error leaves the database exactly as it was.
    """
    programme = source if isinstance(source, ProgrammeIn) else parse_programme(source)
    users = _accounts(programme)
    with db.session.begin_nested():
        event = create_event(creator=creator, with_default_categories=False, **programme.event.model_dump())
        for position, category in enumerate(programme.categories or DEFAULT_CATEGORIES):
            db.session.add(Category(event=event, key=category.key, name=category.name, position=position))
        db.session.flush()
        add_default_sections(event)
        workshops = {}
        for entry in programme.workshops:
            fields = entry.model_dump(exclude={"panellists", "people", "location"})
            workshops[entry.number] = add_workshop(event, **fields)
            names = [PersonIn(role=PersonRole.PANELLIST, name=name) for name in entry.panellists]
            set_people(workshops[entry.number], _people(names + entry.people, PersonRole.PANELLIST, users))
        sessions_by_round = {}
        for entry in programme.sessions:
            fields = entry.model_dump(exclude={"round", "start", "end", "chair", "speakers", "people", "capture",
                                               "location"})
            created = add_programme_session(event, start_time=entry.start, end_time=entry.end, **fields)
            names = [PersonIn(role=PersonRole.CHAIR, name=entry.chair)] if entry.chair else []
            names += [PersonIn(role=PersonRole.SPEAKER, name=name) for name in entry.speakers]
            set_people(created, _people(names + entry.people, PersonRole.SPEAKER, users))
            if entry.capture:
                set_capture_room(created, True, entry.location)
            if entry.round is not None:
                sessions_by_round[entry.round] = created
        for entry in programme.rounds:
            chosen = None if entry.workshops is None else [workshops[n] for n in entry.workshops]
            add_round(event, entry.number, entry.title, chosen, sessions_by_round.get(entry.number))
        for entry in programme.workshops:
            if entry.location:
                set_workshop_location(workshops[entry.number], entry.location)
        if programme.report is not None:
            # The report's layout, and its imprint as the first versions of those report texts.
            apply_report_choices(event, programme.report.model_dump(include={*CHOICES, *FLAGS}, exclude_none=True))
            for field in FRONT_TEXTS:
                if getattr(programme.report, field):
                    set_text(event, field, getattr(programme.report, field))
    return event


def _accounts(programme: ProgrammeIn) -> dict[str, User]:
    """The accounts people are linked to, by username; an unknown one is an error with its place."""
    places = [(f"{section}[{i}].people[{j}].user", person.user)
              for section, entries in (("workshops", programme.workshops), ("sessions", programme.sessions))
              for i, entry in enumerate(entries) for j, person in enumerate(entry.people) if person.user]
    found = {user.username: user for user in db.session.scalars(
        sa.select(User).where(User.username.in_({username for _, username in places})))}
    errors = [(place, f"there is no account {username!r}") for place, username in places if username not in found]
    if errors:
        raise ProgrammeError(errors)
    return found


def _people(people: list[PersonIn], default_role: PersonRole, users: dict[str, User]) -> list[dict]:
    return [person.model_dump(exclude={"user"}) | {"role": person.role or default_role,
                                                   "user": users.get(person.user)} for person in people]


def _person(person) -> dict:
    return _drop_empty({"role": person.role.value, "name": person.name, "title": person.title,
                        "organisation": person.organisation, "user": person.user.username if person.user else None})


def _time(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def _drop_empty(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value not in (None, "", [])}


def export_programme(event: Event) -> str:
    """Write the event's programme as a YAML file that import_programme reads back to the same event."""
    all_numbers = [w.number for w in event.workshops]
    data = {
        "format": FORMAT,
        "event": _drop_empty(
            {
                "title": event.title,
                "subtitle": event.subtitle,
                "venue": event.venue,
                "start_date": event.start_date.isoformat() if event.start_date else None,
                "end_date": event.end_date.isoformat() if event.end_date else None,
                "organisers": list(event.organisers or []),
                "language": event.language,
                "introduction": event.introduction,
                "disclaimer": event.disclaimer,
            }
        ),
        "categories": [{"key": c.key, "name": c.name} for c in event.categories],
        "sessions": [
            _drop_empty(
                {
                    "kind": s.kind.value,
                    "title": s.title,
                    "day": s.day.isoformat() if s.day else None,
                    "start": _time(s.start_time),
                    "end": _time(s.end_time),
                    "people": [_person(p) for p in s.people],
                    "questions": list(s.questions or []),
                    "description": s.description,
                    "round": s.round.number if s.round else None,
                    "capture": True if s.capture_room else None,
                    "location": s.capture_room.location if s.capture_room else None,
                    "in_report": None if s.in_report == default_in_report(s.kind) else s.in_report,
                }
            )
            for s in event.programme_sessions
        ],
        "workshops": [
            _drop_empty(
                {
                    "number": w.number,
                    "title": w.title,
                    "description": w.description,
                    "questions": list(w.questions or []),
                    "people": [_person(p) for p in w.people],
                    "location": workshop_location(w),
                }
            )
            for w in event.workshops
        ],
        "rounds": [],
    }
    for round_ in event.rounds:
        numbers = sorted(room.workshop.number for room in round_.rooms)
        entry = {"number": round_.number, "title": round_.title}
        if numbers != all_numbers:
            entry["workshops"] = numbers
        data["rounds"].append(_drop_empty(entry) | {"number": round_.number})
    report = export_report_settings(event)
    if report:
        data["report"] = report
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Long texts as readable block scalars."""


def _str_presenter(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)
