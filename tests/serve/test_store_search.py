"""Full-text search in the store: a database from before migration 0004 gets its claims
indexed by it; the index follows re-ingests and deletions."""

from __future__ import annotations

from sample_records import write_before_0005
from sqlalchemy import create_engine

from claimscope.store import Store
from claimscope.store.migrate import upgrade


def test_migration_0004_indexes_claims_already_stored(tmp_path, seed):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        upgrade(conn, "0003")
        write_before_0005(conn, seed[:2])  # written before full-text search existed
    engine.dispose()
    with Store.open(url) as store:
        assert store.search_mode == "fts5"
        hits = store.claims(q="soldiers killed")
        assert all({"soldier", "kill"} <= set(_words(c)) for c in hits)
        plain = [c.id for c in store.claims() if {"soldiers", "killed"} <= set(_words(c))]
        assert plain and set(plain) <= {c.id for c in hits}


def _words(claim) -> list[str]:
    import re

    words = re.findall(r"\w+", claim.content.text.lower())
    return words + [w[:7] for w in words] + [w[:4] for w in words]


def test_like_fallback_gives_the_same_claims(store):
    fts = [c.id for c in store.claims(q="North Korean")]
    store._search_mode = "like"
    assert [c.id for c in store.claims(q="North Korean")] == fts and fts
