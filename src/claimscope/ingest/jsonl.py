"""JSON Lines: one article per line, as exported by scrapers and news APIs.

The fields are already separated, so the text is taken as the body (no furniture rules) and
only normalised into paragraphs; dates and outlets get the same treatment as elsewhere.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from claimscope.errors import Code
from claimscope.ingest.checks import detect_language, problem
from claimscope.ingest.dates import DateInfo, parse_date_value
from claimscope.ingest.ids import fingerprint, id_from, outlet_from_url
from claimscope.records import Article, Rejected

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def parse_jsonl_line(line: str, *, item: str, origin_path: str | None = None) -> Article | Rejected:
    """One JSONL line: an Article, or Rejected E007 when it is not an object with text."""
    try:
        record = json.loads(line)
    except ValueError as err:
        detail = f"invalid JSON: {err.msg} (column {err.colno})"
        return problem(Code.BAD_JSON, detail).rejected(item)
    if not isinstance(record, dict):
        detail = f"a JSON {type(record).__name__}, not an object"
        return problem(Code.BAD_JSON, detail).rejected(item)
    return parse_object(record, item=item, origin_path=origin_path)


def parse_object(
    record: dict[str, Any], *, item: str, origin_path: str | None = None
) -> Article | Rejected:
    """One decoded record (a JSONL object, a Parquet row): E007 when it has no text."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return problem(Code.BAD_JSON, "no non-empty 'text' string").rejected(item)
    return parse_record(record, text=text, origin_path=origin_path)


def parse_record(record: dict[str, Any], *, text: str, origin_path: str | None) -> Article:
    url = _string(record.get("url"))
    body = _paragraphs(text)
    body_fingerprint = fingerprint(body)
    date = _date(record.get("published"))
    return Article(
        id=id_from(url, body_fingerprint),
        text=body,
        title=_string(record.get("title")),
        url=url,
        outlet=_outlet(record) or outlet_from_url(url),
        author=_author(record.get("author")),
        published=date.value if date else None,
        published_text=date.text if date else None,
        published_zone=date.zone if date else None,
        published_precision=date.precision if date else None,
        section=_string(record.get("section")),
        lang=detect_language(body) or "en",
        fingerprint=body_fingerprint,
        origin_path=origin_path,
    )


def _paragraphs(text: str) -> str:
    # Blank lines separate paragraphs; without any, every line is one.
    chunks = _PARAGRAPH_BREAK.split(text) if _PARAGRAPH_BREAK.search(text) else text.splitlines()
    return "\n\n".join(chunk.strip() for chunk in chunks if chunk.strip())


def _string(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _outlet(record: dict[str, Any]) -> str | None:
    for key in ("outlet", "source"):
        value = record.get(key)
        if isinstance(value, dict):  # news APIs give {"id": ..., "name": ...}
            value = value.get("name")
        if (name := _string(value)) is not None:
            return name
    return None


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [name.strip() for name in value if isinstance(name, str) and name.strip()]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " and " + names[-1]
        return names[0] if names else None
    return _string(value)


def _date(value: Any) -> DateInfo | None:
    if isinstance(value, str) and value.strip():
        return parse_date_value(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # Unix time in seconds: an exact instant, in UTC
            moment = datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return DateInfo(value=moment, text=str(value), zone="UTC", precision="minute")
    return None
