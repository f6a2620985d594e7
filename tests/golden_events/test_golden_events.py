"""Golden articles for events: each case's expected events checked against the resolve stage.

Every ``cases/NN_slug.txt`` (an article written for this project: headline, byline, date line,
body) has a ``cases/NN_slug.json`` beside it listing the events a careful reader would code and
the ones that must not appear (see ``README.md`` beside this file). Tests per case:

- ``test_case_is_well_formed``: the JSON uses only known keys and values (ontology codes,
  labels.md vocabularies via ``claimscope.records``, ISO 3166 codes via pycountry), every
  expected trigger occurs in the article, and the date line parses to the stated time. It
  needs neither the extractor nor the resolver.
- ``test_golden_events``: ``parse_plain_article`` -> ``extract_article`` ->
  ``resolve_extraction``, then every expectation is checked; all misses are reported at once,
  with what was extracted.
- ``test_event_spans_are_well_formed``: every span on a resolved event says what the text says.

While ``claimscope.resolve.resolve_extraction`` does not exist, the extractor-backed tests are
skipped; set ``CLAIMSCOPE_GOLDEN_STRICT=1`` to make that a failure.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pycountry
import pytest

from claimscope.records import ActorRole, Certainty, FigureType, TimePrecision

CASES_DIR = Path(__file__).parent / "cases"

# The event codes the cases must cover between them (``Event.code``; data/events/ontology.toml
# may define more, which expectations may also use).
CODES = frozenset({
    "armed_clash", "government_regains_territory", "non_state_actor_overtakes_territory",
    "air_drone_strike", "shelling_artillery_missile_attack", "remote_explosive", "suicide_bomb",
    "grenade", "chemical_weapon", "attack_on_civilians", "abduction", "sexual_violence",
    "peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters",
    "violent_demonstration", "mob_violence", "agreement", "arrests", "troop_deployment",
    "desertion", "looting_property_destruction", "headquarters_established",
    "non_violent_territory_transfer", "disrupted_weapons_use", "change_to_group_activity",
    "deaths",
})

TOP_KEYS = {"published", "events", "must_not"}
EVENT_KEYS = {
    "code", "trigger", "actor1", "actor2", "actors", "place", "time", "figures", "certainty",
}
ACTOR_KEYS = {"name", "country", "role"}
PLACE_KEYS = {"name", "country", "admin1", "admin1_code", "admin2", "precision", "feature"}
TIME_KEYS = {"start", "end", "precision"}
FIGURE_KEYS = {"type", "low", "best", "high", "approx"}
ROLES = {item.value for item in ActorRole}
CERTAINTIES = {item.value for item in Certainty}
FIGURE_TYPES = {item.value for item in FigureType}
PRECISIONS = {item.value for item in TimePrecision}
BODY_WORDS = (150, 350)
STRICT_ENV = "CLAIMSCOPE_GOLDEN_STRICT"
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


class GoldenCaseError(ValueError):
    """A case file that does not follow the golden-events schema."""


@dataclass(frozen=True)
class Case:
    slug: str
    path: Path
    text: str
    expected: dict[str, Any]

    @property
    def published(self) -> datetime | None:
        value = self.expected.get("published")
        return datetime.fromisoformat(value) if value else None


# --------------------------------------------------------------------------- loading


def case_slugs() -> list[str]:
    if not CASES_DIR.is_dir():
        return []
    return sorted(p.stem for p in CASES_DIR.glob("*.txt") if not p.name.startswith("."))


def load_case(slug: str) -> Case:
    """Read and validate one case; raise ``GoldenCaseError`` naming every problem."""
    text_path, json_path = CASES_DIR / f"{slug}.txt", CASES_DIR / f"{slug}.json"
    if not json_path.is_file():
        raise GoldenCaseError(f"{json_path} is missing")
    text = text_path.read_text(encoding="utf-8")
    try:
        expected = json.loads(json_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise GoldenCaseError(f"{json_path}: invalid JSON: {err}") from None
    case = Case(slug, json_path, text, expected)
    problems = validate(case)
    if problems:
        raise GoldenCaseError(f"{json_path}:\n  " + "\n  ".join(problems))
    return case


def parse_case_article(case: Case):
    """The article as ``claimscope ingest`` reads it; the stated publication time (which
    ``test_case_is_well_formed`` checks against the date line) anchors relative dates."""
    from claimscope.ingest.plaintext import parse_plain_article

    article = parse_plain_article(case.text)
    return replace(article, published=case.published) if case.published else article


# --------------------------------------------------------------------------- validation


def validate(case: Case) -> list[str]:
    from claimscope.ingest.plaintext import parse_plain_article

    expected = case.expected
    if not isinstance(expected, dict):
        return ["the top level must be an object"]
    article = parse_plain_article(case.text)
    problems = [f"unknown top-level key {key!r}" for key in sorted(set(expected) - TOP_KEYS)]
    problems += _validate_article(article, expected.get("published"))
    events = expected.get("events")
    if not isinstance(events, list) or not events:
        problems.append("'events' is required (a non-empty list)")
        events = []
    haystack = f"{article.title or ''}\n{article.text}"  # expected triggers: headline or body
    for index, entry in enumerate(events):
        problems += [f"events[{index}]: {p}" for p in _validate_event(entry, haystack, True)]
    must_not = expected.get("must_not", [])
    if not isinstance(must_not, list):
        return problems + ["'must_not' must be a list"]
    for index, entry in enumerate(must_not):
        problems += [f"must_not[{index}]: {p}" for p in _validate_event(entry, haystack, False)]
    return problems


def _validate_article(article: Any, stated: Any) -> list[str]:
    problems = []
    if not article.title:
        problems.append("the article has no headline")
    words = len(article.text.split())
    if not BODY_WORDS[0] <= words <= BODY_WORDS[1]:
        problems.append(f"the body has {words} words; expected {BODY_WORDS[0]}-{BODY_WORDS[1]}")
    if stated is not None:
        try:
            stated_time = datetime.fromisoformat(stated)
        except (TypeError, ValueError):
            return problems + [f"'published' is not ISO 8601: {stated!r}"]
        if stated_time.tzinfo is None:
            problems.append(f"'published' needs a UTC offset: {stated!r}")
        elif article.published != stated_time:
            problems.append(f"the date line parses to {article.published}, not {stated}")
    return problems


def _validate_event(entry: Any, text: str, expected: bool) -> list[str]:
    if not isinstance(entry, dict) or not entry:
        return ["must be a non-empty object"]
    problems = [f"unknown key {key!r}" for key in sorted(set(entry) - EVENT_KEYS)]
    required = (entry.get("code"), entry.get("trigger"))
    if expected and not all(isinstance(value, str) for value in required):
        problems.append("'code' and 'trigger' (strings) are required")
    if "code" in entry and entry["code"] not in known_codes():
        problems.append(f"'code' is {entry['code']!r}; not an ontology code")
    trigger = entry.get("trigger")
    if expected and isinstance(trigger, str) and normalise(trigger) not in normalise(text):
        problems.append(f"trigger {trigger!r} does not occur in the article")
    if "certainty" in entry and entry["certainty"] not in CERTAINTIES:
        problems.append(
            f"'certainty' is {entry['certainty']!r}; expected one of {sorted(CERTAINTIES)}"
        )
    for key in ("actor1", "actor2"):
        if key in entry:
            problems += [f"{key}: {p}" for p in _validate_actor(entry[key])]
    if "actors" in entry:
        actors = entry["actors"]
        if not isinstance(actors, list) or not actors:
            problems.append("'actors' must be a non-empty list of objects")
        else:
            problems += [
                f"actors[{i}]: {p}" for i, a in enumerate(actors) for p in _validate_actor(a)
            ]
    if "place" in entry:
        problems += [f"place: {p}" for p in _validate_place(entry["place"])]
    if "time" in entry:
        problems += [f"time: {p}" for p in _validate_time(entry["time"])]
    if "figures" in entry:
        problems += _validate_figures(entry["figures"])
    return problems


def known_codes() -> frozenset[str]:
    """``CODES`` plus whatever the packaged ontology defines, when it can be loaded."""
    try:
        from claimscope.extract.ontology import load_ontology
    except ImportError:
        return CODES
    return CODES | {kind.code for kind in load_ontology().kinds}


def _validate_actor(actor: Any) -> list[str]:
    if not isinstance(actor, dict) or not actor:
        return ["must be a non-empty object"]
    problems = [f"unknown key {key!r}" for key in sorted(set(actor) - ACTOR_KEYS)]
    if "role" in actor and actor["role"] not in ROLES:
        problems.append(f"'role' is {actor['role']!r}; expected one of {sorted(ROLES)}")
    if "country" in actor and not _is_country(actor["country"]):
        problems.append(f"'country' {actor['country']!r} is not an ISO 3166-1 alpha-2 code")
    return problems


def _validate_place(place: Any) -> list[str]:
    if not isinstance(place, dict) or not place:
        return ["must be a non-empty object"]
    problems = [f"unknown key {key!r}" for key in sorted(set(place) - PLACE_KEYS)]
    if "country" in place and not _is_country(place["country"]):
        problems.append(f"'country' {place['country']!r} is not an ISO 3166-1 alpha-2 code")
    code = place.get("admin1_code")
    if code is not None and pycountry.subdivisions.get(code=code) is None:
        problems.append(f"'admin1_code' {code!r} is not an ISO 3166-2 code")
    if code is not None and "country" in place and not code.startswith(f"{place['country']}-"):
        problems.append(f"'admin1_code' {code!r} is not in country {place['country']!r}")
    if "precision" in place and place["precision"] not in (1, 2, 3):
        problems.append(f"'precision' must be 1, 2 or 3, not {place['precision']!r}")
    return problems


def _validate_time(time: Any) -> list[str]:
    if not isinstance(time, dict) or not time:
        return ["must be a non-empty object"]
    problems = [f"unknown key {key!r}" for key in sorted(set(time) - TIME_KEYS)]
    for key in ("start", "end"):
        if time.get(key) is not None and _parse_date(time[key]) is None:
            problems.append(f"{key!r} must be YYYY-MM-DD or null, not {time[key]!r}")
    if "precision" in time and time["precision"] not in PRECISIONS:
        problems.append(
            f"'precision' is {time['precision']!r}; expected one of {sorted(PRECISIONS)}"
        )
    return problems


def _validate_figures(figures: Any) -> list[str]:
    if not isinstance(figures, list) or not all(isinstance(f, dict) for f in figures):
        return ["'figures' must be a list of objects"]
    problems = []
    for index, figure in enumerate(figures):
        where = f"figures[{index}]"
        problems += [f"{where}: unknown key {key!r}" for key in sorted(set(figure) - FIGURE_KEYS)]
        if figure.get("type") not in FIGURE_TYPES:
            problems.append(
                f"{where}: 'type' is {figure.get('type')!r};"
                f" expected one of {sorted(FIGURE_TYPES)}"
            )
        for key in ("low", "best", "high"):
            value = figure.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                problems.append(f"{where}: {key!r} must be an integer or null, not {value!r}")
        if "approx" in figure and not isinstance(figure["approx"], bool):
            problems.append(f"{where}: 'approx' must be true or false")
    return problems


def _is_country(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 2:
        return False
    return pycountry.countries.get(alpha_2=value) is not None


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- matching


def normalise(value: str) -> str:
    """Case-folded text with straight quotes and single spaces, for lenient comparison."""
    return " ".join(value.translate(_QUOTES).casefold().split())


def _value(item: Any) -> Any:
    """An enum's value, or the item itself."""
    return getattr(item, "value", item)


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def trigger_matches(event: Any, wanted: str) -> bool:
    """Equal, or one contains the other (case-insensitive), for the event's trigger or the
    trigger of any other mention merged into it; an empty trigger matches nothing."""
    want = normalise(wanted)
    for span in (event.trigger, *getattr(event, "mentions", ())):
        got = normalise(getattr(span, "text", "") or "")
        if got and (got == want or want in got or got in want):
            return True
    return False


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, str) and isinstance(got, str):
        return normalise(got) == normalise(want)
    return _value(got) == want


def _record_matches(record: Any, want: dict) -> bool:
    """Only the keys given are compared; a missing record fails."""
    if record is None:
        return False
    return all(_same(getattr(record, key, None), value) for key, value in want.items())


def _time_matches(time: Any, want: dict) -> bool:
    if time is None:
        return False
    for key in ("start", "end"):
        if key in want and _iso(getattr(time, key)) != want[key]:
            return False
    return "precision" not in want or _value(time.precision) == want["precision"]


def _figure_matches(figure: Any, want: dict) -> bool:
    if _value(figure.type) != want["type"]:
        return False
    keys = [key for key in ("low", "best", "high", "approx") if key in want]
    return all(getattr(figure, key) == want[key] for key in keys)


def _participants(event: Any) -> list[Any]:
    """Every actor on the event, whatever its slot."""
    actors = (event.actor1, event.actor2, *event.associated, *event.targets)
    return [actor for actor in actors if actor is not None]


EVENT_CHECKS = {
    "code": lambda event, want: event.code == want,
    "trigger": trigger_matches,
    "actor1": lambda event, want: _record_matches(event.actor1, want),
    "actor2": lambda event, want: _record_matches(event.actor2, want),
    "actors": lambda event, want: all(
        any(_record_matches(a, w) for a in _participants(event)) for w in want
    ),
    "place": lambda event, want: _record_matches(event.place, want),
    "time": lambda event, want: _time_matches(event.time, want),
    "figures": lambda event, want: all(
        any(_figure_matches(f, w) for f in event.figures) for w in want
    ),
    "certainty": lambda event, want: _value(event.certainty) == want,
}


def failed_keys(event: Any, entry: dict) -> list[str]:
    """The keys of ``entry`` that ``event`` does not satisfy."""
    return [key for key, want in entry.items() if not EVENT_CHECKS[key](event, want)]


def check_events(case: Case, events: list[Any]) -> list[str]:
    """Every unmet expectation of ``case`` against ``events``, as readable paragraphs."""
    problems = []
    for index, entry in enumerate(case.expected["events"]):
        if not any(not failed_keys(event, entry) for event in events):
            problems.append(_explain_missing(index, entry, events))
    for index, entry in enumerate(case.expected.get("must_not", [])):
        offenders = [i for i, event in enumerate(events) if not failed_keys(event, entry)]
        if offenders:
            problems.append(f"MUST_NOT[{index}] {_dump(entry)} is matched by event(s) {offenders}")
    return problems


def _explain_missing(index: int, entry: dict, events: list[Any]) -> str:
    lines = [f"EVENT[{index}] not found: {_dump(entry)}"]
    anchored = [(i, e) for i, e in enumerate(events)
                if e.code == entry["code"] and trigger_matches(e, entry["trigger"])]
    for i, event in anchored:
        lines += [f"    event [{i}] has the code and trigger but differs on:"]
        lines += [f"        {key}: want {_dump(entry[key])}, got {_got(event, key)}"
                  for key in failed_keys(event, entry)]
    if not anchored:
        near = [f"[{i}] {e.code} {e.trigger.text!r}" for i, e in enumerate(events)
                if e.code == entry["code"] or trigger_matches(e, entry["trigger"])]
        lines.append(f"    no event with code {entry['code']!r} and trigger {entry['trigger']!r}"
                     + (f"; nearest: {', '.join(near)}" if near else ""))
    return "\n".join(lines)


def _got(event: Any, key: str) -> str:
    if key in ("actor1", "actor2"):
        return _describe_actor(getattr(event, key))
    if key == "actors":
        return ", ".join(_describe_actor(a) for a in _participants(event)) or "-"
    if key == "place":
        return _describe_place(event.place)
    if key == "time":
        return _describe_time(event.time)
    if key == "figures":
        return ", ".join(_describe_figure(f) for f in event.figures) or "-"
    if key == "trigger":
        return repr(event.trigger.text)
    return repr(_value(getattr(event, key)))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _describe_actor(actor: Any) -> str:
    if actor is None:
        return "-"
    return f"{actor.text!r}->{actor.name!r}/{actor.country}/{_value(actor.role)}"


def _describe_place(place: Any) -> str:
    if place is None:
        return "-"
    return (f"{place.text!r}->{place.name!r} {place.country}/{place.admin1_code}"
            f" p={place.precision}")


def _describe_time(time: Any) -> str:
    if time is None:
        return "-"
    return f"{_iso(time.start)}..{_iso(time.end)} ({_value(time.precision)})"


def _describe_figure(figure: Any) -> str:
    approx = "~" if figure.approx else ""
    return f"{_value(figure.type)} {figure.low}/{figure.best}/{figure.high}{approx}"


def _describe_others(event: Any) -> str:
    groups = (("associated", event.associated), ("targets", event.targets))
    parts = [f" {label}=[{', '.join(_describe_actor(a) for a in actors)}]"
             for label, actors in groups if actors]
    return "".join(parts)


def describe_event(index: int, event: Any) -> str:
    """One resolved event as two readable lines."""
    figures = ", ".join(_describe_figure(f) for f in event.figures) or "-"
    field = getattr(event.trigger, "field", "text")
    return (
        f"[{index}] {event.code} trigger={event.trigger.text!r} ({field})"
        f" certainty={_value(event.certainty)} time={_describe_time(event.time)}\n"
        f"      actor1={_describe_actor(event.actor1)} actor2={_describe_actor(event.actor2)}"
        f"{_describe_others(event)} place={_describe_place(event.place)} figures={figures}"
    )


def failure_report(case: Case, problems: list[str], events: list[Any]) -> str:
    listing = "\n".join(describe_event(i, e) for i, e in enumerate(events)) or "(none)"
    return (
        f"golden events case {case.slug!r} ({case.path}):"
        f" {len(problems)} expectation(s) not met\n\n"
        + "\n".join(problems)
        + f"\n\nresolved events ({len(events)}):\n{listing}"
    )


# --------------------------------------------------------------------------- the tests


def _resolver():
    """``claimscope.resolve.resolve_extraction``; a skip only while the name is absent (an
    import error inside the package still fails)."""
    import claimscope.resolve as resolve

    function = getattr(resolve, "resolve_extraction", None)
    if function is None:
        if os.environ.get(STRICT_ENV) == "1":
            pytest.fail("claimscope.resolve.resolve_extraction is missing", pytrace=False)
        pytest.skip("claimscope.resolve.resolve_extraction does not exist yet")
    return function


def resolve_case(case: Case):
    """Article -> Extraction -> resolved Extraction, the way the pipeline runs it."""
    resolve_extraction = _resolver()
    from claimscope.extract import extract_article, load_nlp

    extraction = extract_article(parse_case_article(case), nlp=load_nlp())
    return resolve_extraction(extraction)


def _load_or_fail(slug: str) -> Case:
    try:
        return load_case(slug)
    except GoldenCaseError as err:
        pytest.fail(str(err), pytrace=False)


@pytest.mark.parametrize("slug", case_slugs())
def test_case_is_well_formed(slug: str) -> None:
    _load_or_fail(slug)


def test_cases_cover_every_code() -> None:
    covered = set()
    for slug in case_slugs():
        covered |= {entry["code"] for entry in _load_or_fail(slug).expected["events"]}
    assert not CODES - covered, f"ontology codes with no golden event: {sorted(CODES - covered)}"


@pytest.mark.parametrize("slug", case_slugs())
def test_golden_events(slug: str) -> None:
    """Every expectation is checked; a case may miss at most the number of expectations
    recorded for it in ``allowed_misses.json`` (a ratchet: ``update_allowed_misses.py`` only
    ever lowers it), so any regression fails while known misses stay listed, not hidden."""
    case = _load_or_fail(slug)
    events = list(resolve_case(case).events)
    problems = check_events(case, events)
    allowed = allowed_misses().get(slug, 0)
    if len(problems) > allowed:
        pytest.fail(f"{len(problems)} misses, {allowed} allowed\n"
                    + failure_report(case, problems, events), pytrace=False)


ALLOWED_FILE = Path(__file__).parent / "allowed_misses.json"


def allowed_misses() -> dict[str, int]:
    return json.loads(ALLOWED_FILE.read_text(encoding="utf-8")) if ALLOWED_FILE.is_file() else {}


@pytest.mark.parametrize("slug", case_slugs())
def test_event_spans_are_well_formed(slug: str) -> None:
    """Trigger, actor, place and time spans are non-empty, inside their text, and say what
    the text says."""
    case = _load_or_fail(slug)
    resolved = resolve_case(case)
    fields = {"text": resolved.article.text, "title": resolved.article.title or ""}
    for event in resolved.events:
        spans = [event.trigger, event.time.span if event.time else None]
        spans += [actor.span for actor in _participants(event)]
        spans += [event.place.span if event.place else None] + [f.span for f in event.figures]
        for span in filter(None, spans):
            text = fields.get(span.field)
            if text is None:
                continue  # teaser fields index into Article.teasers
            assert 0 <= span.start < span.end <= len(text), (slug, event.id, span)
            assert text[span.start : span.end] == span.text, (slug, event.id, span)
