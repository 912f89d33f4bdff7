"""What the outcome report says, as plain data: built from the database by services/report.py and
written by docx_report.build_report (no Flask, no database), so each side can be tested alone.

Every captured item that is included appears exactly once: in its workshop's outcomes when it was not
merged, or under the statement it was merged into (and its workshop shows a reference to that statement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time


@dataclass
class ReportItem:
    text: str
    room: str  # where it was captured, e.g. "Round 2"
    key_point: bool = False
    statement_ref: str | None = None  # set when merged: e.g. "Recommendations (b)"; then text is not repeated


@dataclass
class ReportCategory:
    name: str  # e.g. "Challenges"
    items: list[ReportItem] = field(default_factory=list)


@dataclass
class ReportWorkshop:
    number: int
    title: str
    description: str = ""
    questions: list[str] = field(default_factory=list)
    panellists: list[str] = field(default_factory=list)
    rapporteurs: list[str] = field(default_factory=list)  # credited by name
    categories: list[ReportCategory] = field(default_factory=list)  # only categories with items


@dataclass
class ReportSource:
    text: str
    room: str  # e.g. "Workshop 1, Round 2"


@dataclass
class ReportStatement:
    number: str  # "(a)"
    text: str  # the headline
    sources: list[ReportSource] = field(default_factory=list)  # the merged items, traceable
    votes: int | None = None  # dots from the plenary vote, when there was one and the report asks for them
    details: str = ""  # explanatory paragraphs below the headline


@dataclass
class ReportSection:
    key: str  # the conclusion section's key
    name: str  # its heading, e.g. "Proposed actionable commitments"
    statements: list[ReportStatement] = field(default_factory=list)


@dataclass
class ReportSession:
    kind: str  # e.g. "Panel"
    title: str
    day: date | None = None
    start: time | None = None
    end: time | None = None
    chair: str = ""  # its chairs or moderators, each "name, title, organisation"
    chair_label: str = "Chair"  # or "Moderator"
    speakers: list[str] = field(default_factory=list)
    speakers_label: str = "Speakers"  # or "Panellists"
    questions: list[str] = field(default_factory=list)
    summary: str = ""  # written by the secretariat on the report page
    rapporteurs: list[str] = field(default_factory=list)  # of its capture room, when it has one
    categories: list[ReportCategory] = field(default_factory=list)  # items of its capture room


@dataclass
class Report:
    title: str
    subtitle: str = ""
    venue: str = ""
    dates: str = ""  # already formatted, e.g. "12-13 January 2016"
    organisers: list[str] = field(default_factory=list)
    introduction: str = ""  # paragraphs separated by blank lines
    disclaimer: str = ""
    conclusions: str = ""  # the secretariat's "conclusions and way forward" text, before the statements
    sessions: list[ReportSession] = field(default_factory=list)
    workshops: list[ReportWorkshop] = field(default_factory=list)
    sections: list[ReportSection] = field(default_factory=list)  # statements: conclusions, recommendations...
    draft_label: str = ""  # e.g. "Draft of 13 January 2016, 17:42"
