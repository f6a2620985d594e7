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
