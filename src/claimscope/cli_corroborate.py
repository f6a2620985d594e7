"""``claimscope stories``, ``trace`` and ``ledger``: the record across articles.

Registered on the main ``app`` when ``claimscope.cli`` is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from claimscope.cli import Db, _err, _fail, _out, _store, app
from claimscope.cli_render import shorten
from claimscope.corroborate.views import Group, Ledger, Upgrade, row_flags
from claimscope.records import FigureType


@app.command()
def stories(
    db: Db = None,
    min_articles: Annotated[int, typer.Option("--min-articles", min=1, help="Only stories told by at least N articles.")] = 1,
) -> None:
    """Events grouped across articles, with counts of articles, outlets and independent roots."""
    with _store(db) as store:
        found = store.stories(min_articles=min_articles)
        roots = {story.id: store.story_roots(story) for story in found}
    if not found:
        _err().print("no stories", highlight=False)
        return
    table = Table(box=box.SIMPLE_HEAD, expand=True)
    for name in ("story", "type", "country", "when", "articles", "outlets", "roots"):
        table.add_column(name)
    for story in found:
        when = "date unknown" if story.date_start is None else (
            f"{story.date_start}" + (f" to {story.date_end}" if story.date_end != story.date_start else ""))
        table.add_row(Text(story.id[:22]), Text(story.sub_event_type), Text(story.country),
                      Text(when), str(story.articles), str(story.outlets), str(len(roots[story.id])))
    _out().print(table)


@app.command()
def trace(
    claim_id: Annotated[str, typer.Argument(help="A claim id (from `claimscope claims --json`).")],
    db: Db = None,
) -> None:
    """The provenance tree of a claim's figure: who cites whom, back to each root source."""
    with _store(db) as store:
        found = store.group_of(claim_id)
    if found is None:
        _fail(f"claim {claim_id!r} has no figure in any group (is it stored, with a figure?)", code=1)
    _out().print(provenance_tree(found))


def provenance_tree(found: Group) -> Tree:
    quantity = found.quantity
    flag = "  CIRCULAR: many outlets, one root" if found.circular else ""
    tree = Tree(Text(f"{quantity.figure_type.value} (people: {quantity.who}, place: {quantity.where}) — "
                     f"{found.independent_roots} independent root(s), {len(found.outlets)} outlet(s){flag}",
                     style="bold"))
    for root in found.roots:
        branch = tree.add(Text(f"{root.name} [{root.type.value}] — repeated by {len(root.outlets)} outlet(s)"))
        mine = [m for m in found.members if m.root_key == root.key]
        headlines = sum(1 for m in mine if m.origin != "body")
        if headlines:
            branch.add(Text(f"(and {headlines} headline(s) repeating it)", style="dim"))
        for member in (m for m in mine if m.origin == "body"):
            value = member.best if member.best is not None else member.low
            path = " ← ".join(reversed(member.path))
            copy = "" if member.canonical_article == member.article_id else " (copy)"
            branch.add(Text(f"{path}: {value} ({member.certainty.value}, "
                            f"{member.published.date() if member.published else 'undated'}){copy} — "
                            f"{shorten(member.content, 70)}"))
    return tree


@app.command()
def ledger(
    figure: Annotated[FigureType, typer.Option("--figure", case_sensitive=False)],
    actor: Annotated[str | None, typer.Option("--actor", help="Whose people are counted: a country or actor name (\"North Korea\", \"KP\").")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Also draw figures by source over time to this PNG.")] = None,
    db: Db = None,
) -> None:
    """Every claimant's figure for one quantity, side by side: source, date, period, certainty;
    contradictions marked; a derived low / best / high that says how it was derived."""
    who = _country(actor) if actor else None
    if actor and who is None:
        _fail(f"cannot tell which country {actor!r} is")
    with _store(db) as store:
        found, upgrades = store.ledger(figure.value, who)
    if not found.rows:
        _err().print("no figures for that quantity", highlight=False)
        return
    _out().print(ledger_table(found, upgrades))
    if plot is not None:
        from claimscope.corroborate.chart import draw_ledger

        draw_ledger(found, plot, title=f"{figure.value}" + (f" — {actor}" if actor else ""))
        _err().print(f"chart -> {plot}", markup=False, highlight=False)


def _country(actor: str) -> str | None:
    from claimscope.records import Actor
    from claimscope.resolve.actors import ActorTable
    from claimscope.resolve.places import country_code

    if len(actor) == 2 and actor.isalpha():
        return actor.upper()
    return country_code(actor) or ActorTable.default().resolve(Actor(actor, None)).country


def ledger_table(found: Ledger, upgrades: list[Upgrade]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, caption=Text(
        f"derived: low {found.low}, best {found.best}, high {found.high if found.high is not None else 'open'}"
        f" — {found.derivation}"))
    for name in ("claimed", "source", "first in", "outlets", "period", "low", "best", "high",
                 "certainty", "flags"):
        table.add_column(name)
    for row in found.rows:
        m = row.member
        period = "unknown" if m.period_start is None else (
            f"{m.period_start}" + (f" to {m.period_end}" if m.period_end != m.period_start else ""))
        flags = row_flags(found, row, upgrades)
        table.add_row(Text(str(m.published.date()) if m.published else "?"), Text(m.root_name),
                      Text(m.outlet), str(len(row.outlets)), Text(period),
                      *(Text("" if v is None else f"{v:,}") for v in (m.low, m.best, m.high)),
                      Text(m.certainty.value), Text(", ".join(flags), style="bold red" if row.contradicted_by else ""))
    return table
