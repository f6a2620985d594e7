"""bench/throughput.py end to end on ten tiny articles, one claimscope process (a few seconds)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import throughput

KEYS = {"docs", "docs_per_s", "spacy_docs_per_s", "spacy2_docs_per_s", "ratio", "n_process"}

ARTICLE = """Port town reports damage after storm number {n}

The mayor of the town said on Monday that {n} houses had been damaged by the storm.
"We expect the repairs to take weeks," the mayor told reporters.
Officials said the road to the port would reopen on Friday, according to the ministry.
"""


def test_throughput_reports_one_json_line(tmp_path, capsys):
    data = tmp_path / "articles"
    data.mkdir()
    for n in range(10):
        (data / f"article{n:02d}.txt").write_text(ARTICLE.format(n=n + 2), encoding="utf-8")

    code = throughput.main(["--data", str(data), "--limit", "10", "--n-process", "1", "--plain"])

    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert set(figures) == KEYS
    assert figures["docs"] == 10
    assert figures["n_process"] == 1
    for key in KEYS:
        assert figures[key] > 0, key
    assert abs(figures["ratio"] - figures["docs_per_s"] / figures["spacy_docs_per_s"]) < 0.05
    assert any("claimscope job" in line for line in lines)
