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
        if member.published is None or member.best is None and member.low is None:
            continue
        value = member.best if member.best is not None else member.low
        by_source[member.root_name].append((member.published, value, member.low, member.high,
                                            bool(row.contradicted_by)))
    figure, axes = plt.subplots(figsize=(9, 4.8), dpi=110)
    for source, points in sorted(by_source.items()):
        points.sort()
        times = [p[0] for p in points]
        values = [p[1] for p in points]
        lows = [v - (low if low is not None else v) for (_, v, low, _, _) in points]
        highs = [((high if high is not None else v) - v) for (_, v, _, high, _) in points]
        axes.errorbar(times, values, yerr=[lows, highs], marker="o", capsize=3, label=source)
        for when, value, *_, contradicted in points:
            if contradicted:
                axes.annotate("≠", (when, value), textcoords="offset points", xytext=(6, 6), color="red")
    if found.best is not None:
        axes.axhline(found.best, linestyle="--", linewidth=1, color="grey",
                     label=f"derived best {found.best}")
    axes.set_title(title)
    axes.set_ylabel(found.figure_type.value)
    axes.legend(fontsize="small")
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
