"""Quality gate: claimscope's attribution figures on the first 30 PolNeAR dev articles.

Fails when a figure falls more than 0.5 below its floor in tests/eval_floors.json. Raise the
floors with ``.venv/bin/python tests/update_floors.py`` after an improvement (it never lowers
them unless ``--allow-regression``). Skipped where ../shared/benchmarks/polnear is absent.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

POLNEAR = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "polnear"

sys.path.insert(0, str(Path(__file__).resolve().parent))
import update_floors

pytestmark = [
    pytest.mark.needs_shared,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (POLNEAR / "data" / "dev").is_dir(),
        reason=f"PolNeAR not found at {POLNEAR} (github.com/networkdynamics/PolNeAR)",
    ),
]


def test_polnear_dev30_floors():
    import claimscope

    if not (hasattr(claimscope, "extract") or hasattr(claimscope, "extract_many")):
        pytest.skip("claimscope.extract is not built yet")
    floors = update_floors.load_floors().get(update_floors.GATE)
    assert floors, f"no {update_floors.GATE!r} section in {update_floors.FLOORS}"
    assert set(update_floors.GATE_KEYS) <= set(floors), "a gate figure has no floor"
    figures = update_floors.polnear_dev30()
    assert figures["articles"] == update_floors.DEV_ARTICLES
    below = update_floors.regressions(figures, floors)
    shown = ", ".join(f"{k}={figures[k]}" for k in update_floors.GATE_KEYS)
    assert not below, f"below floor: {'; '.join(below)} (now: {shown})"
