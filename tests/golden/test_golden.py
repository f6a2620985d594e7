"""Golden articles: each case's ``expected.json`` checked against ``claimscope.extract``.

Every folder under ``cases/`` holds ``article.txt`` (an article written for this project) and
``expected.json`` (must / must_not / counts expectations, see ``README.md`` beside this file).
Two tests run per case:

- ``test_case_is_well_formed``: the expectation file parses, uses only known keys and values
  (labels.md vocabularies via ``claimscope.records``), and every quoted text occurs in the
  article. It needs no extractor.
- ``test_golden``: runs the extractor and checks every expectation, reporting all misses at once
  together with the claims that were extracted.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from claimscope.records import Certainty, ClaimKind, FigureType, SourceType, TimePrecision

CASES_DIR = Path(__file__).parent / "cases"

TOP_KEYS = {"published", "must", "must_not", "counts"}
MUST_KEYS = {
    "content_contains",
    "source",
    "source_type",
    "cue",
    "certainty",
    "kind",
    "channel_contains",
    "chain_contains",
    "figures",
    "times",
}
MUST_NOT_KEYS = {"source_contains", "content_contains", "certainty", "source_type", "cue", "kind"}
FIGURE_KEYS = {"type", "low", "best", "high", "approx"}
TIME_KEYS = {"text_contains", "start", "end", "precision"}
COUNT_KINDS = {"claims_with_content_containing"}
ENUM_KEYS = {
    "certainty": {item.value for item in Certainty},
    "source_type": {item.value for item in SourceType},
    "kind": {item.value for item in ClaimKind},
}
FIGURE_TYPES = {item.value for item in FigureType}
PRECISIONS = {item.value for item in TimePrecision}
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


class GoldenCaseError(ValueError):
    """An expected.json that does not follow the golden schema."""


@dataclass(frozen=True)
class Case:
    slug: str
    path: Path
    text: str
    expected: dict[str, Any]

    @property
    def published(self) -> datetime:
        return datetime.fromisoformat(self.expected["published"])


# --------------------------------------------------------------------------- loading


def case_slugs() -> list[str]:
    if not CASES_DIR.is_dir():
        return []
    return sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir() and not p.name.startswith("."))


def load_case(slug: str) -> Case:
    """Read and validate one case folder; raise ``GoldenCaseError`` naming the problem."""
    path = CASES_DIR / slug
    text = _read(path / "article.txt")
    raw = _read(path / "expected.json")
    try:
        expected = json.loads(raw)
    except json.JSONDecodeError as err:
        raise GoldenCaseError(f"{path / 'expected.json'}: invalid JSON: {err}") from None
    problems = validate_expected(expected, text)
    if problems:
        listing = "\n  - ".join(problems)
        raise GoldenCaseError(
            f"{path / 'expected.json'}: {len(problems)} problem(s):\n  - {listing}"
        )
    return Case(slug, path, text, expected)


def _read(path: Path) -> str:
    if not path.is_file():
        raise GoldenCaseError(f"{path}: missing (each case needs article.txt and expected.json)")
    return path.read_text(encoding="utf-8")


def validate_expected(expected: Any, text: str) -> list[str]:
    """Every problem found in an expected.json document (empty when it is well formed)."""
    if not isinstance(expected, dict):
        return ["top level must be a JSON object"]
    problems = [f"unknown top-level key {key!r}" for key in sorted(set(expected) - TOP_KEYS)]
    problems += _validate_published(expected.get("published"))
    problems += _validate_list(expected, "must", _validate_must, text, required=True)
    problems += _validate_list(expected, "must_not", _validate_must_not, text, required=False)
    problems += _validate_counts(expected.get("counts"), text)
    return problems


def _validate_published(value: Any) -> list[str]:
    if not isinstance(value, str):
        return ["'published' is required: an ISO 8601 date-time with a UTC offset"]
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return [f"'published' is not ISO 8601: {value!r}"]
    return [] if parsed.tzinfo else [f"'published' needs a UTC offset: {value!r}"]


def _validate_list(expected: dict, key: str, check, text: str, *, required: bool) -> list[str]:
    entries = expected.get(key)
    if entries is None:
        return [f"{key!r} is required (a non-empty list)"] if required else []
    if not isinstance(entries, list) or (required and not entries):
        return [f"{key!r} must be a {'non-empty ' if required else ''}list of objects"]
    problems = []
    for index, entry in enumerate(entries):
        where = f"{key}[{index}]"
        if not isinstance(entry, dict) or not entry:
            problems.append(f"{where}: must be a non-empty object")
            continue
        problems += [f"{where}: {problem}" for problem in check(entry, text)]
    return problems


def _validate_must(entry: dict, text: str) -> list[str]:
    problems = [f"unknown key {key!r}" for key in sorted(set(entry) - MUST_KEYS)]
    if not isinstance(entry.get("content_contains"), str):
        problems.append("'content_contains' (a string) is required")
    problems += _validate_common(entry, text, source_key="source")
    for key in ("channel_contains", "chain_contains"):
        if key in entry and not _is_text_or_texts(entry[key]):
            problems.append(f"{key!r} must be a string or a list of strings")
    problems += _validate_items(entry, "figures", _validate_figure)
    problems += _validate_items(entry, "times", lambda item: _validate_time(item, text))
    return problems


def _validate_must_not(entry: dict, text: str) -> list[str]:
    problems = [f"unknown key {key!r}" for key in sorted(set(entry) - MUST_NOT_KEYS)]
    return problems + _validate_common(entry, text, source_key="source_contains")


def _validate_common(entry: dict, text: str, *, source_key: str) -> list[str]:
    problems = []
    content = entry.get("content_contains")
    if isinstance(content, str) and not contains(text, content):
        problems.append(f"content_contains {content!r} does not occur in article.txt")
    for key in (source_key, "cue"):
        if key in entry and not _is_text_or_texts(entry[key]):
            problems.append(f"{key!r} must be a string or a list of strings")
    for key, allowed in ENUM_KEYS.items():
        if key in entry and entry[key] not in allowed:
            problems.append(f"{key!r} is {entry[key]!r}; expected one of {sorted(allowed)}")
    return problems


def _validate_items(entry: dict, key: str, check) -> list[str]:
    if key not in entry:
        return []
    items = entry[key]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        return [f"{key!r} must be a list of objects"]
    return [f"{key}[{i}]: {problem}" for i, item in enumerate(items) for problem in check(item)]


def _validate_figure(figure: dict) -> list[str]:
    problems = [f"unknown key {key!r}" for key in sorted(set(figure) - FIGURE_KEYS)]
    if figure.get("type") not in FIGURE_TYPES:
        problems.append(f"'type' is {figure.get('type')!r}; expected one of {sorted(FIGURE_TYPES)}")
    for key in ("low", "best", "high"):
        value = figure.get(key)
        if (
            key in figure
            and value is not None
            and (not isinstance(value, int) or isinstance(value, bool))
        ):
            problems.append(f"{key!r} must be an integer or null, not {value!r}")
    if "approx" in figure and not isinstance(figure["approx"], bool):
        problems.append("'approx' must be true or false")
    return problems


def _validate_time(item: dict, text: str) -> list[str]:
    problems = [f"unknown key {key!r}" for key in sorted(set(item) - TIME_KEYS)]
    wording = item.get("text_contains")
    if wording is not None and (not isinstance(wording, str) or not contains(text, wording)):
        problems.append(f"text_contains {wording!r} is not a string found in article.txt")
    for key in ("start", "end"):
        if item.get(key) is not None and _parse_date(item[key]) is None:
            problems.append(f"{key!r} must be YYYY-MM-DD or null, not {item[key]!r}")
    if "precision" in item and item["precision"] not in PRECISIONS:
        problems.append(
            f"'precision' is {item['precision']!r}; expected one of {sorted(PRECISIONS)}"
        )
    return problems


def _validate_counts(counts: Any, text: str) -> list[str]:
    if counts is None:
        return []
    if not isinstance(counts, dict):
        return ["'counts' must be an object"]
    problems = [f"counts: unknown kind {key!r}" for key in sorted(set(counts) - COUNT_KINDS)]
    table = counts.get("claims_with_content_containing", {})
    if not isinstance(table, dict):
        return problems + ["counts.claims_with_content_containing must map text to a count"]
    for wording, number in table.items():
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            problems.append(f"counts[{wording!r}] must be a non-negative integer")
        if not contains(text, wording):
            problems.append(f"counts key {wording!r} does not occur in article.txt")
    return problems


def _is_text_or_texts(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- matching


def normalise(value: str) -> str:
    """Case-folded text with straight quotes and single spaces, for lenient comparison."""
    return " ".join(value.translate(_QUOTES).casefold().split())


def contains(haystack: str | None, needle: str) -> bool:
    return haystack is not None and normalise(needle) in normalise(haystack)


def word_match(haystack: str | None, needles: str | list[str]) -> bool:
    """Whether any of ``needles`` occurs in ``haystack`` as whole words (case-insensitive)."""
    if haystack is None:
        return False
    options = [needles] if isinstance(needles, str) else needles
    text = normalise(haystack)
    return any(re.search(rf"(?<!\w){re.escape(normalise(n))}(?!\w)", text) for n in options)


def _value(item: Any) -> Any:
    """An enum's value, or the item itself."""
    return getattr(item, "value", item)


def _span_text(span: Any) -> str | None:
    return getattr(span, "text", None) if span is not None else None


def _source_name(claim: Any) -> str | None:
    return getattr(claim.source, "name", None) if claim.source is not None else None


def _source_type(claim: Any) -> str | None:
    return _value(getattr(claim.source, "type", None)) if claim.source is not None else None


def _channel_matches(claim: Any, wanted: str | list[str]) -> bool:
    names = [claim.channel] + [link.name for link in claim.chain if link.role == "channel"]
    return any(word_match(name, wanted) for name in names)


def _chain_matches(claim: Any, wanted: str | list[str]) -> bool:
    items = [wanted] if isinstance(wanted, str) else wanted
    return all(any(word_match(link.name, item) for link in claim.chain) for item in items)


def _figure_matches(figure: Any, want: dict) -> bool:
    if _value(figure.type) != want["type"]:
        return False
    return all(
        getattr(figure, key) == want[key]
        for key in ("low", "best", "high", "approx")
        if key in want
    )


def _time_matches(expr: Any, want: dict) -> bool:
    if "text_contains" in want and not contains(_span_text(expr.span), want["text_contains"]):
        return False
    for key in ("start", "end"):
        if key in want and getattr(expr, key) != _parse_date(want[key]):
            return False
    return "precision" not in want or _value(expr.precision) == want["precision"]


CLAIM_CHECKS = {
    "content_contains": lambda claim, want: contains(_span_text(claim.content), want),
    "source": lambda claim, want: word_match(_source_name(claim), want),
    "source_contains": lambda claim, want: word_match(_source_name(claim), want),
    "source_type": lambda claim, want: _source_type(claim) == want,
    "cue": lambda claim, want: word_match(_span_text(claim.cue), want),
    "certainty": lambda claim, want: _value(claim.certainty) == want,
    "kind": lambda claim, want: _value(claim.kind) == want,
    "channel_contains": _channel_matches,
    "chain_contains": _chain_matches,
    "figures": lambda claim, want: all(
        any(_figure_matches(f, w) for f in claim.figures) for w in want
    ),
    "times": lambda claim, want: all(any(_time_matches(t, w) for t in claim.times) for w in want),
}


def failed_keys(claim: Any, entry: dict) -> list[str]:
    """The keys of ``entry`` that ``claim`` does not satisfy."""
    return [key for key, want in entry.items() if not CLAIM_CHECKS[key](claim, want)]


def check_extraction(case: Case, claims: list[Any]) -> list[str]:
    """Every unmet expectation of ``case`` against ``claims``, as readable paragraphs."""
    problems = []
    for index, entry in enumerate(case.expected["must"]):
        if not any(not failed_keys(claim, entry) for claim in claims):
            problems.append(_explain_missing(index, entry, claims))
    for index, entry in enumerate(case.expected.get("must_not", [])):
        offenders = [i for i, claim in enumerate(claims) if not failed_keys(claim, entry)]
        if offenders:
            problems.append(
                f"MUST_NOT[{index}] {_dump(entry)} is satisfied by claim(s) {offenders}"
            )
    table = case.expected.get("counts", {}).get("claims_with_content_containing", {})
    for wording, number in table.items():
        found = [i for i, claim in enumerate(claims) if _counts(claim, wording)]
        if len(found) != number:
            problems.append(
                f"COUNT {wording!r}: expected {number} claim(s), got {len(found)} {found}"
            )
    return problems


def _counts(claim: Any, wording: str) -> bool:
    """Claims that restate another (a headline repeating the body) are not counted."""
    return getattr(claim, "restates", None) is None and contains(_span_text(claim.content), wording)


def _explain_missing(index: int, entry: dict, claims: list[Any]) -> str:
    lines = [f"MUST[{index}] not met: {_dump(entry)}"]
    candidates = [
        (i, c)
        for i, c in enumerate(claims)
        if CLAIM_CHECKS["content_contains"](c, entry["content_contains"])
    ]
    if not candidates:
        lines.append(f"    no claim's content contains {entry['content_contains']!r}")
    for i, claim in candidates:
        lines.append(
            f"    claim [{i}] has the content but fails: {', '.join(failed_keys(claim, entry))}"
        )
    return "\n".join(lines)


def _dump(entry: dict) -> str:
    return json.dumps(entry, ensure_ascii=False)


def describe_claim(index: int, claim: Any) -> str:
    """One extracted claim as two readable lines."""
    source = f"{_source_name(claim)!r} ({_source_type(claim)})"
    chain = " > ".join(f"{link.role}:{link.name}" for link in claim.chain) or "-"
    figures = ", ".join(_describe_figure(f) for f in claim.figures) or "-"
    times = ", ".join(_describe_time(t) for t in claim.times) or "-"
    origin = _value(getattr(claim, "origin", None))
    head = (
        f"[{index}] {_value(claim.certainty)}/{_value(claim.kind)} origin={origin}"
        f" source={source} cue={_span_text(claim.cue)!r} channel={claim.channel!r} chain={chain}"
        f" figures={figures} times={times}"
    )
    return f"{head}\n      content: {_span_text(claim.content)!r}"


def _describe_figure(figure: Any) -> str:
    approx = "~" if figure.approx else ""
    return f"{_value(figure.type)} {figure.low}/{figure.best}/{figure.high}{approx}"


def _describe_time(expr: Any) -> str:
    return f"{_span_text(expr.span)!r} {expr.start}..{expr.end} ({_value(expr.precision)})"


def failure_report(case: Case, problems: list[str], claims: list[Any]) -> str:
    listing = "\n".join(describe_claim(i, claim) for i, claim in enumerate(claims)) or "(none)"
    return (
        f"golden case {case.slug!r} ({case.path}): {len(problems)} expectation(s) not met\n\n"
        + "\n".join(problems)
        + f"\n\nextracted claims ({len(claims)}):\n{listing}"
    )


# --------------------------------------------------------------------------- the tests


def extract_case(case: Case, tagger: str | None = None):
    """The case's file read as a saved web article (headline, byline, date, furniture), then
    extracted: the way ``claimscope ingest`` reads it. The case's stated publication time is
    used so expectations never depend on how the date line was parsed."""
    from dataclasses import replace

    from claimscope.extract import extract_article, load_nlp
    from claimscope.ingest.plaintext import parse_plain_article

    article = replace(parse_plain_article(case.text), published=case.published)
    return extract_article(article, nlp=load_nlp(tagger=tagger))


@pytest.mark.parametrize("slug", case_slugs())
def test_case_is_well_formed(slug: str) -> None:
    try:
        load_case(slug)
    except GoldenCaseError as err:
        pytest.fail(str(err), pytrace=False)


def _tagger_or_skip(tagger: str | None) -> str | None:
    from claimscope.extract.nlp import check_tagger

    try:
        check_tagger(tagger)
    except OSError as exc:
        pytest.skip(str(exc))
    return tagger


@pytest.mark.parametrize("tagger", [None, "transformer"], ids=["default", "transformer"])
@pytest.mark.parametrize("slug", case_slugs())
def test_golden(slug: str, tagger: str | None) -> None:
    """Every case with the default attribution tagger and with the transformer tagger (skipped
    where its optional extra is missing): the expectations are the same for both."""
    try:
        case = load_case(slug)
    except GoldenCaseError as err:
        pytest.fail(str(err), pytrace=False)
    extraction = extract_case(case, _tagger_or_skip(tagger))
    claims = list(extraction.claims)
    problems = check_extraction(case, claims)
    if problems:
        pytest.fail(failure_report(case, problems, claims), pytrace=False)


@pytest.mark.parametrize("slug", case_slugs())
def test_spans_are_well_formed(slug: str) -> None:
    """Every span of every claim is non-empty, inside its text, and says what the text says."""
    case = load_case(slug)
    extraction = extract_case(case)
    fields = {"text": extraction.article.text, "title": extraction.article.title or ""}
    for claim in extraction.claims:
        spans = [claim.content, claim.cue, claim.source.span]
        spans += [f.span for f in claim.figures] + [t.span for t in claim.times]
        for span in filter(None, spans):
            text = fields.get(span.field)
            if text is None:
                continue  # teaser fields index into Article.teasers
            assert 0 <= span.start < span.end <= len(text), (slug, claim.id, span)
            assert text[span.start : span.end] == span.text, (slug, claim.id, span)
