"""The API under test: a store seeded with a few project-written articles, on SQLite and on
the PostgreSQL server at 127.0.0.1:5432 (skipped, saying why, where none answers).

The articles are extracted once per session (the first lines of the developing-story corpus
and three event cases, all written for the project); each test then writes those extractions
into a fresh database (a new SQLite file, or a new PostgreSQL schema dropped afterwards), so
tests may write freely.
"""

from __future__ import annotations

import os
import uuid

import pytest
from api_helpers import CASES, CORPUS, Api, make_api

from claimscope.records import Extraction
from claimscope.store import Store

PG_URL = os.environ.get("CLAIMSCOPE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch):
    """argon2id with light parameters: the tests hash a dozen passwords each."""
    from argon2 import PasswordHasher

    from claimscope.store import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def seed(nlp, tmp_path_factory) -> list[Extraction]:
    from claimscope.pipeline import run

    folder = tmp_path_factory.mktemp("seed")
    corpus = folder / "story.jsonl"
    corpus.write_text("".join(CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)[:6]),
                      encoding="utf-8")
    paths = [str(corpus)] + [str(CASES / name) for name in (
        "01_kursk_north_korean_troops.txt", "02_kharkiv_drone_strike.txt",
        "17_pokrovsk_desertion.txt")]
    ids: list[str] = []
    with Store.open(f"sqlite:///{folder / 'seed.db'}") as store:
        summary = run(paths, store=store, nlp=nlp,
                      progress=lambda item: ids.append(item.id) if hasattr(item, "id") else None)
        assert summary.articles == 9 and not summary.rejected, summary.rejected
        return [store.article(article_id) for article_id in ids]


def _pg_schema() -> tuple[str, object]:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    schema = f"claimscope_api_{uuid.uuid4().hex[:10]}"
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        engine.dispose()
        pytest.skip(f"no PostgreSQL server answers at {PG_URL}: "
                    f"{str(exc.orig).strip().splitlines()[0]}")
    return schema, engine


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store(request, tmp_path):
    if request.param == "sqlite":
        with Store.open(f"sqlite:///{tmp_path / 'api.db'}") as store:
            yield store
        return
    from sqlalchemy import text

    schema, engine = _pg_schema()
    try:
        with Store.open(f"{PG_URL}?options=-csearch_path%3D{schema}") as store:
            yield store
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def store(empty_store, seed):
    empty_store.write_batch(seed)
    return empty_store


@pytest.fixture
def api(store, nlp) -> Api:
    return make_api(store, nlp)
