"""Reading through the API: cursor pagination, filters, search, articles, events, stories,
ledger, and the one error shape."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from dataclasses import replace

import pytest
from api_helpers import assert_error

from claimscope.records import Article


def _ids(items: list[dict]) -> list[str]:
    return [item["claim"]["id"] for item in items]


def test_claim_pages_cover_every_claim_once_in_reading_order(api):
    expected = [claim.id for claim in api.store.claims()]
    for limit in (1, 7, 500):
        found = _ids(api.all_pages("/api/claims", limit=limit))
        assert found == expected


def test_pages_are_stable_under_inserts(api, seed):
    before = [claim.id for claim in api.store.claims()]
    first = api.get("/api/claims", params={"limit": 10}).json()
    # New articles whose claims sort before, among and after the ones already listed.
    extra = []
    for n, source in enumerate(seed[:3]):
        article = replace(source.article, id=f"zz-new-{n}", url=None,
                          published=(seed[-1 - n].article.published))
        claims = tuple(replace(c, id=f"zz-new-{n}-{c.id}", article_id=article.id)
                       for c in source.claims)
        extra.append(replace(source, article=article, claims=claims, events=()))
    api.store.write_batch(extra)
    rest = api.all_pages("/api/claims", limit=10, cursor=first["next_cursor"])
    seen = _ids(first["items"]) + _ids(rest)
    assert len(seen) == len(set(seen))  # no duplicates
    assert [i for i in seen if i in set(before)] == before  # no gaps, same order


def test_article_and_event_pages(api):
    articles = api.all_pages("/api/articles", limit=4)
    assert len(articles) == 9 == len({a["id"] for a in articles})
    dated = [datetime.fromisoformat(a["published"]) for a in articles if a["published"]]
    assert dated == sorted(dated, reverse=True)  # newest first
    assert sum(a["claims"] for a in articles) == len(api.store.claims())
    events = api.all_pages("/api/events", limit=5)
    assert [e["event"]["id"] for e in events] == [e["event"]["id"] for e in api.all_pages("/api/events")]
    assert len(events) == len(api.store.events()) and all(e["article"]["id"] for e in events)


@pytest.mark.parametrize("params", [
    {"source_type": "military"}, {"certainty": "claimed"}, {"figure": "killed"},
    {"kind": "analysis"}, {"source": "intelligence"}, {"figure": "killed", "certainty": "claimed"},
])
def test_claim_filters_match_the_store(api, params):
    found = _ids(api.all_pages("/api/claims", **params))
    assert found == [claim.id for claim in api.store.claims(**params)]
    assert found  # every filter above keeps something in the seed


def test_article_filter_takes_a_prefix(api):
    article_id = api.store.claims()[0].article_id
    found = api.all_pages("/api/claims", article=article_id[:8])
    assert found and {item["claim"]["article_id"] for item in found} == {article_id}


def test_search_finds_every_word(api):
    hits = api.all_pages("/api/search", q="North Korean soldiers")
    assert hits
    for item in hits:
        text = item["claim"]["content"]["text"].lower()
        assert "north" in text and "korean" in text and "soldier" in text
    assert _ids(hits) == _ids(api.all_pages("/api/claims", q="North Korean soldiers"))
    # Stemmed: "killing" finds "killed" too, and punctuation is never a syntax error.
    assert api.all_pages("/api/search", q="killing")
    assert api.get("/api/search", params={"q": 'AND ( " NEAR * -'}).status_code == 200
    assert api.get("/api/search", params={"q": "zzyzx"}).json() == {"items": [], "next_cursor": None}


def test_search_follows_reingest(api, seed):
    word = "Kozinka"
    before = _ids(api.all_pages("/api/search", q=word))
    assert before
    first = seed[0]
    changed = replace(first, claims=tuple(c for c in first.claims if word not in c.content.text))
    api.store.write(changed)
    after = _ids(api.all_pages("/api/search", q=word))
    assert not set(after) & {c.id for c in first.claims}
    api.store.write(first)
    assert sorted(_ids(api.all_pages("/api/search", q=word))) == sorted(before)


def test_article_detail_has_claims_and_events(api):
    article_id = api.store.claims()[0].article_id
    body = api.get(f"/api/articles/{article_id[:10]}").json()
    assert body["article"]["id"] == article_id and body["article"]["text"]
    assert [c["claim"]["id"] for c in body["claims"]] == [c.id for c in api.store.claims(article=article_id)]
    assert all(c["review"]["status"] == "unreviewed" for c in body["claims"])
    assert len(body["events"]) == len(api.store.events(article=article_id))


def test_event_filters(api):
    countries = {e.place.country for e in api.store.events() if e.place and e.place.country}
    assert countries
    for country in countries:
        found = api.all_pages("/api/events", country=country.lower())
        assert found and all(e["event"]["place"]["country"] == country for e in found)
    dated = [e for e in api.store.events() if e.time.start]
    day = min(e.time.start for e in dated)
    found = api.all_pages("/api/events", since=day.isoformat(), until=day.isoformat())
    assert found and all(e["event"]["time"]["start"] <= day.isoformat() for e in found)
    code = api.store.events()[0].code
    assert all(e["event"]["code"] == code for e in api.all_pages("/api/events", type=code))


def test_stories_and_story_detail(api):
    stories = api.all_pages("/api/stories", limit=2)
    assert len(stories) == len(api.store.stories()) == len({s["id"] for s in stories})
    top = stories[0]
    assert top["articles"] == max(s["articles"] for s in stories) and top["articles"] >= 2
    detail = api.get(f"/api/stories/{top['id']}").json()
    assert len(detail["event_items"]) == top["events"] and detail["root_sources"]
    assert len(api.all_pages("/api/stories", min_articles=2)) == len(api.store.stories(min_articles=2))


def test_provenance_and_ledger(api):
    ledger = api.get("/api/ledger", params={"figure": "killed"}).json()
    assert ledger["items"] and ledger["figure_type"] == "killed" and ledger["derivation"]
    assert ledger["best"] is not None
    claim_id = ledger["items"][0]["claim_id"]
    group = api.get(f"/api/claims/{claim_id}/provenance").json()
    assert claim_id in {m["claim_id"] for m in group["members"]} and group["roots"]
    paged = api.all_pages("/api/ledger", figure="killed", limit=1)
    assert [r["claim_id"] for r in paged] == [r["claim_id"] for r in ledger["items"]]
    by_actor = api.get("/api/ledger", params={"figure": "killed", "actor": "North Korea"}).json()
    assert by_actor["items"]
    assert_error(api.get("/api/ledger", params={"figure": "killed", "actor": "Atlantis"}), 422)


# --- errors: one shape -----------------------------------------------------------------------

def test_not_found_is_the_error_shape(api):
    assert_error(api.get("/api/claims/no-such-claim"), 404, "not_found")
    assert_error(api.get("/api/articles/no-such-article"), 404, "not_found")
    assert_error(api.get("/api/stories/no-such-story"), 404, "not_found")
    assert_error(api.get("/api/claims/no-such-claim/provenance"), 404, "not_found")
    assert_error(api.get("/api/nothing-here"), 404, "not_found")
    assert_error(api.client.delete("/api/claims", headers=api.headers("admin")), 405,
                 "method_not_allowed")


def test_validation_errors_are_the_error_shape(api):
    error = assert_error(api.get("/api/claims", params={"limit": 0}), 422, "validation_error")
    assert error["detail"][0]["loc"] == ["query", "limit"]
    assert_error(api.get("/api/claims", params={"certainty": "sure"}), 422, "validation_error")
    assert_error(api.get("/api/events", params={"since": "yesterday"}), 422, "validation_error")
    assert_error(api.get("/api/ledger"), 422, "validation_error")
    assert_error(api.get("/api/search"), 422, "validation_error")
    claim_id = api.store.claims()[0].id
    assert_error(api.post(f"/api/claims/{claim_id}/reviews", json={"action": "bless"}), 422,
                 "validation_error")
    assert_error(api.post(f"/api/claims/{claim_id}/reviews", content=b"{not json",
                          headers={"content-type": "application/json"}),
                 422, "validation_error")


@pytest.mark.parametrize("cursor", [
    "garbage!", base64.urlsafe_b64encode(b'["articles", [false, null, "x"]]').decode(),
    base64.urlsafe_b64encode(b'["claims", [1, 2]]').decode(),
    base64.urlsafe_b64encode(b'["claims", ["x", "not a date", 3, "y"]]').decode(),
])
def test_foreign_or_broken_cursors_are_400(api, cursor):
    assert_error(api.get("/api/claims", params={"cursor": cursor}), 400, "invalid_cursor")


def test_cursor_is_opaque_base64_of_the_sort_key(api):
    cursor = api.get("/api/claims", params={"limit": 1}).json()["next_cursor"]
    listing, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert listing == "claims" and key[-2:] == [api.store.claims()[0].article_id, 0]


def test_openapi_schema_lists_the_resources(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/claims",
                 "/api/claims/{claim_id}", "/api/claims/{claim_id}/reviews", "/api/events",
                 "/api/stories", "/api/stories/{story_id}", "/api/ledger", "/api/search",
                 "/api/export/claims", "/api/export/events"):
        assert path in paths, path
    assert "post" in paths["/api/articles"] and "post" in paths["/api/claims/{claim_id}/reviews"]


def test_articles_carry_their_header(api):
    item = api.get("/api/claims", params={"limit": 1}).json()["items"][0]
    article = api.store.article(item["claim"]["article_id"]).article
    assert isinstance(article, Article) and item["article"]["title"] == article.title
