"""Event views for the CLI: the ``events`` table and the text of one event's facts.

User text goes in as ``Text`` (never as markup), as in ``cli_render``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.table import Table
from rich.text import Text

from claimscope.cli_render import figure_text, shorten
from claimscope.records import Actor, Event, EventTime, Place


def events_table(events: Iterable[Event]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, expand=True)
    for name, options in (("when", {"no_wrap": True}), ("type", {}), ("actors", {}),
                          ("place", {}), ("figures", {}), ("certainty", {"no_wrap": True}),
                          ("claims", {"justify": "right"})):
        table.add_column(name, **options)
    for event in events:
        table.add_row(
            Text(time_text(event.time)),
            Text(f"{event.sub_event_type}\n", style="bold").append(
                Text(f"{event.code} · \"{shorten(event.trigger.text, 30)}\"", style="dim")),
            Text(_actors_text(event)),
            Text(place_text(event.place)),
            Text("\n".join(figure_text(f) for f in event.figures)),
            Text(event.certainty.value),
            Text(str(len(event.claim_ids))),
        )
    return table


def time_text(time: EventTime) -> str:
    if time.start is None:
        return time.note or "date unknown"
    if time.end and time.end != time.start:
        return f"{time.start.isoformat()} to {time.end.isoformat()} ({time.precision.value})"
    return f"{time.start.isoformat()} ({time.precision.value})"


def place_text(place: Place | None) -> str:
    if place is None:
        return "-"
    if place.name is None:
        return f"{place.text} (not geocoded)"
    parts = [place.name, place.admin1 if place.admin1 != place.name else None, place.country]
    where = ", ".join(p for p in parts if p)
    return f"{where} [precision {place.precision}]"


def _actors_text(event: Event) -> str:
    lines = []
    for label, actor in (("1", event.actor1), ("2", event.actor2)):
        if actor is not None:
            lines.append(f"{label}: {_actor_name(actor)}")
    for target in event.targets:
        lines.append(f"victims: {_actor_name(target)}")
    for other in event.associated:
        lines.append(f"with: {_actor_name(other)}")
    return "\n".join(lines) or "-"


def _actor_name(actor: Actor) -> str:
    if actor.name is None:
        return actor.text
    country = f", {actor.country}" if actor.country else ""
    role = f", {actor.role.value}" if actor.role else ""
    return f"{actor.name} ({actor.text}{country}{role})"
