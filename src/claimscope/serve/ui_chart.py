"""The ledger chart as SVG geometry, drawn server-side: each source's figures over time.

Like ``corroborate/chart.py`` (the CLI's PNG): every figure sits over the period it covers (a
horizontal bar from start to end; a figure with no stated period sits on the day it was
claimed), its low-high range is a vertical bar, contradicted figures are ringed in red and
marked ``≠``, and the derived best is a dashed line. Only numbers and labels leave here; the
template writes the SVG, so every label is escaped by Jinja.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from claimscope.corroborate.views import Ledger

WIDTH, HEIGHT = 900, 380
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 48
# Okabe-Ito and friends: distinct for most colour vision, one per source.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#555555",
           "#f0e442", "#882255", "#44aa99", "#999933", "#aa4499"]


@dataclass(frozen=True, slots=True)
class Mark:
    source: str
    colour: str
    x: float
    y: float
    x_start: float
    x_end: float
    y_low: float
    y_high: float
    open_high: bool  # "at least N": the range goes off the top
    contradicted: bool
    label: str  # tooltip


@dataclass(frozen=True, slots=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    right: float  # x of the plot's right edge
    bottom: float  # y of the plot's bottom edge
    marks: tuple[Mark, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    best_y: float | None
    best_label: str
    legend: tuple[tuple[str, str], ...]  # (source, colour)
    log: bool
    y_label: str
    undated: int  # figures left out: no period and no publication date

    def colour_of(self, source: str) -> str:
        return dict(self.legend).get(source, PALETTE[0])


def ledger_chart(found: Ledger) -> Chart | None:
    """The chart of a ledger, or None when no figure has both a value and a date."""
    rows = []
    undated = 0
    for row in found.rows:
        member = row.member
        value = member.best if member.best is not None else member.low
        start = member.period_start or (member.published.date() if member.published else None)
        if value is None:
            continue
        if start is None:
            undated += 1
            continue
        end = member.period_end or start
        rows.append((row, member, value, start, max(start, end)))
    if not rows:
        return None
    sources = list(dict.fromkeys(member.root_name for _, member, *_ in rows))
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sources)}
    first = min(start for *_, start, _ in rows)
    last = max(end for *_, end in rows)
    if (last - first).days < 6:  # a week at least, centred on what there is
        pad = (6 - (last - first).days + 1) // 2
        first, last = first - timedelta(days=pad), last + timedelta(days=pad)
    pad = max(1, (last - first).days // 20)
    first, last = first - timedelta(days=pad), last + timedelta(days=pad)
    values = [v for _, m, v, *_ in rows] + [m.low for _, m, *_ in rows if m.low is not None] + \
             [m.high for _, m, *_ in rows if m.high is not None]
    if found.best is not None:
        values.append(found.best)
    top_value = max(values)
    low_value = min(v for v in values if v > 0) if any(v > 0 for v in values) else 1
    log = top_value / max(low_value, 1) >= 100  # a linear axis would squash the small figures
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x_of(day: date) -> float:
        return round(LEFT + (day - first).days / max(1, (last - first).days) * (right - LEFT), 2)

    if log:
        y_min, y_max = 0.0, math.log10(top_value * 1.5)

        def y_of(value: float) -> float:
            scaled = math.log10(max(value, 1))
            return round(bottom - (scaled - y_min) / (y_max - y_min) * (bottom - TOP), 2)

        y_ticks = tuple(Tick(y_of(10 ** k), f"{10 ** k:,}") for k in range(0, int(y_max) + 1))
    else:
        step = _nice_step(top_value * 1.1 / 5)
        y_max = step * math.ceil(top_value * 1.1 / step) if top_value > 0 else 1

        def y_of(value: float) -> float:
            return round(bottom - value / y_max * (bottom - TOP), 2)

        y_ticks = tuple(Tick(y_of(k * step), f"{int(k * step):,}") for k in range(0, int(y_max / step) + 1))
    marks = []
    for row, member, value, start, end in rows:
        middle = start + (end - start) / 2
        low = member.low if member.low is not None else value
        high = member.high if member.high is not None else value
        period = start.isoformat() + (f" to {end.isoformat()}" if end != start else "")
        figure = (f"{low:,}-{high:,}" if low != high else f"{value:,}") + \
                 (" (at least)" if member.high is None and member.low is not None else "")
        label = (f"{member.root_name}: {figure} {found.figure_type.value}, {period} — "
                 f"{member.certainty.value}, first in {member.outlet}"
                 + (f", repeated by {len(row.outlets)} outlets" if len(row.outlets) > 1 else "")
                 + (" — contradicted" if row.contradicted_by else ""))
        marks.append(Mark(member.root_name, colours[member.root_name], x_of(middle), y_of(value),
                          x_of(start), x_of(end), y_of(low), y_of(high),
                          member.high is None and member.low is not None, bool(row.contradicted_by),
                          label))
    return Chart(WIDTH, HEIGHT, LEFT, TOP, right, bottom, tuple(marks), _date_ticks(first, last, x_of),
                 y_ticks, y_of(found.best) if found.best is not None else None,
                 f"derived best {found.best:,}" if found.best is not None else "",
                 tuple(colours.items()), log, found.figure_type.value, undated)


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return max(1, factor * power)
    return max(1, 10 * power)


def _date_ticks(first: date, last: date, x_of) -> tuple[Tick, ...]:
    days = (last - first).days
    step = next((s for s in (1, 2, 7, 14, 30, 61, 91, 182, 365) if days / s <= 8), 730)
    ticks = []
    day = first + timedelta(days=1)
    while day < last:
        ticks.append(Tick(x_of(day), day.isoformat()))
        day += timedelta(days=step)
    return tuple(ticks)
