"""Keeping the cross-article record up to date as each article is written, incrementally.

Adding an article never recomputes the store: its MinHash bands find earlier copies by index
lookups; each figure is compared only with the claim groups of its own block (figure type,
counted people's country, place country) whose anchor it matches; each event only with the
stories of its block (event code, country). So the cost of one article stays about flat as the
store grows. Re-writing an article first removes what it contributed.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.engine import Connection

from claimscope.corroborate.copies import best_original, from_bytes, signature
from claimscope.corroborate.quantities import UNKNOWN, Reading, compatible, readings
from claimscope.corroborate.roots import provenance
from claimscope.records import Event, Extraction
from claimscope.store.plain import from_plain
from claimscope.store.schema import (
    article_signatures, articles, claim_groups, claims, event_claims, events, group_members,
    signature_bands, stories, story_events,
)

_STORY_DAYS = 7  # events of one code and country within a week can be one story


def forget_article(conn: Connection, article_id: str) -> None:
    for table in (group_members, story_events, signature_bands, article_signatures):
        conn.execute(delete(table).where(table.c.article_id == article_id))


def record_article(conn: Connection, extraction: Extraction) -> None:
    """Copies, claim groups and stories for one freshly written article."""
    article = extraction.article
    _record_copy(conn, article.id, article.text)
    claims_by_event = {claim_id: [] for claim_id in (c.id for c in extraction.claims)}
    for event in extraction.events:
        for claim_id in event.claim_ids:
            claims_by_event.setdefault(claim_id, []).append(event)
    by_id = {claim.id: claim for claim in extraction.claims}
    rows = []
    for claim in extraction.claims:
        # A headline restating a body claim counts the same people as the body claim.
        linked = claims_by_event.get(claim.id) or claims_by_event.get(claim.restates or "", [])
        for position, reading in enumerate(readings(claim, linked)):
            group_id = _group_for(conn, reading, f"g:{claim.id}:{position}")
            # A headline speaks for the body claim it restates: the same root, not a new one.
            origin = provenance(by_id.get(claim.restates or "", claim), article)
            rows.append({
                "claim_id": claim.id, "position": position, "group_id": group_id,
                "article_id": article.id, "root_key": origin.root_key,
                "root_name": origin.root_name, "root_type": origin.root_type.value,
                "path": list(origin.path), "outlet": origin.outlet,
                "published": _utc(article.published), "certainty": claim.certainty.value,
                "origin": claim.origin.value, "low": reading.low, "best": reading.best,
                "high": reading.high, "period_start": reading.period_start,
                "period_end": reading.period_end,
            })
    if rows:
        conn.execute(insert(group_members), rows)
    links = [{"event_id": e.id, "article_id": article.id,
              "story_id": _story_for(conn, e, _sentence(e, by_id), article.text)}
             for e in _unique(extraction.events)]
    if links:
        conn.execute(insert(story_events), links)


def _record_copy(conn: Connection, article_id: str, text: str) -> None:
    new = signature(article_id, text)
    bands = new.bands()
    # OR of key lookups, not a tuple IN: SQLite matches only the former to the primary key.
    candidate_ids = conn.execute(
        select(signature_bands.c.article_id).distinct()
        .where(or_(*(and_(signature_bands.c.band == band, signature_bands.c.hash == digest)
                     for band, digest in bands)))
    ).scalars().all()
    candidates = conn.execute(
        select(article_signatures.c.article_id, article_signatures.c.signature,
               article_signatures.c.copy_of)
        .where(article_signatures.c.article_id.in_(candidate_ids))
    ).all() if candidate_ids else []
    found = best_original(new, (from_bytes(row.article_id, row.signature) for row in candidates))
    copy_of, similarity = (None, None)
    if found is not None:
        original = next(row for row in candidates if row.article_id == found[0])
        copy_of, similarity = original.copy_of or original.article_id, found[1]  # the first one
    conn.execute(insert(article_signatures), {"article_id": article_id, "signature": new.to_bytes(),
                                              "copy_of": copy_of, "similarity": similarity})
    conn.execute(insert(signature_bands),
                 [{"band": band, "hash": digest, "article_id": article_id} for band, digest in bands])


def _group_for(conn: Connection, reading: Reading, new_id: str) -> str:
    """The group whose anchor this reading matches, else a new group anchored on it. Ids are
    the anchoring claim's, so re-writing an article finds the groups it anchored before."""
    block = reading.quantity.block
    query = select(claim_groups).where(_near_blocks(reading))
    if UNKNOWN in (reading.quantity.who, reading.quantity.where):
        # A partly unknown quantity matches many blocks: look at the groups whose period can
        # be the reading's (a bounded number), not at the whole figure type.
        if reading.period_start is not None:
            query = query.where(or_(claim_groups.c.period_start.is_(None), and_(
                claim_groups.c.period_start <= _shift(reading.period_end or reading.period_start, 3),
                claim_groups.c.period_end >= _shift(reading.period_start, -3))))
        query = query.limit(_FUZZY_CANDIDATES)
    anchors = conn.execute(query).all()
    for anchor in anchors:
        if compatible(reading, _anchor_reading(anchor, reading)):
            return anchor.id
    group_id = new_id
    conn.execute(delete(claim_groups).where(claim_groups.c.id == group_id))  # anchored here before
    conn.execute(insert(claim_groups), {
        "id": group_id, "block": block, "figure_type": reading.quantity.figure_type.value,
        "low": reading.low, "best": reading.best, "high": reading.high,
        "period_start": reading.period_start, "period_end": reading.period_end,
    })
    return group_id


_FUZZY_CANDIDATES = 500


def _near_blocks(reading: Reading):
    """The reading's block and the blocks that differ only by an unknown: "100 soldiers were
    killed" (whose soldiers, or where, the sentence does not say) can be "100 North Korean
    soldiers killed in Russia". Unknown parts match anything; known parts also match "?"."""
    quantity = reading.quantity
    kind = quantity.figure_type.value
    column = claim_groups.c.block
    if UNKNOWN not in (quantity.who, quantity.where):  # exact keys: an indexed lookup
        return column.in_([f"{kind}|{who}|{where}" for who in (quantity.who, UNKNOWN)
                           for where in (quantity.where, UNKNOWN)])
    whos = ["%"] if quantity.who == UNKNOWN else [quantity.who, UNKNOWN]
    wheres = ["%"] if quantity.where == UNKNOWN else [quantity.where, UNKNOWN]
    patterns = or_(*(column.like(f"{kind}|{who}|{where}") for who in whos for where in wheres))
    # The prefix range lets the block index narrow the scan to this figure type first.
    return and_(column >= f"{kind}|", column < f"{kind}}}", patterns)


def _anchor_reading(row: Any, like: Reading) -> Reading:
    # The anchor is compared as the same quantity: _near_blocks already chose compatible blocks.
    return Reading(row.id, like.quantity, row.low, row.best, row.high, row.period_start, row.period_end)


def _story_for(conn: Connection, event: Event, sentence: str, article_text: str) -> str:
    """The story this event continues: among the recent stories of its block (event code,
    country) within a week of it, the one the event-coreference model links it to (trained on
    ECB+, corroborate/coref.py); else a new story."""
    country = (event.place.country if event.place and event.place.country else None) or next(
        (a.country for a in (event.actor1, event.actor2, *event.targets) if a is not None and a.country), "?")
    block = f"{event.code}|{country}"
    query = select(stories.c.id).where(stories.c.block == block)
    if event.time.start is not None:
        start, end = event.time.start, event.time.end or event.time.start
        query = query.where(or_(stories.c.date_start.is_(None), and_(
            stories.c.date_start <= _shift(end, _STORY_DAYS),
            stories.c.date_end >= _shift(start, -_STORY_DAYS))))
    candidates = conn.execute(query.order_by(stories.c.date_end.desc()).limit(_CANDIDATES)).scalars().all()
    if candidates:
        clusters = [_story_mentions(conn, story_id) for story_id in candidates]
        found, _score = _coref().assign(_mention(event, sentence, article_text), clusters)
        if found is not None:
            return candidates[found]
    story_id = f"s:{event.id}"
    conn.execute(delete(stories).where(stories.c.id == story_id))  # started here before
    conn.execute(insert(stories), {"id": story_id, "block": block, "code": event.code,
                                   "date_start": event.time.start,
                                   "date_end": event.time.end or event.time.start})
    return story_id


_CANDIDATES = 5  # recent stories of the block compared with a new event
_PER_STORY = 3  # of each, the first events (and their claims and articles) it is compared with


def _story_mentions(conn: Connection, story_id: str) -> list:
    rows = conn.execute(
        select(events.c.record, claims.c.content_text, articles.c.text)
        .join(story_events, story_events.c.event_id == events.c.id)
        .join(event_claims, event_claims.c.event_id == events.c.id)
        .join(claims, claims.c.id == event_claims.c.claim_id)
        .join(articles, articles.c.id == events.c.article_id)
        .where(story_events.c.story_id == story_id, event_claims.c.position == 0)
        .limit(_PER_STORY)
    ).all()
    return [_mention(from_plain(Event, row.record), row.content_text, row.text) for row in rows]


def _mention(event: Event, sentence: str, article_text: str):
    from claimscope.corroborate.coref import mention_from_event

    return mention_from_event(event, article_text, sentence=sentence or None,
                              lemmas=list(event.lemmas) or None, doc_id=event.article_id)


@lru_cache(maxsize=1)
def _coref():
    from claimscope.corroborate.coref import CorefModel

    return CorefModel.load()


def _sentence(event: Event, claims_by_id: dict) -> str:
    claim = next((claims_by_id[c] for c in event.claim_ids if c in claims_by_id), None)
    return claim.content.text if claim is not None else event.trigger.text


def _shift(day, days: int):
    from datetime import timedelta

    return day + timedelta(days=days)


def _unique(events: tuple[Event, ...]) -> list[Event]:
    return list({event.id: event for event in events}.values())


def _utc(moment: datetime | None) -> datetime | None:
    from datetime import UTC

    return moment.astimezone(UTC) if moment is not None and moment.tzinfo else moment
