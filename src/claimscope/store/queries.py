"""Selecting claims by the filters the CLI and the API offer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import ColumnElement, Select, exists, select

from claimscope.store.schema import articles, claims, figures


@dataclass(frozen=True, slots=True)
class ClaimFilters:
    """Filters combine with AND; None means "any".

    ``source`` matches part of the source's name, case-insensitively; ``article`` matches an
    article id or the start of one (ids are long hashes, people paste a prefix); ``figure``
    keeps claims with at least one figure of that type. The others match exactly.
    """

    source: str | None = None
    source_type: str | None = None
    certainty: str | None = None
    figure: str | None = None
    article: str | None = None
    kind: str | None = None
    limit: int | None = None


def claims_select(filters: ClaimFilters) -> Select:
    """Claim records with their article's title, outlet and published date, in reading order."""
    stmt = (
        select(
            claims.c.record,
            articles.c.title.label("article_title"),
            articles.c.outlet,
            articles.c.record["published"].as_string().label("published"),
        )
        .join(articles, claims.c.article_id == articles.c.id)
        .where(*_conditions(filters))
        # Oldest news first, undated articles last, each article's claims in text order.
        .order_by(
            articles.c.published.is_(None),
            articles.c.published,
            articles.c.id,
            claims.c.position,
        )
    )
    if filters.limit is not None:
        stmt = stmt.limit(filters.limit)
    return stmt


def _conditions(filters: ClaimFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.source:
        conditions.append(claims.c.source_name.icontains(filters.source, autoescape=True))
    if filters.article:
        conditions.append(claims.c.article_id.startswith(filters.article, autoescape=True))
    exact = {
        claims.c.source_type: filters.source_type,
        claims.c.certainty: filters.certainty,
        claims.c.kind: filters.kind,
    }
    conditions += [column == _text(value) for column, value in exact.items() if value]
    if filters.figure:
        conditions.append(
            exists().where(
                figures.c.claim_id == claims.c.id, figures.c.type == _text(filters.figure)
            )
        )
    return conditions


def _text(value: str) -> str:
    # Accept the records' enums as well as plain strings.
    return value.value if isinstance(value, Enum) else value
