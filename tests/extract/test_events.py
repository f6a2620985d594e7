"""Event mentions read from claims: triggers, negation, hypotheticals, arguments, figures, time."""

from datetime import datetime, timezone

import pytest

from claimscope.extract import extract_text
from claimscope.records import TimePrecision

PUBLISHED = datetime(2025, 3, 6, 9, 0, tzinfo=timezone.utc)  # a Thursday


def events_of(text: str):
    return extract_text(text, published=PUBLISHED).events


def only(text: str, code: str):
    found = [e for e in events_of(text) if e.code == code]
    assert len(found) == 1, [(e.code, e.trigger.text) for e in events_of(text)]
    return found[0]


def test_drone_strike_with_deaths_is_one_event_carrying_the_figure():
    event = only("A Russian drone strike killed three civilians in Kharkiv on Tuesday.", "air_drone_strike")
    assert [e.code for e in events_of("A Russian drone strike killed three civilians in Kharkiv on Tuesday.")] == ["air_drone_strike"]
    assert [(f.type.value, f.best) for f in event.figures] == [("killed", 3)]
    assert event.places[0].text == "Kharkiv"  # resolve geocodes the candidates
    assert event.time.start.isoformat() == "2025-03-04" and event.time.precision is TimePrecision.DAY
    assert event.event_type == "Explosions/Remote violence" and event.plover == "ASSAULT"


def test_passive_arrest_names_who_was_arrested_and_by_whom():
    event = only("Several activists were arrested by police in Minsk on Monday.", "arrests")
    assert event.actor2.text == "Several activists"
    assert event.actor1.text == "police"
    assert (event.figures[0].low, event.figures[0].best, event.figures[0].high) == (3, 5, 9)


@pytest.mark.parametrize("text", [
    "No one was arrested after the rally in the capital.",
    "Police did not arrest anyone at the march.",
    "Analysts said the army could launch an offensive in the spring.",
    "The group threatened to attack the convoy near the border.",
])
def test_negated_and_hypothetical_events_are_not_events(text):
    assert [e.code for e in events_of(text) if e.code in {"arrests", "armed_clash", "attack_on_civilians"}] == []


def test_deployment_subject_is_the_troops_and_the_region_is_the_place():
    event = only("North Korean troops were deployed to the Kursk region last week.", "troop_deployment")
    assert event.actor1.text == "North Korean troops"
    assert event.places[0].text == "Kursk region"
    assert event.time.precision is TimePrecision.WEEK


def test_sent_is_a_deployment_only_when_forces_are_sent():
    letter = events_of("The ministry sent a letter to the embassy in Seoul.")
    assert "troop_deployment" not in [e.code for e in letter]
    sent = only("Moscow sent 2,000 paratroopers to the border.", "troop_deployment")
    assert [(f.type.value, f.best) for f in sent.figures] == [("deployed", 2000)]
    assert sent.actor1.text == "2,000 paratroopers" and sent.associated[0].text == "Moscow"


def test_attempted_flight_is_a_desertion_of_the_subject():
    event = only("Some conscripts attempted to flee their positions near Pokrovsk.", "desertion")
    assert event.actor1.text == "Some conscripts"
    assert event.places[0].text.startswith("near")


def test_unknown_date_is_said_not_borrowed_from_publication():
    (event,) = events_of("Eight soldiers died in a battle for the outpost.")
    assert event.code == "armed_clash" and event.figures[0].best == 8
    assert event.time.start is None and event.time.precision is TimePrecision.UNKNOWN
    assert "before 2025-03-06" in event.time.note


def test_analysis_claims_and_demonyms_give_no_events_or_places():
    assert events_of("The move may signal a wider Russian offensive in the coming months.") == ()
    event = only("Ukrainian forces shelled Russian positions overnight.", "shelling_artillery_missile_attack")
    assert event.places == ()
    assert event.actor1.text == "Ukrainian forces"


@pytest.mark.parametrize("text", [
    "A 27-year-old man was fatally shot on Tuesday night in the city.",
    "A teenager is dead after a shooting at the market on Monday.",
    "He was rushed to hospital, where he was pronounced dead.",
    "Police are searching for a suspect in the shooting death of his girlfriend.",
])
def test_one_victim_without_a_number_counts_one(text):
    figures = [f for e in events_of(text) for f in e.figures if f.type.value == "killed"]
    assert [(f.low, f.best, f.high, f.derived) for f in figures] == [(1, 1, 1, True)]


def test_victims_with_a_number_keep_it():
    figures = [f for e in events_of("Gunmen killed three villagers and a soldier near the border on Monday.")
               for f in e.figures]
    assert [(f.type.value, f.best, f.derived) for f in figures] == [("killed", 3, False)]
