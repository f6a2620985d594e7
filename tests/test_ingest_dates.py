"""Date lines and bylines in the forms news pages write them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from claimscope.ingest.byline import parse_byline
from claimscope.ingest.dates import parse_date_line

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("line", "value", "offset", "zone", "precision"),
    [
        ("Oct.22 - 2024 9:03 AM CET", datetime(2024, 10, 22, 9, 3), H, "CET", "minute"),
        ("22 October 2024, 14:05 GMT", datetime(2024, 10, 22, 14, 5), 0 * H, "GMT", "minute"),
        ("2024-10-22T09:03:00+02:00", datetime(2024, 10, 22, 9, 3), 2 * H, "+02:00", "minute"),
        ("2024-10-22T07:03:00Z", datetime(2024, 10, 22, 7, 3), 0 * H, "Z", "minute"),
        ("Tuesday, October 22, 2024", datetime(2024, 10, 22), None, None, "day"),
        ("Updated: Oct 22, 2024", datetime(2024, 10, 22), None, None, "day"),
        (
            "Updated: Oct 22, 2024 5:40 PM EDT",
            datetime(2024, 10, 22, 17, 40),
            -4 * H,
            "EDT",
            "minute",
        ),
        ("Published 22 Oct 2024 09:03 CEST", datetime(2024, 10, 22, 9, 3), 2 * H, "CEST", "minute"),
        ("Tue 22 Oct 2024 09.03 BST", datetime(2024, 10, 22, 9, 3), H, "BST", "minute"),
        ("22.10.2024 | 09:03 MSK", datetime(2024, 10, 22, 9, 3), 3 * H, "MSK", "minute"),
        ("05.10.2024", datetime(2024, 10, 5), None, None, "day"),
        ("Oct 22, 2024 10:00 KST", datetime(2024, 10, 22, 10, 0), 9 * H, "KST", "minute"),
        ("Oct 22, 2024 6:00 a.m. PST", datetime(2024, 10, 22, 6, 0), -8 * H, "PST", "minute"),
        ("Jan 15, 2024 9:03 am ET", datetime(2024, 1, 15, 9, 3), -5 * H, "ET", "minute"),
        ("Jul 15, 2024 9:03 am ET", datetime(2024, 7, 15, 9, 3), -4 * H, "ET", "minute"),
        ("22 October 2024 14:05 GMT+3", datetime(2024, 10, 22, 14, 5), 3 * H, "GMT+3", "minute"),
        (
            "Posted on October 22, 2024 at 9:03 pm",
            datetime(2024, 10, 22, 21, 3),
            None,
            None,
            "minute",
        ),
        ("October 2024", datetime(2024, 10, 1), None, None, "month"),
        ("Published 2023", datetime(2023, 1, 1), None, None, "year"),
        ("10:00 IST, 22 Oct 2024", datetime(2024, 10, 22, 10, 0), None, "IST", "minute"),
    ],
)
def test_date_lines(line, value, offset, zone, precision) -> None:
    info = parse_date_line(line)
    assert info is not None
    assert info.value.replace(tzinfo=None) == value
    assert info.value.utcoffset() == offset  # None: naive, no zone (or an ambiguous one)
    assert info.zone == zone
    assert info.precision == precision
    assert info.text == line


@pytest.mark.parametrize(
    "line",
    [
        "The war began in 2022",
        "Ukraine war 2024",
        "Oct 22",  # no year: not guessed from today's date
        "May 9 parade",
        "Troops killed 2024 civilians, officials said, in the region over the month.",
        "",
    ],
)
def test_not_date_lines(line: str) -> None:
    assert parse_date_line(line) is None


def test_missing_parts_are_not_filled_from_today() -> None:
    info = parse_date_line("March 2021")
    assert info.value == datetime(2021, 3, 1) and info.precision == "month"


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Written by Kateryna Bondar", "Kateryna Bondar"),
        ("By Jane Doe", "Jane Doe"),
        ("BY JANE DOE", "JANE DOE"),
        ("By Jane Doe and John Roe", "Jane Doe and John Roe"),
        ("By Jane Doe in Kyiv and John Roe in Moscow", "Jane Doe and John Roe"),
        ("Anna Petrenko | Reuters", "Anna Petrenko"),
        (
            "Jane Doe, Mark van der Berg and Ali al-Hassan, Associated Press",
            "Jane Doe, Mark van der Berg and Ali al-Hassan",
        ),
        ("Jane Doe, Staff Writer", "Jane Doe"),
        ("Author: Olena Kovalenko", "Olena Kovalenko"),
        ("By Olena Kovalenko, Kyiv correspondent", "Olena Kovalenko"),
        ("By Reuters", "Reuters"),
        ("By the Associated Press", "Associated Press"),
    ],
)
def test_bylines(line: str, author: str) -> None:
    byline = parse_byline(line)
    assert byline is not None and byline.author == author


def test_byline_with_date() -> None:
    byline = parse_byline("By Jane Doe | 22 October 2024, 14:05 GMT")
    assert byline.author == "Jane Doe"
    assert byline.date.value == datetime(2024, 10, 22, 14, 5, tzinfo=byline.date.value.tzinfo)
    assert byline.date.zone == "GMT"


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday, Russian forces had advanced",
        "By contrast, the army said.",
        "Russian troops advance",
        "by the end of the week the bridge had been repaired",
    ],
)
def test_not_bylines(line: str) -> None:
    assert parse_byline(line) is None
