"""The suggestions the plenary page offers its moderators: groups of unmerged items from different rooms that
say the same thing (services/suggestions.py finds them), less the groups a moderator dismissed.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import DismissedSuggestion, Event, User
from ..access import can_moderate
from ..capture import item_json
from ..protocol import Refusal, invalid, refuse_unstorable
from ..suggestions import EMPTY_VOCABULARY, Candidate, Vocabulary, suggest
from .reads import event_items


def open_suggestions(user: User, event: Event, vocabulary: Vocabulary = EMPTY_VOCABULARY) -> list[dict]:
    """The groups to propose, best first, each with a key that names it for `dismiss`; the `vocabulary` says
    which words of the event's subject mean the same."""
    if not can_moderate(user, event):
        raise Refusal("forbidden", "Only moderators and the secretariat see suggestions.")
    items = [i for i in event_items(event) if i.statement_id is None]
    dismissed = set(db.session.scalars(sa.select(DismissedSuggestion.key).where(
        DismissedSuggestion.event_id == event.id)))
    by_id = {i.client_id: i for i in items}
    groups = suggest([Candidate(i.client_id, i.room_id, i.category.key, i.text) for i in items],
                     vocabulary=vocabulary)
    return [
        {"key": _key(g.items), "score": round(g.score, 3), "items": [item_json(by_id[i]) for i in g.items]}
        for g in groups if _key(g.items) not in dismissed
    ]


def dismiss(user: User, event: Event, ids: Any) -> str:
    """Do not propose this group of items again; commits, like the other live changes. Dismissing twice is
    harmless."""
    if not can_moderate(user, event):
        raise Refusal("forbidden", "Only moderators and the secretariat dismiss suggestions.")
    if not isinstance(ids, list) or len(ids) < 2 or not all(isinstance(i, str) for i in ids):
        raise invalid("items: the ids of the suggested items", "items")
    refuse_unstorable({"items": ids})
    key = _key(ids)
    if db.session.scalar(sa.select(DismissedSuggestion.id).where(
            DismissedSuggestion.event_id == event.id, DismissedSuggestion.key == key)) is None:
        db.session.add(DismissedSuggestion(event_id=event.id, key=key))
        db.session.commit()
    return key


def _key(ids: list[str]) -> str:
    """A group's name, whatever the order of its items."""
    return hashlib.sha256(" ".join(sorted(ids)).encode()).hexdigest()
