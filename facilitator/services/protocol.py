"""The live protocol's messages (docs/protocol.md): channel names, refusals and what an answer holds,
payload validation and the cleaning of typed text. Room items, summaries, plenary statements and votes all
speak it; the once-only ledger and the change logs are in ledger.py.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from pydantic import BaseModel, ValidationError

from .text import dotted, find_unstorable, problem

# Control characters except tab and newline (tabs become spaces in clean_text).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def room_stream(room_id: int) -> str:
    """The name of a room's change stream, which is also its Socket.IO channel."""
    return f"room:{room_id}"


def event_stream(event_id: int) -> str:
    """The name of an event's plenary stream, which is also its Socket.IO channel."""
    return f"event:{event_id}"


class Refusal(Exception):
    """A request the server will not carry out; `answer` is what the client is told."""

    def __init__(self, error: str, message: str, **extra: Any):
        super().__init__(message)
        self.answer = {"ok": False, "error": error, "message": message, **extra}


def invalid(message: str, field: str | None = None) -> Refusal:
    return Refusal("invalid", message, **({"field": field} if field else {}))


@dataclass
class Outcome:
    """The answer for the sender (the ack) and the committed changes for everyone watching.

    `broadcasts` holds (channel, change) pairs, e.g. ("room:3", {...}) and ("event:1", {...}).
    """

    answer: dict
    broadcasts: list[tuple[str, dict]] = field(default_factory=list)


def as_uuid(data: dict, key: str) -> uuid.UUID:
    """UUIDs arrive as strings in JSON."""
    value = data.get(key)
    if value is None:
        raise invalid(f"{key}: required", key)
    if not isinstance(value, str):
        raise invalid(f"{key}: must be a UUID string", key)
    try:
        return uuid.UUID(value)
    except ValueError:
        raise invalid(f"{key}: must be a UUID such as 2f1c6b1e-8d7a-4c1e-9a55-0c6d2a9b7e10", key) from None


def validate(model: type[BaseModel], data: Any, uuids: tuple[str, ...] = ()):
    """Check a payload against a pydantic model; the first problem becomes an `invalid` answer naming the field."""
    if not isinstance(data, dict):
        raise invalid("The message must be a JSON object.")
    refuse_unstorable(data)
    try:
        return model.model_validate({**data, **{key: as_uuid(data, key) for key in uuids}})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or None
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        raise invalid(f"{field}: {message}" if field else message, field) from None


def refuse_unstorable(data: Any) -> None:
    """Refuse a message holding a string that cannot be stored (services/text.py), naming the field."""
    found = find_unstorable(data)
    if found is not None:
        field = dotted(found[0])
        raise invalid(f"{field}: {found[1]}" if field else found[1], field)


def clean_text(text: str) -> str:
    """Trim, drop control characters, unify line ends, and enforce the configured maximum length."""
    wrong = problem(text)
    if wrong:
        raise invalid(f"text: {wrong}", "text")
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")).strip()
    if not text:
        raise invalid("text: some text is needed", "text")
    limit = current_app.config["MAX_ITEM_LENGTH"]
    if len(text) > limit:
        raise invalid(f"text: at most {limit} characters (this one has {len(text)})", "text")
    return text
