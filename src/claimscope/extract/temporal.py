"""Time expressions resolved against the publication time, each with a precision.

dateparser does the calendar arithmetic (``RELATIVE_BASE`` = publication time); the rules here
decide the precision and the phrases dateparser cannot read as a date ("over the weekend",
"since October", "in a single day"). A date that cannot be resolved is said to be unknown, never
silently replaced by the publication date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import dateparser
from spacy.tokens import Span

from claimscope.extract.nlp import text_of
from claimscope.records import TextSpan, TimeExpr, TimePrecision

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_RE = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DURATION = re.compile(r"\b(in|within|over|during)\s+(a|one|a single|just one|a single)\s+(day|night|week|month|24 hours)\b", re.I)
_WEEKEND = re.compile(r"\b(over|during|at|on)\s+the\s+weekend\b|\bthis weekend\b|\blast weekend\b", re.I)
_SINCE = re.compile(rf"\bsince\s+(?:early\s+|late\s+|mid-?)?({_MONTH_RE}|\d{{4}}|{'|'.join(_WEEKDAYS)})\b(?:\s+\d{{4}})?", re.I)
_RELATIVE_PERIOD = re.compile(r"\b(earlier|later)\s+this\s+(week|month|year)\b|\b(last|this|past|previous)\s+(week|month|year)\b", re.I)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_A_DATE = rf"(?:{_MONTH_RE}\.?\s+{_DAY}|{_DAY}\s+{_MONTH_RE}\.?)(?:,?\s+\d{{4}})?"
# "between March 2 and March 8", "from 2 to 8 March", "March 2-8", "2-8 March", "the week ending March 8"
_RANGE = re.compile(
    rf"\b(?:between|from)\s+(?P<a>{_A_DATE}|{_DAY})\s+(?:and|to|until|through)\s+(?P<b>{_A_DATE})"
    rf"|\b(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})\s*[-–]\s*(?P<d2>\d{{1,2}})\b"
    rf"|\b(?P<e1>\d{{1,2}})\s*[-–]\s*(?P<e2>\d{{1,2}})\s+(?P<m2>{_MONTH_RE})\b"
    rf"|\b(?:the\s+)?week\s+(?:ending|to)\s+(?P<w>{_A_DATE})", re.I)
_PREPOSITIONS = {"on", "in", "during", "since"}
_AGE = re.compile(r"\b\d+[- ]years?[- ]old\b|\byears? old\b|\baged?\b", re.I)
_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}


def find_times(sentence: Span, *, published: datetime | None, field: str = "text",
               offset: int = 0) -> tuple[TimeExpr, ...]:
    """Time expressions inside ``sentence``: spaCy DATE entities plus our own phrases."""
    found: list[TimeExpr] = []
    taken: list[tuple[int, int]] = []
    text = sentence.text
    base = sentence.start_char
    for pattern in (_RANGE, _WEEKEND, _SINCE, _DURATION, _RELATIVE_PERIOD):
        for match in pattern.finditer(text):
            start, end = base + match.start(), base + match.end()
            if _overlaps(taken, start, end):
                continue
            taken.append((start, end))
            found.append(resolve(match.group(0), published, TextSpan(start + offset, end + offset,
                                                                     match.group(0), field)))
    for ent in sentence.ents:
        if ent.label_ != "DATE" or _overlaps(taken, ent.start_char, ent.end_char) \
                or _AGE.search(ent.text):
            continue  # "a 20-year-old man": an age, not a time
        start = ent.start_char
        if ent.start > sentence.start and ent.doc[ent.start - 1].lower_ in _PREPOSITIONS:
            start = ent.doc[ent.start - 1].idx  # "on Monday", "in 2023": the phrase as written
        taken.append((start, ent.end_char))
        phrase = text_of(ent.doc)[start : ent.end_char]
        span = TextSpan(start + offset, ent.end_char + offset, phrase, field)
        found.append(resolve(phrase, published, span))
    return tuple(sorted(found, key=lambda t: t.span.start))


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < b and a < end for a, b in taken)


def resolve(phrase: str, published: datetime | None, span: TextSpan) -> TimeExpr:
    """A TimeExpr for ``phrase`` read against ``published``."""
    lowered = phrase.lower().strip()
    if _DURATION.search(lowered):
        return _unknown(span, "a duration, not a date")
    stated = _RANGE.search(phrase)
    if stated:
        return _range(span, stated, published)
    anchor = published.date() if published else None
    if _WEEKEND.search(lowered):
        if anchor is None:
            return _unknown(span, "relative to an unknown publication date")
        return _weekend(span, anchor, lowered)
    since = _SINCE.search(lowered)
    if since:
        return _since(span, since.group(0)[len("since"):].strip(), published)
    lowered = re.sub(r"^(on|in|during|by|at)\s+", "", lowered)
    period = _RELATIVE_PERIOD.search(lowered)
    if period:
        if anchor is None:
            return _unknown(span, "relative to an unknown publication date")
        return _relative_period(span, lowered, anchor)
    return _parsed(span, lowered, published)


def _unknown(span: TextSpan, note: str) -> TimeExpr:
    return TimeExpr(span, None, None, TimePrecision.UNKNOWN, note)


def _weekend(span: TextSpan, anchor: date, lowered: str) -> TimeExpr:
    # The weekend before publication; on a Saturday or Sunday "this weekend" is the current one.
    days_since_saturday = (anchor.weekday() - 5) % 7
    saturday = anchor - timedelta(days=days_since_saturday)
    if "last weekend" in lowered and days_since_saturday < 2:
        saturday -= timedelta(days=7)
    return TimeExpr(span, saturday, saturday + timedelta(days=1), TimePrecision.INTERVAL)


_PART_OF_YEAR = {"early": 1, "mid": 5, "mid-": 5, "late": 9}


def _range(span: TextSpan, match: re.Match, published: datetime | None) -> TimeExpr:
    """An interval written out: both ends read as dates (the first borrowing the second's
    month and year when it gives only a day: "between 2 and 8 March")."""
    if match.group("w"):
        end = _dateparse(match.group("w"), published)
        if end is None:
            return _unknown(span, "not understood as a date")
        return TimeExpr(span, (end - timedelta(days=6)).date(), end.date(), TimePrecision.WEEK)
    if match.group("m1"):
        first, last = f"{match.group('m1')} {match.group('d1')}", f"{match.group('m1')} {match.group('d2')}"
    elif match.group("m2"):
        first, last = f"{match.group('e1')} {match.group('m2')}", f"{match.group('e2')} {match.group('m2')}"
    else:
        first, last = match.group("a"), match.group("b")
    end = _dateparse(last, published)
    if end is None:
        return _unknown(span, "not understood as a date")
    if first.strip().rstrip("stndrh").isdigit():
        start_day = end.replace(day=int(re.match(r"\d+", first).group(0)))
    else:
        start_day = _dateparse(first, end + timedelta(days=1))
    if start_day is None or start_day > end:
        return _unknown(span, "not understood as a date range")
    return TimeExpr(span, start_day.date(), end.date(), TimePrecision.INTERVAL)


def _since(span: TextSpan, what: str, published: datetime | None) -> TimeExpr:
    part = re.match(r"(early|late|mid-?)\s*(\d{4})$", what.strip().lower())
    if part:  # "since late 2023": the part of the year it names, not the date of parsing
        start = date(int(part.group(2)), _PART_OF_YEAR[part.group(1)], 1)
        return TimeExpr(span, start, published.date() if published else None, TimePrecision.INTERVAL)
    what = re.sub(r"^(early|late|mid-?)\s*", "", what.strip(), flags=re.I)
    parsed = _dateparse(what, published)
    if parsed is None:
        return _unknown(span, "start not understood")
    start = parsed.date()
    if re.fullmatch(_MONTH_RE, what.strip().lower()) or re.fullmatch(rf"{_MONTH_RE}\s+\d{{4}}", what.strip().lower()):
        start = start.replace(day=1)
        if published and start > published.date():
            start = start.replace(year=start.year - 1)
    elif re.fullmatch(r"\d{4}", what.strip()):
        start = date(int(what.strip()), 1, 1)
    end = published.date() if published else None
    return TimeExpr(span, start, end, TimePrecision.INTERVAL,
                    None if end else "open interval: publication date unknown")


def _relative_period(span: TextSpan, lowered: str, anchor: date) -> TimeExpr:
    unit = next(u for u in ("week", "month", "year") if u in lowered)
    earlier_or_this = lowered.startswith(("earlier", "later", "this"))
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        start = monday if earlier_or_this else monday - timedelta(days=7)
        end = anchor if earlier_or_this else start + timedelta(days=6)
        return TimeExpr(span, start, end, TimePrecision.WEEK if not lowered.startswith(("earlier", "later")) else TimePrecision.INTERVAL)
    if unit == "month":
        first = anchor.replace(day=1)
        if earlier_or_this:
            return TimeExpr(span, first, anchor, TimePrecision.MONTH if lowered.startswith("this") else TimePrecision.INTERVAL)
        previous_end = first - timedelta(days=1)
        return TimeExpr(span, previous_end.replace(day=1), previous_end, TimePrecision.MONTH)
    year = anchor.year if earlier_or_this else anchor.year - 1
    end = anchor if earlier_or_this else date(year, 12, 31)
    return TimeExpr(span, date(year, 1, 1), end, TimePrecision.YEAR)


def _parsed(span: TextSpan, lowered: str, published: datetime | None) -> TimeExpr:
    words = set(re.findall(r"[a-z]+", lowered))
    has_weekday = bool(words & set(_WEEKDAYS))
    month_words = words & set(_MONTHS) | {w for w in words if re.fullmatch(_MONTH_RE, w)} - {"may"}
    has_day_number = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", lowered)) and bool(month_words)
    relative_day = bool(words & {"yesterday", "today", "tonight", "ago"})
    year_only = re.fullmatch(r"(in\s+)?(\d{4})", lowered)
    if year_only:
        year = int(year_only.group(2))
        if published is not None and year > published.year + 1:
            return _unknown(span, "a number, not a year")  # "2810 W. Arkansas": an address
        return TimeExpr(span, date(year, 1, 1), date(year, 12, 31), TimePrecision.YEAR)
    needs_anchor = has_weekday or relative_day or not re.search(r"\d{4}", lowered)
    if needs_anchor and published is None:
        return _unknown(span, "relative to an unknown publication date")
    if has_weekday and not has_day_number:
        return _weekday(span, lowered, published.date())
    parsed = _dateparse(lowered, published)
    if parsed is None:
        return _unknown(span, "not understood as a date")
    day = parsed.date()
    if has_weekday or has_day_number or relative_day:
        return TimeExpr(span, day, day, TimePrecision.DAY)
    if month_words:
        first = day.replace(day=1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return TimeExpr(span, first, last, TimePrecision.MONTH)
    return _unknown(span, "no calendar unit recognised")


def _weekday(span: TextSpan, lowered: str, anchor: date) -> TimeExpr:
    """News is written in the past tense: "on Monday" is the latest Monday up to the
    publication day (that day itself included), "last Monday" the one before that day."""
    weekday = next(i for i, name in enumerate(_WEEKDAYS) if name in lowered)
    delta = (anchor.weekday() - weekday) % 7
    if delta == 0 and "last" in lowered.split():
        delta = 7
    day = anchor - timedelta(days=delta)
    return TimeExpr(span, day, day, TimePrecision.DAY)


def _dateparse(text: str, base: datetime | None) -> datetime | None:
    settings = dict(_SETTINGS)
    if base is not None:
        settings["RELATIVE_BASE"] = base.replace(tzinfo=None)
    try:
        return dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
