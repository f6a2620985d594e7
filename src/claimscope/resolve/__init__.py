"""resolve stage: Extraction -> Extraction with events' actors named, places geocoded and the
mentions of one event within an article merged.

Offline and deterministic: an alias table kept as data (``resolve/actors.py``) and a local
gazetteer index (``resolve/gazetteer.py``). The article's own countries (actors' and places')
are the context that settles ambiguous names such as Donetsk.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from claimscope.extract.ontology import load_ontology
from claimscope.records import Actor, ActorRole, Event, Extraction, Place, TextSpan
from claimscope.resolve.actors import ActorTable
from claimscope.resolve.gazetteer import Gazetteer
from claimscope.resolve.merge import merge_mentions
from claimscope.resolve.places import geocode

__all__ = ["dateline_place", "resolve_events", "resolve_extraction", "resolve_quietly"]

_FORCE_EVENTS = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def resolve_extraction(extraction: Extraction, *, actors: ActorTable | None = None,
                       gazetteer: Gazetteer | None = None) -> Extraction:
    if not extraction.events:
        return replace(extraction, resolved=True)
    events = resolve_events(list(extraction.events), actors=actors, gazetteer=gazetteer,
                            dateline=dateline_place(extraction.article.text))
    return replace(extraction, events=tuple(events), resolved=True)


def resolve_quietly(extraction: Extraction) -> Extraction:
    """``resolve_extraction``, or the extraction unchanged (``resolved`` False) when it fails:
    run in extraction workers, it must not lose the article; the pipeline retries the
    resolution in the main process, where a failure is recorded with its code."""
    try:
        return resolve_extraction(extraction)
    except Exception:  # noqa: BLE001 - reported by the pipeline's own attempt
        return extraction


# Wire copy opens with where it was filed: "ROCKFORD, Ill. —", "KYIV, Ukraine (AP) --".
_DATELINE = re.compile(r"\A\s*(?P<where>[A-Z][A-Z.'’ -]{2,40}?(?:,\s*[A-Z][A-Za-z.' -]{1,25}?)?)"
                       r"\s*(?:\([A-Za-z .]+\))?\s*(?:—|–|--|-)\s")


def dateline_place(text: str) -> Place | None:
    match = _DATELINE.match(text)
    if match is None:
        return None
    where = match.group("where").strip()
    written = ", ".join(part.strip().title() if part.strip().isupper() else part.strip()
                        for part in where.split(","))
    start = match.start("where")
    return Place(text=written, span=TextSpan(start, start + len(where), where, "text"))


def resolve_events(events: list[Event], *, actors: ActorTable | None = None,
                   gazetteer: Gazetteer | None = None, dateline: Place | None = None) -> list[Event]:
    """Events of one article, resolved and merged (mentions in text order). ``dateline`` is
    where the article was filed: the place of events whose own text names none."""
    actors = actors or ActorTable.default()
    gazetteer = gazetteer or Gazetteer.default()
    named = [_named(event, actors, ()) for event in events]
    # Two passes: a first guess at every place gives the article's countries, which then
    # settle namesakes (Donetsk) and skip small foreign places (a Bosnian village "Koran").
    first_guess = [_located(event, (), gazetteer, actors) for event in named]
    context = _context_countries(first_guess)
    filed = geocode(dateline, context=context, gazetteer=gazetteer) if dateline else None
    if filed is not None and filed.country:
        context = tuple(dict.fromkeys((filed.country, *context)))  # filed from there: its country first
    located = _placed_by_neighbours([_located(event, context, gazetteer, actors) for event in events])
    if filed is not None and filed.precision is not None:
        located = [event if event.place is not None and event.place.precision is not None
                   else replace(event, place=replace(filed, note="place from the dateline"))
                   for event in located]
    named = [_named(event, actors, _event_context(event, context)) for event in located]
    return merge_mentions([_typed_by_participants(event) for event in named])


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


_ARMED = {ActorRole.STATE_FORCES, ActorRole.POLICE, ActorRole.REBELS, ActorRole.MILITIA,
          ActorRole.PMC, ActorRole.INTELLIGENCE}


_STATE = {ActorRole.STATE_FORCES, ActorRole.POLICE, ActorRole.GOVERNMENT, ActorRole.INTELLIGENCE}
_NON_STATE = {ActorRole.REBELS, ActorRole.MILITIA, ActorRole.PMC}
_TERRITORY = {"government_regains_territory", "non_state_actor_overtakes_territory"}


def _typed_by_participants(event: Event) -> Event:
    """ACLED's definitions turn on who takes part, not on the verb: territory taken by state
    forces is regained by the government, by rebels overtaken; violence against civilians needs
    civilian victims (an "attack" on a checkpoint is a battle); protesters killed or wounded
    met excessive force."""
    taker = event.actor1.role if event.actor1 is not None else None
    if event.code in _TERRITORY and taker in _STATE:
        return _recoded(event, "government_regains_territory")
    if event.code in _TERRITORY and taker in _NON_STATE:
        return _recoded(event, "non_state_actor_overtakes_territory")
    if event.code == "peaceful_protest" and any(
            f.type.value in {"killed", "wounded"} and (f.best or 0) > 0 for f in event.figures):
        return _recoded(event, "excessive_force_against_protesters")
    victims = [a for a in (event.actor2, *event.targets) if a is not None and a.role is not None]
    if not victims:
        return event
    roles = {a.role for a in victims}
    if event.code == "attack_on_civilians" and roles <= _ARMED:
        return _recoded(event, "armed_clash")
    if event.code == "deaths" and roles == {ActorRole.CIVILIANS}:
        return _recoded(event, "attack_on_civilians")
    return event


def _recoded(event: Event, code: str) -> Event:
    if event.code == code:
        return event
    kind = load_ontology().by_code(code)
    return replace(event, code=kind.code, event_type=kind.event_type,
                   sub_event_type=kind.sub_event_type, plover=kind.plover)


def _demonym_forces(actor: Actor, table: ActorTable, context: tuple[str, ...]) -> Actor:
    words = actor.text.split()
    if len(words) > 2:
        return actor
    guess = table.resolve(replace(actor, text=f"{actor.text} forces"), context=context)
    if guess.name is None:
        return actor
    return replace(actor, name=guess.name, country=guess.country, role=guess.role or ActorRole.STATE_FORCES)


def _context_countries(events: list[Event]) -> tuple[str, ...]:
    """Countries the article is about, most mentioned first: actors' countries and the
    countries of the events' places."""
    counts: Counter[str] = Counter()
    for event in events:
        for actor in (event.actor1, event.actor2, *event.associated, *event.targets):
            if actor is not None and actor.country:
                counts[actor.country] += 1
        if event.place is not None and event.place.country:
            counts[event.place.country] += 2  # where it happened weighs more than who took part
    return tuple(code for code, _ in counts.most_common())


_NEIGHBOURHOOD = 600  # characters: about the same paragraph


def _placed_by_neighbours(events: list[Event]) -> list[Event]:
    """An event whose sentence names no place happened where the nearest earlier event of the
    same paragraph did ("Police opened fire. ..." after "... rallied in Nairobi")."""
    placed: list[Event] = []
    for event in events:
        if event.place is None or event.place.precision is None:
            before = [e for e in placed if e.place is not None and e.place.precision is not None
                      and e.trigger.field == event.trigger.field
                      and 0 <= event.trigger.start - e.trigger.start <= _NEIGHBOURHOOD]
            if before:
                nearest = before[-1].place
                event = replace(event, place=replace(nearest, note="place taken from the event before it"))
        placed.append(event)
    return placed


def _event_context(event: Event, context: tuple[str, ...]) -> tuple[str, ...]:
    """The event's own country first: unnamed police in Nairobi are Kenya's."""
    own = (event.place.country,) if event.place is not None and event.place.country else ()
    return tuple(dict.fromkeys(own + context))


def _located(event: Event, context: tuple[str, ...], gazetteer: Gazetteer,
             table: ActorTable) -> Event:
    """The first candidate that geocodes and is no known actor ("Hamas"); when none does, the
    first as written (not geocoded). An unnamed participant that turns out to be the place
    ("seized Goma") stops being a participant."""
    candidates = [p for p in event.places or ((event.place,) if event.place else ())
                  if table.resolve(Actor(p.text, None)).role in (None, ActorRole.CIVILIANS)]
    if not candidates:
        return replace(event, place=None, places=())
    located = [geocode(place, context=context, gazetteer=gazetteer) for place in candidates]
    found = next((place for place in located if place.precision is not None), located[0])
    event = replace(event, place=found, places=())
    if found.precision is None:
        return event

    def not_the_place(actor: Actor | None) -> Actor | None:
        return None if actor is not None and actor.name is None and actor.text == found.text else actor

    return replace(event, actor2=not_the_place(event.actor2),
                   targets=tuple(a for a in event.targets if not_the_place(a) is not None))
