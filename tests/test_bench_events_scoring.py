"""Scoring in bench/event_types.py (CASE 2021 task 2) and bench/casualties.py (GVDB), on
hand-made inputs. Nothing here needs ../shared; the two end-to-end tests run the real extractor
on a few invented sentences written to temporary files."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import casualties as C
from bench import event_types as E
from claimscope.extract.ontology import load_ontology
from claimscope.records import (
    Actor, Certainty, Event, EventTime, Figure, FigureType, Place, TextSpan, TimePrecision,
)

# --- CASE 2021: F1 and friends -------------------------------------------------------------


def test_weighted_f1_by_hand():
    gold = ["A", "A", "B", "C"]
    pred = ["A", "B", "B", "A"]
    # A: P 1/2 R 1/2 F1 .5 (support 2); B: P 1/2 R 1 F1 2/3 (support 1); C: F1 0 (support 1)
    assert E.weighted_f1(gold, pred) == pytest.approx((0.5 * 2 + 2 / 3 + 0) / 4)
    assert E.macro_f1(gold, pred) == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    assert E.accuracy(gold, pred) == pytest.approx(0.5)


def test_labels_only_predicted_weigh_nothing_but_cost_precision():
    gold, pred = ["A", "A"], ["A", "Z"]
    scores = E.per_label_scores(gold, pred)
    assert scores["Z"]["support"] == 0 and scores["Z"]["f1"] == 0
    assert scores["A"]["p"] == 1 and scores["A"]["r"] == 0.5
    assert E.weighted_f1(gold, pred) == pytest.approx(2 / 3)
    assert E.macro_f1(gold, pred) == pytest.approx(2 / 3)  # over gold labels only


def test_perfect_empty_and_length_mismatch():
    assert E.weighted_f1(["A", "B"], ["A", "B"]) == 1.0
    assert E.weighted_f1([], []) == 0.0 and E.accuracy([], []) == 0.0
    with pytest.raises(ValueError):
        E.per_label_scores(["A"], [])


def test_majority_baseline_and_confusions():
    gold = ["B", "A", "B", "A", "C"]
    assert E.majority_label(gold) == "A"  # tie between A and B: alphabetical
    # A: P 2/5, R 1, F1 4/7 (support 2); B and C: F1 0
    assert E.weighted_f1(gold, ["A"] * 5) == pytest.approx((4 / 7) * 2 / 5)
    assert E.confusions(["A", "A", "B", "B"], ["B", "B", "A", "B"]) == [(("A", "B"), 2), (("B", "A"), 1)]


def _event(code: str, start: int, text: str = "x", *, targets=(), figures=(), field="text") -> Event:
    kind = load_ontology().by_code(code)
    return Event(id=f"a:{start}", article_id="a", code=code, event_type=kind.event_type,
                 sub_event_type=kind.sub_event_type, plover=kind.plover,
                 trigger=TextSpan(start, start + len(text), text, field),
                 certainty=Certainty.ASSERTED, time=EventTime(None, None, TimePrecision.UNKNOWN),
                 targets=tuple(targets), figures=tuple(figures))


def test_main_event_rules():
    ontology = load_ontology()
    events = [_event("deaths", 5, "killed"), _event("suicide_bomb", 30, "suicide bomber")]
    assert E.main_event(events, "priority", ontology).code == "suicide_bomb"
    assert E.main_event(events, "first", ontology).code == "deaths"
    assert E.main_event([], "priority", ontology) is None


def test_labels_from_codes():
    ontology = load_ontology()
    assert E.label_of(None, "", ontology) == "OTHER"
    assert E.label_of(_event("air_drone_strike", 0), "", ontology) == "AIR_STRIKE"
    assert E.label_of(_event("troop_deployment", 0), "", ontology) == "CHANGE_TO_GROUP_ACT"


def test_deaths_are_attack_on_civilians_or_armed_clash():
    ontology = load_ontology()
    text = "Six civilians were killed. Four soldiers were killed."
    six = Figure(FigureType.KILLED, 6, 6, 6, False, TextSpan(0, 3, "Six"))
    four = Figure(FigureType.KILLED, 4, 4, 4, False, TextSpan(27, 31, "Four"))
    assert E.label_of(_event("deaths", 20, figures=[six]), text, ontology) == "ATTACK"
    assert E.label_of(_event("deaths", 45, figures=[four]), text, ontology) == "ARMED_CLASH"
    villagers = Actor("three villagers", None)
    assert E.label_of(_event("deaths", 0, targets=[villagers]), "", ontology) == "ATTACK"
    assert E.label_of(_event("deaths", 0), "they died", ontology) == "ARMED_CLASH"


def test_read_snippets(tmp_path):
    (tmp_path / "dev_part.tsv").write_text(
        "id\tEventSnippet\tSubType\n1\tA bomb went off.\tREM_EXPLOS\n2\t\tOTHER\n", encoding="utf-8")
    folder, files = E.resolve_data_dir(tmp_path, "dev")
    assert folder == tmp_path and [f.name for f in files] == ["dev_part.tsv"]
    snippets = E.read_snippets(files)
    assert [(s.id, s.label) for s in snippets] == [("1", "REM_EXPLOS")]  # empty snippet skipped
    assert E.resolve_data_dir(tmp_path, "test")[1] == []


# --- GVDB: gold, URL dates, baseline, prediction, scores ---------------------------------------


def _victim(*was: str) -> dict:
    return {"name": {"value": "", "startIndex": -1, "endIndex": -1}, "victim-was": list(was)}


GVDB_JSON = {
    "date-and-time": {"city": {"value": "Springfield", "startIndex": 3, "endIndex": 14},
                      "state": "IL - Illinois", "date": "2015-8-3"},
    "victim-section": [_victim("killed"), _victim("injured", "hospitalized", "killed"),
                       _victim("injured"), _victim("hospitalized"), _victim()],
}


def test_gold_from_json():
    gold = C.gold_from_json(json.dumps(GVDB_JSON))
    assert gold.killed == 2  # "killed" wins over injured / hospitalized
    assert gold.injured == 2
    assert (gold.city, gold.state, gold.date) == ("Springfield", "IL", date(2015, 8, 3))


def test_gold_from_json_empty_fields():
    gold = C.gold_from_json({"date-and-time": {"city": {"value": ""}, "state": "", "date": ""}})
    assert gold == C.Gold(0, 0, None, None, None)
    assert C.parse_gold_date("2016-02-30") is None and C.parse_gold_date("yesterday") is None


def test_body_without_the_glued_title():
    assert C.split_body("Man shot in parkA man was shot.", "Man shot in park") == "A man was shot."
    assert C.split_body("Other text.", "Man shot") == "Other text."


@pytest.mark.parametrize("url, expected", [
    ("http://fox6now.com/2015/12/11/same-man-police/", date(2015, 12, 11)),
    ("http://www.arkansasonline.com/news/2016/jan/26/girl-shot-2016/", date(2016, 1, 26)),
    ("http://www.latimes.com/socal/news/tn-blr-me-papiyan-20160223-story.html", date(2016, 2, 23)),
    ("http://articles.example.com/2013-01-27/news/ct-met-dead", date(2013, 1, 27)),
    ("http://www.kltv.com/story/29692711/", None),
    ("http://example.com/news/20161399/x", None),
    ("http://example.com/2016/", None),
    (None, None),
])
def test_date_from_url(url, expected):
    assert C.date_from_url(url) == expected


@pytest.mark.parametrize("text, killed", [
    ("Two men were killed and one was hurt.", 2),
    ("A man died on Tuesday.", 0),  # no number: the naive baseline says 0
    ("In 2015 dead were counted. Police said 3 people died.", 3),
    ("Officers killed the suspect. Later 4 others were found dead.", 4),
])
def test_regex_baseline(text, killed):
    assert C.regex_count(text, C.DEATH_WORDS) == killed


def _fig(kind: FigureType, best: int | None, low: int | None = None) -> Figure:
    return Figure(kind, low if low is not None else best, best, best, False, TextSpan(0, 1, "n"))


def _gvdb_event(start: int, *, figures=(), place=None, when=None, field="text") -> Event:
    time = EventTime(when, when, TimePrecision.DAY) if when else EventTime(None, None, TimePrecision.UNKNOWN)
    return Event(id=f"a:{start}", article_id="a", code="attack_on_civilians",
                 event_type="Violence against civilians", sub_event_type="Attack", plover="ASSAULT",
                 trigger=TextSpan(start, start + 4, "shot", field), certainty=Certainty.ASSERTED,
                 time=time, place=place, figures=tuple(figures))


def test_prediction_from_events():
    town = Place("Springfield", None, name="Springfield", country="US", admin1_code="US-IL", precision=1)
    foreign = Place("York", None, name="York", country="GB", precision=1)
    region = Place("Illinois", None, name="Illinois", country="US", precision=3)
    events = [
        _gvdb_event(50, figures=[_fig(FigureType.KILLED, 2), _fig(FigureType.WOUNDED, 1)],
                    place=foreign, when=date(2016, 1, 5)),
        _gvdb_event(10, figures=[_fig(FigureType.KILLED, None, low=3)], place=region),
        _gvdb_event(90, figures=[_fig(FigureType.KILLED, None, low=None)], place=town),
        _gvdb_event(0, figures=[_fig(FigureType.KILLED, 2)], field="title", when=date(2016, 1, 1)),
    ]
    pred = C.predict_from_events(events)
    assert pred.killed == 3  # the largest ("at least 3" counts its lower bound), not the sum
    assert pred.injured == 1
    assert (pred.city, pred.state) == ("Springfield", "IL")  # a US town; York is British
    assert pred.date == date(2016, 1, 5)  # first body event with a day-precision date
    assert C.predict_from_events([]) == C.Prediction()


def test_city_match_normalises():
    pred = C.Prediction(city="St. Louis", city_text="the city of St. Louis")
    assert C.city_match("SAINT LOUIS", pred)
    assert C.city_match("st louis", pred)
    assert not C.city_match("", pred) and not C.city_match("Louisville", pred)


def test_score():
    items = [C.Item("1", None, "t", "b", C.Gold(1, 0, "Ceres", "CA", date(2016, 1, 26))),
             C.Item("2", None, "t", "b", C.Gold(0, 2, None, "IL", date(2016, 1, 1)))]
    preds = [C.Prediction(killed=1, injured=0, city="Ceres", state="CA", date=date(2016, 1, 27)),
             C.Prediction(killed=3, injured=1)]
    s = C.score(items, preds)
    assert s["killed_exact"] == 0.5 and s["killed_mae"] == 1.5 and s["killed_within1"] == 0.5
    assert s["injured_exact"] == 0.5 and s["injured_mae"] == 0.5 and s["injured_within1"] == 1.0
    assert s["city_acc"] == 1.0 and s["city_articles"] == 1  # only articles with a gold city
    assert s["state_acc"] == 0.5
    assert s["date_acc"] == 0.0 and s["date_within1"] == 0.5


# --- end to end on invented data ----------------------------------------------------------------


def _last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_event_types_end_to_end(tmp_path, capsys):
    rows = ["id\tEventSnippet\tSubType",
            "1\tPolice said a suicide bomber blew himself up at a market, killing six people.\tSUIC_BOMB",
            "2\tThe two sides signed a peace agreement on Monday, officials said.\tAGREEMENT",
            "3\tThe weather was mild.\tOTHER"]
    (tmp_path / "dev.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert E.main(["--data", str(tmp_path), "--plain", "--show-errors", "1"]) == 0
    figures = _last_json(capsys.readouterr().out)
    assert figures["snippets"] == 3
    assert {"weighted_f1", "macro_f1", "accuracy", "baseline_weighted_f1"} <= figures.keys()
    assert 0 <= figures["weighted_f1"] <= 100


def test_casualties_end_to_end(tmp_path, capsys):
    title = "Two killed in shooting"
    body = "SPRINGFIELD - Two men were killed in a shooting on Monday, police said."
    gold = {"date-and-time": {"city": {"value": "Springfield"}, "state": "IL - Illinois",
                              "date": "2016-01-25"},
            "victim-section": [_victim("killed"), _victim("killed")]}
    header = "Article id\tArticle url\tArticle title\tFull text\tJson\tWorker"
    row = "\t".join(["7", "http://example.com/2016/01/26/two-killed/", title, title + body,
                     json.dumps(gold), "W1"])
    (tmp_path / "dev.tsv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert C.main(["--data", str(tmp_path), "--plain"]) == 0
    figures = _last_json(capsys.readouterr().out)
    assert figures["articles"] == 1
    assert {"killed_exact", "killed_mae", "killed_within1", "injured_exact", "injured_mae",
            "city_acc", "date_acc", "baseline_killed_exact"} <= figures.keys()
    assert figures["baseline_killed_exact"] == 1.0
