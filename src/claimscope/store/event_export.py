"""Events in standard formats: ACLED- and UCDP-GED-style tables, GeoJSON, Parquet, JSON lines.

Everything here is a pure function of ``EventRow`` values (the event, its article and the
claims it comes from); ``write_events`` only adds the writing. The codes themselves and the
codebook conventions behind them are in ``acled_codes``.

Fatalities follow ACLED's conservative rule in the ACLED table and keep the reported spread
(low / best / high) in the UCDP table and the GeoJSON; see ``acled_codes``.

Dates. An event whose date is unknown gets no ``event_date`` / ``date_start`` and the ACLED tag
``date unknown``; the publication date is never used in its place. A range is dated on its
middle day (ACLED) and keeps its ends in a ``date range`` tag and in UCDP's start / end.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

import pandas as pd

from claimscope.records import (
    Actor,
    Article,
    Claim,
    Event,
    SourceType,
    to_plain,
)
from claimscope.store import acled_codes as codes


class EventRow(NamedTuple):
    event: Event
    article: Article
    claims: tuple[Claim, ...] = ()  # the claims the event comes from


ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]  # fmt: skip
UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "type_of_violence", "conflict_name", "side_a",
    "side_b", "source_article", "source_office", "source_date", "where_prec",
    "where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "country", "country_id",
    "country_id_scheme", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
]  # fmt: skip
EVENT_COLUMNS = [
    "id", "article_id", "code", "event_type", "sub_event_type", "disorder_type", "plover",
    "certainty", "trigger", "date_start", "date_end", "time_precision", "time_note", "actor1",
    "actor1_country", "actor1_role", "actor2", "actor2_country", "actor2_role", "place",
    "place_text", "country", "admin1", "admin1_code", "admin2", "latitude", "longitude",
    "geo_precision", "place_note", "killed_low", "killed_best", "killed_high", "fatalities",
    "article_url", "outlet", "published", "actors", "figures", "claim_ids",
]  # fmt: skip
FORMATS = ("acled", "ucdp", "geojson", "parquet", "jsonl", "csv")
_FLOATS = {"latitude": "float64", "longitude": "float64"}
_ACLED_DTYPES = _FLOATS | dict.fromkeys(
    ["year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision",
     "fatalities", "timestamp"], "Int64")  # fmt: skip
_UCDP_DTYPES = _FLOATS | {"active_year": "boolean"} | dict.fromkeys(
    ["id", "year", "type_of_violence", "where_prec", "country_id", "event_clarity", "date_prec",
     "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low"], "Int64")
_EVENT_DTYPES = _FLOATS | dict.fromkeys(
    ["geo_precision", "killed_low", "killed_best", "killed_high", "fatalities"], "Int64")
_NOTES_LIMIT = 600


# --- shared pieces ---------------------------------------------------------------------------

def _name(actor: Actor | None) -> str | None:
    return (actor.name or actor.text) if actor else None


def _names(actors: Iterable[Actor]) -> str | None:
    return "; ".join(dict.fromkeys(filter(None, map(_name, actors)))) or None


def _country(event: Event) -> str | None:
    return event.place.country if event.place else None


def _sources(row: EventRow) -> list[str]:
    names = [row.article.outlet] + [
        claim.source.name for claim in row.claims if claim.source.type is not SourceType.OUTLET
    ]
    return list(dict.fromkeys(filter(None, names)))


def notes(row: EventRow) -> str:
    """ACLED-style notes: the date, then what the claims say and who says it (the claims are
    quoted as written, hence "On 1 May 2024: Thousands protested ...")."""
    sentences: list[str] = []
    for claim in row.claims:
        text = claim.content.text.strip().rstrip(".")
        if claim.restates or not text or any(text in s for s in sentences):
            continue
        sentences.append(f"{text} (according to {claim.source.name}).")
    if not sentences:
        sentences = [f"{row.event.sub_event_type}: {row.event.trigger.text}."]
    text = " ".join([f"{codes.date_phrase(row.event.time)}:", *sentences])
    return text if len(text) <= _NOTES_LIMIT else text[: _NOTES_LIMIT - 1].rstrip() + "…"


def _frame(records: list[dict[str, Any]], columns: list[str], dtypes: dict[str, str],
           ) -> pd.DataFrame:
    """Text columns are pandas strings even when empty, so every export has one schema."""
    text = {column: "string" for column in columns if column not in dtypes}
    return pd.DataFrame(records, columns=columns).astype(dtypes | text)


# --- ACLED -----------------------------------------------------------------------------------

def acled_frame(rows: Iterable[EventRow], *, timestamp: int | None = None) -> pd.DataFrame:
    """One ACLED-style row per event, ACLED's columns in ACLED's order. ``timestamp`` (ACLED's
    upload time, Unix seconds) is the caller's to give; it stays empty otherwise."""
    return _frame([_acled_row(row, timestamp) for row in rows], ACLED_COLUMNS, _ACLED_DTYPES)


def _acled_row(row: EventRow, timestamp: int | None) -> dict[str, Any]:
    event, place = row.event, row.event.place
    country = _country(event)
    actor2, more_targets = codes.second_actor(event)
    inter1, inter2 = codes.inter_code(event.actor1, country), codes.inter_code(actor2, country)
    day = codes.representative_date(event.time)
    return {
        "event_id_cnty": f"{codes.iso_alpha3(country) or 'XXX'}{codes.event_number(event.id)}",
        "event_date": day.isoformat() if day else None,
        "year": day.year if day else None,
        "time_precision": codes.acled_time_precision(event.time),
        "disorder_type": codes.disorder_type(event.event_type),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": _name(event.actor1),
        "assoc_actor_1": _names(event.associated),
        "inter1": inter1,
        "actor2": _name(actor2),
        "assoc_actor_2": _names(more_targets),
        "inter2": inter2,
        "interaction": codes.interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if codes.civilians_targeted(event) else None,
        "iso": codes.iso_numeric(country),
        "region": codes.ACLED_REGIONS.get(country or ""),
        "country": codes.country_name(country),
        "admin1": place.admin1 if place else None,
        "admin2": place.admin2 if place else None,
        "admin3": None,
        "location": (place.name or place.text) if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": place.precision if place else None,
        "source": "; ".join(_sources(row)) or None,
        "source_scale": None,  # ACLED's judgement of the outlet's reach; we do not know it
        "notes": notes(row),
        "fatalities": codes.acled_fatalities(event.figures),
        "tags": codes.acled_tags(event),
        "timestamp": timestamp,
    }


# --- UCDP GED --------------------------------------------------------------------------------

def _ucdp_name(actor: Actor | None) -> str | None:
    """UCDP names a state's side after its government ("Government of Russia")."""
    if actor and actor.role in codes.STATE_ROLES and actor.country:
        return f"Government of {codes.country_name(actor.country)}"
    return _name(actor)


def _ucdp_sides(event: Event, violence: int | None) -> tuple[str | None, str | None]:
    first, (second, _) = event.actor1, codes.second_actor(event)
    if violence == 3:
        return _ucdp_name(first), "Civilians"
    if violence == 1 and (first is None or first.role not in codes.STATE_ROLES):
        first, second = second, first  # side_a is the government side
    return _ucdp_name(first), _ucdp_name(second)


def ucdp_frame(rows: Iterable[EventRow]) -> pd.DataFrame:
    """UCDP GED-style rows. Deaths are not split by side (the reports rarely say whose):
    one-sided events put them under ``deaths_civilians``, others under ``deaths_unknown``.
    ``active_year`` (the conflict-year 25-death threshold) cannot be known from one article
    and stays empty; ``conflict_name`` is "side_a - side_b" (UCDP's own names follow the
    incompatibility, which we do not infer); ``event_clarity`` is 2 for dates known only to a
    month or worse (such counts are usually period totals), else 1."""
    return _frame([_ucdp_row(row) for row in rows], UCDP_COLUMNS, _UCDP_DTYPES)


def _ucdp_row(row: EventRow) -> dict[str, Any]:
    event, place, article = row.event, row.event.place, row.article
    country = _country(event)
    violence = codes.type_of_violence(event)
    side_a, side_b = sides = _ucdp_sides(event, violence)
    low, best, high = codes.killed_range(event.figures)
    civilian = violence == 3 or codes.civilians_targeted(event)
    gw = codes.GW_CODES.get(country or "")
    country_id = gw if gw is not None else codes.iso_numeric(country)
    date_prec = codes.ucdp_date_prec(event.time)
    published = article.published.date().isoformat() if article.published else None
    offices = [c.source.name for c in row.claims if c.source.type is not SourceType.OUTLET]
    return {
        "id": codes.event_number(event.id),
        "relid": event.id,
        "year": event.time.start.year if event.time.start else None,
        "active_year": None,
        "type_of_violence": violence,
        "conflict_name": _conflict_name(violence, sides),
        "side_a": side_a,
        "side_b": side_b,
        "source_article": _source_article(article, published),
        "source_office": "; ".join(dict.fromkeys(offices)) or None,
        "source_date": published,
        "where_prec": codes.where_prec(place),
        "where_coordinates": (place.name or place.text) if place else None,
        "adm_1": place.admin1 if place else None,
        "adm_2": place.admin2 if place else None,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "country": codes.country_name(country),
        "country_id": country_id,
        "country_id_scheme": None if country_id is None else "gw" if gw else "iso3166-numeric",
        "region": codes.ucdp_region(gw),
        "event_clarity": None if date_prec is None else 2 if date_prec >= 4 else 1,
        "date_prec": date_prec,
        "date_start": event.time.start.isoformat() if event.time.start else None,
        "date_end": event.time.end.isoformat() if event.time.end else None,
        "deaths_a": None,
        "deaths_b": None,
        "deaths_civilians": best if civilian else None,
        "deaths_unknown": None if civilian else best,
        "best": best,
        "high": high,
        "low": low,
    }


def _conflict_name(violence: int | None, sides: tuple[str | None, str | None]) -> str | None:
    if violence is None:
        return None
    return sides[0] if violence == 3 else " - ".join(filter(None, sides)) or None


def _source_article(article: Article, published: str | None) -> str:
    """UCDP's form: outlet, date, "headline" (and the address, which UCDP lacks)."""
    parts = [article.outlet or "", published or "", f'"{article.title or ""}"']
    return ",".join(parts) + (f";{article.url}" if article.url else "")


# --- GeoJSON, flat table, JSON lines ---------------------------------------------------------

def geojson_feature_collection(rows: Iterable[EventRow]) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of Point features ([longitude, latitude]); events without
    coordinates are left out and counted in the foreign member ``skipped_without_coordinates``."""
    features, skipped = [], 0
    for row in rows:
        event, place = row.event, row.event.place
        if place is None or place.latitude is None or place.longitude is None:
            skipped += 1
            continue
        low, best, high = codes.killed_range(event.figures)
        properties = {
            "id": event.id, "code": event.code, "event_type": event.event_type,
            "sub_event_type": event.sub_event_type, "plover": event.plover,
            "actor1": _name(event.actor1), "actor2": _name(codes.second_actor(event)[0]),
            "date_start": event.time.start.isoformat() if event.time.start else None,
            "date_end": event.time.end.isoformat() if event.time.end else None,
            "time_precision": event.time.precision.value, "geo_precision": place.precision,
            "place": place.name or place.text, "fatalities_low": low, "fatalities_best": best,
            "fatalities_high": high, "certainty": event.certainty.value,
            "claim_ids": list(event.claim_ids), "article_id": event.article_id,
            "url": row.article.url,
        }  # fmt: skip
        geometry = {"type": "Point", "coordinates": [place.longitude, place.latitude]}
        features.append({"type": "Feature", "id": event.id, "geometry": geometry,
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features,
            "skipped_without_coordinates": skipped}


def events_frame(rows: Iterable[EventRow]) -> pd.DataFrame:
    """One row per event: flat columns, plus ``actors``, ``figures`` and ``claim_ids`` as JSON
    text holding the full lists (as ``store.frame`` does for claims), so nothing is lost."""
    return _frame([_event_flat(row) for row in rows], EVENT_COLUMNS, _EVENT_DTYPES)


def _event_flat(row: EventRow) -> dict[str, Any]:
    event, place, article = row.event, row.event.place, row.article
    plain = to_plain(event)
    low, best, high = codes.killed_range(event.figures)
    actor2 = event.actor2
    slots = [("actor1", event.actor1), ("actor2", actor2)]
    slots += [("associated", a) for a in event.associated] + [("target", a) for a in event.targets]
    actors = [{"slot": slot, **to_plain(actor)} for slot, actor in slots if actor is not None]
    return {
        "id": event.id, "article_id": event.article_id, "code": event.code,
        "event_type": event.event_type, "sub_event_type": event.sub_event_type,
        "disorder_type": codes.disorder_type(event.event_type), "plover": event.plover,
        "certainty": event.certainty.value, "trigger": event.trigger.text,
        "date_start": plain["time"]["start"], "date_end": plain["time"]["end"],
        "time_precision": event.time.precision.value, "time_note": event.time.note,
        "actor1": _name(event.actor1), "actor1_country": event.actor1 and event.actor1.country,
        "actor1_role": plain["actor1"] and plain["actor1"]["role"],
        "actor2": _name(actor2), "actor2_country": actor2 and actor2.country,
        "actor2_role": plain["actor2"] and plain["actor2"]["role"],
        "place": place and (place.name or place.text), "place_text": place and place.text,
        "country": _country(event), "admin1": place and place.admin1,
        "admin1_code": place and place.admin1_code, "admin2": place and place.admin2,
        "latitude": place and place.latitude, "longitude": place and place.longitude,
        "geo_precision": place and place.precision, "place_note": place and place.note,
        "killed_low": low, "killed_best": best, "killed_high": high,
        "fatalities": codes.acled_fatalities(event.figures), "article_url": article.url,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        "actors": json.dumps(actors, ensure_ascii=False),
        "figures": json.dumps(plain["figures"], ensure_ascii=False),
        "claim_ids": json.dumps(plain["claim_ids"], ensure_ascii=False),
    }  # fmt: skip


def event_jsonl_records(rows: Iterable[EventRow]) -> Iterator[dict[str, Any]]:
    """The full event (``to_plain``) with its provenance: the article and each claim."""
    for row in rows:
        article = row.article
        record = to_plain(row.event)
        record["article"] = {
            "id": article.id, "url": article.url, "outlet": article.outlet, "title": article.title,
            "published": article.published.isoformat() if article.published else None,
        }
        record["claims"] = [
            {"id": claim.id, "source_name": claim.source.name,
             "source_type": claim.source.type.value, "cue": claim.cue.text if claim.cue else None,
             "certainty": claim.certainty.value, "content": claim.content.text}
            for claim in row.claims
        ]  # fmt: skip
        yield record


# --- writing ---------------------------------------------------------------------------------

def write_events(rows: Iterable[EventRow], fmt: str, path_or_stream: str | os.PathLike | IO) -> int:
    """Write events as ``fmt`` (one of ``FORMATS``; ``csv`` is ``events_frame`` as CSV) to a
    path or an open stream (text or binary; Parquet needs a path or a binary stream).
    Returns the number of events written (for GeoJSON, the features)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown event format {fmt!r}; expected one of {', '.join(FORMATS)}")
    rows = list(rows)
    if fmt == "parquet":
        if _is_text_stream(path_or_stream):
            raise ValueError("parquet needs a path or a binary stream")
        target = os.fspath(path_or_stream) if _is_path(path_or_stream) else path_or_stream
        events_frame(rows).to_parquet(target, index=False)
        return len(rows)
    if fmt == "geojson":
        collection = geojson_feature_collection(rows)
        _write_text(json.dumps(collection, ensure_ascii=False) + "\n", path_or_stream)
        return len(collection["features"])
    if fmt == "jsonl":
        records = event_jsonl_records(rows)
        _write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    path_or_stream)
        return len(rows)
    frame = {"acled": acled_frame, "ucdp": ucdp_frame, "csv": events_frame}[fmt](rows)
    _write_text(frame.to_csv(index=False), path_or_stream)
    return len(rows)


def _is_path(target: Any) -> bool:
    return isinstance(target, (str, os.PathLike))


def _is_text_stream(target: Any) -> bool:
    return isinstance(target, io.TextIOBase) or (
        not _is_path(target) and "b" not in getattr(target, "mode", "b"))


def _write_text(text: str, target: str | os.PathLike | IO) -> None:
    if _is_path(target):
        Path(target).write_text(text, encoding="utf-8")
    elif _is_text_stream(target):
        target.write(text)
    else:
        target.write(text.encode("utf-8"))
