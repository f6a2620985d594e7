"""Typed, immutable records passed between pipeline stages.

Every stage takes and returns these; spaCy objects never appear here. Spans are character
offsets into the text named by ``TextSpan.field`` (``"text"`` for the article body,
``"title"`` for the headline), following citron's ``{start, end, text}`` convention.
Field meanings follow ``labels.md`` (figure types, low / best / high, source types, certainty).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Certainty(StrEnum):
    """How surely the *wording* presents a claim (labels.md decision procedure)."""

    UNVERIFIED_FLAGGED = "unverified_flagged"
    DENIED = "denied"
    ALLEGED = "alleged"
    CLAIMED = "claimed"
    ESTIMATED = "estimated"
    REPORTED = "reported"
    CONFIRMED = "confirmed"
    ASSERTED = "asserted"
    SPECULATIVE = "speculative"


class SourceType(StrEnum):
    GOVERNMENT = "government"
    MILITARY = "military"
    INTELLIGENCE = "intelligence"
    POLITICIAN = "politician"
    OFFICIAL_ANONYMOUS = "official_anonymous"
    COMBATANT = "combatant"
    MEDIA = "media"
    EXPERT = "expert"
    SOCIAL_MEDIA = "social_media"
    OUTLET = "outlet"


class FigureType(StrEnum):
    KILLED = "killed"
    WOUNDED = "wounded"
    CASUALTIES = "casualties"
    MISSING = "missing"
    CAPTURED = "captured"
    DEPLOYED = "deployed"
    ARRESTED = "arrested"
    DESERTED = "deserted"


class TimePrecision(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    INTERVAL = "interval"
    UNKNOWN = "unknown"


class ClaimKind(StrEnum):
    """``event``: a factual statement about the world; ``analysis``: opinion or conjecture."""

    EVENT = "event"
    ANALYSIS = "analysis"


class Origin(StrEnum):
    """Where in the article a claim stands (labels.md: headline-only claims are marked)."""

    BODY = "body"
    HEADLINE = "headline"
    TEASER = "teaser"


@dataclass(frozen=True, slots=True)
class TextSpan:
    start: int
    end: int
    text: str
    field: str = "text"


@dataclass(frozen=True, slots=True)
class Figure:
    """A counted quantity: ``low`` / ``best`` / ``high`` as in labels.md (None where open)."""

    type: FigureType
    low: int | None
    best: int | None
    high: int | None
    approx: bool
    span: TextSpan
    derived: bool = False
    qualifier: str | None = None  # the vague word kept when no value follows ("some", "many")


@dataclass(frozen=True, slots=True)
class TimeExpr:
    span: TextSpan
    start: date | None
    end: date | None
    precision: TimePrecision
    note: str | None = None  # e.g. "date unknown; before 2024-10-22"


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One step of an attribution chain, from the original speaker to the outlet."""

    role: str  # "source" | "channel" | "intermediary" | "outlet"
    name: str
    span: TextSpan | None = None


@dataclass(frozen=True, slots=True)
class Source:
    name: str  # the ultimate speaker, normalised ("Dian Yuzhang", "South Korean intelligence")
    type: SourceType
    span: TextSpan | None  # the mention as written where the claim is made (may be a pronoun)
    description: str | None = None  # "Chinese mercenary fighting for Russia"
    resolved_from: TextSpan | None = None  # the earlier mention a pronoun or surname points to


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    article_id: str
    content: TextSpan
    source: Source
    cue: TextSpan | None
    certainty: Certainty
    kind: ClaimKind
    chain: tuple[ChainLink, ...] = ()
    channel: str | None = None
    figures: tuple[Figure, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    origin: Origin = Origin.BODY
    restates: str | None = None  # id of the body claim a headline or teaser claim repeats
    confidence: float = 1.0  # the extractor's confidence, separate from certainty


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str  # body only: furniture removed, paragraphs joined by blank lines
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None  # aware when the zone was written
    published_text: str | None = None  # the date as written
    published_zone: str | None = None  # the zone as written ("CET")
    published_precision: str | None = None  # "minute" | "day" | "month" | "year"
    section: str | None = None
    lang: str = "en"
    fingerprint: str = ""  # hash of the normalised body
    origin_path: str | None = None
    teasers: tuple[str, ...] = ()  # standfirsts that do not repeat a body sentence
    dropped: tuple[str, ...] = ()  # furniture lines removed at ingest, kept for audit


class ActorRole(StrEnum):
    """What kind of actor takes part in an event (mapped to ACLED's inter codes on export)."""

    STATE_FORCES = "state_forces"
    INTELLIGENCE = "intelligence"
    GOVERNMENT = "government"
    POLICE = "police"
    REBELS = "rebels"
    MILITIA = "militia"
    PMC = "pmc"  # private military companies and mercenaries
    PROTESTERS = "protesters"
    RIOTERS = "rioters"
    CIVILIANS = "civilians"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Actor:
    """A participant in an event: the mention as written, then (after resolve) who it is."""

    text: str  # "Pyongyang's soldiers"
    span: TextSpan | None
    name: str | None = None  # normalised: "North Korean military"
    country: str | None = None  # ISO 3166-1 alpha-2: "KP"
    role: ActorRole | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """Where an event happened; ``precision`` follows ACLED's geo_precision (1 town,
    2 near a town or part of a region, 3 region or larger)."""

    text: str  # as written: "the Kursk region", "near the village of Plekhovo"
    span: TextSpan | None
    name: str | None = None  # gazetteer name: "Kursk Oblast"
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    admin1_code: str | None = None  # ISO 3166-2: "RU-KRS"
    admin2: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: int | None = None
    feature: str | None = None  # "town" | "region" | "country"
    geonameid: int | None = None
    note: str | None = None  # why the precision is coarser than the text ("village not in gazetteer")


@dataclass(frozen=True, slots=True)
class EventTime:
    """When an event happened, resolved against publication time. Unknown dates say so
    (``precision`` UNKNOWN with a note) instead of borrowing the publication date."""

    start: date | None
    end: date | None
    precision: TimePrecision
    span: TextSpan | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    article_id: str
    code: str  # our ontology key: "troop_deployment"
    event_type: str  # ACLED event type: "Strategic developments"
    sub_event_type: str  # ACLED sub-event type
    plover: str  # PLOVER event type: "MOBILIZE"
    trigger: TextSpan
    certainty: Certainty  # carried over from the claims that report it (the strongest wording)
    time: EventTime
    actor1: Actor | None = None
    actor2: Actor | None = None
    associated: tuple[Actor, ...] = ()
    targets: tuple[Actor, ...] = ()
    place: Place | None = None
    figures: tuple[Figure, ...] = ()
    claim_ids: tuple[str, ...] = ()
    # Place phrases the extractor found, most likely first; resolve keeps the first that
    # geocodes as ``place`` and empties this.
    places: tuple[Place, ...] = ()
    # Triggers of the other mentions of this event in the article ("the deployment", "sent").
    mentions: tuple[TextSpan, ...] = ()
    # The trigger's lemmas, head first ("kill"), for linking events across articles.
    lemmas: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    article: Article
    claims: tuple[Claim, ...]
    events: tuple[Event, ...] = ()
    resolved: bool = False  # the resolve stage has named, placed and merged the events


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input item that could not be processed, with a coded reason (errors.py)."""

    item: str
    stage: str
    code: str
    reason: str


def to_plain(record: Any) -> Any:
    """A JSON-ready dict of a record (dates as ISO strings, enums as their values)."""
    return _plain(asdict(record))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


__all__ = [
    "Actor",
    "ActorRole",
    "Article",
    "Certainty",
    "ChainLink",
    "Claim",
    "ClaimKind",
    "Event",
    "EventTime",
    "Extraction",
    "Figure",
    "FigureType",
    "Origin",
    "Place",
    "Rejected",
    "Source",
    "SourceType",
    "TextSpan",
    "TimeExpr",
    "TimePrecision",
    "claim_from_plain",
    "to_plain",
]


def claim_from_plain(data: dict[str, Any]) -> Claim:
    """Rebuild a Claim from ``to_plain(claim)`` (JSON, a database row, a spaCy Doc's user data)."""
    return Claim(
        id=data["id"],
        article_id=data["article_id"],
        content=_span(data["content"]),
        source=_source(data["source"]),
        cue=_span(data.get("cue")),
        certainty=Certainty(data["certainty"]),
        kind=ClaimKind(data["kind"]),
        chain=tuple(ChainLink(link["role"], link["name"], _span(link.get("span")))
                    for link in data.get("chain", ())),
        channel=data.get("channel"),
        figures=tuple(_figure(item) for item in data.get("figures", ())),
        times=tuple(_time(item) for item in data.get("times", ())),
        origin=Origin(data.get("origin", "body")),
        restates=data.get("restates"),
        confidence=float(data.get("confidence", 1.0)),
    )


def _span(data: dict[str, Any] | None) -> TextSpan | None:
    if data is None:
        return None
    return TextSpan(data["start"], data["end"], data["text"], data.get("field", "text"))


def _source(data: dict[str, Any]) -> Source:
    return Source(data["name"], SourceType(data["type"]), _span(data.get("span")),
                  data.get("description"), _span(data.get("resolved_from")))


def _figure(data: dict[str, Any]) -> Figure:
    return Figure(FigureType(data["type"]), data.get("low"), data.get("best"), data.get("high"),
                  bool(data.get("approx")), _span(data["span"]), bool(data.get("derived")),
                  data.get("qualifier"))


def _time(data: dict[str, Any]) -> TimeExpr:
    start, end = data.get("start"), data.get("end")
    return TimeExpr(_span(data["span"]), date.fromisoformat(start) if start else None,
                    date.fromisoformat(end) if end else None, TimePrecision(data["precision"]),
                    data.get("note"))

