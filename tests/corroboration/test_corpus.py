"""The developing-story corpus (``corpus.jsonl``, written for the project) through the whole
pipeline, checked against ``expected.json``: copies, claim groups with their roots, outlets and
circular flags, contradictions, certainty upgrades, headline drift, the ledger, unrelated news.

Expectations the extractor is known to miss are listed in ``expected.json`` under
``known_extractor_misses`` and are not checked here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimscope.pipeline import run
from claimscope.store import Store

HERE = Path(__file__).parent
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('corroboration') / 'story.db'}"
    with Store.open(url) as opened:
        summary = run([str(HERE / "corpus.jsonl")], store=opened)
        assert summary.articles == len(EXPECTED["articles"]) and not summary.rejected
        yield opened


@pytest.fixture(scope="module")
def index(store):
    """url -> article id, and (url, text) -> the body claim holding that text."""
    by_url = {}
    for claim in store.claims():
        article = store.article(claim.article_id).article if claim.article_id not in by_url.values() else None
        if article is not None:
            by_url[article.url] = article.id
    return by_url, store.claims()


def body_claim(index, url, contains):
    by_url, claims = index
    found = [c for c in claims if c.article_id == by_url[url] and c.origin.value == "body"
             and contains in c.content.text]
    assert len(found) == 1, f"{url}: {contains!r} -> {[c.content.text for c in found]}"
    return found[0]


def test_copies_count_once(store, index):
    by_url, _ = index
    copy_of = {article: original for article, original, _ in store.copies()}
    for urls in EXPECTED["copies"]:
        original, *others = urls
        for url in others:
            assert copy_of.get(by_url[url]) == by_url[original], url
    for first, second in EXPECTED["not_copies"]:
        assert copy_of.get(by_url[second]) != by_url[first]
        assert copy_of.get(by_url[first]) != by_url[second]


@pytest.mark.parametrize("expected", EXPECTED["claim_groups"], ids=lambda g: g["name"][:40])
def test_claim_groups_roots_outlets_and_circular_flag(store, index, expected):
    members = [body_claim(index, m["url"], m["content_contains"]) for m in expected["members"]]
    groups = {store.group_of(claim.id).id for claim in members}
    assert len(groups) == 1, f"members spread over {len(groups)} groups"
    found = store.group_of(members[0].id)
    assert found.quantity.figure_type.value == expected["figure_type"]
    assert found.independent_roots == expected["independent_roots"], [r.name for r in found.roots]
    assert len(found.outlets) == expected["outlets_repeating"], found.outlets
    assert found.circular is expected["circular"]
    for root in expected["roots"]:
        assert any(root["name_contains"].lower() in r.name.lower() or root["name_contains"].lower() in r.key
                   for r in found.roots), (root, [r.name for r in found.roots])


def _ledger_rows(store, figure_type):
    """Each claim id -> the ledger row (root statement) it belongs to."""
    ledger, upgrades = store.ledger(figure_type)
    return {claim_id: row for row in ledger.rows for claim_id in row.claim_ids}, upgrades


def test_contradictions_are_flagged_and_different_quantities_are_not(store, index):
    rows, _ = _ledger_rows(store, "killed")
    for pair in EXPECTED["contradictions"]:
        a = body_claim(index, pair["a"]["url"], pair["a"]["content_contains"])
        b = body_claim(index, pair["b"]["url"], pair["b"]["content_contains"])
        assert b.id in rows[a.id].contradicted_by, pair["why"]
    for pair in EXPECTED["not_contradictions"]:
        a = body_claim(index, pair["a"]["url"], pair["a"]["content_contains"])
        b = body_claim(index, pair["b"]["url"], pair["b"]["content_contains"])
        flagged = set(rows[a.id].contradicted_by) if a.id in rows else set()
        assert b.id not in flagged, pair["why"]


def test_certainty_upgraded_in_repetition(store, index):
    found = set()
    for figure_type in ("killed", "wounded"):
        _, upgrades = _ledger_rows(store, figure_type)
        found |= {(u.before.claim_id, u.after.claim_id) for u in upgrades}
    for upgrade in EXPECTED["certainty_upgrades"]:
        before = body_claim(index, upgrade["from"]["url"], upgrade["from"]["content_contains"])
        after = body_claim(index, upgrade["to"]["url"], upgrade["to"]["content_contains"])
        assert (before.certainty.value, after.certainty.value) == (
            upgrade["from"]["certainty"], upgrade["to"]["certainty"])
        assert any(a == after.id for _, a in found), upgrade["root"]


def test_headline_drift(store, index):
    by_url, _ = index
    drifted = {drift.article_id: drift for drift in store.headline_drift()}
    for expected in EXPECTED["headline_drift"]:
        assert by_url[expected["url"]] in drifted, expected["headline_says"]
    for url in EXPECTED["no_headline_drift"]:
        assert by_url[url] not in drifted, (url, drifted.get(by_url[url]))


def test_ledger_rows_for_the_main_quantity(store, index):
    expected = EXPECTED["ledger"]
    ledger, _ = store.ledger(expected["figure_type"], "KP")
    rows = [row.member for row in ledger.rows]
    for row in expected["rows"]:
        assert any(row["source_contains"].lower() in m.root_name.lower() or row["source_contains"].lower() in m.root_key
                   for m in rows if (m.low, m.best, m.high) == (row["low"], row["best"], row["high"])), row
    ids = {m.claim_id for m in rows}
    for item in expected["must_not_include"]:
        claim = body_claim(index, item["url"], item["content_contains"])
        assert claim.id not in ids, item["why"]


def test_unrelated_articles_join_no_story_group(store, index):
    by_url, _ = index
    unrelated = {by_url[url] for url in EXPECTED["unrelated"]}
    for found in store.groups():
        articles = {m.article_id for m in found.members}
        if articles & unrelated:
            assert articles <= unrelated or len(articles - unrelated) == 0, found.id
