"""``claimscope batch``: resumable runs; kill -9 at random points loses and duplicates nothing."""

from __future__ import annotations

import os
import random
import signal
import time

import pytest
from sqlalchemy import create_engine, func, select

from claimscope import batch
from claimscope.ingest.reader import read_items
from claimscope.store import Store
from claimscope.store.schema import batch_journal
from batch_corpus import articles, batch as _batch, finish as _finish
from store_snapshot import differences, snapshot


def _journaled(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(batch_journal)) or 0
    except Exception:  # noqa: BLE001 - the database may not exist yet, or be mid-migration
        return 0
    finally:
        engine.dispose()


def test_an_uninterrupted_run_stores_every_item_once(reference):
    assert len(reference["articles"]) == len(articles())
    codes = sorted(row[2] for row in reference["rejections"])  # (item, stage, code, ...)
    assert codes == ["E001", "E002", "E005", "E007"]
    assert all(row[-1] == 1 for row in reference["rejections"])  # count: recorded once
    assert len(reference["batch_journal"]) == len(articles()) + 4


def test_running_a_finished_job_again_changes_nothing(corpus, reference, tmp_path):
    url = f"sqlite:///{tmp_path / 'again.db'}"
    _finish(_batch(corpus, url))
    out = _finish(_batch(corpus, url))
    assert f"0 articles, 0 claims, 0 rejected, {len(articles()) + 4} already done" in out
    assert differences(snapshot(url), reference) == []


def test_restart_processes_everything_again(corpus, tmp_path):
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    _finish(_batch(corpus, url))
    out = _finish(_batch(corpus, url, "--restart"))
    assert f"{len(articles())} articles" in out and "0 already done" in out


def test_the_journal_skips_exactly_the_finished_items(corpus, tmp_path):
    url = f"sqlite:///{tmp_path / 'skip.db'}"
    items = list(read_items([corpus]))
    done = items[:7]
    with Store.open(url) as store:
        record = batch.journal_for("j")
        with store.engine.begin() as conn:
            record(conn, [batch.Done(batch.item_key(i), None, "stored") for i in done])
        remaining = batch.SkipFinished(items, store, "j")
        assert list(remaining) == items[7:]
        assert remaining.skipped == 7
        assert list(batch.SkipFinished(items, store, "another job")) == items


@pytest.mark.slow
def test_kill_9_at_random_points_then_resume_leaves_the_uninterrupted_store(
        corpus, reference, tmp_path):
    chooser = random.Random(20261125)
    total = len(reference["batch_journal"])
    killed_after = []
    for trial in range(10):
        url = f"sqlite:///{tmp_path / f'trial{trial}.db'}"
        # Kill once the journal holds a random number of items, plus a random fraction of a
        # second, so the kill lands before, inside and between write transactions.
        target = chooser.randrange(0, total - 4)
        # Worker processes in half the trials, the extraction in the main process in the rest.
        process = _batch(corpus, url, "--n-process", str(1 + trial % 2))
        deadline = time.monotonic() + 120
        while _journaled(url) < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(chooser.uniform(0, 0.4))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        killed_after.append(_journaled(url))
        _finish(_batch(corpus, url))  # resume
        assert differences(snapshot(url), reference) == [], f"trial {trial}, killed at {target}"
    # The kills really interrupted the runs at different points.
    assert len(set(killed_after)) >= 4, killed_after
    assert min(killed_after) < total


def test_worker_processes_only_for_inputs_that_repay_them(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "cores", lambda: 2)
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_text("Storm\n\nThe mayor said the road reopened.\n")
    assert batch.auto_processes([small]) == 1
    assert batch.auto_processes(["-"]) == 1  # standard input: size unknown
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"x" * (batch.PARALLEL_FROM_BYTES + 1))
    assert batch.auto_processes([small, big]) == 2
    assert batch.auto_processes([tmp_path / "missing"]) == 1


def test_the_job_name_follows_the_inputs(tmp_path):
    assert batch.job_name([tmp_path / "a"]) == batch.job_name([str(tmp_path / "a")])
    assert batch.job_name([tmp_path / "a"]) != batch.job_name([tmp_path / "b"])


def test_a_missing_model_is_one_line_before_any_worker_starts(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "claimscope", "batch", str(tmp_path), "--db",
         f"sqlite:///{tmp_path / 'x.db'}", "--n-process", "2", "--model", "no_such_model_pkg"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: cannot load the spaCy model")
    assert "Traceback" not in result.stderr
