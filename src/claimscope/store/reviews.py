"""Reviews of claims: accept, reject or correct, each one a new version; nothing is overwritten.

Every action is a row of ``claim_reviews`` (claim, version 1, 2, ..., action, the field a
correction changes with its value before and after, the reason, who and when). The claim's own
row stays as extracted; ``reviewed`` lays the latest correction of each field over it. The
latest action gives the status: ``accepted``, ``rejected`` or ``corrected`` (``unreviewed``
with no review at all). A figure is corrected per figure type; a place has no field in the
claim record, so it stays in ``ReviewedClaim.corrections`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from claimscope.records import (
    Certainty, Claim, Figure, FigureType, SourceType, TextSpan, TimeExpr, TimePrecision,
)
from claimscope.store.accounts import User
from claimscope.store.schema import articles, claim_reviews, claims, event_claims, events, users

ACTIONS = ("accept", "reject", "correct")
FIELDS = ("certainty", "source_name", "source_type", "figure", "place", "date", "content")
STATUS = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}
UNREVIEWED = "unreviewed"
MAX_TEXT = 2000
MAX_COUNT = 10**9
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


class ReviewError(ValueError):
    """A review that cannot be recorded as asked (bad action, field or value)."""


class ClaimNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    claim_id: str
    version: int
    action: str
    field: str | None
    old_value: Any
    new_value: Any
    reason: str
    username: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ReviewedClaim:
    claim: Claim  # the latest correction of each field applied
    original: Claim  # as extracted
    status: str  # unreviewed | accepted | rejected | corrected
    version: int  # the latest review's version; 0 when never reviewed
    # field -> latest corrected value; "figure" maps figure type -> {type, low, best, high}
    corrections: dict[str, Any] = dataclass_field(default_factory=dict)


def record(engine: Engine, claim_id: str, user: User | str, action: str, field: str | None,
           value: Any, reason: str | None) -> Review:
    """Validate and append one review; the version is the claim's next, even under races."""
    _check_action(action, field, value, reason)
    username = user.username if isinstance(user, User) else str(user)
    for _attempt in range(5):
        try:
            with engine.begin() as conn:
                return _record(conn, claim_id, user, username, action, field, value, reason or "")
        except IntegrityError:  # another review took this version number first: go again
            continue
    raise ReviewError("the claim is being reviewed by others right now; try again")


def _record(conn: Connection, claim_id: str, user: User | str, username: str, action: str,
            field: str | None, value: Any, reason: str) -> Review:
    row = conn.execute(select(claims.c.record).where(claims.c.id == claim_id)).first()
    if row is None:
        raise ClaimNotFound(claim_id)
    original = _claim(row.record)
    past = history(conn, claim_id)
    current = reviewed(original, past)
    old = new = None
    if action == "correct":
        new = _normalised(conn, field, value, original)
        old = _current_value(conn, current, field, new)
    user_id = user.id if isinstance(user, User) else conn.execute(
        select(users.c.id).where(users.c.username == username)).scalar()
    version = (past[-1].version if past else 0) + 1
    now = datetime.now(UTC)
    values = {"claim_id": claim_id, "version": version, "action": action, "field": field,
              "old_value": old, "new_value": new, "reason": reason, "user_id": user_id,
              "username": username, "at": now}
    new_id = conn.execute(insert(claim_reviews).returning(claim_reviews.c.id), values).scalar_one()
    return Review(new_id, claim_id, version, action, field, old, new, reason, username, now)


def history(conn: Connection, claim_id: str) -> list[Review]:
    return histories(conn, [claim_id]).get(claim_id, [])


def histories(conn: Connection, claim_ids: Iterable[str]) -> dict[str, list[Review]]:
    """Every review of these claims, oldest first, by claim id."""
    ids = list(dict.fromkeys(claim_ids))
    found: dict[str, list[Review]] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists
        stmt = (select(claim_reviews).where(claim_reviews.c.claim_id.in_(ids[start:start + 500]))
                .order_by(claim_reviews.c.claim_id, claim_reviews.c.version))
        for r in conn.execute(stmt).all():
            found.setdefault(r.claim_id, []).append(Review(
                r.id, r.claim_id, r.version, r.action, r.field, r.old_value, r.new_value,
                r.reason, r.username, r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)))
    return found


def reviewed(original: Claim, past: list[Review]) -> ReviewedClaim:
    if not past:
        return ReviewedClaim(original, original, UNREVIEWED, 0, {})
    corrections: dict[str, Any] = {}
    for review in past:
        if review.action != "correct" or review.field is None:
            continue
        if review.field == "figure":
            corrections.setdefault("figure", {})[review.new_value["type"]] = review.new_value
        else:
            corrections[review.field] = review.new_value
    latest = past[-1]
    return ReviewedClaim(_applied(original, corrections), original, STATUS[latest.action],
                         latest.version, corrections)


def _applied(claim: Claim, corrections: dict[str, Any]) -> Claim:
    for name, value in corrections.items():
        if name == "certainty":
            claim = replace(claim, certainty=Certainty(value))
        elif name == "source_name":
            claim = replace(claim, source=replace(claim.source, name=value))
        elif name == "source_type":
            claim = replace(claim, source=replace(claim.source, type=SourceType(value)))
        elif name == "content":
            claim = replace(claim, content=TextSpan(value["start"], value["end"], value["text"],
                                                    value.get("field", "text")))
        elif name == "date":
            claim = replace(claim, times=_dated(claim, value))
        elif name == "figure":
            for figure_value in value.values():
                claim = replace(claim, figures=_figured(claim, figure_value))
    return claim


def _dated(claim: Claim, value: dict[str, Any]) -> tuple[TimeExpr, ...]:
    start, end = date.fromisoformat(value["start"]), date.fromisoformat(value["end"])
    precision = TimePrecision(value["precision"])
    if claim.times:
        first = replace(claim.times[0], start=start, end=end, precision=precision,
                        note="corrected by review")
        return (first, *claim.times[1:])
    return (TimeExpr(claim.content, start, end, precision, "corrected by review"),)


def _figured(claim: Claim, value: dict[str, Any]) -> tuple[Figure, ...]:
    kind = FigureType(value["type"])
    numbers = {key: value.get(key) for key in ("low", "best", "high")}
    figures = list(claim.figures)
    for i, figure in enumerate(figures):
        if figure.type is kind:
            figures[i] = replace(figure, **numbers, approx=value.get("approx", figure.approx),
                                 qualifier=None)
            return tuple(figures)
    return (*figures, Figure(kind, **numbers, approx=value.get("approx", False), span=claim.content))


# --- validation --------------------------------------------------------------------------------

def _check_action(action: str, field: str | None, value: Any, reason: str | None) -> None:
    if action not in ACTIONS:
        raise ReviewError(f"action must be one of {', '.join(ACTIONS)}")
    if reason is not None and not isinstance(reason, str):
        raise ReviewError("reason must be text")
    if reason and len(reason) > MAX_TEXT:
        raise ReviewError(f"reason is longer than {MAX_TEXT} characters")
    if action in ("reject", "correct") and not (reason or "").strip():
        raise ReviewError(f"say why: a {action} needs a reason")
    if action != "correct":
        if field is not None or value is not None:
            raise ReviewError(f"{action} takes no field or value; use correct to change a field")
        return
    if field not in FIELDS:
        raise ReviewError(f"field must be one of {', '.join(FIELDS)}")
    if value is None:
        raise ReviewError(f"a correction of {field} needs a value")


def _normalised(conn: Connection, field: str | None, value: Any, claim: Claim) -> Any:
    if field == "certainty":
        return _enum(Certainty, value, field)
    if field == "source_type":
        return _enum(SourceType, value, field)
    if field == "source_name":
        return _text(value, field)
    if field == "figure":
        return _figure(value)
    if field == "place":
        return _place(value)
    if field == "date":
        return _date(value)
    return _content(conn, value, claim)


def _enum(kind: type, value: Any, name: str) -> str:
    try:
        return kind(value).value
    except (ValueError, TypeError):
        allowed = ", ".join(member.value for member in kind)
        raise ReviewError(f"{name} must be one of {allowed}") from None


def _text(value: Any, name: str, limit: int = 300) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ReviewError(f"{name} must be non-empty text")
    if len(value) > limit:
        raise ReviewError(f"{name} is longer than {limit} characters")
    return " ".join(value.split())


def _count(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ReviewError(f"figure {name} must be a whole number from 0 to {MAX_COUNT:,}, or null")
    return value


def _figure(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ReviewError("a figure is an object {type, low, best, high}")
    unknown = set(value) - {"type", "low", "best", "high", "approx"}
    if unknown:
        raise ReviewError(f"a figure has no field {sorted(unknown)[0]!r}")
    kind = _enum(FigureType, value.get("type"), "figure type")
    low, best, high = (_count(value.get(name), name) for name in ("low", "best", "high"))
    if low is None and best is None and high is None:
        raise ReviewError("a figure needs at least one of low, best, high")
    given = [v for v in (low, best, high) if v is not None]
    if given != sorted(given):
        raise ReviewError("a figure needs low <= best <= high")
    approx = value.get("approx", False)
    if not isinstance(approx, bool):
        raise ReviewError("figure approx must be true or false")
    return {"type": kind, "low": low, "best": best, "high": high, "approx": approx}


def _place(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        raise ReviewError("a place is a name or an object {name, country, latitude, longitude}")
    unknown = set(value) - {"name", "country", "latitude", "longitude"}
    if unknown:
        raise ReviewError(f"a place has no field {sorted(unknown)[0]!r}")
    place: dict[str, Any] = {"name": _text(value.get("name"), "place name")}
    country = value.get("country")
    if country is not None and (not isinstance(country, str) or not _COUNTRY.match(country)):
        raise ReviewError("place country must be an ISO 3166-1 alpha-2 code (UA, RU, ...)")
    place["country"] = country.upper() if country else None
    for name, bound in (("latitude", 90), ("longitude", 180)):
        number = value.get(name)
        if number is not None and (isinstance(number, bool) or not isinstance(number, int | float)
                                   or not -bound <= number <= bound):
            raise ReviewError(f"place {name} must be a number from -{bound} to {bound}")
        place[name] = float(number) if number is not None else None
    if (place["latitude"] is None) != (place["longitude"] is None):
        raise ReviewError("give both latitude and longitude, or neither")
    return place


def _date(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"start": value}
    if not isinstance(value, dict) or set(value) - {"start", "end", "precision"}:
        raise ReviewError("a date is YYYY-MM-DD or an object {start, end, precision}")
    try:
        start = date.fromisoformat(value["start"])
        end = date.fromisoformat(value.get("end") or value["start"])
    except (KeyError, TypeError, ValueError):
        raise ReviewError("a date needs start (and optionally end) as YYYY-MM-DD") from None
    if end < start:
        raise ReviewError("the date's end is before its start")
    default = "day" if start == end else "interval"
    precision = _enum(TimePrecision, value.get("precision") or default, "date precision")
    return {"start": start.isoformat(), "end": end.isoformat(), "precision": precision}


def _content(conn: Connection, value: Any, claim: Claim) -> dict[str, Any]:
    """The claim's content as another span of the article: {start, end} or text found in it."""
    body = conn.execute(select(articles.c.text).where(articles.c.id == claim.article_id)).scalar() or ""
    if isinstance(value, str):
        text = value.strip()
        start = body.find(text) if text else -1
        if start < 0:
            raise ReviewError("the corrected content must be a passage of the article's text")
        return {"start": start, "end": start + len(text), "text": text, "field": "text"}
    if not isinstance(value, dict) or set(value) - {"start", "end", "text", "field"}:
        raise ReviewError("content is a passage of the article: text, or {start, end}")
    start, end = value.get("start"), value.get("end")
    if (any(isinstance(v, bool) or not isinstance(v, int) for v in (start, end))
            or not 0 <= start < end <= len(body)):
        raise ReviewError(f"content start / end must be offsets with 0 <= start < end <= {len(body)}")
    return {"start": start, "end": end, "text": body[start:end], "field": "text"}


def _current_value(conn: Connection, current: ReviewedClaim, field: str | None, new: Any) -> Any:
    claim = current.claim
    if field == "certainty":
        return claim.certainty.value
    if field == "source_name":
        return claim.source.name
    if field == "source_type":
        return claim.source.type.value
    if field == "content":
        return {"start": claim.content.start, "end": claim.content.end,
                "text": claim.content.text, "field": claim.content.field}
    if field == "date":
        first = claim.times[0] if claim.times else None
        if first is None or first.start is None:
            return None
        return {"start": first.start.isoformat(),
                "end": (first.end or first.start).isoformat(), "precision": first.precision.value}
    if field == "figure":
        for figure in claim.figures:
            if figure.type.value == new["type"]:
                return {"type": figure.type.value, "low": figure.low, "best": figure.best,
                        "high": figure.high, "approx": figure.approx}
        return None
    # place: the latest correction, else the place of the first event the claim reports
    if "place" in current.corrections:
        return current.corrections["place"]
    stmt = (select(events.c.record).join(event_claims, event_claims.c.event_id == events.c.id)
            .where(event_claims.c.claim_id == claim.id).order_by(events.c.position).limit(1))
    found = conn.execute(stmt).scalar()
    place = (found or {}).get("place")
    if not place:
        return None
    return {"name": place.get("name") or place.get("text"), "country": place.get("country"),
            "latitude": place.get("latitude"), "longitude": place.get("longitude")}


def _claim(record: dict[str, Any]) -> Claim:
    from claimscope.store.plain import from_plain

    return from_plain(Claim, record)


def review_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(claim_reviews)).scalar_one()
