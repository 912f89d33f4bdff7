"""The plenary's statements: merged from the rooms' items (writes.py), the read side the plenary pages, the
projector and the report use (reads.py), and the merge suggestions offered to moderators (suggestions.py)."""

from .reads import (
    event_items,
    event_statements,
    get_event,
    plenary_changes_since,
    plenary_snapshot,
    require_read,
    room_order,
    room_state,
    statement_json,
    statement_numbers,
    summary,
)
from .writes import perform_statement_mutation

__all__ = [
    "event_items", "event_statements", "get_event", "perform_statement_mutation",
    "plenary_changes_since", "plenary_snapshot", "require_read", "room_order", "room_state", "statement_json",
    "statement_numbers", "summary",
]
