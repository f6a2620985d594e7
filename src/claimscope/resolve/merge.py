"""One event, many mentions: merge the mentions of an article that tell the same event.

An article names one deployment several times ("were deployed", "the deployment", "these
soldiers were sent to the Kursk region"). Mentions merge when their code matches and nothing
tells them apart: no two different resolved actors, figures, places or dates. The merged event
keeps every claim it came from, the most precise place and date, and the strongest wording.
"""

from __future__ import annotations

from dataclasses import replace

from claimscope.records import Actor, Certainty, Event, Figure, Place, TimePrecision

# Most certain wording first: an event confirmed by one claim and claimed by another is confirmed.
_CERTAINTY_ORDER = (Certainty.CONFIRMED, Certainty.ASSERTED, Certainty.REPORTED, Certainty.ESTIMATED,
                    Certainty.CLAIMED, Certainty.ALLEGED, Certainty.SPECULATIVE,
                    Certainty.UNVERIFIED_FLAGGED, Certainty.DENIED)


def merge_mentions(events: list[Event]) -> list[Event]:
    merged: list[Event] = []
    for event in events:
        for index, kept in enumerate(merged):
            if _same_event(kept, event):
                merged[index] = _combine(kept, event)
                break
        else:
            merged.append(event)
    return merged


def _same_event(one: Event, other: Event) -> bool:
    return (_same_kind(one, other) and _compatible_actor(one.actor1, other.actor1)
            and _compatible_actor(one.actor2, other.actor2)
            and _compatible_figures(one.figures, other.figures)
            and _compatible_place(one.place, other.place)
            and _compatible_time(one, other))


# Mentions that often retell a more specific violent event nearby: "a suicide bombing ...
# the deadliest attack on the town", "the bomber drove a truck packed with explosives".
_GENERIC = {"deaths": 0, "attack_on_civilians": 1, "remote_explosive": 2}
_NEARBY = 600  # characters: about one paragraph


def _same_kind(one: Event, other: Event) -> bool:
    """The same code, or a generic violent mention told near a more specific violent event."""
    if one.code == other.code:
        return True
    if not (_violent(one) and _violent(other)) or one.trigger.field != other.trigger.field:
        return False
    if one.code not in _GENERIC and other.code not in _GENERIC:
        return False
    if one.code == "deaths" or other.code == "deaths":
        return True  # a toll retold anywhere ("Among the dead were six children")
    return any(abs(a.start - b.start) <= _NEARBY
               for a in (one.trigger, *one.mentions) for b in (other.trigger, *other.mentions))


def _violent(event: Event) -> bool:
    return event.event_type in {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def _compatible_actor(one: Actor | None, other: Actor | None) -> bool:
    if one is None or other is None or one.name is None or other.name is None:
        return True
    return one.name == other.name


def _compatible_figures(one: tuple[Figure, ...], other: tuple[Figure, ...]) -> bool:
    for a in one:
        for b in other:
            if a.type == b.type and a.best is not None and b.best is not None and a.best != b.best:
                return False
    return True


def _compatible_place(one: Place | None, other: Place | None) -> bool:
    if one is None or other is None or one.country is None or other.country is None:
        return True
    if one.country != other.country:
        return False
    if one.admin1_code and other.admin1_code and one.admin1_code != other.admin1_code:
        return False
    both_towns = one.precision in {1, 2} and other.precision in {1, 2}
    return not both_towns or one.name == other.name


def _compatible_time(one: Event, other: Event) -> bool:
    a, b = one.time, other.time
    if a.start is None or b.start is None:
        return True
    a_end, b_end = a.end or a.start, b.end or b.start
    return a.start <= b_end and b.start <= a_end


def _combine(kept: Event, event: Event) -> Event:
    if _GENERIC.get(kept.code, 9) < _GENERIC.get(event.code, 9):
        # The specific event names the kind; the generic mention adds victims and figures.
        kept, event = event, kept
    return replace(
        kept,
        actor1=_better_actor(kept.actor1, event.actor1),
        actor2=_better_actor(kept.actor2, event.actor2),
        associated=_unique_actors(kept.associated + event.associated),
        targets=_unique_actors(kept.targets + event.targets),
        place=_better_place(kept.place, event.place),
        time=kept.time if _time_rank(kept) <= _time_rank(event) else event.time,
        figures=_unique_figures(kept.figures + event.figures),
        claim_ids=kept.claim_ids + tuple(c for c in event.claim_ids if c not in kept.claim_ids),
        mentions=kept.mentions + (event.trigger,) + event.mentions,
        certainty=min(kept.certainty, event.certainty, key=_CERTAINTY_ORDER.index),
    )


def _better_actor(one: Actor | None, other: Actor | None) -> Actor | None:
    if one is None or (one.name is None and other is not None and other.name is not None):
        return other
    return one


def _unique_actors(actors: tuple[Actor, ...]) -> tuple[Actor, ...]:
    seen: dict[str, Actor] = {}
    for actor in actors:
        key = actor.name or actor.text.lower()
        if key not in seen or (seen[key].name is None and actor.name is not None):
            seen[key] = actor
    resolved_names = {a.name for a in seen.values() if a.name}
    return tuple(a for a in seen.values() if a.name or not resolved_names)


def _better_place(one: Place | None, other: Place | None) -> Place | None:
    """The more precise place; at one ACLED precision, a region beats a whole country."""
    def rank(place: Place | None) -> tuple[int, int]:
        if place is None or place.precision is None:
            return (9, 9)
        return (place.precision, 1 if place.feature == "country" else 0)

    return one if rank(one) <= rank(other) else other


def _time_rank(event: Event) -> int:
    order = (TimePrecision.DAY, TimePrecision.WEEK, TimePrecision.INTERVAL, TimePrecision.MONTH,
             TimePrecision.YEAR, TimePrecision.UNKNOWN)
    return order.index(event.time.precision) if event.time.start else len(order)


def _unique_figures(figures: tuple[Figure, ...]) -> tuple[Figure, ...]:
    unique: dict[tuple, Figure] = {}
    for figure in figures:
        key = (figure.type, figure.low, figure.best, figure.high, figure.qualifier)
        unique.setdefault(key, figure)
    return tuple(unique.values())
