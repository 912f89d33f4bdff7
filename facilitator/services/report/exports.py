"""The CSV and JSON exports of all items: where each was captured, by whom and when."""

from __future__ import annotations

import csv
import io

from ...models import Event
from ..statements import event_statements, statement_numbers
from .data import active_items, statement_references

EXPORT_FIELDS = ["id", "workshop", "workshop_title", "round", "room", "category", "text", "key_point",
                 "statement", "author", "created_at", "updated_at", "version"]


def export_rows(event: Event) -> list[dict]:
    """Every active item with where it was captured, by whom and when."""
    statements = event_statements(event)
    references = statement_references(event, statements, statement_numbers(event, statements))
    return [
        {
            "id": i.client_id,
            "workshop": i.room.workshop.number if i.room.workshop else "",
            "workshop_title": i.room.workshop.title if i.room.workshop else "",
            "round": i.room.round.label if i.room.round else "",
            "room": i.room.label,
            "category": i.category.name,
            "text": i.text,
            "key_point": i.is_key_point,
            "statement": references.get(i.statement.client_id, "") if i.statement else "",
            "author": i.author.display_name if i.author else "",
            "created_at": i.created_at.isoformat(),
            "updated_at": i.updated_at.isoformat(),
            "version": i.version,
        }
        for i in active_items(event)
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
