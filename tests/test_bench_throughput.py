"""bench/throughput.py end to end on ten tiny articles: one claimscope process without Ray or
the memory runs (a few seconds); then, marked slow, two processes, local Ray and peak memory."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import throughput

KEYS = {"docs", "docs_per_s", "spacy_docs_per_s", "spacy2_docs_per_s", "ratio", "n_process",
        "docs_per_s_single", "docs_per_s_parallel", "docs_per_s_ray", "rss_growth",
        "docs_per_day", "cores_for_250k_per_day"}
OFF = {"docs_per_s_ray", "rss_growth"}  # null with --no-ray --rss-docs 0

ARTICLE = """Port town reports damage after storm number {n}

The mayor of the town said on Monday that {n} houses had been damaged by the storm.
"We expect the repairs to take weeks," the mayor told reporters.
Officials said the road to the port would reopen on Friday, according to the ministry.
"""


def run_bench(tmp_path: Path, capsys: pytest.CaptureFixture[str],
              *options: str) -> tuple[dict, list[str]]:
    data = tmp_path / "articles"
    data.mkdir()
    for n in range(10):
        (data / f"article{n:02d}.txt").write_text(ARTICLE.format(n=n + 2), encoding="utf-8")

    code = throughput.main(["--data", str(data), "--limit", "10", "--plain", *options])

    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert set(figures) == KEYS | {"tagger"}
    assert figures["tagger"] == "cnn"  # the default; the run's own choice is named in the JSON
    assert figures["docs"] == 10
    assert abs(figures["ratio"] - figures["docs_per_s"] / figures["spacy_docs_per_s"]) < 0.05
    assert figures["docs_per_s_parallel"] == figures["docs_per_s"]
    assert figures["docs_per_day"] == pytest.approx(figures["docs_per_s"] * 86_400, rel=0.01)
    assert any("claimscope job" in line for line in lines)
    assert any("load average" in line for line in lines)
    return figures, lines


def test_throughput_reports_one_json_line(tmp_path, capsys):
    figures, lines = run_bench(tmp_path, capsys, "--n-process", "1", "--no-ray",
                               "--rss-docs", "0")

    assert figures["n_process"] == 1
    for key in KEYS - OFF:
        assert figures[key] > 0, key
    for key in OFF:
        assert figures[key] is None, key
    # One process: the parallel run is the single-process run.
    assert figures["docs_per_s_single"] == figures["docs_per_s_parallel"]
    assert any("no Ray row: --no-ray" in line for line in lines)
    assert any("--rss-docs 0" in line for line in lines)


@pytest.mark.slow
def test_throughput_with_ray_and_peak_memory(tmp_path, capsys):
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed")
    pytest.importorskip("psutil")

    figures, lines = run_bench(tmp_path, capsys, "--n-process", "2", "--rounds", "1",
                               "--ray", "--rss-docs", "5")

    assert figures["n_process"] == 2
    for key in KEYS - {"rss_growth"}:
        assert figures[key] > 0, key
    assert isinstance(figures["rss_growth"], float)
    assert any("claimscope job, Ray" in line for line in lines)
    assert any(line.startswith("peak memory:") for line in lines)
