"""``fetch`` and ``watch`` without the CLI: URLs and feed entries through the pipeline.

Bookkeeping (``store/intake.py``) commits in the same transaction as the article or rejection
it is about, so a run killed at any moment and started again neither loses nor repeats an
entry: the entries whose articles committed are marked seen, the others are fetched again.
A feed's validators (ETag, Last-Modified) are saved only once every entry it lists is seen;
otherwise a 304 on restart would hide the entries that were still to do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection

from claimscope.errors import Code
from claimscope.ingest.feeds import Entry, parse_feed
from claimscope.ingest.fetch import FEED_TYPES, FetchError, Fetcher, check_url
from claimscope.ingest.ids import id_from, outlet_from_url
from claimscope.ingest.reader import read_bytes
from claimscope.records import Article, Extraction, Rejected
from claimscope.store import Store
from claimscope.store import intake
from claimscope.store.intake import FetchState

Item = Article | Rejected
# Rounds an entry whose page failed transiently (no answer, a timeout, 429 or 5xx) is tried
# in before it counts as handled (rejected for good): a network blip must not lose it.
TRANSIENT_ATTEMPTS = 3
Bookkeeping = Callable[[Connection], None]
Progress = Callable[[Item], None]


@dataclass
class Tally:
    articles: int = 0
    claims: int = 0
    unchanged: int = 0  # 304, or the same bytes as last time: nothing re-extracted
    rejected: list[Rejected] = field(default_factory=list)


class _Journal(Store):
    """The store, whose writes also commit the bookkeeping of the items they write."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.engine)
        self._pending: dict[str, list[Bookkeeping]] = {}

    def expect(self, item: Item, *steps: Bookkeeping) -> None:
        self._pending.setdefault(_key(item), []).extend(steps)

    def write_batch(self, extractions: Iterable[Extraction], rejected: Iterable[Rejected] = (),
                    *, also: Bookkeeping | None = None) -> int:
        extractions, rejected = list(extractions), list(rejected)
        keys = [_key(ex.article) for ex in extractions] + [_key(item) for item in rejected]

        def bookkeeping(conn: Connection) -> None:
            if also is not None:
                also(conn)
            for key in keys:
                for step in self._pending.get(key, ()):
                    step(conn)

        written = super().write_batch(extractions, rejected, also=bookkeeping)
        for key in keys:  # only once committed: a failed write keeps them pending
            self._pending.pop(key, None)
        return written


def _key(item: Item) -> str:
    return f"article:{item.id}" if isinstance(item, Article) else f"rejected:{item.item}"


class Follower:
    """Fetches pages and feeds with one Fetcher and stores what they hold."""

    def __init__(self, store: Store, fetcher: Fetcher, *, progress: Progress | None = None,
                 **run_options: Any) -> None:
        self.store = _Journal(store)
        self.fetcher = fetcher
        self.progress = progress or (lambda _item: None)
        self.run_options = run_options  # for pipeline.run_items: nlp, batch_size, extract
        self.tally = Tally()

    def fetch(self, urls: Sequence[str]) -> Tally:
        """Fetch each URL once (conditionally: an unchanged page is not extracted again)."""
        self._run(self._page_items(urls))
        return self.tally

    def watch_round(self, feed_urls: Sequence[str]) -> Tally:
        """Fetch every feed and process the entries not handled before."""
        for feed_url in feed_urls:
            self._feed(feed_url)
        return self.tally

    def _run(self, items: Iterable[Item]) -> None:
        from claimscope.pipeline import run_items

        summary = run_items(items, store=self.store, progress=self.progress, **self.run_options)
        self.tally.articles += summary.articles
        self.tally.claims += summary.claims
        self.tally.rejected.extend(summary.rejected)

    def _page_items(self, urls: Sequence[str]) -> Iterator[Item]:
        for url in urls:
            item, state = self._page(url)
            if item is None:
                self._commit(partial(intake.record_fetch, state=state, changed=False))
            else:
                self.store.expect(item, partial(intake.record_fetch, state=state, changed=True))
                yield item

    def _page(self, url: str) -> tuple[Item | None, FetchState]:
        """The page as an item (None when unchanged) and the fetch state to record with it."""
        with self.store.engine.connect() as conn:
            prior = intake.fetch_state_of(conn, url) or FetchState(url)
        try:
            response = self.fetcher.get(url, etag=prior.etag, last_modified=prior.last_modified)
        except FetchError as exc:
            failed = exc.rejected(url)
            return failed, replace(prior, status=exc.status, error=f"{failed.code} {failed.reason}")
        state = replace(prior, status=response.status, error=None,
                        etag=response.etag or prior.etag,
                        last_modified=response.last_modified or prior.last_modified)
        digest = hashlib.sha256(response.body).hexdigest()
        if response.status == 304 or (digest == prior.content_hash and prior.article_id):
            self.tally.unchanged += 1
            return None, state
        kind = "plain" if response.content_type == "text/plain" else "html"
        item = next(iter(read_bytes(response.body, url, kind=kind,
                                    max_bytes=self.fetcher.options.max_bytes)))
        if isinstance(item, Article):
            item = _at(item, response.url)
        article_id = item.id if isinstance(item, Article) else None
        return item, replace(state, etag=response.etag, last_modified=response.last_modified,
                             content_hash=digest, article_id=article_id)

    def _feed(self, feed_url: str) -> None:
        with self.store.engine.connect() as conn:
            prior = intake.fetch_state_of(conn, feed_url) or FetchState(feed_url)
        try:
            check_url(feed_url)
            response = self.fetcher.get(feed_url, accept=FEED_TYPES, etag=prior.etag,
                                        last_modified=prior.last_modified)
        except FetchError as exc:
            return self._feed_failed(exc.rejected(feed_url), replace(prior, status=exc.status))
        if response.status == 304:
            self.tally.unchanged += 1
            return self._commit(partial(intake.record_fetch, state=replace(
                prior, status=304, error=None), changed=False))
        entries = parse_feed(response.body, response.url)
        if not isinstance(entries, list):
            return self._feed_failed(entries.rejected(feed_url), replace(prior, status=response.status))
        with self.store.engine.connect() as conn:
            done = intake.seen_keys(conn, feed_url, (e.key for e in entries))
        self._run(self._entry_items(feed_url, [e for e in entries if e.key not in done]))
        with self.store.engine.connect() as conn:
            left = len(entries) - len(intake.seen_keys(conn, feed_url, (e.key for e in entries)))
        state = replace(prior, status=response.status, error=None,
                        content_hash=hashlib.sha256(response.body).hexdigest())
        if not left:  # every entry handled: a 304 next time can hide nothing
            state = replace(state, etag=response.etag, last_modified=response.last_modified)
        else:  # an entry to retry (a transient failure) or dropped: the next round fetches again
            state = replace(state, etag=None, last_modified=None, error=f"{left} entries left")
        self._commit(partial(intake.record_fetch, state=state, changed=True))

    def _entry_items(self, feed_url: str, entries: list[Entry]) -> Iterator[Item]:
        for entry in entries:
            link = entry.link or f"{feed_url} (entry {entry.key})"
            if entry.link is None:
                item: Item | None = FetchError(Code.BAD_URL, "the entry has no link").rejected(link)
                state = None
            else:
                item, state = self._page(link)
            article_id = item.id if isinstance(item, Article) else None
            if item is None and state is not None:
                article_id = state.article_id
            outcome = "rejected" if isinstance(item, Rejected) else "stored"
            steps: list[Bookkeeping] = []
            if not self._retry_later(item, state):
                steps.append(partial(intake.mark_seen, feed_url=feed_url, key=entry.key,
                                     link=entry.link, article_id=article_id, outcome=outcome))
            if state is not None:
                steps.insert(0, partial(intake.record_fetch, state=state, changed=item is not None))
            if item is None:
                self._commit(*steps)  # unchanged page: nothing to extract, seen all the same
            else:
                self.store.expect(item, *steps)
                yield item

    def _retry_later(self, item: Item | None, state: FetchState | None) -> bool:
        """A transient failure not yet tried TRANSIENT_ATTEMPTS times: left unseen, so the
        next round fetches the entry again (its rejection is recorded each time)."""
        if not isinstance(item, Rejected) or item.code != Code.FETCH_FAILED.value:
            return False
        status = state.status if state is not None else None
        if status is not None and status != 429 and status < 500:
            return False  # 404, 410, ...: the page is not there; asking again will not help
        with self.store.engine.connect() as conn:
            return intake.failures(conn, item.item, item.code) + 1 < TRANSIENT_ATTEMPTS

    def _feed_failed(self, rejected: Rejected, state: FetchState) -> None:
        state = replace(state, error=f"{rejected.code} {rejected.reason}")
        self.store.write_batch((), [rejected],
                               also=partial(intake.record_fetch, state=state, changed=False))
        self.tally.rejected.append(rejected)
        self.progress(rejected)

    def _commit(self, *steps: Bookkeeping) -> None:
        with self.store.engine.begin() as conn:
            for step in steps:
                step(conn)


def _at(article: Article, url: str) -> Article:
    """The article under the URL it was fetched from (its id follows: ids hash the URL)."""
    return replace(article, url=url, id=id_from(url, article.fingerprint),
                   outlet=article.outlet or outlet_from_url(url))


def read_feeds_file(text: str) -> list[str]:
    """One feed URL per line; blank lines and ``#`` comments skipped; each URL once."""
    urls = []
    for line in map(str.strip, text.splitlines()):
        if line and not line.startswith("#"):
            urls.append(line.split(" #", 1)[0].strip())  # "#" inside a URL is a fragment
    return list(dict.fromkeys(urls))
