"""The web UI over HTTP, without a browser (these run where Chromium is absent): login and
roles, CSRF on every form, escaping of hostile text, and the pages' building blocks (spans cut
into segments, the basemap, the ledger chart)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from browser_support import HOSTILE_ID, HOSTILE_TEXT, IMG, REVIEWER, SCRIPT, VIEWER
from claimscope.records import (
    Certainty, Claim, ClaimKind, Source, SourceType, TextSpan,
)

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"accept": "text/html"}


def _client(ui_app, account=None) -> tuple[TestClient, str]:
    client = TestClient(ui_app, headers=HTML)
    page = client.get("/login")
    token = _TOKEN.search(page.text).group(1)
    if account is None:
        return client, token
    answer = client.post("/login", data={"csrf_token": token, "username": account[0],
                                         "password": account[1]}, follow_redirects=False)
    assert answer.status_code == 303
    # A fresh session after login: a fresh token.
    return client, _TOKEN.search(client.get("/").text).group(1)


def test_pages_need_a_login(ui_app):
    client = TestClient(ui_app, headers=HTML)
    for path in ("/", "/claims", "/map", "/ledger", "/stories", f"/articles/{HOSTILE_ID}"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")


def test_login_refuses_a_missing_token_and_foreign_next(ui_app):
    client = TestClient(ui_app, headers=HTML)
    client.get("/login")
    answer = client.post("/login", data={"username": REVIEWER[0], "password": REVIEWER[1]})
    assert answer.status_code == 403
    client, token = _client(ui_app)
    answer = client.post("/login", data={"csrf_token": token, "username": REVIEWER[0],
                                         "password": REVIEWER[1], "next": "//evil.example/"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_every_form_without_the_csrf_token_is_refused(ui_app, ui_store):
    client, token = _client(ui_app, REVIEWER)
    claim = ui_store.claims(source="NIS")[0]
    review = f"/claims/{quote(claim.id, safe='')}/review"
    for data in ({"action": "accept"}, {"action": "accept", "csrf_token": "forged"}):
        assert client.post(review, data=data).status_code == 403
    assert client.post("/upload", data={"text": "Officials said two died."}).status_code == 403
    assert client.post("/logout").status_code == 403
    assert ui_store.reviews(claim.id) == []
    # With the token the same form goes through (and is recorded).
    answer = client.post(review, data={"action": "accept", "csrf_token": token},
                         follow_redirects=False)
    assert answer.status_code == 303
    assert [r.action for r in ui_store.reviews(claim.id)] == ["accept"]


def test_viewer_cannot_write(ui_app, ui_store):
    client, token = _client(ui_app, VIEWER)
    claim = ui_store.claims(source="Pavel Kostin")[0]
    review = f"/claims/{quote(claim.id, safe='')}/review"
    assert client.get(review).status_code == 403
    before = len(ui_store.reviews(claim.id))
    assert client.post(review, data={"action": "accept", "csrf_token": token}).status_code == 403
    assert client.post("/upload", data={"text": "x", "csrf_token": token}).status_code == 403
    assert len(ui_store.reviews(claim.id)) == before
    assert 'id="upload"' not in client.get("/").text
    assert client.get("/claims").status_code == 200  # reading is allowed


def test_bad_corrections_are_explained_not_stored(ui_app, ui_store):
    client, token = _client(ui_app, REVIEWER)
    claim = ui_store.claims(source="General Staff")[0]
    review = f"/claims/{quote(claim.id, safe='')}/review"
    before = len(ui_store.reviews(claim.id))
    cases = [
        {"action": "correct", "field": "figure", "figure_type": "killed", "low": "9", "best": "3"},
        {"action": "correct", "field": "certainty", "certainty": "confirmed"},  # no reason
        {"action": "correct", "field": "date", "start": "yesterday", "reason": "r"},
        {"action": "correct", "field": "place", "place_name": "Kharkiv", "latitude": "north",
         "reason": "r"},
    ]
    for data in cases:
        answer = client.post(review, data={**data, "csrf_token": token})
        assert answer.status_code == 400, data
        assert 'class="flash error"' in answer.text
    assert len(ui_store.reviews(claim.id)) == before
    answer = client.post(review, data={"action": "correct", "field": "figure", "csrf_token": token,
                                       "figure_type": "killed", "low": "5", "best": "6",
                                       "high": "8", "reason": "ministry's later statement"})
    assert answer.status_code == 200 and "killed: 5/6/8 (low/best/high)" in answer.text


def test_hostile_text_is_escaped_everywhere(ui_app, ui_store):
    client, _token = _client(ui_app, REVIEWER)
    pages = [f"/articles/{HOSTILE_ID}", f"/claims/{quote(HOSTILE_ID + ':t0', safe='')}/review",
             "/claims?q=twelve", "/"]
    for path in pages:
        text = client.get(path).text
        assert SCRIPT not in text and IMG not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path
        assert 'href="javascript' not in text
    article = client.get(f"/articles/{HOSTILE_ID}").text
    body = re.search(r'<div class="article-text" id="article-text">(.*?)</div>', article, re.S).group(1)
    plain = re.sub(r"<[^>]+>", "", body)
    assert html.unescape(plain) == HOSTILE_TEXT


def test_unknown_pages_answer_in_html(ui_app):
    client, _token = _client(ui_app, REVIEWER)
    answer = client.get("/articles/nothing-here")
    assert answer.status_code == 404 and "<h1>404" in answer.text
    answer = client.get("/no/such/page")
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")


def test_static_assets_are_served_locally(ui_app):
    client = TestClient(ui_app)
    for name in ("style.css", "app.js", "countries-110m.json", "countries-110m.LICENSE.txt"):
        assert client.get(f"/static/{name}").status_code == 200
    page = client.get("/login", headers=HTML).text
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no CDN, nothing remote


# --- building blocks --------------------------------------------------------------------------


def test_segments_cover_overlapping_spans():
    from claimscope.serve.ui_render import segments

    text = "The ministry said <b>ten</b> died."
    claim = Claim("c1", "a", TextSpan(18, 33, text[18:33]),
                  Source("ministry", SourceType.MILITARY, TextSpan(4, 12, "ministry")),
                  TextSpan(13, 17, "said"), Certainty.ASSERTED, ClaimKind.EVENT)
    found = segments(text, [claim])
    assert "".join(s.text for s in found) == text
    assert [(s.text, s.roles) for s in found if s.roles] == [
        ("ministry", ("source",)), ("said", ("cue",)), ("<b>ten</b> died", ("content",))]
    assert all(s.claims == (1,) for s in found if s.roles)
    # Spans past the end are clipped, other fields ignored.
    wild = Claim("c2", "a", TextSpan(30, 99, "x"), Source("x", SourceType.MEDIA, TextSpan(0, 3, "The", "title")),
                 None, Certainty.ASSERTED, ClaimKind.EVENT)
    assert "".join(s.text for s in segments(text, [wild])) == text


def test_basemap_decodes_and_zooms_to_events(ui_store):
    from claimscope.serve.ui_map import countries, event_map

    shapes = {country.name: country for country in countries()}
    assert len(shapes) > 170
    west, south, east, north = shapes["Ukraine"].bbox
    assert 22 < west < 23 and 44 < south < 45.5 and 40 < east < 40.5 and 52 < north < 52.5
    view = event_map(ui_store.events())
    names = {name for name, _d in view.countries}
    assert {"Ukraine", "Russia"} <= names and "Brazil" not in names
    assert sum(p.count for p in view.points) + view.skipped == len(ui_store.events())
    assert not view.world
    assert event_map([]).world


def test_ledger_chart_marks_contradictions(ui_store):
    from claimscope.serve.ui_chart import ledger_chart

    found, _upgrades = ui_store.ledger("killed", "KP")
    chart = ledger_chart(found)
    assert chart is not None and chart.marks
    assert any(mark.contradicted for mark in chart.marks)
    for mark in chart.marks:
        assert chart.left <= mark.x <= chart.right and chart.top <= mark.y <= chart.bottom
    assert chart.best_y is not None


@pytest.mark.parametrize("target,expected", [
    ("/claims?x=1", "/claims?x=1"), ("//evil.example", "/"), ("https://evil.example", "/"),
    ("/\\evil.example", "/"), ("", "/"),
])
def test_next_stays_on_site(target, expected):
    from claimscope.serve.ui import _safe_next

    assert _safe_next(target) == expected
