"""The sample article from ../shared, read as a user's file: the claims the claims issue lists.

Skipped where ../shared is absent; the repository carries no copy of the article.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from claimscope.extract import extract_article, load_nlp
from claimscope.ingest.plaintext import parse_plain_article

pytestmark = pytest.mark.needs_shared


@pytest.fixture(scope="module")
def extraction(shared_dir):
    path = shared_dir / "samples" / "seed_article.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    article = parse_plain_article(path.read_text(encoding="utf-8"), origin_path=str(path))
    return extract_article(article, nlp=load_nlp())


def body_claim(extraction, needle):
    found = [c for c in extraction.claims if c.origin.value == "body" and needle in c.content.text]
    assert found, f"no body claim contains {needle!r}: {[c.content.text for c in extraction.claims]}"
    return found[0]


def test_metadata(extraction):
    article = extraction.article
    assert article.title.startswith("North Korean Troops Already Suffer Losses")
    assert article.author == "Kathrine Frich"
    assert article.published == datetime(2024, 10, 22, 9, 3, tzinfo=timezone(timedelta(hours=1)))
    assert article.published_zone == "CET"
    assert article.section == "War"


def test_deployment_confirmed_by_intelligence(extraction):
    claim = body_claim(extraction, "trained in Russia and then deployed")
    assert claim.source.name == "South Korean intelligence"
    assert claim.source.type.value == "intelligence"
    assert claim.cue.text == "confirmed" and claim.certainty.value == "confirmed"


def test_kursk_is_the_outlets_own_statement(extraction):
    claim = body_claim(extraction, "sent to the Russian Kursk region")
    assert claim.source.type.value == "outlet" and claim.certainty.value == "asserted"


def test_mercenary_claims_casualties(extraction):
    claim = body_claim(extraction, "already faced casualties")
    assert claim.source.name == "Dian Yuzhang"
    assert claim.source.type.value == "combatant"
    assert "mercenary" in claim.source.description
    assert claim.cue.text == "claimed" and claim.certainty.value == "claimed"


def test_eight_died_in_a_single_day_with_its_chain(extraction):
    claim = body_claim(extraction, "eight people died")
    assert claim.source.name == "Dian Yuzhang" and claim.source.type.value == "combatant"
    assert claim.cue.text == "revealed" and claim.certainty.value == "asserted"
    assert [(f.type.value, f.low, f.best, f.high) for f in claim.figures] == [("killed", 8, 8, 8)]
    roles = [link.role for link in claim.chain]
    assert roles[0] == "source" and roles[-1] == "outlet"
    channels = " / ".join(link.name for link in claim.chain if link.role == "channel")
    assert "conversation with another mercenary" in channels and "social media" in channels
    assert any(t.span.text == "in a single day" and t.precision.value == "unknown" for t in claim.times)


def test_desertion_according_to_additional_sources(extraction):
    claim = body_claim(extraction, "attempted to flee")
    assert claim.source.name == "additional sources"
    assert claim.source.type.value == "official_anonymous"
    assert claim.cue.text.lower() == "according to" and claim.certainty.value == "asserted"
    assert [(f.type.value, f.qualifier) for f in claim.figures] == [("deserted", "some")]


def test_arrests_are_one_claim_with_several(extraction):
    claims = [c for c in extraction.claims if "were arrested after trying to escape" in c.content.text]
    assert len(claims) == 1, "the teaser repeats the body sentence: it must count once"
    claim = claims[0]
    assert claim.certainty.value == "asserted"
    assert [(f.type.value, f.low, f.best, f.high, f.approx) for f in claim.figures] == [
        ("arrested", 3, 5, 9, True)]
    assert "highlighting" not in claim.content.text  # the outlet's interpretation is cut off


def test_defectors_reportedly_sent_back(extraction):
    claim = body_claim(extraction, "sent back to the front lines")
    assert claim.source.type.value == "outlet" and claim.certainty.value == "reported"


def test_analysis_is_labelled(extraction):
    assert body_claim(extraction, "underscores the deepening ties").kind.value == "analysis"
    speculative = body_claim(extraction, "may also reflect")
    assert speculative.kind.value == "analysis" and speculative.certainty.value == "speculative"


def test_headline_repeats_the_body_figure(extraction):
    headline = [c for c in extraction.claims if c.origin.value == "headline"]
    assert headline and headline[0].restates is not None


def test_no_furniture_claims(extraction):
    texts = " ".join(c.content.text + " " + c.source.name for c in extraction.claims)
    for furniture in ("Shutterstock", "Trending Now", "Already Faces Casualties",
                      "Trying to Escape Assignments"):
        assert furniture not in texts
