#!/usr/bin/env python
"""Casualty, place and date benchmark on the Gun Violence Database (GVDB).

    .venv/bin/python bench/casualties.py --split dev [--limit N] [--n-process 2]
                                         [--show-errors N] [--plain]

Reads ``DIR/{split}.tsv`` (columns ``Article id, Article url, Article title, Full text, Json,
Worker``; the Json is one crowd worker's annotation, fields in GVDB's field description).

Gold, per article (``gold_from_json``):

* killed: victims whose ``victim-was`` contains ``killed``;
* injured: victims with ``injured`` or ``hospitalized`` and not ``killed``;
* city: ``date-and-time.city.value``; state: the two-letter code of ``date-and-time.state``
  ("CA - California" -> "CA"); date: ``date-and-time.date`` (written "2015-8-23" or "2016-01-27").

Input to claimscope: in every article of the data the ``Full text`` begins with the title, glued
to the first sentence ("...Los Angeles TimesJassely Lupoe, a 5-year-old..."), so the body is the
full text with that leading title removed; the title goes in ``Article.title`` and the URL in
``Article.url``. The data give no publication date, and the text gives none in a fixed place
(dates in the body are mostly the incident's or unrelated), so ``published`` is set only when
the URL itself carries a full date: a path ``/2016/01/27/``, ``/2013-01-27/``, ``/2016/jan/26/`` or an 8-digit
``20150803`` token between separators (``date_from_url``; the date must be valid and between
1990 and 2030). Other articles get no publication date, and relative dates ("Tuesday") stay
unresolved, as the extractor intends. The notes line reports how often the URL date is on or
within a week after the gold incident date, a check that the URL date is a publication date.

Each article goes through the real pipeline: ``extract_articles`` then ``resolve_extraction``
(actors named, places geocoded, mentions of one event merged). From the resolved events:

* killed = the largest killed figure of any event of the article (title and body), where a
  figure's value is its ``best``, else its ``low`` ("at least 3"), and figures with neither
  ("several") are ignored; 0 when there is none. The largest and not the sum: news repeat one
  toll in the headline, the lead and later updates, and resolve merges only repeats it can
  prove, so summing would count the same victims again; the largest is usually the updated
  total ("one dead" then "two dead").
* injured: the same over ``wounded`` figures.
* city: the precision-1 (town) places of the events that geocode to the US; the one most
  events name, ties to the first in the text (body before title). Compared with the gold city
  after case folding, removing punctuation and "Saint"/"St" differences, against both the
  gazetteer name and the place as written. Scored over the articles with a gold city.
* state: the ``admin1_code`` of that place ("US-CA"), when found, against the gold state.
* date: ``time.start`` of the first event in the text (body before title) whose time has day
  precision; none otherwise. Scored over the articles with a gold date; exact and within 1 day.

Baseline (same run): a regex over title and body. For killed, the first occurrence of a death
word (killed, dead, died, dies, slain, fatally, murdered, ...) that has a number (digits or a
number word "one" to "twenty", "dozen") within the 5 words before it gives that number; no such
occurrence gives 0. Injured likewise with wounded / injured / hurt / hospitalized.

Metrics are accuracies on a 0-1 scale (three decimals) as the issue names them, and mean
absolute errors in people. Last stdout line: ``{"killed_exact", "killed_mae", "killed_within1",
"injured_exact", "injured_mae", "city_acc", "date_acc", "articles", "baseline_killed_exact",
...}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import add_data_argument, fail_missing, print_final_json, print_notes, print_table

OBTAIN = ("GVDB not found under {where} (expected {split}.tsv with columns Article id, Article url, "
          "Article title, Full text, Json, Worker).\nGVDB: Pavlick et al. 2016 (gun-violence.org); "
          "the dev/train/test splits are those of Ebner et al. 2020 (Multi-Sentence Argument Linking).")

# --- data and gold ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gold:
    killed: int
    injured: int
    city: str | None
    state: str | None  # two-letter code: "CA"
    date: date | None


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    url: str | None
    title: str
    body: str
    gold: Gold


@dataclass(frozen=True, slots=True)
class Prediction:
    killed: int = 0
    injured: int = 0
    city: str | None = None
    city_text: str | None = None
    state: str | None = None
    date: date | None = None


def _value(node) -> str | None:
    """A GVDB field: ``{"value": ...}`` or a plain string (drop-down fields)."""
    if isinstance(node, dict):
        node = node.get("value")
    if isinstance(node, str) and node.strip():
        return node.strip()
    return None


def parse_gold_date(text: str | None) -> date | None:
    """"2016-01-27" or "2015-8-23" (not zero-padded); None when absent or malformed."""
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_state(text: str | None) -> str | None:
    """"CA - California" -> "CA"."""
    if not text:
        return None
    match = re.match(r"\s*([A-Z]{2})\b", text)
    return match.group(1) if match else None


def gold_from_json(text: str | dict) -> Gold:
    data = json.loads(text) if isinstance(text, str) else text
    victims = data.get("victim-section") or []
    outcomes = [set(victim.get("victim-was") or ()) for victim in victims if isinstance(victim, dict)]
    killed = sum("killed" in was for was in outcomes)
    injured = sum(("injured" in was or "hospitalized" in was) and "killed" not in was for was in outcomes)
    where = data.get("date-and-time") or {}
    return Gold(killed, injured, _value(where.get("city")), parse_state(_value(where.get("state"))),
                parse_gold_date(_value(where.get("date"))))


def split_body(full_text: str, title: str) -> str:
    """The body: GVDB's full text starts with the title, glued to the first sentence."""
    if title and full_text.startswith(title):
        return full_text[len(title):].strip()
    return full_text.strip()


def resolve_data_file(data: Path, split: str) -> Path | None:
    for candidate in (data / f"{split}.tsv", data / "gvdb" / f"{split}.tsv", data):
        if candidate.is_file() and candidate.suffix == ".tsv":
            return candidate
    return None


def read_items(path: Path) -> list[Item]:
    csv.field_size_limit(sys.maxsize)
    items = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            title = (row.get("Article title") or "").strip()
            items.append(Item(str(row.get("Article id", "")).strip(),
                              (row.get("Article url") or "").strip() or None, title,
                              split_body(row.get("Full text") or "", title),
                              gold_from_json(row.get("Json") or "{}")))
    return items


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_URL_DATES = (
    re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})(?=/|$|[-_.])"),
    re.compile(r"/((?:19|20)\d\d)-(\d\d)-(\d\d)(?=/|$)"),
    re.compile(r"/((?:19|20)\d\d)/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*/(\d{1,2})(?=/|$)", re.I),
    re.compile(r"(?<![\d])((?:19|20)\d\d)(\d\d)(\d\d)(?![\d])"),
)


def date_from_url(url: str | None) -> date | None:
    """A publication date only where the URL path really carries one (see the module doc)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            year, month, day = match.groups()
            month_number = _MONTHS.get(month[:3].lower()) if month.isalpha() else int(month)
            try:
                found = date(int(year), month_number or 0, int(day))
            except ValueError:
                continue
            if 1990 <= found.year <= 2030:
                return found
    return None


# --- prediction from events -------------------------------------------------------------------


def figure_value(figure) -> int | None:
    return figure.best if figure.best is not None else figure.low


def largest_figure(events: Iterable, figure_type: str) -> int:
    values = [figure_value(f) for event in events for f in event.figures if str(f.type) == figure_type]
    values = [v for v in values if v is not None]
    return max(values, default=0)


def _in_text_order(events: Sequence) -> list:
    return sorted(events, key=lambda e: (e.trigger.field != "text", e.trigger.field, e.trigger.start))


def predict_from_events(events: Sequence) -> Prediction:
    ordered = _in_text_order(events)
    towns = [e.place for e in ordered
             if e.place is not None and e.place.precision == 1 and e.place.country == "US"]
    city = city_text = state = None
    if towns:
        counts = Counter(place.name or place.text for place in towns)
        top = max(counts.values())
        place = next(p for p in towns if counts[p.name or p.text] == top)
        city, city_text = place.name or place.text, place.text
        if place.admin1_code and place.admin1_code.startswith("US-"):
            state = place.admin1_code[3:]
    when = next((e.time.start for e in ordered
                 if e.time.start is not None and str(e.time.precision) == "day"), None)
    return Prediction(largest_figure(events, "killed"), largest_figure(events, "wounded"),
                      city, city_text, state, when)


# --- baseline ---------------------------------------------------------------------------------

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"dozen": 12, "both": 2, "twin": 2})
DEATH_WORDS = re.compile(r"\b(killed|killing|kills|dead|died|dies|slain|fatally|murdered|"
                         r"deaths?|lifeless)\b", re.I)
INJURY_WORDS = re.compile(r"\b(wounded|injured|injuring|injuries|hurt|hospitali[sz]ed)\b", re.I)
_WORD = re.compile(r"[A-Za-z]+|\d[\d,]*")


def regex_count(text: str, cue: re.Pattern[str], window: int = 5) -> int:
    """The number nearest before the first cue word that has one within ``window`` words."""
    for match in cue.finditer(text):
        before = _WORD.findall(text[max(0, match.start() - 120):match.start()])[-window:]
        for word in reversed(before):
            value = _number(word)
            if value is not None:
                return value
    return 0


def _number(word: str) -> int | None:
    if word[0].isdigit():
        digits = word.replace(",", "")
        if digits.isdigit() and len(digits) <= 4 and not re.fullmatch(r"(19|20)\d\d", digits):
            return int(digits)
        return None
    return NUMBER_WORDS.get(word.lower())


def baseline_prediction(item: Item) -> Prediction:
    text = f"{item.title}\n{item.body}"
    return Prediction(regex_count(text, DEATH_WORDS), regex_count(text, INJURY_WORDS))


# --- scoring ----------------------------------------------------------------------------------


def normalize_place(name: str | None) -> str:
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"\bsaint\b", "st", text)
    text = re.sub(r"\b(city of|town of|village of|township of)\b", " ", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def city_match(gold: str | None, prediction: Prediction) -> bool:
    wanted = normalize_place(gold)
    return bool(wanted) and wanted in {normalize_place(prediction.city), normalize_place(prediction.city_text)}


def count_scores(gold: Sequence[int], pred: Sequence[int]) -> dict[str, float]:
    """Exact accuracy, mean absolute error and within-one accuracy of counts."""
    n = len(gold)
    if not n:
        return {"exact": 0.0, "mae": 0.0, "within1": 0.0}
    errors = [abs(g - p) for g, p in zip(gold, pred)]
    return {"exact": sum(e == 0 for e in errors) / n, "mae": sum(errors) / n,
            "within1": sum(e <= 1 for e in errors) / n}


def score(items: Sequence[Item], preds: Sequence[Prediction]) -> dict[str, float | int]:
    killed = count_scores([i.gold.killed for i in items], [p.killed for p in preds])
    injured = count_scores([i.gold.injured for i in items], [p.injured for p in preds])
    with_city = [(i, p) for i, p in zip(items, preds) if i.gold.city]
    with_state = [(i, p) for i, p in zip(items, preds) if i.gold.state]
    with_date = [(i, p) for i, p in zip(items, preds) if i.gold.date]
    def share(pairs, ok) -> float:
        return sum(bool(ok(i, p)) for i, p in pairs) / len(pairs) if pairs else 0.0
    return {
        "killed_exact": killed["exact"], "killed_mae": killed["mae"], "killed_within1": killed["within1"],
        "injured_exact": injured["exact"], "injured_mae": injured["mae"],
        "injured_within1": injured["within1"],
        "city_acc": share(with_city, lambda i, p: city_match(i.gold.city, p)),
        "state_acc": share(with_state, lambda i, p: p.state == i.gold.state),
        "date_acc": share(with_date, lambda i, p: p.date == i.gold.date),
        "date_within1": share(with_date, lambda i, p: p.date is not None
                              and abs((p.date - i.gold.date).days) <= 1),
        "city_articles": len(with_city), "date_articles": len(with_date),
        "city_predicted": sum(p.city is not None for p in preds),
        "date_predicted": sum(p.date is not None for p in preds),
    }


# --- running ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Score claimscope's casualty counts, cities and dates against GVDB.")
    add_data_argument(parser, "gvdb")
    parser.add_argument("--split", default="dev", help="DIR/{split}.tsv (default: dev)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--n-process", type=int, default=1, help="extraction processes (default 1)")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N",
                        help="print N articles with a wrong killed count (title, gold, ours, figures)")
    parser.add_argument("--plain", action="store_true", help="plain-text tables instead of Rich")
    return parser


def run_claimscope(items: Sequence[Item], n_process: int) -> tuple[list[Prediction], list]:
    from claimscope.extract import extract_articles
    from claimscope.ingest.ids import article_id, fingerprint, outlet_from_url
    from claimscope.records import Article
    from claimscope.resolve import resolve_extraction

    def article(item: Item) -> Article:
        published = date_from_url(item.url)
        return Article(
            id=article_id(url=item.url, text=item.body), text=item.body, title=item.title or None,
            url=item.url, outlet=outlet_from_url(item.url) if item.url else None,
            published=datetime(published.year, published.month, published.day) if published else None,
            published_precision="day" if published else None, fingerprint=fingerprint(item.body))

    preds, events = [], []
    for extraction in extract_articles((article(i) for i in items), n_process=n_process):
        resolved = resolve_extraction(extraction)
        preds.append(predict_from_events(resolved.events))
        events.append(resolved.events)
    return preds, events


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    path = resolve_data_file(args.data, args.split)
    if path is None:
        fail_missing(OBTAIN.format(where=args.data, split=args.split))
    items = read_items(path)
    if args.limit:
        items = items[: args.limit]
    if not items:
        fail_missing(f"no articles in {path}")

    started = time.perf_counter()
    preds, events = run_claimscope(items, args.n_process)
    seconds = time.perf_counter() - started
    base = [baseline_prediction(item) for item in items]
    ours, theirs = score(items, preds), score(items, base)

    def acc(value: float) -> str:
        return f"{value:.3f}"

    rows = [
        ["killed exact", acc(ours["killed_exact"]), acc(theirs["killed_exact"])],
        ["killed MAE", f"{ours['killed_mae']:.2f}", f"{theirs['killed_mae']:.2f}"],
        ["killed within 1", acc(ours["killed_within1"]), acc(theirs["killed_within1"])],
        ["injured exact", acc(ours["injured_exact"]), acc(theirs["injured_exact"])],
        ["injured MAE", f"{ours['injured_mae']:.2f}", f"{theirs['injured_mae']:.2f}"],
        ["injured within 1", acc(ours["injured_within1"]), acc(theirs["injured_within1"])],
        [f"city ({ours['city_articles']} with gold)", acc(ours["city_acc"]), "-"],
        ["state", acc(ours["state_acc"]), "-"],
        [f"date ({ours['date_articles']} with gold)", acc(ours["date_acc"]), "-"],
        ["date within 1 day", acc(ours["date_within1"]), "-"],
    ]
    print_table(f"GVDB {args.split} - {len(items)} articles", ["Metric", "claimscope", "regex baseline"],
                rows, plain=args.plain)

    pairs = Counter((i.gold.killed, p.killed) for i, p in zip(items, preds) if i.gold.killed != p.killed)
    print_table("Killed: most frequent errors (gold -> ours)", ["Gold", "Ours", "Articles"],
                [[g, p, n] for (g, p), n in pairs.most_common(10)], plain=args.plain)

    if args.show_errors:
        shown = 0
        for item, pred, found in zip(items, preds, events):
            if item.gold.killed == pred.killed:
                continue
            figures = [f"{e.code}:{f.type}={figure_value(f)} {f.span.text!r}"
                       for e in found for f in e.figures if str(f.type) in {"killed", "wounded"}]
            print(f"[{item.id}] gold {item.gold.killed} ours {pred.killed} | {item.title[:90]}")
            print(f"    figures: {'; '.join(figures) or 'none'}")
            shown += 1
            if shown >= args.show_errors:
                break

    url_dates = [(date_from_url(i.url), i.gold.date) for i in items]
    with_url = [(u, g) for u, g in url_dates if u and g]
    plausible = sum(0 <= (u - g).days <= 7 for u, g in with_url)
    print_notes([
        f"articles: {len(items)} from {path}   seconds: {seconds:.1f}   n_process: {args.n_process}",
        f"publication date from the URL: {sum(u is not None for u, _ in url_dates)} articles "
        f"({plausible} of {len(with_url)} on or within 7 days after the gold incident date)",
        f"predicted: city for {ours['city_predicted']}, date for {ours['date_predicted']} articles; "
        f"gold killed 0 for {sum(i.gold.killed == 0 for i in items)} articles",
    ])
    print_final_json({
        "killed_exact": _r(ours["killed_exact"]), "killed_mae": _r(ours["killed_mae"]),
        "killed_within1": _r(ours["killed_within1"]),
        "injured_exact": _r(ours["injured_exact"]), "injured_mae": _r(ours["injured_mae"]),
        "city_acc": _r(ours["city_acc"]), "state_acc": _r(ours["state_acc"]),
        "date_acc": _r(ours["date_acc"]), "date_within1": _r(ours["date_within1"]),
        "articles": len(items),
        "baseline_killed_exact": _r(theirs["killed_exact"]),
        "baseline_killed_mae": _r(theirs["killed_mae"]),
        "baseline_injured_exact": _r(theirs["injured_exact"]),
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
