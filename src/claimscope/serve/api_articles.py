"""Articles: list, one article with its claims and events, ingest by upload."""

from __future__ import annotations

import json
import threading
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from claimscope.records import Article, Rejected
from claimscope.serve.api_common import (
    Cursor, Limit, after_key, next_cursor, paged, review_state, store_of,
)
from claimscope.serve.auth import User, require
from claimscope.serve.errors import ApiError, error_responses
from claimscope.serve.schemas import (
    ArticleClaim, ArticleDetail, ArticleIn, ArticleItem, Page, RejectedItem, StoredArticle,
    UploadResult,
)
from claimscope.store import StoreError
from claimscope.store.pages import ARTICLE_ORDER

router = APIRouter(tags=["articles"])
viewer = require("viewer")
reviewer = require("reviewer")

MAX_UPLOAD = 20_000_000  # bytes, as for files read from disk
_lock = threading.Lock()  # for an app made without create_app's ``ingest_lock``


@router.get("/articles", response_model=Page[ArticleItem], summary="List articles",
            responses=error_responses(400))
def list_articles(request: Request, limit: Limit = 50, cursor: Cursor = None,
                  _user: User = Depends(viewer)) -> Page[ArticleItem]:
    """Articles, newest first (undated ones last), with their numbers of claims and events."""
    after = after_key("articles", cursor, ARTICLE_ORDER)
    found = paged(lambda: store_of(request).articles_page(limit=limit, after=after))
    items = [ArticleItem(id=e.article.id, title=e.article.title, url=e.article.url,
                         outlet=e.article.outlet, author=e.article.author,
                         published=e.article.published, published_text=e.article.published_text,
                         section=e.article.section, claims=e.claims, events=e.events)
             for e in found.items]
    return Page[ArticleItem](items=items,
                             next_cursor=next_cursor("articles", ARTICLE_ORDER, found.next_key))


@router.get("/articles/{article_id}", response_model=ArticleDetail, summary="One article",
            responses=error_responses(400, 404))
def get_article(request: Request, article_id: str, _user: User = Depends(viewer)) -> ArticleDetail:
    """The article (text included; ``article_id`` may be the start of an id) with its claims,
    corrections applied, and its events."""
    store = store_of(request)
    try:
        found = store.article(article_id)
    except StoreError as exc:  # a prefix of several ids
        raise ApiError(400, "ambiguous_id", str(exc)) from None
    if found is None:
        raise ApiError(404, "not_found", f"no article with id {article_id!r}")
    entries = store.claim_entries(article=found.article.id)
    return ArticleDetail(article=found.article, events=list(found.events), claims=[
        ArticleClaim(claim=e.reviewed.claim, review=review_state(e.reviewed)) for e in entries])


_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary", "description":
                                    "A saved article: .txt, .html or .jsonl (one per line)."}}}},
        "application/json": {"schema": ArticleIn.model_json_schema()},
    },
}


@router.post("/articles", response_model=UploadResult, status_code=201,
             summary="Ingest articles by upload", openapi_extra={"requestBody": _UPLOAD_BODY},
             responses=error_responses(413, 415, 422, 501))
async def upload_articles(request: Request, user: User = Depends(reviewer)) -> UploadResult:
    """Extract and store uploaded articles (reviewer or admin): a file as multipart
    ``file`` (plain text, HTML or JSON lines), or one article as JSON {title, text, url,
    published}. Re-uploading an article replaces its claims. Ingest by URL alone is not
    offered yet (501)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD + 100_000:
        raise ApiError(413, "too_large", f"uploads are limited to {MAX_UPLOAD:,} bytes")
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        data, name, reader_kind = await _json_article(request), "upload.json", "jsonl"
    elif kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        data, name = await _uploaded_file(request)
        reader_kind = None
    else:
        raise ApiError(415, "unsupported_media_type",
                       "send a file as multipart/form-data or an article as application/json")
    result = await run_in_threadpool(_ingest, request.app, data, name, reader_kind)
    if not result.articles:
        raise ApiError(422, "rejected", "nothing in the upload could be stored",
                       [item.model_dump() for item in result.rejected])
    return result


async def _json_article(request: Request) -> bytes:
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(422, "validation_error", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(422, "validation_error", "the body must be a JSON object")
    try:
        article = ArticleIn.model_validate(body)
    except ValidationError as exc:
        problems = [{"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                    for e in exc.errors()]
        raise ApiError(422, "validation_error", problems[0]["msg"], problems) from None
    if not (article.text or "").strip():
        if article.url:
            raise _by_url()
        raise ApiError(422, "validation_error", "text is required: the article's body")
    record = {key: value for key, value in article.model_dump().items() if value is not None}
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


async def _uploaded_file(request: Request) -> tuple[bytes, str]:
    try:
        form = await request.form(max_files=1, max_fields=20)
    except Exception as exc:  # noqa: BLE001 - malformed multipart bodies come in many kinds
        raise ApiError(422, "validation_error", f"unreadable multipart body: {exc}") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        if form.get("url"):
            raise _by_url()
        raise ApiError(422, "validation_error", "send the article as the form field 'file'")
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ApiError(413, "too_large", f"uploads are limited to {MAX_UPLOAD:,} bytes")
    name = (upload.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    return data, name


def _by_url() -> ApiError:
    return ApiError(501, "not_implemented", "ingesting by URL is not offered yet (it comes with "
                    "the feeds' safeguards); upload the saved page instead")


def _ingest(app: Any, data: bytes, name: str, reader_kind: str | None) -> UploadResult:
    from claimscope.ingest.reader import read_bytes
    from claimscope.pipeline import run_items

    store = app.state.store
    stored: list[Article] = []

    def progress(item: Article | Rejected) -> None:
        if isinstance(item, Article):
            stored.append(item)

    # One extraction at a time: the app's spaCy pipeline is shared (the web UI takes this
    # lock too).
    with getattr(app.state, "ingest_lock", _lock):
        if getattr(app.state, "nlp", None) is None:
            from claimscope.extract.nlp import load_nlp

            app.state.nlp = load_nlp()
        items = read_bytes(data, f"upload:{name}", kind=reader_kind, max_bytes=MAX_UPLOAD)
        summary = run_items(items, store=store, nlp=app.state.nlp, progress=progress)
    articles = []
    for article in dict((a.id, a) for a in stored).values():
        found = store.article(article.id)
        if found is not None:
            articles.append(StoredArticle(id=article.id, title=article.title,
                                          claims=len(found.claims), events=len(found.events)))
    return UploadResult(articles=articles, rejected=[
        RejectedItem(item=r.item, code=r.code, reason=r.reason) for r in summary.rejected])
