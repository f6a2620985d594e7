"""Event exports: ACLED / UCDP tables, GeoJSON, Parquet, JSON lines, built from hand-made events."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timezone

import pandas as pd
import pycountry
import pytest

from claimscope.records import (
    Actor,
    ActorRole,
    Article,
    Certainty,
    Claim,
    ClaimKind,
    Event,
    EventTime,
    Figure,
    FigureType,
    Place,
    Source,
    SourceType,
    TextSpan,
    TimePrecision,
)
from claimscope.store import acled_codes as codes
from claimscope.store.event_export import (
    ACLED_COLUMNS,
    EVENT_COLUMNS,
    UCDP_COLUMNS,
    EventRow,
    acled_frame,
    event_jsonl_records,
    events_frame,
    geojson_feature_collection,
    ucdp_frame,
    write_events,
)

PUBLISHED = datetime(2024, 10, 22, 9, 3, tzinfo=timezone.utc)


def _span(text: str) -> TextSpan:
    return TextSpan(0, len(text), text)


def _article(article_id: str) -> Article:
    return Article(id=article_id, text="...", title="War report", outlet="Example News",
                   url=f"https://news.example/{article_id}", published=PUBLISHED)


def _claim(claim_id: str, article_id: str, content: str, source: str, kind: SourceType,
           figures: tuple[Figure, ...] = ()) -> Claim:
    return Claim(id=claim_id, article_id=article_id, content=_span(content),
                 source=Source(source, kind, None), cue=_span("said"), certainty=Certainty.REPORTED,
                 kind=ClaimKind.EVENT, figures=figures)


def _killed(low: int | None, best: int | None, high: int | None) -> Figure:
    return Figure(FigureType.KILLED, low, best, high, False, _span("killed"))


def _actor(name: str, country: str | None, role: ActorRole | None) -> Actor:
    return Actor(text=name, span=None, name=name, country=country, role=role)


def kursk() -> EventRow:
    """North Korean troops deployed to the Kursk region: region precision, date unknown."""
    content = "North Korean troops have been deployed to the Kursk region"
    claim = _claim("c-kursk", "a-kursk", content, "South Korean intelligence",
                   SourceType.INTELLIGENCE)
    event = Event(
        id="ev-kursk", article_id="a-kursk", code="troop_deployment",
        event_type="Strategic developments", sub_event_type="Other", plover="MOBILIZE",
        trigger=_span("deployed"), certainty=Certainty.REPORTED,
        time=EventTime(None, None, TimePrecision.UNKNOWN, note="date unknown; before 2024-10-22"),
        actor1=_actor("Military Forces of North Korea", "KP", ActorRole.STATE_FORCES),
        place=Place("the Kursk region", None, name="Kursk Oblast", country="RU",
                    admin1="Kursk Oblast", admin1_code="RU-KRS", latitude=51.73,
                    longitude=36.19, precision=3, feature="region"),
        figures=(Figure(FigureType.DEPLOYED, 10000, 10000, 10000, True, _span("10,000")),),
        claim_ids=("c-kursk",),
    )  # fmt: skip
    return EventRow(event, _article("a-kursk"), (claim,))


def kharkiv() -> EventRow:
    """A shelling of Kharkiv on a known day, three civilians killed."""
    figure = _killed(3, 3, 3)
    claim = _claim("c-kharkiv", "a-kharkiv", "Russian shelling killed three civilians in Kharkiv",
                   "Oleh Syniehubov", SourceType.GOVERNMENT, (figure,))
    event = Event(
        id="ev-kharkiv", article_id="a-kharkiv", code="shelling_artillery_missile_attack",
        event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
        plover="ASSAULT", trigger=_span("shelling"), certainty=Certainty.REPORTED,
        time=EventTime(date(2024, 3, 12), date(2024, 3, 12), TimePrecision.DAY),
        actor1=_actor("Military Forces of Russia", "RU", ActorRole.STATE_FORCES),
        targets=(_actor("Civilians (Ukraine)", "UA", ActorRole.CIVILIANS),),
        place=Place("Kharkiv", None, name="Kharkiv", country="UA", admin1="Kharkiv Oblast",
                    latitude=49.99, longitude=36.23, precision=1, feature="town"),
        figures=(figure,), claim_ids=("c-kharkiv",),
    )  # fmt: skip
    return EventRow(event, _article("a-kharkiv"), (claim,))


def protest() -> EventRow:
    """A protest in Tbilisi met by police, nobody killed, no coordinates."""
    claim = _claim("c-protest", "a-protest", "Thousands protested outside parliament in Tbilisi",
                   "Example News", SourceType.OUTLET)
    event = Event(
        id="ev-protest", article_id="a-protest", code="protest_with_intervention",
        event_type="Protests", sub_event_type="Protest with intervention", plover="PROTEST",
        trigger=_span("protested"), certainty=Certainty.ASSERTED,
        time=EventTime(date(2024, 5, 1), date(2024, 5, 1), TimePrecision.DAY),
        actor1=_actor("Protesters (Georgia)", "GE", ActorRole.PROTESTERS),
        actor2=_actor("Police Forces of Georgia", "GE", ActorRole.POLICE),
        place=Place("Tbilisi", None, name="Tbilisi", country="GE", precision=1),
        claim_ids=("c-protest",),
    )  # fmt: skip
    return EventRow(event, _article("a-protest"), (claim,))


def clash() -> EventRow:
    """Ukrainian and Russian forces clash in Kursk over a week; at least 10 killed."""
    event = Event(
        id="ev-clash", article_id="a-clash", code="armed_clash", event_type="Battles",
        sub_event_type="Armed clash", plover="ASSAULT", trigger=_span("clashed"),
        certainty=Certainty.CLAIMED,
        time=EventTime(date(2024, 8, 6), date(2024, 8, 12), TimePrecision.WEEK),
        actor1=_actor("Military Forces of Ukraine", "UA", ActorRole.STATE_FORCES),
        actor2=_actor("Military Forces of Russia", "RU", ActorRole.STATE_FORCES),
        place=Place("Sudzha", None, name="Sudzha", country="RU", admin1="Kursk Oblast",
                    latitude=51.19, longitude=35.27, precision=2),
        figures=(_killed(10, 10, None),),
    )  # fmt: skip
    return EventRow(event, _article("a-clash"))


@pytest.fixture
def rows() -> list[EventRow]:
    return [kursk(), kharkiv(), protest()]


def test_acled_columns_in_acled_order(rows):
    frame = acled_frame(rows)
    assert list(frame.columns) == ACLED_COLUMNS
    assert len(frame) == 3


def test_acled_unknown_date_is_left_empty_and_tagged(rows):
    row = acled_frame(rows).iloc[0]
    assert pd.isna(row["event_date"]) and pd.isna(row["year"]) and pd.isna(row["time_precision"])
    assert "date unknown" in row["tags"]
    assert "2024-10-22" not in str(row["event_date"])  # never the publication date
    assert row["notes"].startswith("On an unknown date: North Korean troops")


def test_acled_codes_for_foreign_troops_in_kursk(rows):
    row = acled_frame(rows).iloc[0]
    assert row["event_id_cnty"].startswith("RUS") and row["event_id_cnty"][3:].isdigit()
    assert acled_frame([kursk()]).iloc[0]["event_id_cnty"] == row["event_id_cnty"]
    assert (row["inter1"], row["inter2"], row["interaction"]) == (8, 0, 80)  # external forces
    assert row["disorder_type"] == "Strategic developments"
    assert (row["iso"], row["country"], row["region"]) == (643, "Russia", "Europe")
    assert row["geo_precision"] == 3 and row["admin1"] == "Kursk Oblast"
    assert row["fatalities"] == 0  # a deployed figure is not a death toll
    assert row["source"] == "Example News; South Korean intelligence"


def test_acled_shelling_in_kharkiv(rows):
    row = acled_frame(rows).iloc[1]
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2024-03-12", 2024, 1)
    assert row["disorder_type"] == "Political violence"
    assert (row["actor2"], row["inter1"], row["inter2"], row["interaction"]) == (
        "Civilians (Ukraine)", 8, 7, 78)
    assert row["civilian_targeting"] == "Civilian targeting"
    assert (row["fatalities"], row["iso"], row["region"]) == (3, 804, "Europe")
    assert row["notes"].startswith("On 12 March 2024: Russian shelling killed three civilians")
    assert "Oleh Syniehubov" in row["notes"] and pd.isna(row["tags"])


def test_acled_protest(rows):
    row = acled_frame(rows).iloc[2]
    assert (row["inter1"], row["inter2"], row["interaction"]) == (6, 1, 16)
    assert row["disorder_type"] == "Demonstrations" and row["fatalities"] == 0
    assert (row["iso"], row["region"]) == (268, "Caucasus and Central Asia")
    assert row["tags"] == "crowd size=no report" and row["source"] == "Example News"
    assert pd.isna(row["civilian_targeting"])


def test_interaction_and_inter_codes():
    assert codes.interaction(7, 1) == 17 and codes.interaction(1, 7) == 17
    assert codes.interaction(6, 0) == 60 and codes.interaction(0, 3) == 30
    assert codes.interaction(None, 1) is None and codes.interaction(0, 0) is None
    assert codes.inter_code(None, "UA") == 0
    assert codes.inter_code(_actor("x", "UA", None), "UA") is None  # no role: no guess
    assert codes.inter_code(_actor("x", "UA", ActorRole.POLICE), "UA") == 1
    assert codes.inter_code(_actor("x", None, ActorRole.GOVERNMENT), "UA") == 1
    assert codes.inter_code(_actor("x", "RU", ActorRole.PMC), "UA") == 8
    assert codes.inter_code(_actor("x", "UA", ActorRole.MILITIA), "UA") == 3
    assert codes.inter_code(_actor("x", "UA", ActorRole.RIOTERS), "UA") == 5


def test_fatalities_take_the_lowest_reported_figure():
    assert codes.acled_fatalities([]) == 0
    assert codes.acled_fatalities([_killed(2, 3, 4)]) == 2  # "between 2 and 4"
    assert codes.acled_fatalities([_killed(None, 10, 10)]) == 10  # "up to 10": best
    assert codes.acled_fatalities([_killed(12, 12, 12), _killed(8, 8, 8)]) == 8
    assert codes.acled_fatalities([Figure(FigureType.WOUNDED, 5, 5, 5, False, _span("w"))]) == 0
    assert codes.killed_range([_killed(12, 12, 12), _killed(8, 8, None)]) == (8, 8, None)
    assert codes.killed_range([_killed(2, 3, 4), _killed(5, 5, 5)]) == (2, 3, 5)
    assert codes.killed_range([]) == (None, None, None)


def test_time_precision_codes():
    week = EventTime(date(2024, 8, 6), date(2024, 8, 12), TimePrecision.WEEK)
    month = EventTime(date(2024, 8, 1), date(2024, 8, 31), TimePrecision.MONTH)
    days = EventTime(date(2024, 8, 1), date(2024, 8, 3), TimePrecision.INTERVAL)
    assert (codes.acled_time_precision(week), codes.ucdp_date_prec(week)) == (2, 3)
    assert (codes.acled_time_precision(month), codes.ucdp_date_prec(month)) == (3, 4)
    assert (codes.acled_time_precision(days), codes.ucdp_date_prec(days)) == (2, 2)
    assert codes.representative_date(week) == date(2024, 8, 9)
    assert codes.representative_date(EventTime(None, None, TimePrecision.UNKNOWN)) is None


def test_ucdp_frame(rows):
    frame = ucdp_frame([*rows, clash()])
    assert list(frame.columns) == UCDP_COLUMNS
    deploy, shelling, demo, battle = (frame.iloc[i] for i in range(4))
    assert pd.isna(deploy["type_of_violence"]) and pd.isna(deploy["date_prec"])
    assert deploy["where_prec"] == 4 and pd.isna(deploy["best"])
    assert shelling["type_of_violence"] == 3
    assert (shelling["side_a"], shelling["side_b"]) == ("Government of Russia", "Civilians")
    assert (shelling["deaths_civilians"], shelling["best"], shelling["low"], shelling["high"]) == (
        3, 3, 3, 3)
    assert pd.isna(shelling["deaths_unknown"]) and shelling["date_prec"] == 1
    assert shelling["where_prec"] == 1
    assert (shelling["country_id"], shelling["region"]) == (369, "Europe")
    assert shelling["country_id_scheme"] == "gw" and shelling["source_date"] == "2024-10-22"
    assert shelling["source_office"] == "Oleh Syniehubov"
    assert pd.isna(demo["type_of_violence"]) and pd.isna(demo["conflict_name"])
    assert battle["type_of_violence"] == 1 and battle["date_prec"] == 3
    assert battle["conflict_name"] == "Government of Ukraine - Government of Russia"
    assert (battle["low"], battle["best"], battle["deaths_unknown"]) == (10, 10, 10)
    assert pd.isna(battle["high"])  # "at least 10": the open end stays open
    assert (battle["date_start"], battle["date_end"]) == ("2024-08-06", "2024-08-12")


def test_where_prec_and_regions():
    place = Place("Izium district", None, name="Izium Raion", country="UA",
                  admin1="Kharkiv Oblast", admin2="Izium Raion", precision=3)
    assert codes.where_prec(place) == 3
    assert codes.where_prec(Place("Ukraine", None, country="UA", feature="country")) == 6
    assert codes.where_prec(Place("eastern Ukraine", None, country="UA", precision=3)) == 5
    assert codes.where_prec(None) is None
    for alpha2 in [*codes.ACLED_REGIONS, *codes.GW_CODES, *codes.COUNTRY_NAMES]:
        assert pycountry.countries.get(alpha_2=alpha2) is not None, alpha2
    assert codes.ucdp_region(651) == "Middle East" and codes.ucdp_region(2) == "Americas"
    assert codes.ucdp_region(None) is None


def test_geojson_is_rfc7946_with_lon_lat(rows):
    collection = geojson_feature_collection(rows)
    json.dumps(collection)  # serialisable as is
    assert collection["type"] == "FeatureCollection"
    assert collection["skipped_without_coordinates"] == 1  # the protest has no coordinates
    assert [f["id"] for f in collection["features"]] == ["ev-kursk", "ev-kharkiv"]
    feature = collection["features"][1]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == [36.23, 49.99]  # longitude first
    props = feature["properties"]
    assert [props[f"fatalities_{end}"] for end in ("low", "best", "high")] == [3, 3, 3]
    assert props["actor2"] == "Civilians (Ukraine)" and props["claim_ids"] == ["c-kharkiv"]
    assert props["url"] == "https://news.example/a-kharkiv" and props["certainty"] == "reported"
    assert collection["features"][0]["properties"]["date_start"] is None


def test_events_frame_round_trips_through_parquet(rows, tmp_path):
    frame = events_frame(rows)
    assert list(frame.columns) == EVENT_COLUMNS
    assert str(frame["place_note"].dtype) == "string"  # empty text columns keep their type
    path = tmp_path / "events.parquet"
    assert write_events(rows, "parquet", path) == 3
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)
    kharkiv_row = frame.iloc[1]
    assert json.loads(kharkiv_row["claim_ids"]) == ["c-kharkiv"]
    assert json.loads(kharkiv_row["actors"])[1]["slot"] == "target"
    assert json.loads(kharkiv_row["figures"])[0]["best"] == 3
    assert (kharkiv_row["killed_best"], kharkiv_row["fatalities"]) == (3, 3)
    buffer = io.BytesIO()
    write_events(rows, "parquet", buffer)
    assert len(pd.read_parquet(io.BytesIO(buffer.getvalue()))) == 3


def test_jsonl_records_carry_provenance(rows):
    records = list(event_jsonl_records(rows))
    assert records[0]["time"]["precision"] == "unknown"
    assert records[0]["article"]["outlet"] == "Example News"
    assert records[0]["claims"][0] == {
        "id": "c-kursk", "source_name": "South Korean intelligence", "source_type": "intelligence",
        "cue": "said", "certainty": "reported",
        "content": "North Korean troops have been deployed to the Kursk region",
    }  # fmt: skip
    stream = io.StringIO()
    assert write_events(rows, "jsonl", stream) == 3
    lines = stream.getvalue().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["ev-kursk", "ev-kharkiv", "ev-protest"]


@pytest.mark.parametrize("fmt,columns", [("acled", ACLED_COLUMNS), ("ucdp", UCDP_COLUMNS),
                                         ("csv", EVENT_COLUMNS)])
def test_write_csv_formats(rows, tmp_path, fmt, columns):
    path = tmp_path / f"events.{fmt}.csv"
    assert write_events(rows, fmt, path) == 3
    assert list(pd.read_csv(path).columns) == columns
    binary = io.BytesIO()
    write_events(rows, fmt, binary)
    assert binary.getvalue().decode().startswith(columns[0])


def test_write_geojson_and_bad_formats(rows, tmp_path):
    path = tmp_path / "events.geojson"
    assert write_events(rows, "geojson", path) == 2
    assert json.loads(path.read_text())["skipped_without_coordinates"] == 1
    with pytest.raises(ValueError, match="unknown event format"):
        write_events(rows, "kml", path)
    with pytest.raises(ValueError, match="binary"):
        write_events(rows, "parquet", io.StringIO())
