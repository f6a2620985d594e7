"""bench/api_load.py at a tiny size against the PostgreSQL server at 127.0.0.1:5432 (skipped,
saying why, where none answers), and its synthetic rows against what store/writer.py writes."""

from __future__ import annotations

import json
import os
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

from pg_helpers import require_postgres

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import api_load

from claimscope.records import Article, Claim
from claimscope.store import writer
from claimscope.store.plain import from_plain

PG_URL = os.environ.get("CLAIMSCOPE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KEYS = {"p50_ms", "p99_ms", "errors", "requests", "claims", "clients", "seconds"}


def test_small_load_run(capsys):
    require_postgres(PG_URL)
    schema = f"claimscope_load_test_{uuid.uuid4().hex[:10]}"
    arguments = ["--url", PG_URL, "--schema", schema, "--claims", "2000", "--clients", "4",
                 "--seconds", "3", "--warmup", "0.5", "--drop", "--plain"]
    # In a fresh thread: a browser test's event loop may still be set on this one, and the
    # bench drives its clients with asyncio.run.
    with ThreadPoolExecutor(max_workers=1) as pool:
        code = pool.submit(api_load.main, arguments).result()
    assert code == 0
    out = capsys.readouterr().out
    figures = json.loads(out.strip().splitlines()[-1])
    assert KEYS <= set(figures)
    assert figures["errors"] == 0, out
    assert figures["claims"] == 2000 and figures["clients"] == 4
    assert figures["requests"] > 0 and 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert set(figures["per_kind"]) == {*api_load.KINDS, "page2"}
    assert "p99 ms" in out  # the table
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.connect() as conn:  # --drop left nothing behind
        assert conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"),
                            {"s": schema}).first() is None
    engine.dispose()


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def test_synthetic_rows_are_what_the_writer_writes():
    # The bench COPYs rows it builds itself; they must be the rows Store.write would give, or
    # the load runs against a store the real code could not have made.
    synth = api_load.Synth(3, 500)
    articles = [next(synth) for _ in range(200)]
    api_load.check_shapes(articles[0])
    assert any(a[0]["published"] is None for a in articles) or api_load.UNDATED_SHARE < 0.02
    for article, claims, figures, times in articles[:40]:
        record = from_plain(Article, {**article["record"], "text": article["text"]})
        expected = writer._article_row(record, datetime.now())
        for name, value in article.items():
            if name not in ("ingested_at",):
                assert _plain(expected[name]) == value, name
        published = writer._utc(record.published)
        built = [from_plain(Claim, row["record"]) for row in claims]
        for position, (claim, row) in enumerate(zip(built, claims, strict=True)):
            assert {k: _plain(v) for k, v in writer._claim_row(claim, position, published).items()} \
                == {k: v for k, v in row.items()}
            text = article["text"] if claim.content.field == "text" else article["title"]
            assert text[claim.content.start:claim.content.end] == claim.content.text
        assert figures == [{k: _plain(v) for k, v in writer._figure_row(c.id, n, f).items()}
                           for c in built for n, f in enumerate(c.figures)]
        assert times == [{k: _plain(v) for k, v in writer._time_row(c.id, n, t).items()}
                         for c in built for n, t in enumerate(c.times)]
    claims = [row for a in articles for row in a[1]]
    assert 9 <= len(claims) / len(articles) <= 12
    assert {row["source_type"] for row in claims} == set(api_load.SOURCE_TYPES)
    assert {row["certainty"] for row in claims} == {c[0] for c in api_load.CERTAINTY_CUES}
    assert {f["type"] for a in articles for f in a[2]} == set(api_load.FIGURE_TYPES)


def test_percentile():
    assert api_load.percentile([], 0.99) == 0.0
    assert api_load.percentile([5.0], 0.5) == 5.0
    values = [float(v) for v in range(1, 101)]
    assert api_load.percentile(values, 0.5) == 50.0
    assert api_load.percentile(values, 0.99) == 99.0
