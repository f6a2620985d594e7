"""Store against SQLite: round trip, upsert, filters, rejections, migrations."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sample_records import (
    article, dated_extractions, extraction, mercenary_claim, officials_claim, write_before_0005,
)
from sqlalchemy.exc import IntegrityError

from claimscope.records import Article, Claim, Rejected, to_plain
from claimscope.store import Store, StoreError, from_plain
from claimscope.store.migrate import include_name
from claimscope.store.schema import metadata


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'claims.db'}") as opened:
        yield opened


def test_from_plain_rebuilds_every_record_type():
    for record in (article(), mercenary_claim(), officials_claim()):
        assert from_plain(type(record), to_plain(record)) == record


def test_round_trip_records_equal(store):
    original = extraction()
    assert store.write(original) == 3
    stored = store.article("a1")
    assert stored.article == original.article
    assert stored.article.published.utcoffset() == original.article.published.utcoffset()
    assert sorted(stored.claims, key=lambda c: c.id) == sorted(original.claims, key=lambda c: c.id)


def test_claims_keep_extraction_order(store):
    store.write(extraction())
    assert [claim.id for claim in store.claims()] == ["a1-c1", "a1-c2", "a1-h1"]


def test_reingest_replaces_never_duplicates(store):
    store.write(extraction())
    store.write(extraction())
    assert store.counts() == {"articles": 1, "claims": 3, "events": 0, "rejections": 0}
    # A claim the extractor no longer finds goes away with the old version.
    fewer = replace(extraction(), claims=(mercenary_claim(),))
    store.write(fewer)
    assert [claim.id for claim in store.claims()] == ["a1-c1"]
    assert store.claims_dataframe()["killed_best"].tolist() == [8]


def test_duplicate_claim_ids_in_one_extraction_keep_the_first(store):
    doubled = replace(extraction(), claims=(mercenary_claim(), mercenary_claim()))
    assert store.write(doubled) == 1


def test_batch_is_one_transaction(store):
    broken = replace(extraction("a2"), article=replace(article("a2"), text=None))
    with pytest.raises(IntegrityError):
        store.write_batch([extraction("a1"), broken])
    assert store.counts()["articles"] == 0


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"source": "yuzhang"}, ["a1-c1", "b2-c1"]),
        ({"source": "%"}, []),
        ({"source_type": "official_anonymous"}, ["a1-c2", "b2-c2"]),
        ({"certainty": "claimed", "article": "b2"}, ["b2-c1"]),
        ({"figure": "arrested"}, ["a1-c2", "b2-c2"]),
        ({"kind": "analysis"}, []),
        ({"article": "a"}, ["a1-c1", "a1-c2", "a1-h1"]),
        ({"limit": 2}, ["a1-c1", "a1-c2"]),
    ],
)
def test_claim_filters(store, filters, expected):
    store.write_batch([extraction("a1"), extraction("b2")])
    assert [claim.id for claim in store.claims(**filters)] == expected


def test_filters_accept_enums(store):
    from claimscope.records import Certainty, FigureType

    store.write(extraction())
    assert len(store.claims(certainty=Certainty.CLAIMED, figure=FigureType.KILLED)) == 1


def test_dataframe_flattens_figures(store):
    store.write(extraction())
    frame = store.claims_dataframe()
    assert list(frame["id"]) == ["a1-c1", "a1-c2", "a1-h1"]
    merc, officials, _headline = frame.to_dict("records")
    assert merc["killed_best"] == 8 and merc["killed_approx"] is False
    assert merc["source_name"] == "Dian Yuzhang" and merc["article_title"]
    assert merc["published"] == "2024-10-22T09:03:00+01:00"
    arrested = [officials[f"arrested_{field}"] for field in ("low", "best", "high")]
    assert arrested == [3, 5, 9]
    assert officials["deserted_qualifier"] == "some" and pd.isna(officials["deserted_best"])
    assert str(frame["killed_best"].dtype) == "Int64"


def test_empty_dataframe_has_full_schema(store):
    frame = store.claims_dataframe()
    assert frame.empty and "wounded_best" in frame.columns


def test_article_by_prefix_and_missing(store):
    store.write_batch([extraction("abc1"), extraction("abd2")])
    assert store.article("abc").article.id == "abc1"
    assert store.article("zzz") is None
    with pytest.raises(StoreError, match="several"):
        store.article("ab")


def test_rejections_counted_once_per_item(store):
    rejected = Rejected("bad.bin", "ingest", "E002", "the item looks binary, not text")
    store.write_rejection(rejected)
    store.write_rejection(replace(rejected, reason="still binary"))
    (row,) = store.rejections()
    assert (row.item, row.code, row.count, row.reason) == ("bad.bin", "E002", 2, "still binary")
    assert row.first_seen <= row.last_seen and row.last_seen.tzinfo is not None


def test_reopen_keeps_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'again.db'}"
    with Store.open(url) as first:
        first.write(extraction())
    with Store.open(url) as second:
        assert second.counts()["claims"] == 3


# SQLite cannot reflect expression indexes (ix_claims_reading_order): Alembic skips it here, and
# test_migration_0005_gives_old_claims_their_article_date checks that it exists.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrations_match_schema(store):
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        assert context.get_current_revision() == "0007"
        assert compare_metadata(context, metadata) == []


def test_default_url_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMSCOPE_DB", f"sqlite:///{tmp_path / 'env' / 'x.db'}")
    with Store.open() as opened:
        opened.write(extraction())
    assert (tmp_path / "env" / "x.db").exists()


@pytest.mark.parametrize(
    "url", ["not a url", "nosuchdb://x/y", "sqlite:////proc/definitely/not/here.db"]
)
def test_bad_url_is_one_line_error(url):
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    assert "\n" not in str(caught.value)


def test_claim_json_is_the_full_record(store):
    store.write(extraction())
    (claim,) = store.claims(article="a1", figure="killed")
    assert isinstance(claim, Claim) and claim == mercenary_claim()
    assert isinstance(store.article("a1").article, Article)


READING_ORDER = ["early-c1", "early-c2", "early-h1", "late-c1", "late-c2", "late-h1",
                 "undated-c1", "undated-c2", "undated-h1"]


def test_reading_order_across_pages(store):
    store.write_batch(dated_extractions())
    assert [c.id for c in store.claims()] == READING_ORDER
    seen, after = [], None
    while True:
        page = store.claims_page(limit=2, after=after)
        seen += [entry.reviewed.claim.id for entry in page.items]
        if page.next_key is None:
            break
        after = page.next_key
    assert seen == READING_ORDER
    assert [c.id for c in store.claims(certainty="claimed")] == ["early-c1", "late-c1", "undated-c1"]


def test_migration_0005_gives_old_claims_their_article_date(tmp_path):
    from sqlalchemy import create_engine, select

    from claimscope.store.migrate import upgrade
    from claimscope.store.schema import articles, claims

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        upgrade(conn, "0004")
        write_before_0005(conn, dated_extractions())
    engine.dispose()
    with Store.open(url) as migrated:
        with migrated.engine.connect() as conn:
            rows = conn.execute(select(claims.c.published, articles.c.published)
                                .join(articles, articles.c.id == claims.c.article_id)).all()
            indexes = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'"
                                           ).scalars().all()
        assert len(rows) == 9 and all(mine == theirs for mine, theirs in rows)
        assert "ix_claims_reading_order" in indexes
        assert [c.id for c in migrated.claims()] == READING_ORDER
        migrated.write(dated_extractions()[0])  # rewritten by the new writer: same order
        assert [c.id for c in migrated.claims()] == READING_ORDER


def test_claim_pages_read_the_reading_order_index(store):
    from sqlalchemy import select

    from claimscope.store import pages
    from claimscope.store.queries import ClaimFilters, claim_conditions
    from claimscope.store.schema import articles, claims

    store.write_batch(dated_extractions())
    stmt = (select(claims.c.record).join(articles, claims.c.article_id == articles.c.id)
            .where(*claim_conditions(ClaimFilters()))
            .add_columns(*pages.CLAIM_ORDER.labelled()).order_by(*pages.CLAIM_ORDER.by()).limit(3))
    with store.engine.connect() as conn:
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}").all())
    assert "ix_claims_reading_order" in plan and "TEMP B-TREE" not in plan, plan
