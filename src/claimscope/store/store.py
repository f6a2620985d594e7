"""The claim store: open a database (migrating it), write extractions, read claims back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import pandas as pd
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from claimscope.records import Article, Claim, Event, Extraction, FigureType, Rejected
from claimscope.settings import db_url
from claimscope.store import writer
from claimscope.corroborate.drift import Drift, headline_drift
from claimscope.corroborate.views import Group, Ledger, Member, Upgrade, certainty_upgrades, group, ledger
from claimscope.store import corroboration_read
from claimscope.store.corroboration_read import StoryRow
from claimscope.store.event_export import EventRow
from claimscope.store.event_queries import EventFilters, events_select
from claimscope.store.frame import ClaimRow, claims_frame
from claimscope.store.migrate import upgrade
from claimscope.store.plain import from_plain
from claimscope.store import pages, reviews, search
from claimscope.store.accounts import Accounts, User
from claimscope.store.pages import ArticleEntry, ClaimEntry, Page
from claimscope.store.queries import ClaimFilters, claims_select
from claimscope.store.reviews import Review, ReviewedClaim
from claimscope.store.schema import articles, claims, events, rejections


class StoreError(Exception):
    """The database cannot be used (bad URL, missing driver, unreachable server); one line."""


@dataclass(frozen=True, slots=True)
class RejectionRecord:
    item: str
    stage: str
    code: str
    reason: str
    first_seen: datetime
    last_seen: datetime
    count: int


class Store:
    """A claimscope database. ``Store.open(url)`` gives one at the newest schema.

    Every ``write*`` call is one transaction: a batch lands whole or not at all.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.accounts = Accounts(engine)  # users and API tokens (store/accounts.py)
        self._search_mode: str | None = None

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (creating and migrating as needed) the database at ``url``.

        None means ``CLAIMSCOPE_DB`` or the default SQLite file in the user's data folder.
        """
        resolved = db_url(url)
        engine = _engine(resolved)
        try:
            with engine.begin() as conn:
                upgrade(conn)
        except SQLAlchemyError as exc:
            engine.dispose()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise StoreError(f"cannot open database {_safe(resolved)}: {reason}") from exc
        return cls(engine)

    @property
    def url(self) -> str:
        """The database URL, password hidden: safe to print."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Writing

    def write(self, extraction: Extraction) -> int:
        """Store one article and its claims, replacing what was stored for it before."""
        return self.write_batch([extraction])

    def write_rejection(self, rejected: Rejected) -> None:
        self.write_batch((), [rejected])

    def write_batch(
        self,
        extractions: Iterable[Extraction],
        rejected: Iterable[Rejected] = (),
        *,
        also: Callable[[Connection], None] | None = None,
    ) -> int:
        """Store extractions and rejections in one transaction; returns the claims written.

        ``also`` runs in that transaction too: bookkeeping that must commit with the articles
        or not at all (a batch journal, feed entries seen), so a crash repeats nothing.
        """
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            written = sum(writer.write_extraction(conn, ex, now) for ex in extractions)
            self._finish_batch(conn, rejected, now, also)
        return written

    def bulk_write(
        self,
        extractions: Sequence[Extraction],
        rejected: Iterable[Rejected] = (),
        *,
        also: Callable[[Connection], None] | None = None,
    ) -> int:
        """``write_batch`` for large loads: on PostgreSQL the rows go in by COPY (see bulk.py);
        the store ends the same as with ``write_batch``."""
        from claimscope.store.bulk import write_extractions

        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            written = write_extractions(conn, extractions, now)
            self._finish_batch(conn, rejected, now, also)
        return written

    @staticmethod
    def _finish_batch(conn: Connection, rejected: Iterable[Rejected], now: datetime,
                      also: Callable[[Connection], None] | None) -> None:
        for item in rejected:
            writer.write_rejection(conn, item, now)
        if also is not None:
            also(conn)

    # Reading

    @property
    def search_mode(self) -> str:
        """How ``q`` searches claim content here: fts5, postgres, or like (no FTS5 built in)."""
        if self._search_mode is None:
            with self.engine.connect() as conn:
                self._search_mode = search.mode(conn)
        return self._search_mode

    def claims(self, **filters: Any) -> list[Claim]:
        """Claim records as extracted, matching the filters of ``ClaimFilters`` (source,
        source_type, certainty, figure, article, kind, reviewed, q, limit)."""
        return [row.claim for row in self._claim_rows(ClaimFilters(**filters))]

    def claims_dataframe(self, **filters: Any) -> pd.DataFrame:
        """One row per matching claim; the columns are listed in ``store/frame.py``."""
        return claims_frame(self._claim_rows(ClaimFilters(**filters)))

    def events(self, **filters: Any) -> list[Event]:
        """Event records matching the filters of ``EventFilters`` (code, actor, country, place,
        certainty, article, since, until, limit)."""
        with self.engine.connect() as conn:
            rows = conn.execute(events_select(EventFilters(**filters))).all()
        return [from_plain(Event, row.record) for row in rows]

    def event_rows(self, **filters: Any) -> list[EventRow]:
        """Matching events with their article and the claims they come from, for exports."""
        with self.engine.connect() as conn:
            rows = conn.execute(events_select(EventFilters(**filters))).all()
        return self._event_rows(rows)

    def _event_rows(self, rows: list[Any]) -> list[EventRow]:
        claim_ids = {c for row in rows for c in row.record.get("claim_ids", ())}
        with self.engine.connect() as conn:
            found = conn.execute(select(claims.c.id, claims.c.record)
                                 .where(claims.c.id.in_(claim_ids))).all() if claim_ids else []
        by_id = {row.id: from_plain(Claim, row.record) for row in found}
        result = []
        for row in rows:
            event = from_plain(Event, row.record)
            article = from_plain(Article, {**row.article_record, "text": ""})
            result.append(EventRow(event, article, tuple(by_id[c] for c in event.claim_ids if c in by_id)))
        return result

    # Across articles (corroborate/)

    def groups(self, *, figure: str | None = None, who: str | None = None) -> list[Group]:
        """Claim groups: one figure told by many, with its roots and outlets."""
        with self.engine.connect() as conn:
            found = corroboration_read.members(conn, figure=figure, who=who)
        by_group: dict[str, list[Member]] = {}
        for member in found:
            by_group.setdefault(member.group_id, []).append(member)
        return sorted((group(gid, items) for gid, items in by_group.items()),
                      key=lambda g: (-len(g.members), g.id))

    def group_of(self, claim_id: str) -> Group | None:
        with self.engine.connect() as conn:
            group_id = corroboration_read.group_of(conn, claim_id)
            found = corroboration_read.members(conn, group_ids=[group_id]) if group_id else []
        return group(group_id, found) if found else None

    def ledger(self, figure: str, who: str | None = None) -> tuple[Ledger, list[Upgrade]]:
        """Every claimant's figure for one quantity (figure type, counted people's country)."""
        with self.engine.connect() as conn:
            found = corroboration_read.members(conn, figure=figure, who=who)
        return ledger(FigureType(figure), found), certainty_upgrades(found)

    def story_roots(self, story: StoryRow) -> set[str]:
        """The distinct root sources of the claims a story's events come from."""
        from claimscope.corroborate.roots import provenance

        with self.engine.connect() as conn:
            rows = conn.execute(select(claims.c.record, articles.c.record.label("article"))
                                .join(articles, articles.c.id == claims.c.article_id)
                                .where(claims.c.id.in_(story.claim_ids))).all()
        return {provenance(from_plain(Claim, row.record),
                           from_plain(Article, {**row.article, "text": ""})).root_key for row in rows}

    def groups_of(self, claim_ids: Iterable[str]) -> list[Group]:
        """The claim groups the claims' figures belong to (each group once)."""
        with self.engine.connect() as conn:
            group_ids = corroboration_read.group_ids_of(conn, list(dict.fromkeys(claim_ids)))
            found = corroboration_read.members(conn, group_ids=group_ids) if group_ids else []
        by_group: dict[str, list[Member]] = {}
        for member in found:
            by_group.setdefault(member.group_id, []).append(member)
        return [group(gid, by_group[gid]) for gid in group_ids if gid in by_group]

    def story_events(self, story_id: str) -> list[EventRow]:
        """The story's events, each with its article and claims, in date order."""
        with self.engine.connect() as conn:
            ids = corroboration_read.story_event_ids(conn, story_id)
            rows = conn.execute(events_select(EventFilters()).where(events.c.id.in_(ids))).all() if ids else []
        return self._event_rows(rows)

    def stories(self, *, min_articles: int = 1) -> list[StoryRow]:
        with self.engine.connect() as conn:
            return corroboration_read.story_rows(conn, min_articles=min_articles)

    def copies(self) -> list[tuple[str, str, float]]:
        with self.engine.connect() as conn:
            return corroboration_read.copies(conn)

    def headline_drift(self) -> list[Drift]:
        headlines = [c for c in self.claims() if c.origin.value == "headline" and c.restates]
        body = {c.id: c for c in self.claims(kind="event")}
        found = (headline_drift(h, body[h.restates]) for h in headlines if h.restates in body)
        return [drift for drift in found if drift is not None]

    def article(self, article_id: str) -> Extraction | None:
        """The article with this id (or the one id starting with it), its claims and events."""
        row = self._article_row(article_id)
        if row is None:
            return None
        article = from_plain(Article, {**row.record, "text": row.text})
        return Extraction(article=article, claims=tuple(self.claims(article=article.id)),
                          events=tuple(self.events(article=article.id)))

    def rejections(self) -> list[RejectionRecord]:
        """Every rejection, most recently seen first."""
        columns = [rejections.c[name] for name in RejectionRecord.__slots__]
        stmt = select(*columns).order_by(rejections.c.last_seen.desc(), rejections.c.item)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [RejectionRecord(*row[:4], _aware(row[4]), _aware(row[5]), row[6]) for row in rows]

    def counts(self) -> dict[str, int]:
        """Rows per table: articles, claims, events, rejections."""
        with self.engine.connect() as conn:
            return {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (articles, claims, events, rejections)
            }

    # Pages (the API's cursor pagination; see store/pages.py)

    def claims_page(self, *, limit: int = 50, after: tuple | None = None,
                    **filters: Any) -> Page[ClaimEntry]:
        """A page of matching claims in reading order, each with its review state."""
        with self.engine.connect() as conn:
            rows, next_key = pages.claim_rows(conn, ClaimFilters(**filters), limit=limit,
                                              after=after, search_mode=self.search_mode)
            return Page(self._entries(conn, rows), next_key)

    def claim_entries(self, **filters: Any) -> list[ClaimEntry]:
        """Every matching claim with its review state (for exports)."""
        with self.engine.connect() as conn:
            rows = conn.execute(claims_select(ClaimFilters(**filters), search_mode=self.search_mode)).all()
            return self._entries(conn, rows)

    def _entries(self, conn: Any, rows: list[Any]) -> list[ClaimEntry]:
        found = [from_plain(Claim, row.record) for row in rows]
        past = reviews.histories(conn, (claim.id for claim in found))
        return [ClaimEntry(reviews.reviewed(claim, past.get(claim.id, [])), row.article_title,
                           row.outlet, row.published) for claim, row in zip(found, rows, strict=True)]

    def articles_page(self, *, limit: int = 50, after: tuple | None = None) -> Page[ArticleEntry]:
        """Articles newest first (undated last), without their text, with claim / event counts."""
        with self.engine.connect() as conn:
            rows, next_key = pages.article_rows(conn, limit=limit, after=after)
        return Page([ArticleEntry(from_plain(Article, {**row.record, "text": ""}), row.claims,
                                  row.events) for row in rows], next_key)

    def events_page(self, *, limit: int = 50, after: tuple | None = None,
                    **filters: Any) -> Page[EventRow]:
        """A page of matching events (undated last), each with its article and claims."""
        with self.engine.connect() as conn:
            rows, next_key = pages.event_rows(conn, EventFilters(**filters), limit=limit, after=after)
        return Page(self._event_rows(rows), next_key)

    # Reviews (store/reviews.py): append-only, the claim as extracted is never changed

    def review(self, claim_id: str, user: User | str, action: str, field: str | None = None,
               value: Any = None, reason: str | None = None) -> Review:
        """Record a review action (accept, reject, or correct ``field`` to ``value``) as the
        claim's next version. Raises ``ReviewError`` for a bad value, ``ClaimNotFound``."""
        return reviews.record(self.engine, claim_id, user, action, field, value, reason)

    def reviews(self, claim_id: str) -> list[Review]:
        """The claim's review history, oldest first."""
        with self.engine.connect() as conn:
            return reviews.history(conn, claim_id)

    def reviewed_claim(self, claim_id: str) -> ReviewedClaim | None:
        """The claim with its latest corrections applied, and its review status."""
        entry = self.claim_entry(claim_id)
        return entry.reviewed if entry else None

    def claim_entry(self, claim_id: str) -> ClaimEntry | None:
        with self.engine.connect() as conn:
            rows = conn.execute(claims_select(ClaimFilters()).where(claims.c.id == claim_id)).all()
            found = self._entries(conn, rows)
        return found[0] if found else None

    def _claim_rows(self, filters: ClaimFilters) -> list[ClaimRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(claims_select(filters, search_mode=self.search_mode)).all()
        return [
            ClaimRow(from_plain(Claim, row.record), row.article_title, row.outlet, row.published)
            for row in rows
        ]

    def _article_row(self, article_id: str) -> Any:
        stmt = select(articles.c.record, articles.c.text, articles.c.id)
        with self.engine.connect() as conn:
            exact = conn.execute(stmt.where(articles.c.id == article_id)).first()
            if exact is not None:
                return exact
            # Two rows are enough to tell "unique prefix" from "ambiguous".
            prefixed = stmt.where(articles.c.id.startswith(article_id, autoescape=True)).limit(2)
            matches = conn.execute(prefixed).all()
        if len(matches) > 1:
            raise StoreError(f"article id {article_id!r} matches several articles; give more of it")
        return matches[0] if matches else None


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StoreError(f"not a usable database URL: {_safe(url)} ({exc})") from exc
    except ImportError as exc:
        raise StoreError(f"the database driver is not installed: {exc.name or exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot create the database folder: {exc}") from exc


def _sqlite_engine(url: Any) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:"):
        # One shared connection, or each new connection would see a new, empty database.
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Readers (claims, show) may run while an ingest writes; WAL lets them, and the timeout
    # makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time was written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
