"""Conclusion sections: the headings the plenary's statements go under, and how statements are numbered.

The secretariat names and orders the sections (default: events.add_default_sections). A statement
names its section by the section's stable `key`, as an item names its category: renaming a heading or
reordering sections never touches a statement. Functions flush but never commit.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..formatting import letter, numbers  # noqa: F401  (the labels' rule, re-exported for the plenary)
from ..models import ConclusionSection, Event, ItemState, Statement
from .events import SetupError, unique_key


def sections(event: Event) -> list[tuple[str, str]]:
    """(key, heading) of every section statements can go in, in the secretariat's order."""
    return [(s.key, s.heading) for s in event.conclusion_sections]


def statement_counts(event: Event) -> dict[str, int]:
    """How many active statements each section holds (by key)."""
    return dict(db.session.execute(
        sa.select(Statement.section, sa.func.count(Statement.id))
        .where(Statement.event_id == event.id, Statement.state == ItemState.ACTIVE)
        .group_by(Statement.section)
    ).all())


def add_section(event: Event, heading: str) -> ConclusionSection:
    """Add a section at the end; its key comes from the heading and stays when the heading changes."""
    heading = _heading(heading)
    key = unique_key(heading, {s.key for s in event.conclusion_sections})
    section = ConclusionSection(event=event, key=key, heading=heading, position=len(event.conclusion_sections))
    db.session.add(section)
    db.session.flush()
    return section


def rename_section(section: ConclusionSection, heading: str) -> ConclusionSection:
    section.heading = _heading(heading)
    db.session.flush()
    return section


def move_section(section: ConclusionSection, offset: int) -> None:
    """Move a section up (-1) or down (+1); with continuous numbering this renumbers the statements."""
    ordered = list(section.event.conclusion_sections)
    index = ordered.index(section)
    ordered.insert(max(0, min(len(ordered) - 1, index + offset)), ordered.pop(index))
    for position, each in enumerate(ordered):
        each.position = position
    db.session.flush()


def delete_section(section: ConclusionSection) -> None:
    """Remove an empty section; one that holds statements stays (move them or rename it instead).

    A deleted statement that was in it comes back in the first section when restored.
    """
    event = section.event
    held = db.session.scalar(sa.select(sa.func.count(Statement.id)).where(
        Statement.event_id == event.id, Statement.section == section.key, Statement.state == ItemState.ACTIVE))
    if held:
        raise SetupError(f"{held} statement(s) are in {section.heading!r}; move them to another section "
                         "on the plenary page first, or rename this one.")
    if len(event.conclusion_sections) <= 1:
        raise SetupError("The conclusions need at least one section.")
    db.session.delete(section)
    db.session.flush()
    db.session.expire(event, ["conclusion_sections"])
    for position, each in enumerate(event.conclusion_sections):
        each.position = position
    db.session.flush()


def set_numbering(event: Event, continuous: bool) -> None:
    event.continuous_numbering = continuous
    db.session.flush()


def _heading(heading: str) -> str:
    heading = (heading or "").strip()
    if not heading:
        raise SetupError("A section needs a heading.")
    if len(heading) > 300:
        raise SetupError("A section heading has at most 300 characters.")
    return heading
