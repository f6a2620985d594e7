"""Feed parsing (ingest/feeds.py): entries, keys, and what is not a feed."""

from __future__ import annotations

from conftest import ARTICLES, page, rss

from claimscope.errors import Code
from claimscope.ingest.checks import Problem
from claimscope.ingest.feeds import parse_feed

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title><id>urn:courier</id>
<updated>2025-03-04T08:00:00Z</updated>
<entry><title>Convoy</title><id>urn:courier:1</id><link href="/news/convoy"/>
<updated>2025-03-04T08:00:00Z</updated></entry>
<entry><title>Bridge</title><id>urn:courier:2</id><link href="http://news.example/bridge"/>
<updated>2025-03-05T08:00:00Z</updated></entry>
</feed>"""


def test_rss_entries_in_order():
    entries = parse_feed(rss("http://news.example", [("Blast", "/a"), ("Convoy", "/b")]),
                         "http://news.example/feed")
    assert [e.link for e in entries] == ["http://news.example/a", "http://news.example/b"]
    assert entries[0].key == "http://news.example/a" and entries[0].title == "Blast"
    assert entries[0].published.year == 2025


def test_atom_keys_are_ids_and_relative_links_resolve():
    entries = parse_feed(ATOM, "http://news.example/atom.xml")
    assert [e.key for e in entries] == ["urn:courier:1", "urn:courier:2"]
    assert entries[0].link == "http://news.example/news/convoy"


def test_a_repeated_entry_counts_once():
    data = rss("http://news.example", [("Blast", "/a"), ("Blast again", "/a")])
    assert len(parse_feed(data, "http://news.example/feed")) == 1


def test_an_empty_feed_is_a_feed():
    assert parse_feed(rss("http://news.example", []), "http://news.example/feed") == []


def test_a_feed_with_small_errors_still_counts():
    data = rss("http://news.example", [("Blast &amp; fire", "/a")]).replace(b"</channel>", b"")
    entries = parse_feed(data, "http://news.example/feed")
    assert isinstance(entries, list) and len(entries) == 1


def test_what_is_not_a_feed_is_e016():
    for data in (page(*ARTICLES["harbour"]), b"<?xml version='1.0'?><catalog><book/></catalog>",
                 b"\x00\x01binary", b"", b"just some words", b"<html><body><p>Not a feed"):
        found = parse_feed(data, "http://news.example/feed")
        assert isinstance(found, Problem) and found.code is Code.BAD_FEED, data


def test_a_truncated_feed_keeps_what_it_has():
    data = rss("http://news.example", [("Blast", "/a")])[:-30] + b"<item>"
    entries = parse_feed(data, "http://news.example/feed")
    assert [e.link for e in entries] == ["http://news.example/a"]
