"""Selecting events by the filters the CLI and the API offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select

from claimscope.store.schema import articles, events


@dataclass(frozen=True, slots=True)
class EventFilters:
    """Filters combine with AND; None means "any".

    ``code`` is our ontology code or an ACLED event / sub-event type; ``actor`` (any
    participant, victims included) and ``place`` match part of the resolved name (or the text
    as written), case-insensitively; ``country``
    is the ISO 3166-1 alpha-2 code of the event's place; ``since`` / ``until`` keep events whose
    known dates overlap the range (undated events are left out when either is given).
    """

    code: str | None = None
    actor: str | None = None
    country: str | None = None
    place: str | None = None
    certainty: str | None = None
    article: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int | None = None


def events_select(filters: EventFilters) -> Select:
    stmt = (
        select(events.c.record, articles.c.record.label("article_record"))
        .join(articles, events.c.article_id == articles.c.id)
        .where(*_conditions(filters))
        .order_by(events.c.date_start.is_(None), events.c.date_start, articles.c.published,
                  articles.c.id, events.c.position)
    )
    if filters.limit is not None:
        stmt = stmt.limit(filters.limit)
    return stmt


def _conditions(filters: EventFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.code:
        conditions.append(or_(events.c.code == filters.code, events.c.event_type == filters.code,
                              events.c.sub_event_type == filters.code))
    if filters.actor:
        conditions.append(events.c.actors.icontains(filters.actor, autoescape=True))
    if filters.place:
        conditions.append(events.c.place.icontains(filters.place, autoescape=True))
    if filters.country:
        conditions.append(events.c.country == filters.country.upper())
    if filters.certainty:
        conditions.append(events.c.certainty == str(filters.certainty))
    if filters.article:
        conditions.append(events.c.article_id.startswith(filters.article, autoescape=True))
    if filters.since:
        conditions.append(events.c.date_end.is_not(None) & (events.c.date_end >= filters.since)
                          | (events.c.date_end.is_(None) & (events.c.date_start >= filters.since)))
    if filters.until:
        conditions.append(events.c.date_start.is_not(None) & (events.c.date_start <= filters.until))
    return conditions
