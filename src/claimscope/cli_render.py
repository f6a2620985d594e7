"""Rich renderings for the CLI: claims table, highlighted article, rejections, progress.

User text always goes in as ``Text`` (never as markup), so brackets in an article cannot
restyle or break the output.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from claimscope.records import (
    Article,
    Claim,
    Extraction,
    Figure,
    Rejected,
    TextSpan,
    TimeExpr,
)
from claimscope.store import RejectionRecord

STYLES = {"source": "bold magenta", "cue": "bold yellow", "content": "underline cyan"}
CONTENT_WIDTH = 90  # characters of a claim's content shown in the table
WIDE = 110  # console columns from which the claims table fits without folding every cell


def figure_text(figure: Figure) -> str:
    """``killed: 8``, ``killed: ~300``, ``arrested: several (3/5/9)``, ``deserted: some``."""
    return f"{figure.type.value}: {_figure_value(figure)}"


def _figure_value(figure: Figure) -> str:
    low, best, high = figure.low, figure.best, figure.high
    if low is None and best is None and high is None:
        return figure.qualifier or "unspecified"
    if figure.qualifier:  # a vague word mapped to a range: show both, the word first
        return f"{figure.qualifier} ({'/'.join(_number(n) for n in (low, best, high))})"
    mark = "~" if figure.approx else ""
    if low == best == high:
        text = f"{mark}{best:,}"
    elif high is None:
        text = f"at least {mark}{low if low is not None else best:,}"
    elif low is None:
        text = f"up to {mark}{high:,}"
    else:
        text = f"{mark}{low:,}-{high:,}"
    return text + (" (derived)" if figure.derived else "")


def _number(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def shorten(text: str, width: int = CONTENT_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def claims_view(claims: Iterable[Claim], width: int) -> Table:
    """The claims table, or on a narrow console (< ``WIDE`` columns) two lines per claim."""
    return claims_table(claims) if width >= WIDE else claims_compact(claims)


def claims_table(claims: Iterable[Claim]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
    table.add_column("article", no_wrap=True)
    table.add_column("source (type)", min_width=12)
    table.add_column("cue", min_width=6)
    table.add_column("certainty", no_wrap=True)
    table.add_column("figures", min_width=10)
    table.add_column("content", min_width=30)
    for claim in claims:
        table.add_row(
            Text(claim.article_id[:8]),
            Text(f"{claim.source.name} ({claim.source.type.value})"),
            Text(claim.cue.text if claim.cue else "-"),
            Text(claim.certainty.value),
            Text("\n".join(figure_text(f) for f in claim.figures) or "-"),
            Text(shorten(claim.content.text)),
        )
    return table


def claims_compact(claims: Iterable[Claim]) -> Table:
    # Six columns cannot share 80 characters readably; one line of attribution and one of
    # content can.
    table = Table.grid(padding=(0, 2))
    table.add_column("article", no_wrap=True, style="dim")
    table.add_column("claim")
    for claim in claims:
        facts = [claim.cue.text if claim.cue else "-", claim.certainty.value]
        facts += [figure_text(f) for f in claim.figures]
        attribution = Text.assemble(
            (f"{claim.source.name} ({claim.source.type.value})", "bold"), " · " + " · ".join(facts)
        )
        table.add_row(Text(claim.article_id[:8]), attribution)
        table.add_row(Text(""), Text(shorten(claim.content.text)))
    return table


def article_view(extraction: Extraction) -> Group:
    """Metadata, the highlighted headline and text, then every claim in detail."""
    article = extraction.article
    legend = Text.assemble("highlights: ", *_legend())
    return Group(
        _metadata(article),
        Text(),
        legend,
        Text(),
        highlighted(article.title or "", extraction.claims, "title", base="bold"),
        Text(),
        highlighted(article.text, extraction.claims, "text"),
        Text(),
        Text(f"{len(extraction.claims)} claims", style="bold"),
        *(_claim_detail(i, claim) for i, claim in enumerate(extraction.claims, 1)),
    )


def highlighted(text: str, claims: Iterable[Claim], field: str, base: str = "") -> Text:
    """``text`` with every claim's content, then source and cue, styled where they fall."""
    claims = list(claims)
    rendered = Text(text, style=base)
    # Content first, so the source and cue inside it stay visible on top.
    for role in ("content", "source", "cue"):
        for claim in claims:
            span = _role_span(claim, role)
            if span is not None and span.field == field:
                rendered.stylize(STYLES[role], span.start, span.end)
    return rendered


def _role_span(claim: Claim, role: str) -> TextSpan | None:
    return {"content": claim.content, "source": claim.source.span, "cue": claim.cue}[role]


def _legend() -> list[Text]:
    return [Text(f"{role} ", style=style) for role, style in STYLES.items()]


def _metadata(article: Article) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    published = article.published.isoformat() if article.published else article.published_text
    fields = {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "published": published,
        "url": article.url,
        "file": article.origin_path,
    }
    for name, value in fields.items():
        if value:
            grid.add_row(name, Text(str(value)))
    return grid


def _claim_detail(number: int, claim: Claim) -> Group:
    source = claim.source
    header = Text.assemble(
        f"{number}. ",
        (source.name, STYLES["source"]),
        f" ({source.type.value}) ",
        ((claim.cue.text if claim.cue else "-"), STYLES["cue"]),
        f"  [{claim.certainty.value}, {claim.kind.value}, {claim.origin.value}]",
    )
    body = Text(claim.content.text, style=STYLES["content"])
    for label, value in _claim_facts(claim):
        body.append(f"\n{label}: {value}", style="")
    # Padding keeps wrapped lines under the claim rather than back at the margin.
    return Group(Text(), header, Padding(body, (0, 0, 0, 3), expand=False))


def _claim_facts(claim: Claim) -> list[tuple[str, str]]:
    facts = [
        ("figures", "; ".join(figure_text(f) for f in claim.figures)),
        ("chain", " -> ".join(f"{link.name} ({link.role})" for link in claim.chain)),
        ("channel", claim.channel or ""),
        ("times", "; ".join(_time_text(t) for t in claim.times)),
        ("description", claim.source.description or ""),
        ("restates", claim.restates or ""),
    ]
    return [(label, value) for label, value in facts if value]


def _time_text(time: TimeExpr) -> str:
    dates = " to ".join(str(d) for d in (time.start, time.end) if d) or "undated"
    note = f"; {time.note}" if time.note else ""
    return f'"{time.span.text}" = {dates} ({time.precision.value}{note})'


def rejection_line(rejected: Rejected) -> str:
    return f"rejected [{rejected.code}] {rejected.item}: {rejected.reason}"


def rejections_table(rows: Iterable[RejectionRecord]) -> Table:
    table = Table(header_style="bold")
    for name in ("code", "item", "stage", "reason", "count", "last seen"):
        table.add_column(name, overflow="fold")
    for row in rows:
        last_seen = row.last_seen.strftime("%Y-%m-%d %H:%M")
        cells = (row.code, row.item, row.stage, row.reason, str(row.count), last_seen)
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _documents(task: Task) -> float:
    # A task over input bytes counts documents in its "docs" field; others in ``completed``.
    return task.fields.get("docs", task.completed)


class DocumentsColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{_documents(task):.0f} documents")


class RateColumn(ProgressColumn):
    """Documents per second over the run so far."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        speed = _documents(task) / elapsed if elapsed else 0.0
        return Text(f"{speed:.1f} documents/s", style="progress.data.speed")


def ingest_progress(console: Console) -> Progress:
    """Documents done, documents/s and time elapsed; where the input's size is known (a task
    with a total, in bytes read), also a bar, the share done and the time left."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        TaskProgressColumn(),
        DocumentsColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
