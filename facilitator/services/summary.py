"""A room's summary: the running narrative its rapporteurs write beside the items (docs/protocol.md, "Summary").

A summary change is a room mutation like an item change: it goes through `capture.perform_mutation` (applied
once, acked after commit, one step of the room's `seq`, kept in the change log), names the version it was written
on, and a stale one is refused as a conflict carrying the current summary while the refused text is kept in the
room's summary history.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import sqlalchemy as sa
from flask import current_app
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Room, RoomSummaryRevision, User, utcnow
from .access import can_moderate_room
from .ledger import log_change, next_seq
from .protocol import CONTROL, Outcome, Refusal, invalid, room_stream, validate

OPS = ("summary", "show_summary")


class _Summary(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    op: Literal["summary"]
    mutation_id: uuid.UUID
    room: StrictInt | None = None
    base_version: StrictInt = Field(ge=0)  # 0: the room had no summary yet
    text: StrictStr


class _ShowSummary(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    op: Literal["show_summary"]
    mutation_id: uuid.UUID
    room: StrictInt | None = None
    show: StrictBool


def parse(data: dict) -> _Summary | _ShowSummary:
    """Validate a summary mutation; the first problem becomes an `invalid` answer naming the field."""
    return validate(_Summary if data.get("op") == "summary" else _ShowSummary, data, uuids=("mutation_id",))


def apply(user: User, room: Room, payload: _Summary | _ShowSummary) -> Outcome:
    """Called by capture.perform_mutation, inside the mutation's transaction."""
    if isinstance(payload, _ShowSummary):
        return _show(user, room, payload)
    return _save(user, room, payload)


def summary_json(room: Room) -> dict:
    """The summary as clients see it, with who saved the current version and when."""
    latest = db.session.execute(
        sa.select(RoomSummaryRevision.created_at, sa.func.coalesce(sa.func.nullif(User.name, ""), User.username))
        .outerjoin(User, RoomSummaryRevision.author_id == User.id)
        .where(RoomSummaryRevision.room_id == room.id, RoomSummaryRevision.kind == "change",
               RoomSummaryRevision.version == room.summary_version)
        .limit(1)
    ).first()
    return _as_json(room, *(latest or (None, None)))


def _as_json(room: Room, updated_at, author) -> dict:
    return {"text": room.summary, "version": room.summary_version,
            "updated_at": updated_at.isoformat() if updated_at else None, "author": author}


def clean_summary(text: str) -> str:
    """Line ends unified, control characters dropped, tabs as spaces; otherwise kept as typed (blank lines
    split paragraphs, and the page saves while the rapporteur is still typing), within MAX_SUMMARY_LENGTH."""
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    if not text.strip():
        return ""
    limit = current_app.config["MAX_SUMMARY_LENGTH"]
    if len(text) > limit:
        raise invalid(f"text: a summary has at most {limit:,} characters (this one has {len(text):,})", "text")
    return text


def _save(user: User, room: Room, payload: _Summary) -> Outcome:
    text = clean_summary(payload.text)
    # One conditional UPDATE: of two saves on the same version, the second finds the version moved on, also
    # when both run at once on PostgreSQL (it waits for the first's row lock, then re-checks the version).
    table = Room.__table__
    version = db.session.connection().execute(
        sa.update(table)
        .where(table.c.id == room.id, table.c.summary_version == payload.base_version)
        .values(summary=text, summary_version=table.c.summary_version + 1)
        .returning(table.c.summary_version)
    ).scalar()
    if version is None:
        db.session.refresh(room, ["summary", "summary_version"])
        return _conflict(user, room, payload, text)
    set_committed_value(room, "summary", text)
    set_committed_value(room, "summary_version", version)
    now = utcnow()
    db.session.add(RoomSummaryRevision(room_id=room.id, version=version, text=text, created_at=now,
                                       mutation_id=str(payload.mutation_id), author_id=user.id))
    return _record(room, payload, {"summary": _as_json(room, now, user.display_name)})


def _show(user: User, room: Room, payload: _ShowSummary) -> Outcome:
    if not can_moderate_room(user, room):
        raise Refusal("forbidden", "Only the room's moderators and the secretariat choose what its board shows.")
    room.show_summary = payload.show
    return _record(room, payload, {"show_summary": payload.show})


def _record(room: Room, payload: _Summary | _ShowSummary, fields: dict) -> Outcome:
    """Append to the room's change log; return the ack and the change for everyone in the room."""
    seq = next_seq(room, "last_seq")
    change = {"room": room.id, "seq": seq, "op": payload.op, **fields}
    log_change(room_stream(room.id), seq, change)
    answer = {"ok": True, "op": payload.op, "mutation_id": str(payload.mutation_id), "seq": seq, **fields}
    return Outcome(answer, [(room_stream(room.id), change)])


def _conflict(user: User, room: Room, payload: _Summary, text: str) -> Outcome:
    """A stale save changes nothing, but what the user typed is kept in the room's summary history."""
    db.session.add(RoomSummaryRevision(room_id=room.id, version=payload.base_version, kind="conflict", text=text,
                                       mutation_id=str(payload.mutation_id), author_id=user.id))
    current = summary_json(room)
    who = current["author"] or "Someone"
    message = (f"{who} changed the summary meanwhile (now version {current['version']}, yours was based on "
               f"version {payload.base_version}). Nothing was overwritten: both texts are kept.")
    return Outcome({"ok": False, "error": "conflict", "message": message, "mutation_id": str(payload.mutation_id),
                    "summary": current})


def summary_of(data: Any) -> bool:
    """Whether a `mutate` message is for the room's summary rather than one of its items."""
    return isinstance(data, dict) and data.get("op") in OPS
