"""Text as Word can hold it: illegal characters dropped, line breaks normalised, right-to-left
detected, and free text split into paragraphs and bullets."""

from __future__ import annotations

import re

# XML 1.0 cannot hold C0 controls (except tab/newline/CR), lone surrogates, U+FFFE/U+FFFF; C1 controls
# and DEL are legal but invisible garbage (mis-decoded text), so they go too. VT/FF/U+2028/U+2029 and
# CR are line breaks in practice (Word pastes Shift+Enter as VT).
_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile("\r\n?|[\x0b\x0c\u2028\u2029]")
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
_RTL_CHAR, _RTL_RUNS = re.compile(f"[{_RTL}]"), re.compile(f"[{_RTL}]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BULLET = re.compile(r"^\s*[-*•–]\s+")


def clean(text: object) -> str:
    """`text` as a string Word can hold: illegal characters dropped, line breaks normalised to \\n."""
    s = text if isinstance(text, str) else ("" if text is None else str(text))
    if _NEEDS_WORK.search(s) is None:
        return s
    return _DROP.sub("", _NEWLINES.sub("\n", s))


def mostly_rtl(text: str) -> bool:
    """True when most of `text` (spaces aside) is in right-to-left scripts (Arabic, Hebrew, ...)."""
    if _RTL_CHAR.search(text) is None:
        return False
    return sum(map(len, _RTL_RUNS.findall(text))) * 2 > len(text) - text.count(" ")


def blocks(text: str) -> list[tuple[bool, str]]:
    """Free text split into paragraphs on blank lines: (is_bullet, text). A block whose lines all start
    with "- " (or "* ", "• ") becomes one bullet per line."""
    out: list[tuple[bool, str]] = []
    for block in _BLANK_LINE.split(clean(text).strip()):
        block = block.strip("\n")
        if not block.strip():
            continue
        lines = block.split("\n")
        if all(_BULLET.match(line) for line in lines):
            out.extend((True, _BULLET.sub("", line, count=1).rstrip()) for line in lines)
        else:
            out.append((False, block))
    return out
