"""Resumable batch runs over large inputs: kill them at any moment, run them again, lose nothing.

Every input item a run finishes (stored or rejected) is journaled under the run's job name in
the same transaction as its rows (``pipeline.Journal``), so the store and the journal never
disagree. A restarted job skips what the journal holds and goes on where the last commit
ended; ids are deterministic, so an item that was being written when the run died is simply
written again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from claimscope.pipeline import Done, Progress, RunSummary, item_key, run_items
from claimscope.records import Article, Rejected
from claimscope.store import Store
from claimscope.store.schema import batch_journal

# Journal lookups per query when skipping finished items: one round trip per this many items.
_SKIP_CHUNK = 512


@dataclass(frozen=True, slots=True)
class BatchSummary:
    job: str
    run: RunSummary
    skipped: int  # items a previous run of the job had already finished


def job_name(paths: Sequence[str]) -> str:
    """The default job name: the same inputs (as absolute paths) make the same job."""
    joined = "\n".join(os.path.abspath(os.fspath(p)) if p != "-" else "-" for p in paths)
    return "batch-" + hashlib.sha256(joined.encode()).hexdigest()[:12]


def journal_for(job: str) -> Callable[[Connection, list[Done]], None]:
    """The pipeline journal that records finished items under ``job``."""

    def record(conn: Connection, done: list[Done]) -> None:
        now = datetime.now(UTC)
        rows = {d.key: {"job": job, "item_key": d.key, "article_id": d.article_id,
                        "outcome": d.outcome, "done_at": now} for d in done}
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        # An item can finish twice in one job (the same article twice in the input): the
        # first record stands.
        conn.execute(dialect.insert(batch_journal).on_conflict_do_nothing(), list(rows.values()))

    return record


def finished_keys(store: Store, job: str) -> set[str]:
    """Every item key the job has finished (the Ray engine hands them to its readers)."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(batch_journal.c.item_key).where(batch_journal.c.job == job))
        return {row.item_key for row in rows}


def forget_job(store: Store, job: str) -> int:
    """Drop a job's journal (``--restart``): its items will all be processed again."""
    with store.engine.begin() as conn:
        return conn.execute(delete(batch_journal).where(batch_journal.c.job == job)).rowcount


class SkipFinished:
    """The input without the items the job already finished; counts what it skipped."""

    def __init__(self, items: Iterable[Article | Rejected], store: Store, job: str,
                 on_skip: Callable[[Article | Rejected], None] | None = None) -> None:
        self._items = iter(items)
        self._store = store
        self._job = job
        self._on_skip = on_skip
        self.skipped = 0

    def __iter__(self) -> Iterator[Article | Rejected]:
        while chunk := list(islice(self._items, _SKIP_CHUNK)):
            done = self._finished({item_key(item) for item in chunk})
            for item in chunk:
                if item_key(item) in done:
                    self.skipped += 1
                    if self._on_skip is not None:
                        self._on_skip(item)
                else:
                    yield item

    def _finished(self, keys: set[str]) -> set[str]:
        with self._store.engine.connect() as conn:
            rows = conn.execute(select(batch_journal.c.item_key).where(
                batch_journal.c.job == self._job, batch_journal.c.item_key.in_(keys)))
            return {row.item_key for row in rows}


def run_batch(
    items: Iterable[Article | Rejected],
    *,
    store: Store,
    job: str,
    nlp: Any = None,
    model: str | None = None,
    n_process: int = 1,
    batch_size: int = 16,
    progress: Progress | None = None,
    on_skip: Callable[[Article | Rejected], None] | None = None,
) -> BatchSummary:
    """Process ``items`` as job ``job`` on this machine, skipping what the job already did."""
    remaining = SkipFinished(items, store, job, on_skip)
    summary = run_items(remaining, store=store, nlp=nlp, model=model, n_process=n_process,
                        batch_size=batch_size, progress=progress, journal=journal_for(job))
    return BatchSummary(job, summary, remaining.skipped)


# Input size from which worker processes pay off: each loads the model (a few seconds), which
# about 50 news articles (~250 KB) take to win back on two cores.
PARALLEL_FROM_BYTES = 256 * 1024


def auto_processes(paths: Sequence[str]) -> int:
    """One process per core for inputs big enough to repay starting them, else one."""
    from claimscope.ingest.reader import input_bytes

    big = input_bytes(paths, enough=PARALLEL_FROM_BYTES) >= PARALLEL_FROM_BYTES
    return cores() if big else 1


def cores() -> int:
    """The cores this process may use (its affinity, where the platform tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1
