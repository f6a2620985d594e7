"""The cluster engine: the local pipeline's own stages run on Ray Data, results as Parquet shards.

Ray reads the input files (every node must see the paths: a shared or network file system),
extracts and resolves on one actor per CPU with exactly the code the local engine runs
(``pipeline.run_items`` against a collecting sink, so retries, E009 and E011 behave the same),
and writes what the store would receive as Parquet shards. The driver then loads the shards in
input order (``shard_load``), journaled like a local batch, so both engines leave the same
store and a killed run resumes.

Install with ``pip install 'claimscope[ray]'``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from claimscope.batch import BatchSummary, cores, finished_keys
from claimscope.errors import ClaimscopeError, Code
from claimscope.pipeline import BATCHES_PER_WRITE, Done, RunSummary, item_key, run_items
from claimscope.records import Article, Extraction, Rejected, to_plain
from claimscope.store import Store
from claimscope.store.plain import from_plain

# Items per input unit are numbered below this: ordinal = unit << 32 | position in the unit.
_UNIT_SHIFT = 32
# The object store of a Ray started here, in bytes: Ray's default takes 30% of the memory.
LOCAL_OBJECT_STORE = 512 * 1024 * 1024


def input_units(paths: Sequence[str]) -> list[str]:
    """The files a Ray run reads, in the order the local engine reads them."""
    from claimscope.ingest.reader import _walk

    units: list[str] = []
    for raw in map(os.fspath, paths):
        if raw == "-":
            raise ClaimscopeError(Code.UNSUPPORTED, "standard input with --engine ray")
        path = Path(raw)
        # A missing path stays a unit: its reader yields the E008 rejection, as locally.
        units.extend(map(str, _walk(path)) if path.is_dir() else [str(path)])
    return units


def run_ray(
    paths: Sequence[str],
    *,
    store: Store,
    job: str,
    address: str | None = None,
    shards: Path | None = None,
    model: str | None = None,
    batch_size: int = 16,
    num_cpus: int | None = None,
    console: Console | None = None,
) -> BatchSummary:
    """Extract on Ray, write shards under ``shards`` (a temporary folder by default), load them."""
    from claimscope.store.shards import load_shards

    started = time.perf_counter()
    ray = _ray(address, num_cpus)
    finished = finished_keys(store, job)
    done_ref = ray.put(frozenset(finished)) if finished else None
    units = input_units(paths)
    folder = Path(shards) if shards else Path(tempfile.mkdtemp(prefix="claimscope-shards-"))
    # Each run writes its own subfolder: shards of a killed run are never mixed in.
    out = folder / f"{job}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    actors = max(1, int(ray.cluster_resources().get("CPU", 1)))
    dataset = (
        ray.data.from_items([{"unit": i, "path": p} for i, p in enumerate(units)])
        # Reading is light next to parsing: it must not wait for a CPU the actors hold.
        .flat_map(_ReadUnit, fn_constructor_kwargs={"done_ref": done_ref}, num_cpus=0,
                  compute=ray.data.ActorPoolStrategy(size=1))
        .map_batches(_Extract, fn_constructor_kwargs={"model": model, "batch_size": batch_size},
                     # One extractor batch per call: small calls keep the actors evenly busy.
                     batch_size=batch_size, batch_format="pandas", num_cpus=1,
                     compute=ray.data.ActorPoolStrategy(size=actors))
    )
    if console is not None:
        console.print(f"ray: {actors} extraction actors; shards -> {out}", highlight=False)
    # Writing a shard is light: it must not wait for a CPU the extraction actors hold.
    dataset.write_parquet(str(out), ray_remote_args={"num_cpus": 0})
    loaded = load_shards(out, store=store, job=job, console=console,
                         per_write=batch_size * BATCHES_PER_WRITE)
    if shards is None:  # a folder of our own: the store now holds everything in it
        shutil.rmtree(folder, ignore_errors=True)
    seconds = time.perf_counter() - started
    run = RunSummary(loaded.articles, loaded.claims, loaded.rejected, seconds)
    return BatchSummary(job, run, len(finished))


def _ray(address: str | None, num_cpus: int | None) -> Any:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # Ray Data logs every execution plan at INFO; our own lines say what runs.
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "WARNING")
    try:
        import ray
    except ImportError as exc:
        raise ClaimscopeError(Code.UNSUPPORTED, "the ray engine needs "
                              "pip install 'claimscope[ray]'") from exc
    if not ray.is_initialized():
        quiet = {"log_to_driver": False, "logging_level": logging.WARNING}
        if address:
            # a cluster's workers do not inherit this shell: hand them the run's model choices
            passed = {k: os.environ[k] for k in ("CLAIMSCOPE_MODEL", "CLAIMSCOPE_TAGGER") if k in os.environ}
            ray.init(address=address, runtime_env={"env_vars": passed} if passed else None, **quiet)
        else:
            ray.init(num_cpus=num_cpus or cores(), object_store_memory=LOCAL_OBJECT_STORE,
                     include_dashboard=False, **quiet)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # shards in input order, as locally
    context.enable_progress_bars = False
    return ray


class _ReadUnit:
    """One input file -> its items as rows; items the job already finished are left out."""

    def __init__(self, done_ref: Any = None) -> None:
        import ray

        self.done = ray.get(done_ref) if done_ref is not None else frozenset()

    def __call__(self, row: dict[str, Any]) -> Iterator[dict[str, Any]]:
        from claimscope.ingest.reader import read_items

        base = int(row["unit"]) << _UNIT_SHIFT
        for position, item in enumerate(read_items([row["path"]])):
            if item_key(item) in self.done:
                continue
            kind = "article" if isinstance(item, Article) else "rejected"
            yield {"ordinal": base + position, "kind": kind, "payload": json.dumps(to_plain(item))}


class _Sink:
    """Stands in for the store inside an actor: keeps what the pipeline would write."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, Any]] = []

    def write_batch(self, extractions: list[Extraction], rejected: list[Rejected],
                    also: Any = None) -> int:
        self.rows.extend(("extraction", to_plain(e)) for e in extractions)
        self.rows.extend(("rejected", to_plain(r)) for r in rejected)
        if also is not None:
            also(None)
        return sum(len(e.claims) for e in extractions)

    def journal(self, _conn: Any, done: list[Done]) -> None:
        self.rows.extend(("done", to_plain(d)) for d in done)


class _Extract:
    """An actor: the model loaded once, each batch run through the local pipeline."""

    def __init__(self, model: str | None, batch_size: int) -> None:
        from claimscope.extract.nlp import load_nlp

        self.model = model
        self.batch_size = batch_size
        self.nlp = load_nlp(model)

    def __call__(self, batch: Any) -> Any:
        import pandas as pd

        items = [from_plain(Article if kind == "article" else Rejected, json.loads(payload))
                 for kind, payload in zip(batch["kind"], batch["payload"])]
        sink = _Sink()
        run_items(items, store=sink, nlp=self.nlp, model=self.model, n_process=1,  # type: ignore[arg-type]
                  batch_size=self.batch_size, journal=sink.journal)
        first = int(batch["ordinal"].iloc[0]) if len(batch) else 0
        return pd.DataFrame({
            "ordinal": [first] * len(sink.rows),  # the batch's place in the input
            "seq": list(range(len(sink.rows))),  # the row's place in the batch's output
            "kind": [kind for kind, _ in sink.rows],
            "payload": [json.dumps(plain) for _, plain in sink.rows],
        })
