"""Bookkeeping for ``fetch`` and ``watch``: each URL's last fetch, each feed entry handled.

Functions take a Connection so callers can run them inside the transaction that writes the
articles (``Store.write_batch(also=...)``): an entry is marked seen exactly when its article
commits, so a crash before the commit fetches it again and one after never does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from claimscope.store.schema import feed_items, fetch_state, rejections


@dataclass(frozen=True, slots=True)
class FetchState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    status: int | None = None  # the last HTTP status; None when the fetch failed
    content_hash: str | None = None
    article_id: str | None = None
    error: str | None = None  # "E012 the URL could not be fetched: ..." when it failed


def fetch_state_of(conn: Connection, url: str) -> FetchState | None:
    columns = [fetch_state.c[name] for name in FetchState.__slots__]
    row = conn.execute(select(*columns).where(fetch_state.c.url == url)).first()
    return FetchState(*row) if row is not None else None


def record_fetch(conn: Connection, state: FetchState, *, changed: bool) -> None:
    """Insert or update the URL's row; ``changed`` (new content) also sets ``changed_at``."""
    now = datetime.now(UTC)
    values = {name: getattr(state, name) for name in FetchState.__slots__} | {"checked_at": now}
    if changed:
        values["changed_at"] = now
    exists = conn.execute(select(fetch_state.c.url).where(fetch_state.c.url == state.url)).first()
    if exists is None:
        conn.execute(insert(fetch_state), values)
    else:
        conn.execute(update(fetch_state).where(fetch_state.c.url == state.url).values(values))


def seen_keys(conn: Connection, feed_url: str, keys: Iterable[str]) -> set[str]:
    """The keys among ``keys`` already handled for this feed."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):  # bound the IN list (SQLite's variable limit)
        chunk = wanted[start:start + 500]
        stmt = select(feed_items.c.item_key).where(
            (feed_items.c.feed_url == feed_url) & feed_items.c.item_key.in_(chunk))
        found.update(conn.execute(stmt).scalars())
    return found


def mark_seen(conn: Connection, feed_url: str, key: str, *, link: str | None,
              article_id: str | None, outcome: str) -> None:
    """Record the entry as handled (``stored`` or ``rejected``); a second mark changes nothing."""
    if seen_keys(conn, feed_url, [key]):
        return
    conn.execute(insert(feed_items), {
        "feed_url": feed_url, "item_key": key, "link": link, "article_id": article_id,
        "outcome": outcome, "seen_at": datetime.now(UTC),
    })


def feed_entry_counts(conn: Connection, feed_url: str) -> dict[str, int]:
    """Entries handled for the feed, by outcome."""
    rows = conn.execute(select(feed_items.c.outcome).where(feed_items.c.feed_url == feed_url))
    counts: dict[str, int] = {}
    for outcome in rows.scalars():
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def failures(conn: Connection, item: str, code: str, stage: str = "fetch") -> int:
    """How many times ``item`` has been rejected with ``code`` (the rejection's count)."""
    found = conn.scalar(select(rejections.c["count"]).where(
        rejections.c.item == item, rejections.c.stage == stage, rejections.c.code == code))
    return found or 0
