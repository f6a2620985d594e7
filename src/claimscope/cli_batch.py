"""``claimscope batch``: big inputs on every core (or a Ray cluster), resumable after a crash."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from claimscope import batch
from claimscope.cli import (
    Db,
    TaggerOpt,
    _err,
    _load_model,
    _out,
    _store,
    _user_errors,
    app,
    reporting,
    use_tagger,
)


class Engine(StrEnum):
    LOCAL = "local"
    RAY = "ray"


@app.command("batch")
def batch_command(
    paths: Annotated[list[str], typer.Argument(help="Files or folders: HTML, text, JSONL(.gz/.zst), "
                                               "WARC(.gz), Parquet.")],
    db: Db = None,
    engine: Annotated[Engine, typer.Option(case_sensitive=False, help="local: this machine's "
                                           "cores; ray: Ray Data (pip install 'claimscope\\[ray]').")]
    = Engine.LOCAL,
    job: Annotated[str | None, typer.Option(help="Job name; the default derives from the inputs. "
                                            "Running a job again resumes it.")] = None,
    restart: Annotated[bool, typer.Option(help="Forget what the job already did; do it all again."
                                          )] = False,
    n_process: Annotated[int, typer.Option("--n-process", min=0, help="Worker processes "
                                           "(local engine); 0: one per core.")] = 0,
    address: Annotated[str | None, typer.Option(help="Ray cluster address (ray engine); "
                                                "default: start a local Ray.")] = None,
    shards: Annotated[Path | None, typer.Option(help="Folder for the Parquet shards (ray engine)."
                                                )] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model package or path.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 16,
    strict: Annotated[bool, typer.Option(help="Exit 1 if any item was rejected.")] = False,
    tagger: TaggerOpt = None,
) -> None:
    """Process a large input resumably: a killed run, started again, goes on where it stopped."""
    from claimscope.ingest.reader import read_items

    use_tagger(tagger)
    name = job or batch.job_name(paths)
    err = _err()
    with _store(db) as store:
        if restart:
            batch.forget_job(store, name)
        if engine is Engine.RAY:
            from claimscope import batch_ray

            with _user_errors():
                summary = batch_ray.run_ray(paths, store=store, job=name, address=address,
                                            shards=shards, model=model, batch_size=batch_size,
                                            console=err)
        else:
            processes = n_process or batch.cores()
            nlp = _load_model(model, err, processes)
            with reporting(paths, err, f"batch {name}") as (meter, report):
                summary = batch.run_batch(read_items(paths, meter=meter), store=store, job=name,
                                          nlp=nlp, model=model, n_process=processes,
                                          batch_size=batch_size, progress=report)
    run = summary.run
    _out().print(
        f"job {summary.job}: {run.articles} articles, {run.claims} claims, "
        f"{len(run.rejected)} rejected, {summary.skipped} already done, in {run.seconds:.1f} s "
        f"({run.per_second:.1f} documents/s) -> {store.url}",
        markup=False, highlight=False, soft_wrap=True,
    )
    if strict and run.rejected:
        raise typer.Exit(1)


