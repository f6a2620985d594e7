"""Rows written for one extraction or one rejection, inside a transaction the caller owns."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection

from claimscope.records import (
    Article,
    Claim,
    Event,
    Extraction,
    Figure,
    Rejected,
    TextSpan,
    TimeExpr,
    to_plain,
)
from claimscope.store import search
from claimscope.store.corroboration import forget_article, record_article
from claimscope.store.schema import (
    articles, claim_times, claims, event_claims, events, figures, rejections,
)


def write_extraction(conn: Connection, extraction: Extraction, now: datetime) -> int:
    """Replace everything stored for the article; returns the number of claims written.

    Ids are deterministic, so re-ingesting an article lands on the same rows: deleting first
    and inserting the fresh claims means a claim the extractor no longer finds disappears too.
    """
    delete_article(conn, extraction.article.id)
    rows, unique = extraction_rows(extraction, now)
    for table, values in rows:
        if values:  # executemany with no rows is an error on some drivers
            conn.execute(insert(table), values)
    search.index_claims(conn, ((claim.id, claim.content.text) for claim in unique))
    record_article(conn, stored_view(extraction, unique))
    return len(unique)


def extraction_rows(extraction: Extraction, now: datetime
                    ) -> tuple[list[tuple[Table, list[dict[str, Any]]]], list[Claim]]:
    """The rows of one extraction, table by table in foreign-key order, and its unique claims."""
    article = extraction.article
    unique = _first_of_each_id(extraction.claims)
    published = _utc(article.published)
    claim_ids = {claim.id for claim in unique}
    events_by_id: dict[str, Event] = {}
    for event in extraction.events if unique else ():
        events_by_id.setdefault(event.id, event)
    found = list(events_by_id.values())
    return [
        (articles, [_article_row(article, now)]),
        (claims, [_claim_row(claim, i, published) for i, claim in enumerate(unique)]),
        (figures, [_figure_row(c.id, i, f) for c in unique for i, f in enumerate(c.figures)]),
        (claim_times, [_time_row(c.id, i, t) for c in unique for i, t in enumerate(c.times)]),
        (events, [_event_row(e, i) for i, e in enumerate(found)]),
        (event_claims, [{"event_id": e.id, "claim_id": c, "position": i}
                        for e in found for i, c in enumerate(dict.fromkeys(e.claim_ids))
                        if c in claim_ids]),
    ], unique


def stored_view(extraction: Extraction, unique: list[Claim]) -> Extraction:
    """The extraction as stored, which the cross-article record is built from: without claims,
    only its text counts (it may be a copy)."""
    if not unique:
        return replace(extraction, claims=(), events=())
    return replace(extraction, claims=tuple(unique))


def _event_row(event: Event, position: int) -> dict[str, Any]:
    place, actor1, actor2 = event.place, event.actor1, event.actor2
    return {
        "id": event.id,
        "article_id": event.article_id,
        "position": position,
        "code": event.code,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "plover": event.plover,
        "certainty": event.certainty.value,
        "trigger_text": event.trigger.text,
        "trigger_start": event.trigger.start,
        "trigger_end": event.trigger.end,
        "trigger_field": event.trigger.field,
        "date_start": event.time.start,
        "date_end": event.time.end,
        "time_precision": event.time.precision.value,
        "actor1": (actor1.name or actor1.text) if actor1 else None,
        "actor1_country": actor1.country if actor1 else None,
        "actor2": (actor2.name or actor2.text) if actor2 else None,
        "actor2_country": actor2.country if actor2 else None,
        "actors": " | ".join(a.name or a.text for a in
                             (actor1, actor2, *event.associated, *event.targets) if a is not None),
        "place": (place.name or place.text) if place else None,
        "country": place.country if place else None,
        "admin1_code": place.admin1_code if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": place.precision if place else None,
        "record": to_plain(event),
    }


def write_rejection(conn: Connection, rejected: Rejected, now: datetime) -> None:
    """Record a rejection once per (item, stage, code); a repeat bumps its count and reason."""
    key = (
        (rejections.c.item == rejected.item)
        & (rejections.c.stage == rejected.stage)
        & (rejections.c.code == rejected.code)
    )
    found = conn.execute(select(rejections.c.id).where(key)).first()
    if found is None:
        conn.execute(
            insert(rejections),
            {**to_plain(rejected), "first_seen": now, "last_seen": now, "count": 1},
        )
        return
    conn.execute(
        update(rejections)
        .where(rejections.c.id == found.id)
        .values(reason=rejected.reason, last_seen=now, count=rejections.c["count"] + 1)
    )


def delete_article(conn: Connection, article_id: str) -> None:
    # Explicit deletes instead of ON DELETE CASCADE: SQLite only honours it when each
    # connection turns foreign keys on, and a missed cascade would leave orphan figures.
    forget_article(conn, article_id)
    claim_ids = select(claims.c.id).where(claims.c.article_id == article_id)
    event_ids = select(events.c.id).where(events.c.article_id == article_id)
    conn.execute(delete(event_claims).where(event_claims.c.event_id.in_(event_ids)))
    conn.execute(delete(events).where(events.c.article_id == article_id))
    conn.execute(delete(figures).where(figures.c.claim_id.in_(claim_ids)))
    conn.execute(delete(claim_times).where(claim_times.c.claim_id.in_(claim_ids)))
    search.unindex_article(conn, article_id)
    conn.execute(delete(claims).where(claims.c.article_id == article_id))
    conn.execute(delete(articles).where(articles.c.id == article_id))


def _first_of_each_id(items: tuple[Claim, ...]) -> list[Claim]:
    # Two claims with one id would break the primary key and lose the whole batch; the id is a
    # hash of what the claim says, so a repeat carries nothing new.
    seen: dict[str, Claim] = {}
    for claim in items:
        seen.setdefault(claim.id, claim)
    return list(seen.values())


def _article_row(article: Article, now: datetime) -> dict[str, Any]:
    record = to_plain(article)
    del record["text"]  # stored once, in its own column
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "author": article.author,
        # In UTC so the column sorts correctly; SQLite drops zones (the record keeps it).
        "published": _utc(article.published),
        "lang": article.lang,
        "fingerprint": article.fingerprint,
        "origin_path": article.origin_path,
        "text": article.text,
        "record": record,
        "ingested_at": now,
    }


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC)


def _claim_row(claim: Claim, position: int, published: datetime | None) -> dict[str, Any]:
    """``published``: the article's publication time in UTC (``_utc``), the reading order's key."""
    cue = claim.cue
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "position": position,
        "source_name": claim.source.name,
        "source_type": claim.source.type.value,
        "certainty": claim.certainty.value,
        "kind": claim.kind.value,
        "origin": claim.origin.value,
        "cue_text": cue.text if cue else None,
        "cue_start": cue.start if cue else None,
        "cue_end": cue.end if cue else None,
        "content_text": claim.content.text,
        "content_start": claim.content.start,
        "content_end": claim.content.end,
        "content_field": claim.content.field,
        "channel": claim.channel,
        "restates": claim.restates,
        "confidence": claim.confidence,
        "record": to_plain(claim),
        "published": published,
    }


def _span_columns(span: TextSpan) -> dict[str, Any]:
    return {"span_start": span.start, "span_end": span.end, "span_text": span.text}


def _figure_row(claim_id: str, position: int, figure: Figure) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "position": position,
        "type": figure.type.value,
        "low": figure.low,
        "best": figure.best,
        "high": figure.high,
        "approx": figure.approx,
        "derived": figure.derived,
        "qualifier": figure.qualifier,
        **_span_columns(figure.span),
    }


def _time_row(claim_id: str, position: int, time: TimeExpr) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "position": position,
        "start": time.start,
        "end": time.end,
        "precision": time.precision.value,
        "note": time.note,
        **_span_columns(time.span),
    }
