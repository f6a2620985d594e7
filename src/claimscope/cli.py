"""The ``claimscope`` command: ingest articles, list and export claims and events, show an article.

User mistakes (a bad ``--db``, a missing model, an unknown article) end with one line on
stderr and exit status 2 (1 for "nothing found" and ``--strict``), never a traceback.
"""

from __future__ import annotations

import json
from datetime import datetime
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from claimscope import cli_render as render
from claimscope.errors import ClaimscopeError
from claimscope.records import (
    Article,
    Certainty,
    ClaimKind,
    FigureType,
    Rejected,
    SourceType,
    to_plain,
)
from claimscope.store import Store, StoreError

if TYPE_CHECKING:
    from claimscope.ingest.reader import InputMeter
    from claimscope.pipeline import RunSummary

app = typer.Typer(
    help="Turn war and conflict reporting into sourced claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would print whole articles
)

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="CLAIMSCOPE_DB",
        help="Database URL (sqlite:///file.db, postgresql+psycopg://...). "
        "Default: claimscope.db in the user data folder.",
        show_default=False,
    ),
]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Part of the source's name.")]
SourceTypeOpt = Annotated[SourceType | None, typer.Option("--source-type", case_sensitive=False)]
CertaintyOpt = Annotated[Certainty | None, typer.Option("--certainty", case_sensitive=False)]
FigureOpt = Annotated[
    FigureType | None,
    typer.Option("--figure", case_sensitive=False, help="Claims with a figure of this type."),
]
ArticleOpt = Annotated[str | None, typer.Option("--article", help="Article id or its start.")]
KindOpt = Annotated[ClaimKind | None, typer.Option("--kind", case_sensitive=False)]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="At most N claims.")]
TaggerOpt = Annotated[
    str | None,
    typer.Option("--tagger", help="Attribution tagger: cnn (default, fast), transformer (more "
                 "accurate, pip install 'claimscope\\[transformer]') or none (rules only). "
                 "Default: $CLAIMSCOPE_TAGGER, else cnn."),
]


def use_tagger(tagger: str | None) -> None:
    """Make ``--tagger`` the run's choice: set in the environment, worker processes (and a
    local Ray) see it too. A wrong name is one line, exit 2."""
    if tagger is None:
        return
    from claimscope.extract import nlp

    try:
        nlp.use_tagger(tagger)
    except OSError as exc:
        _fail(str(exc))


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"
    ACLED = "acled"
    UCDP = "ucdp"
    GEOJSON = "geojson"


class ExportWhat(StrEnum):
    CLAIMS = "claims"
    EVENTS = "events"


CLAIM_FORMATS = {ExportFormat.JSONL, ExportFormat.CSV, ExportFormat.PARQUET}


def _out() -> Console:
    return Console()


def _err() -> Console:
    return Console(stderr=True)


def _fail(message: str, code: int = 2) -> NoReturn:
    _err().print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the errors a user can cause into one line and exit 2."""
    try:
        yield
    except (StoreError, ClaimscopeError) as exc:
        _fail(str(exc))


@contextmanager
def _store(db: str | None) -> Iterator[Store]:
    with _user_errors(), Store.open(db) as store:
        yield store


def _filters(**filters: Any) -> dict[str, Any]:
    return {name: value for name, value in filters.items() if value is not None}


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help='Files or folders to read; "-" for stdin.')],
    db: Db = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 if any item was rejected.")] = False,
    n_process: Annotated[
        int, typer.Option("--n-process", min=0, help="Worker processes for extraction; 0: one "
                          "per core when the input is over 256 KB, else one.")
    ] = 0,
    model: Annotated[str | None, typer.Option(help="spaCy model package or path.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 16,
    tagger: TaggerOpt = None,
) -> None:
    """Read articles, extract their claims and store them (re-ingesting replaces)."""
    from claimscope.batch import auto_processes

    use_tagger(tagger)
    processes = n_process or auto_processes(paths)
    with _store(db) as store:
        summary = _ingest(paths, store, model=model, n_process=processes, batch_size=batch_size)
    _out().print(
        f"{summary.articles} articles, {summary.claims} claims, {len(summary.rejected)} rejected "
        f"in {summary.seconds:.1f} s ({summary.per_second:.1f} documents/s) -> {store.url}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if strict and summary.rejected:
        raise typer.Exit(1)


def _ingest(
    paths: list[str],
    store: Store,
    *,
    model: str | None,
    on_article: Callable[[Article], None] | None = None,
    **options: Any,
) -> RunSummary:
    """The pipeline under a progress bar; rejections printed as they come, one line each."""
    from claimscope.ingest.reader import read_items
    from claimscope.pipeline import run_items

    err = _err()
    nlp = _load_model(model, err, options.get("n_process", 1))
    with reporting(paths, err, "ingesting", on_article) as (meter, report):
        return run_items(read_items(paths, meter=meter), store=store, nlp=nlp, model=model,
                         progress=report, **options)


@contextmanager
def reporting(paths: list[str], err: Console, description: str,
              on_article: Callable[[Article], None] | None = None
              ) -> Iterator[tuple[InputMeter, Callable[[Article | Rejected], None]]]:
    """A progress bar over ``paths`` (bytes read: share done and time left; documents/s) and
    the pipeline's progress callback that drives it and prints each rejection as one line."""
    from claimscope.ingest.reader import InputMeter

    meter = InputMeter(paths)
    with render.ingest_progress(err) as progress, _user_errors():
        task = progress.add_task(description, total=meter.total or None, docs=0)
        count = 0

        def report(item: Article | Rejected) -> None:
            nonlocal count
            if isinstance(item, Rejected):
                line = render.rejection_line(item)
                progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
            elif on_article is not None:
                on_article(item)
            count += 1
            progress.update(task, completed=meter.position, docs=count)

        yield meter, report


def _load_model(model: str | None, err: Console, n_process: int = 1) -> Any:
    """The model for a run in this process; with worker processes (which load it themselves)
    only checked to exist, so a wrong name is still one line, not a worker's traceback."""
    from claimscope.extract.nlp import check_model, check_tagger, load_nlp

    with err.status("loading the language model"):
        try:
            if n_process > 1:
                check_model(model)
                check_tagger()
                return None
            return load_nlp(model)
        except (OSError, ImportError) as exc:
            _fail(f"cannot load the spaCy model {model or '(default)'}: {exc}")


@app.command()
def claims(
    db: Db = None,
    source: SourceOpt = None,
    source_type: SourceTypeOpt = None,
    certainty: CertaintyOpt = None,
    figure: FigureOpt = None,
    article: ArticleOpt = None,
    kind: KindOpt = None,
    limit: LimitOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Full records as JSON.")] = False,
) -> None:
    """List stored claims, filtered."""
    filters = _filters(
        source=source,
        source_type=source_type,
        certainty=certainty,
        figure=figure,
        article=article,
        kind=kind,
        limit=limit,
    )
    with _store(db) as store:
        found = store.claims(**filters)
    if as_json:
        typer.echo(json.dumps([to_plain(c) for c in found], ensure_ascii=False, indent=2))
    elif found:
        out = _out()
        out.print(render.claims_view(found, out.width))
    else:
        _err().print("no claims match", highlight=False)


@app.command()
def events(
    db: Db = None,
    code: Annotated[str | None, typer.Option("--type", help="Our code (troop_deployment) or an ACLED event / sub-event type.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Part of an actor's name.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO 3166-1 alpha-2 code of the place.")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Part of the place's name.")] = None,
    certainty: CertaintyOpt = None,
    article: ArticleOpt = None,
    since: Annotated[datetime | None, typer.Option("--since", formats=["%Y-%m-%d"])] = None,
    until: Annotated[datetime | None, typer.Option("--until", formats=["%Y-%m-%d"])] = None,
    limit: LimitOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Full records as JSON.")] = False,
) -> None:
    """List stored events (type, actors, place, time, figures, certainty), filtered."""
    from claimscope.cli_events import events_table

    filters = _event_filters(code, actor, country, place, certainty, article, since, until, limit)
    with _store(db) as store:
        found = store.events(**filters)
    if as_json:
        typer.echo(json.dumps([to_plain(e) for e in found], ensure_ascii=False, indent=2))
    elif found:
        _out().print(events_table(found))
    else:
        _err().print("no events match", highlight=False)


def _event_filters(code, actor, country, place, certainty, article, since, until, limit) -> dict[str, Any]:
    return _filters(code=code, actor=actor, country=country, place=place, certainty=certainty,
                    article=article, since=since.date() if since else None,
                    until=until.date() if until else None, limit=limit)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id, or its start.")],
    db: Db = None,
) -> None:
    """Show an article with its sources, cues and claims highlighted."""
    with _store(db) as store:
        extraction = store.article(article_id)
    if extraction is None:
        _fail(f"no article with id {article_id!r}", code=1)
    _out().print(render.article_view(extraction))


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False)],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default stdout.")
    ] = None,
    what: Annotated[ExportWhat, typer.Option("--what", case_sensitive=False)] = ExportWhat.CLAIMS,
    db: Db = None,
    source: SourceOpt = None,
    source_type: SourceTypeOpt = None,
    certainty: CertaintyOpt = None,
    figure: FigureOpt = None,
    article: ArticleOpt = None,
    kind: KindOpt = None,
    limit: LimitOpt = None,
    reviewed_only: Annotated[bool, typer.Option(
        "--reviewed-only", help="Only claims a reviewer accepted or corrected.")] = False,
) -> None:
    """Export claims (jsonl, csv, parquet) or, with --what events, events (acled, ucdp,
    geojson, parquet, jsonl, csv). --article and --limit apply to both. Claims go out with
    their reviewers' latest corrections applied and their review status."""
    if format is ExportFormat.PARQUET and output is None:
        _fail("parquet is binary: give --output FILE")
    if what is ExportWhat.EVENTS:
        if any(v is not None for v in (source, source_type, figure, kind)) or reviewed_only:
            _fail("--source, --source-type, --figure, --kind and --reviewed-only filter claims, "
                  "not events")
        _export_events(format, output, db,
                       _filters(article=article, certainty=certainty, limit=limit))
        return
    if format not in CLAIM_FORMATS:
        _fail(f"{format.value} is a format for events: add --what events")
    filters = _filters(
        source=source,
        source_type=source_type,
        certainty=certainty,
        figure=figure,
        article=article,
        kind=kind,
        limit=limit,
        reviewed=True if reviewed_only else None,
    )
    with _store(db) as store:
        count = _write_export(store, format, output, filters)
    if output is not None:
        _err().print(f"{count} claims -> {output}", markup=False, highlight=False)


def _export_events(format: ExportFormat, output: Path | None, db: str | None,
                   filters: dict[str, Any]) -> None:
    import sys

    from claimscope.store.event_export import write_events

    with _store(db) as store:
        rows = store.event_rows(**filters)
    try:
        count = write_events(rows, format.value, output if output is not None else sys.stdout)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")
    if output is not None:
        _err().print(f"{count} events -> {output}", markup=False, highlight=False)


def _write_export(
    store: Store, format: ExportFormat, output: Path | None, filters: dict[str, Any]
) -> int:
    from claimscope.store import claim_export

    entries = store.claim_entries(**filters)
    if format is ExportFormat.JSONL:
        _emit("".join(claim_export.jsonl_lines(entries)), output)
        return len(entries)
    frame = claim_export.frame(entries)
    if format is ExportFormat.CSV:
        _emit(frame.to_csv(index=False), output)
    else:
        frame.to_parquet(output, index=False)
    return len(frame)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


@app.command()
def rejected(db: Db = None) -> None:
    """List the items that could not be processed, with their coded reasons."""
    with _store(db) as store:
        rows = store.rejections()
    if rows:
        _out().print(render.rejections_table(rows))
    else:
        _err().print("no rejections", highlight=False)


@app.command()
def demo(db: Db = None) -> None:
    """Ingest the bundled example articles and print their claims.

    The examples (``claimscope/examples/*.txt``) are invented for this demo: their people,
    quotes and figures describe no real event.
    """
    examples = sorted((files("claimscope") / "examples").iterdir(), key=lambda e: e.name)
    with ExitStack() as stack, _store(db) as store:
        paths = [str(stack.enter_context(as_file(e))) for e in examples if e.name.endswith(".txt")]
        ids: list[str] = []
        summary = _ingest(paths, store, model=None, on_article=lambda a: ids.append(a.id))
        found = [claim for article_id in ids for claim in store.claims(article=article_id)]
    out = _out()
    out.print(render.claims_view(found, out.width))
    again = f"claimscope show {ids[0][:10] if ids else 'ID'}" + (f" --db {db}" if db else "")
    out.print(
        f"{summary.articles} example articles, {summary.claims} claims -> {store.url}; "
        f"next: {again}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


# Commands defined beside their renderings; imported last because they use the names above.
from claimscope import cli_corroborate  # noqa: E402,F401
from claimscope import cli_serve  # noqa: E402,F401
from claimscope import cli_batch  # noqa: E402,F401
from claimscope import cli_fetch  # noqa: E402,F401
