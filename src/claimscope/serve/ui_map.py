"""The events map, drawn server-side as SVG over country outlines shipped in the package.

The basemap is ``static/countries-110m.json`` (Natural Earth 1:110m countries as TopoJSON, from
the npm package world-atlas 2.0.2; see ``static/countries-110m.LICENSE.txt``). It is decoded
here once, projected (equirectangular, x stretched by the cosine of the view's middle latitude)
and cut down to the countries the view touches, so a page carries a few dozen paths, no
tiles, and works offline.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

from claimscope.records import Event

STATIC = Path(__file__).parent / "static"
COUNTRIES = STATIC / "countries-110m.json"

WIDTH, HEIGHT = 960, 540  # the SVG's viewport; the view keeps this aspect ratio
# ACLED's six event types, each with its colour (colour-blind safe: Okabe-Ito).
TYPE_COLOURS = {
    "Battles": "#d55e00",
    "Explosions/Remote violence": "#e69f00",
    "Violence against civilians": "#cc79a7",
    "Strategic developments": "#0072b2",
    "Protests": "#009e73",
    "Riots": "#56b4e9",
}
OTHER_COLOUR = "#555555"
MIN_SPAN = 12.0  # degrees of latitude the view shows at least (a single town is not a map)

Ring = list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    iso_numeric: str
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: outer ring, then holes
    bbox: tuple[float, float, float, float]  # west, south, east, north


@dataclass(frozen=True, slots=True)
class Point:
    """One marker: the events of one type at one spot (its size grows with their number)."""

    x: float
    y: float
    r: float  # radius in the view's units
    colour: str
    event_type: str
    count: int
    label: str  # the tooltip's first line: type, place, date(s)
    detail: str  # the rest: actors, figures, certainty (one line per event, a few at most)
    href: str
    event_ids: str  # space-separated


@dataclass(frozen=True, slots=True)
class MapView:
    view_box: str
    countries: tuple[tuple[str, str], ...]  # (name, SVG path data)
    points: tuple[Point, ...]
    legend: tuple[tuple[str, str, int], ...]  # (type, colour, events shown)
    skipped: int  # events without coordinates
    world: bool  # True where no event has coordinates and the whole world is shown


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country of the shipped TopoJSON, decoded to longitude / latitude rings."""
    topo = json.loads(COUNTRIES.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    found = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = tuple(tuple(_ring(arcs, ring) for ring in polygon) for polygon in polygons)
        points = [p for polygon in rings for ring in polygon for p in ring]
        if not points:
            continue
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        found.append(Country(geometry.get("properties", {}).get("name", ""), str(geometry.get("id", "")),
                             rings, (min(lons), min(lats), max(lons), max(lats))))
    return tuple(found)


def _decode_arcs(topo: dict) -> list[Ring]:
    """Quantised, delta-encoded TopoJSON arcs to absolute longitude / latitude."""
    transform = topo.get("transform")
    decoded = []
    for arc in topo["arcs"]:
        if transform is None:
            decoded.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)  # arcs share their end points
    return ring


def event_map(events: list[Event], *, article_href: str = "/articles/{}") -> MapView:
    """The map of the events that have coordinates, zoomed to them."""
    located = [e for e in events if e.place is not None and e.place.latitude is not None
               and e.place.longitude is not None]
    skipped = len(events) - len(located)
    west, south, east, north = _extent([(e.place.longitude, e.place.latitude) for e in located])
    middle = (south + north) / 2
    stretch = math.cos(math.radians(max(-70.0, min(70.0, middle))))

    def project(lon: float, lat: float) -> tuple[float, float]:
        return lon * stretch, -lat

    x0, y0 = project(west, north)
    x1, y1 = project(east, south)
    view_box = f"{x0:.3f} {y0:.3f} {x1 - x0:.3f} {y1 - y0:.3f}"
    digits = 2 if (x1 - x0) < 120 else 1
    paths = []
    for country in countries():
        cw, cs, ce, cn = country.bbox
        if ce < west or cw > east or cn < south or cs > north:
            continue
        paths.append((country.name, _path(country, project, digits)))
    points = _points(located, project, (x1 - x0) / WIDTH, article_href)
    counts: Counter[str] = Counter()
    for p in points:
        counts[p.event_type] += p.count
    legend = tuple((kind, colour, counts[kind]) for kind, colour in TYPE_COLOURS.items())
    others = sum(n for kind, n in counts.items() if kind not in TYPE_COLOURS)
    if others:
        legend += (("other", OTHER_COLOUR, others),)
    return MapView(view_box, tuple(paths), tuple(points), legend, skipped, not located)


def _extent(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """West, south, east, north of the view: the points padded, at least MIN_SPAN tall, in the
    viewport's aspect ratio (in projected units), within the world."""
    if not points:
        return -180.0, -60.0, 180.0, 85.0
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    middle_lat, middle_lon = (south + north) / 2, (west + east) / 2
    stretch = math.cos(math.radians(max(-70.0, min(70.0, middle_lat))))
    height = max(MIN_SPAN, (north - south) * 1.3 + 2)
    width = max((east - west) * 1.3 + 2, height * WIDTH / HEIGHT / stretch)
    height = max(height, width * stretch * HEIGHT / WIDTH)
    width = height * WIDTH / HEIGHT / stretch
    south, north = middle_lat - height / 2, middle_lat + height / 2
    west, east = middle_lon - width / 2, middle_lon + width / 2
    # Slide back inside the world where the padding spilled over a pole or the antimeridian.
    if north > 85:
        south, north = south - (north - 85), 85.0
    if south < -85:
        south, north = -85.0, north + (-85 - south)
    if west < -180:
        west, east = -180.0, east + (-180 - west)
    if east > 180:
        west, east = west - (east - 180), 180.0
    return max(-180.0, west), max(-85.0, south), min(180.0, east), min(85.0, north)


def _path(country: Country, project, digits: int) -> str:
    parts = []
    for polygon in country.polygons:
        for ring in polygon:
            coords = []
            last = None
            for lon, lat in ring:
                x, y = project(lon, lat)
                here = (round(x, digits), round(y, digits))
                if here != last:
                    coords.append(f"{here[0]:g},{here[1]:g}")
                    last = here
            if len(coords) >= 3:
                parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)


def _points(events: list[Event], project, unit: float, article_href: str) -> list[Point]:
    """One marker per event type and spot; the types sharing a spot are fanned out around it."""
    by_spot: dict[tuple[float, float], dict[str, list[Event]]] = {}
    for event in events:
        spot = (round(event.place.latitude, 3), round(event.place.longitude, 3))
        kind = event.event_type if event.event_type in TYPE_COLOURS else "other"
        by_spot.setdefault(spot, {}).setdefault(kind, []).append(event)
    points = []
    for (lat, lon), kinds in by_spot.items():
        cx, cy = project(lon, lat)
        radii = {kind: min(16.0, 5.0 * math.sqrt(len(found))) for kind, found in kinds.items()}
        around = (max(radii.values()) + 2) * unit if len(kinds) > 1 else 0.0
        for index, (kind, found) in enumerate(sorted(kinds.items())):
            angle = 2 * math.pi * index / len(kinds) - math.pi / 2
            first = found[0]
            if len(found) == 1:
                label, href = _label(first), article_href.format(quote(first.article_id, safe=""))
                detail = _detail(first)
            else:
                place = first.place.name or first.place.text
                label = f"{len(found)} × {kind} — {place}" + (f", {first.place.country}" if first.place.country else "")
                detail = "\n".join(f"{_when(e)}: {e.sub_event_type} · {_detail(e)}" for e in found[:6])
                if len(found) > 6:
                    detail += f"\n… and {len(found) - 6} more"
                href = "/map?" + urlencode({"place": place, "type": kind if kind != "other" else ""}) + "#events"
            points.append(Point(
                round(cx + around * math.cos(angle), 4), round(cy + around * math.sin(angle), 4),
                round(radii[kind] * unit, 4), TYPE_COLOURS.get(kind, OTHER_COLOUR), kind, len(found),
                label, detail, href, " ".join(e.id for e in found)))
    # Big markers first, so small ones stay on top and can be hovered.
    return sorted(points, key=lambda p: -p.r)


def _when(event: Event) -> str:
    when = event.time.start.isoformat() if event.time.start else "date unknown"
    if event.time.end and event.time.end != event.time.start:
        when += f" to {event.time.end.isoformat()}"
    return when


def _label(event: Event) -> str:
    place = event.place
    where = place.name or place.text if place else "?"
    if place and place.country:
        where += f", {place.country}"
    return f"{event.sub_event_type} — {where} — {_when(event)}"


def _detail(event: Event) -> str:
    from claimscope.cli_render import figure_text

    actors = [a.name or a.text for a in (event.actor1, event.actor2) if a is not None]
    bits = [" vs ".join(actors)] if actors else []
    bits += [figure_text(f) for f in event.figures]
    bits.append(event.certainty.value)
    return " · ".join(bits)
