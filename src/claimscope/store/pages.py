"""Keyset pagination: a page of rows after a sort key, stable while others write.

Each listing sorts on a unique key (ending in ids and positions), and the next page starts
strictly after the last row's key, so rows neither repeat nor go missing across pages when
rows are inserted meanwhile (new rows land on the page their key belongs to). The API turns
keys into opaque cursors (``serve/api_common.py``); here they are plain tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, false, func, literal, or_, select

from claimscope.records import Article
from claimscope.store import search
from claimscope.store.reviews import ReviewedClaim
from claimscope.store.event_queries import EventFilters
from claimscope.store.event_queries import _conditions as event_conditions
from claimscope.store.queries import ClaimFilters, claim_conditions
from claimscope.store.schema import articles, claims, events

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_key: tuple[Any, ...] | None  # None on the last page


@dataclass(frozen=True, slots=True)
class ClaimEntry:
    """A listed claim: its review state (corrections applied) and its article's header."""

    reviewed: ReviewedClaim
    article_title: str | None
    outlet: str | None
    published: str | None  # as written in the article record (ISO, zone kept)


@dataclass(frozen=True, slots=True)
class ArticleEntry:
    article: Article  # without its text
    claims: int
    events: int


# How each kind of key value goes to JSON and back (checked: a cursor comes from outside).
_DUMP: dict[str, Callable[[Any], Any]] = {
    "flag": bool, "int": int, "str": str,
    "datetime": lambda v: v.isoformat(), "date": lambda v: v.isoformat(),
}
_LOAD: dict[str, Callable[[Any], Any]] = {
    "flag": lambda v: _typed(v, bool), "int": lambda v: _typed(v, int),
    "str": lambda v: _typed(v, str),
    "datetime": lambda v: datetime.fromisoformat(_typed(v, str)),
    "date": lambda v: date.fromisoformat(_typed(v, str)),
}


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"expected {kind.__name__}")
    return value


@dataclass(frozen=True, slots=True)
class Order:
    """Sort expressions, each ascending or descending; together unique per row."""

    columns: tuple[tuple[ColumnElement, bool, str], ...]  # (expression, descending, kind)

    def by(self) -> list[ColumnElement]:
        return [column.desc() if desc else column.asc() for column, desc, _kind in self.columns]

    def dump(self, key: Sequence[Any]) -> list[Any]:
        """The key as JSON values."""
        return [None if v is None else _DUMP[kind](v)
                for v, (_c, _d, kind) in zip(key, self.columns, strict=True)]

    def load(self, values: Any) -> tuple[Any, ...]:
        """A key back from JSON values; ValueError when they do not fit this order."""
        if not isinstance(values, list) or len(values) != len(self.columns):
            raise ValueError("the cursor does not fit this listing")
        return tuple(None if v is None else _LOAD[kind](v)
                     for v, (_c, _d, kind) in zip(values, self.columns, strict=True))

    def after(self, key: Sequence[Any]) -> ColumnElement[bool]:
        """Rows strictly after ``key`` in this order. A None in the key stands for SQL NULL:
        it only ever follows a flag column (``x IS NULL``) that already separates the NULLs."""
        if len(key) != len(self.columns):
            raise ValueError("the cursor does not fit this listing")
        result: ColumnElement[bool] = false()
        for (column, desc, _kind), value in reversed(list(zip(self.columns, key, strict=True))):
            if value is None:
                beyond, equal = false(), column.is_(None)
            else:
                # A bound literal of the column's type: SQLAlchemy refuses `flag > False`.
                bound = literal(value, column.type)
                beyond, equal = (column < bound) if desc else (column > bound), column == bound
            result = or_(beyond, and_(equal, result))
        return result

    def key(self, row: Any) -> tuple[Any, ...]:
        values = (row._mapping[f"k{i}"] for i in range(len(self.columns)))
        # SQLite hands back flags as 0 / 1; PostgreSQL wants booleans back.
        return tuple(bool(v) if kind == "flag" else v
                     for v, (_c, _d, kind) in zip(values, self.columns, strict=True))

    def labelled(self) -> list[ColumnElement]:
        return [column.label(f"k{i}") for i, (column, _desc, _kind) in enumerate(self.columns)]


# The claims' own copy of their article's date: ix_claims_reading_order holds this whole key,
# so a page is read off the index instead of sorting every matching claim across a join.
CLAIM_ORDER = Order((
    (claims.c.published.is_(None), False, "flag"), (claims.c.published, False, "datetime"),
    (claims.c.article_id, False, "str"), (claims.c.position, False, "int"),
))
# Newest articles first, undated ones last.
ARTICLE_ORDER = Order((
    (articles.c.published.is_(None), False, "flag"), (articles.c.published, True, "datetime"),
    (articles.c.id, False, "str"),
))
EVENT_ORDER = Order((
    (events.c.date_start.is_(None), False, "flag"), (events.c.date_start, False, "date"),
    (events.c.article_id, False, "str"), (events.c.position, False, "int"),
))


def _page(conn: Any, stmt: Any, order: Order, limit: int, after: Sequence[Any] | None
          ) -> tuple[list[Any], tuple[Any, ...] | None]:
    if after is not None:
        stmt = stmt.where(order.after(after))
    rows = conn.execute(stmt.add_columns(*order.labelled()).order_by(*order.by())
                        .limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, order.key(rows[-1]) if more and rows else None


def claim_rows(conn: Any, filters: ClaimFilters, *, limit: int, after: Sequence[Any] | None,
               search_mode: str = search.LIKE) -> tuple[list[Any], tuple[Any, ...] | None]:
    stmt = (select(claims.c.record, articles.c.title.label("article_title"), articles.c.outlet,
                   articles.c.record["published"].as_string().label("published"))
            .join(articles, claims.c.article_id == articles.c.id)
            .where(*claim_conditions(filters, search_mode)))
    return _page(conn, stmt, CLAIM_ORDER, limit, after)


def article_rows(conn: Any, *, limit: int, after: Sequence[Any] | None
                 ) -> tuple[list[Any], tuple[Any, ...] | None]:
    claim_count = (select(func.count()).where(claims.c.article_id == articles.c.id)
                   .correlate(articles).scalar_subquery())
    event_count = (select(func.count()).where(events.c.article_id == articles.c.id)
                   .correlate(articles).scalar_subquery())
    stmt = select(articles.c.record, claim_count.label("claims"), event_count.label("events"))
    return _page(conn, stmt, ARTICLE_ORDER, limit, after)


def event_rows(conn: Any, filters: EventFilters, *, limit: int, after: Sequence[Any] | None
               ) -> tuple[list[Any], tuple[Any, ...] | None]:
    stmt = (select(events.c.record, articles.c.record.label("article_record"))
            .join(articles, events.c.article_id == articles.c.id)
            .where(*event_conditions(filters)))
    return _page(conn, stmt, EVENT_ORDER, limit, after)


def in_memory(items: list[T], key: Callable[[T], tuple[Any, ...]], *, limit: int,
              after: Sequence[Any] | None) -> Page[T]:
    """The same contract for views computed in Python (stories, ledger rows): ``key`` gives a
    unique tuple per item (None allowed: it sorts first); items are taken in key order."""
    ordered = sorted(items, key=lambda item: _sortable(key(item)))
    if after is not None:
        wanted = _sortable(tuple(after))
        try:
            ordered = [item for item in ordered if _sortable(key(item)) > wanted]
        except TypeError:
            raise ValueError("the cursor does not fit this listing") from None
    page = ordered[:limit]
    more = len(ordered) > limit
    return Page(page, key(page[-1]) if more and page else None)


def _sortable(key: Sequence[Any]) -> tuple[Any, ...]:
    # A (present, value) pair keeps None comparable with anything, and first.
    return tuple((value is not None, value if value is not None else 0) for value in key)
