"""Reading the cross-article record back: members of claim groups, stories, copies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from claimscope.corroborate.quantities import Quantity
from claimscope.corroborate.views import Member
from claimscope.records import Certainty, FigureType, SourceType
from claimscope.store.schema import (
    article_signatures, articles, claim_groups, claims, events, group_members, stories,
    story_events,
)


def members(conn: Connection, *, figure: str | None = None, who: str | None = None,
            group_ids: list[str] | None = None) -> list[Member]:
    """Group members, optionally of one figure type, one counted country, or some groups."""
    query = (
        select(group_members, claim_groups.c.block, article_signatures.c.copy_of,
               claims.c.content_text)
        .join(claim_groups, claim_groups.c.id == group_members.c.group_id)
        .join(claims, claims.c.id == group_members.c.claim_id)
        .outerjoin(article_signatures, article_signatures.c.article_id == group_members.c.article_id)
    )
    if figure:
        query = query.where(claim_groups.c.figure_type == figure)
    if who:
        query = query.where(claim_groups.c.block.like(f"%|{who.upper()}|%"))
    if group_ids is not None:
        query = query.where(group_members.c.group_id.in_(group_ids))
    return [_member(row) for row in conn.execute(query.order_by(group_members.c.published)).all()]


def _member(row) -> Member:
    figure_type, who, where = row.block.split("|")
    published = row.published
    return Member(
        claim_id=row.claim_id, group_id=row.group_id, article_id=row.article_id,
        canonical_article=row.copy_of or row.article_id,
        quantity=Quantity(FigureType(figure_type), who, where), root_key=row.root_key,
        root_name=row.root_name, root_type=SourceType(row.root_type), path=tuple(row.path),
        outlet=row.outlet, published=published, certainty=Certainty(row.certainty),
        origin=row.origin, low=row.low, best=row.best, high=row.high,
        period_start=row.period_start, period_end=row.period_end, content=row.content_text,
    )


def group_of(conn: Connection, claim_id: str) -> str | None:
    return conn.execute(select(group_members.c.group_id)
                        .where(group_members.c.claim_id == claim_id).limit(1)).scalar()


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: str
    code: str
    sub_event_type: str
    country: str
    date_start: date | None
    date_end: date | None
    events: int
    articles: int
    outlets: int
    article_ids: tuple[str, ...]
    claim_ids: tuple[str, ...]


def story_rows(conn: Connection, *, min_articles: int = 1) -> list[StoryRow]:
    rows = conn.execute(
        select(story_events.c.story_id, stories.c.code, stories.c.block, stories.c.date_start,
               stories.c.date_end, events.c.sub_event_type, events.c.record,
               story_events.c.article_id, articles.c.outlet, article_signatures.c.copy_of)
        .join(stories, stories.c.id == story_events.c.story_id)
        .join(events, events.c.id == story_events.c.event_id)
        .join(articles, articles.c.id == story_events.c.article_id)
        .outerjoin(article_signatures, article_signatures.c.article_id == story_events.c.article_id)
    ).all()
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row.story_id, []).append(row)
    found = []
    for story_id, items in grouped.items():
        originals = {row.copy_of or row.article_id for row in items}  # copies count once
        if len(originals) < min_articles:
            continue
        first = items[0]
        found.append(StoryRow(
            story_id, first.code, first.sub_event_type, first.block.split("|")[1],
            min((r.date_start for r in items if r.date_start), default=None),
            max((r.date_end for r in items if r.date_end), default=None),
            len(items), len(originals),
            len({row.outlet or row.article_id for row in items if (row.copy_of or row.article_id) == row.article_id}),
            tuple(sorted({row.article_id for row in items})),
            tuple(dict.fromkeys(c for row in items for c in row.record.get("claim_ids", ()))),
        ))
    return sorted(found, key=lambda s: (-s.articles, s.date_start or date.max, s.id))


def copies(conn: Connection) -> list[tuple[str, str, float]]:
    """(article, the article it copies, estimated similarity) for every copy found."""
    rows = conn.execute(select(article_signatures.c.article_id, article_signatures.c.copy_of,
                               article_signatures.c.similarity)
                        .where(article_signatures.c.copy_of.is_not(None))).all()
    return [(row.article_id, row.copy_of, row.similarity) for row in rows]


def group_count(conn: Connection) -> int:
    return conn.execute(select(func.count(func.distinct(group_members.c.group_id)))).scalar_one()


def story_event_ids(conn: Connection, story_id: str) -> list[str]:
    rows = conn.execute(select(story_events.c.event_id).join(events, events.c.id == story_events.c.event_id)
                        .where(story_events.c.story_id == story_id)
                        .order_by(events.c.date_start, events.c.article_id, events.c.position)).all()
    return [row.event_id for row in rows]


def group_ids_of(conn: Connection, claim_ids: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(claim_ids), 500):
        found += conn.execute(select(group_members.c.group_id).distinct()
                              .where(group_members.c.claim_id.in_(claim_ids[start:start + 500]))
                              ).scalars().all()
    return sorted(set(found))
