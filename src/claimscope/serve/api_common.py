"""What every API route shares: the store, limit / cursor parameters, converters to schemas.

Cursors are opaque to clients: URL-safe base64 of ``[listing, last sort key]``. A page
continues strictly after that key (keyset pagination, ``store/pages.py``), so pages neither
repeat nor skip rows when others write meanwhile.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request

from claimscope.records import Article
from claimscope.serve.errors import ApiError
from claimscope.serve.schemas import (
    ArticleRef, ClaimItem, GroupOut, MemberOut, ReviewOut, ReviewState, RootOut,
)
from claimscope.store import Store
from claimscope.store.pages import ClaimEntry, Order
from claimscope.store.reviews import Review, ReviewedClaim

MAX_LIMIT = 500
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(max_length=2000,
                                     description="next_cursor of the previous page.")]


def store_of(request: Request) -> Store:
    return request.app.state.store


def encode_cursor(listing: str, values: list[Any] | None) -> str | None:
    if values is None:
        return None
    raw = json.dumps([listing, values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        found = None
    if not (isinstance(found, list) and len(found) == 2 and found[0] == listing
            and isinstance(found[1], list)):
        raise ApiError(400, "invalid_cursor", "the cursor is not one this listing gave out")
    return found[1]


def after_key(listing: str, cursor: str | None, order: Order) -> tuple[Any, ...] | None:
    """The sort key a cursor of a database listing stands for."""
    values = decode_cursor(listing, cursor)
    if values is None:
        return None
    try:
        return order.load(values)
    except (ValueError, TypeError):
        raise ApiError(400, "invalid_cursor", "the cursor is not one this listing gave out") from None


def next_cursor(listing: str, order: Order, key: tuple[Any, ...] | None) -> str | None:
    return encode_cursor(listing, order.dump(key) if key is not None else None)


def paged(fetch: Callable[[], Any]) -> Any:
    """Run a page fetch; a cursor the store cannot use is the client's error."""
    try:
        return fetch()
    except ValueError as exc:
        raise ApiError(400, "invalid_cursor", str(exc)) from None


def review_state(reviewed: ReviewedClaim) -> ReviewState:
    return ReviewState(status=reviewed.status, version=reviewed.version,  # type: ignore[arg-type]
                       corrections=reviewed.corrections)


def claim_item(entry: ClaimEntry) -> ClaimItem:
    return ClaimItem(claim=entry.reviewed.claim, review=review_state(entry.reviewed),
                     article=ArticleRef(id=entry.reviewed.claim.article_id,
                                        title=entry.article_title, outlet=entry.outlet,
                                        published=entry.published))


def article_ref(article: Article) -> ArticleRef:
    return ArticleRef(id=article.id, title=article.title, outlet=article.outlet,
                      published=article.published.isoformat() if article.published else None)


def review_out(review: Review) -> ReviewOut:
    return ReviewOut(id=review.id, claim_id=review.claim_id, version=review.version,
                     action=review.action, field=review.field,  # type: ignore[arg-type]
                     old_value=review.old_value, new_value=review.new_value,
                     reason=review.reason, user=review.username, at=review.at)


def group_out(found: Any) -> GroupOut:
    """A claim group (``corroborate.views.Group``): one figure told by many, with its roots."""
    quantity = found.quantity
    return GroupOut(
        id=found.id, figure_type=quantity.figure_type.value, who=quantity.who,
        where=quantity.where, independent_roots=found.independent_roots,
        circular=found.circular, outlets=list(found.outlets),
        roots=[RootOut(key=r.key, name=r.name, type=r.type, outlets=list(r.outlets),
                       claim_ids=list(r.claim_ids)) for r in found.roots],
        members=[MemberOut(
            claim_id=m.claim_id, article_id=m.article_id,
            copy_of=None if m.canonical_article == m.article_id else m.canonical_article,
            outlet=m.outlet, published=m.published, root_key=m.root_key, root_name=m.root_name,
            path=list(m.path), certainty=m.certainty, origin=m.origin, low=m.low, best=m.best,
            high=m.high, period_start=m.period_start, period_end=m.period_end,
            content=m.content) for m in found.members],
    )
