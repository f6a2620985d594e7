"""ingest -> extract -> resolve -> store, in batches, where one bad article never stops a run."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from sqlalchemy.engine import Connection

from claimscope.errors import MESSAGES, Code
from claimscope.records import Article, Extraction, Rejected
from claimscope.store import Store

ExtractFn = Callable[..., Iterator[Extraction]]
Progress = Callable[[Article | Rejected], None]


@dataclass(frozen=True, slots=True)
class Done:
    """One input item finished: stored (``key`` is the article id) or rejected."""

    key: str
    article_id: str | None
    outcome: str  # stored | rejected


# Called inside each write transaction with the items that transaction finishes, so the
# record of what is done commits with the rows themselves (see ``batch.py``).
Journal = Callable[[Connection, list[Done]], None]


def item_key(item: Article | Rejected) -> str:
    """The key under which an input item is journaled: the article id, or the rejected item."""
    return item.id if isinstance(item, Article) else f"rejected:{item.item}"

# Extractions per store transaction, as a multiple of the extractor's batch size: large enough
# that commits cost little next to parsing, small enough that a crash loses little work.
BATCHES_PER_WRITE = 4


@dataclass(frozen=True, slots=True)
class RunSummary:
    articles: int  # articles stored (with or without claims)
    claims: int
    rejected: tuple[Rejected, ...]
    seconds: float

    @property
    def per_second(self) -> float:
        """Documents handled per second, rejected ones included (as the progress bar counts)."""
        documents = self.articles + len(self.rejected)
        return documents / self.seconds if self.seconds > 0 else 0.0


def run(
    paths: Sequence[str],
    *,
    store: Store,
    nlp: Any = None,
    n_process: int = 1,
    batch_size: int = 16,
    progress: Progress | None = None,
    model: str | None = None,
) -> RunSummary:
    """Read every path ("-" is stdin), extract claims and store them; see ``run_items``."""
    from claimscope.ingest import read_items  # imported late: the CLI starts faster without

    return run_items(
        read_items(paths),
        store=store,
        nlp=nlp,
        n_process=n_process,
        batch_size=batch_size,
        progress=progress,
        model=model,
    )


def run_items(
    items: Iterable[Article | Rejected],
    *,
    store: Store,
    nlp: Any = None,
    n_process: int = 1,
    batch_size: int = 16,
    progress: Progress | None = None,
    model: str | None = None,
    extract: ExtractFn | None = None,
    journal: Journal | None = None,
) -> RunSummary:
    """Extract and store already-read items; Rejected ones are stored with their reason.

    ``progress`` is called once per item: with the Article once it is extracted, with the
    Rejected as soon as it is known. ``extract`` defaults to ``extract.extract_articles``
    (``nlp`` then loaded by ``load_nlp(model)`` when not given); tests pass a stand-in.
    With ``n_process`` > 1 the extractor's worker processes load ``model`` themselves.
    ``journal`` records the items each write finishes, in the same transaction.
    """
    started = perf_counter()
    if extract is None:
        extract, nlp = _real_extractor(nlp, model, n_process)
    options = {"nlp": nlp, "batch_size": batch_size} | ({"model": model} if model else {})
    runner = _Runner(store, extract, options, progress or _ignore, batch_size * BATCHES_PER_WRITE,
                     journal)
    runner.run(_Feed(items, runner.reject), n_process)
    seconds = perf_counter() - started
    return RunSummary(runner.articles, runner.claims, tuple(runner.rejected), seconds)


class _Feed:
    """The input, seen by the extractor as articles only; remembers what is in flight.

    The extractor may read ahead (worker processes, batches), so when it raises, the articles
    it took and has not yet returned are exactly the ones to retry one by one.
    """

    def __init__(self, items: Iterable[Article | Rejected], reject: Callable[[Rejected], None]):
        self._items = iter(items)
        self._reject = reject
        self.in_flight: deque[Article] = deque()
        self.taken = 0

    def __iter__(self) -> Iterator[Article]:
        for item in self._items:
            if isinstance(item, Rejected):
                self._reject(item)
                continue
            self.in_flight.append(item)
            self.taken += 1
            yield item


class _Runner:
    """Counts, pending writes and rejections of one run; each flush is one transaction."""

    def __init__(
        self,
        store: Store,
        extract: ExtractFn,
        options: dict[str, Any],
        progress: Progress,
        write_every: int,
        journal: Journal | None = None,
    ) -> None:
        self.store = store
        self.extract = extract
        self.options = options
        self.progress = progress
        self.write_every = write_every
        self.journal = journal
        self.articles = 0
        self.claims = 0
        self.rejected: list[Rejected] = []
        self._extractions: list[Extraction] = []
        self._rejections: list[Rejected] = []
        self._done: list[Done] = []

    def run(self, feed: _Feed, n_process: int) -> None:
        # One extractor call for the whole input, so worker processes start once; after a
        # failure, the articles in flight are retried alone and the call resumes the feed.
        while True:
            taken_before = feed.taken
            try:
                for extraction in self.extract(feed, n_process=n_process, **self.options):
                    _settle(feed.in_flight, extraction.article)
                    self.add(extraction)
                break
            except Exception:
                if feed.taken == taken_before and not feed.in_flight:
                    raise  # it failed before reading anything: not one article's fault
                self._retry_alone(feed.in_flight)
        self.flush()

    def reject(self, item: Rejected, key: str | None = None) -> None:
        """``key``: the input item's journal key when it was an article that then failed."""
        self.rejected.append(item)
        self._rejections.append(item)
        self._done.append(Done(key or item_key(item), None, "rejected"))
        self.progress(item)

    def add(self, extraction: Extraction) -> None:
        article_id = extraction.article.id
        self._done.append(Done(article_id, article_id, "stored"))
        self._extractions.append(self._resolved(extraction))
        self.progress(extraction.article)
        if len(self._extractions) >= self.write_every:
            self.flush()

    def _resolved(self, extraction: Extraction) -> Extraction:
        if extraction.resolved:
            return extraction
        from claimscope.resolve import resolve_extraction  # the gazetteer loads only when needed

        try:
            return resolve_extraction(extraction)
        except Exception as exc:  # noqa: BLE001 - the claims and raw events are still stored
            # Recorded, not counted as a lost item: the article itself is stored.
            problem = _failed(extraction.article, exc, stage="resolve", code=Code.RESOLVE_FAILED)
            self.rejected.append(problem)
            self._rejections.append(problem)
            return extraction

    def flush(self) -> None:
        if not self._extractions and not self._rejections:
            return
        journal, done = self.journal, self._done
        also = (lambda conn: journal(conn, done)) if journal and done else None
        self.claims += self.store.write_batch(self._extractions, self._rejections, also=also)
        self.articles += len(self._extractions)
        self._extractions, self._rejections, self._done = [], [], []

    def _retry_alone(self, articles: deque[Article]) -> None:
        while articles:
            article = articles.popleft()
            # Alone and in this process, so an exception belongs to this article.
            try:
                extractions = list(self.extract([article], n_process=1, **self.options))
            except Exception as exc:  # noqa: BLE001 - recorded as E009; the run goes on
                self.reject(_failed(article, exc), key=article.id)
                continue
            for extraction in extractions:
                self.add(extraction)


def _settle(in_flight: deque[Article], done: Article) -> None:
    # Output comes in input order; an article the extractor dropped without raising is
    # passed over here rather than retried.
    while in_flight and in_flight.popleft().id != done.id:
        pass


def _failed(article: Article, exc: Exception, *, stage: str = "extract",
            code: Code = Code.EXTRACT_FAILED) -> Rejected:
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    return Rejected(
        item=article.origin_path or article.id,
        stage=stage,
        code=code.value,
        reason=f"{MESSAGES[code]} ({detail})",
    )


def _real_extractor(nlp: Any, model: str | None, n_process: int) -> tuple[ExtractFn, Any]:
    # Imported here: spaCy loads only when a run needs it.
    from functools import partial

    from claimscope.extract import extract_articles
    from claimscope.extract.nlp import load_nlp
    from claimscope.resolve import resolve_quietly

    # Resolve where the extraction is made, so the resolve stage uses both cores too.
    if nlp is None and n_process <= 1:
        nlp = load_nlp(model)
    # With worker processes the model loads in them; here only if an article must be retried
    # alone (extract_articles loads it then), so the two cores are not shared with a third load.
    return partial(extract_articles, then=resolve_quietly), nlp


def _ignore(_item: Article | Rejected) -> None:
    return None
