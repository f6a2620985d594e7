"""Writing through the API: uploads (text, JSON lines, JSON), reviews as versions, exports
with and without unreviewed claims."""

from __future__ import annotations

import csv
import io
import json

from api_helpers import CASES, CORPUS, assert_error

TEXT_CASE = CASES / "05_sudan_el_fasher_shelling.txt"


def test_upload_a_text_file(api):
    before = len(api.store.claims())
    answer = api.post("/api/articles", files={"file": (TEXT_CASE.name, TEXT_CASE.read_bytes(), "text/plain")})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    (stored,) = body["articles"]
    assert stored["claims"] > 0 and body["rejected"] == []
    assert len(api.store.claims()) == before + stored["claims"]
    detail = api.get(f"/api/articles/{stored['id']}").json()
    assert detail["article"]["title"] == stored["title"] and "El Fasher" in detail["article"]["text"]
    # Uploading it again replaces, never duplicates.
    api.post("/api/articles", files={"file": (TEXT_CASE.name, TEXT_CASE.read_bytes(), "text/plain")})
    assert len(api.store.claims()) == before + stored["claims"]


def test_upload_json_lines_with_a_bad_line(api):
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[6:8] + ["{broken"]
    answer = api.post("/api/articles", "admin",
                      files={"file": ("more.jsonl", "\n".join(lines).encode(), "application/x-ndjson")})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert len(body["articles"]) == 2 and [r["code"] for r in body["rejected"]] == ["E007"]
    titles = {json.loads(line)["title"] for line in lines[:2]}
    assert {a["title"] for a in body["articles"]} == titles


def test_upload_one_article_as_json(api):
    article = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[10])
    answer = api.post("/api/articles", json={key: article[key] for key in ("title", "text", "url", "published")})
    assert answer.status_code == 201, answer.text
    (stored,) = answer.json()["articles"]
    found = api.store.article(stored["id"]).article
    assert found.url == article["url"] and found.published is not None


def test_upload_refusals(api):
    assert_error(api.post("/api/articles", json={"url": "https://example.org/a"}), 501,
                 "not_implemented")
    assert_error(api.post("/api/articles", data={"url": "https://example.org/a"}), 501)
    assert_error(api.post("/api/articles", json={"title": "no body"}), 422, "validation_error")
    assert_error(api.post("/api/articles", json={"text": 5}), 422, "validation_error")
    error = assert_error(api.post("/api/articles", files={"file": ("x.bin", b"\x00\x01" * 50, "x")}),
                         422, "rejected")
    assert error["detail"][0]["code"] == "E002"
    assert_error(api.post("/api/articles", content=b"text", headers={"content-type": "text/plain"}),
                 415, "unsupported_media_type")


# --- reviews ---------------------------------------------------------------------------------

def _claim_with_figure(api, figure="killed"):
    return next(c for c in api.store.claims(figure=figure) if c.origin.value == "body")


def test_reviews_are_versions_with_corrections_applied(api):
    claim = _claim_with_figure(api)
    url = f"/api/claims/{claim.id}/reviews"
    first = api.post(url, json={"action": "correct", "field": "certainty", "value": "confirmed",
                                "reason": "checked against the ministry's statement"})
    assert first.status_code == 201, first.text
    figure = claim.figures[0]
    api.post(url, json={"action": "correct", "field": "figure", "reason": "range given later",
                        "value": {"type": figure.type.value, "low": 1, "best": 2, "high": 3}})
    api.post(url, json={"action": "correct", "field": "place", "value": "Kozinka", "reason": "map"})
    api.post(url, json={"action": "correct", "field": "date", "value": "2026-03-05", "reason": "dated"})
    detail = api.post(url, "admin", json={"action": "accept"}).json()

    assert [r["version"] for r in detail["reviews"]] == [1, 2, 3, 4, 5]
    assert [r["user"] for r in detail["reviews"]] == ["reviewer"] * 4 + ["admin"]
    history = detail["reviews"]
    assert history[0]["old_value"] == claim.certainty.value and history[0]["new_value"] == "confirmed"
    assert history[0]["reason"] == "checked against the ministry's statement" and history[0]["at"]
    assert detail["review"]["status"] == "accepted" and detail["review"]["version"] == 5
    assert detail["claim"]["certainty"] == "confirmed"
    assert detail["claim"]["figures"][0][("low")] == 1 and detail["claim"]["figures"][0]["high"] == 3
    assert detail["claim"]["times"][0]["start"] == "2026-03-05"
    assert detail["review"]["corrections"]["place"]["name"] == "Kozinka"
    # Nothing overwritten: the original stays, in the store and in the answer.
    assert detail["original"]["certainty"] == claim.certainty.value
    assert api.store.claims(article=claim.article_id)[0].certainty is not None
    assert next(c for c in api.store.claims() if c.id == claim.id) == claim
    paged = api.all_pages(f"/api/claims/{claim.id}/reviews", limit=2)
    assert [r["version"] for r in paged] == [1, 2, 3, 4, 5]
    listed = next(i for i in api.all_pages("/api/claims") if i["claim"]["id"] == claim.id)
    assert listed["claim"]["certainty"] == "confirmed" and listed["review"]["status"] == "accepted"


def test_a_correction_of_a_correction_keeps_both(api):
    claim = _claim_with_figure(api)
    url = f"/api/claims/{claim.id}/reviews"
    api.post(url, json={"action": "correct", "field": "source_name", "value": "A", "reason": "r"})
    detail = api.post(url, json={"action": "correct", "field": "source_name", "value": "B",
                                 "reason": "r2"}).json()
    assert [(r["old_value"], r["new_value"]) for r in detail["reviews"]] == [
        (claim.source.name, "A"), ("A", "B")]
    assert detail["claim"]["source"]["name"] == "B" and detail["review"]["status"] == "corrected"


def test_bad_reviews_are_refused(api):
    claim = _claim_with_figure(api)
    url = f"/api/claims/{claim.id}/reviews"
    for body in [
        {"action": "correct", "field": "certainty", "value": "very sure", "reason": "r"},
        {"action": "correct", "field": "source_type", "value": "oracle", "reason": "r"},
        {"action": "correct", "field": "figure", "value": {"type": "killed", "low": 5, "best": 2}, "reason": "r"},
        {"action": "correct", "field": "figure", "value": {"type": "eaten", "best": 2}, "reason": "r"},
        {"action": "correct", "field": "content", "value": "words not in the article", "reason": "r"},
        {"action": "correct", "field": "date", "value": "March", "reason": "r"},
        {"action": "correct", "field": "certainty", "value": "confirmed"},  # no reason
        {"action": "reject", "reason": ""},
        {"action": "accept", "field": "certainty", "value": "confirmed"},
    ]:
        assert_error(api.post(url, json=body), 422), body
    assert api.store.reviews(claim.id) == []
    assert_error(api.post("/api/claims/nope/reviews", json={"action": "accept"}), 404, "not_found")


def test_reviewed_filter(api):
    claims = [c.id for c in api.store.claims()]
    accepted, rejected, corrected = claims[:3]
    api.post(f"/api/claims/{accepted}/reviews", json={"action": "accept"})
    api.post(f"/api/claims/{rejected}/reviews", json={"action": "reject", "reason": "misread"})
    api.post(f"/api/claims/{corrected}/reviews", json={"action": "correct", "field": "certainty",
                                                       "value": "reported", "reason": "r"})
    reviewed = [i["claim"]["id"] for i in api.all_pages("/api/claims", reviewed="true")]
    unreviewed = [i["claim"]["id"] for i in api.all_pages("/api/claims", reviewed="false")]
    assert reviewed == [accepted, corrected]
    assert unreviewed == claims[3:]
    # Rejecting an accepted claim takes it out of the reviewed ones.
    api.post(f"/api/claims/{accepted}/reviews", json={"action": "reject", "reason": "second look"})
    assert [i["claim"]["id"] for i in api.all_pages("/api/claims", reviewed="true")] == [corrected]


# --- exports ---------------------------------------------------------------------------------

def test_claim_export_with_and_without_unreviewed(api):
    claims = [c.id for c in api.store.claims()]
    api.post(f"/api/claims/{claims[1]}/reviews", json={"action": "correct", "field": "certainty",
                                                       "value": "denied", "reason": "r"})
    everything = api.get("/api/export/claims", params={"format": "jsonl"})
    assert everything.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in everything.text.splitlines()]
    assert [r["id"] for r in records] == claims
    assert records[1]["certainty"] == "denied" and records[1]["review"]["status"] == "corrected"
    assert records[0]["review"] == {"status": "unreviewed", "version": 0, "corrections": {}}
    only = api.get("/api/export/claims", params={"format": "jsonl", "reviewed": "true"})
    assert [json.loads(line)["id"] for line in only.text.splitlines()] == [claims[1]]
    table = list(csv.DictReader(io.StringIO(api.get("/api/export/claims", params={"format": "csv"}).text)))
    assert [row["id"] for row in table] == claims
    assert table[1]["review_status"] == "corrected" and table[1]["certainty"] == "denied"
    filtered = api.get("/api/export/claims", params={"format": "csv", "reviewed": "true"}).text
    assert [row["id"] for row in csv.DictReader(io.StringIO(filtered))] == [claims[1]]


def test_event_exports(api):
    count = len(api.store.events())
    jsonl = api.get("/api/export/events", params={"format": "jsonl"})
    assert len(jsonl.text.splitlines()) == count
    geojson = api.get("/api/export/events", params={"format": "geojson"}).json()
    assert geojson["type"] == "FeatureCollection" and geojson["features"]
    for fmt in ("acled", "ucdp"):
        answer = api.get("/api/export/events", params={"format": fmt})
        assert answer.headers["content-type"].startswith("text/csv")
        assert len(list(csv.DictReader(io.StringIO(answer.text)))) == count
    assert_error(api.get("/api/export/events", params={"format": "parquet"}), 422)


def test_cli_export_reviewed_only(api, tmp_path):
    from typer.testing import CliRunner

    from claimscope.cli import app

    if api.store.engine.dialect.name != "sqlite":
        return  # the command line reads the same store code; once is enough
    claim_id = api.store.claims()[0].id
    api.store.review(claim_id, "reviewer", "accept")
    db = api.store.engine.url.render_as_string(hide_password=False)
    out = CliRunner().invoke(app, ["export", "-f", "jsonl", "--reviewed-only", "--db", db])
    assert out.exit_code == 0, out.output
    assert [json.loads(line)["id"] for line in out.stdout.splitlines()] == [claim_id]
    every = CliRunner().invoke(app, ["export", "-f", "jsonl", "--db", db])
    assert len(every.stdout.splitlines()) == len(api.store.claims())
