"""Reads the web pages need beyond the Store's own methods: recent articles, one claim by id,
and a page of filtered claims with a total (the Store's ``claims()`` has no offset).

Read-only SQL over the store's tables, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from claimscope.records import Article, Claim
from claimscope.store import Store, search
from claimscope.store.plain import from_plain
from claimscope.store.queries import ClaimFilters, claims_select
from claimscope.store.schema import articles, claims, rejections, stories


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: str
    title: str | None
    outlet: str | None
    published: datetime | None
    ingested_at: datetime | None
    claims: int


@dataclass(frozen=True, slots=True)
class ClaimListRow:
    claim: Claim
    article_title: str | None
    outlet: str | None
    published: str | None


def recent_articles(store: Store, *, limit: int = 20, offset: int = 0) -> tuple[list[ArticleRow], int]:
    counted = (select(claims.c.article_id, func.count().label("n"))
               .group_by(claims.c.article_id).subquery())
    stmt = (select(articles.c.id, articles.c.title, articles.c.outlet, articles.c.published,
                   articles.c.ingested_at, func.coalesce(counted.c.n, 0).label("n"))
            .outerjoin(counted, counted.c.article_id == articles.c.id)
            .order_by(articles.c.ingested_at.desc(), articles.c.id)
            .limit(limit).offset(offset))
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
        total = conn.execute(select(func.count()).select_from(articles)).scalar_one()
    return [ArticleRow(r.id, r.title, r.outlet, r.published, r.ingested_at, r.n) for r in rows], total


def claim_by_id(store: Store, claim_id: str) -> Claim | None:
    with store.engine.connect() as conn:
        record = conn.execute(select(claims.c.record).where(claims.c.id == claim_id)).scalar()
    return None if record is None else from_plain(Claim, record)


def article_meta(store: Store, article_id: str) -> Article | None:
    """The article's metadata without its text (cheap), or None."""
    with store.engine.connect() as conn:
        record = conn.execute(select(articles.c.record).where(articles.c.id == article_id)).scalar()
    return None if record is None else from_plain(Article, {**record, "text": ""})


def claim_page(store: Store, filters: ClaimFilters, *, extra: list[ColumnElement[bool]] = (),
               offset: int = 0, limit: int = 50) -> tuple[list[ClaimListRow], int]:
    """One page of claims matching ``filters`` (``q``: full-text search, store/search.py) and
    the ``extra`` conditions (the review status), with the total count."""
    with store.engine.connect() as conn:
        stmt = claims_select(filters, search_mode=search.mode(conn)).where(*extra)
        count = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = conn.execute(count).scalar_one()
        rows = conn.execute(stmt.limit(limit).offset(offset)).all()
    return [ClaimListRow(from_plain(Claim, r.record), r.article_title, r.outlet, r.published)
            for r in rows], total


def story_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(stories)).scalar_one()


def recent_rejections(store: Store, limit: int = 10) -> list[Any]:
    stmt = (select(rejections.c.code, rejections.c.item, rejections.c.reason, rejections.c.count,
                   rejections.c.last_seen)
            .order_by(rejections.c.last_seen.desc(), rejections.c.item).limit(limit))
    with store.engine.connect() as conn:
        return list(conn.execute(stmt).all())
