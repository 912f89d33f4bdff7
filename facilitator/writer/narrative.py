"""The Markdown-like text rapporteurs and the secretariat type, as the report's paragraphs and bullets.

    Paragraphs are split by blank lines. A line starting with "- " (or "* ", "• ") is a bullet; indented by
    two spaces or a tab ("  - "), a bullet of the second level. **Words** between double asterisks are
    bold. "[^1]" marks a footnote whose text is given on a line of its own, "[^1]: The text.", anywhere.

Nothing typed is lost: a marker without a definition, or a lone "**", stays as it was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import clean

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BULLET = re.compile(r"^([ \t]*)[-*•–][ \t]+(.*)$")
_DEFINITION = re.compile(r"^[ \t]*\[\^([^\]\s]+)\]:[ \t]*(.*)$", re.M)
_INLINE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|\[\^([^\]\s]+)\]")


@dataclass
class Span:
    text: str
    bold: bool = False
    note: bool = False  # a footnote: `text` is the note's text, written at the foot of the page


@dataclass
class Block:
    bullet: bool
    level: int = 0  # 0, or 1 for a bullet under a bullet
    spans: list[Span] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans if not s.note)


def parse(text: str) -> list[Block]:
    """`text` as blocks of spans, footnote definitions taken out and attached to their markers."""
    text = clean(text)
    notes = {label: note.strip() for label, note in _DEFINITION.findall(text)}
    text = _DEFINITION.sub("", text) if notes else text
    blocks: list[Block] = []
    for chunk in _BLANK_LINE.split(text.strip()):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            bullet = _BULLET.match(line)
            if bullet is None:
                paragraph.append(line.strip())
                continue
            if paragraph:
                blocks.append(Block(False, 0, _spans("\n".join(paragraph), notes)))
                paragraph = []
            indent = bullet.group(1).replace("\t", "  ")
            blocks.append(Block(True, 1 if len(indent) >= 2 else 0, _spans(bullet.group(2).strip(), notes)))
        if paragraph:
            blocks.append(Block(False, 0, _spans("\n".join(paragraph), notes)))
    return blocks


def _spans(text: str, notes: dict[str, str]) -> list[Span]:
    spans: list[Span] = []
    last = 0
    for match in _INLINE.finditer(text):
        bold, label = match.group(1), match.group(2)
        if label is not None and label not in notes:
            continue  # an undefined marker stays as typed
        if match.start() > last:
            spans.append(Span(text[last:match.start()]))
        spans.append(Span(bold, bold=True) if bold is not None else Span(notes[label], note=True))
        last = match.end()
    if last < len(text):
        spans.append(Span(text[last:]))
    return spans
