"""Quality gate: claimscope's attribution figures on the first 30 PolNeAR dev articles, once
with the default (CNN) attribution tagger and once with the transformer tagger (skipped with
the reason where its optional extra is not installed).

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


@pytest.mark.parametrize("gate", sorted(update_floors.GATES))
def test_polnear_dev30_floors(gate):
    import claimscope
    from claimscope.extract.nlp import check_tagger

    if not (hasattr(claimscope, "extract") or hasattr(claimscope, "extract_many")):
        pytest.skip("claimscope.extract is not built yet")
    tagger = update_floors.GATES[gate]
    try:
        check_tagger(tagger)
    except OSError as exc:
        pytest.skip(str(exc))
    floors = update_floors.load_floors().get(gate)
    assert floors, f"no {gate!r} section in {update_floors.FLOORS}"
    assert set(update_floors.GATE_KEYS) <= set(floors), "a gate figure has no floor"
    figures = update_floors.polnear_dev30(tagger=tagger)
    assert figures["articles"] == update_floors.DEV_ARTICLES
    below = update_floors.regressions(figures, floors)
    shown = ", ".join(f"{k}={figures[k]}" for k in update_floors.GATE_KEYS)
    assert not below, f"below floor: {'; '.join(below)} (now: {shown})"
