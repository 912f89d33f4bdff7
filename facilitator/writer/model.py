"""What the outcome report says, as plain data: built from the database by services/report/data.py and
written by report.build_report (no Flask, no database), so each side can be tested alone.

Every captured item that is included appears exactly once. In a draft: in its workshop's outcomes when it
was not merged, or under the statement it was merged into (and its workshop shows a reference to that
statement). In a final report: in its workshop's outcomes, in the room's own words, merged or not.
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
    order: int = 0  # when it was captured, for lists across categories


@dataclass
class ReportCategory:
    name: str  # e.g. "Challenges"
    items: list[ReportItem] = field(default_factory=list)


@dataclass
class ReportSummary:
    room: str  # whose running summary: e.g. "Round 2"
    text: str  # Markdown-like, see narrative.py


@dataclass
class ReportWorkshop:
    number: int
    title: str
    description: str = ""
    questions: list[str] = field(default_factory=list)
    panellists: list[str] = field(default_factory=list)
    rapporteurs: list[str] = field(default_factory=list)  # credited by name
    categories: list[ReportCategory] = field(default_factory=list)  # only categories with items
    summaries: list[ReportSummary] = field(default_factory=list)  # its rooms' summaries, round by round


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
    summary: str = ""  # its capture room's summary, or else the secretariat's text from the report page
    rapporteurs: list[str] = field(default_factory=list)  # of its capture room, when it has one
    categories: list[ReportCategory] = field(default_factory=list)  # items of its capture room
    chapter: str = "session"  # in a final report: "session", or "workshops" / "conclusions" for the
    # workshop rounds and the plenary feedback, whose chapters hold the outcomes and the statements


@dataclass
class ReportOptions:
    """The secretariat's choices for the layout (see ReportSettings)."""

    grouping: str = "category"  # final workshop outcomes: "category" (per workshop, by category),
    # "workshop" (one list per workshop) or "all" (one list for all workshops)
    heading_numbers: bool = False  # "1.", "2.1" before the headings
    annex: str = "table"  # the programme annex: "table", "compact" (one line per session) or "none"
    session_items: str = "key"  # final: a session's items after its narrative: "none", "key" points, "all"
    numbered_conclusions: bool = True  # final: statements as (a), (b)...; otherwise as bullets


@dataclass
class FrontMatter:
    """What a published report carries besides its content: imprint, address, participants."""

    place: str = ""  # "The Hague": on the title page, before the dates
    authors: str = ""
    publisher: str = ""
    copyright: str = ""
    isbn: str = ""
    doi: str = ""
    catalogue_number: str = ""
    address: str = ""  # the publisher's address, a line each: on the back cover
    participants: str = ""  # one per line; a list of participants when given


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
    final: bool = False  # what an organisation publishes: no draft marks, no traceability
    options: ReportOptions = field(default_factory=ReportOptions)
    front: FrontMatter = field(default_factory=FrontMatter)
