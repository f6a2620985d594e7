"""The web UI: server-rendered pages (Jinja2, autoescaped) over the Store.

``install(app)`` adds the pages and ``/static`` (CSS, a little JavaScript, the basemap) to the
app. Every page needs a logged-in user (viewer or above); writes (upload, review) need a
reviewer, and every form carries the session's CSRF token, checked before anything is done.

Article text is untrusted: templates print it through autoescaping only (no ``|safe`` on user
text anywhere), and highlighted text is cut into plain segments in ``ui_render`` first.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from claimscope.records import (
    Article, Certainty, Claim, FigureType, Rejected, SourceType,
)
from claimscope.serve import ui_provenance as provenance
from claimscope.serve import ui_review as review
from claimscope.serve.auth import User, check_csrf, csrf_token, current_user, login, logout
from claimscope.serve.errors import ApiError
from claimscope.corroborate.views import row_flags
from claimscope.serve.ui_chart import ledger_chart
from claimscope.serve.ui_map import TYPE_COLOURS, event_map
from claimscope.serve.ui_queries import (
    article_meta, claim_by_id, claim_page, recent_articles, recent_rejections, story_count,
)
from claimscope.serve.ui_render import ROLES, figures_text, segments, short, time_text
from claimscope.store import Store, StoreError
from claimscope.store.queries import ClaimFilters

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
PER_PAGE = 50
MAP_LIMIT = 5000  # events drawn on the map at most (the earliest, as the store orders them)
MAX_UPLOAD = 20_000_000  # bytes, as the CLI's reader allows
UPLOAD_KINDS = {"text": "plain", "html": "html", "jsonl": "jsonl"}  # the reader's kinds

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    """Add the web pages to ``app`` (which holds ``state.store``), ``/static`` unless the app
    serves it already, and HTML answers to errors on pages (not ``/api``) asked for by a
    browser (``app.state.error_page``, see ``serve/errors.py``)."""
    app.include_router(router)
    if not any(getattr(route, "name", None) == "static" for route in app.routes):
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.error_page = error_page


mount_ui = install


def error_page(request: Request, status: int, code: str, message: str) -> Response | None:
    """The HTML answer to an error on a page: the login form on 401, else an error page."""
    if status == 401:
        return _to_login(request)
    user = getattr(request.state, "claimscope_user", None)
    page = Page(request, user if isinstance(user, User) else None, _session_csrf(request))
    heading = {400: "Bad request", 403: "Not allowed", 404: "Not found", 405: "Not allowed here",
               422: "Bad request", 500: "Server error", 503: "Unavailable"}.get(status, "Error")
    return error(page, status, heading, message)


def _session_csrf(request: Request) -> str:
    try:
        return csrf_token(request) if "session" in request.scope else ""
    except Exception:  # noqa: BLE001 - an error page must render whatever the session holds
        return ""


# --- page context -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(static=_static_url, version=_version(), roles=ROLES, short=short,
                       figures_text=figures_text, time_text=time_text, q=_q,
                       value_text=review.value_text,
                       type_colours=TYPE_COLOURS)
    return Jinja2Templates(env=env)


def _static_url(name: str) -> str:
    return f"/static/{name}?v={_version()}"


def _q(value: str) -> str:
    """A path segment (claim and story ids hold ':')."""
    return quote(value, safe="")


@lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimscope")
    except PackageNotFoundError:
        return "0"


@dataclass(slots=True)
class Page:
    request: Request
    user: User | None
    csrf: str

    @property
    def store(self) -> Store:
        return self.request.app.state.store

    def can(self, role: str) -> bool:
        return self.user is not None and self.user.can(role)


async def _page(request: Request) -> Page:
    return Page(request, await current_user(request), csrf_token(request))


@dataclass(slots=True)
class Posted:
    form: FormData
    csrf_ok: bool


async def _posted(request: Request) -> Posted:
    """The form, and whether its CSRF token is the session's (checked by auth.check_csrf)."""
    form = await request.form(max_part_size=MAX_UPLOAD + 1)
    token = form.get("csrf_token")
    try:
        check_csrf(request, token if isinstance(token, str) else "")
    except (ApiError, HTTPException):
        return Posted(form, False)
    return Posted(form, True)


def render(page: Page, name: str, context: dict[str, Any] | None = None, *, status: int = 200,
           nav: str = "") -> Response:
    values = {"user": page.user, "csrf": page.csrf, "nav": nav, "can_review": page.can("reviewer"),
              "message": None, "message_kind": ""}
    values.update(context or {})
    return _templates().TemplateResponse(page.request, name, values, status_code=status)


def error(page: Page, status: int, heading: str, detail: str) -> Response:
    return render(page, "error.html", {"status": status, "heading": heading, "detail": detail},
                  status=status)


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)


def _gate(page: Page, role: str = "viewer") -> Response | None:
    """None where the user may see the page; else the login redirect or a 403 page."""
    if page.user is None:
        return _to_login(page.request)
    if not page.can(role):
        return error(page, 403, "Not allowed", f"This needs the {role} role; you are a {page.user.role}.")
    return None


def _refused(page: Page) -> Response:
    return error(page, 403, "Form refused",
                 "The form's security token is missing or out of date. Reload the page and try again.")


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _choice(value: str | None, allowed) -> str | None:
    return value if value in {str(v) for v in allowed} else None


# --- log in and out -----------------------------------------------------------------------


@router.get("/login")
def login_form(page: Page = Depends(_page), next: str = "/") -> Response:
    if page.user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(page, "login.html", {"next_url": _safe_next(next), "username": "", "error": None})


@router.post("/login")
async def login_post(request: Request, posted: Posted = Depends(_posted)) -> Response:
    page = await _page(request)
    if not posted.csrf_ok:
        return _refused(page)
    username = str(posted.form.get("username") or "")
    password = str(posted.form.get("password") or "")
    target = _safe_next(str(posted.form.get("next") or "/"))
    user = await run_in_threadpool(login, request, username, password)  # argon2 takes a while
    if user is None:
        return render(page, "login.html", {"next_url": target, "username": username,
                                           "error": "Wrong user name or password."}, status=401)
    return RedirectResponse(target, status_code=303)


@router.get("/logout")
def logout_form(page: Page = Depends(_page)) -> Response:
    if page.user is None:
        return RedirectResponse("/login", status_code=303)
    return render(page, "logout.html")


@router.post("/logout")
async def logout_post(request: Request, posted: Posted = Depends(_posted)) -> Response:
    if not posted.csrf_ok:
        return _refused(await _page(request))
    logout(request)
    return RedirectResponse("/login", status_code=303)


# --- dashboard and upload -----------------------------------------------------------------


@router.get("/")
def dashboard(page: Page = Depends(_page), ingested: int | None = None, claims: int | None = None,
              rejected: int | None = None) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    store = page.store
    counts = store.counts()
    recent, total = recent_articles(store, limit=15)
    message = None
    if ingested is not None:
        message = (f"Ingested {ingested} article(s) with {claims or 0} claim(s)"
                   + (f"; {rejected} item(s) rejected (listed below)" if rejected else "") + ".")
    return render(page, "dashboard.html", {
        "counts": counts, "recent": recent, "total_articles": total,
        "reviews": review.counts(store), "rejections": recent_rejections(store),
        "stories": story_count(store), "kinds": UPLOAD_KINDS,
        "message": message, "message_kind": "error" if rejected and not ingested else "ok",
    }, nav="Dashboard")


@router.post("/upload")
def upload(page: Page = Depends(_page), posted: Posted = Depends(_posted)) -> Response:
    if (gate := _gate(page, "reviewer")) is not None:
        return gate
    if not posted.csrf_ok:
        return _refused(page)
    form = posted.form
    upload_file = form.get("file")
    if isinstance(upload_file, UploadFile) and upload_file.filename:
        data = upload_file.file.read(MAX_UPLOAD + 1)
        name = upload_file.filename.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
        kind = None  # from the file's suffix, as the CLI reads files
    else:
        text = str(form.get("text") or "")
        if not text.strip():
            return error(page, 400, "Nothing to ingest", "Choose a file or paste an article's text.")
        data = text.encode("utf-8")
        kind = UPLOAD_KINDS.get(str(form.get("kind") or "text"), "plain")
        name = "pasted text"
    if len(data) > MAX_UPLOAD:
        return error(page, 413, "Too large", f"Uploads are limited to {MAX_UPLOAD:,} bytes.")
    summary, stored = _ingest(page.request.app, data, name, kind)
    if len(stored) == 1 and not summary.rejected:
        return RedirectResponse(f"/articles/{_q(stored[0])}?ingested=1", status_code=303)
    query = urlencode({"ingested": len(stored), "claims": summary.claims,
                       "rejected": len(summary.rejected)})
    return RedirectResponse(f"/?{query}", status_code=303)


_FALLBACK_LOCK = threading.Lock()


def _ingest(app: FastAPI, data: bytes, name: str, kind: str | None):
    """Read the upload as the CLI reads a file of that kind (items named ``upload:NAME``) and run
    the pipeline: the app's one spaCy pipeline (``app.state.nlp``, loaded on first use), one
    ingest at a time (``app.state.ingest_lock``, shared with the API's uploads)."""
    from claimscope.ingest.reader import read_bytes
    from claimscope.pipeline import run_items

    stored: list[str] = []

    def seen(item: Article | Rejected) -> None:
        if isinstance(item, Article) and item.id not in stored:
            stored.append(item.id)

    with getattr(app.state, "ingest_lock", None) or _FALLBACK_LOCK:
        if getattr(app.state, "nlp", None) is None:
            from claimscope.extract.nlp import load_nlp

            app.state.nlp = load_nlp()
        items = read_bytes(data, f"upload:{name}", kind=kind, max_bytes=MAX_UPLOAD)
        summary = run_items(items, store=app.state.store, nlp=app.state.nlp, progress=seen)
    return summary, stored


# --- articles -----------------------------------------------------------------------------


@router.get("/articles")
def article_list(page: Page = Depends(_page), page_no: int = 1) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    page_no = max(1, page_no)
    rows, total = recent_articles(page.store, limit=PER_PAGE, offset=(page_no - 1) * PER_PAGE)
    return render(page, "articles.html", {"rows": rows, "total": total, "page_no": page_no,
                                          "pages": max(1, math.ceil(total / PER_PAGE))},
                  nav="Dashboard")


@router.get("/articles/{article_id}")
def article_page(article_id: str, page: Page = Depends(_page), ingested: int | None = None) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    try:
        found = page.store.article(article_id)
    except StoreError as exc:
        return error(page, 400, "Ambiguous article id", str(exc))
    if found is None:
        return error(page, 404, "No such article", "No article has that id.")
    claims = list(found.claims)
    numbers = {claim.id: n for n, claim in enumerate(claims, 1)}
    statuses = review.statuses(page.store, [c.id for c in claims])
    grouped = provenance.grouped(page.store, [c.id for c in claims if c.figures])
    return render(page, "article.html", {
        "extraction": found, "article": found.article, "claims": claims, "numbers": numbers,
        "title_segments": segments(found.article.title or "", claims, "title"),
        "text_segments": segments(found.article.text, claims, "text"),
        "events": found.events, "statuses": statuses, "grouped": grouped,
        "message": "Article ingested." if ingested else None, "message_kind": "ok",
    }, nav="Dashboard")


# --- claims -------------------------------------------------------------------------------


@router.get("/claims")
def claims_page(page: Page = Depends(_page), source: str | None = None, source_type: str | None = None,
                certainty: str | None = None, figure: str | None = None, status: str | None = None,
                kind: str | None = None, q: str | None = None, article: str | None = None,
                page_no: int = 1) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    page_no = max(1, page_no)
    filters = ClaimFilters(
        source=(source or "").strip() or None,
        source_type=_choice(source_type, (t.value for t in SourceType)),
        certainty=_choice(certainty, (c.value for c in Certainty)),
        figure=_choice(figure, (f.value for f in FigureType)),
        kind=_choice(kind, ("event", "analysis")),
        article=(article or "").strip() or None,
        q=(q or "").strip()[:200] or None,
    )
    status = _choice(status, review.STATUSES)
    condition = review.status_condition(status)
    rows, total = claim_page(page.store, filters, extra=[condition] if condition is not None else [],
                             offset=(page_no - 1) * PER_PAGE, limit=PER_PAGE)
    statuses = review.statuses(page.store, [row.claim.id for row in rows])
    params = {k: v for k, v in {"source": filters.source, "source_type": filters.source_type,
                                "certainty": filters.certainty, "figure": filters.figure,
                                "status": status, "kind": filters.kind, "q": (q or "").strip() or None,
                                "article": filters.article}.items() if v}
    return render(page, "claims.html", {
        "rows": rows, "total": total, "page_no": page_no, "statuses": statuses,
        "pages": max(1, math.ceil(total / PER_PAGE)), "params": params,
        "page_link": lambda n: "/claims?" + urlencode({**params, "page_no": n}),
        "source_types": [t.value for t in SourceType], "certainties": [c.value for c in Certainty],
        "figure_types": [f.value for f in FigureType], "review_statuses": review.STATUSES,
    }, nav="Claims")


@router.get("/claims/{claim_id}/review")
def review_page(claim_id: str, page: Page = Depends(_page), done: str | None = None) -> Response:
    if (gate := _gate(page, "reviewer")) is not None:
        return gate
    return _review_view(page, claim_id, message="Review saved." if done else None)


def _review_view(page: Page, claim_id: str, *, message: str | None = None, problem: str | None = None,
                 status: int = 200) -> Response:
    store = page.store
    original = claim_by_id(store, claim_id)
    if original is None:
        return error(page, 404, "No such claim", "No claim has that id.")
    current = review.current(store, claim_id, original)
    found = store.article(original.article_id)
    article = found.article if found else None
    field = original.content.field
    text = (article.title or "") if article and field == "title" else (article.text if article else "")
    start, end = _paragraph(text, original.content.start, original.content.end)
    context = [replace(s, claims=()) for s in segments(text[start:end], [_shift(original, start)], field)]
    return render(page, "review.html", {
        "claim": original, "current": current, "article": article, "context": context,
        "clipped": (start > 0, end < len(text)), "history": review.history(store, claim_id),
        "certainties": [c.value for c in Certainty], "source_types": [t.value for t in SourceType],
        "figure_types": [f.value for f in FigureType], "fields": review.FIELDS,
        "message": message or problem, "message_kind": "error" if problem else "ok",
    }, status=status, nav="Claims")


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph(s) around a span (blank-line separated), for context."""
    left = text.rfind("\n\n", 0, start)
    right = text.find("\n\n", end)
    return (0 if left < 0 else left + 2), (len(text) if right < 0 else right)


def _shift(claim: Claim, offset: int) -> Claim:
    def moved(span):
        return None if span is None else replace(span, start=span.start - offset, end=span.end - offset)

    return replace(claim, content=moved(claim.content), cue=moved(claim.cue),
                   source=replace(claim.source, span=moved(claim.source.span)))


@router.post("/claims/{claim_id}/review")
def review_post(claim_id: str, page: Page = Depends(_page), posted: Posted = Depends(_posted)) -> Response:
    if (gate := _gate(page, "reviewer")) is not None:
        return gate
    if not posted.csrf_ok:
        return _refused(page)
    if claim_by_id(page.store, claim_id) is None:
        return error(page, 404, "No such claim", "No claim has that id.")
    problem = review.apply(page.store, claim_id, page.user, posted.form)
    if problem:
        return _review_view(page, claim_id, problem=problem, status=400)
    return RedirectResponse(f"/claims/{_q(claim_id)}/review?done=1#history", status_code=303)


@router.get("/claims/{claim_id}/trace")
def trace_page(claim_id: str, page: Page = Depends(_page)) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    found = page.store.group_of(claim_id)
    if found is None:
        return error(page, 404, "No provenance tree",
                     "This claim has no figure in any claim group, so there is no tree to draw.")
    return render(page, "trace.html", {"tree": provenance.tree(found), "claim_id": claim_id}, nav="Stories")


# --- stories ------------------------------------------------------------------------------


@router.get("/stories")
def stories_page(page: Page = Depends(_page), min_articles: int = 1) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    found = page.store.stories(min_articles=max(1, min_articles))
    roots = {story.id: len(page.store.story_roots(story)) for story in found}
    return render(page, "stories.html", {"stories": found, "roots": roots,
                                         "min_articles": max(1, min_articles)}, nav="Stories")


@router.get("/stories/{story_id}")
def story_page(story_id: str, page: Page = Depends(_page)) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    store = page.store
    story = next((s for s in store.stories() if s.id == story_id), None)
    if story is None:
        return error(page, 404, "No such story", "No story has that id.")
    trees, seen, loose = [], set(), []
    for claim_id in story.claim_ids:
        found = store.group_of(claim_id)
        if found is None:
            loose.append(claim_id)
        elif found.id not in seen:
            seen.add(found.id)
            trees.append(provenance.tree(found))
    articles = [a for a in (article_meta(store, i) for i in story.article_ids) if a is not None]
    articles.sort(key=lambda a: (a.published is None, a.published or datetime.min, a.id))
    return render(page, "story.html", {
        "story": story, "trees": trees, "articles": articles, "roots": sorted(store.story_roots(story)),
        "loose": provenance.rows(store, loose),
    }, nav="Stories")


# --- ledger -------------------------------------------------------------------------------


@router.get("/ledger")
def ledger_page(page: Page = Depends(_page), figure: str = "killed", actor: str | None = None) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    figure = _choice(figure, (f.value for f in FigureType)) or "killed"
    actor = (actor or "").strip() or None
    who = _country(actor) if actor else None
    context: dict[str, Any] = {"figure": figure, "actor": actor or "",
                               "figure_types": [f.value for f in FigureType]}
    if actor and who is None:
        context.update(found=None, chart=None, upgrades=[], message=f"Cannot tell which country “{actor}” is.",
                       message_kind="error")
        return render(page, "ledger.html", context, status=400, nav="Ledger")
    found, upgrades = page.store.ledger(figure, who)
    rows = [(row, row_flags(found, row, upgrades)) for row in found.rows]
    chart = ledger_chart(found) if found.rows else None
    context.update(found=found, rows=rows, chart=chart, upgrades=upgrades, who=who)
    return render(page, "ledger.html", context, nav="Ledger")


def _country(actor: str) -> str | None:
    """"North Korea", "KP", "Pyongyang's soldiers" -> the ISO alpha-2 code (as ``ledger --actor``)."""
    from claimscope.records import Actor
    from claimscope.resolve.actors import ActorTable
    from claimscope.resolve.places import country_code

    if len(actor) == 2 and actor.isalpha():
        return actor.upper()
    return country_code(actor) or ActorTable.default().resolve(Actor(actor, None)).country


# --- map ----------------------------------------------------------------------------------


@router.get("/map")
def map_page(page: Page = Depends(_page), type: str | None = None, country: str | None = None,
             place: str | None = None, article: str | None = None, since: str | None = None, until: str | None = None) -> Response:
    if (gate := _gate(page)) is not None:
        return gate
    filters: dict[str, Any] = {}
    if type:
        filters["code"] = type
    if country and len(country.strip()) == 2:
        filters["country"] = country.strip().upper()
    if article:
        filters["article"] = article.strip()
    if place and place.strip():
        filters["place"] = place.strip()
    for name, value in (("since", since), ("until", until)):
        if value:
            try:
                filters[name] = date.fromisoformat(value)
            except ValueError:
                return error(page, 400, "Bad date", f"{name} must be a date written YYYY-MM-DD.")
    events = page.store.events(**filters, limit=MAP_LIMIT)
    view = event_map(events)
    return render(page, "map.html", {
        "view": view, "events": events, "shown": sum(p.count for p in view.points),
        "filters": {"type": type or "", "country": country or "", "place": place or "",
                                                    "article": article or "", "since": since or "",
                                                    "until": until or ""},
        "event_types": list(TYPE_COLOURS), "limit": MAP_LIMIT,
    }, nav="Map")
