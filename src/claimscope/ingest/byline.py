"""Bylines: "Written by X", "By X and Y", "By X in Kyiv", "X | Reuters", "Author: X".

A byline often shares its line with an agency, a role or the date, so the line is split into
parts and only the parts that look like personal names become the author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimscope.ingest.dates import DateInfo, parse_date_line

_LEAD = re.compile(
    r"^(?:(?:written|reported|words|story|text|compiled)\s+by|by|authors?\s*:|"
    r"reporters?\s*:|bylines?\s*:)\s*:?\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# News agencies and wire services, for "Jane Doe | Reuters" lines that have no "By".
# fmt: off
_AGENCIES = frozenset({
    "reuters", "ap", "afp", "associated press", "agence france-presse", "bloomberg", "dpa",
    "efe", "ansa", "upi", "tass", "ria novosti", "interfax", "ukrinform", "yonhap", "kyodo",
    "xinhua", "anadolu", "pti", "ani", "bbc", "bbc news", "cnn",
})
# A part of a byline with one of these words names a role or a newsroom, not a person.
_ROLE_WORDS = frozenset({
    "news", "press", "agency", "agencies", "staff", "correspondent", "correspondents", "editor",
    "editors", "reporter", "reporters", "writer", "writers", "bureau", "desk", "team",
    "service", "contributor", "contributors", "analyst", "columnist", "journalist",
    "journalists",
})
_PARTICLES = frozenset({
    "de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "ter", "ten", "la",
    "le", "al", "el", "bin", "ibn", "y",
})
# fmt: on
_STRONG_SPLIT = re.compile(r"\s+[|\u2022\u00b7\u2013\u2014/-]\s+")
_HAS_SEPARATOR = re.compile(r"[,;|\u2022\u00b7\u2013\u2014]|\s[-/]\s")
_WEAK_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_PLACE = re.compile(r"\s+(?:in|from|at)\s+[A-Z].*$")
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'\u2019.\-]*$")
MAX_BYLINE = 120


@dataclass(frozen=True, slots=True)
class Byline:
    author: str | None  # personal names joined with "and"; the raw credit when none is found
    date: DateInfo | None  # a date written on the same line


def parse_byline(line: str) -> Byline | None:
    """The byline in a line, or None when the line is not a byline."""
    text = line.strip()
    if len(text) > MAX_BYLINE:
        return None
    if lead := _LEAD.match(text):
        segments = _STRONG_SPLIT.split(lead.group("rest"))
        first = _WEAK_SPLIT.split(segments[0])[0]
        if not (_looks_like_name(_PLACE.sub("", first), allow_single=True) or _is_credit(first)):
            return None
        return _from_segments(segments)
    if not _HAS_SEPARATOR.search(text):  # "Jane Doe | Reuters" needs a separator
        return None
    segments = _STRONG_SPLIT.split(text)
    parts = [part for part in _WEAK_SPLIT.split(segments[0]) if part]
    if len(segments) > 1:  # "Jane Doe | Reuters": the credit has its own segment
        parts.append(segments[1])
    credit_at = next((i for i, part in enumerate(parts) if _is_credit(part)), None)
    if not credit_at or not all(_looks_like_name(part) for part in parts[:credit_at]):
        return None
    return _from_segments(segments)


def _from_segments(segments: list[str]) -> Byline | None:
    names: list[str] = []
    credits: list[str] = []
    date = None
    for segment in segments:
        if date is None and (found := parse_date_line(segment)):
            date = found
            continue
        for part in filter(None, _WEAK_SPLIT.split(segment)):
            person = _PLACE.sub("", part).strip(" .")
            if date is None and (found := parse_date_line(part)):
                date = found
            elif _looks_like_name(person) and not _is_credit(person):
                names.append(person)
            elif _is_credit(part) or _looks_like_name(person, allow_single=True):
                credits.append(_strip_article(part))  # an agency, a role or a place
            else:
                return None  # a clause of prose ("By Tuesday, troops had ...") is no byline
    return Byline(author=_join(names) or (credits[0] if credits else None), date=date)


def _strip_article(part: str) -> str:
    part = part.strip(" .")
    return part[4:] if part.lower().startswith("the ") else part


def _join(names: list[str]) -> str | None:
    if not names:
        return None
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _is_credit(part: str) -> bool:
    lowered = part.strip(" .").lower().removeprefix("the ")
    return lowered in _AGENCIES or any(word in _ROLE_WORDS for word in lowered.split())


def _looks_like_name(part: str, *, allow_single: bool = False) -> bool:
    """Two to five capitalised words (particles such as "van" or "al" allowed)."""
    tokens = part.strip(" .").split()
    if not tokens or len(tokens) > 5 or (len(tokens) < 2 and not allow_single):
        return False
    capitals = 0
    for token in tokens:
        if token.lower() in _PARTICLES:
            continue
        # "al-Hassan", "bin-Salman": a lower-case particle joined by a hyphen is still a name
        head = token.split("-")[0].lower() if "-" in token else ""
        if not _NAME_TOKEN.match(token) or not (token[0].isupper() or head in _PARTICLES):
            return False
        capitals += 1
    return capitals >= 1
