"""The web UI in headless Chromium: log in, upload, highlighted article, review with its audit
trail, ledger chart, map, stories, inert hostile text, CSRF and roles.

Every test's page fails it if any JavaScript dialog opens or any script error is thrown (see
``conftest.Watched``). Screenshots: ``test-artifacts/*.png``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from browser_support import EXAMPLES, HOSTILE_ID, HOSTILE_TEXT, IMG, REVIEWER, SCRIPT, VIEWER


def _claim_path(claim_id: str) -> str:
    return quote(claim_id, safe="")


def test_login_required_then_login_and_logout(web):
    web.go("/claims")
    assert "/login" in web.page.url  # pages need an account
    web.page.fill("input[name=username]", REVIEWER[0])
    web.page.fill("input[name=password]", "wrong password")
    web.page.click("form[action='/login'] button[type=submit]")
    assert web.page.locator(".flash.error").inner_text().startswith("Wrong user name")
    web.page.fill("input[name=password]", REVIEWER[1])
    web.page.click("form[action='/login'] button[type=submit]")
    web.page.wait_for_url(re.compile(r"/claims$"))  # back where the user was going
    assert web.page.locator("header .who").inner_text().startswith(REVIEWER[0])
    web.shot("claims-table")
    web.page.click("header .who button")
    web.page.wait_for_url(re.compile(r"/login"))
    web.go("/")
    assert "/login" in web.page.url


def test_upload_article_shows_highlighted_spans(web):
    web.login(*REVIEWER)
    web.go("/")
    web.page.set_input_files("#upload input[type=file]", str(EXAMPLES / "fuel_depot_strike.txt"))
    with web.page.expect_navigation(timeout=180_000):
        web.page.click("#upload button[type=submit]")
    assert "/articles/" in web.page.url
    assert "Article ingested" in web.page.locator(".flash").inner_text()
    text = web.page.locator("#article-text")
    assert text.locator(".hl-source").count() >= 3
    assert text.locator(".hl-cue").count() >= 3
    assert text.locator(".hl-content").count() >= 3
    assert "Russia's defence ministry" in text.locator(".hl-source").all_inner_texts()
    assert "claimed" in text.locator(".hl-cue").all_inner_texts()
    # Distinct colours per role, and a legend naming them.
    colours = {role: web.page.locator(f"#article-text .hl-{role}").first.evaluate(
        "el => getComputedStyle(el).backgroundColor") for role in ("source", "cue", "content")}
    assert len(set(colours.values())) == 3, colours
    assert web.page.locator(".legend .hl-source").inner_text() == "source"
    # Claim cards: attribution chain, certainty, figures; events listed.
    cards = web.page.locator("article.claim")
    assert cards.count() >= 5
    ministry = cards.filter(has_text="Russia's defence ministry").first
    assert "unverified_flagged" in ministry.inner_text()
    assert "killed: up to 30" in ministry.inner_text()
    assert ministry.locator(".chain li").count() >= 2
    assert web.page.locator("#events").inner_text().endswith("events")
    # Hovering a highlighted span lights its claim card (app.js).
    web.page.locator("#article-text [data-claims]").first.hover()
    assert web.page.locator("article.claim.lit").count() >= 1
    web.shot("article-highlighted")


def test_correct_certainty_and_find_the_audit_entry(web, ui_store):
    claim = next(c for c in ui_store.claims(source="Pavel Kostin") if c.figures)
    web.login(*REVIEWER)
    web.go(f"/claims/{_claim_path(claim.id)}/review")
    form = web.page.locator("#form-certainty")
    new = "confirmed" if claim.certainty.value != "confirmed" else "reported"
    form.locator("select[name=certainty]").select_option(new)
    form.locator("input[name=reason]").fill("governor's office confirmed it by phone")
    form.locator("button[type=submit]").click()
    web.page.wait_for_url(re.compile(r"/review\?done=1"))
    assert web.page.locator("#current-certainty").inner_text() == new
    row = web.page.locator("#audit tr.audit-row").first
    cells = row.locator("td").all_inner_texts()
    assert cells[2] == REVIEWER[0] and cells[3] == "correct" and cells[4] == "certainty"
    assert cells[5] == claim.certainty.value and cells[6] == new
    assert cells[7] == "governor's office confirmed it by phone"
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", cells[1])
    # Accept afterwards: a new version, the correction stays in the history.
    web.page.locator("#form-accept button").click()
    web.page.wait_for_url(re.compile(r"/review\?done=1"))
    assert web.page.locator("#audit tr.audit-row").count() == 2
    assert "accepted" in web.page.locator("h1 .badge").inner_text()
    web.shot("review-audit")
    # The claims table filters by review status.
    web.go("/claims?status=accepted")
    assert web.page.locator(f"#claims-table tr[data-claim-id='{claim.id}']").count() == 1


def test_form_without_csrf_token_is_refused(web, ui_store):
    claim = ui_store.claims(source="NIS")[0]
    web.login(*REVIEWER)
    web.go(f"/claims/{_claim_path(claim.id)}/review")
    web.page.locator("#form-reject input[name=reason]").fill("no token")
    web.page.evaluate("document.querySelector('#form-reject input[name=csrf_token]').remove()")
    with web.page.expect_navigation() as navigation:
        web.page.locator("#form-reject button").click()
    assert navigation.value.status == 403
    assert "security token" in web.page.locator("main").inner_text()
    assert ui_store.reviews(claim.id) == []


def test_viewer_sees_pages_but_cannot_write(web, ui_store):
    claim = ui_store.claims(source="NIS")[0]
    web.login(*VIEWER)
    web.go("/")
    assert web.page.locator("#upload").count() == 0  # no upload form for a viewer
    response = web.go(f"/claims/{_claim_path(claim.id)}/review")
    assert response.status == 403
    answer = web.page.request.post(web.base_url + "/upload", multipart={"text": "x"})
    assert answer.status == 403
    assert ui_store.reviews(claim.id) == []


def test_hostile_article_renders_inert(web):
    web.login(*REVIEWER)
    web.go(f"/articles/{HOSTILE_ID}")
    web.page.wait_for_timeout(300)  # give any injected script a chance to run
    body = web.page.locator("#article-text")
    shown = body.inner_text()
    assert SCRIPT in shown and IMG in shown and "<b>two hours</b> & more" in shown
    assert shown == HOSTILE_TEXT
    assert web.page.locator("#article-title").inner_text().count(SCRIPT) == 1
    # Nothing from the text became an element: no script, img or b inside the article.
    assert body.locator("script, img, b").count() == 0
    assert web.page.locator("#article-title script").count() == 0
    assert web.page.locator("main img").count() == 0
    # Highlighted spans cover the hostile parts and stay text too.
    assert any(IMG in t for t in body.locator(".hl-source").all_inner_texts())
    assert any(SCRIPT in t for t in body.locator(".hl-content").all_inner_texts())
    # The javascript: URL is not a link target.
    assert web.page.locator("a[href^='javascript']").count() == 0
    assert SCRIPT in web.page.locator("article.claim").first.inner_text()
    web.shot("hostile-article-inert")
    # The same text in the claims table and on the review page.
    web.go("/claims?q=twelve+soldiers")
    assert SCRIPT in web.page.locator("#claims-table").inner_text()
    web.go(f"/claims/{_claim_path(HOSTILE_ID + ':t0')}/review")
    assert SCRIPT in web.page.locator("#review-context").inner_text()
    assert web.page.locator("#review-context script, #review-context img").count() == 0


def test_pasted_hostile_text_goes_through_the_pipeline_inert(web):
    web.login(*REVIEWER)
    web.go("/")
    text = (f"Shelling near Kupiansk {SCRIPT}\n\n"
            "Officials said on Monday that eight soldiers were killed in shelling near Kupiansk, "
            f"the regional governor wrote on Telegram. {SCRIPT} {IMG}\n\n"
            "The army's general staff said that 14 people were wounded in the attack.")
    web.page.fill("#upload textarea[name=text]", text)
    with web.page.expect_navigation(timeout=180_000):
        web.page.click("#upload button[type=submit]")
    web.page.wait_for_timeout(300)
    assert "/articles/" in web.page.url
    shown = web.page.locator("#article-text").inner_text()
    assert SCRIPT in shown and IMG in shown
    assert SCRIPT in web.page.locator("#article-title").inner_text()
    assert web.page.locator("#article-text .hl-content").count() >= 1
    assert web.page.locator("main script, main img").count() == 0


def test_ledger_chart(web):
    web.login(*REVIEWER)
    web.go("/ledger?figure=killed&actor=North+Korea")
    chart = web.page.locator("svg#ledger-chart")
    assert chart.count() == 1
    assert chart.locator("circle.point").count() >= 3
    assert chart.locator(".contra-ring").count() >= 1  # contradicted figures are marked
    assert chart.locator("line.best").count() == 1
    assert web.page.locator("#ledger-table tbody tr").count() >= 3
    assert "contradicts" in web.page.locator("#ledger-table").inner_text()
    web.shot("ledger-chart")


def test_map_shows_events_on_country_outlines(web):
    web.login(*REVIEWER)
    web.go("/map")
    svg = web.page.locator("svg#event-map")
    assert svg.locator("path.land").count() >= 10
    points = svg.locator("circle.event")
    assert points.count() >= 5
    assert int(web.page.locator("svg#event-map circle.event").first.get_attribute("data-count")) >= 1
    colours = {points.nth(i).get_attribute("fill") for i in range(points.count())}
    assert len(colours) >= 3  # coloured by type
    names = svg.locator("path.land title").all_text_contents()
    assert "Ukraine" in names and "Russia" in names
    points.last.hover()
    tooltip = web.page.locator(".tooltip")
    assert tooltip.is_visible() and tooltip.inner_text().strip()
    web.shot("map")
    # Filtered by type: only that colour left.
    web.go("/map?type=Battles")
    kinds = set(web.page.locator("svg#event-map circle.event").evaluate_all(
        "els => els.map(e => e.dataset.type)"))
    assert kinds == {"Battles"}


def test_stories_and_provenance_tree(web):
    web.login(*REVIEWER)
    web.go("/stories")
    rows = web.page.locator("#stories-table tbody tr")
    assert rows.count() >= 3
    rows.first.locator("a").click()
    web.page.wait_for_load_state()
    assert "/stories/" in web.page.url
    trees = web.page.locator(".tree-card")
    assert trees.count() >= 1
    assert web.page.locator(".badge.circular").count() >= 1  # many outlets, one root
    assert "Ukraine's military intelligence agency" in web.page.locator("main").inner_text()
    web.shot("story-provenance")
    web.go("/")
    assert web.page.locator(".stat").count() >= 5
    web.shot("dashboard")
