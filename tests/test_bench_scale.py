"""bench/scale_corroboration.py at tiny sizes: the JSON line, the synthetic stream, and the bulk
base build giving exactly the tables the real write path gives."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import pytest
from pg_helpers import require_postgres
from sqlalchemy import create_engine

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import scale_corroboration as scale

from claimscope.store.schema import metadata

KEYS = {"sizes", "ms_per_article", "exponent", "ms_per_article_at_1m", "rss_mb"}
PG_URL = os.environ.get("CLAIMSCOPE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_script_reports_one_json_line(tmp_path, capsys):
    code = scale.main(["--sizes", "200,400", "--add", "5", "--db-dir", str(tmp_path), "--plain"])

    assert code == 0
    out = capsys.readouterr().out
    figures = _last_json(out)
    assert KEYS <= set(figures)
    assert len(figures["sizes"]) == 2
    assert 200 <= figures["sizes"][0] < 220 and 400 <= figures["sizes"][1] < 420  # whole articles
    assert len(figures["ms_per_article"]) == 2 and len(figures["rss_mb"]) == 2
    assert all(0 < ms < 5000 for ms in figures["ms_per_article"])
    assert all(mb >= 0 for mb in figures["rss_mb"])
    assert figures["ms_per_article_at_1m"] == figures["ms_per_article"][-1]
    assert isinstance(figures["exponent"], float) and math.isfinite(figures["exponent"])
    assert figures["backend"] == "sqlite" and figures["added"] == 5
    assert "ms/article" in out and "query plans" in out
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == [
        "scale-200.db", "scale-400.db"]


def test_stream_has_the_shape_of_conflict_coverage():
    stream = scale.Stream(seed=3, base_articles=400)
    found = [next(stream) for _ in range(400)]
    again = [next(scale.Stream(seed=3, base_articles=400)) for _ in range(1)]
    assert again[0] == found[0]  # deterministic
    claims = [c for x in found for c in x.claims]
    assert 9 <= len(claims) / len(found) <= 11  # articles of about ten claims
    body = [c for c in claims if c.origin.value == "body"]
    assert 0.35 <= sum(bool(c.figures) for c in body) / len(body) <= 0.6  # about half with figures
    assert len({c.id for c in claims}) == len(claims)
    assert len({c.source.name for c in claims}) > 300
    texts = [x.article.text for x in found]
    assert len(set(texts)) < len(texts)  # syndicated copies
    for extraction in found[:50]:  # spans point at their text
        text = extraction.article.text
        for claim in extraction.claims:
            if claim.content.field == "text":
                assert text[claim.content.start:claim.content.end] == claim.content.text
                assert text[claim.cue.start:claim.cue.end] == claim.cue.text
                for figure in claim.figures:
                    assert text[figure.span.start:figure.span.end] == figure.span.text
        for event in extraction.events:
            assert set(event.claim_ids) <= {c.id for c in extraction.claims}


def _tables(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    found = {}
    with engine.connect() as conn:
        for name, table in metadata.tables.items():
            columns = [c.name for c in table.columns if c.name != "ingested_at"]
            query = "SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{name}"'
            found[name] = sorted((tuple(row) for row in conn.exec_driver_sql(query)), key=repr)
    engine.dispose()
    return found


def test_bulk_build_writes_what_the_real_write_path_writes(tmp_path):
    # The base of the big stores is written in bulk; it must be the store write_batch would
    # give. A difference means store/corroboration.py changed: update BulkLoader to follow it.
    # A dense stream (a whole year's coverage squeezed into two days): many groups and stories
    # compete for each reading and event, so orders and ties matter.
    built = {}
    for mode in ("bulk", "real"):
        url = f"sqlite:///{tmp_path / mode}.db"
        stream = scale.Stream(5, base_articles=50_000)
        built[mode] = scale.build(url, stream, 1500, mode, 40, progress=False)[:2]
    assert built["bulk"] == built["real"]
    bulk = _tables(f"sqlite:///{tmp_path / 'bulk'}.db")
    real = _tables(f"sqlite:///{tmp_path / 'real'}.db")
    assert len(real["claim_groups"]) > 20 and len(real["stories"]) > 10
    assert len(real["story_events"]) > len(real["stories"])  # events joined earlier stories
    assert any(row[2] is not None for row in real["article_signatures"])  # copies found
    for name in metadata.tables:
        assert bulk[name] == real[name], (
            f"table {name} differs between the bulk and the real build: store/corroboration.py "
            "or store/writer.py changed; make bench/scale_corroboration.py's BulkLoader follow it")


def test_slope_and_sizes():
    assert scale.slope([10, 100, 1000], [2, 20, 200]) == pytest.approx(1.0)
    assert scale.slope([10, 100, 1000], [5, 5, 5]) == pytest.approx(0.0)
    assert scale.slope([10], [5]) is None
    assert scale.parse_sizes("400,200,1_000") == [200, 400, 1000]
    with pytest.raises(SystemExit):
        scale.parse_sizes("ten")


def test_statement_shapes_fold_parameter_lists():
    shape = scale._shape("SELECT DISTINCT a FROM s WHERE (s.b, s.h) IN (VALUES (?, ?), (?, ?))")
    assert shape == "SELECT DISTINCT a FROM s WHERE (s.b, s.h) IN (VALUES (...))"
    shape = scale._shape("SELECT a FROM t WHERE b IN (?, ?, ?)")
    assert shape == "SELECT a FROM t WHERE b IN (...)"


def test_postgres_run(capsys):
    require_postgres(PG_URL)
    assert scale.main(["--sizes", "100", "--add", "2", "--postgres", PG_URL, "--plain"]) == 0
    figures = _last_json(capsys.readouterr().out)
    assert figures["backend"] == "postgresql" and len(figures["ms_per_article"]) == 1
    assert figures["exponent"] is None  # one size: no slope
