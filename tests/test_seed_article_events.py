"""The sample article's events, as the events issue lists them: deployment, deaths, arrests,
desertion attempts, each resolved and tied to the claims (and so the certainty) reporting it.

Skipped where ../shared is absent; the repository carries no copy of the article.
"""

from __future__ import annotations

import pytest

from claimscope.extract import extract_article, load_nlp
from claimscope.ingest.plaintext import parse_plain_article
from claimscope.resolve import resolve_extraction

pytestmark = pytest.mark.needs_shared

NORTH_KOREA = ("Military Forces of North Korea", "KP", "state_forces")


@pytest.fixture(scope="module")
def extraction(shared_dir):
    path = shared_dir / "samples" / "seed_article.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    article = parse_plain_article(path.read_text(encoding="utf-8"), origin_path=str(path))
    return resolve_extraction(extract_article(article, nlp=load_nlp()))


def one_event(extraction, code):
    found = [e for e in extraction.events if e.code == code]
    assert len(found) == 1, [(e.code, e.trigger.text) for e in extraction.events]
    return found[0]


def claims_of(extraction, event):
    by_id = {claim.id: claim for claim in extraction.claims}
    return [by_id[claim_id] for claim_id in event.claim_ids]


def who(actor):
    return (actor.name, actor.country, actor.role.value)


def test_deployment_of_north_korea_to_the_kursk_region(extraction):
    event = one_event(extraction, "troop_deployment")
    assert who(event.actor1) == NORTH_KOREA
    assert (event.place.country, event.place.admin1_code, event.place.precision) == ("RU", "RU-KRS", 3)
    assert event.event_type == "Strategic developments" and event.plover == "MOBILIZE"
    sources = {claim.source.name for claim in claims_of(extraction, event)}
    assert "South Korean intelligence" in sources
    assert event.certainty.value == "confirmed"  # the strongest wording among its claims


def test_eight_deaths_of_north_korean_soldiers_with_unknown_date(extraction):
    event = one_event(extraction, "deaths")
    assert [who(t) for t in event.targets] == [NORTH_KOREA]
    assert [(f.type.value, f.low, f.best, f.high) for f in event.figures] == [("killed", 8, 8, 8)]
    assert event.time.start is None and event.time.precision.value == "unknown"
    assert "before 2024-10-22" in event.time.note
    texts = " ".join(claim.content.text for claim in claims_of(extraction, event))
    assert "eight people died" in texts and "senior officers" in texts
    assert any(claim.source.name == "Dian Yuzhang" for claim in claims_of(extraction, event))


def test_arrests_of_several_soldiers(extraction):
    event = one_event(extraction, "arrests")
    assert who(event.actor2) == NORTH_KOREA
    assert [(f.type.value, f.low, f.best, f.high) for f in event.figures] == [("arrested", 3, 5, 9)]
    assert event.certainty.value == "asserted"


def test_desertion_attempts(extraction):
    event = one_event(extraction, "desertion")
    assert who(event.actor1) == NORTH_KOREA
    assert {f.type.value for f in event.figures} == {"deserted"}
    assert len(event.claim_ids) >= 2  # "attempted to flee" and "trying to escape"


def test_no_event_from_furniture_or_the_purpose_of_the_deployment(extraction):
    codes = [e.code for e in extraction.events]
    assert "armed_clash" not in codes  # "to help contain Ukraine's counteroffensive" is an aim
    assert sorted(codes) == ["arrests", "deaths", "desertion", "troop_deployment"]
