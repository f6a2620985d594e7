#!/usr/bin/env python
"""Scale of the cross-article record: the cost of adding articles to ever bigger stores.

    .venv/bin/python bench/scale_corroboration.py [--sizes 10000,100000,1000000] [--add 200]
                                                  [--db-dir DIR] [--postgres URL]
                                                  [--build bulk|real] [--seed 7] [--plain]

For each size, a store (SQLite by default; PostgreSQL with ``--postgres URL``, in a fresh schema
dropped afterwards) is filled with that many **synthetic** claims, then ``--add`` more articles
are written through the real ``Store.write_batch``, one transaction per article, and timed.

The synthetic stream has the shape of conflict coverage: articles of about ten claims (six to
thirteen body claims, a headline restating a figure in half of them), about half of the body
claims with a figure (killed, wounded, casualties, missing, captured, deployed, arrested,
deserted), events linked to those claims with actors' countries and places from 36 countries
(Zipf-weighted, so a few theatres dominate, as in real coverage), incidents reported by several
articles over a few days with claimants' figures that agree, round or contradict, dates spread
over three years, values spread over four or five orders of magnitude, ~3,000 distinct source
names and 400 outlets (both Zipf-weighted), and 7 % syndicated copies (the same text, a third
of them with a sentence added). Records are built directly (no spaCy) with deterministic ids.

**Building the base.** ``--build real`` writes the base through ``Store.write_batch`` (batches
of ``--build-batch`` articles). That path's per-article cost grows with the store (see the
notes it prints), so building a million claims through it would take hours. ``--build bulk``
(default) writes the same rows in large ``executemany`` batches: the rows come from the writer's
own row builders (``store/writer.py``) and the cross-article rows (copies, claim groups, stories)
are decided in memory by the rules of ``store/corroboration.py``, calling its own functions
(MinHash band candidates; the first compatible group anchor in the order SQLite returns them;
the story the event-coreference model picks among the block's latest), with the time and band
lookups indexed. ``tests/test_bench_scale.py`` checks that both builds give identical tables.
The **measured** additions always go through ``Store.write_batch``.

**Timing.** The additions are the next articles of the same stream (published right after the
base), pickled and written by a fresh child process, so the peak-RSS figure is that of a
process opening an existing store and adding to it, not of the builder. One extra article is
written first, untimed (lazy imports, the actor table, SQLite's first pages). Reported: mean
ms per added article (also median and p95), the peak RSS growth over the additions
(``/proc/self/status`` VmHWM after a reset, else ``resource.getrusage``; MB), the time split
into SQL statements, Python and commit, the statements that took the most time, and, for
every lookup (SELECT, DELETE, UPDATE) the write path issued, the database's query plan with
full scans flagged (SQLite: ``EXPLAIN QUERY PLAN`` lines ``SCAN table``; PostgreSQL:
``EXPLAIN`` lines ``Seq Scan``).

``exponent``: the least-squares slope of log(total time to add the articles) against
log(store size in claims) over the sizes. Aim (issue 4): exponent <= 1.15 (ideally ~0: adding
to a bigger store should not cost more) and under 50 ms per added article at 1M claims.
The last stdout line is one JSON object: ``sizes``, ``ms_per_article``, ``exponent``,
``ms_per_article_at_1m`` (the value at the largest size), ``rss_mb`` and extras.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import hashlib
import itertools
import json
import math
import pickle
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import print_final_json, print_notes, print_table

from claimscope.records import (
    Actor,
    ActorRole,
    Article,
    Certainty,
    ChainLink,
    Claim,
    ClaimKind,
    Event,
    EventTime,
    Extraction,
    Figure,
    FigureType,
    Origin,
    Place,
    Source,
    SourceType,
    TextSpan,
    TimeExpr,
    TimePrecision,
)

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_ADD = 200
AIM_EXPONENT = 1.15
AIM_MS_AT_1M = 50.0
CHUNK_ARTICLES = 1000  # articles per bulk transaction

# --- the synthetic stream -----------------------------------------------------------------

START = datetime(2022, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)  # the base's publication dates cover three years
COPY_SHARE = 0.07  # syndicated copies
COPY_EDITED = 0.3  # of the copies, those with a sentence added (a light rewrite)
FIGURE_SHARE = 0.55  # body claims with a figure
HEADLINE_SHARE = 0.5  # articles whose headline restates a figure claim
UNDATED_SHARE = 0.02  # incidents whose date the text does not give
UNPLACED_SHARE = 0.05  # incidents whose place resolve could not geocode
STATELESS_SHARE = 0.05  # incidents whose actors resolve gave no country
UNLINKED_SHARE = 0.1  # figure claims the extractor did not tie to an event (who/where unknown)
ACTIVE_DAYS = 5  # an incident is still reported this many days after it happened
NEW_INCIDENT = 0.35  # chance that an incident slot of an article is a fresh incident

COUNTRIES = (
    "UA", "RU", "SY", "IL", "PS", "SD", "YE", "MM", "IQ", "LB", "ML", "BF", "NG", "CD", "SO",
    "ET", "AF", "PK", "IN", "CO", "MX", "HT", "LY", "NE", "CF", "SS", "IR", "TR", "AZ", "AM",
    "KP", "KR", "VE", "BY", "GE", "US",
)
ADVERSARY = {"UA": "RU", "RU": "UA", "IL": "PS", "PS": "IL", "LB": "IL", "YE": "US", "IN": "PK",
             "PK": "IN", "AZ": "AM", "AM": "AZ", "KR": "KP", "KP": "KR", "IR": "IL", "SY": "TR",
             "TR": "SY", "BY": "UA", "GE": "RU", "US": "IR"}
# code, weight, figure types reported for it, role of actor1, role of actor2 (None: targets)
INCIDENTS: tuple[tuple[str, int, tuple[FigureType, ...], ActorRole, ActorRole | None], ...] = (
    ("armed_clash", 20, (FigureType.KILLED, FigureType.WOUNDED, FigureType.CASUALTIES,
                         FigureType.CAPTURED, FigureType.MISSING),
     ActorRole.STATE_FORCES, ActorRole.STATE_FORCES),
    ("air_drone_strike", 12, (FigureType.KILLED, FigureType.WOUNDED),
     ActorRole.STATE_FORCES, None),
    ("shelling_artillery_missile_attack", 12,
     (FigureType.KILLED, FigureType.WOUNDED, FigureType.CASUALTIES), ActorRole.STATE_FORCES, None),
    ("attack_on_civilians", 10, (FigureType.KILLED, FigureType.WOUNDED, FigureType.MISSING),
     ActorRole.MILITIA, None),
    ("remote_explosive", 4, (FigureType.KILLED, FigureType.WOUNDED), ActorRole.REBELS, None),
    ("arrests", 8, (FigureType.ARRESTED,), ActorRole.POLICE, ActorRole.PROTESTERS),
    ("peaceful_protest", 6, (FigureType.ARRESTED, FigureType.WOUNDED),
     ActorRole.PROTESTERS, ActorRole.POLICE),
    ("violent_demonstration", 4, (FigureType.KILLED, FigureType.WOUNDED, FigureType.ARRESTED),
     ActorRole.RIOTERS, ActorRole.POLICE),
    ("troop_deployment", 8, (FigureType.DEPLOYED,), ActorRole.STATE_FORCES, ActorRole.STATE_FORCES),
    ("desertion", 3, (FigureType.DESERTED, FigureType.CAPTURED),
     ActorRole.STATE_FORCES, ActorRole.STATE_FORCES),
    ("natural_disaster", 3, (FigureType.KILLED, FigureType.MISSING, FigureType.WOUNDED),
     ActorRole.OTHER, None),
    ("agreement", 2, (FigureType.CAPTURED,), ActorRole.GOVERNMENT, ActorRole.GOVERNMENT),
    ("diplomatic_event", 6, (), ActorRole.GOVERNMENT, ActorRole.GOVERNMENT),
    ("looting_property_destruction", 2, (), ActorRole.MILITIA, None),
)
# log10 range of an incident's true value per figure type
MAGNITUDE = {
    FigureType.KILLED: (0.0, 4.0), FigureType.WOUNDED: (0.0, 4.3),
    FigureType.CASUALTIES: (1.0, 4.8), FigureType.MISSING: (0.0, 3.0),
    FigureType.CAPTURED: (0.0, 3.3), FigureType.DEPLOYED: (2.0, 5.2),
    FigureType.ARRESTED: (0.0, 3.6), FigureType.DESERTED: (0.0, 3.0),
}
# how the text names each kind of incident, and that word's lemmas (head first)
TRIGGERS = {
    "armed_clash": ("clashes", ("clash",)),
    "air_drone_strike": ("drone strike", ("strike", "drone")),
    "shelling_artillery_missile_attack": ("shelling", ("shelling",)),
    "attack_on_civilians": ("attack", ("attack",)), "remote_explosive": ("blast", ("blast",)),
    "arrests": ("arrests", ("arrest",)), "peaceful_protest": ("protest", ("protest",)),
    "violent_demonstration": ("riots", ("riot",)),
    "troop_deployment": ("deployment", ("deployment",)),
    "desertion": ("desertions", ("desertion",)), "natural_disaster": ("floods", ("flood",)),
    "agreement": ("prisoner exchange", ("exchange", "prisoner")),
    "diplomatic_event": ("talks", ("talk",)),
    "looting_property_destruction": ("looting", ("looting",)),
}
PEOPLE = {
    FigureType.KILLED: "people were killed", FigureType.WOUNDED: "people were wounded",
    FigureType.CASUALTIES: "casualties were counted", FigureType.MISSING: "people are missing",
    FigureType.CAPTURED: "soldiers were captured", FigureType.DEPLOYED: "troops were deployed",
    FigureType.ARRESTED: "people were arrested", FigureType.DESERTED: "soldiers deserted",
}
CERTAINTY_CUES = (
    (Certainty.ASSERTED, 30, "said"), (Certainty.REPORTED, 20, "reported"),
    (Certainty.CLAIMED, 15, "claimed"), (Certainty.CONFIRMED, 10, "confirmed"),
    (Certainty.ESTIMATED, 8, "estimated"), (Certainty.ALLEGED, 7, "alleged"),
    (Certainty.UNVERIFIED_FLAGGED, 4, "said, without evidence,"),
    (Certainty.DENIED, 3, "denied"), (Certainty.SPECULATIVE, 3, "suggested"),
)
BODIES = (
    ("defence ministry", SourceType.GOVERNMENT), ("military", SourceType.MILITARY),
    ("intelligence service", SourceType.INTELLIGENCE), ("police", SourceType.GOVERNMENT),
    ("health ministry", SourceType.GOVERNMENT), ("emergency service", SourceType.GOVERNMENT),
    ("government", SourceType.GOVERNMENT), ("army spokesman", SourceType.MILITARY),
)
ANONYMOUS = ("officials", "a senior official", "sources familiar with the matter", "witnesses",
             "local residents", "medics", "a security source", "diplomats")
PERSON_TYPES = (SourceType.COMBATANT, SourceType.POLITICIAN, SourceType.EXPERT,
                SourceType.MEDIA, SourceType.SOCIAL_MEDIA)
MASTHEADS = ("Times", "Post", "Herald", "Tribune", "News", "Wire", "Gazette", "Observer",
             "Chronicle", "Daily", "Courier", "Report")
SYLLABLES = ("ka", "ro", "mi", "ta", "ven", "lo", "sar", "bel", "du", "ne", "ko", "ri", "pa",
             "sha", "mor", "lin", "tes", "va", "zen", "gor", "hal", "pri", "dan", "el", "os",
             "ur", "bek", "sol", "mar", "kin", "ti", "vol")


def _zipf(n: int, exponent: float = 1.0, offset: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for ``random.choices(..., cum_weights=...)``."""
    return list(itertools.accumulate(1.0 / (rank + offset) ** exponent for rank in range(n)))


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


@dataclass(frozen=True, slots=True)
class _Body:
    """A named source and its type."""

    name: str
    type: SourceType


@dataclass(slots=True)
class _Incident:
    key: int
    kind: tuple  # an INCIDENTS entry
    day: date | None
    created: datetime
    town: Place
    placed: bool  # False: the event has no resolved place
    actor1: Actor
    actor2: Actor | None
    targets: tuple[Actor, ...]
    truth: dict[FigureType, int] = field(default_factory=dict)


def _ontology() -> dict[str, dict]:
    data = resources.files("claimscope").joinpath("data/events/ontology.toml").read_bytes()
    return {entry["code"]: entry for entry in tomllib.loads(data.decode())["event"]}


class Stream:
    """An endless, deterministic stream of synthetic extractions.

    ``base_articles`` sets the density: that many articles cover the three years of ``SPAN``;
    articles after them go on at the same rate.
    """

    def __init__(self, seed: int, base_articles: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.step = SPAN / max(base_articles, 1)
        self.index = 0
        self.incidents = 0
        self.active: deque[_Incident] = deque()
        self.recent: deque[Extraction] = deque(maxlen=300)
        self.ontology = _ontology()
        for code, *_ in INCIDENTS:
            if code not in self.ontology:
                raise SystemExit(f"event code {code!r} is not in the ontology")
        names = random.Random(seed + 1)  # the name tables do not depend on the stream's length
        self.vocabulary = sorted({_word(names, names.randint(2, 4)) for _ in range(6000)})
        self.towns = {cc: [self._town(names, cc, k) for k in range(40)] for cc in COUNTRIES}
        self.outlets = sorted({f"{_word(names, 2).title()} {names.choice(MASTHEADS)}"
                               for _ in range(400)})
        names.shuffle(self.outlets)
        self.outlet_weights = _zipf(len(self.outlets), 1.0, 3.0)
        self.sources = self._sources(names)
        self.source_weights = _zipf(len(self.sources), 1.0, 10.0)
        self.country_weights = _zipf(len(COUNTRIES), 1.1, 1.0)
        self.kind_weights = list(itertools.accumulate(kind[1] for kind in INCIDENTS))
        self.certainty_weights = list(itertools.accumulate(c[1] for c in CERTAINTY_CUES))

    # name tables

    @staticmethod
    def _town(rng: random.Random, cc: str, k: int) -> Place:
        name = _word(rng, rng.randint(2, 3)).title()
        return Place(text=name, span=None, name=name, country=cc, admin1=f"Region {k % 8}",
                     admin1_code=f"{cc}-{k % 8:02d}", latitude=round(rng.uniform(-40, 60), 4),
                     longitude=round(rng.uniform(-100, 130), 4), precision=1 + k % 3,
                     feature="town")

    def _sources(self, rng: random.Random) -> list[_Body]:
        import pycountry

        found: list[_Body] = []
        for cc in COUNTRIES:
            country = pycountry.countries.get(alpha_2=cc)
            label = getattr(country, "common_name", None) or country.name
            found.extend(_Body(f"{label}'s {body}", kind) for body, kind in BODIES)
        found.extend(_Body(name, SourceType.OFFICIAL_ANONYMOUS) for name in ANONYMOUS)
        firsts = sorted({_word(rng, 2).title() for _ in range(80)})[:60]
        lasts = sorted({_word(rng, 3).title() for _ in range(80)})[:45]
        found.extend(_Body(f"{first} {last}", rng.choice(PERSON_TYPES))
                     for first in firsts for last in lasts)
        rng.shuffle(found)
        return found

    # the stream

    def __iter__(self) -> Iterator[Extraction]:
        return self

    def __next__(self) -> Extraction:
        rng, i = self.rng, self.index
        self.index += 1
        published = START + self.step * i + self.step * rng.random()
        published = published.replace(microsecond=0)
        if self.recent and rng.random() < COPY_SHARE:
            extraction = self._copy(rng.choice(self.recent), i, published)
        else:
            extraction = self._fresh(i, published)
        self.recent.append(extraction)
        return extraction

    def _id(self, *parts: object) -> str:
        key = "|".join(str(p) for p in (self.seed, *parts))
        return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()

    def _filler(self, low: int, high: int) -> str:
        rng = self.rng
        return " ".join(rng.choice(self.vocabulary) for _ in range(rng.randint(low, high)))

    def _incident(self, published: datetime) -> _Incident:
        rng = self.rng
        kind = rng.choices(INCIDENTS, cum_weights=self.kind_weights)[0]
        code, _weight, types, role1, role2 = kind
        theatre = rng.choices(COUNTRIES, cum_weights=self.country_weights)[0]
        other = ADVERSARY.get(theatre, theatre) if rng.random() < 0.8 else theatre
        day = None if rng.random() < UNDATED_SHARE else (published - timedelta(
            days=rng.randint(0, 2))).date()

        stateless = rng.random() < STATELESS_SHARE

        def actor(cc: str, role: ActorRole) -> Actor:
            name = f"{cc} {role.value.replace('_', ' ')}"
            return Actor(text=name, span=None, name=name, country=None if stateless else cc,
                         role=role)

        first = actor(theatre if role2 is None or rng.random() < 0.5 else other, role1)
        second = actor(other if first.country == theatre else theatre, role2) if role2 else None
        targets = () if role2 else (actor(theatre, ActorRole.CIVILIANS),)
        self.incidents += 1
        incident = _Incident(self.incidents, kind, day, published,
                             rng.choice(self.towns[theatre]), rng.random() >= UNPLACED_SHARE,
                             first, second, targets)
        for figure_type in rng.sample(types, min(len(types), rng.randint(1, 2))):
            low, high = MAGNITUDE[figure_type]
            incident.truth[figure_type] = max(1, round(10 ** rng.uniform(low, high)))
        return incident

    def _incidents_for(self, published: datetime) -> list[_Incident]:
        rng = self.rng
        while self.active and self.active[0].created < published - timedelta(days=ACTIVE_DAYS):
            self.active.popleft()
        chosen: list[_Incident] = []
        for _ in range(rng.choices((1, 2, 3), weights=(6, 3, 1))[0]):
            if not self.active or rng.random() < NEW_INCIDENT:
                incident = self._incident(published)
                self.active.append(incident)
            else:
                incident = rng.choice(self.active)
            if incident not in chosen:
                chosen.append(incident)
        return chosen

    def _figure(self, incident: _Incident, span: TextSpan) -> tuple[Figure, str]:
        """A claimant's figure for one of the incident's true values, and how it is written."""
        rng = self.rng
        figure_type = rng.choice(list(incident.truth))
        truth = incident.truth[figure_type]
        roll = rng.random()
        value = truth if roll < 0.6 else max(1, round(truth * (
            rng.uniform(0.9, 1.1) if roll < 0.85 else 10 ** rng.uniform(-1, 1))))
        form = rng.random()
        if form < 0.55:
            figure, words = Figure(figure_type, value, value, value, False, span), f"{value}"
        elif form < 0.75:
            figure, words = Figure(figure_type, None, value, None, True, span), f"about {value}"
        elif form < 0.9:
            figure = Figure(figure_type, value, None, None, True, span, qualifier="more than")
            words = f"more than {value}"
        else:
            high = value + max(1, value // 5)
            figure = Figure(figure_type, value, None, high, True, span)
            words = f"between {value} and {high}"
        return figure, f"{words} {PEOPLE[figure_type]}"

    def _fresh(self, i: int, published: datetime) -> Extraction:
        rng = self.rng
        article_id = self._id("article", i)
        outlet = rng.choices(self.outlets, cum_weights=self.outlet_weights)[0]
        incidents = self._incidents_for(published)
        text_parts: list[str] = []
        offset = 0
        claims: list[Claim] = []
        figured: list[tuple[Claim, _Incident]] = []
        links: dict[int, list[Claim]] = {incident.key: [] for incident in incidents}
        for position in range(rng.randint(6, 13)):
            incident = incidents[position % len(incidents)] if rng.random() < 0.85 else None
            if rng.random() < 0.1:
                body = _Body(outlet, SourceType.OUTLET)
            else:
                body = rng.choices(self.sources, cum_weights=self.source_weights)[0]
            certainty, _w, cue = rng.choices(CERTAINTY_CUES, cum_weights=self.certainty_weights)[0]
            lead = f"{body.name[0].upper()}{body.name[1:]} {cue} that "
            content_start = offset + len(lead)
            figures: tuple[Figure, ...] = ()
            times: tuple[TimeExpr, ...] = ()
            if incident is not None and incident.truth and rng.random() < FIGURE_SHARE:
                figure, words = self._figure(incident, TextSpan(0, 0, ""))
                figure = replace(figure, span=TextSpan(content_start, content_start + len(words),
                                                       words))
                figures = (figure,)
                trigger = TRIGGERS[incident.kind[0]][0]
                content = f"{words} in {incident.town.name} during the {trigger}"
            elif incident is not None:
                content = f"the {TRIGGERS[incident.kind[0]][0]} in {incident.town.name} continued"
            else:
                content = "the situation remained tense"
            if incident is not None and incident.day is not None and rng.random() < 0.3:
                when = f" on {incident.day:%B %d}"
                start = content_start + len(content)
                times = (TimeExpr(TextSpan(start, start + len(when), when), incident.day, None,
                                  TimePrecision.DAY),)
                content += when
            content += " " + self._filler(8, 16)
            sentence = f"{lead}{content}."
            chain: tuple[ChainLink, ...] = ()
            channel = None
            if body.type is not SourceType.OUTLET and rng.random() < 0.2:
                via = rng.choices(self.outlets, cum_weights=self.outlet_weights)[0]
                channel = "Telegram" if rng.random() < 0.3 else None
                chain = (ChainLink("source", body.name),
                         *((ChainLink("channel", channel),) if channel else ()),
                         ChainLink("intermediary", via), ChainLink("outlet", outlet))
            claim = Claim(
                id=self._id("claim", i, position),
                article_id=article_id,
                content=TextSpan(content_start, content_start + len(content), content),
                source=Source(body.name, body.type, TextSpan(offset, offset + len(body.name),
                                                             lead[:len(body.name)])),
                cue=TextSpan(offset + len(lead) - len(cue) - 6, offset + len(lead) - 6, cue),
                certainty=certainty,
                kind=ClaimKind.EVENT if rng.random() < 0.85 else ClaimKind.ANALYSIS,
                chain=chain, channel=channel, figures=figures, times=times,
                confidence=round(rng.uniform(0.5, 1.0), 2),
            )
            claims.append(claim)
            if incident is not None and not (figures and rng.random() < UNLINKED_SHARE):
                links[incident.key].append(claim)
                if figures:
                    figured.append((claim, incident))
            text_parts.append(sentence)
            offset += len(sentence) + 2
        text = "\n\n".join(text_parts)
        title = self._filler(5, 9).capitalize()
        if figured and rng.random() < HEADLINE_SHARE:
            body_claim, incident = figured[0]
            figure = body_claim.figures[0]
            words = figure.span.text.capitalize()
            title = f"{words} in {incident.town.name}"
            claims.append(Claim(
                id=self._id("headline", i), article_id=article_id,
                content=TextSpan(0, len(title), title, "title"),
                source=Source(outlet, SourceType.OUTLET, None), cue=None,
                certainty=Certainty.ASSERTED, kind=ClaimKind.EVENT, origin=Origin.HEADLINE,
                restates=body_claim.id,
                figures=(replace(figure, span=TextSpan(0, len(words), words, "title")),),
            ))
        events = tuple(self._event(article_id, n, incident, links[incident.key])
                       for n, incident in enumerate(incidents) if links[incident.key])
        slug = re.sub(r"\W+", "-", outlet.lower())
        article = Article(
            id=article_id, text=text, title=title, url=f"https://{slug}.example/{article_id}",
            outlet=outlet, author=None, published=published,
            published_text=f"{published:%Y-%m-%d %H:%M} UTC", published_zone="UTC",
            published_precision="minute", lang="en",
            fingerprint=hashlib.blake2b(text.encode(), digest_size=8).hexdigest(),
        )
        return Extraction(article, tuple(claims), events)

    def _event(self, article_id: str, n: int, incident: _Incident, claims: list[Claim]) -> Event:
        code = incident.kind[0]
        entry = self.ontology[code]
        first = claims[0].content
        word, lemmas = TRIGGERS[code]
        start = first.start + first.text.index(word)
        trigger = TextSpan(start, start + len(word), word)
        extra = {"lemmas": lemmas} if "lemmas" in Event.__dataclass_fields__ else {}
        time_ = (EventTime(incident.day, None, TimePrecision.DAY) if incident.day else
                 EventTime(None, None, TimePrecision.UNKNOWN, note="date not given"))
        return Event(
            id=self._id("event", article_id, n), article_id=article_id, code=code,
            event_type=entry["acled_event_type"], sub_event_type=entry["acled_sub_event_type"],
            plover=entry["plover"], trigger=trigger, certainty=claims[0].certainty, time=time_,
            actor1=incident.actor1, actor2=incident.actor2, targets=incident.targets,
            place=incident.town if incident.placed else None,
            figures=tuple(f for c in claims for f in c.figures),
            claim_ids=tuple(c.id for c in claims), **extra,
        )

    def _copy(self, original: Extraction, i: int, published: datetime) -> Extraction:
        """A syndicated copy: the same text under another outlet (sometimes a sentence more)."""
        rng = self.rng
        article_id = self._id("article", i)
        outlet = rng.choices(self.outlets, cum_weights=self.outlet_weights)[0]
        text = original.article.text
        if rng.random() < COPY_EDITED:
            text += f"\n\n{outlet} contributed to this report. {self._filler(4, 8)}."
        new_ids = {c.id: self._id("claim", i, n) for n, c in enumerate(original.claims)}
        claims = tuple(
            replace(c, id=new_ids[c.id], article_id=article_id,
                    restates=new_ids.get(c.restates) if c.restates else None,
                    source=(Source(outlet, SourceType.OUTLET, c.source.span)
                            if c.source.type is SourceType.OUTLET else c.source),
                    chain=tuple(replace(link, name=outlet) if link.role == "outlet" else link
                                for link in c.chain))
            for c in original.claims)
        events = tuple(replace(e, id=self._id("event", article_id, n), article_id=article_id,
                               claim_ids=tuple(new_ids[c] for c in e.claim_ids))
                       for n, e in enumerate(original.events))
        slug = re.sub(r"\W+", "-", outlet.lower())
        article = replace(original.article, id=article_id, text=text, outlet=outlet,
                          url=f"https://{slug}.example/{article_id}",
                          published=max(published, original.article.published),
                          published_text=f"{published:%Y-%m-%d %H:%M} UTC",
                          fingerprint=hashlib.blake2b(text.encode(), digest_size=8).hexdigest())
        return Extraction(article, claims, events)


def unique_claims(extraction: Extraction) -> int:
    return len({c.id for c in extraction.claims})


# --- building the base --------------------------------------------------------------------


class BulkLoader:
    """Writes extractions in big ``executemany`` batches, with the same rows the real write
    path would produce for a store that only grows (no article is written twice).

    Table rows come from ``store/writer.py``'s row builders (and its full-text index call).
    Copies, claim groups and stories follow ``store/corroboration.py``, calling its own
    functions where it has them: a copy is the most similar earlier article among its MinHash
    band candidates; a reading joins the first group, in the order SQLite returns them, whose
    anchor it is compatible with (``_Anchors``); an event joins the story the event-coreference
    model picks among the block's five latest stories within a week (each seen through its
    first three events), else starts one. Those decisions are made in memory with indexed
    lookups (by day, by band hash), so the build stays linear.
    """

    def __init__(self, engine: Any) -> None:
        from claimscope.store import corroboration as live

        self.engine = engine
        self.live = live
        self.coref = hasattr(live, "_coref")  # stories linked by the event-coreference model
        self.anchors = _Anchors()
        self.stories: dict[str, _StoryIndex] = {}
        self.bands: dict[int, Any] = {}  # band key -> article id, or a list of them
        self.signatures: dict[str, tuple[bytes, str | None]] = {}

    def write(self, extractions: Sequence[Extraction]) -> int:
        from sqlalchemy import insert

        from claimscope.store import schema, writer

        now = datetime.now(UTC)
        tables = ("articles", "claims", "figures", "claim_times", "events", "event_claims",
                  "article_signatures", "signature_bands", "claim_groups", "group_members",
                  "stories", "story_events")
        rows: dict[str, list[dict]] = {name: [] for name in tables}
        written = 0
        for extraction in extractions:
            article = extraction.article
            rows["articles"].append(writer._article_row(article, now))
            unique = writer._first_of_each_id(extraction.claims)
            if not unique:  # as the writer does: only the text, for later copies of it
                self._corroboration(replace(extraction, claims=(), events=()), rows)
                continue
            written += len(unique)
            published = writer._utc(article.published)
            rows["claims"].extend(writer._claim_row(c, n, published) for n, c in enumerate(unique))
            rows["figures"].extend(writer._figure_row(c.id, n, f)
                                   for c in unique for n, f in enumerate(c.figures))
            rows["claim_times"].extend(writer._time_row(c.id, n, t)
                                       for c in unique for n, t in enumerate(c.times))
            events = {}
            for event in extraction.events:
                events.setdefault(event.id, event)
            claim_ids = {c.id for c in unique}
            rows["events"].extend(writer._event_row(e, n) for n, e in enumerate(events.values()))
            rows["event_claims"].extend(
                {"event_id": e.id, "claim_id": c, "position": n}
                for e in events.values() for n, c in enumerate(dict.fromkeys(e.claim_ids))
                if c in claim_ids)
            self._corroboration(replace(extraction, claims=tuple(unique)), rows)
        search = getattr(writer, "search", None)  # the full-text index of claim contents
        with self.engine.begin() as conn:
            for name in tables:  # parents before children (PostgreSQL checks foreign keys)
                if rows[name]:
                    conn.execute(insert(schema.metadata.tables[name]), rows[name])
            if search is not None and rows["claims"]:
                search.index_claims(conn, [(row["id"], row["content_text"])
                                           for row in rows["claims"]])
        return written

    # store/corroboration.py, record_article, in memory

    def _corroboration(self, extraction: Extraction, rows: dict[str, list[dict]]) -> None:
        from claimscope.corroborate.quantities import readings
        from claimscope.corroborate.roots import provenance
        from claimscope.store import corroboration as live

        article = extraction.article
        self._copy(article, rows)
        claims_by_event: dict[str, list[Event]] = {c.id: [] for c in extraction.claims}
        for event in extraction.events:
            for claim_id in event.claim_ids:
                claims_by_event.setdefault(claim_id, []).append(event)
        by_id = {claim.id: claim for claim in extraction.claims}
        for claim in extraction.claims:
            linked = claims_by_event.get(claim.id) or claims_by_event.get(claim.restates or "", [])
            for position, reading in enumerate(readings(claim, linked)):
                group_id = self._group(reading, f"g:{claim.id}:{position}", rows)
                origin = provenance(by_id.get(claim.restates or "", claim), article)
                rows["group_members"].append({
                    "claim_id": claim.id, "position": position, "group_id": group_id,
                    "article_id": article.id, "root_key": origin.root_key,
                    "root_name": origin.root_name, "root_type": origin.root_type.value,
                    "path": list(origin.path), "outlet": origin.outlet,
                    "published": live._utc(article.published), "certainty": claim.certainty.value,
                    "origin": claim.origin.value, "low": reading.low, "best": reading.best,
                    "high": reading.high, "period_start": reading.period_start,
                    "period_end": reading.period_end,
                })
        # As the live code: every event's story is chosen before any of them is stored.
        chosen = [(event, self._story(event, by_id, article.text, rows))
                  for event in live._unique(extraction.events)]
        for event, story in chosen:
            rows["story_events"].append({"event_id": event.id, "story_id": story.id,
                                         "article_id": article.id})
            self._remember(story, event, by_id, article.text)

    def _copy(self, article: Article, rows: dict[str, list[dict]]) -> None:
        from claimscope.corroborate.copies import best_original, from_bytes, signature

        new = signature(article.id, article.text)
        bands = new.bands()
        keys = [int(digest, 16) * 64 + band for band, digest in bands]
        candidate_ids: set[str] = set()
        for key in keys:
            found = self.bands.get(key)
            if found is not None:
                candidate_ids.update([found] if isinstance(found, str) else found)
        candidates = sorted(candidate_ids)
        best = best_original(new, (from_bytes(c, self.signatures[c][0]) for c in candidates))
        copy_of, similarity = None, None
        if best is not None:
            copy_of, similarity = self.signatures[best[0]][1] or best[0], best[1]
        data = new.to_bytes()
        self.signatures[article.id] = (data, copy_of)
        rows["article_signatures"].append({"article_id": article.id, "signature": data,
                                           "copy_of": copy_of, "similarity": similarity})
        for key, (band, digest) in zip(keys, bands):
            found = self.bands.get(key)
            if found is None:
                self.bands[key] = article.id
            elif isinstance(found, str):
                self.bands[key] = [found, article.id]
            else:
                found.append(article.id)
            rows["signature_bands"].append({"band": band, "hash": digest, "article_id": article.id})

    def _group(self, reading: Any, new_id: str, rows: dict[str, list[dict]]) -> str:
        found = self.anchors.first_compatible(reading)
        if found is not None:
            return found
        block = reading.quantity.block
        self.anchors.add(block, new_id, reading)
        rows["claim_groups"].append({
            "id": new_id, "block": block, "figure_type": reading.quantity.figure_type.value,
            "low": reading.low, "best": reading.best, "high": reading.high,
            "period_start": reading.period_start, "period_end": reading.period_end,
        })
        return new_id

    def _story(self, event: Event, by_id: dict[str, Claim], text: str,
               rows: dict[str, list[dict]]) -> _Story:
        live = self.live
        country = (event.place.country if event.place and event.place.country else None) or next(
            (a.country for a in (event.actor1, event.actor2, *event.targets)
             if a is not None and a.country), "?")
        block = f"{event.code}|{country}"
        index = self.stories.setdefault(block, _StoryIndex())
        if self.coref:
            candidates = index.latest(event, live._CANDIDATES, live._STORY_DAYS)
            if candidates:
                mention = live._mention(event, live._sentence(event, by_id), text)
                found, _score = live._coref().assign(mention, [c.mentions for c in candidates])
                if found is not None:
                    return candidates[found]
        else:  # an older store: the first story of the block within a week (LIMIT 1)
            found = index.first(event, live._STORY_DAYS)
            if found is not None:
                return found
        story = index.add(f"s:{event.id}", event.time.start, event.time.end or event.time.start)
        rows["stories"].append({"id": story.id, "block": block, "code": event.code,
                                "date_start": story.start, "date_end": story.end})
        return story

    def _remember(self, story: _Story, event: Event, by_id: dict[str, Claim], text: str) -> None:
        """A story is compared through its first events that have a first claim, rebuilt from
        the stored record as the live code reads them back (``_story_mentions``)."""
        if not self.coref or len(story.mentions) >= self.live._PER_STORY:
            return
        first = next(iter(dict.fromkeys(event.claim_ids)), None)
        if first not in by_id:
            return
        from claimscope.records import to_plain
        from claimscope.store.plain import from_plain

        stored = from_plain(Event, json.loads(json.dumps(to_plain(event))))
        story.mentions.append(self.live._mention(stored, by_id[first].content.text, text))


@dataclass(slots=True)
class _Story:
    id: str
    order: int
    start: date | None
    end: date | None
    mentions: list = field(default_factory=list)


class _StoryIndex:
    """The stories of one block, by the day they end (and undated ones), in insertion order."""

    def __init__(self) -> None:
        self.count = 0
        self.all: list[_Story] = []
        self.by_end: dict[int, list[_Story]] = {}
        self.undated: list[_Story] = []
        self.longest = 0

    def add(self, story_id: str, start: date | None, end: date | None) -> _Story:
        story = _Story(story_id, self.count, start, end)
        self.count += 1
        self.all.append(story)
        if start is None:
            self.undated.append(story)
        else:
            self.by_end.setdefault(end.toordinal(), []).append(story)
            self.longest = max(self.longest, (end - start).days)
        return story

    def _window(self, event: Event, days: int) -> tuple[int, int, int] | None:
        if event.time.start is None:
            return None
        start, end = event.time.start, event.time.end or event.time.start
        upper = (end + timedelta(days=days)).toordinal()  # date_start <= upper
        lower = (start - timedelta(days=days)).toordinal()  # date_end >= lower
        return lower, upper, upper + self.longest

    def latest(self, event: Event, limit: int, days: int) -> list[_Story]:
        """``WHERE block AND (date_start IS NULL OR within a week) ORDER BY date_end DESC
        LIMIT n``: dated stories latest first (ties in insertion order), then undated ones."""
        window = self._window(event, days)
        if window is None:  # no date filter: every story of the block
            dated = sorted((s for s in self.all if s.end is not None),
                           key=lambda s: (-s.end.toordinal(), s.order))
            return (dated + self.undated)[:limit]
        lower, upper, top = window
        found: list[_Story] = []
        for day in range(top, lower - 1, -1):
            for story in self.by_end.get(day, ()):
                if story.start.toordinal() <= upper:
                    found.append(story)
                    if len(found) == limit:
                        return found
        return (found + self.undated)[:limit]

    def first(self, event: Event, days: int) -> _Story | None:
        """``WHERE block AND (date_start IS NULL OR within a week) LIMIT 1``, insertion order."""
        window = self._window(event, days)
        if window is None:
            return self.all[0] if self.all else None
        lower, upper, _top = window
        return next((s for s in self.all if s.start is None or (
            s.start.toordinal() <= upper and s.end.toordinal() >= lower)), None)


class _AnchorIndex:
    """Group anchors (``(order, block, id, reading)``) in the order SQLite reads them through
    an index on ``(block, period_end)``: undated ones first (NULL sorts first), then by the
    day their period ends, each in insertion order; findable by that day."""

    def __init__(self) -> None:
        self.undated: list[tuple[int, str, str, Any]] = []
        self.dated: list[tuple[int, str, str, Any]] = []  # by (period end, insertion)
        self.by_end: dict[int, list[tuple[int, str, str, Any]]] = {}
        self.days: list[int] = []  # the keys of by_end, sorted
        self.longest = 0  # the longest anchor period, in days

    def add(self, item: tuple[int, str, str, Any]) -> None:
        reading = item[3]
        if reading.period_start is None:
            self.undated.append(item)
            return
        end = reading.period_end or reading.period_start
        day = end.toordinal()
        if day not in self.by_end:
            self.by_end[day] = []
            bisect.insort(self.days, day)
        self.by_end[day].append(item)
        bisect.insort(self.dated, item, key=_end_order)
        self.longest = max(self.longest, (end - reading.period_start).days)

    def in_order(self) -> Iterator[tuple[int, str, str, Any]]:
        yield from self.undated
        yield from self.dated

    def window(self, reading: Any) -> Iterator[tuple[int, str, str, Any]]:
        """Dated anchors whose period can meet the reading's (ends from its start - 3 days,
        starts by its end + 3 days), by period end then insertion."""
        from claimscope.corroborate.quantities import _PERIOD_SLACK

        slack = _PERIOD_SLACK.days
        end = (reading.period_end or reading.period_start).toordinal() + slack
        low = reading.period_start.toordinal() - slack
        first = bisect.bisect_left(self.days, low)
        last = bisect.bisect_right(self.days, end + self.longest)
        for day in self.days[first:last]:
            for item in self.by_end[day]:
                if item[3].period_start.toordinal() <= end:
                    yield item

    def first(self, reading: Any) -> tuple | None:
        """The first anchor, in index order, compatible with ``reading``."""
        rows = (self.in_order() if reading.period_start is None
                else itertools.chain(self.undated, self.window(reading)))
        return next((item for item in rows if _fits(reading, item)), None)


def _fits(reading: Any, item: tuple[int, str, str, Any]) -> bool:
    """``compatible`` against the anchor as ``_anchor_reading`` rebuilds it: the row's values,
    the reading's quantity."""
    from claimscope.corroborate.quantities import compatible

    return compatible(reading, replace(item[3], claim_id=item[2], quantity=reading.quantity))


def _end_order(item: tuple[int, str, str, Any]) -> tuple[int, int]:
    reading = item[3]
    end = reading.period_end or reading.period_start
    return (end.toordinal() if end else -1), item[0]


def _index_order(item: tuple[int, str, str, Any]) -> tuple[str, int, int]:
    return (item[1], *_end_order(item))


class _Anchors:
    """The claim groups' anchors, answering "which group does this reading join" as the live
    ``_group_for`` (``store/corroboration.py``) does on SQLite.

    Which blocks the live query reads comes from the live code itself (``_near_blocks``, or the
    reading's own block), evaluated on a small in-memory table holding one row per block. SQLite
    reads the anchors through the index on ``(block, period_end)`` (migration 0006): by block,
    undated first, then by period end, then insertion. With counted people and place known, the
    first compatible anchor of the (up to four) blocks wins; with either unknown, the live query
    keeps only groups whose period can be the reading's and looks at the first
    ``_FUZZY_CANDIDATES`` of them. ``tests/test_bench_scale.py`` compares the tables of a bulk and
    a real build, so a change of the live rule or of SQLite's plan shows there.
    """

    def __init__(self) -> None:
        from sqlalchemy import create_engine

        from claimscope.store import corroboration as live
        from claimscope.store.schema import claim_groups

        self.table = claim_groups
        self.near = getattr(live, "_near_blocks", None)
        self.limit = getattr(live, "_FUZZY_CANDIDATES", None)
        self.engine = create_engine("sqlite://")
        claim_groups.create(self.engine)
        self.conn = self.engine.connect()
        self.order = 0
        self.blocks: dict[str, _AnchorIndex] = {}
        self.types: dict[str, _AnchorIndex] = {}

    def add(self, block: str, group_id: str, reading: Any) -> None:
        from sqlalchemy import insert

        item = (self.order, block, group_id, reading)
        self.order += 1
        if block not in self.blocks:
            self.blocks[block] = _AnchorIndex()
            self.conn.execute(insert(self.table), {"id": block, "block": block,
                                                   "figure_type": block.split("|")[0]})
        self.blocks[block].add(item)
        self.types.setdefault(block.split("|")[0], _AnchorIndex()).add(item)

    def first_compatible(self, reading: Any) -> str | None:
        from sqlalchemy import select

        from claimscope.corroborate.quantities import UNKNOWN

        if self.near is None:  # the live code reads the reading's own block
            index = self.blocks.get(reading.quantity.block)
            found = index.first(reading) if index else None
            return found[2] if found else None
        blocks = sorted(self.conn.execute(select(self.table.c.block).where(
            self.near(reading))).scalars())
        if UNKNOWN not in (reading.quantity.who, reading.quantity.where):
            for block in blocks:  # exact keys, no limit: the first block with a match
                found = self.blocks[block].first(reading)
                if found is not None:
                    return found[2]
            return None
        found = self._fuzzy(reading, blocks)
        return found[2] if found else None

    def _fuzzy(self, reading: Any, blocks: list[str]) -> tuple | None:
        if reading.period_start is None:  # no period condition: every anchor of the blocks
            rows: Iterator = (item for block in blocks for item in self.blocks[block].in_order())
        else:  # undated anchors pass the period condition too (period_start IS NULL)
            allowed = set(blocks)
            kinds = sorted({block.split("|")[0] for block in blocks})
            candidates = [item for kind in kinds
                          for part in (self.types[kind].undated, self.types[kind].window(reading))
                          for item in part if item[1] in allowed]
            rows = iter(sorted(candidates, key=_index_order))
        for seen, item in enumerate(rows, start=1):
            if _fits(reading, item):
                return item
            if self.limit is not None and seen >= self.limit:
                return None
        return None


def open_target(url: str) -> Any:
    from claimscope.store import Store

    return Store.open(url)


def build(url: str, stream: Stream, size: int, mode: str, batch: int,
          progress: bool = True) -> tuple[int, int, float]:
    """Fill the store at ``url`` with ``size`` claims from ``stream``.

    Returns (claims, articles, seconds)."""
    store = open_target(url)
    loader = BulkLoader(store.engine) if mode == "bulk" else None
    claims = articles = 0
    started = time.perf_counter()
    next_note = max(size // 10, 1)
    try:
        while claims < size:
            chunk: list[Extraction] = []
            while claims < size and len(chunk) < batch:
                extraction = next(stream)
                chunk.append(extraction)
                claims += unique_claims(extraction)
            if loader is not None:
                loader.write(chunk)
            else:
                store.write_batch(chunk)
            articles += len(chunk)
            if progress and claims >= next_note:
                print(f"  {claims:,} / {size:,} claims, {time.perf_counter() - started:,.1f} s",
                      file=sys.stderr, flush=True)
                next_note += max(size // 10, 1)
    finally:
        store.close()
    return claims, articles, time.perf_counter() - started


# --- the measured additions (a child process) ---------------------------------------------

_PARAM = r"(?:\?|%\([^)]*\)s)"
_LIST = re.compile(rf"\(\s*{_PARAM}(?:\s*,\s*{_PARAM})+\s*\)")
_TUPLES = re.compile(r"\(\s*\(\.\.\.\)(?:\s*,\s*\(\.\.\.\))+\s*\)")
_ROWS = re.compile(r"VALUES \(\.\.\.\)(?:\s*,\s*\(\.\.\.\))+")


def _shape(statement: str) -> str:
    """A statement with its parameter lists folded, to add up times per kind of statement."""
    text = " ".join(statement.split())
    return _ROWS.sub("VALUES (...)", _TUPLES.sub("(...)", _LIST.sub("(...)", text)))


def _brief(shape: str, width: int = 200) -> str:
    """A statement short enough for a note: a SELECT's column list is left out."""
    if shape.startswith("SELECT ") and " FROM " in shape:
        head = shape.split(" FROM ", 1)[0]
        shape = ("SELECT DISTINCT ..." if head.startswith("SELECT DISTINCT") else "SELECT ...") \
            + " FROM " + shape.split(" FROM ", 1)[1]
    return shape if len(shape) <= width else shape[:width - 3] + "..."


def _max_rss_mb() -> float:
    """The process's peak RSS so far (ru_maxrss: kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _status_mb(key: str) -> float | None:
    """A memory line of /proc/self/status (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _reset_peak() -> float:
    """Start a fresh peak-RSS count where Linux allows it; returns the RSS now, in MB.

    Writing 5 to /proc/self/clear_refs resets VmHWM (Linux >= 4.0); elsewhere the peak so
    far stands in for both, so a growth of 0 may hide growth below an earlier peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return _max_rss_mb()
    return _status_mb("VmRSS") or _max_rss_mb()


def _peak_mb() -> float:
    return _status_mb("VmHWM") or _max_rss_mb()


def add_phase(url: str, additions: Path) -> dict[str, Any]:
    """Write the pickled extractions one transaction each; timings, RSS, SQL and plans.

    Cursor events time every SQL statement (a few microseconds each, included in the
    figures); ``writer.write_extraction`` is timed too, so what ``write_batch`` spends outside
    it (BEGIN, COMMIT with its fsync, connection checkout) is reported as commit time."""
    from sqlalchemy import event as sa_event

    from claimscope.store import writer

    store = open_target(url)
    extractions: list[Extraction] = pickle.loads(additions.read_bytes())
    sql: dict[str, list[float]] = {}
    first_seen: dict[str, tuple[str, Any, bool]] = {}  # shape -> one statement with its values
    clock: list[float] = []
    inside = [0.0]

    @sa_event.listens_for(store.engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        clock.append(time.perf_counter())

    @sa_event.listens_for(store.engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        spent = time.perf_counter() - clock.pop()
        shape = _shape(statement)
        entry = sql.get(shape)
        if entry is None:
            entry = sql[shape] = [0.0, 0]
            first_seen.setdefault(shape, (statement, parameters, executemany))
        entry[0] += spent
        entry[1] += 1

    original = writer.write_extraction

    def timed(*args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            inside[0] += time.perf_counter() - started

    writer.write_extraction = timed
    try:
        store.write_batch(extractions[:1])  # warm-up, untimed
        sql.clear()
        inside[0] = 0.0
        gc.collect()
        rss_before = _reset_peak()
        seconds: list[float] = []
        for extraction in extractions[1:]:
            started = time.perf_counter()
            store.write_batch([extraction])
            seconds.append(time.perf_counter() - started)
        rss_after = _peak_mb()
        writer.write_extraction = original
        plans = explain(store.engine, list(first_seen.values()))
    finally:
        writer.write_extraction = original
        store.close()
    count = max(len(seconds), 1)
    total = sum(seconds)
    sql_total = sum(spent for spent, _count in sql.values())
    top = sorted(sql.items(), key=lambda kv: -kv[1][0])[:8]
    return {
        "articles": len(seconds),
        "claims": sum(unique_claims(e) for e in extractions[1:]),
        "seconds": total,
        "ms_mean": 1000 * total / count,
        "ms_median": 1000 * statistics.median(seconds) if seconds else 0.0,
        "ms_p95": 1000 * _percentile(seconds, 0.95),
        "ms_sql": 1000 * sql_total / count,
        "ms_python": 1000 * (inside[0] - sql_total) / count,
        "ms_commit": 1000 * (total - inside[0]) / count,
        "rss_mb": max(0.0, rss_after - rss_before),
        "rss_peak_mb": rss_after,
        "sql_top": [{"statement": _brief(s, 160), "ms_per_article": 1000 * v[0] / count,
                     "calls": v[1]} for s, v in top],
        "plans": plans,
    }


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def explain(engine: Any, captured: list[tuple[str, Any, bool]]) -> list[dict[str, Any]]:
    """The query plan of every distinct lookup (SELECT, DELETE, UPDATE) of one write."""
    sqlite = engine.dialect.name == "sqlite"
    seen: set[str] = set()
    plans = []
    with engine.connect() as conn:
        for statement, parameters, executemany in captured:
            head = statement.lstrip().split(None, 1)[0].upper()
            shape = _shape(statement)
            if executemany or head not in {"SELECT", "DELETE", "UPDATE"} or shape in seen:
                continue
            seen.add(shape)
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            try:
                rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            except Exception as exc:  # noqa: BLE001 - a plan we cannot get is reported, not fatal
                plans.append({"statement": _brief(shape), "plan": [f"(no plan: {exc})"],
                              "scan": False})
                continue
            lines = [str(row[-1]) for row in rows]
            if sqlite:  # a scan of a constant list or of the schema catalogue costs nothing
                scan = any(line.startswith("SCAN ") and "CONSTANT ROW" not in line
                           and "sqlite_master" not in line for line in lines)
            else:
                scan = any("Seq Scan" in line for line in lines)
            plans.append({"statement": _brief(shape), "plan": lines, "scan": scan})
    return plans


# --- driving it ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time and memory to add articles to stores of many synthetic claims "
        "(claim groups, stories and copies updated incrementally)."
    )
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="store sizes in claims, comma-separated "
                        "(default 10000,100000,1000000)")
    parser.add_argument("--add", type=int, default=DEFAULT_ADD,
                        help=f"articles added and timed at each size (default {DEFAULT_ADD})")
    parser.add_argument("--db-dir", type=Path, default=None,
                        help="where the SQLite stores are written and kept (default: a temporary "
                        "folder, removed at the end)")
    parser.add_argument("--postgres", default=None, metavar="URL",
                        help="use this PostgreSQL database instead of SQLite, each size in a fresh "
                        "schema dropped afterwards, e.g. "
                        "postgresql+psycopg://root@127.0.0.1:5432/test")
    parser.add_argument("--build", choices=("bulk", "real"), default="bulk",
                        help="how the base is written: bulk executemany batches with the same rows "
                        "(default) or Store.write_batch")
    parser.add_argument("--build-batch", type=int, default=CHUNK_ARTICLES,
                        help=f"articles per build transaction (default {CHUNK_ARTICLES})")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true",
                        help="keep the PostgreSQL schemas (SQLite files are kept with --db-dir)")
    parser.add_argument("--plain", action="store_true", help="plain-text table instead of Rich")
    parser.add_argument("--phase", default=None, help=argparse.SUPPRESS)  # child: "add"
    parser.add_argument("--url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--additions", type=Path, default=None, help=argparse.SUPPRESS)
    return parser


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise SystemExit(f"--sizes {text!r}: give whole numbers separated by commas") from None
    if not sizes or any(s < 1 for s in sizes):
        raise SystemExit("--sizes: at least one size, each at least 1")
    return sorted(set(sizes))


def slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log(y) against log(x); None with fewer than two sizes."""
    points = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y > 0]
    if len({p[0] for p in points}) < 2:
        return None
    mx = sum(p[0] for p in points) / len(points)
    my = sum(p[1] for p in points) / len(points)
    return (sum((x - mx) * (y - my) for x, y in points)
            / sum((x - mx) ** 2 for x, _ in points))


@dataclass
class _Target:
    url: str
    label: str
    cleanup: Any


def _targets(args: argparse.Namespace, size: int, folder: Path) -> _Target:
    if args.postgres:
        from sqlalchemy import create_engine, text

        base = args.postgres
        schema = f"claimscope_scale_{size}_{uuid.uuid4().hex[:8]}"
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        joiner = "&" if "?" in base else "?"
        url = f"{base}{joiner}options=-csearch_path%3D{schema}"

        def drop() -> None:
            if args.keep:
                return
            dropper = create_engine(base)
            with dropper.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            dropper.dispose()

        return _Target(url, f"postgresql schema {schema}", drop)
    path = folder / f"scale-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return _Target(f"sqlite:///{path}", str(path), lambda: None)


def _store_mb(target: _Target) -> float | None:
    if not target.url.startswith("sqlite:///"):
        return None
    path = Path(target.url.removeprefix("sqlite:///"))
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal")
               if Path(f"{path}{s}").exists()) / 1e6


def measure(args: argparse.Namespace, size: int, folder: Path) -> dict[str, Any]:
    target = _targets(args, size, folder)
    try:
        stream = Stream(args.seed, max(size // 10, 1))
        print(f"building {size:,} claims ({args.build}) in {target.label}", file=sys.stderr,
              flush=True)
        claims, articles, build_s = build(target.url, stream, size, args.build, args.build_batch)
        gc.collect()
        additions = [next(stream) for _ in range(args.add + 1)]  # the first is the warm-up
        pickled = folder / f"additions-{size}.pickle"
        pickled.write_bytes(pickle.dumps(additions))
        del additions
        command = [sys.executable, str(Path(__file__).resolve()), "--phase", "add",
                   "--url", target.url, "--additions", str(pickled)]
        print(f"adding {args.add} articles to {claims:,} claims", file=sys.stderr, flush=True)
        done = subprocess.run(command, capture_output=True, text=True)
        pickled.unlink(missing_ok=True)
        if done.returncode != 0:
            raise SystemExit(f"the add phase failed at size {size}:\n{done.stderr[-4000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result.update(size=size, base_claims=claims, base_articles=articles, build_s=build_s,
                      store_mb=_store_mb(target))
        return result
    finally:
        target.cleanup()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.phase == "add":
        print(json.dumps(add_phase(args.url, args.additions)))
        return 0
    if args.add < 1:
        raise SystemExit("--add must be at least 1")
    sizes = parse_sizes(args.sizes)
    temporary = None
    if args.db_dir is None:
        temporary = tempfile.mkdtemp(prefix="claimscope-scale-")
        folder = Path(temporary)
    else:
        folder = args.db_dir
        folder.mkdir(parents=True, exist_ok=True)
    try:
        results = [measure(args, size, folder) for size in sizes]
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)

    backend = "postgresql" if args.postgres else "sqlite"
    rows = []
    for r in results:
        rows.append([
            f"{r['base_claims']:,}", f"{r['base_articles']:,}",
            f"{r['build_s']:,.1f}", f"{r['base_claims'] / max(r['build_s'], 1e-9):,.0f}",
            "-" if r["store_mb"] is None else f"{r['store_mb']:,.0f}",
            r["articles"], f"{r['ms_mean']:.2f}", f"{r['ms_median']:.2f}", f"{r['ms_p95']:.2f}",
            f"{r['ms_sql']:.2f}", f"{r['ms_python']:.2f}", f"{r['ms_commit']:.2f}",
            f"{r['rss_mb']:.1f}",
        ])
    print_table(
        f"Adding articles to bigger stores ({backend}, base built by {args.build}, one "
        "transaction per added article)",
        ["Claims", "Articles", "Build s", "Claims/s", "Store MB", "Added", "ms/article",
         "median", "p95", "SQL", "Python", "commit", "RSS +MB"],
        rows, plain=args.plain,
    )
    sizes_done = [r["base_claims"] for r in results]
    totals = [r["seconds"] for r in results]
    exponent = slope(sizes_done, totals)
    last = results[-1]
    notes = [
        "ms/article: mean wall time of Store.write_batch([article]) over the added articles "
        "(about 10 claims each, ~half with figures), after one untimed warm-up article; "
        "split into SQL statements, Python in writer.write_extraction and commit (BEGIN/COMMIT "
        "with fsync, outside it); RSS +MB: peak RSS growth of the adding process over the "
        "additions",
        (f"exponent (slope of log total add time vs log claims): "
         f"{'n/a' if exponent is None else f'{exponent:.3f}'}, aim <= {AIM_EXPONENT}; "
         f"ms per added article at {last['base_claims']:,} claims: {last['ms_mean']:.1f}, "
         f"aim < {AIM_MS_AT_1M:.0f} at 1M"),
    ]
    for r in results:
        notes.append(f"slowest SQL while adding to {r['base_claims']:,} claims "
                     f"({r['ms_sql']:.2f} of {r['ms_mean']:.2f} ms per article in SQL):")
        for item in r["sql_top"][:5]:
            notes.append(f"  {item['ms_per_article']:8.2f} ms/article  {item['calls']:>6} calls  "
                         f"{item['statement']}")
    scans = [p for p in last["plans"] if p["scan"]]
    notes.append(f"query plans of the write path's lookups at {last['base_claims']:,} claims: "
                 f"{len(last['plans'])} statements, {len(scans)} with a full scan")
    for plan in scans:
        notes.append(f"  FULL SCAN: {plan['statement']}")
        notes.extend(f"      {line}" for line in plan["plan"])
    print_notes(notes)
    figures = {
        "sizes": sizes_done,
        "ms_per_article": [round(r["ms_mean"], 2) for r in results],
        "exponent": None if exponent is None else round(exponent, 3),
        "ms_per_article_at_1m": round(last["ms_mean"], 2),
        "rss_mb": [round(r["rss_mb"], 1) for r in results],
        "ms_p95": [round(r["ms_p95"], 2) for r in results],
        "build_s": [round(r["build_s"], 1) for r in results],
        "build": args.build,
        "backend": backend,
        "added": args.add,
        "full_scans": len(scans),
    }
    print_final_json(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
