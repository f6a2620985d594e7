"""Events, stories across articles, figure ledgers, event exports; who am I."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from claimscope.records import Certainty, FigureType
from claimscope.serve.api_common import (
    Cursor, Limit, after_key, article_ref, decode_cursor, encode_cursor, group_out, next_cursor,
    paged, store_of,
)
from claimscope.serve.auth import User, require
from claimscope.serve.errors import ApiError, error_responses
from claimscope.serve.schemas import (
    EventItem, LedgerPage, LedgerRowOut, Me, Page, StoryDetail, StoryItem,
)
from claimscope.store import Store
from claimscope.store.corroboration_read import StoryRow
from claimscope.store.pages import EVENT_ORDER, in_memory

router = APIRouter(tags=["events"])
viewer = require("viewer")


class EventQuery:
    """The event filters of ``EventFilters``, as query parameters."""

    def __init__(
        self,
        type: Annotated[str | None, Query(max_length=200, description=(
            "Our code (troop_deployment) or an ACLED event / sub-event type."))] = None,
        actor: Annotated[str | None, Query(max_length=500, description="Part of an actor's name.")] = None,
        country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 of the place.")] = None,
        place: Annotated[str | None, Query(max_length=500, description="Part of the place's name.")] = None,
        certainty: Certainty | None = None,
        article: Annotated[str | None, Query(max_length=500, description="Article id or its start.")] = None,
        since: Annotated[date | None, Query(description="Events whose dates reach this day or later.")] = None,
        until: Annotated[date | None, Query(description="Events starting this day or earlier.")] = None,
    ) -> None:
        if since and until and until < since:
            raise ApiError(422, "validation_error", "until is before since")
        self.filters = {name: value for name, value in {
            "code": type, "actor": actor, "country": country, "place": place,
            "certainty": certainty, "article": article, "since": since, "until": until,
        }.items() if value is not None}


@router.get("/events", response_model=Page[EventItem], summary="List events",
            responses=error_responses(400))
def list_events(request: Request, query: Annotated[EventQuery, Depends()], limit: Limit = 50,
                cursor: Cursor = None, _user: User = Depends(viewer)) -> Page[EventItem]:
    """Coded events, earliest first (undated last), each with its article."""
    after = after_key("events", cursor, EVENT_ORDER)
    found = paged(lambda: store_of(request).events_page(limit=limit, after=after, **query.filters))
    return Page[EventItem](items=[EventItem(event=row.event, article=article_ref(row.article))
                                  for row in found.items],
                           next_cursor=next_cursor("events", EVENT_ORDER, found.next_key))


def _story_key(story: StoryRow) -> tuple:
    return (-story.articles, story.date_start.isoformat() if story.date_start else "9999-12-31",
            story.id)


def _story_item(store: Store, story: StoryRow) -> StoryItem:
    return StoryItem(id=story.id, code=story.code, sub_event_type=story.sub_event_type,
                     country=story.country, date_start=story.date_start, date_end=story.date_end,
                     events=story.events, articles=story.articles, outlets=story.outlets,
                     roots=len(store.story_roots(story)))


@router.get("/stories", response_model=Page[StoryItem], summary="Stories across articles",
            responses=error_responses(400))
def list_stories(request: Request,
                 min_articles: Annotated[int, Query(ge=1, le=10_000)] = 1,
                 limit: Limit = 50, cursor: Cursor = None,
                 _user: User = Depends(viewer)) -> Page[StoryItem]:
    """Events grouped across articles, the most widely told first."""
    store = store_of(request)
    after = decode_cursor("stories", cursor)
    found = paged(lambda: in_memory(store.stories(min_articles=min_articles), _story_key,
                                    limit=limit, after=after))
    return Page[StoryItem](items=[_story_item(store, s) for s in found.items],
                           next_cursor=encode_cursor("stories", list(found.next_key) if found.next_key else None))


@router.get("/stories/{story_id}", response_model=StoryDetail, summary="One story",
            responses=error_responses(404))
def get_story(request: Request, story_id: str, _user: User = Depends(viewer)) -> StoryDetail:
    """The story with its events, articles, root sources and the provenance (claim groups)
    of the figures its claims carry."""
    store = store_of(request)
    story = next((s for s in store.stories() if s.id == story_id), None)
    if story is None:
        raise ApiError(404, "not_found", f"no story with id {story_id!r}")
    item = _story_item(store, story)
    return StoryDetail(**item.model_dump(), article_ids=list(story.article_ids),
                       claim_ids=list(story.claim_ids),
                       root_sources=sorted(store.story_roots(story)),
                       groups=[group_out(g) for g in store.groups_of(story.claim_ids)],
                       event_items=[EventItem(event=row.event, article=article_ref(row.article))
                                    for row in store.story_events(story.id)])


def _who(actor: str) -> str:
    from claimscope.records import Actor
    from claimscope.resolve.actors import ActorTable
    from claimscope.resolve.places import country_code

    if len(actor) == 2 and actor.isalpha():
        return actor.upper()
    found = country_code(actor) or ActorTable.default().resolve(Actor(actor, None)).country
    if found is None:
        raise ApiError(422, "validation_error", f"cannot tell which country {actor!r} is")
    return found


@router.get("/ledger", response_model=LedgerPage, summary="Every claimant's figure",
            responses=error_responses(400))
def get_ledger(request: Request, figure: FigureType,
               actor: Annotated[str | None, Query(max_length=200, description=(
                   "Whose people are counted: a country or actor name, or ISO code."))] = None,
               limit: Limit = 50, cursor: Cursor = None,
               _user: User = Depends(viewer)) -> LedgerPage:
    """One row per root statement of the figure, oldest first, contradictions marked, with a
    derived low / best / high that says how it was derived."""
    found, upgrades = store_of(request).ledger(figure.value, _who(actor) if actor else None)
    upgraded = {u.after.claim_id for u in upgrades}
    rows = [LedgerRowOut(
        claim_id=r.member.claim_id, root_name=r.member.root_name, root_type=r.member.root_type,
        outlet=r.member.outlet, published=r.member.published, period_start=r.member.period_start,
        period_end=r.member.period_end, low=r.member.low, best=r.member.best,
        high=r.member.high, certainty=r.member.certainty, outlets=list(r.outlets),
        claim_ids=list(r.claim_ids), contradicted_by=list(r.contradicted_by),
        upgraded_later=bool(upgraded & set(r.claim_ids))) for r in found.rows]

    def key(row: LedgerRowOut) -> tuple:
        return (row.published.isoformat() if row.published else "", row.claim_id)

    after = decode_cursor("ledger", cursor)
    page = paged(lambda: in_memory(rows, key, limit=limit, after=after))
    return LedgerPage(items=page.items, figure_type=figure.value, low=found.low, best=found.best,
                      high=found.high, derivation=found.derivation,
                      next_cursor=encode_cursor("ledger", list(page.next_key) if page.next_key else None))


_EVENT_MEDIA = {"acled": "text/csv; charset=utf-8", "ucdp": "text/csv; charset=utf-8",
                "geojson": "application/geo+json", "jsonl": "application/x-ndjson"}
_SUFFIX = {"acled": "acled.csv", "ucdp": "ucdp.csv", "geojson": "geojson", "jsonl": "jsonl"}


@router.get("/export/events", summary="Export events", response_class=StreamingResponse,
            responses={200: {"content": {media.split(";")[0]: {} for media in _EVENT_MEDIA.values()},
                             "description": "The events in the format asked for"}})
async def export_events(request: Request, query: Annotated[EventQuery, Depends()],
                        format: Literal["acled", "ucdp", "geojson", "jsonl"] = "jsonl",
                        _user: User = Depends(viewer)) -> StreamingResponse:
    """Matching events as ACLED- or UCDP-style CSV, GeoJSON or JSON lines."""
    from claimscope.store.event_export import write_events

    def render() -> str:
        out = io.StringIO()
        write_events(store_of(request).event_rows(**query.filters), format, out)
        return out.getvalue()

    text = await run_in_threadpool(render)
    return StreamingResponse(iter([text]), media_type=_EVENT_MEDIA[format], headers={
        "Content-Disposition": f'attachment; filename="events.{_SUFFIX[format]}"'})


@router.get("/me", response_model=Me, summary="Who is asking", tags=["accounts"])
async def me(user: User = Depends(viewer)) -> Me:
    return Me(id=user.id, username=user.username, role=user.role)
