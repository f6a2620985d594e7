"""Codebook rules for the event exports: ACLED and UCDP GED codes derived from our records.

Conventions followed (and where we had to choose):

- **Inter codes** (ACLED Codebook, "Actors"): 1 State forces, 2 Rebel groups, 3 Political
  militias, 4 Identity militias, 5 Rioters, 6 Protesters, 7 Civilians, 8 External/Other forces.
  ``state_forces``, ``intelligence``, ``police`` and ``government`` are 1 *inside their own
  country*; ACLED codes "state forces active outside their main country of operation" as 8, so
  a state actor whose ``country`` differs from the event's country gets 8 (North Korean troops
  in Kursk). ``militia`` is 3: we cannot tell identity (communal, ethnic) militias apart, and
  in war reporting the armed groups are overwhelmingly political. ``pmc`` is 8: the codebook
  puts "private security firms and their employees" and "hired mercenaries acting
  independently" under External/Other forces. ``other`` is 8. An actor without a role gets no
  code (left empty) rather than a guessed one; a missing actor is 0, as in ACLED's inter2.
- **Interaction**: the two inter codes as one two-digit number, lower first (17, not 71); a
  sole actor is written with 0 second (10 "sole military action", 60 "sole protester action").
- **Disorder type** (ACLED 2023 column change): Battles, Explosions/Remote violence and
  Violence against civilians are "Political violence"; Protests and Riots "Demonstrations";
  Strategic developments "Strategic developments".
- **Regions**: ACLED's own regions. They follow UN M49 sub-regions with ACLED's changes: the
  Middle East takes Iran and Turkey, Sudan stays in Northern Africa, Mexico is in Central
  America, Russia and the Balkans are Europe, the Caucasus joins Central Asia. Countries whose
  ACLED region we are not sure of (Angola, Madagascar and the Indian Ocean islands, Hong Kong)
  are left out and get an empty region.
- **time_precision** (ACLED): 1 the day is known; 2 a week or a few days (up to seven);
  3 a month or longer. The event date of a range is its middle day, as ACLED dates a week's
  event mid-week. Unknown dates get no code.
- **Fatalities**: ACLED records the most conservative reported number, so ``fatalities`` is
  the lowest killed figure, each taken at its ``low`` (its ``best`` where the wording gives no
  lower bound, "up to 10"), and 0 when no killed figure gives a number. UCDP's low / best /
  high keep the spread: the lowest stated low, the lower median of the stated bests, the
  highest stated high (empty when any report is open-ended, "at least 5"); nothing is
  invented where the reports leave it open.
- **Actor2**: the event's actor2, else its first target, as ACLED codes the victims of a
  strike as actor2 ("Civilians (Ukraine)"); ``civilian_targeting`` is set when that actor is
  civilians in a political-violence event, or for any Violence against civilians.
- **UCDP GED** (codebook v23+): ``date_prec`` 1 exact day, 2 within 2-6 days, 3 only the week,
  4 within 8-30 days or only the month, 5 more than a month or only the year; ``where_prec``
  1 exact place, 2 within about 25 km of a known point, 3 second-order administrative unit,
  4 first-order unit, 5 a part of a country larger than one unit, 6 only the country;
  ``country_id`` is the Gleditsch-Ward number UCDP uses (see ``GW_CODES``), and UCDP's region
  follows from it (Americas 2-199, Europe 200-399, Africa 400-626, Middle East 630-699,
  Asia 700-999).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, timedelta

import pycountry

from claimscope.records import (
    Actor,
    ActorRole,
    Event,
    EventTime,
    Figure,
    FigureType,
    Place,
    TimePrecision,
)

STATE_ROLES = frozenset(
    {ActorRole.STATE_FORCES, ActorRole.INTELLIGENCE, ActorRole.POLICE, ActorRole.GOVERNMENT}
)
ARMED_NON_STATE = frozenset({ActorRole.REBELS, ActorRole.MILITIA, ActorRole.PMC})

INTER_CODES: dict[ActorRole, int] = {
    ActorRole.STATE_FORCES: 1, ActorRole.INTELLIGENCE: 1, ActorRole.POLICE: 1,
    ActorRole.GOVERNMENT: 1, ActorRole.REBELS: 2, ActorRole.MILITIA: 3, ActorRole.RIOTERS: 5,
    ActorRole.PROTESTERS: 6, ActorRole.CIVILIANS: 7, ActorRole.PMC: 8, ActorRole.OTHER: 8,
}  # fmt: skip
EXTERNAL_FORCES = 8

DISORDER_TYPES = {
    "battles": "Political violence",
    "explosions/remote violence": "Political violence",
    "violence against civilians": "Political violence",
    "protests": "Demonstrations",
    "riots": "Demonstrations",
    "strategic developments": "Strategic developments",
}

_REGION_MEMBERS = {
    "Europe": "AL AD AT BY BE BA BG HR CY CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT MD MC "
              "ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH UA GB VA",
    "Middle East": "BH IR IQ IL JO KW LB OM PS QA SA SY TR AE YE",
    "Caucasus and Central Asia": "AM AZ GE KZ KG TJ TM UZ",
    "South Asia": "AF BD BT IN MV NP PK LK",
    "Southeast Asia": "BN KH ID LA MY MM PH SG TH TL VN",
    "East Asia": "CN JP KP KR MN TW",
    "Northern Africa": "DZ EG LY MA TN SD EH",
    "Eastern Africa": "BI DJ ER ET KE RW SO SS TZ UG",
    "Southern Africa": "BW LS MW MZ NA SZ ZA ZM ZW",
    "Middle Africa": "CM CF TD CG CD GQ GA ST",
    "Western Africa": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SN SL TG",
    "North America": "US CA",
    "Central America": "BZ CR SV GT HN MX NI PA",
    "South America": "AR BO BR CL CO EC GY PY PE SR UY VE",
    "Caribbean": "BS BB CU DO HT JM PR TT",
    "Oceania": "AU NZ PG FJ SB VU WS TO",
}  # fmt: skip
ACLED_REGIONS = {
    code: region for region, members in _REGION_MEMBERS.items() for code in members.split()
}

# ACLED's short country names where ISO 3166's differ ("Russian Federation" -> "Russia").
COUNTRY_NAMES = {
    "RU": "Russia", "KP": "North Korea", "KR": "South Korea", "IR": "Iran", "SY": "Syria",
    "PS": "Palestine", "CD": "Democratic Republic of Congo", "CG": "Republic of Congo",
    "TZ": "Tanzania", "VE": "Venezuela", "BO": "Bolivia", "MD": "Moldova", "LA": "Laos",
    "VN": "Vietnam", "TW": "Taiwan", "TR": "Turkey", "CZ": "Czech Republic", "CI": "Ivory Coast",
    "SZ": "eSwatini", "GB": "United Kingdom", "US": "United States",
}  # fmt: skip

# Gleditsch-Ward state numbers (UCDP's country_id). Serbia/Kosovo and Palestine are left out:
# UCDP numbers them by its own history (345 "Serbia (Yugoslavia)"; events in Gaza and the West
# Bank under Israel, 666), which a per-country table would misstate.
GW_CODES = {
    "US": 2, "CA": 20, "CU": 40, "HT": 41, "DO": 42, "JM": 51, "MX": 70, "GT": 90, "HN": 91,
    "SV": 92, "NI": 93, "CR": 94, "PA": 95, "CO": 100, "VE": 101, "EC": 130, "PE": 135,
    "BR": 140, "BO": 145, "PY": 150, "CL": 155, "AR": 160, "UY": 165, "GB": 200, "IE": 205,
    "NL": 210, "BE": 211, "FR": 220, "CH": 225, "ES": 230, "PT": 235, "DE": 260, "PL": 290,
    "AT": 305, "HU": 310, "CZ": 316, "SK": 317, "IT": 325, "AL": 339, "ME": 341, "MK": 343,
    "HR": 344, "BA": 346, "SI": 349, "GR": 350, "CY": 352, "BG": 355, "MD": 359, "RO": 360,
    "RU": 365, "EE": 366, "LV": 367, "LT": 368, "UA": 369, "BY": 370, "AM": 371, "GE": 372,
    "AZ": 373, "FI": 375, "SE": 380, "NO": 385, "DK": 390, "GQ": 411, "ML": 432, "SN": 433,
    "BJ": 434, "MR": 435, "NE": 436, "CI": 437, "GN": 438, "BF": 439, "LR": 450, "SL": 451,
    "GH": 452, "TG": 461, "CM": 471, "NG": 475, "GA": 481, "CF": 482, "TD": 483, "CG": 484,
    "CD": 490, "UG": 500, "KE": 501, "TZ": 510, "BI": 516, "RW": 517, "SO": 520, "DJ": 522,
    "ET": 530, "ER": 531, "AO": 540, "MZ": 541, "ZM": 551, "ZW": 552, "MW": 553, "ZA": 560,
    "NA": 565, "LS": 570, "BW": 571, "SZ": 572, "MG": 580, "MA": 600, "DZ": 615, "TN": 616,
    "LY": 620, "SD": 625, "SS": 626, "IR": 630, "TR": 640, "IQ": 645, "EG": 651, "SY": 652,
    "LB": 660, "JO": 663, "IL": 666, "SA": 670, "YE": 678, "KW": 690, "BH": 692, "QA": 694,
    "AE": 696, "OM": 698, "AF": 700, "TM": 701, "TJ": 702, "KG": 703, "UZ": 704, "KZ": 705,
    "CN": 710, "MN": 712, "TW": 713, "KP": 731, "KR": 732, "JP": 740, "IN": 750, "BT": 760,
    "PK": 770, "BD": 771, "MM": 775, "LK": 780, "NP": 790, "TH": 800, "KH": 811, "LA": 812,
    "VN": 816, "MY": 820, "SG": 830, "PH": 840, "ID": 850, "TL": 860, "AU": 900, "PG": 910,
    "NZ": 920,
}  # fmt: skip
_UCDP_REGIONS = ((199, "Americas"), (399, "Europe"), (626, "Africa"), (699, "Middle East"),
                 (999, "Asia"))  # fmt: skip


def country_name(alpha2: str | None) -> str | None:
    if not alpha2:
        return None
    if alpha2 in COUNTRY_NAMES:
        return COUNTRY_NAMES[alpha2]
    country = pycountry.countries.get(alpha_2=alpha2)
    return getattr(country, "common_name", None) or getattr(country, "name", None) or alpha2


def iso_numeric(alpha2: str | None) -> int | None:
    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return int(country.numeric) if country else None


def iso_alpha3(alpha2: str | None) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return country.alpha_3 if country else None


def ucdp_region(gw_code: int | None) -> str | None:
    if gw_code is None:
        return None
    return next((name for top, name in _UCDP_REGIONS if gw_code <= top), None)


def disorder_type(event_type: str) -> str | None:
    return DISORDER_TYPES.get(event_type.strip().lower())


def inter_code(actor: Actor | None, event_country: str | None) -> int | None:
    """ACLED inter code of one actor; 0 when there is none, None when its role is unknown."""
    if actor is None:
        return 0
    if actor.role is None:
        return None
    code = INTER_CODES[actor.role]
    foreign = actor.country and event_country and actor.country != event_country
    return EXTERNAL_FORCES if code == 1 and foreign else code


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """Two-digit interaction code, lower code first; a sole actor keeps 0 second (10, 60)."""
    if inter1 is None or inter2 is None or inter1 == inter2 == 0:
        return None
    low, high = sorted((inter1, inter2))
    return high * 10 if low == 0 else low * 10 + high


def span_days(time: EventTime) -> int | None:
    if time.start is None:
        return None
    return ((time.end or time.start) - time.start).days + 1


def representative_date(time: EventTime) -> date | None:
    """The day an ACLED row is dated on: the day itself, or the middle of a range."""
    if time.start is None or time.precision is TimePrecision.UNKNOWN:
        return None
    end = time.end or time.start
    return time.start + timedelta(days=(end - time.start).days // 2)


def acled_time_precision(time: EventTime) -> int | None:
    days = span_days(time)
    if days is None or time.precision is TimePrecision.UNKNOWN:
        return None
    if time.precision is TimePrecision.DAY and days == 1:
        return 1
    if time.precision in (TimePrecision.MONTH, TimePrecision.YEAR):
        return 3
    return 2 if days <= 7 else 3


def ucdp_date_prec(time: EventTime) -> int | None:
    days = span_days(time)
    if days is None or time.precision is TimePrecision.UNKNOWN:
        return None
    fixed = {TimePrecision.WEEK: 3, TimePrecision.MONTH: 4, TimePrecision.YEAR: 5}
    if time.precision in fixed:
        return fixed[time.precision]
    if days == 1:
        return 1
    if days <= 6:
        return 2
    return 3 if days == 7 else 4 if days <= 31 else 5


def date_phrase(time: EventTime) -> str:
    """How ACLED notes open: "On 12 March 2024", "In March 2024", "Between ..."."""
    start, end = time.start, time.end or time.start
    if start is None or time.precision is TimePrecision.UNKNOWN:
        return "On an unknown date"
    if time.precision is TimePrecision.YEAR:
        return f"In {start.year}"
    if time.precision is TimePrecision.MONTH:
        return f"In {start:%B %Y}"
    if start == end:
        return f"On {start.day} {start:%B %Y}"
    return f"Between {start.day} {start:%B %Y} and {end.day} {end:%B %Y}"


def acled_tags(event: Event) -> str | None:
    """ACLED's tags column: ``date unknown``, the ends of a date range, and ACLED's
    ``crowd size=no report`` for demonstrations (we extract no crowd sizes)."""
    tags = []
    day = representative_date(event.time)
    if day is None:
        tags.append("date unknown")
    elif event.time.end and event.time.end != event.time.start:
        tags.append(f"date range {event.time.start.isoformat()}/{event.time.end.isoformat()}")
    if event.event_type.strip().lower() in {"protests", "riots"}:
        tags.append("crowd size=no report")
    return "; ".join(tags) or None


def where_prec(place: Place | None) -> int | None:
    """UCDP where_prec from the place: ACLED geo_precision 1 -> 1, 2 -> 2; a region -> 3, 4
    or 5 by the administrative level it names; a whole country -> 6."""
    if place is None:
        return None
    if place.feature == "country":
        return 6
    if place.precision in (1, 2):
        return place.precision
    if place.precision == 3 or place.feature == "region":
        if place.admin2 and place.name == place.admin2:
            return 3
        if place.admin1:
            return 4
        return 3 if place.admin2 else 5
    return 6 if place.country and place.latitude is None else None


def _killed(figures: Iterable[Figure]) -> list[Figure]:
    return [figure for figure in figures if figure.type is FigureType.KILLED]


def acled_fatalities(figures: Iterable[Figure]) -> int:
    """ACLED's conservative count: the lowest killed figure (low, else best); 0 when none."""
    values = [f.low if f.low is not None else f.best for f in _killed(figures)]
    return min((value for value in values if value is not None), default=0)


def killed_range(figures: Iterable[Figure]) -> tuple[int | None, int | None, int | None]:
    """(low, best, high) over the killed figures, open ends left empty (module docstring)."""
    killed = _killed(figures)
    lows = [f.low for f in killed if f.low is not None]
    bests = sorted(f.best for f in killed if f.best is not None)
    highs = [f.high for f in killed if f.high is not None]
    high = max(highs) if highs and len(highs) == len(killed) else None
    best = bests[(len(bests) - 1) // 2] if bests else None
    return (min(lows) if lows else None), best, high


def event_number(event_id: str) -> int:
    """A stable number for an event id (12 digits from SHA-256; ACLED/UCDP ids are numbers)."""
    return int(hashlib.sha256(event_id.encode()).hexdigest()[:15], 16) % 10**12


def second_actor(event: Event) -> tuple[Actor | None, tuple[Actor, ...]]:
    """ACLED's actor2 and the rest: the event's actor2, else its first target (ACLED codes the
    victims of a strike as actor2, e.g. "Civilians (Ukraine)"); other targets are associated."""
    if event.actor2 is not None:
        return event.actor2, tuple(t for t in event.targets if t != event.actor2)
    return (event.targets[0], event.targets[1:]) if event.targets else (None, ())


def civilians_targeted(event: Event) -> bool:
    """ACLED's civilian_targeting: civilians are the target of a political-violence event."""
    if event.event_type.strip().lower() == "violence against civilians":
        return True
    other, _ = second_actor(event)
    return (disorder_type(event.event_type) == "Political violence"
            and other is not None and other.role is ActorRole.CIVILIANS)


def type_of_violence(event: Event) -> int | None:
    """UCDP's type: 1 state-based (a government on at least one side), 2 non-state (organised
    armed groups, no government), 3 one-sided (an organised actor against civilians). Empty for
    demonstrations and strategic developments, which are not organised violence in UCDP, and
    where the roles do not say."""
    if disorder_type(event.event_type) != "Political violence":
        return None
    other, _ = second_actor(event)
    role1, role2 = (event.actor1.role if event.actor1 else None), (other.role if other else None)
    if civilians_targeted(event):
        return 3 if role1 in STATE_ROLES | ARMED_NON_STATE else None
    if role1 in STATE_ROLES or role2 in STATE_ROLES:
        return 1
    return 2 if role1 in ARMED_NON_STATE and role2 in ARMED_NON_STATE else None
