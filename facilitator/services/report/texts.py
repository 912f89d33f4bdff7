"""The texts the secretariat writes for the report (introduction, disclaimer, conclusions, session summaries,
front and back matter), each saved on its own with a version.

A save names the version it was based on. When someone else saved the text since, the save is refused as a
conflict that carries their text, and the refused text is kept in the history: nothing is overwritten
unseen, nobody's words are lost. Every write to these texts goes through `set_text` or `save_text`, so
the version always moves with the text.
"""

from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ...models import Event, ReportTextRevision, User
from ..protocol import CONTROL, invalid
from .settings import FRONT_TEXTS, report_settings, stored_settings

EVENT_TEXTS = ("introduction", "disclaimer", "conclusions")
SUMMARY = "summary-"
MAX_TEXT_LENGTH = 100_000


def _owner(event: Event, field: str):
    """The row and column holding `field`, or an `invalid` refusal naming it."""
    if field in EVENT_TEXTS:
        return event, field
    if field in FRONT_TEXTS:
        return stored_settings(event), field
    if field.startswith(SUMMARY):
        entry = next((s for s in event.programme_sessions if f"{SUMMARY}{s.id}" == field), None)
        if entry is not None:
            return entry, "summary"
    raise invalid(f"field: this event's report has no text called {field[:64]!r}", "field")


def report_texts(event: Event) -> dict[str, str]:
    """Every text of the event's report page, by field name."""
    texts = {field: getattr(event, field) for field in EVENT_TEXTS}
    texts.update({f"{SUMMARY}{s.id}": s.summary for s in event.programme_sessions})
    settings = report_settings(event)
    texts.update({field: getattr(settings, field) for field in FRONT_TEXTS})
    return texts


def text_versions(event: Event) -> dict[str, int]:
    """The current version of every text that was ever saved (a text never saved is at version 0)."""
    rows = db.session.execute(
        sa.select(ReportTextRevision.field, sa.func.max(ReportTextRevision.version))
        .where(ReportTextRevision.event_id == event.id).group_by(ReportTextRevision.field))
    return {field: version or 0 for field, version in rows}


def _latest(event: Event, field: str) -> ReportTextRevision | None:
    return db.session.scalar(
        sa.select(ReportTextRevision)
        .where(ReportTextRevision.event_id == event.id, ReportTextRevision.field == field,
               ReportTextRevision.version.is_not(None))
        .order_by(ReportTextRevision.version.desc()).limit(1))


def _clean(text) -> str:
    if not isinstance(text, str):
        raise invalid("text: must be a string", "text")
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise invalid(f"text: at most {MAX_TEXT_LENGTH} characters (this one has {len(text)})", "text")
    return text


def _record(event: Event, field: str, text: str, base: int, version: int | None, author: User | None) -> None:
    db.session.add(ReportTextRevision(event_id=event.id, field=field, text=text, base_version=base,
                                      version=version, author_id=author.id if author else None))


def set_text(event: Event, field: str, text: str, author: User | None = None) -> int:
    """Write a text without a version check (the set-up form, the report form of a browser without
    JavaScript); returns its version, new if the text changed. Flushes, does not commit."""
    owner, column = _owner(event, field)
    text = _clean(text)
    latest = _latest(event, field)
    current = latest.version if latest else 0
    if text == getattr(owner, column):
        return current
    setattr(owner, column, text)
    _record(event, field, text, current, current + 1, author)
    db.session.flush()
    return current + 1


def save_text(user: User, event: Event, field: str, text, base_version) -> dict:
    """Save one text written from `base_version`. The answer is `ok` with the new version, or a `conflict`
    with the text saved since (the refused text is then kept in the history). Flushes, does not commit."""
    owner, column = _owner(event, field)
    text = _clean(text)
    if isinstance(base_version, bool) or not isinstance(base_version, int) or base_version < 0:
        raise invalid("base_version: give the version the text was based on (0 for a text never saved)",
                      "base_version")
    latest = _latest(event, field)
    current = latest.version if latest else 0
    if text == getattr(owner, column):  # nothing new (or a retry of a save that did arrive)
        return {"ok": True, "field": field, "version": current}
    if base_version == current:
        try:
            with db.session.begin_nested():
                setattr(owner, column, text)
                _record(event, field, text, current, current + 1, user)
            return {"ok": True, "field": field, "version": current + 1}
        except sa.exc.IntegrityError:  # someone else's save took this version a moment ago
            db.session.expire(owner)
            latest = _latest(event, field)
    _record(event, field, text, base_version, None, user)
    db.session.flush()
    who = latest.author.display_name if latest and latest.author else "Someone"
    return {"ok": False, "error": "conflict", "field": field,
            "message": f"{who} changed this text since you started. Your text was not saved over theirs; "
                       "it is still in the box below.",
            "version": latest.version if latest else 0, "text": getattr(owner, column), "author": who}
