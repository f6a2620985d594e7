"""Publication date lines as written on news pages, with their zone and precision.

dateutil does the parsing, but non-fuzzy (so a sentence is never taken for a date) and with an
explicit default, because it silently fills missing parts with today's values; what was really
written decides the precision. Zones are read here, not by dateutil, which inverts "GMT+3".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

# Fixed-offset abbreviations, in minutes east of UTC. Ambiguous ones (IST: India, Israel or
# Ireland; AST: Arabia or Atlantic) are left out: the zone is kept as text, the time naive.
# fmt: off
_FIXED_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180, "TRT": 180, "EAT": 180, "WAT": 60, "CAT": 120,
    "SAST": 120, "IRST": 210, "GST": 240, "PKT": 300, "ICT": 420, "WIB": 420, "HKT": 480,
    "SGT": 480, "AWST": 480, "KST": 540, "JST": 540, "AEST": 600, "AEDT": 660, "NZST": 720,
    "NZDT": 780, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
}
# fmt: on
# US outlets write "ET"/"PT" without saying whether daylight saving applies: ask the tz database.
_REGIONAL_ZONES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
_ABBREV = "|".join(sorted(list(_FIXED_ZONES) + list(_REGIONAL_ZONES), key=len, reverse=True))
_UTC_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?\b")
_NAMED_ZONE = re.compile(rf"\(?\b({_ABBREV}|IST|AST)\b\)?")
_ISO_OFFSET = re.compile(r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+\-]\d{2}:?\d{2})(?![\d:])")
_LABEL = re.compile(
    r"^(?:(?:last\s+)?(?:updated|modified|edited)|(?:first\s+)?published|posted|dated?|"
    r"released|filed)\b\s*(?:on|at)?\s*[:\-\u2013\u2014]?\s*",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*[|\u2022\u00b7\u2013\u2014]\s*|\s+-\s+")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b\.?", re.IGNORECASE)
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b\.?", re.IGNORECASE
)
_NUMERIC_DATE = re.compile(r"\b\d{1,4}([./-])\d{1,2}\1\d{2,4}\b")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_DAY = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\b", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"\b\d{4}-\d{2}\b")
_DOTTED_TIME = re.compile(r"(?<=\d{4} )(\d{1,2})\.(\d{2})\b")  # "22 Oct 2024 09.03 BST"
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTHS = {name: n for n, full in enumerate(_MONTH_NAMES, 1) for name in (full, full[:3])}
_MONTHS["sept"] = 9
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MON = r"(?P<mon>[a-z]{3,9}\.?)"
_CLOCK = (
    r"(?:,?\s*(?:at\s+)?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?"
    r"(?:\s*(?P<ap>[ap])\.?m\.?)?)?$"
)
_MONTH_DAY_YEAR = re.compile(
    rf"^{_WEEKDAY}{_MON}\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}}){_CLOCK}",
    re.IGNORECASE,
)
_DAY_MONTH_YEAR = re.compile(
    rf"^{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON},?\s+(?P<y>\d{{4}}){_CLOCK}",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::\d{2}(?:\.\d+)?)?)?$"
)
MAX_DATE_LINE = 60
# Stand-in for the parts a line does not state; what was written is known from the regexes.
_DEFAULT = datetime(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class DateInfo:
    value: datetime
    text: str  # the line as written
    zone: str | None  # the zone as written ("CET", "+02:00", "GMT+3")
    precision: str  # "minute" | "day" | "month" | "year"


def parse_date_line(line: str) -> DateInfo | None:
    """A date line ("Oct.22 - 2024 9:03 AM CET", "Updated: Oct 22, 2024"), else None."""
    written = line.strip()
    if not written or len(written) > MAX_DATE_LINE or not _has_year(written):
        return None
    core = _LABEL.sub("", written)
    core, zone, tz = _take_zone(core)
    core = _DOTTED_TIME.sub(r"\1:\2", _SEPARATORS.sub(" ", core).strip(" ,;"))
    if not core:
        return None
    precision = _precision(core)
    value = _common_form(core)
    if value is None:
        try:
            value = dateutil_parser.parse(
                core, default=_DEFAULT, dayfirst=_is_dotted(core), fuzzy=False
            )
        except (ValueError, OverflowError, TypeError):
            return None
    if value.tzinfo is not None:  # only the zones read above count; drop dateutil's guesses
        value = value.replace(tzinfo=None)
    if tz is not None:
        value = value.replace(tzinfo=tz)
    if precision != "minute":
        value = value.replace(hour=0, minute=0, second=0, microsecond=0)
    return DateInfo(value=value, text=written, zone=zone, precision=precision)


def _common_form(core: str) -> datetime | None:
    """The usual news forms, read directly: dateutil costs ~0.1 ms a call, most of ingest."""
    match = _MONTH_DAY_YEAR.match(core) or _DAY_MONTH_YEAR.match(core) or _ISO_DATE.match(core)
    if match is None:
        return None
    parts = match.groupdict()
    month = _MONTHS.get(parts["mon"].lower().rstrip(".")) if parts.get("mon") else parts["m"]
    if month is None:
        return None
    hour = int(parts["h"] or 0)
    meridian = (parts.get("ap") or "").lower()[:1]
    if meridian and not 1 <= hour <= 12:
        return None
    if meridian:
        hour = hour % 12 + (12 if meridian == "p" else 0)
    try:
        return datetime(int(parts["y"]), int(month), int(parts["d"]), hour, int(parts["mi"] or 0))
    except ValueError:  # "February 30" and the like
        return None


def _has_year(text: str) -> bool:
    return bool(_YEAR.search(text) or _NUMERIC_DATE.search(text))


def _take_zone(core: str) -> tuple[str, str | None, tzinfo | None]:
    """The text without its zone, the zone as written, and its tzinfo (None if unknown)."""
    if match := _ISO_OFFSET.search(core):
        offset = match.group(2)
        tz = UTC if offset == "Z" else _offset(offset[0], offset[1:3], offset[-2:])
        return core[: match.start(2)] + core[match.end(2) :], offset, tz
    if match := _UTC_OFFSET.search(core):
        sign, hours, minutes = match.groups()
        rest = core[: match.start()] + core[match.end() :]
        return rest, match.group(0), _offset(sign, hours, minutes or "00")
    if match := _NAMED_ZONE.search(core):
        name = match.group(1)
        return core[: match.start()] + core[match.end() :], name, _named_tz(name)
    return core, None, None


def _offset(sign: str, hours: str, minutes: str) -> tzinfo:
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign in "-\u2212" else delta)


def _named_tz(name: str) -> tzinfo | None:
    if name in _FIXED_ZONES:
        return timezone(timedelta(minutes=_FIXED_ZONES[name]))
    if name in _REGIONAL_ZONES:
        try:
            return ZoneInfo(_REGIONAL_ZONES[name])
        except ZoneInfoNotFoundError:  # no tz database on this system: keep the time naive
            return None
    return None


def _precision(core: str) -> str:
    if _TIME.search(core):
        return "minute"
    if _NUMERIC_DATE.search(core):
        return "day"
    without_year = _YEAR.sub(" ", core)
    if _MONTH.search(core):
        return "day" if _DAY.search(_MONTH.sub(" ", without_year)) else "month"
    return "month" if _YEAR_MONTH.search(core) else "year"


def _is_dotted(core: str) -> bool:
    # "22.10.2024" is always day-first; slashes follow dateutil's month-first reading.
    match = _NUMERIC_DATE.search(core)
    return bool(match and match.group(1) == ".")


def parse_date_value(value: str) -> DateInfo | None:
    """A date from metadata (ISO strings, possibly long RFC 2822 forms)."""
    info = parse_date_line(value)
    if info is not None:
        return info
    try:
        parsed = dateutil_parser.parse(value, default=_DEFAULT)
    except (ValueError, OverflowError, TypeError):
        return None
    zone = parsed.tzname() if parsed.tzinfo else None
    return DateInfo(value=parsed, text=value.strip(), zone=zone, precision=_precision(value))
