"""Request and response models of the REST API (they make ``/openapi.json``).

Records travel as the frozen dataclasses of ``claimscope.records`` (pydantic reads them
directly), wrapped where the API adds something: a claim's review state, an article header.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from claimscope.records import Article, Certainty, Claim, Event, SourceType

T = TypeVar("T")

ReviewStatus = Literal["unreviewed", "accepted", "rejected", "corrected"]
ReviewAction = Literal["accept", "reject", "correct"]
ReviewField = Literal["certainty", "source_name", "source_type", "figure", "place", "date", "content"]


class ErrorBody(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str
    detail: Any = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        None, description="Pass as ?cursor= for the next page; null on the last page.")


class ArticleRef(BaseModel):
    id: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = Field(None, description="As written in the article, ISO 8601.")


class ReviewState(BaseModel):
    status: ReviewStatus
    version: int = Field(description="The latest review's version; 0 when never reviewed.")
    corrections: dict[str, Any] = Field(
        description="Field -> latest corrected value; 'figure' maps a figure type to "
        "{type, low, best, high, approx}; 'place' has no field in the claim record.")


class ClaimItem(BaseModel):
    claim: Claim = Field(description="The claim with its latest corrections applied.")
    review: ReviewState
    article: ArticleRef


class ReviewOut(BaseModel):
    id: int
    claim_id: str
    version: int
    action: ReviewAction
    field: ReviewField | None
    old_value: Any = None
    new_value: Any = None
    reason: str
    user: str
    at: datetime


class ClaimDetail(ClaimItem):
    original: Claim = Field(description="The claim as extracted, never changed by reviews.")
    reviews: list[ReviewOut] = Field(description="Every review action, oldest first.")


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: ReviewAction
    field: ReviewField | None = Field(None, description="What a correction changes.")
    value: Any = Field(None, description=(
        "certainty / source_type: a label; source_name: text; figure: {type, low, best, high, "
        "approx}; place: a name or {name, country, latitude, longitude}; date: YYYY-MM-DD or "
        "{start, end, precision}; content: a passage of the article, or {start, end}."))
    reason: str | None = Field(None, max_length=2000,
                               description="Why; required to reject or correct.")


class ArticleItem(BaseModel):
    id: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None
    published_text: str | None = None
    section: str | None = None
    claims: int
    events: int


class ArticleClaim(BaseModel):
    claim: Claim
    review: ReviewState


class ArticleDetail(BaseModel):
    article: Article
    claims: list[ArticleClaim]
    events: list[Event]


class EventItem(BaseModel):
    event: Event
    article: ArticleRef


class StoryItem(BaseModel):
    id: str
    code: str
    sub_event_type: str
    country: str
    date_start: date | None = None
    date_end: date | None = None
    events: int
    articles: int = Field(description="Articles telling it, copies counted once.")
    outlets: int
    roots: int = Field(description="Independent root sources of its claims.")


class RootOut(BaseModel):
    key: str
    name: str
    type: SourceType
    outlets: list[str]
    claim_ids: list[str]


class MemberOut(BaseModel):
    claim_id: str
    article_id: str
    copy_of: str | None = Field(None, description="The earlier article this one copies.")
    outlet: str
    published: datetime | None = None
    root_key: str
    root_name: str
    path: list[str] = Field(description="Source to outlet: who passed the figure on.")
    certainty: Certainty
    origin: str
    low: int | None = None
    best: int | None = None
    high: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    content: str


class GroupOut(BaseModel):
    id: str
    figure_type: str
    who: str = Field(description="ISO country of the counted people, or '?'.")
    where: str = Field(description="ISO country of the place, or '?'.")
    independent_roots: int
    circular: bool = Field(description="Many outlets, one root: repetition, not corroboration.")
    outlets: list[str]
    roots: list[RootOut]
    members: list[MemberOut]


class StoryDetail(StoryItem):
    article_ids: list[str]
    claim_ids: list[str]
    root_sources: list[str]
    groups: list[GroupOut] = Field(description="Provenance of the figures its claims carry.")
    event_items: list[EventItem]


class LedgerRowOut(BaseModel):
    claim_id: str = Field(description="The root's earliest body report of the figure.")
    root_name: str
    root_type: SourceType
    outlet: str
    published: datetime | None = None
    period_start: date | None = None
    period_end: date | None = None
    low: int | None = None
    best: int | None = None
    high: int | None = None
    certainty: Certainty
    outlets: list[str]
    claim_ids: list[str]
    contradicted_by: list[str]
    upgraded_later: bool = Field(description="Reported later by another outlet in surer words.")


class LedgerPage(Page[LedgerRowOut]):
    figure_type: str
    low: int | None = None
    best: int | None = None
    high: int | None = None
    derivation: str


class ArticleIn(BaseModel):
    title: str | None = Field(None, max_length=2000)
    text: str | None = Field(None, max_length=2_000_000)
    url: str | None = Field(None, max_length=4000)
    published: str | None = Field(None, max_length=100)
    outlet: str | None = Field(None, max_length=500)
    author: str | None = Field(None, max_length=500)


class StoredArticle(BaseModel):
    id: str
    title: str | None = None
    claims: int
    events: int


class RejectedItem(BaseModel):
    item: str
    code: str
    reason: str


class UploadResult(BaseModel):
    articles: list[StoredArticle]
    rejected: list[RejectedItem]


class Me(BaseModel):
    id: int
    username: str
    role: str
