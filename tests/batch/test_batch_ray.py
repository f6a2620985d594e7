"""The Ray engine (local Ray, 2 CPUs): the same store as the local engine, PostgreSQL by COPY."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from batch_corpus import articles, batch, finish
from store_snapshot import differences, snapshot

pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'claimscope[ray]')")

PG_SERVER = os.environ.get("CLAIMSCOPE_TEST_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _ray_batch(corpus, url, tmp_path, *extra):
    return finish(batch(corpus, url, "--engine", "ray", "--shards", str(tmp_path / "shards"),
                        *extra), timeout=600)


@pytest.fixture()
def pg_databases():
    """Two fresh PostgreSQL databases, dropped afterwards; skipped where no server answers."""
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    names = [f"claimscope_ray_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means skip
        admin.dispose()
        pytest.skip(f"no PostgreSQL server answers at {PG_SERVER} ({type(exc).__name__})")
    yield [f"{PG_SERVER}/{name}" for name in names]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.slow
def test_ray_engine_leaves_the_store_the_local_engine_leaves(corpus, reference, tmp_path):
    url = f"sqlite:///{tmp_path / 'ray.db'}"
    out = _ray_batch(corpus, url, tmp_path)
    assert f"{len(articles())} articles" in out and "4 rejected" in out, out
    assert list((tmp_path / "shards").rglob("*.parquet")), "the shards are kept where asked"
    assert differences(snapshot(url), reference) == []
    again = _ray_batch(corpus, url, tmp_path)  # a finished job: nothing is done twice
    assert f"0 articles, 0 claims, 0 rejected, {len(articles()) + 4} already done" in again
    assert differences(snapshot(url), reference) == []


@pytest.mark.slow
def test_ray_engine_bulk_loads_postgresql_like_the_local_engine(corpus, pg_databases, tmp_path):
    # The Ray load writes by COPY (store/bulk.py), the local engine row by row.
    local, by_copy = pg_databases
    finish(batch(corpus, local))
    out = _ray_batch(corpus, by_copy, tmp_path)
    assert f"{len(articles())} articles" in out, out
    assert differences(snapshot(by_copy), snapshot(local)) == []


@pytest.mark.slow
def test_a_ray_run_killed_while_loading_resumes_to_the_same_store(corpus, reference, tmp_path):
    import signal
    import time

    from sqlalchemy import func, select

    from claimscope.store.schema import batch_journal

    url = f"sqlite:///{tmp_path / 'killed.db'}"
    process = batch(corpus, url, "--engine", "ray", "--shards", str(tmp_path / "shards"))
    engine = create_engine(url)
    deadline = time.monotonic() + 300
    journaled = 0
    try:
        # Wait until the load has committed its first transactions, then kill -9 the driver
        # and the Ray processes it started (one session).
        while process.poll() is None and time.monotonic() < deadline and journaled < 9:
            time.sleep(0.05)
            try:
                with engine.connect() as conn:
                    journaled = conn.scalar(select(func.count()).select_from(batch_journal))
            except Exception:  # noqa: BLE001 - not created yet
                journaled = 0
    finally:
        engine.dispose()
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    assert 0 < journaled < len(articles()) + 4
    out = _ray_batch(corpus, url, tmp_path)
    assert "already done" in out and " 0 already done" not in out, out
    assert differences(snapshot(url), reference) == []
