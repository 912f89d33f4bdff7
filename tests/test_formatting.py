"""How dates, times and statement labels read: one module for pages and report, English month names."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from facilitator.formatting import date_range, day_label, long_date, numbers, stamp, time_range


@pytest.mark.parametrize(
    "start, end, shown",
    [
        (date(2023, 11, 8), date(2023, 11, 8), "8 November 2023"),  # same day
        (date(2023, 11, 8), date(2023, 11, 9), "8\u20139 November 2023"),  # same month
        (date(2016, 6, 30), date(2016, 7, 1), "30 June \u2013 1 July 2016"),  # across months
        (date(2016, 12, 30), date(2017, 1, 2), "30 December 2016 \u2013 2 January 2017"),  # across years
        (date(2016, 1, 12), None, "12 January 2016"),  # no end date
        (None, date(2016, 1, 13), "13 January 2016"),  # no start date
        (None, None, ""),
    ],
)
def test_date_ranges_read_naturally(start, end, shown):
    assert date_range(start, end) == shown


def test_days_times_and_moments():
    assert long_date(date(2016, 1, 12)) == "12 January 2016" and long_date(None) == ""
    assert day_label(date(2023, 11, 8)) == "Wednesday 8 November 2023" and day_label(None) == ""
    assert time_range(time(9, 30), time(11, 0)) == "09:30\u201311:00"
    assert time_range(time(14, 0), None) == "14:00"
    assert time_range(None, time(11, 0)) == "until 11:00"
    assert time_range(None, None) == ""
    assert stamp(datetime(2023, 11, 9, 17, 42)) == "9 November 2023, 17:42"


def test_statement_labels_run_on_past_z():
    ids = [[f"s{i}" for i in range(28)], ["t0"]]
    assert numbers(ids, continuous=False) | {} == {**{f"s{i}": f"({chr(97 + i)})" for i in range(26)},
                                                   "s26": "(aa)", "s27": "(ab)", "t0": "(a)"}
    assert numbers(ids, continuous=True)["t0"] == "(ac)"
