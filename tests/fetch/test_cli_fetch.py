"""``claimscope fetch`` and ``watch`` through CliRunner against the local server.

The stand-in extractor (``sample_records.fake_extract``) keeps these fast; the real pipeline
runs in ``test_watch_restart.py``.
"""

from __future__ import annotations

import pytest
from conftest import ARTICLES, Route, numbered_page, page, rss
from sqlalchemy import func, select

from claimscope import cli
from claimscope.follow import read_feeds_file
from claimscope.ingest.ids import id_from
from claimscope.store import Store
from claimscope.store.schema import articles, feed_items, fetch_state, rejections


# The stand-in extractor and the runner and db fixtures come from conftest.py.
pytestmark = pytest.mark.usefixtures("stand_in_extractor")


def _invoke(runner, *args: str):
    result = runner.invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _rows(db, table, *columns):
    with Store.open(db) as store, store.engine.connect() as conn:
        return conn.execute(select(*(table.c[c] for c in columns))).all()


def _count(db, table) -> int:
    with Store.open(db) as store, store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_fetch_stores_the_page_and_skips_it_when_unchanged(server, runner, db):
    server.routes["/harbour"] = Route(page(*ARTICLES["harbour"]), etag='"h1"')
    url = server.url("/harbour")
    first = _invoke(runner, "fetch", url, "--db", db, "--allow-loopback", "--delay", "0")
    assert first.exit_code == 0, first.output
    assert "1 articles" in first.output and "0 rejected" in first.output
    [(article_id, stored_url)] = _rows(db, articles, "id", "url")
    assert stored_url == url and article_id == id_from(url, "")
    again = _invoke(runner, "fetch", url, "--db", db, "--allow-loopback", "--delay", "0")
    assert "0 articles" in again.output and "1 unchanged" in again.output
    assert server.hits[-1].headers.get("If-None-Match") == '"h1"'
    [(status, etag, kept_id)] = _rows(db, fetch_state, "status", "etag", "article_id")
    assert (status, etag, kept_id) == (304, '"h1"', article_id)


def test_fetch_keeps_the_final_url_of_a_redirect(server, runner, db):
    server.routes["/short"] = Route(status=302, headers={"Location": "/news/bridge"})
    server.routes["/news/bridge"] = Route(page(*ARTICLES["bridge"]))
    _invoke(runner, "fetch", server.url("/short"), "--db", db, "--allow-loopback", "--delay", "0")
    assert _rows(db, articles, "url") == [(server.url("/news/bridge"),)]


def test_fetch_refuses_loopback_unless_allowed(server, runner, db):
    server.routes["/harbour"] = Route(page(*ARTICLES["harbour"]))
    result = _invoke(runner, "fetch", server.url("/harbour"), "--db", db, "--strict")
    assert result.exit_code == 1
    assert f"rejected [E013] {server.url('/harbour')}" in result.output
    assert server.hits == [] and _count(db, articles) == 0
    assert _rows(db, rejections, "code", "stage") == [("E013", "fetch")]
    allowed = _invoke(runner, "fetch", server.url("/harbour"), "--db", db, "--allow-private",
                      "--delay", "0")
    assert "1 articles" in allowed.output


def test_fetch_records_every_failure_and_goes_on(server, runner, db):
    server.routes["/photo"] = Route(b"\x89PNG", content_type="image/png")
    server.routes["/big"] = Route(stream=10_000_000)
    server.routes["/meta"] = Route(status=302, headers={"Location": "http://169.254.169.254/"})
    server.routes["/ok"] = Route(page(*ARTICLES["convoy"]))
    urls = [server.url(p) for p in ("/photo", "/big", "/meta", "/private/x", "/gone", "/ok")]
    result = _invoke(runner, "fetch", *urls, "not-a-url", "--db", db, "--allow-loopback",
                     "--delay", "0", "--max-bytes", "100000")
    assert result.exit_code == 0, result.output
    codes = sorted(code for (code,) in _rows(db, rejections, "code"))
    assert codes == ["E003", "E012", "E013", "E014", "E015", "E017"]
    assert "1 articles" in result.output and "6 rejected" in result.output


def _feed(server, paths: list[str], **route) -> None:
    items = [(f"Item {p}", p) for p in paths]
    server.routes["/feed.xml"] = Route(rss(server.base, items),
                                       content_type="application/rss+xml", **route)


def _feeds_file(tmp_path, *urls: str):
    path = tmp_path / "feeds.txt"
    path.write_text("# our feeds\n\n" + "\n".join(urls) + "\n", encoding="utf-8")
    return str(path)


def _watch(runner, feeds, db, *extra: str):
    return _invoke(runner, "watch", feeds, "--once", "--db", db, "--allow-loopback",
                   "--delay", "0", *extra)


def test_watch_twice_processes_each_entry_once(server, runner, db, tmp_path):
    paths = [f"/news/{n}" for n in range(1, 4)]
    for n, path in enumerate(paths, 1):
        server.routes[path] = Route(numbered_page(n))
    _feed(server, [*paths, "/private/leak", "/news/missing"], etag='"f1"')
    feeds = _feeds_file(tmp_path, server.url("/feed.xml"))
    first = _watch(runner, feeds, db)
    assert "1 feeds: 3 articles" in first.output and "2 rejected" in first.output, first.output
    outcomes = sorted(o for (o,) in _rows(db, feed_items, "outcome"))
    assert outcomes == ["rejected", "rejected", "stored", "stored", "stored"]
    hits = len(server.hits)
    second = _watch(runner, feeds, db)
    assert "0 articles" in second.output and "1 unchanged" in second.output
    assert server.paths()[hits:] == ["/robots.txt", "/feed.xml"]  # a 304, nothing else
    # A new entry (the feed changed): only that one is fetched.
    server.routes["/news/4"] = Route(numbered_page(4))
    _feed(server, [*paths, "/private/leak", "/news/missing", "/news/4"], etag='"f2"')
    hits = len(server.hits)
    third = _watch(runner, feeds, db)
    assert "1 articles" in third.output
    assert [p for p in server.paths()[hits:] if p.startswith("/news/")] == ["/news/4"]
    assert _count(db, articles) == 4 and _count(db, feed_items) == 6


def test_watch_sees_done_entries_without_a_304(server, runner, db, tmp_path):
    server.routes["/news/1"] = Route(numbered_page(1))
    _feed(server, ["/news/1"])  # no validators: every round gets the whole feed
    feeds = _feeds_file(tmp_path, server.url("/feed.xml"))
    _watch(runner, feeds, db)
    again = _watch(runner, feeds, db)
    assert "0 articles" in again.output and server.paths().count("/news/1") == 1


def test_watch_tries_a_transient_failure_again_next_round(server, runner, db, tmp_path):
    server.routes["/news/1"] = Route(status=503)  # the site is down for a moment
    server.routes["/news/2"] = Route(status=404)  # gone: asking again will not help
    _feed(server, ["/news/1", "/news/2"], etag='"f1"')
    feeds = _feeds_file(tmp_path, server.url("/feed.xml"))
    first = _watch(runner, feeds, db)
    assert "0 articles" in first.output and "2 rejected" in first.output
    assert _rows(db, feed_items, "outcome") == [("rejected",)]  # only the 404 counts as handled
    server.routes["/news/1"] = Route(numbered_page(1))  # back up
    hits = len(server.hits)
    second = _watch(runner, feeds, db)
    assert "1 articles" in second.output, second.output
    assert "/feed.xml" in server.paths()[hits:]  # no 304: the feed's entries were not all done
    assert [p for p in server.paths()[hits:] if p.startswith("/news/")] == ["/news/1"]
    assert sorted(_rows(db, feed_items, "outcome")) == [("rejected",), ("stored",)]


def test_watch_gives_up_on_an_entry_after_three_transient_failures(server, runner, db, tmp_path):
    from claimscope.follow import TRANSIENT_ATTEMPTS

    server.routes["/news/1"] = Route(status=503)
    _feed(server, ["/news/1"], etag='"f1"')
    feeds = _feeds_file(tmp_path, server.url("/feed.xml"))
    for _round in range(TRANSIENT_ATTEMPTS + 1):
        _watch(runner, feeds, db)
    assert server.paths().count("/news/1") == TRANSIENT_ATTEMPTS
    assert _rows(db, feed_items, "outcome") == [("rejected",)]
    [(count,)] = _rows(db, rejections, "count")
    assert count == TRANSIENT_ATTEMPTS


def test_watch_rejects_bad_feeds_and_goes_on(server, runner, db, tmp_path):
    server.routes["/broken.xml"] = Route(b"<html><body>Not a feed", content_type="application/xml")
    server.routes["/page.html"] = Route(page(*ARTICLES["harbour"]))
    server.routes["/slow.xml"] = Route(b"", delay=1.0, content_type="application/rss+xml")
    server.routes["/meta.xml"] = Route(status=302, headers={"Location": "http://10.0.0.1/feed"})
    server.routes["/news/1"] = Route(numbered_page(1))
    _feed(server, ["/news/1"])
    feeds = _feeds_file(tmp_path, *(server.url(p) for p in (
        "/broken.xml", "/page.html", "/slow.xml", "/meta.xml", "/feed.xml")))
    result = _watch(runner, feeds, db, "--timeout", "0.3", "--strict")
    assert result.exit_code == 1
    assert "5 feeds: 1 articles" in result.output
    for code in ("E016", "E015", "E012", "E013"):
        assert f"rejected [{code}]" in result.output
    [(error,)] = _rows(db, fetch_state.select().where(fetch_state.c.url == server.url("/broken.xml"))
                       .subquery(), "error")
    assert error.startswith("E016")


def test_watch_refuses_an_entry_redirected_to_a_private_address(server, runner, db, tmp_path):
    server.routes["/news/1"] = Route(status=302, headers={"Location": "http://169.254.169.254/"})
    _feed(server, ["/news/1"])
    result = _watch(runner, _feeds_file(tmp_path, server.url("/feed.xml")), db)
    assert "rejected [E013]" in result.output
    assert _rows(db, feed_items, "outcome") == [("rejected",)]


def test_watch_needs_a_readable_feeds_file(runner, db, tmp_path):
    result = _invoke(runner, "watch", str(tmp_path / "none.txt"), "--once", "--db", db)
    assert result.exit_code == 2 and "cannot read" in result.output


def test_feeds_file_format():
    text = "# comment\n\nhttp://a.example/feed  # ours\n  http://b.example/rss#top \nhttp://a.example/feed\n"
    assert read_feeds_file(text) == ["http://a.example/feed", "http://b.example/rss#top"]
