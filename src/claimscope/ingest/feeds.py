"""RSS and Atom feeds (feedparser): the entries to fetch, each under a key that never changes.

An entry's key is its id (guid), else its link, else a hash of its title and summary: the
store remembers keys per feed so each entry is processed once, across restarts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from claimscope.errors import Code
from claimscope.ingest.checks import Problem, problem


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    link: str | None  # absolute (feedparser resolves relative links against the feed's URL)
    title: str | None
    published: datetime | None


def parse_feed(data: bytes, url: str) -> list[Entry] | Problem:
    """The feed's entries in feed order, each key once; E016 when it is not a feed at all."""
    import feedparser  # imported late: the CLI starts faster without

    try:
        # Bytes, never str: feedparser would take a str for a URL or a file name to open.
        parsed = feedparser.parse(data, response_headers={"content-location": url})
    except Exception as exc:  # noqa: BLE001 - feedparser wraps most, not all, parser errors
        return problem(Code.BAD_FEED, f"{type(exc).__name__}: {exc}"[:200])
    # A feed with small errors (bozo) still counts when it parsed into RSS/Atom or has entries;
    # an HTML page or broken XML has neither.
    if not parsed.get("version") and not parsed.entries:
        cause = parsed.get("bozo_exception")
        detail = f"{type(cause).__name__}: {cause}"[:200] if cause else "no RSS or Atom found"
        return problem(Code.BAD_FEED, " ".join(detail.split()))
    entries: dict[str, Entry] = {}
    for raw in parsed.entries:
        if not any(_text(raw.get(name)) for name in ("id", "link", "title", "summary")):
            continue  # an empty <item/>, as a truncated feed leaves: nothing to fetch
        entry = _entry(raw)
        entries.setdefault(entry.key, entry)  # a repeated entry is the same entry
    return list(entries.values())


def _entry(raw: Any) -> Entry:
    link = _text(raw.get("link"))
    key = _text(raw.get("id")) or link or _hash(raw)
    return Entry(key=key, link=link, title=_text(raw.get("title")), published=_published(raw))


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _hash(raw: Any) -> str:
    seed = f"{raw.get('title', '')}\n{raw.get('summary', '')}"
    return "sha1:" + hashlib.sha1(seed.encode("utf-8")).hexdigest()


def _published(raw: Any) -> datetime | None:
    moment = raw.get("published_parsed") or raw.get("updated_parsed")  # a UTC struct_time
    try:
        return datetime(*moment[:6], tzinfo=UTC) if moment else None
    except (TypeError, ValueError):
        return None
