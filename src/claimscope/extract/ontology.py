"""The event ontology (``data/events/ontology.toml``) as typed entries, loaded once.

The file is the single place where our event codes meet ACLED, PLOVER and CASE 2021 labels and
where trigger words live; users add or replace entries with ``CLAIMSCOPE_ONTOLOGY``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from claimscope.records import FigureType

ONTOLOGY_ENV = "CLAIMSCOPE_ONTOLOGY"


@dataclass(frozen=True, slots=True)
class EventKind:
    code: str
    event_type: str
    sub_event_type: str
    plover: str
    case2021: str | None
    verbs: frozenset[str]
    nouns: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    needs: frozenset[str]
    needs_not: frozenset[str]
    priority: int
    patient: str  # "actor1" | "actor2" | "targets"
    figures: frozenset[FigureType]


@dataclass(frozen=True, slots=True)
class Ontology:
    kinds: tuple[EventKind, ...]
    # Lookup tables built once, so finding triggers costs a few dict lookups per token.
    nouns: frozenset[str] = frozenset()
    by_verb: dict[str, tuple[EventKind, ...]] = field(default_factory=dict)
    by_noun: dict[str, tuple[EventKind, ...]] = field(default_factory=dict)
    by_first_word: dict[str, tuple[tuple[EventKind, tuple[str, ...]], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, kinds: tuple[EventKind, ...]) -> Ontology:
        by_verb: dict[str, list[EventKind]] = {}
        by_noun: dict[str, list[EventKind]] = {}
        by_first: dict[str, list[tuple[EventKind, tuple[str, ...]]]] = {}
        for kind in kinds:
            for verb in kind.verbs:
                by_verb.setdefault(verb, []).append(kind)
            for noun in kind.nouns:
                by_noun.setdefault(noun, []).append(kind)
            for phrase in kind.phrases:
                by_first.setdefault(phrase[0], []).append((kind, phrase))
        return cls(kinds, frozenset(by_noun),
                   {k: tuple(v) for k, v in by_verb.items()},
                   {k: tuple(v) for k, v in by_noun.items()},
                   {k: tuple(v) for k, v in by_first.items()})

    def by_code(self, code: str) -> EventKind:
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise KeyError(code)


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    packaged = resources.files("claimscope").joinpath("data/events/ontology.toml").read_bytes()
    entries = {entry["code"]: entry for entry in tomllib.loads(packaged.decode())["event"]}
    for path in filter(None, os.environ.get(ONTOLOGY_ENV, "").split(os.pathsep)):
        for entry in tomllib.loads(Path(path).read_text(encoding="utf-8"))["event"]:
            entries[entry["code"]] = entry  # a user's entry replaces ours with the same code
    return Ontology.of(tuple(_kind(entry) for entry in entries.values()))


def _kind(entry: dict) -> EventKind:
    def words(key: str) -> frozenset[str]:
        return frozenset(word.lower() for word in entry.get(key, ()))

    patient = entry.get("patient", "actor2")
    if patient not in {"actor1", "actor2", "targets"}:
        raise ValueError(f"ontology entry {entry['code']}: patient must be actor1, actor2 or targets")
    return EventKind(
        code=entry["code"],
        event_type=entry["acled_event_type"],
        sub_event_type=entry["acled_sub_event_type"],
        plover=entry["plover"],
        case2021=entry.get("case2021"),
        verbs=words("verbs"),
        nouns=words("nouns"),
        phrases=tuple(tuple(phrase.lower().split()) for phrase in entry.get("phrases", ())),
        needs=words("needs"),
        needs_not=words("needs_not"),
        priority=int(entry.get("priority", 0)),
        patient=patient,
        figures=frozenset(FigureType(value) for value in entry.get("figures", ())),
    )
