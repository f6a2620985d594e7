"""Figures by source over time, drawn to a PNG (matplotlib, the ``plot`` extra)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from claimscope.corroborate.views import Ledger


def draw_ledger(found: Ledger, path: Path, *, title: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")  # no screen needed
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SystemExit("--plot needs matplotlib: pip install 'claimscope[plot]'") from exc
    by_source: dict[str, list] = defaultdict(list)
    for row in found.rows:
        member = row.member
        value = member.best if member.best is not None else member.low
        if value is None:
            continue
        by_source[member.root_name].append((member, value, bool(row.contradicted_by)))
    figure, axes = plt.subplots(figsize=(9, 4.8), dpi=110)
    for source, points in sorted(by_source.items()):
        # Each figure sits over the period it covers (a bar from start to end); a figure with
        # no stated period sits on the day it was claimed.
        xs, x_err, ys, y_err = [], [[], []], [], [[], []]
        for member, value, contradicted in points:
            start = member.period_start or (member.published.date() if member.published else None)
            if start is None:
                continue
            end = member.period_end or start
            middle = start + (end - start) / 2
            xs.append(middle)
            x_err[0].append(middle - start)
            x_err[1].append(end - middle)
            ys.append(value)
            y_err[0].append(value - (member.low if member.low is not None else value))
            y_err[1].append((member.high if member.high is not None else value) - value)
            if contradicted:
                axes.annotate("≠", (middle, value), textcoords="offset points", xytext=(6, 6), color="red")
        axes.errorbar(xs, ys, xerr=x_err, yerr=y_err, fmt="o", capsize=3, label=source)
    if found.best is not None:
        axes.axhline(found.best, linestyle="--", linewidth=1, color="grey",
                     label=f"derived best {found.best}")
    axes.set_title(title)
    axes.set_ylabel(found.figure_type.value)
    axes.set_xlabel("period the figure covers (bars) — ≠ marks a contradicted figure")
    axes.legend(fontsize="small")
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
