"""Time expressions resolved against the publication time (a Tuesday, 2025-03-04)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from claimscope.extract.temporal import resolve
from claimscope.records import TextSpan

PUBLISHED = datetime(2025, 3, 4, 14, 20, tzinfo=timezone.utc)  # a Tuesday


def resolved(phrase, published=PUBLISHED):
    time = resolve(phrase, published, TextSpan(0, len(phrase), phrase))
    return time.start, time.end, time.precision.value


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("over the weekend", (date(2025, 3, 1), date(2025, 3, 2), "interval")),
        ("since October", (date(2024, 10, 1), date(2025, 3, 4), "interval")),
        ("since February", (date(2025, 2, 1), date(2025, 3, 4), "interval")),
        ("in a single day", (None, None, "unknown")),
        ("last Tuesday", (date(2025, 2, 25), date(2025, 2, 25), "day")),
        ("Monday", (date(2025, 3, 3), date(2025, 3, 3), "day")),
        ("yesterday", (date(2025, 3, 3), date(2025, 3, 3), "day")),
        ("last week", (date(2025, 2, 24), date(2025, 3, 2), "week")),
        ("earlier this month", (date(2025, 3, 1), date(2025, 3, 4), "interval")),
        ("in 2023", (date(2023, 1, 1), date(2023, 12, 31), "year")),
        ("January", (date(2025, 1, 1), date(2025, 1, 31), "month")),
        ("February 12", (date(2025, 2, 12), date(2025, 2, 12), "day")),
    ],
)
def test_resolution(phrase, expected):
    assert resolved(phrase) == expected


def test_relative_dates_without_publication_time_are_unknown_not_today():
    start, end, precision = resolved("last Tuesday", published=None)
    assert (start, end, precision) == (None, None, "unknown")


def test_absolute_dates_need_no_publication_time():
    assert resolved("12 March 2024", published=None) == (date(2024, 3, 12), date(2024, 3, 12), "day")


@pytest.mark.parametrize("text, start, end", [
    ("HUR said about 100 soldiers were killed between March 2 and March 8.", "2026-03-02", "2026-03-08"),
    ("About 60 soldiers were killed on March 16-22, HUR said.", "2026-03-16", "2026-03-22"),
    ("About 60 soldiers were killed on 16-22 March, HUR said.", "2026-03-16", "2026-03-22"),
    ("About 60 soldiers were killed from 2 to 8 March, HUR said.", "2026-03-02", "2026-03-08"),
    ("About 60 soldiers were killed in the week ending March 8, HUR said.", "2026-03-02", "2026-03-08"),
])
def test_written_out_intervals(text, start, end):
    from datetime import datetime

    from claimscope.extract import extract_text

    times = [t for c in extract_text(text, published=datetime(2026, 3, 25)).claims for t in c.times]
    assert [(t.start.isoformat(), t.end.isoformat()) for t in times] == [(start, end)]
