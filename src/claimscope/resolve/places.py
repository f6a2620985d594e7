"""Geocoding place mentions with the offline gazetteer, ACLED style.

``geocode`` reads the mention as written ("near the village of Plekhovo", "northern Kursk
region", "Wilmington, N.C.") and fills the gazetteer fields of a ``Place``. Precision follows
ACLED's geo_precision:

* 1: the town, village or city itself ("Sudzha", "the city of Kursk");
* 2: near a town ("near Sudzha", "outside Kursk", "the Bakhmut area"), part of a region
  ("northern Kursk region"), or a district;
* 3: a region, oblast or province, or a country, whole or in part ("eastern Ukraine").

Choosing among namesakes (the rule, in order):

1. Containers written in the mention are hard constraints: "Wilmington, N.C." only looks in
   North Carolina, "Plekhovo in the Kursk region" only in Kursk Oblast (or within 75 km of its
   centroid: region borders in the data are approximate, and "Rafah, Gaza" means the Strip).
2. The wording picks the kind of place: "Kursk region" / "Kursk Oblast" is the region, "the
   village of X" a town. A bare name is a country if it names one, else a town, else a region;
   but a country outside the article's countries yields to a namesake region inside them
   ("Georgia" in an article about the US is the state).
3. Among the remaining candidates each scores log10(population) (one point per tenfold
   population) plus a bonus for lying in a context country: 1 for the first (most salient),
   2/3 for the second, 1/2 for the third and so on; a match on an alternate name that is not a
   mere respelling of the place's own name costs 1 ("Pokrovsk" is an old name of Engels, while
   "Odessa" is Odesa respelled). So a context country is worth a tenfold population:
   "Donetsk" with context ["RU"] stays the Ukrainian city (901k against 51k); "Odessa" with
   context ["US"] is Odessa, Texas (118k against 1M).
4. With a context, a small place (under 15,000 people) outside every context country is not
   taken: matching a Ukrainian hamlet for a village in a story about Russia would invent a
   location. The note then names the namesake that was passed over.

Nothing is guessed: when a village is not in the gazetteer, the coordinates are those of an
enclosing area the text names (with precision 2 or 3 and a note), or none at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from claimscope.records import Place
from claimscope.resolve.gazetteer import (COUNTRY_VARIANTS, Entry, Gazetteer, distance_km,
                                          normalize)

_SMALL_TOWN = 15_000  # below this, a namesake outside the article's countries is not taken
_NEAR_CENTROID_KM = 75  # a town this close to a named region's centroid counts as in it
_DIRECTION = (r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west|"
              r"centre|center)")
_PREFIXES = [  # (pattern at the start of the mention, what it says)
    (re.compile(rf"^the\s+(?:far\s+)?{_DIRECTION}\s+of\s+", re.I), "part"),
    # "side": an adjective that may also begin a name ("Western Sahara"); see _literal.
    (re.compile(r"^(?:the\s+)?(?:far\s+|extreme\s+)?(?:(?:north|south|east|west|"
                r"north-?east|north-?west|south-?east|south-?west)ern|central)\s+"
                r"(?:parts?\s+of\s+(?:the\s+)?)?", re.I), "side"),
    (re.compile(r"^(?:the\s+)?(?:(?:border|frontline|front-line|rural)\s+)?"
                r"(?:parts?|areas?)\s+of\s+(?:the\s+)?", re.I), "part"),
    (re.compile(r"^(?:near(?:by)?|close\s+to|(?:just\s+)?outside(?:\s+of)?|(?:on\s+)?the\s+"
                r"(?:outskirts|edge|vicinity|area)\s+of|outskirts\s+of|around|not\s+far\s+from|"
                r"in\s+the\s+(?:vicinity|area)\s+of)\s+", re.I), "near"),
    (re.compile(rf"^(?:(?:about|some|around|roughly|just)\s+)?(?:\d+(?:[.,]\d+)?\s*"
                rf"(?:km|kilometers|kilometres|miles|mi)\s+(?:\([^)]*\)\s+)?)?{_DIRECTION}"
                rf"(?:ern)?\s+of\s+", re.I), "near"),
    (re.compile(r"^(?:in|at|on|from|into|to|inside|within|across|throughout|all\s+over|"
                r"over|toward|towards)\s+", re.I), None),
    (re.compile(r"^the\s+", re.I), None),
]
_KIND_OF = re.compile(r"^(?:(?:the|a|an)\s+)?((?:[\w'’.-]+\s+){0,3}?)(village|town|city|"
                      r"settlement|hamlet|township|port|suburb|district|region|province|oblast|"
                      r"governorate|state)\s+of\s+", re.I)
_AREA_SUFFIX = re.compile(r"^(.+?)\s+(region|oblast|province|governorate|krai|kray|state|"
                          r"territory|district|raion|rayon|area)$", re.I)
_FUNCTION_WORDS = {"near", "nearby", "outside", "around", "close", "to", "of", "in", "at", "on",
                   "from", "into", "the"}
_POSSESSIVE = re.compile(r"['’]s$")  # "Kursk's border villages" arrives as "Kursk's"
_IN = re.compile(r"\s+in\s+(?:the\s+)?", re.I)
_TOWN_WORDS = {"village", "town", "city", "settlement", "hamlet", "township", "port", "suburb"}

# US states as written after a comma, AP style ("Wilmington, N.C.", "Chicago, Ill.").
_AP_STATES = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO",
    "conn": "CT", "del": "DE", "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS",
    "kans": "KS", "ky": "KY", "la": "LA", "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN",
    "miss": "MS", "mo": "MO", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "nh": "NH",
    "nj": "NJ", "nm": "NM", "ny": "NY", "nc": "NC", "nd": "ND", "okla": "OK", "ore": "OR",
    "oreg": "OR", "pa": "PA", "penn": "PA", "ri": "RI", "sc": "SC", "sd": "SD", "tenn": "TN",
    "tex": "TX", "vt": "VT", "va": "VA", "wash": "WA", "w va": "WV", "wva": "WV", "wis": "WI",
    "wisc": "WI", "wyo": "WY", "dc": "DC",
}
# Demonyms the suffix rule in ``_demonym`` misses (short or irregular stems).
_DEMONYMS = {
    "thai": "TH", "korean": "KR", "afghan": "AF", "saudi": "SA", "greek": "GR", "french": "FR",
    "dutch": "NL", "swiss": "CH", "polish": "PL", "cuban": "CU", "congolese": "CD",
    "filipino": "PH", "welsh": "GB", "scottish": "GB", "english": "GB", "irish": "IE",
    "danish": "DK", "finnish": "FI", "swedish": "SE", "norwegian": "NO", "burmese": "MM",
    "lao": "LA", "emirati": "AE", "kuwaiti": "KW", "qatari": "QA", "malian": "ML",
    "kosovar": "XK", "belgian": "BE",
}
_DEMONYM_SUFFIXES = ("n", "i", "an", "ish", "ian", "ean", "ese")  # longest stem first


@dataclass(frozen=True, slots=True)
class _Mention:
    head: str  # the name itself: "Plekhovo", "Kursk"
    containers: tuple[str, ...] = ()  # enclosing areas written after it, innermost first
    near: bool = False
    part: bool = False
    kind: str | None = None  # "town" | "region" | "district" when the words say so
    word: str | None = None  # the settlement word as written ("village"), for notes
    countries: tuple[str, ...] = ()  # "the Russian village of X" -> ("RU",)


def country_code(name: str) -> str | None:
    """ISO alpha-2 code of a country name or common variant ("North Korea", "DPRK", "Britain",
    "the US", "eastern Ukraine"); None for anything else, demonyms included ("Russian")."""
    keys = _country_keys()
    literal = _parse(name, literal=True)
    if not (literal.containers or literal.kind or literal.near) and normalize(literal.head) in keys:
        return keys[normalize(literal.head)]
    mention = _parse(name)
    if mention.containers or mention.kind or mention.near:
        return None
    return keys.get(normalize(mention.head))


def geocode(place: Place, *, context: Sequence[str] = (),
            gazetteer: Gazetteer | None = None) -> Place:
    """A copy of ``place`` with the gazetteer fields filled from ``place.text``.

    ``context`` lists ISO alpha-2 codes of countries salient in the article, most salient first;
    it only breaks ties between namesakes (see the module docstring for the rule). Unknown names
    come back unchanged but for ``note`` and ``precision`` None.
    """
    gazetteer = gazetteer or Gazetteer.default()
    mention = _literal(place.text, gazetteer)
    if not mention.head:
        return replace(place, precision=None, note="no place name in the mention")
    demonym = _demonym(mention.head) if not mention.containers else None
    if demonym and not mention.kind and _country_keys().get(normalize(mention.head)) is None:
        return replace(place, precision=None, note=f"{mention.head!r} is a demonym, not a place")
    context = tuple(dict.fromkeys([*mention.countries, *(c.upper() for c in context if c)]))
    areas = [_areas(text, context, gazetteer) for text in mention.containers]
    areas = [found for found in areas if found]  # an unreadable container constrains nothing
    found = _lookup(mention.head, gazetteer)
    candidates = [e for e in found if all(any(_inside(e, a) for a in group) for group in areas)]
    if not candidates and areas:  # "Rafah, Gaza": Gaza the Strip, not the governorate
        candidates = [e for e in found if e.feature == "town"
                      and all(any(_near_centroid(e, a) for a in group) for group in areas)]
    passed_over: list[Entry] = []
    if context and not areas:
        passed_over = [e for e in candidates if _out_of_context(e, context)]
        candidates = [e for e in candidates if not _out_of_context(e, context)]
    best = _choose(candidates, mention, context, gazetteer)
    if best is not None:
        return _filled(place, best, mention)
    what = f"{mention.word} {mention.head!r}" if mention.word else repr(mention.head)
    if areas:
        area = areas[0][0]  # the best reading of the innermost container
        located = _filled(place, area, _Mention(area.name, near=area.feature == "town"))
        return replace(located, precision=2 if area.feature == "town" else 3,
                       note=f"{what} not in gazetteer; located by the enclosing {area.feature} "
                            f"{area.name}")
    note = f"{what} not in gazetteer"
    if passed_over:
        names = ", ".join(sorted({f"{e.name} ({e.country})" for e in passed_over}))
        note += f"; namesakes outside the article's countries passed over: {names}"
    return replace(place, precision=None, note=note)


def _parse(text: str, literal: bool = False) -> _Mention:
    """Split a mention into the name, its containers and what the surrounding words say.
    ``literal`` keeps leading compass adjectives and trailing area words as part of the name."""
    rest, near, part = _POSSESSIVE.sub("", " ".join(text.split()).strip(" ,;:")), False, False
    kind = word = None
    countries: list[str] = []
    changed = True
    while changed and rest:
        changed = False
        match = _KIND_OF.match(rest)
        words = match.group(1).split() if match else []
        # Words before "village of" describe it ("the Russian border village of"); a capital
        # that is not a demonym is a name instead ("the Kursk region of Russia").
        if (match and match.end() < len(rest) and not _FUNCTION_WORDS.intersection(words)
                and all(w.islower() or _demonym(w) for w in words)):
            word = match.group(2).lower()
            kind = _kind_of_word(word)
            countries += [c for w in words if (c := _demonym(w))]
            rest, changed = rest[match.end():], True
            continue
        for pattern, says in _PREFIXES:
            match = pattern.match(rest)
            if match and match.end() < len(rest) and not (literal and says == "side"):
                rest, changed = rest[match.end():], True
                near, part = near or says == "near", part or says in ("part", "side")
    head, *containers = [piece.strip() for piece in rest.split(",") if piece.strip()] or [""]
    inner = _IN.split(head, maxsplit=1)
    if len(inner) == 2 and inner[0] and inner[1]:
        head, containers = inner[0], [inner[1], *containers]
    suffix = None if literal else _AREA_SUFFIX.match(head)
    if suffix and kind is None:
        head, area_word = suffix.group(1), suffix.group(2).lower()
        if area_word == "area":  # "the Bakhmut area": around the town
            near = True
        else:
            kind = _kind_of_word(area_word)
    return _Mention(head.strip(), tuple(containers), near, part, kind, word, tuple(countries))


def _literal(text: str, gazetteer: Gazetteer) -> _Mention:
    """The reading of ``text``: stripped of "northern" and "region" unless the whole phrase
    is itself a name ("Western Sahara", "Northern Ireland", "Kursk Oblast")."""
    mention, literal = _parse(text), _parse(text, literal=True)
    if literal != mention and _lookup(literal.head, gazetteer):
        return literal
    return mention


def _kind_of_word(word: str) -> str:
    if word in _TOWN_WORDS:
        return "town"
    return "district" if word in {"district", "raion", "rayon"} else "region"


def _lookup(head: str, gazetteer: Gazetteer) -> list[Entry]:
    found = gazetteer.lookup(head)
    key = normalize(head)
    if not found and key.endswith(" city"):  # "Kharkiv city"
        found = gazetteer.lookup(key[:-5])
    if not found and re.match(r"^st\b", key):  # "St Petersburg"
        found = gazetteer.lookup("saint" + key[2:])
    return found


def _areas(text: str, context: tuple[str, ...], gazetteer: Gazetteer) -> list[Entry]:
    """The places a container ("N.C.", "the Kursk region", "Russia") may be, best first."""
    mention = _literal(text, gazetteer)
    key = normalize(mention.head)
    postal = key.upper() if re.fullmatch(r"[A-Z]{2}", mention.head) else None
    state = gazetteer.region(f"US-{_AP_STATES.get(key) or postal}") if key in _AP_STATES or postal \
        else None
    if state is not None:
        return [state]
    found = _lookup(mention.head, gazetteer)
    for feature in ("country", "region", "town"):
        if mention.kind == "region" and feature != "region":
            continue
        matches = [e for e in found if e.feature == feature]
        if matches:
            return sorted(matches, key=lambda e: -_score(e, context, key))
    return []


def _inside(entry: Entry, area: Entry) -> bool:
    if area.feature == "country":
        return entry.country == area.country and entry.id != area.id
    return (entry.admin1_code is not None and entry.admin1_code == area.admin1_code
            and entry.id != area.id)


def _near_centroid(entry: Entry, area: Entry) -> bool:
    """Region borders in the data are approximate (GeoNames and ISO regions differ) and people
    name areas loosely; a town of the same country near the region's centroid is accepted."""
    return (area.feature == "region" and entry.country == area.country
            and distance_km(entry.latitude, entry.longitude, area.latitude, area.longitude)
            < _NEAR_CENTROID_KM)


def _choose(candidates: list[Entry], mention: _Mention, context: tuple[str, ...],
            gazetteer: Gazetteer) -> Entry | None:
    key = normalize(mention.head)
    by_feature = {f: sorted((e for e in candidates if e.feature == f),
                            key=lambda e: -_score(e, context, key))
                  for f in ("country", "town", "region", "district")}
    if mention.kind == "region":
        regions = sorted(by_feature["region"], key=lambda e: "city" in (e.kind or ""))
        if regions or by_feature["country"]:  # "Kyiv region" is the oblast, not the city of Kyiv
            return (regions or by_feature["country"])[0]
        for town in by_feature["town"]:  # "Zaporozhye region": the region of that town
            region = gazetteer.region(town.admin1_code) if town.admin1_code else None
            if region is not None:
                return region
        return None
    if mention.kind == "district":
        return (by_feature["district"] or by_feature["town"] or [None])[0]
    if mention.kind == "town":
        return (by_feature["town"] or [None])[0]
    countries = by_feature["country"]
    if countries:
        country = countries[0]
        # Only regions compete: many US towns are named after countries (Lebanon, Ohio).
        rivals = [e for e in by_feature["region"] if e.country in context]
        if context and country.country not in context and rivals:
            return max(rivals, key=lambda e: _score(e, context, key))
        return country
    return (by_feature["town"] or by_feature["region"] or by_feature["district"] or [None])[0]


def _score(entry: Entry, context: tuple[str, ...], key: str) -> float:
    score = math.log10(entry.population + 10)
    if entry.country in context:
        score += 1 / (1 + 0.5 * context.index(entry.country))
    if entry.primary or SequenceMatcher(None, key, normalize(entry.name)).ratio() >= 0.75:
        return score  # its own name, or a respelling of it ("Odessa", "Zaporizhia")
    return score - 1  # another name altogether ("Pokrovsk" was once Engels' name)


def _out_of_context(entry: Entry, context: tuple[str, ...]) -> bool:
    return (entry.feature in ("town", "district") and entry.country not in context
            and entry.population < _SMALL_TOWN)


def _filled(place: Place, entry: Entry, mention: _Mention) -> Place:
    feature = entry.feature
    if feature == "town":
        precision = 2 if mention.near or mention.part else 1
    elif feature == "district" or (feature == "region" and mention.part):
        precision = 2
    else:
        precision = 3
    note = None
    if feature == "town" and mention.kind == "district":
        precision, note = 2, "district located by its namesake town"
    elif feature == "country" and (mention.part or mention.near):
        note = "part of the country; coordinates are the country's centroid"
    elif entry.latitude is None:
        note = "no coordinates for this area in the offline gazetteer"
    return replace(place, name=entry.name, country=entry.country,
                   admin1=entry.admin1 if feature != "country" else None,
                   admin1_code=entry.admin1_code if feature != "country" else None,
                   admin2=entry.name if feature == "district" else None,
                   latitude=entry.latitude, longitude=entry.longitude, precision=precision,
                   feature=feature, geonameid=entry.geonameid, note=note)


def _demonym(word: str) -> str | None:
    """The country a demonym or adjective names ("Russian" -> "RU"), else None."""
    key = normalize(word)
    if key in _DEMONYMS:
        return _DEMONYMS[key]
    if key.endswith("s") and key[:-1] in _DEMONYMS:
        return _DEMONYMS[key[:-1]]
    keys = _country_keys()
    for candidate in (key, key[:-1] if key.endswith("s") else None):
        if not candidate or candidate in keys:
            continue
        for suffix in _DEMONYM_SUFFIXES:
            stem = candidate[: -len(suffix)]
            if candidate.endswith(suffix) and len(stem) >= 4:
                for name, code in keys.items():
                    if name.startswith(stem) and len(name) - len(stem) <= 3:
                        return code
    return None


@lru_cache(maxsize=1)
def _country_keys() -> dict[str, str]:
    """Normalised country names and variants -> alpha-2 (pycountry and COUNTRY_VARIANTS)."""
    import pycountry

    keys: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                keys.setdefault(normalize(value), country.alpha_2)
    for code, variants in COUNTRY_VARIANTS.items():
        for variant in variants:
            keys[normalize(variant)] = code
    return keys


__all__ = ["country_code", "geocode"]
