"""How the event's report is written: draft or final, its layout choices, and its front and back matter.

The choices are saved together from the report page's settings form; the front and back matter are report
texts (texts.py), each saved by itself with a version like the introduction. Functions flush but
never commit.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...extensions import db
from ...models import Event, ReportSettings
from ..protocol import invalid

CHOICES = {
    "mode": {"draft": "Draft, with sources", "final": "Final, to publish"},
    "grouping": {"category": "per workshop, by category", "workshop": "one list per workshop",
                 "all": "one list for all workshops"},
    "annex": {"table": "a table", "compact": "one line per session", "none": "no annex"},
    "session_items": {"none": "none", "key": "key points", "all": "all items"},
}
FLAGS = ("heading_numbers", "numbered_conclusions")
FRONT_TEXTS = {  # field: label on the report page
    "report_title": "Report title (the event's title when empty)",
    "place": "Place, before the dates on the title page (e.g. The Hague)",
    "authors": "Authors",
    "publisher": "Publisher",
    "copyright": "Copyright notice",
    "isbn": "ISBN",
    "doi": "DOI",
    "catalogue_number": "Catalogue number",
    "address": "Publisher's address on the back cover (one line each)",
    "participants": "List of participants (one per line; left out when empty)",
}


def report_settings(event: Event) -> ReportSettings:
    """The event's settings; the defaults (not stored) while nobody changed one."""
    return event.report_settings or ReportSettings.defaults()


def stored_settings(event: Event) -> ReportSettings:
    """The event's settings row, made with the defaults on the first change."""
    if event.report_settings is None:
        settings = ReportSettings.defaults()
        settings.event = event
        db.session.add(settings)
        db.session.flush()
    return event.report_settings


def update_report_options(event: Event, values: Mapping[str, str]) -> ReportSettings:
    """Save the layout choices of a submitted form (an unticked checkbox is absent: off). Refuses an unknown
    value with a Refusal naming the setting, and then changes nothing."""
    chosen = {}
    for name, options in CHOICES.items():
        value = values.get(name)
        if value not in options:
            raise invalid(f"{name}: choose one of {', '.join(options)} (not {str(value)[:40]!r})", name)
        chosen[name] = value
    settings = stored_settings(event)
    for name, value in chosen.items():
        setattr(settings, name, value)
    for name in FLAGS:
        setattr(settings, name, values.get(name) in ("1", "on", "true"))
    db.session.flush()
    return settings


def apply_report_choices(event: Event, chosen: Mapping[str, object]) -> None:
    """Set layout choices already validated (a programme file's `report:` block). Flushes, does not commit."""
    if chosen:
        settings = stored_settings(event)
        for name, value in chosen.items():
            setattr(settings, name, value)
        db.session.flush()


def export_report_settings(event: Event) -> dict:
    """The `report:` block of the event's programme file: the choices once saved, and the texts written."""
    settings = event.report_settings
    if settings is None:
        return {}
    return {name: getattr(settings, name) for name in (*CHOICES, *FLAGS)} | {
        field: getattr(settings, field) for field in FRONT_TEXTS if getattr(settings, field)}
