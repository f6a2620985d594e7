"""Events in the store: written with their article, linked to claims, filtered, re-ingested."""

from dataclasses import replace
from datetime import date

import pytest

from claimscope.records import (
    Actor, ActorRole, Certainty, Event, EventTime, Extraction, Figure, FigureType, Place,
    TimePrecision,
)
from claimscope.store import Store
from sample_records import article, mercenary_claim, officials_claim, span, TEXT


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'events.db'}") as opened:
        yield opened


def deaths_event() -> Event:
    claim = mercenary_claim()
    return Event(
        id="a1:et40-44", article_id="a1", code="deaths", event_type="Battles",
        sub_event_type="Armed clash", plover="ASSAULT", trigger=span(TEXT, "died"),
        certainty=Certainty.CLAIMED,
        time=EventTime(None, None, TimePrecision.UNKNOWN, None, "date unknown; before 2024-10-22"),
        targets=(Actor("eight people", span(TEXT, "eight people"), "Military Forces of North Korea",
                       "KP", ActorRole.STATE_FORCES),),
        figures=(Figure(FigureType.KILLED, 8, 8, 8, False, span(TEXT, "eight")),),
        claim_ids=(claim.id,),
    )


def arrest_event() -> Event:
    return Event(
        id="a1:et120-128", article_id="a1", code="arrests", event_type="Strategic developments",
        sub_event_type="Arrests", plover="COERCE", trigger=span(TEXT, "arrested"),
        certainty=Certainty.ASSERTED,
        time=EventTime(date(2024, 10, 20), date(2024, 10, 20), TimePrecision.DAY),
        actor2=Actor("several soldiers", span(TEXT, "several soldiers"),
                     "Military Forces of North Korea", "KP", ActorRole.STATE_FORCES),
        place=Place("Kursk region", None, "Kursk", "RU", "Kursk", "RU-KRS", None, 51.7, 36.2, 3, "region"),
        claim_ids=(officials_claim().id,),
    )


def extraction_with_events() -> Extraction:
    return Extraction(article(), (mercenary_claim(), officials_claim()), (deaths_event(), arrest_event()))


def test_events_round_trip_and_come_back_with_the_article(store):
    store.write(extraction_with_events())
    assert store.events() == [arrest_event(), deaths_event()]  # dated first, then undated
    stored = store.article("a1")
    assert sorted(stored.events, key=lambda e: e.id) == sorted((deaths_event(), arrest_event()), key=lambda e: e.id)


def test_reingest_replaces_events(store):
    store.write(extraction_with_events())
    store.write(replace(extraction_with_events(), events=(deaths_event(),)))
    assert store.counts()["events"] == 1
    assert [e.code for e in store.events()] == ["deaths"]


@pytest.mark.parametrize("filters, codes", [
    ({"code": "arrests"}, ["arrests"]),
    ({"code": "Battles"}, ["deaths"]),
    ({"country": "ru"}, ["arrests"]),
    ({"actor": "north korea"}, ["arrests", "deaths"]),
    ({"place": "kursk"}, ["arrests"]),
    ({"certainty": "claimed"}, ["deaths"]),
    ({"since": date(2024, 10, 1), "until": date(2024, 10, 31)}, ["arrests"]),
    ({"since": date(2024, 11, 1)}, []),
])
def test_event_filters(store, filters, codes):
    store.write(extraction_with_events())
    assert sorted(e.code for e in store.events(**filters)) == codes


def test_event_rows_carry_article_and_source_claims(store):
    store.write(extraction_with_events())
    rows = {row.event.code: row for row in store.event_rows()}
    assert rows["deaths"].article.id == "a1"
    assert [c.id for c in rows["deaths"].claims] == [mercenary_claim().id]
    assert rows["deaths"].claims[0].source.name == mercenary_claim().source.name
