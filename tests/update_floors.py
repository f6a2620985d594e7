#!/usr/bin/env python
"""Recompute the quality-gate figures and raise the floors in tests/eval_floors.json.

    .venv/bin/python tests/update_floors.py [--dry-run] [--allow-regression] [--n-process 2]

A floor only goes up (to the figure measured now) unless ``--allow-regression`` is given, in
which case every floor is set to the figure measured now. The gate (tests/test_quality_gate.py)
fails when a figure falls more than TOLERANCE below its floor.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FLOORS = TESTS / "eval_floors.json"
POLNEAR = REPO.parent / "shared" / "benchmarks" / "polnear"

GATE = "polnear_dev30"
# each gate: its section in eval_floors.json -> the attribution tagger it runs with
GATES = {GATE: "cnn", "polnear_dev30_transformer": "transformer"}
DEV_ARTICLES = 30  # the first 30 dev articles, sorted by file name
GATE_KEYS = ("source_f1_overlap", "cue_f1_exact", "relation_f1", "content_f1_overlap")
TOLERANCE = 0.5


def load_floors(path: Path = FLOORS) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def polnear_dev30(n_process: int = 1, tagger: str = "cnn") -> dict[str, Any]:
    """The benchmark's figures (0-100, one decimal) on the first 30 PolNeAR dev articles, with
    the given attribution tagger. Raises OSError (why) when that tagger cannot load."""
    if str(REPO / "src") not in sys.path:
        sys.path.insert(0, str(REPO / "src"))
    from claimscope.evaluation import polnear
    from claimscope.extract.nlp import TAGGER_ENV, check_tagger

    check_tagger(tagger)
    before = os.environ.get(TAGGER_ENV)
    os.environ[TAGGER_ENV] = tagger
    try:
        run = polnear.run_benchmark(
            POLNEAR, "dev", limit=DEV_ARTICLES, system="claimscope", n_process=n_process
        )
    finally:
        if before is None:
            os.environ.pop(TAGGER_ENV, None)
        else:
            os.environ[TAGGER_ENV] = before
    return run.summary


def regressions(figures: dict[str, Any], floors: dict[str, Any]) -> list[str]:
    """Human-readable lines for each gate figure below its floor minus TOLERANCE."""
    out = []
    for key in GATE_KEYS:
        floor = float(floors.get(key, 0.0))
        if figures[key] < floor - TOLERANCE:
            out.append(f"{key}: {figures[key]:.1f} < floor {floor:.1f} - {TOLERANCE}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="show, do not write")
    parser.add_argument("--allow-regression", action="store_true",
                        help="set floors to the figures measured now, even when lower")
    parser.add_argument("--n-process", type=int, default=1)
    args = parser.parse_args(argv)
    if not (POLNEAR / "data" / "dev").is_dir():
        print(f"PolNeAR not found at {POLNEAR}; nothing to measure", file=sys.stderr)
        return 2

    data = load_floors()
    below = []
    for gate, tagger in GATES.items():
        floors = dict(data.get(gate, {}))
        try:
            figures = polnear_dev30(args.n_process, tagger)
        except (RuntimeError, OSError) as exc:  # the extractor or the tagger is not available
            print(f"{gate}: cannot measure: {exc}", file=sys.stderr)
            continue
        print(f"{gate} (tagger {tagger})")
        print(f"{'figure':<20} {'floor':>6} {'now':>6} {'new floor':>9}")
        new = {}
        for key in GATE_KEYS:
            old = float(floors.get(key, 0.0))
            now = float(figures[key])
            new[key] = now if args.allow_regression else max(old, now)
            print(f"{key:<20} {old:>6.1f} {now:>6.1f} {new[key]:>9.1f}")
        gate_below = regressions(figures, floors)
        for line in gate_below:
            print(f"regression: {gate}: {line}", file=sys.stderr)
        below += gate_below
        data[gate] = new
    if args.dry_run:
        print("dry run: floors not written")
    else:
        FLOORS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"written {FLOORS}")
    return 1 if below and not args.allow_regression else 0


if __name__ == "__main__":
    raise SystemExit(main())
