"""Shared helpers for the benchmark scripts in ``bench/``.

Every bench script: takes ``--data`` (default ``<repo>/../shared/benchmarks``, the gold data is
never copied into the repository), prints a readable table, and ends with exactly one JSON
object on its last stdout line so that other tools can read the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCHMARKS = REPO.parent / "shared" / "benchmarks"


def add_data_argument(parser: argparse.ArgumentParser, dataset: str | None = None) -> None:
    """``--data DIR``: the benchmarks root or the data set's own folder (scripts are forgiving)."""
    default = DEFAULT_BENCHMARKS / dataset if dataset else DEFAULT_BENCHMARKS
    parser.add_argument(
        "--data",
        type=Path,
        default=default,
        help=f"data folder (default: {default}); the benchmarks root is accepted too",
    )


def fail_missing(message: str, code: int = 2) -> None:
    """Explain where to obtain a data set, on stderr, and exit (2 by default)."""
    print(message, file=sys.stderr)
    raise SystemExit(code)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    plain: bool = False,
) -> None:
    """A table on stdout: Rich when installed (and not ``plain``), else aligned text.

    Floats are shown with one decimal.
    """
    cells = [[_fmt(v) for v in row] for row in rows]
    if not plain:
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:  # pragma: no cover - rich is a dependency, but stay usable
            plain = True
        else:
            table = Table(title=title)
            for i, col in enumerate(columns):
                table.add_column(col, justify="left" if i < 2 else "right")
            for row in cells:
                table.add_row(*row)
            Console(soft_wrap=False).print(table)
            sys.stdout.flush()
            return
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c)
              for i, c in enumerate(columns)]
    print(title)
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) if i < 2 else v.rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths))))


def print_notes(lines: Sequence[str]) -> None:
    for line in lines:
        print(line)


def print_final_json(figures: dict[str, Any]) -> None:
    """The machine-readable result: one JSON object, alone on the last line of stdout."""
    sys.stdout.flush()
    print(json.dumps(figures, ensure_ascii=False, separators=(", ", ": ")), flush=True)
