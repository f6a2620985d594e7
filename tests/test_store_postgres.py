"""The store against a real PostgreSQL server (127.0.0.1:5432, database ``test``).

Skips, saying why, where no server answers or the psycopg driver is missing. Each run works in
a schema of its own and drops it afterwards, so parallel runs and leftovers cannot collide.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sample_records import dated_extractions, extraction, mercenary_claim, write_before_0005

from claimscope.records import Rejected
from claimscope.store import Store

PG_URL = os.environ.get("CLAIMSCOPE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def pg_schema():
    pytest.importorskip(
        "psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')"
    )
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    schema = f"claimscope_test_{uuid.uuid4().hex[:10]}"
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        engine.dispose()
        pytest.skip(
            f"no PostgreSQL server answers at {PG_URL}: {str(exc.orig).strip().splitlines()[0]}"
        )
    yield schema
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def pg_store(pg_schema):
    # search_path puts every table, alembic_version included, in the test's own schema.
    url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
    with Store.open(url) as store:
        yield store


def test_round_trip_and_upsert(pg_store):
    pg_store.write(extraction())
    pg_store.write(extraction())
    assert pg_store.counts() == {"articles": 1, "claims": 3, "events": 0, "rejections": 0}
    stored = pg_store.article("a1")
    assert stored.article == extraction().article
    assert sorted(stored.claims, key=lambda c: c.id) == sorted(
        extraction().claims, key=lambda c: c.id
    )


def test_filters_and_frame(pg_store):
    pg_store.write_batch([extraction("a1"), extraction("b2")])
    assert [c.id for c in pg_store.claims(source="YUZHANG", figure="killed")] == ["a1-c1", "b2-c1"]
    assert pg_store.claims(article="b2", certainty="claimed") == [mercenary_claim("b2")]
    frame = pg_store.claims_dataframe(article="a1")
    assert frame["killed_best"].tolist()[0] == 8


def test_rejections(pg_store):
    rejected = Rejected("x.bin", "ingest", "E002", "binary")
    pg_store.write_rejection(rejected)
    pg_store.write_rejection(rejected)
    assert [r.count for r in pg_store.rejections() if r.item == "x.bin"] == [2]


def test_reopen_runs_no_migration_twice(pg_store, pg_schema):
    url = f"{PG_URL}?options=-csearch_path%3D{pg_schema}"
    with Store.open(url) as again:
        assert again.counts()["articles"] == pg_store.counts()["articles"]


def test_migrations_match_schema(pg_store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from claimscope.store.migrate import include_name
    from claimscope.store.schema import metadata

    with pg_store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        assert compare_metadata(context, metadata) == []


def test_migration_0005_gives_old_claims_their_article_date(pg_schema):
    from sqlalchemy import create_engine, select, text

    from claimscope.store.migrate import upgrade
    from claimscope.store.schema import articles, claims

    schema = f"{pg_schema}_m5"
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        old = create_engine(url)
        with old.begin() as conn:
            upgrade(conn, "0004")
            write_before_0005(conn, dated_extractions())
        old.dispose()
        with Store.open(url) as migrated:
            with migrated.engine.connect() as conn:
                rows = conn.execute(select(claims.c.published, articles.c.published)
                                    .join(articles, articles.c.id == claims.c.article_id)).all()
            assert len(rows) == 9 and all(mine == theirs for mine, theirs in rows)
            order = [c.id for c in migrated.claims()]
            assert order == [f"{a}-{c}" for a in ("early", "late", "undated")
                             for c in ("c1", "c2", "h1")]
            pages, after = [], None
            while True:
                page = migrated.claims_page(limit=4, after=after)
                pages += [entry.reviewed.claim.id for entry in page.items]
                if page.next_key is None:
                    break
                after = page.next_key
            assert pages == order
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
