"""Claims: list with filters and full-text search, one claim with its review history,
review actions, provenance, export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from claimscope.records import Certainty, ClaimKind, FigureType, SourceType
from claimscope.serve.api_common import (
    Cursor, Limit, after_key, claim_item, decode_cursor, encode_cursor, group_out, next_cursor,
    paged, review_out, store_of,
)
from claimscope.serve.auth import User, require
from claimscope.serve.errors import ApiError, error_responses
from claimscope.serve.schemas import (
    ClaimDetail, ClaimItem, GroupOut, Page, ReviewIn, ReviewOut,
)
from claimscope.store import Store
from claimscope.store.pages import CLAIM_ORDER
from claimscope.store.reviews import ClaimNotFound, ReviewError

router = APIRouter(tags=["claims"])
viewer = require("viewer")
reviewer = require("reviewer")


class ClaimQuery:
    """The claim filters, as query parameters (shared by the list, search and export)."""

    def __init__(
        self,
        source: Annotated[str | None, Query(max_length=500, description="Part of the source's name.")] = None,
        source_type: SourceType | None = None,
        certainty: Certainty | None = None,
        figure: Annotated[FigureType | None, Query(description="Claims with a figure of this type.")] = None,
        article: Annotated[str | None, Query(max_length=500, description="Article id or its start.")] = None,
        kind: ClaimKind | None = None,
        reviewed: Annotated[bool | None, Query(description=(
            "true: only claims accepted or corrected by review; false: only unreviewed ones."))] = None,
        q: Annotated[str | None, Query(max_length=500, description="Words the content must all have.")] = None,
    ) -> None:
        self.filters = {name: value for name, value in {
            "source": source, "source_type": source_type, "certainty": certainty,
            "figure": figure, "article": article, "kind": kind, "reviewed": reviewed, "q": q,
        }.items() if value is not None}


def _page(store: Store, query: dict[str, Any], limit: int, cursor: str | None) -> Page[ClaimItem]:
    after = after_key("claims", cursor, CLAIM_ORDER)
    found = paged(lambda: store.claims_page(limit=limit, after=after, **query))
    return Page[ClaimItem](items=[claim_item(e) for e in found.items],
                           next_cursor=next_cursor("claims", CLAIM_ORDER, found.next_key))


@router.get("/claims", response_model=Page[ClaimItem], summary="List claims",
            responses=error_responses(400))
def list_claims(request: Request, query: Annotated[ClaimQuery, Depends()], limit: Limit = 50,
                cursor: Cursor = None, _user: User = Depends(viewer)) -> Page[ClaimItem]:
    """Claims in reading order (oldest articles first), corrections applied; filters match
    the values as extracted."""
    return _page(store_of(request), query.filters, limit, cursor)


@router.get("/search", response_model=Page[ClaimItem], summary="Full-text search over claims",
            responses=error_responses(400))
def search_claims(request: Request,
                  q: Annotated[str, Query(min_length=1, max_length=500,
                                          description="Words the claim's content must all have.")],
                  limit: Limit = 50, cursor: Cursor = None,
                  _user: User = Depends(viewer)) -> Page[ClaimItem]:
    """Claims whose content has every word of ``q`` (SQLite FTS5 with stemming, PostgreSQL
    full text), in reading order."""
    return _page(store_of(request), {"q": q}, limit, cursor)


def _detail(store: Store, claim_id: str) -> ClaimDetail:
    entry = store.claim_entry(claim_id)
    if entry is None:
        raise ApiError(404, "not_found", f"no claim with id {claim_id!r}")
    item = claim_item(entry)
    return ClaimDetail(claim=item.claim, review=item.review, article=item.article,
                       original=entry.reviewed.original,
                       reviews=[review_out(r) for r in store.reviews(claim_id)])


@router.get("/claims/{claim_id}", response_model=ClaimDetail, summary="One claim",
            responses=error_responses(404))
def get_claim(request: Request, claim_id: str, _user: User = Depends(viewer)) -> ClaimDetail:
    """The claim with its corrections applied, as extracted, its review state and history."""
    return _detail(store_of(request), claim_id)


@router.get("/claims/{claim_id}/reviews", response_model=Page[ReviewOut],
            summary="A claim's review history", responses=error_responses(400, 404))
def claim_reviews(request: Request, claim_id: str, limit: Limit = 50, cursor: Cursor = None,
                  _user: User = Depends(viewer)) -> Page[ReviewOut]:
    store = store_of(request)
    if store.claim_entry(claim_id) is None:
        raise ApiError(404, "not_found", f"no claim with id {claim_id!r}")
    after = decode_cursor("reviews", cursor)
    if after is not None and not (len(after) == 1 and type(after[0]) is int):
        raise ApiError(400, "invalid_cursor", "the cursor is not one this listing gave out")
    found = [r for r in store.reviews(claim_id) if after is None or r.version > after[0]]
    page = found[:limit]
    more = len(found) > limit
    return Page[ReviewOut](items=[review_out(r) for r in page],
                           next_cursor=encode_cursor("reviews", [page[-1].version]) if more else None)


@router.post("/claims/{claim_id}/reviews", response_model=ClaimDetail, status_code=201,
             summary="Accept, reject or correct a claim", responses=error_responses(404))
def post_review(request: Request, claim_id: str, body: ReviewIn,
                user: User = Depends(reviewer)) -> ClaimDetail:
    """Record a review action as the claim's next version (reviewer or admin). Nothing is
    overwritten: the claim as extracted and every earlier version stay."""
    store = store_of(request)
    try:
        store.review(claim_id, user, body.action, body.field, body.value, body.reason)
    except ClaimNotFound:
        raise ApiError(404, "not_found", f"no claim with id {claim_id!r}") from None
    except ReviewError as exc:
        raise ApiError(422, "invalid_review", str(exc)) from None
    return _detail(store, claim_id)


@router.get("/claims/{claim_id}/provenance", response_model=GroupOut,
            summary="Who cites whom for a claim's figure", responses=error_responses(404))
def provenance(request: Request, claim_id: str, _user: User = Depends(viewer)) -> GroupOut:
    """The claim group of the claim's figure: every claim telling it, their root sources,
    outlets, and the circular-reporting flag."""
    found = store_of(request).group_of(claim_id)
    if found is None:
        raise ApiError(404, "not_found", f"claim {claim_id!r} has no figure in any claim group")
    return group_out(found)


@router.get("/export/claims", summary="Export claims", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}},
                             "description": "The claims, streamed"}, **error_responses(400)})
async def export_claims(request: Request, query: Annotated[ClaimQuery, Depends()],
                        format: Literal["jsonl", "csv"] = "jsonl",
                        _user: User = Depends(viewer)) -> StreamingResponse:
    """Matching claims, corrections applied, each with its review state (``reviewed=true``:
    reviewed claims only). Streamed page by page."""
    store = store_of(request)
    await run_in_threadpool(store.claims_page, limit=1, **query.filters)  # fail before streaming
    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    return StreamingResponse(_export(store, query.filters, format), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="claims.{format}"'})


def _export(store: Store, filters: dict[str, Any], fmt: str):  # noqa: ANN202 - a generator
    from claimscope.store import claim_export

    after, first = None, True
    while True:
        found = store.claims_page(limit=1000, after=after, **filters)
        if fmt == "jsonl":
            yield "".join(claim_export.jsonl_lines(found.items))
        elif found.items or first:
            yield claim_export.frame(found.items).to_csv(index=False, header=first)
        first = False
        if found.next_key is None:
            return
        after = found.next_key
