"""Loading Parquet shards of extractions (the Ray engine's output) into the store, in input order.

Each shard row is one thing the pipeline would have written: an extraction, a rejection or a
journal entry (``done``), with its place in the input (``ordinal``, ``seq``). Rows are written
in that order, in transactions of ``per_write`` extractions with their journal
entries, so a load killed midway resumes like a local batch and the store ends the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
from rich.console import Console

from claimscope.batch import journal_for
from claimscope.pipeline import Done
from claimscope.records import Extraction, Rejected
from claimscope.store.plain import from_plain

EXTRACTIONS_PER_WRITE = 64  # the default; a batch run passes its own, as the local engine writes


@dataclass(frozen=True, slots=True)
class LoadSummary:
    articles: int
    claims: int
    rejected: tuple[Rejected, ...]


class ShardOrderError(ValueError):
    """Shards whose input ranges interleave: Ray did not keep the input order."""


def shard_files(folder: Path) -> list[Path]:
    """The shards in input order: each covers a range of ordinals, and ranges do not overlap."""
    ranges = []
    for path in sorted(folder.rglob("*.parquet")):
        column = pq.read_table(path, columns=["ordinal"]).column("ordinal")
        if len(column):
            bounds = pc.min_max(column)
            ranges.append((bounds["min"].as_py(), bounds["max"].as_py(), path))
    ranges.sort(key=lambda r: (r[0], r[1]))
    for (_, high, left), (low, _, right) in zip(ranges, ranges[1:]):
        if low < high:
            raise ShardOrderError(f"{left.name} and {right.name} interleave")
    return [path for _, _, path in ranges]


def shard_rows(folder: Path) -> Iterator[tuple[str, Any]]:
    """(kind, record) in input order; one shard in memory at a time."""
    for path in shard_files(folder):
        table = pq.read_table(path).sort_by([("ordinal", "ascending"), ("seq", "ascending")])
        for kind, payload in zip(table.column("kind").to_pylist(),
                                 table.column("payload").to_pylist()):
            yield kind, json.loads(payload)


def load_shards(folder: Path, *, store: Any, job: str, console: Console | None = None,
                per_write: int = EXTRACTIONS_PER_WRITE) -> LoadSummary:
    journal = journal_for(job)
    articles = claims = 0
    rejected: list[Rejected] = []
    extractions: list[Extraction] = []
    rejections: list[Rejected] = []
    done: list[Done] = []

    def flush() -> None:
        nonlocal articles, claims, extractions, rejections, done
        entries = done
        claims += store.bulk_write(extractions, rejections,
                                    also=(lambda conn: journal(conn, entries)) if entries else None)
        articles += len(extractions)
        extractions, rejections, done = [], [], []

    previous = None
    for kind, record in shard_rows(Path(folder)):
        # Cut between one pipeline write's rows and the next (after its run of journal
        # entries): an extraction always commits with its own journal entry.
        if previous == "done" and kind != "done" and len(extractions) >= per_write:
            flush()
        previous = kind
        if kind == "extraction":
            extractions.append(from_plain(Extraction, record))
        elif kind == "rejected":
            item = from_plain(Rejected, record)
            rejections.append(item)
            rejected.append(item)
        else:
            done.append(from_plain(Done, record))
    if extractions or rejections or done:
        flush()
    if console is not None:
        console.print(f"loaded {articles} articles from {folder}", highlight=False)
    return LoadSummary(articles, claims, tuple(rejected))
