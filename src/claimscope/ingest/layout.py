"""Line classification for text saved from news pages.

Each non-blank line gets a kind (prose, short line, byline, date, furniture, URL, repeat);
plaintext.py then decides from the sequence of kinds where the header ends and the body starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimscope.ingest.byline import Byline, parse_byline
from claimscope.ingest.dates import DateInfo, parse_date_line
from claimscope.ingest.furniture import is_furniture

PROSE = "prose"  # running text: ends like a sentence or is too long to be a label
SHORT = "short"  # a label: section tag, subhead, kicker or trailing tag
BYLINE = "byline"
DATE = "date"
FURNITURE = "furniture"
URL = "url"
REPEAT = "repeat"  # a line already seen (repeated credits, trailing copy of the section tag)
MARKERS = frozenset({BYLINE, DATE, FURNITURE, URL, REPEAT})

_FINAL_MARKS = ".!?\u2026:;"
_CLOSERS = "\"'\u201d\u2019)]"
_BULLET = re.compile(r"^(?:[-*\u2022\u2013]\s|\d{1,2}[.)]\s)")
_URL_LINE = re.compile(r"^(?:url|source|link)?\s*:?\s*<?(https?://\S+?)>?$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s+")
_TAG = re.compile(r"^[^\W\d_][\w'\u2019&-]*(?:\s+(?:&\s+)?[^\W\d_][\w'\u2019&-]*){0,2}$")
MAX_LABEL_WORDS = 12  # a longer line without final punctuation is still running text
_WRAP_MIN, _WRAP_MAX = 40, 100  # line lengths of text hard-wrapped by an editor or mailer


@dataclass(frozen=True, slots=True)
class Line:
    text: str  # trimmed, as written
    block: int  # lines with no blank line between them share a block
    kind: str
    byline: Byline | None = None
    date: DateInfo | None = None
    url: str | None = None


def split_lines(text: str) -> list[tuple[str, int]]:
    """Non-blank trimmed lines with their block number; hard-wrapped blocks become one line."""
    result: list[tuple[str, int]] = []
    block: list[str] = []
    number = 0
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line:
            block.append(line)
            continue
        if block:
            result.extend((joined, number) for joined in _unwrap(block))
            number += 1
            block = []
    return result


def _unwrap(block: list[str]) -> list[str]:
    # One paragraph per line is the norm for saved pages; only near-constant line lengths
    # with lines that stop mid-sentence mean an editor wrapped the paragraph.
    inner = block[:-1]
    if not inner or any(not _WRAP_MIN <= len(line) <= _WRAP_MAX for line in inner):
        return block
    open_ended = sum(not ends_sentence(line) for line in inner)
    if open_ended * 2 < len(inner) or any(_is_header_line(line) for line in block):
        return block
    return [" ".join(block)]


def _is_header_line(line: str) -> bool:
    return is_furniture(line) or parse_byline(line) is not None or parse_date_line(line) is not None


def classify(text: str, block: int, seen: set[str]) -> Line:
    """The kind of one line; ``seen`` holds the normalised lines met so far (updated here)."""
    key = " ".join(text.lower().split())  # copies are exact; NFKC is not worth its cost here
    if key in seen:
        return Line(text, block, REPEAT)
    seen.add(key)
    if _HEADING.match(text):
        return Line(text, block, SHORT)
    if match := _URL_LINE.match(text):
        return Line(text, block, URL, url=match.group(1))
    if is_furniture(text):
        return Line(text, block, FURNITURE)
    if (byline := parse_byline(text)) is not None:
        return Line(text, block, BYLINE, byline=byline, date=byline.date)
    if (date := parse_date_line(text)) is not None:
        return Line(text, block, DATE, date=date)
    return Line(text, block, PROSE if is_prose(text) else SHORT)


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL_MARKS


def is_prose(text: str) -> bool:
    return ends_sentence(text) or text.count(" ") >= MAX_LABEL_WORDS or bool(_BULLET.match(text))


def is_tag(text: str) -> bool:
    """A section tag: one to three capitalised words, no digits, no punctuation."""
    return bool(_TAG.match(text)) and all(word[0].isupper() or word == "&" for word in text.split())


def strip_heading(text: str) -> str:
    return _HEADING.sub("", text)
