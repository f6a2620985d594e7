"""resolve stage: Extraction -> Extraction with events' actors named, places geocoded and the
mentions of one event within an article merged.

Offline and deterministic: an alias table kept as data (``resolve/actors.py``) and a local
gazetteer index (``resolve/gazetteer.py``). The article's own countries (actors' and places')
are the context that settles ambiguous names such as Donetsk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from claimscope.records import Actor, ActorRole, Event, Extraction
from claimscope.resolve.actors import ActorTable
from claimscope.resolve.gazetteer import Gazetteer
from claimscope.resolve.merge import merge_mentions
from claimscope.resolve.places import country_code, geocode

__all__ = ["resolve_extraction", "resolve_events"]

_FORCE_EVENTS = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def resolve_extraction(extraction: Extraction, *, actors: ActorTable | None = None,
                       gazetteer: Gazetteer | None = None) -> Extraction:
    if not extraction.events:
        return extraction
    events = resolve_events(list(extraction.events), actors=actors, gazetteer=gazetteer)
    return replace(extraction, events=tuple(events))


def resolve_events(events: list[Event], *, actors: ActorTable | None = None,
                   gazetteer: Gazetteer | None = None) -> list[Event]:
    """Events of one article, resolved and merged (mentions in text order)."""
    actors = actors or ActorTable.default()
    gazetteer = gazetteer or Gazetteer.default()
    named = [_named(event, actors, ()) for event in events]
    context = _context_countries(named)
    located = [_named(_located(event, context, gazetteer), actors, context) for event in named]
    return merge_mentions(located)


def _named(event: Event, table: ActorTable, context: tuple[str, ...]) -> Event:
    def one(actor: Actor | None, acting: bool) -> Actor | None:
        if actor is None:
            return None
        resolved = table.resolve(actor, context=context)
        if resolved.name is None and acting and event.event_type in _FORCE_EVENTS:
            # "Russian shelling": a bare demonym doing violence stands for that state's forces.
            resolved = _demonym_forces(resolved, table, context)
        return resolved

    return replace(event, actor1=one(event.actor1, True), actor2=one(event.actor2, False),
                   associated=tuple(one(a, False) for a in event.associated),
                   targets=tuple(one(a, False) for a in event.targets))


def _demonym_forces(actor: Actor, table: ActorTable, context: tuple[str, ...]) -> Actor:
    words = actor.text.split()
    if len(words) > 2:
        return actor
    guess = table.resolve(replace(actor, text=f"{actor.text} forces"), context=context)
    if guess.name is None:
        return actor
    return replace(actor, name=guess.name, country=guess.country, role=guess.role or ActorRole.STATE_FORCES)


def _context_countries(events: list[Event]) -> tuple[str, ...]:
    """Countries the article is about, most mentioned first: actors' countries and place
    mentions that are countries themselves."""
    counts: Counter[str] = Counter()
    for event in events:
        for actor in (event.actor1, event.actor2, *event.associated, *event.targets):
            if actor is not None and actor.country:
                counts[actor.country] += 1
        if event.place is not None:
            code = country_code(event.place.text)
            if code:
                counts[code] += 2  # where it happened weighs more than who took part
    return tuple(code for code, _ in counts.most_common())


def _located(event: Event, context: tuple[str, ...], gazetteer: Gazetteer) -> Event:
    if event.place is None:
        return event
    return replace(event, place=geocode(event.place, context=context, gazetteer=gazetteer))
