"""The pipeline with a stand-in extractor: batching, rejections, a failing article."""

from __future__ import annotations

import pytest
from sample_records import fake_extract, plain_article

from claimscope.pipeline import run_items
from claimscope.records import Article, Rejected
from claimscope.store import Store


@pytest.fixture
def store():
    with Store.open("sqlite://") as opened:
        yield opened


def articles(count: int, *, boom: set[int] = frozenset()) -> list[Article]:
    return [
        plain_article(
            f"art{i}", f"Officials said item {i} arrived." + (" BOOM" if i in boom else "")
        )
        for i in range(count)
    ]


def test_articles_claims_and_rejections_are_stored(store):
    rejected = Rejected("bad.bin", "ingest", "E002", "the item looks binary, not text")
    seen: list[object] = []
    summary = run_items(
        [*articles(3)[:2], rejected, articles(3)[2]],
        store=store,
        extract=fake_extract,
        batch_size=2,
        progress=seen.append,
    )
    assert (summary.articles, summary.claims, summary.rejected) == (3, 3, (rejected,))
    assert store.counts() == {"articles": 3, "claims": 3, "events": 0, "rejections": 1}
    assert seen[2] == rejected and len(seen) == 4
    assert summary.seconds >= 0


@pytest.mark.parametrize("n_process", [1, 2])
def test_failing_article_is_e009_and_the_run_goes_on(store, n_process):
    summary = run_items(
        articles(40, boom={5, 33}),
        store=store,
        extract=fake_extract,
        n_process=n_process,
        batch_size=4,
    )
    assert summary.articles == 38
    assert [(r.item, r.code, r.stage) for r in summary.rejected] == [
        ("art5.txt", "E009", "extract"),
        ("art33.txt", "E009", "extract"),
    ]
    assert "RuntimeError: extractor exploded" in summary.rejected[0].reason
    assert {r.item for r in store.rejections()} == {"art5.txt", "art33.txt"}
    assert store.article("art6") is not None and store.article("art5") is None


def test_read_ahead_extractor_retries_only_what_was_in_flight(store):
    calls: list[int] = []

    def greedy(items, **options):
        # Reads the whole input before yielding, like a process pool with a deep queue.
        batch = list(items)
        calls.append(len(batch))
        yield from fake_extract(batch, **options)

    summary = run_items(articles(6, boom={2}), store=store, extract=greedy)
    assert summary.articles == 5 and calls == [6, 1, 1, 1, 1, 0]


def test_extractor_failing_before_reading_is_raised(store):
    def broken(items, **options):
        raise OSError("model not found")
        yield  # pragma: no cover

    with pytest.raises(OSError, match="model not found"):
        run_items(articles(2), store=store, extract=broken)


def test_writes_in_batches(store, monkeypatch):
    batches: list[int] = []
    write = store.write_batch
    monkeypatch.setattr(
        store, "write_batch", lambda ex, rej=(), also=None: batches.append(len(ex)) or write(ex, rej, also=also)
    )
    run_items(articles(10), store=store, extract=fake_extract, batch_size=1)
    assert batches == [4, 4, 2]


def test_model_name_is_passed_to_the_extractor(store):
    received: dict[str, object] = {}

    def spy(items, **options):
        received.update(options)
        yield from fake_extract(items)

    run_items(articles(1), store=store, extract=spy, model="my_model", n_process=2)
    assert received["model"] == "my_model" and received["n_process"] == 2


def test_a_failing_resolve_stage_keeps_the_article_and_records_e011(tmp_path, monkeypatch):
    import claimscope.resolve as resolve_stage
    from claimscope.ingest.plaintext import parse_plain_article

    def broken(extraction, **_options):
        raise RuntimeError("gazetteer unreadable")

    monkeypatch.setattr(resolve_stage, "resolve_extraction", broken)
    article = parse_plain_article("Strike on depot\n\nRussian drones struck a depot near Kharkiv "
                                  "on Tuesday, killing three people, the governor said.\n")
    with Store.open(f"sqlite:///{tmp_path / 'r.db'}") as store:
        summary = run_items([article], store=store)
        assert summary.articles == 1 and store.counts()["events"] >= 1
        (problem,) = summary.rejected
        assert (problem.stage, problem.code) == ("resolve", "E011")
        assert "gazetteer unreadable" in problem.reason
