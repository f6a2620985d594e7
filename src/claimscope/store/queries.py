"""Selecting claims by the filters the CLI and the API offer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import aliased

from claimscope.store import search
from claimscope.store.schema import articles, claim_reviews, claims, figures

# Review actions that leave a claim standing as reviewed (the latest action decides).
REVIEWED_ACTIONS = ("accept", "correct")


@dataclass(frozen=True, slots=True)
class ClaimFilters:
    """Filters combine with AND; None means "any".

    ``source`` matches part of the source's name, case-insensitively; ``article`` matches an
    article id or the start of one (ids are long hashes, people paste a prefix); ``figure``
    keeps claims with at least one figure of that type. ``reviewed``: True keeps claims whose
    latest review accepts or corrects them, False keeps claims never reviewed (rejected ones
    are in neither). ``q`` keeps claims whose content has every word of it (full-text search,
    ``store/search.py``). The others match exactly; all match the values as extracted, not as
    corrected by review.
    """

    source: str | None = None
    source_type: str | None = None
    certainty: str | None = None
    figure: str | None = None
    article: str | None = None
    kind: str | None = None
    limit: int | None = None
    reviewed: bool | None = None
    q: str | None = None


def claims_select(filters: ClaimFilters, *, search_mode: str = search.LIKE) -> Select:
    """Claim records with their article's title, outlet and published date, in reading order."""
    stmt = (
        select(
            claims.c.record,
            articles.c.title.label("article_title"),
            articles.c.outlet,
            articles.c.record["published"].as_string().label("published"),
        )
        .join(articles, claims.c.article_id == articles.c.id)
        .where(*claim_conditions(filters, search_mode))
        # Oldest news first, undated articles last, each article's claims in text order: the
        # claims' own copy of the article's date, so ix_claims_reading_order serves the sort.
        .order_by(
            claims.c.published.is_(None),
            claims.c.published,
            claims.c.article_id,
            claims.c.position,
        )
    )
    if filters.limit is not None:
        stmt = stmt.limit(filters.limit)
    return stmt


def claim_conditions(filters: ClaimFilters, search_mode: str = search.LIKE) -> list[ColumnElement[bool]]:
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
    if filters.reviewed is not None:
        conditions.append(_reviewed() if filters.reviewed else ~_any_review())
    if filters.q is not None and filters.q.strip():
        conditions.append(search.condition(filters.q, search_mode))
    return conditions


def _any_review() -> ColumnElement[bool]:
    return exists().where(claim_reviews.c.claim_id == claims.c.id)


def _reviewed() -> ColumnElement[bool]:
    later = aliased(claim_reviews)
    return exists().where(
        claim_reviews.c.claim_id == claims.c.id,
        claim_reviews.c.action.in_(REVIEWED_ACTIONS),
        ~exists().where(later.c.claim_id == claim_reviews.c.claim_id,
                        later.c.version > claim_reviews.c.version),
    )


def _text(value: str) -> str:
    # Accept the records' enums as well as plain strings.
    return value.value if isinstance(value, Enum) else value
