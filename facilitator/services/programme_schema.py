"""The programme file format (docs/programme-format.md) as pydantic models.

Parsing and validation only; nothing here touches the database. Errors carry the path of the bad field,
like `workshops[2].number`, so the secretariat can find it in the file.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from ..models import PersonRole, SessionKind
from .text import find_unstorable

FORMAT = "facilitator-programme/1"

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Number = Annotated[int, Field(ge=1, le=999)]


class ProgrammeError(ValueError):
    """A programme file that cannot be imported; `errors` lists (place, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{place}: {message}" if place else message for place, message in errors))


class _Strict(BaseModel):
    # Unknown fields are errors: a typo like `speaker:` must not be silently dropped.
    model_config = ConfigDict(extra="forbid")


class EventIn(_Strict):
    title: Title
    subtitle: Text = ""
    venue: Text = ""
    start_date: date | None = None
    end_date: date | None = None
    organisers: list[Text] = []
    language: Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)] = "en"
    introduction: Text = ""
    disclaimer: Text = ""

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class CategoryIn(_Strict):
    key: Key
    name: Title


class PersonIn(_Strict):
    """A chair, moderator, speaker or panellist; the programme may name only a function or organisation."""

    role: PersonRole | None = None  # None: a speaker of a session, a panellist of a workshop
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    organisation: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    user: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""  # an account's username

    @model_validator(mode="after")
    def _named(self):
        if not (self.name or self.title or self.organisation):
            raise ValueError("give at least a name, a title or an organisation")
        return self


Location = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class WorkshopIn(_Strict):
    number: Number
    title: Title
    description: Text = ""
    questions: list[Text] = []
    panellists: list[Text] = []  # names only; the older way of writing `people`
    people: list[PersonIn] = []
    location: Location = ""  # where its rooms meet


class RoundIn(_Strict):
    number: Number
    title: Text = ""
    workshops: list[Number] | None = None  # None: every workshop runs in this round


class SessionIn(_Strict):
    kind: SessionKind
    title: Title
    day: date | None = None
    start: time | None = None
    end: time | None = None
    chair: Text = ""  # a name only; the older way of writing `people`
    speakers: list[Text] = []  # names only; the older way of writing `people`
    people: list[PersonIn] = []
    questions: list[Text] = []
    description: Text = ""
    round: Number | None = None  # the round this workshop-round session runs
    capture: bool = False  # a capture room of its own, with rapporteurs (a panel, a keynote, the feedback)
    location: Location = ""  # where its capture room is
    in_report: bool | None = None  # None: breaks are left out, everything else is in


class ReportIn(_Strict):
    """How the report is written (None: as the report page has it) and what a published report carries
    besides its content: the imprint and the back cover, known before the event."""

    mode: str | None = None  # each of these four: one of report_settings.CHOICES
    grouping: str | None = None
    annex: str | None = None
    session_items: str | None = None
    heading_numbers: bool | None = None
    numbered_conclusions: bool | None = None
    report_title: Text = ""
    place: Text = ""
    authors: Text = ""
    publisher: Text = ""
    copyright: Text = ""
    isbn: Text = ""
    doi: Text = ""
    catalogue_number: Text = ""
    address: Text = ""
    participants: Text = ""

    @model_validator(mode="after")
    def _known_choices(self):
        from .report.settings import CHOICES  # the report page's choices, the one list of them

        for name, options in CHOICES.items():
            if getattr(self, name) not in (None, *options):
                raise ValueError(f"{name}: choose one of {', '.join(options)}")
        return self


class ProgrammeIn(_Strict):
    format: str = FORMAT
    event: EventIn
    report: ReportIn | None = None
    categories: list[CategoryIn] | None = None  # None: the default three
    sessions: list[SessionIn] = []
    workshops: list[WorkshopIn] = []
    rounds: list[RoundIn] = []


DEFAULT_CATEGORIES = [
    CategoryIn(key="challenge", name="Challenges"),
    CategoryIn(key="best_practice", name="Best practices"),
    CategoryIn(key="recommendation", name="Recommendations"),
]


def _place(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not re.match(r"^[a-z_]+$", str(part)):
            continue  # pydantic's internal tags like 'function-after[...]'
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field (check its spelling against docs/programme-format.md)"
    return error["msg"]


def _check_references(programme: ProgrammeIn) -> list[tuple[str, str]]:
    """Cross-field rules pydantic cannot see: unique numbers and keys, references that exist."""
    errors: list[tuple[str, str]] = []

    def unique(items, attr, section):
        seen: dict = {}
        for index, entry in enumerate(items):
            value = getattr(entry, attr)
            if value in seen:
                errors.append(
                    (
                        f"{section}[{index}].{attr}",
                        f"duplicate {attr} {value!r} (also used by {section}[{seen[value]}])",
                    )
                )
            else:
                seen[value] = index

    unique(programme.workshops, "number", "workshops")
    unique(programme.rounds, "number", "rounds")
    unique(programme.categories or [], "key", "categories")
    if programme.categories is not None and not programme.categories:
        errors.append(("categories", "an event needs at least one category"))

    workshop_numbers = {w.number for w in programme.workshops}
    for index, round_ in enumerate(programme.rounds):
        for pos, number in enumerate(round_.workshops or []):
            if number not in workshop_numbers:
                errors.append((f"rounds[{index}].workshops[{pos}]", f"unknown workshop number {number}"))

    round_numbers = {r.number for r in programme.rounds}
    claimed: dict[int, int] = {}
    for index, entry in enumerate(programme.sessions):
        place = f"sessions[{index}]"
        if entry.round is not None:
            if entry.kind is not SessionKind.WORKSHOP_ROUND:
                errors.append((f"{place}.round", "only a session of kind workshop_round can run a round"))
            elif entry.round not in round_numbers:
                errors.append((f"{place}.round", f"unknown round number {entry.round}"))
            elif entry.round in claimed:
                other = claimed[entry.round]
                errors.append((f"{place}.round", f"round {entry.round} is already run by sessions[{other}]"))
            else:
                claimed[entry.round] = index
        if entry.start and entry.end and entry.end < entry.start:
            errors.append((f"{place}.end", "ends before it starts"))
        if entry.capture and entry.kind is SessionKind.WORKSHOP_ROUND:
            errors.append((f"{place}.capture", "a workshop round captures in its workshops' rooms"))
        if entry.location and not entry.capture:
            errors.append((f"{place}.location", "a location is where the session's capture room is: "
                                                "add `capture: true`"))
    return errors


def parse_programme(text: str | bytes) -> ProgrammeIn:
    """Parse and validate a programme file (YAML, or JSON which YAML reads too); raise ProgrammeError."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProgrammeError([("", "the file is not UTF-8 text")]) from None
    try:
        # BaseLoader keeps every scalar a string: no YAML 1.1 surprises (`09:00` as 540, `no` as False);
        # pydantic then converts each field to its declared type.
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProgrammeError([(where, f"not valid YAML or JSON: {problem}")]) from None
    if not isinstance(data, dict):
        raise ProgrammeError([("", "the file must hold a mapping with at least an `event` section")])
    unstorable = find_unstorable(data)  # e.g. "\ud800" or "\0" written as an escape in a quoted string
    if unstorable is not None:
        raise ProgrammeError([(_place(unstorable[0]), unstorable[1])])
    if data.get("format", FORMAT) != FORMAT:
        raise ProgrammeError([("format", f"unsupported format {data.get('format')!r}; expected {FORMAT!r}")])
    try:
        programme = ProgrammeIn.model_validate(data)
    except ValidationError as exc:
        raise ProgrammeError([(_place(e["loc"]), _message(e)) for e in exc.errors()]) from None
    errors = _check_references(programme)
    if errors:
        raise ProgrammeError(errors)
    return programme
