#!/usr/bin/env python
"""Throughput: claimscope's whole job (one process, both cores, local Ray) against plain spaCy.

    .venv/bin/python bench/throughput.py [--data DIR] [--limit N] [--repeat N]
                                         [--n-process 2] [--rounds 2] [--ray/--no-ray]
                                         [--rss-docs 100] [--plain] [--profile]

Rows timed on the same documents in the same process (ratios side by side; absolute times on
a shared machine are noisy):

* **claimscope job, 1 process**: ``claimscope.pipeline.run`` over a temp folder of ``.txt``
  files (so ingest really reads and parses files), extract (spaCy parse + claim extraction)
  and store (into a fresh SQLite file per round), ``n_process=1``;
* **claimscope job, parallel**: the same with ``--n-process`` worker processes (default 2;
  with ``--n-process 1`` this is the one-process row);
* **claimscope job, Ray** (``--ray``, the default when ``import ray`` works):
  ``claimscope.batch_ray.run_ray`` on a local Ray with one CPU per core, into a fresh SQLite
  store, a fresh shards folder and a new job name per round. The first call starts Ray
  (``ray.init`` and the cluster) on the warm-up documents, untimed; each timed run still
  includes starting its extraction actors and loading the model in each, the real cost of a
  Ray batch job. ``ray.shutdown()`` at the end;
* **plain spaCy**: ``nlp.pipe(texts)`` with the same spaCy package as published (without
  claimscope's additions: paragraph boundaries and the attribution tagger), one process,
  spaCy's default batch size, on the raw file texts already in memory;
* **plain spaCy, 2 processes**: ``nlp.pipe(texts, n_process=2, batch_size=--batch-size)``
  (spaCy's default batch of 1000 would hand all documents to one worker).

The model is loaded and every side runs once on a few documents before any timing. Then the
sides are timed ``--rounds`` times, alternating, and the **best** (shortest) round of each
counts. Opening the store (migrations) is done before the clock starts; model loading is not
timed (except inside Ray's actors, see above). Throughput aim: ratio = claimscope docs/s
(parallel) / plain spaCy (1 process) docs/s >= 0.85 with both cores in use. The notes add what
the parallel rate means in capacity: documents per day, and the cores that keep up with
250,000 new articles a day.

Peak memory (``--rss-docs N``, default 100, 0 skips it): a JSONL corpus of N documents and
one of 10 N (the same documents cycled, each copy's text made distinct so the store keeps
every one) each go through ``claimscope batch FILE --db sqlite:///... --n-process`` in a child
process; the resident memory of its whole process tree (the child and its workers, summed, so
pages shared after a fork count once per process) is sampled every 0.05 s. ``rss_growth`` =
peak(10 N) / peak(N) - 1; aim: within 10 % (<= 0.10), memory that does not grow with the input.

The last stdout line is one JSON object: ``docs``, ``docs_per_s`` (the ``--n-process`` run,
as ``docs_per_s_parallel``), ``spacy_docs_per_s``, ``spacy2_docs_per_s``, ``ratio``
(parallel / spaCy 1 process), ``n_process``, ``docs_per_s_single``, ``docs_per_s_parallel``,
``docs_per_s_ray`` (null without Ray), ``rss_growth`` (null with ``--rss-docs 0``),
``docs_per_day`` and ``cores_for_250k_per_day`` (from the parallel rate).

``--profile`` adds a single-process breakdown of where claimscope's time goes (ingest, spaCy
parse, claim extraction, store writes) and cProfile's most expensive functions.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (
    DEFAULT_BENCHMARKS,
    REPO,
    print_final_json,
    print_notes,
    print_table,
)

DEFAULT_DATA = DEFAULT_BENCHMARKS / "polnear" / "data" / "dev" / "text"
FALLBACK_GLOBS = ("tests/golden/cases/*/article.txt", "src/claimscope/examples/*.txt")
DEFAULT_LIMIT = 200  # keeps the default run within a few minutes on two cores
FALLBACK_TARGET = 200  # documents the fallback corpus is repeated up to
AIM = 0.85
WARMUP_DOCS = 8
RSS_AIM = 0.10  # peak memory at 10x the documents: at most 10 % more
RSS_SAMPLE_S = 0.05
DAY_S = 86_400
ARTICLES_PER_DAY = 250_000
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Doc:
    name: str
    text: str


@dataclass(slots=True)
class Side:
    key: str  # single, parallel, ray, spacy, spacy2
    label: str
    processes: int
    run: Callable[[int], float] | None  # round number -> seconds (timed)
    seconds: list[float] = field(default_factory=list)
    summaries: list = field(default_factory=list)  # the pipeline's RunSummary per round

    @property
    def best(self) -> float:
        return min(self.seconds)


def spacy_package(name: str) -> Any:
    """The spaCy pipeline as its package ships it."""
    import importlib

    import spacy

    try:
        return importlib.import_module(name).load()
    except ImportError:
        return spacy.load(name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Documents per second of claimscope's ingest + extract + store, "
        "next to plain spaCy nlp.pipe with the same model on the same documents."
    )
    parser.add_argument(
        "--data", type=Path, default=None,
        help=f"folder of plain-text articles, *.txt, searched recursively (default: {DEFAULT_DATA} "
        "if present, else the repository's golden cases and examples)",
    )
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                        help=f"at most N documents, after --repeat (default {DEFAULT_LIMIT})")
    parser.add_argument("--repeat", type=int, default=None,
                        help="use the corpus N times over (default: 1, or enough to reach "
                        f"{FALLBACK_TARGET} documents for the small fallback corpus)")
    parser.add_argument("--n-process", type=int, default=2,
                        help="claimscope worker processes (default 2)")
    parser.add_argument("--batch-size", type=int, default=16,
                        help="claimscope batch size, also used by the 2-process spaCy row")
    parser.add_argument("--rounds", type=int, default=2,
                        help="timed rounds per side, alternating; the best counts (default 2)")
    parser.add_argument("--model", default=None, help="spaCy model (default: load_nlp()'s)")
    parser.add_argument("--tagger", choices=["cnn", "transformer", "none"], default=None,
                        help="attribution tagger in the claimscope job (default: "
                             "$CLAIMSCOPE_TAGGER, else cnn)")
    parser.add_argument("--ray", action=argparse.BooleanOptionalAction, default=None,
                        help="also time claimscope on a local Ray (default: on when "
                        "'import ray' works)")
    parser.add_argument("--rss-docs", type=int, default=100,
                        help="peak memory of 'claimscope batch' on N and 10 N documents "
                        "(default 100; 0 skips it)")
    parser.add_argument("--profile", action="store_true",
                        help="also break claimscope's time down by stage (1 process, cProfile)")
    parser.add_argument("--plain", action="store_true", help="plain-text table instead of Rich")
    return parser


# Documents


def load_docs(data: Path | None, repeat: int | None, limit: int | None) -> tuple[list[Doc], str]:
    """The documents and a one-line description of where they came from."""
    if data is None and DEFAULT_DATA.is_dir():
        data = DEFAULT_DATA
    if data is not None:
        if not data.is_dir():
            raise SystemExit(f"--data {data}: not a folder")
        files = sorted(p for p in data.rglob("*.txt") if not p.name.startswith("."))
        where = str(data)
        repeat = repeat or 1
    else:
        files = sorted(p for pattern in FALLBACK_GLOBS for p in REPO.glob(pattern))
        where = "repository golden cases + examples (PolNeAR dev absent)"
        repeat = repeat or max(1, math.ceil(FALLBACK_TARGET / max(len(files), 1)))
    base = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.strip():
            label = path.parent.name if path.name == "article.txt" else path.stem
            base.append(Doc(label, text))
    if not base:
        raise SystemExit(f"no non-empty .txt files under {data}")
    docs = [Doc(f"{copy:02d}_{d.name}", d.text) for copy in range(repeat) for d in base]
    if limit is not None:
        docs = docs[:limit]
    return docs, f"{where}: {len(base)} file(s) x{repeat}"


def write_docs(docs: Sequence[Doc], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index, doc in enumerate(docs):
        (folder / f"{index:05d}_{doc.name[:60]}.txt").write_text(doc.text, encoding="utf-8")


def word_count(docs: Sequence[Doc]) -> int:
    return sum(len(d.text.split()) for d in docs)


# The sides


def store_side(work: Path, summaries: list,
               execute: Callable[[Any, str], Any]) -> Callable[[int], float]:
    """A callable timing ``execute(store, tag)`` into a fresh SQLite store; summaries collect.

    ``tag`` is unique per call (store file, Ray job and shards folder names).
    """
    from claimscope.store import Store

    def one_round(number: int) -> float:
        tag = f"round{number}-{uuid.uuid4().hex[:8]}"
        store = Store.open(f"sqlite:///{work / f'{tag}.db'}")  # migrations: untimed
        try:
            gc.collect()
            started = time.perf_counter()
            summary = execute(store, tag)
            seconds = time.perf_counter() - started
        finally:
            store.close()
        summaries.append(summary)
        return seconds

    return one_round


def claimscope_side(folder: Path, work: Path, n_process: int, batch_size: int,
                    nlp: Any, model: str | None, summaries: list) -> Callable[[int], float]:
    """One ``pipeline.run`` over the files per round."""
    from claimscope.pipeline import run

    return store_side(work, summaries, lambda store, _tag: run(
        [str(folder)], store=store, nlp=nlp, n_process=n_process, batch_size=batch_size,
        model=model))


def ray_side(folder: Path, work: Path, num_cpus: int, batch_size: int, model: str | None,
             summaries: list) -> Callable[[int], float]:
    """One ``batch_ray.run_ray`` per round: a new job, a fresh shards folder and store."""
    from claimscope.batch_ray import run_ray

    return store_side(work, summaries, lambda store, tag: run_ray(
        [str(folder)], store=store, job=f"bench-{tag}", shards=work / f"{tag}-shards",
        model=model, batch_size=batch_size, num_cpus=num_cpus).run)


def spacy_side(texts: list[str], nlp: Any, n_process: int,
               batch_size: int | None) -> Callable[[int], float]:
    def one_round(_number: int) -> float:
        options = {} if n_process == 1 else {"n_process": n_process, "batch_size": batch_size}
        gc.collect()
        started = time.perf_counter()
        count = 0
        for _doc in nlp.pipe(texts, **options):
            count += 1
        seconds = time.perf_counter() - started
        assert count == len(texts), (count, len(texts))
        return seconds

    return one_round


def build_sides(folder: Path, texts: list[str], work: Path, args: argparse.Namespace,
                nlp: Any, plain_nlp: Any, ray_cpus: int | None) -> list[Side]:
    """Every side on these documents (the timed set, or the warm-up set)."""
    single = Side("single", "claimscope job", 1, None)
    single.run = claimscope_side(folder, work, 1, args.batch_size, nlp, args.model,
                                 single.summaries)
    sides = [single]
    if args.n_process > 1:
        parallel = Side("parallel", "claimscope job", args.n_process, None)
        parallel.run = claimscope_side(folder, work, args.n_process, args.batch_size, nlp,
                                       args.model, parallel.summaries)
        sides.append(parallel)
    if ray_cpus:
        ray = Side("ray", "claimscope job, Ray", ray_cpus, None)
        ray.run = ray_side(folder, work, ray_cpus, args.batch_size, args.model, ray.summaries)
        sides.append(ray)
    sides.append(Side("spacy", "spaCy nlp.pipe", 1, spacy_side(texts, plain_nlp, 1, None)))
    sides.append(Side("spacy2", "spaCy nlp.pipe", 2,
                      spacy_side(texts, plain_nlp, 2, args.batch_size)))
    return sides


def ray_missing() -> str | None:
    """None when ``import ray`` works, else why it does not."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # before the import: no usage report
    try:
        import ray  # noqa: F401
    except ImportError as exc:
        return f"Ray is not installed ({exc}); pip install 'claimscope[ray]'"
    return None


def ray_shutdown() -> None:
    import ray

    ray.shutdown()


# Peak memory of `claimscope batch` (a child process and its workers)


def write_rss_corpus(docs: Sequence[Doc], count: int, path: Path) -> None:
    """``count`` JSONL documents: the distinct texts cycled, each copy's text made distinct
    (the store keeps one article per text)."""
    texts = list(dict.fromkeys(d.text for d in docs))
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            copy, which = divmod(index, len(texts))
            out.write(json.dumps({"text": f"{texts[which].rstrip()}\n\n(copy {copy})"}) + "\n")


def tree_rss(process: Any) -> int:
    """Resident bytes of a process and all its descendants, summed (0 once it is gone)."""
    import psutil

    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass  # exited between the listing and the reading
    return total


def peak_rss(command: list[str], log: Path) -> tuple[int, float]:
    """Run ``command``; the peak of its process tree's summed RSS (bytes) and its seconds."""
    import psutil

    with log.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        watched = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            peak = max(peak, tree_rss(watched))
            time.sleep(RSS_SAMPLE_S)
        seconds = time.perf_counter() - started
    if child.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}:\n{tail}")
    return peak, seconds


@dataclass(frozen=True, slots=True)
class RssRun:
    docs: int
    peak: int  # bytes
    seconds: float


def measure_rss(docs: Sequence[Doc], small: int, work: Path, n_process: int,
                batch_size: int, model: str | None) -> list[RssRun]:
    """``claimscope batch`` on ``small`` and ``10 * small`` documents, each in a fresh store."""
    runs = []
    for count in (small, 10 * small):
        corpus = work / f"rss-{count}.jsonl"
        write_rss_corpus(docs, count, corpus)
        command = [sys.executable, "-m", "claimscope", "batch", str(corpus),
                   "--db", f"sqlite:///{work / f'rss-{count}.db'}",
                   "--n-process", str(n_process), "--batch-size", str(batch_size)]
        if model:
            command += ["--model", model]
        peak, seconds = peak_rss(command, work / f"rss-{count}.log")
        runs.append(RssRun(count, peak, seconds))
    return runs


# Profile (single process)


def profile_claimscope(folder: Path, work: Path, nlp: Any, batch_size: int,
                       model: str | None) -> list[str]:
    """Time per stage with wrappers, then cProfile's top functions; returns note lines."""
    import cProfile
    import pstats

    import claimscope.extract as extract_pkg
    from claimscope.ingest import read_items
    from claimscope.pipeline import run_items
    from claimscope.store import Store

    stage = {"ingest": 0.0, "spaCy parse (body)": 0.0, "spaCy parse (title/teasers)": 0.0,
             "claim extraction": 0.0, "store writes": 0.0}

    def timed_iter(iterable, key: str) -> Iterator:
        iterator = iter(iterable)
        while True:
            started = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                stage[key] += time.perf_counter() - started
                return
            stage[key] += time.perf_counter() - started
            yield item

    class TimedNlp:
        """The model, with pipe() (bodies) and __call__ (titles, teasers) timed."""

        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def pipe(self, texts, **options):
            return timed_iter(self._inner.pipe(texts, **options), "spaCy parse (body)")

        def __call__(self, text: str):
            started = time.perf_counter()
            try:
                return self._inner(text)
            finally:
                stage["spaCy parse (title/teasers)"] += time.perf_counter() - started

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

    original_extraction = extract_pkg._extraction
    original_write = Store.write_batch

    def timed_extraction(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_extraction(*args)
        finally:
            stage["claim extraction"] += time.perf_counter() - started

    def timed_write(self: Any, *args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return original_write(self, *args, **kwargs)
        finally:
            stage["store writes"] += time.perf_counter() - started

    extract_pkg._extraction = timed_extraction
    Store.write_batch = timed_write
    try:
        with Store.open(f"sqlite:///{work / 'profile-stages.db'}") as store:
            gc.collect()
            started = time.perf_counter()
            run_items(timed_iter(read_items([str(folder)]), "ingest"), store=store,
                      nlp=TimedNlp(nlp), n_process=1, batch_size=batch_size, model=model)
            total = time.perf_counter() - started
    finally:
        extract_pkg._extraction = original_extraction
        Store.write_batch = original_write

    lines = [f"profile (n_process=1, stage wrappers): total {total:.2f} s"]
    for key, seconds in sorted(stage.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {key:<30} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    rest = total - sum(stage.values())
    lines.append(f"  {'other (pipeline glue)':<30} {rest:7.2f} s  {100 * rest / total:5.1f} %")

    profiler = cProfile.Profile()
    with Store.open(f"sqlite:///{work / 'profile-cprofile.db'}") as store:
        profiler.enable()
        run_items(read_items([str(folder)]), store=store, nlp=nlp, n_process=1,
                  batch_size=batch_size, model=model)
        profiler.disable()
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]
    # Own times add up to the profiled run; a cumulative time can exceed that a little.
    profiled = max(sum(tt for (_cc, _nc, tt, _ct, _callers) in entries.values()),
                   max(ct for (_cc, _nc, _tt, ct, _callers) in entries.values()))
    lines.append(f"cProfile (n_process=1, profiler overhead included): {profiled:.2f} s "
                 "of own time; top functions by own time:")
    top = sorted(entries.items(), key=lambda kv: -kv[1][2])[:15]
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in top:
        where = _short_path(filename, line)
        lines.append(f"  {100 * own / profiled:5.1f} %  own {own:6.2f} s  cum {cumulative:6.2f} s"
                     f"  {calls:>8} calls  {name}  {where}")
    lines.append("  claimscope functions by cumulative time:")
    ours = [(key, value) for key, value in entries.items() if "claimscope/" in key[0]]
    for (filename, line, name), (_cc, calls, _own, cumulative, _callers) in sorted(
        ours, key=lambda kv: -kv[1][3]
    )[:12]:
        lines.append(f"  {100 * cumulative / profiled:5.1f} %  cum {cumulative:6.2f} s"
                     f"  {calls:>8} calls  {name}  {_short_path(filename, line)}")
    lines.append("  by package (own time; spaCy's Cython is profiled per Token, so inflated):")
    buckets: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, own, _ct, _callers) in entries.items():
        bucket = _bucket(filename, name)
        buckets[bucket] = buckets.get(bucket, 0.0) + own
    for bucket, own in sorted(buckets.items(), key=lambda kv: -kv[1]):
        lines.append(f"    {bucket:<34} {own:7.2f} s  {100 * own / profiled:5.1f} %")
    return lines


def _short_path(filename: str, line: int) -> str:
    if filename == "~":
        return "(builtin)"
    for marker in ("site-packages/", "src/"):
        if marker in filename:
            return f"{filename.split(marker, 1)[1]}:{line}"
    if filename.endswith((".pyx", ".pxd")):
        return f"{filename}:{line}"  # Cython: already relative ("spacy/tokens/doc.pyx")
    return f"{Path(filename).name}:{line}"


def _bucket(filename: str, name: str) -> str:
    path = filename.replace(os.sep, "/")
    if "claimscope/extract" in path:
        return "claimscope.extract (claims)"
    if "claimscope/ingest" in path:
        return "claimscope.ingest"
    if "claimscope/store" in path or "claimscope/records" in path:
        return "claimscope.store + records"
    if "claimscope/" in path:
        return "claimscope (other)"
    for package in ("spacy", "thinc", "numpy", "sqlalchemy", "langdetect", "dateutil", "tld"):
        if f"site-packages/{package}/" in path or path.startswith(f"{package}/"):
            return package
    if filename == "~":
        if "sqlite3" in name:
            return "sqlite3 (C)"
        if "numpy" in name or "thinc" in name or "spacy" in name:
            return "numpy/thinc/spacy (C)"
        return "builtins (C)"
    return "other Python"


# Main


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.rounds < 1 or args.n_process < 1 or args.rss_docs < 0:
        raise SystemExit("--rounds and --n-process must be at least 1, --rss-docs at least 0")
    load_before = os.getloadavg()
    docs, described = load_docs(args.data, args.repeat, args.limit)
    texts = [d.text for d in docs]
    words = word_count(docs)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    ray_note = ray_missing() if args.ray is not False else "--no-ray"
    if ray_note and args.ray:
        ray_note = f"--ray asked, but {ray_note}"
    ray_cpus = None if ray_note else cores

    from claimscope.extract.nlp import load_nlp, model_name, tagger_choice, use_tagger

    if args.tagger:
        use_tagger(args.tagger)  # before any load: worker processes inherit it

    # load_nlp(None) is the cache entry the pipeline and its forked workers use; loading it
    # here keeps model loading out of every timed run.
    load_started = time.perf_counter()
    nlp = load_nlp(args.model)
    load_seconds = time.perf_counter() - load_started
    # The baseline is the spaCy package as published, without claimscope's own additions
    # (paragraph boundaries, the attribution tagger) that load_nlp puts into its pipeline.
    plain_nlp = spacy_package(model_name(args.model))

    with tempfile.TemporaryDirectory(prefix="claimscope-throughput-") as tmp:
        work = Path(tmp)
        folder = work / "docs"
        write_docs(docs, folder)
        warm = work / "warm"
        write_docs(docs[:WARMUP_DOCS], warm)
        sides = build_sides(folder, texts, work, args, nlp, plain_nlp, ray_cpus)
        try:
            # Warm-up: every side once on a few documents (lazy imports, caches, first fork;
            # the first run_ray starts Ray, which later runs reuse).
            for side in build_sides(warm, texts[:WARMUP_DOCS], work, args, nlp, plain_nlp,
                                    ray_cpus):
                side.run(-1)
            for number in range(args.rounds):
                # Alternate the order each round so no side always runs first (or after a fork).
                order = sides if number % 2 == 0 else sides[::-1]
                for side in order:
                    side.seconds.append(side.run(number))
        finally:
            if ray_cpus:
                ray_shutdown()

        profile_lines = (
            profile_claimscope(folder, work, nlp, args.batch_size, args.model)
            if args.profile else []
        )
        rss_runs = (measure_rss(docs, args.rss_docs, work, args.n_process, args.batch_size,
                                args.model) if args.rss_docs else [])

    n = len(docs)
    by_key = {side.key: side for side in sides}
    single = by_key["single"]
    parallel = by_key.get("parallel", single)
    ray = by_key.get("ray")
    plain_rate = n / by_key["spacy"].best
    parallel_rate = n / parallel.best
    rows = []
    for side in sides:
        rate = n / side.best
        rows.append([side.label, side.processes, n, f"{words:,}", f"{side.best:.2f}", f"{rate:.2f}",
                     f"{words / side.best:,.0f}", f"{rate / plain_rate:.2f}"])
    print_table(
        f"Throughput, {n} documents, {words:,} words (best of {args.rounds} rounds)",
        ["System", "Proc.", "Docs", "Words", "Best s", "Docs/s", "Words/s", "x plain"],
        rows,
        plain=args.plain,
    )
    rss_growth = rss_runs[1].peak / rss_runs[0].peak - 1 if rss_runs else None
    if rss_runs:
        print_table(
            f"Peak memory, claimscope batch --n-process {args.n_process} "
            f"(process tree RSS, summed, sampled every {RSS_SAMPLE_S} s)",
            ["Corpus", "Docs", "Peak MiB", "Seconds", "Docs/s", "vs N"],
            [[f"{'N' if i == 0 else '10 N'} (JSONL)", r.docs, f"{r.peak / MIB:,.0f}",
              f"{r.seconds:.1f}", f"{r.docs / r.seconds:.2f}",
              f"{r.peak / rss_runs[0].peak - 1:+.1%}"] for i, r in enumerate(rss_runs)],
            plain=args.plain,
        )
    ratio = parallel_rate / plain_rate
    docs_per_day = round(parallel_rate * DAY_S)
    per_core = parallel_rate / args.n_process
    cores_needed = math.ceil(ARTICLES_PER_DAY / DAY_S / per_core)
    last = parallel.summaries[-1]
    load_after = os.getloadavg()
    notes = [
        (
            "claimscope job = ingest + extract + store: pipeline.run over the files into a "
            "fresh SQLite store; spaCy nlp.pipe = the same model on the raw texts in memory "
            "(1 process: default batch size; 2 processes: --batch-size)"
        ),
        f"documents: {described}; --limit {args.limit}",
        (
            f"model: {model_name(args.model)}, attribution tagger {tagger_choice()} "
            f"(load {load_seconds:.1f} s, untimed); "
            f"CPU cores available: {cores}"
        ),
        (
            "load average (1, 5, 15 min), this machine is shared: before "
            + ", ".join(f"{x:.2f}" for x in load_before) + "; after "
            + ", ".join(f"{x:.2f}" for x in load_after)
        ),
        "rounds (s): " + "; ".join(
            f"{s.label} x{s.processes}: " + ", ".join(f"{t:.2f}" for t in s.seconds)
            for s in sides),
        f"claimscope stored {last.articles} article(s), {last.claims} claim(s), "
        f"rejected {len(last.rejected)}"
        + (" (repeated copies share an article id: the store replaces them)"
           if len({d.text for d in docs}) < n else ""),
    ]
    if ray is not None:
        ray_last = ray.summaries[-1]
        notes.append(
            f"Ray: run_ray on a local Ray with {ray.processes} CPU(s); ray.init and cluster start "
            "happened in the untimed warm-up, but each timed run includes starting its "
            "extraction actors and loading the model in each (the real cost of a Ray batch "
            f"job); stored {ray_last.articles} article(s), {ray_last.claims} claim(s)"
        )
    else:
        notes.append(f"no Ray row: {ray_note}")
    notes += [
        (
            f"aim: claimscope job (n_process={args.n_process}) / spaCy (1 process) >= {AIM}, "
            f"using both cores: ratio {ratio:.2f} -> {'met' if ratio >= AIM else 'NOT met'}"
        ),
        (
            f"capacity at the parallel rate ({parallel_rate:.2f} docs/s with {args.n_process} "
            f"process(es), {per_core:.2f} per core, documents of {words / n:,.0f} words on "
            f"average): {docs_per_day:,} documents a day on this machine; "
            f"{ARTICLES_PER_DAY:,} new articles a day ({ARTICLES_PER_DAY / DAY_S:.2f}/s) need "
            f"{cores_needed} core(s)"
        ),
    ]
    if rss_runs:
        small, large = rss_runs
        notes.append(
            f"peak memory: {small.peak / MIB:,.0f} MiB for {small.docs} documents, "
            f"{large.peak / MIB:,.0f} MiB for {large.docs}: growth {rss_growth:+.1%} -> aim "
            f"(<= {RSS_AIM:.0%}) {'met' if rss_growth <= RSS_AIM else 'NOT met'} "
            "(each run includes its model loads; summed RSS counts pages shared after a fork "
            "once per process)"
        )
    else:
        notes.append("peak memory not measured (--rss-docs 0)")
    if last.rejected:
        codes = sorted({r.code for r in last.rejected})
        notes.append(f"note: {len(last.rejected)} document(s) rejected at ingest ({', '.join(codes)}) "
                     "were not parsed by claimscope but were by spaCy")
    print_notes(notes + profile_lines)
    print_final_json({
        "docs": n,
        "tagger": tagger_choice(),
        "docs_per_s": round(parallel_rate, 2),
        "spacy_docs_per_s": round(plain_rate, 2),
        "spacy2_docs_per_s": round(n / by_key["spacy2"].best, 2),
        "ratio": round(ratio, 3),
        "n_process": args.n_process,
        "docs_per_s_single": round(n / single.best, 2),
        "docs_per_s_parallel": round(parallel_rate, 2),
        "docs_per_s_ray": round(n / ray.best, 2) if ray is not None else None,
        "rss_growth": round(rss_growth, 4) if rss_growth is not None else None,
        "docs_per_day": docs_per_day,
        "cores_for_250k_per_day": cores_needed,
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
