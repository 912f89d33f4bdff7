"""The one rule for characters that are not text, whichever way they come in: socket messages, the JSON API,
HTML forms, query strings and programme files all refuse them here, naming the field.

Half of a UTF-16 surrogate pair (a broken paste, or a JavaScript string cut in the middle of an emoji), NUL and
the non-characters U+FFFE/U+FFFF: no database stores them all (UTF-8 has no lone surrogates, PostgreSQL no NUL)
and a Word document holds none of them. What was meant cannot be guessed, so they are refused, not repaired.
(Other control characters are storable, and item and statement text drops them: live.clean_text.)
"""

from __future__ import annotations

import re
from typing import Any

UNSTORABLE = re.compile("[\x00\ud800-\udfff\ufffe\uffff]")


def problem(text: str) -> str | None:
    """What is wrong with `text`, for the user; None when it can be stored."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    return (f"holds a character that is not text (a broken emoji or a stray control code) at character "
            f"{found.start() + 1}; remove it and send again")


def find_unstorable(data: Any) -> tuple[tuple, str] | None:
    """The place (keys and indexes) of the first string in decoded JSON or YAML that cannot be stored, and
    what is wrong with it; None when every string is fine. Keys are checked too."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:  # a loop, not recursion: a deeply nested message must not overflow the stack
        place, value = stack.pop()
        if isinstance(value, str):
            wrong = problem(value)
            if wrong:
                return place, wrong
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                wrong = problem(key) if isinstance(key, str) else None
                if wrong:
                    return place + (UNSTORABLE.sub("\ufffd", key),), f"a field name {wrong}"
                stack.append((place + (key,), item))
        elif isinstance(value, list):
            stack.extend((place + (index,), item) for index, item in reversed(list(enumerate(value))))
    return None


def dotted(place: tuple) -> str | None:
    """A place as the live protocol names fields: `text`, `rooms.3`."""
    return ".".join(str(part) for part in place) or None
