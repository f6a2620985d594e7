"""Kill -9 a real ``watch`` (real spaCy pipeline) mid-feed, restart it: nothing lost or repeated."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from conftest import Route, numbered_page, rss
from sqlalchemy import func, select

from claimscope.store import Store
from claimscope.store.schema import articles, feed_items

ENTRIES = 8


def _watch(feeds: str, db: str) -> subprocess.Popen:
    command = [sys.executable, "-c", "from claimscope.cli import app; app()", "watch", feeds,
               "--once", "--db", db, "--allow-loopback", "--delay", "0"]
    env = {k: v for k, v in os.environ.items() if k != "CLAIMSCOPE_DB"}
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait(process: subprocess.Popen, ready) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        assert process.poll() is None, process.stdout.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.01)


def _state(db: str) -> tuple[set[str], int]:
    with Store.open(db) as store, store.engine.connect() as conn:
        seen = set(conn.execute(select(feed_items.c.link)).scalars())
        count = conn.execute(select(func.count()).select_from(articles)).scalar_one()
    return seen, count


@pytest.mark.parametrize("when", ["before the first commit", "after a commit"])
def test_a_killed_watch_loses_and_repeats_nothing(server, tmp_path, when):
    paths = [f"/news/{n}" for n in range(1, ENTRIES + 1)]
    for n, path in enumerate(paths, 1):
        server.routes[path] = Route(numbered_page(n), delay=0.15)  # processing takes a while
    server.routes["/feed.xml"] = Route(rss(server.base, [(f"Item {p}", p) for p in paths]),
                                       content_type="application/rss+xml", etag='"feed"')
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(server.url("/feed.xml") + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'watch.db'}"

    first = _watch(str(feeds), db)
    if when == "after a commit":  # some entries marked seen, then a random moment later
        _wait(first, lambda: len(_state(db)[0]) >= 1)
        time.sleep(random.uniform(0, 0.5))
    else:  # a random number of pages requested, none stored yet
        kill_after = random.randint(1, 3)
        _wait(first, lambda: sum(p.startswith("/news/") for p in server.paths()) >= kill_after)
    first.send_signal(signal.SIGKILL)
    first.wait()
    done_before, _ = _state(db)
    if when == "after a commit":
        assert 0 < len(done_before)
    hits_before = len(server.hits)

    second = _watch(str(feeds), db)
    output = second.communicate(timeout=120)[0].decode()
    assert second.returncode == 0, output
    seen, count = _state(db)
    assert seen == {server.url(p) for p in paths}  # every entry, exactly once (primary key)
    assert count == ENTRIES
    refetched = [p for p in server.paths()[hits_before:] if p.startswith("/news/")]
    assert len(refetched) == len(set(refetched))
    assert not {server.url(p) for p in refetched} & done_before  # committed ones not redone
    assert {server.url(p) for p in refetched} | done_before == seen

    # A third run: the feed answers 304, nothing is fetched again.
    hits = len(server.hits)
    third = _watch(str(feeds), db)
    third.communicate(timeout=120)
    assert [p for p in server.paths()[hits:]] == ["/robots.txt", "/feed.xml"]
    assert _state(db) == (seen, ENTRIES)
