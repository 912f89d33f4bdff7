"""How dates, times and statement labels read, in one place: pages (as Jinja filters) and the report use it.

English only for now; the month and day names are the tuples below, never the machine's locale, so a
page and the report agree on any server. Ranges use an en dash: "8–9 November 2023",
"30 June – 1 July 2016", "09:30–11:00".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

__all__ = ["DASH", "long_date", "day_label", "date_range", "clock", "time_range", "stamp", "letter", "numbers"]

DASH = "\u2013"  # en dash, for every range
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_date(d: date | None) -> str:
    """12 January 2016 ("" without a date)."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def day_label(d: date | None) -> str:
    """Tuesday 12 January 2016, the heading of a programme day ("" without a date)."""
    return f"{DAYS[d.weekday()]} {long_date(d)}" if d else ""


def date_range(start: date | None, end: date | None) -> str:
    """12–13 January 2016; 30 June – 1 July 2016; 30 December 2016 – 2 January 2017; one date if only one."""
    if not start or not end or start == end:
        return long_date(start or end)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{DASH}{long_date(end)}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} {DASH} {long_date(end)}"
    return f"{long_date(start)} {DASH} {long_date(end)}"


def clock(t: time | datetime | None) -> str:
    """09:30 (24-hour clock; "" without a time)."""
    return f"{t:%H:%M}" if t else ""


def time_range(start: time | None, end: time | None) -> str:
    """09:30–11:00; 09:30; until 11:00 ("" without either)."""
    if start and end:
        return f"{clock(start)}{DASH}{clock(end)}"
    if start:
        return clock(start)
    return f"until {clock(end)}" if end else ""


def stamp(moment: datetime) -> str:
    """9 November 2023, 17:42: a moment, as the draft report's label shows when it was built."""
    return f"{long_date(moment)}, {clock(moment)}"


def letter(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, 27 -> ab ...: the report's (a), (b) numbering, without end."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("a") + rest) + label
    return label


def numbers(by_section: Iterable[Iterable[str]], continuous: bool) -> dict[str, str]:
    """The label of each statement, given every section's active statements in order: (a), (b)... within
    each section, or on across the sections when numbering is continuous (then no two share "(a)").

    The one numbering rule: pages, projector, report and exports all use it (static/js/statement-numbers.js
    follows it, checked by tests/test_conclusions.py).
    """
    out, index = {}, 0
    for ids in by_section:
        if not continuous:
            index = 0
        for statement_id in ids:
            out[statement_id] = f"({letter(index)})"
            index += 1
    return out


def register_filters(jinja_env) -> None:
    """Make these the templates' filters: `{{ event.start_date | date_range(event.end_date) }}`."""
    jinja_env.filters.update(long_date=long_date, day_label=day_label, date_range=date_range,
                             time_range=time_range, clock=clock)
