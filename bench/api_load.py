#!/usr/bin/env python
"""Load on the team server: filtered claim lists from a PostgreSQL store of many claims.

    .venv/bin/python bench/api_load.py [--url postgresql+psycopg://...] [--claims 1000000]
                                       [--clients 50] [--seconds 60] [--think 1] [--reuse]
                                       [--workers 1] [--explain] [--drop] [--plain]

1. **The store.** The database of ``--url`` (default ``CLAIMSCOPE_LOAD_PG`` or
   ``postgresql+psycopg://postgres@127.0.0.1:5432/claimscope_load``; created when missing and
   the role may) gets a schema of its own, ``--schema`` (default ``load_<claims>``), so no
   other tables are touched. ``Store.open`` makes the tables there with the real migrations,
   then ``--claims`` **synthetic** claims are written with ``COPY`` (secondary indexes dropped
   first and rebuilt afterwards, then ``VACUUM ANALYZE``): articles of six to fourteen claims
   (a headline restating a figure in about 40 % of them) from 400 outlets (Zipf-weighted),
   published over three years (1 % undated), ~3,000 source names of every source type,
   certainty weighted as in news (asserted most, denied rarely), 85 % event / 15 % analysis,
   55 % of body claims with a figure of one of the eight types, town names, incident words and
   filler in the content, and a few hundred reviews. Records have exactly the shape
   ``records.to_plain`` gives (checked on the first article), the flat columns are those
   ``store/writer.py`` writes (``tests/test_bench_api_load.py`` compares them). The schema's
   comment records what was built; ``--reuse`` keeps a complete store of the same size and
   seed (``Store.open`` still runs any newer migration on it), else it is rebuilt. ``--drop``
   drops the schema at the end.
2. **The server.** An admin-made ``viewer`` account and an API token, then uvicorn serving
   ``claimscope.serve.app:create_app`` (``--workers``, default 1, access log off) in a
   subprocess on a free port of **127.0.0.1**; all traffic goes there and nowhere else.
3. **The load.** ``--clients`` concurrent clients (asyncio, one ``httpx.AsyncClient``) send
   ``GET /api/claims`` with a Bearer token for ``--seconds`` (after ``--warmup`` seconds whose
   requests are not counted), each waiting ``--think`` seconds on average (default 1: uniform
   0 to 2 s) between requests, so 50 clients offer about 50 requests a second, like 50 people
   paging through lists (or scripts polling); ``--think 0`` sends back to back, a saturating
   closed loop whose latency is the clients' queue (clients / throughput) rather than the
   time of one request. Bounded: at most
   ``--max-requests`` requests, and the run stops at the deadline. Each request picks one kind:
   ``list`` (no filter), ``source_type``, ``certainty``, ``figure``, ``kind``, ``q`` (a word or
   two of the content: incident words, figure words, town names), ``combined`` (source type +
   certainty + figure); filter values uniform over each enum, so rare values count as much as
   common ones. A third of the first pages with a ``next_cursor`` are followed by their
   ``page2`` at once. Latency: send to last byte, seen by the client; an error is any status
   but 200, a timeout or a connection failure.

Printed: the build (or reuse) time, a table per query kind (count, errors, p50, p90, p99, max
ms) and, as the **last line**, one JSON object: ``p50_ms``, ``p99_ms``, ``errors``,
``requests``, ``claims``, ``clients``, ``seconds`` and extras (``rps``, ``think_s``,
``build_s``, ``per_kind``). Aim (issue 5): p99 < 100 ms on filtered claim lists, no errors.
``--explain`` also prints ``EXPLAIN (ANALYZE, BUFFERS)`` of one query of each kind, as the
store issues it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import math
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import print_final_json, print_notes, print_table

DEFAULT_URL = os.environ.get(
    "CLAIMSCOPE_LOAD_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/claimscope_load")
AIM_P99_MS = 100.0
LOAD_USER = "load-bench"
KINDS = ("list", "source_type", "certainty", "figure", "kind", "q", "combined")
PAGE2_SHARE = 1 / 3
CHUNK_ARTICLES = 5000  # articles per COPY transaction

# --- the synthetic store --------------------------------------------------------------------

START = datetime(2022, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
UNDATED_SHARE = 0.01
FIGURE_SHARE = 0.55
HEADLINE_SHARE = 0.4
TIMES_SHARE = 0.3
ANALYSIS_SHARE = 0.15
OUTLET_SOURCE_SHARE = 0.1
REVIEWS = 300

SOURCE_TYPES = ("government", "military", "intelligence", "politician", "official_anonymous",
                "combatant", "media", "expert", "social_media", "outlet")
CERTAINTY_CUES = (("asserted", 30, "said"), ("reported", 20, "reported"),
                  ("claimed", 15, "claimed"), ("confirmed", 10, "confirmed"),
                  ("estimated", 8, "estimated"), ("alleged", 7, "alleged"),
                  ("unverified_flagged", 4, "said, without evidence,"), ("denied", 3, "denied"),
                  ("speculative", 3, "suggested"))
FIGURE_TYPES = ("killed", "wounded", "casualties", "missing", "captured", "deployed",
                "arrested", "deserted")
# incident word, figure types its claims report, weight
INCIDENTS = (("clashes", ("killed", "wounded", "casualties", "captured", "missing"), 20),
             ("drone strike", ("killed", "wounded"), 12),
             ("shelling", ("killed", "wounded", "casualties"), 12),
             ("attack", ("killed", "wounded", "missing"), 10), ("blast", ("killed", "wounded"), 4),
             ("arrests", ("arrested",), 8), ("protest", ("arrested", "wounded"), 6),
             ("riots", ("killed", "wounded", "arrested"), 4), ("deployment", ("deployed",), 8),
             ("desertions", ("deserted", "captured"), 3), ("floods", ("killed", "missing"), 3),
             ("prisoner exchange", ("captured",), 2), ("talks", (), 6))
PEOPLE = {"killed": "people were killed", "wounded": "people were wounded",
          "casualties": "casualties were counted", "missing": "people are missing",
          "captured": "soldiers were captured", "deployed": "troops were deployed",
          "arrested": "people were arrested", "deserted": "soldiers deserted"}
BODIES = (("defence ministry", "government"), ("military", "military"),
          ("intelligence service", "intelligence"), ("police", "government"),
          ("health ministry", "government"), ("army spokesman", "military"))
COUNTRIES = ("Ukraine", "Russia", "Syria", "Israel", "Sudan", "Yemen", "Myanmar", "Iraq",
             "Lebanon", "Mali", "Nigeria", "Congo", "Somalia", "Ethiopia", "Afghanistan",
             "Pakistan", "Colombia", "Mexico", "Haiti", "Libya")
ANONYMOUS = ("officials", "a senior official", "sources familiar with the matter",
             "a security source", "diplomats")
PERSON_TYPES = ("politician", "combatant", "media", "expert", "social_media")
MASTHEADS = ("Times", "Post", "Herald", "Tribune", "News", "Wire", "Gazette", "Observer",
             "Chronicle", "Daily", "Courier", "Report")
SYLLABLES = ("ka", "ro", "mi", "ta", "ven", "lo", "sar", "bel", "du", "ne", "ko", "ri", "pa",
             "sha", "mor", "lin", "tes", "va", "zen", "gor", "hal", "pri", "dan", "el", "os",
             "ur", "bek", "sol", "mar", "kin", "ti", "vol")
Q_WORDS = ("shelling", "drone strike", "clashes", "killed", "wounded", "arrested", "missing",
           "protest", "floods", "prisoner exchange")


def _zipf(n: int, exponent: float = 1.0, offset: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + offset) ** exponent for rank in range(n)))


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def _span(start: int, end: int, text: str, field: str = "text") -> dict[str, Any]:
    return {"start": start, "end": end, "text": text, "field": field}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


class Synth:
    """A deterministic stream of synthetic articles with their claims, as table rows.

    ``next()`` gives ``(article row, claim rows, figure rows, time rows)``; each row is a
    dict of column -> value with the values ``store/writer.py`` would write (records as
    ``records.to_plain`` makes them)."""

    def __init__(self, seed: int, articles: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.step = SPAN / max(articles, 1)
        self.index = 0
        names = random.Random(seed + 1)
        self.vocabulary = sorted({_word(names, names.randint(2, 4)) for _ in range(6000)})
        self.towns = sorted({_word(names, names.randint(2, 3)).title() for _ in range(700)})
        names.shuffle(self.towns)
        self.town_weights = _zipf(len(self.towns), 1.0, 5.0)
        self.outlets = sorted({f"{_word(names, 2).title()} {names.choice(MASTHEADS)}"
                               for _ in range(420)})[:400]
        names.shuffle(self.outlets)
        self.outlet_weights = _zipf(len(self.outlets), 1.0, 3.0)
        sources = [(f"{country}'s {body}", kind) for country in COUNTRIES for body, kind in BODIES]
        sources += [(name, "official_anonymous") for name in ANONYMOUS]
        firsts = sorted({_word(names, 2).title() for _ in range(80)})[:60]
        lasts = sorted({_word(names, 3).title() for _ in range(80)})[:48]
        sources += [(f"{first} {last}", names.choice(PERSON_TYPES))
                    for first in firsts for last in lasts]
        names.shuffle(sources)
        self.sources = sources
        self.source_weights = _zipf(len(sources), 1.0, 10.0)
        self.incident_weights = list(itertools.accumulate(i[2] for i in INCIDENTS))
        self.certainty_weights = list(itertools.accumulate(c[1] for c in CERTAINTY_CUES))
        self.now = _iso(datetime.now(UTC).replace(microsecond=0))

    def _id(self, *parts: object) -> str:
        key = "|".join(str(p) for p in (self.seed, *parts))
        return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()

    def _filler(self, low: int, high: int) -> str:
        rng = self.rng
        return " ".join(rng.choices(self.vocabulary, k=rng.randint(low, high)))

    def __iter__(self) -> Iterator[tuple[dict, list[dict], list[dict], list[dict]]]:
        return self

    def __next__(self) -> tuple[dict, list[dict], list[dict], list[dict]]:
        rng, i = self.rng, self.index
        self.index += 1
        article_id = self._id("article", i)
        published = None
        if rng.random() >= UNDATED_SHARE:
            published = (START + self.step * i + self.step * rng.random()).replace(microsecond=0)
        outlet = rng.choices(self.outlets, cum_weights=self.outlet_weights)[0]
        incidents = [(rng.choices(INCIDENTS, cum_weights=self.incident_weights)[0],
                      rng.choices(self.towns, cum_weights=self.town_weights)[0],
                      published.date() - timedelta(days=rng.randint(0, 2)) if published else None)
                     for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
        parts: list[str] = []
        offset = 0
        claims: list[dict] = []
        figures: list[dict] = []
        times: list[dict] = []
        first_figure: tuple[dict, dict] | None = None
        for position in range(rng.randint(6, 14)):
            incident = incidents[position % len(incidents)] if rng.random() < 0.85 else None
            if rng.random() < OUTLET_SOURCE_SHARE:
                source, source_type = outlet, "outlet"
            else:
                source, source_type = rng.choices(self.sources, cum_weights=self.source_weights)[0]
            certainty, _weight, cue = rng.choices(CERTAINTY_CUES, cum_weights=self.certainty_weights)[0]
            lead = f"{source[0].upper()}{source[1:]} {cue} that "
            start = offset + len(lead)
            claim_figures: list[dict] = []
            claim_times: list[dict] = []
            if incident is not None and incident[0][1] and rng.random() < FIGURE_SHARE:
                figure_type = rng.choice(incident[0][1])
                value = max(1, round(10 ** rng.uniform(0, 3.5)))
                form = rng.random()
                if form < 0.6:
                    words, low, best, high, approx, qualifier = f"{value}", value, value, value, False, None
                elif form < 0.8:
                    words, low, best, high, approx, qualifier = f"about {value}", None, value, None, True, None
                else:
                    words, low, best, high, approx, qualifier = (f"more than {value}", value, None,
                                                                 None, True, "more than")
                words = f"{words} {PEOPLE[figure_type]}"
                claim_figures.append({"type": figure_type, "low": low, "best": best, "high": high,
                                      "approx": approx,
                                      "span": _span(start, start + len(words), words),
                                      "derived": False, "qualifier": qualifier})
                content = f"{words} in {incident[1]} during the {incident[0][0]}"
            elif incident is not None:
                content = f"the {incident[0][0]} in {incident[1]} continued"
            else:
                content = "the situation remained tense"
            if incident is not None and incident[2] is not None and rng.random() < TIMES_SHARE:
                when = f" on {incident[2]:%B} {incident[2].day}"
                at = start + len(content)
                claim_times.append({"span": _span(at, at + len(when), when),
                                    "start": incident[2].isoformat(), "end": None,
                                    "precision": "day", "note": None})
                content += when
            content += " " + self._filler(6, 14)
            sentence = f"{lead}{content}."
            claim_id = self._id("claim", i, position)
            record = {
                "id": claim_id, "article_id": article_id,
                "content": _span(start, start + len(content), content),
                "source": {"name": source, "type": source_type,
                           "span": _span(offset, offset + len(source), lead[:len(source)]),
                           "description": None, "resolved_from": None},
                "cue": _span(start - len(cue) - 6, start - 6, cue),
                "certainty": certainty,
                "kind": "analysis" if rng.random() < ANALYSIS_SHARE else "event",
                "chain": [], "channel": None, "figures": claim_figures, "times": claim_times,
                "origin": "body", "restates": None, "confidence": round(rng.uniform(0.5, 1.0), 2),
            }
            claims.append(record)
            if claim_figures and first_figure is None:
                first_figure = (record, incident)
            parts.append(sentence)
            offset += len(sentence) + 2
        text = "\n\n".join(parts)
        title = self._filler(5, 9).capitalize()
        if first_figure is not None and rng.random() < HEADLINE_SHARE:
            body, incident = first_figure
            figure = body["figures"][0]
            words = figure["span"]["text"].capitalize()
            title = f"{words} in {incident[1]}"
            claims.append({
                "id": self._id("headline", i), "article_id": article_id,
                "content": _span(0, len(title), title, "title"),
                "source": {"name": outlet, "type": "outlet", "span": None, "description": None,
                           "resolved_from": None},
                "cue": None, "certainty": "asserted", "kind": "event", "chain": [],
                "channel": None,
                "figures": [{**figure, "span": _span(0, len(words), words, "title")}],
                "times": [], "origin": "headline", "restates": body["id"], "confidence": 1.0,
            })
        slug = outlet.lower().replace(" ", "-")
        article_record = {
            "id": article_id, "title": title, "url": f"https://{slug}.example/{article_id}",
            "outlet": outlet, "author": None, "published": _iso(published),
            "published_text": f"{published:%Y-%m-%d %H:%M} UTC" if published else None,
            "published_zone": "UTC" if published else None,
            "published_precision": "minute" if published else None, "section": None,
            "lang": "en", "fingerprint": hashlib.blake2b(text.encode(), digest_size=8).hexdigest(),
            "origin_path": None, "teasers": [], "dropped": [],
        }
        article = {"id": article_id, "title": title, "url": article_record["url"],
                   "outlet": outlet, "author": None, "published": _iso(published), "lang": "en",
                   "fingerprint": article_record["fingerprint"], "origin_path": None,
                   "text": text, "record": article_record, "ingested_at": self.now}
        claim_rows = []
        for position, record in enumerate(claims):
            claim_rows.append(claim_row(record, position, article))
            for n, figure in enumerate(record["figures"]):
                span = figure["span"]
                figures.append({"claim_id": record["id"], "position": n, "type": figure["type"],
                                "low": figure["low"], "best": figure["best"],
                                "high": figure["high"], "approx": figure["approx"],
                                "derived": figure["derived"], "qualifier": figure["qualifier"],
                                "span_start": span["start"], "span_end": span["end"],
                                "span_text": span["text"]})
            for n, when in enumerate(record["times"]):
                span = when["span"]
                times.append({"claim_id": record["id"], "position": n, "start": when["start"],
                              "end": when["end"], "precision": when["precision"],
                              "note": when["note"], "span_start": span["start"],
                              "span_end": span["end"], "span_text": span["text"]})
        return article, claim_rows, figures, times


FIGURE_COLUMNS = dict.fromkeys(("claim_id", "position", "type", "low", "best", "high", "approx",
                                "derived", "qualifier", "span_start", "span_end", "span_text"))
TIME_COLUMNS = dict.fromkeys(("claim_id", "position", "start", "end", "precision", "note",
                              "span_start", "span_end", "span_text"))


def claim_row(record: dict[str, Any], position: int, article: dict[str, Any]) -> dict[str, Any]:
    """The claims row ``store/writer.py`` writes for this record (columns the table lacks are
    left out when copying)."""
    cue = record["cue"]
    content = record["content"]
    return {
        "id": record["id"], "article_id": record["article_id"], "position": position,
        "source_name": record["source"]["name"], "source_type": record["source"]["type"],
        "certainty": record["certainty"], "kind": record["kind"], "origin": record["origin"],
        "cue_text": cue["text"] if cue else None, "cue_start": cue["start"] if cue else None,
        "cue_end": cue["end"] if cue else None, "content_text": content["text"],
        "content_start": content["start"], "content_end": content["end"],
        "content_field": content["field"], "channel": record["channel"],
        "restates": record["restates"], "confidence": record["confidence"],
        # The article's publication time, kept on the claim for the reading order (0005).
        "published": article["published"],
        "record": record,
    }


def check_shapes(synth_row: tuple[dict, list[dict], list[dict], list[dict]]) -> None:
    """The records must be what ``to_plain`` gives, or the API would fail to read them back."""
    from claimscope.records import Article, Claim, to_plain
    from claimscope.store.plain import from_plain

    article, claims, _figures, _times = synth_row
    rebuilt = to_plain(from_plain(Article, {**article["record"], "text": article["text"]}))
    del rebuilt["text"]
    if json.loads(json.dumps(rebuilt)) != article["record"]:
        raise SystemExit("bench/api_load.py: the synthetic article record does not round-trip "
                         "through records.to_plain; update Synth")
    for row in claims:
        if json.loads(json.dumps(to_plain(from_plain(Claim, row["record"])))) != row["record"]:
            raise SystemExit("bench/api_load.py: a synthetic claim record does not round-trip "
                             "through records.to_plain; update Synth")


# --- building the store in PostgreSQL ---------------------------------------------------------


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _with_schema(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def ensure_database(url: str) -> None:
    """Create the URL's database when it does not exist (connecting to ``postgres``)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    try:
        psycopg.connect(_libpq(url), connect_timeout=5).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise SystemExit(f"no PostgreSQL server answers at {_safe(url)}: "
                             f"{str(exc).strip().splitlines()[0]}") from None
    name = parsed.database
    for maintenance in ("postgres", "template1"):
        try:
            with psycopg.connect(_libpq(str(parsed.set(database=maintenance))), autocommit=True,
                                 connect_timeout=5) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", file=sys.stderr, flush=True)
            return
        except psycopg.errors.DuplicateDatabase:
            return
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0]
    raise SystemExit(f"database {name!r} does not exist and cannot be created ({reason}); create "
                     "it, or give --url a database you may use (the bench works in a schema of "
                     "its own there)")


def _meta(conn: Any, schema: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace "
                       "WHERE nspname = %s", (schema,)).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0] or "{}")
    except ValueError:
        return {}


def _columns(conn: Any, schema: str, table: str) -> list[tuple[str, bool, bool]]:
    """(name, nullable, has a default) of each column of ``schema.table``."""
    rows = conn.execute(
        "SELECT column_name, is_nullable = 'YES', column_default IS NOT NULL "
        "FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
        "ORDER BY ordinal_position", (schema, table)).fetchall()
    return [(name, nullable, default) for name, nullable, default in rows]


class Copier:
    """COPY rows into one table: the columns the table has and the rows carry."""

    def __init__(self, conn: Any, schema: str, table: str, sample: dict[str, Any]) -> None:
        found = _columns(conn, schema, table)
        missing = [name for name, nullable, default in found
                   if name not in sample and not nullable and not default]
        if missing:
            raise SystemExit(f"bench/api_load.py does not fill {table}.{', '.join(missing)}: "
                             "the schema changed; make Synth write what store/writer.py writes")
        self.names = [name for name, _n, _d in found if name in sample]
        self.json = {name for name in self.names if name == "record"}
        quoted = ", ".join(f'"{name}"' for name in self.names)
        self.sql = f'COPY "{schema}"."{table}" ({quoted}) FROM STDIN'

    def copy(self, cursor: Any, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        names, as_json = self.names, self.json
        with cursor.copy(self.sql) as copy:
            for row in rows:
                copy.write_row([json.dumps(row[n], separators=(",", ":")) if n in as_json
                                else row[n] for n in names])


def build(url: str, schema: str, claims: int, seed: int) -> tuple[int, int, float]:
    """Fill a fresh schema with ``claims`` synthetic claims; (claims, articles, seconds)."""
    import psycopg

    from claimscope.store import Store

    started = time.perf_counter()
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    target = _with_schema(url, schema)
    Store.open(target).close()  # the tables, by the real migrations
    synth = Synth(seed, max(claims // 10, 1))
    first = next(synth)
    check_shapes(first)
    tables = ("articles", "claims", "figures", "claim_times")
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        if _superuser(conn):  # skip the per-row foreign key triggers; the rows are consistent
            conn.execute("SET session_replication_role = replica")
        indexes = _drop_secondary_indexes(conn, schema, tables)
        copiers = {
            "articles": Copier(conn, schema, "articles", first[0]),
            "claims": Copier(conn, schema, "claims", first[1][0]),
            "figures": Copier(conn, schema, "figures", FIGURE_COLUMNS),
            "claim_times": Copier(conn, schema, "claim_times", TIME_COLUMNS),
        }
        written, articles, pending = 0, 0, [first]
        last_report = time.perf_counter()
        while written < claims:
            while len(pending) < CHUNK_ARTICLES and written + sum(len(p[1]) for p in pending) < claims:
                pending.append(next(synth))
            rows = {name: [] for name in tables}
            for article, claim_rows, figure_rows, time_rows in pending:
                room = claims - written
                if room <= 0:
                    break
                if len(claim_rows) > room:  # the last article: cut to the exact count
                    kept = {row["id"] for row in claim_rows[:room]}
                    claim_rows = claim_rows[:room]
                    for row in claim_rows:
                        if row["restates"] not in (None, *kept):
                            row["restates"] = row["record"]["restates"] = None
                    figure_rows = [r for r in figure_rows if r["claim_id"] in kept]
                    time_rows = [r for r in time_rows if r["claim_id"] in kept]
                rows["articles"].append(article)
                rows["claims"].extend(claim_rows)
                rows["figures"].extend(figure_rows)
                rows["claim_times"].extend(time_rows)
                written += len(claim_rows)
                articles += 1
            pending = []
            with conn.transaction(), conn.cursor() as cursor:
                for name in tables:  # parents first
                    copiers[name].copy(cursor, rows[name])
            if time.perf_counter() - last_report > 15:
                last_report = time.perf_counter()
                print(f"  {written:,} claims written ({time.perf_counter() - started:.0f} s)",
                      file=sys.stderr, flush=True)
        print(f"  rebuilding {len(indexes)} indexes", file=sys.stderr, flush=True)
        for statement in indexes:
            conn.execute(statement)
    _add_reviews(target, seed)
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        for name in (*tables, "claim_reviews"):
            conn.execute(f'VACUUM ANALYZE "{schema}"."{name}"')
        meta = {"claims": written, "articles": articles, "seed": seed, "complete": True,
                "built": datetime.now(UTC).isoformat(timespec="seconds"),
                "build_s": round(time.perf_counter() - started, 1)}
        conn.execute(f"COMMENT ON SCHEMA \"{schema}\" IS '{json.dumps(meta)}'")
    return written, articles, time.perf_counter() - started


def _superuser(conn: Any) -> bool:
    return conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]


def _drop_secondary_indexes(conn: Any, schema: str, tables: Sequence[str]) -> list[str]:
    """Drop the indexes that back no constraint; their CREATE statements, to run afterwards."""
    rows = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
        "WHERE n.nspname = %s AND t.relname = ANY(%s) AND c.oid IS NULL",
        (schema, list(tables))).fetchall()
    for name, _definition in rows:
        conn.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def _add_reviews(url: str, seed: int) -> None:
    """A few hundred reviews through the real path, so pages carry some review history."""
    from claimscope.store import Store

    rng = random.Random(seed + 2)
    with Store.open(url) as store, store.engine.connect() as conn:
        from sqlalchemy import text

        ids = conn.execute(text("SELECT id FROM claims TABLESAMPLE SYSTEM (1) LIMIT :n"),
                           {"n": REVIEWS}).scalars().all()
        for claim_id in ids:
            action = rng.choice(("accept", "accept", "reject", "correct"))
            if action == "correct":
                store.review(claim_id, "reviewer-bench", "correct", "certainty", "confirmed",
                             "checked against the ministry's statement")
            else:
                store.review(claim_id, "reviewer-bench", action, reason="load bench")


def prepare(args: argparse.Namespace) -> tuple[str, dict[str, Any], float, bool]:
    """The store URL (with its schema), its metadata, seconds spent, and whether reused."""
    import psycopg

    ensure_database(args.url)
    schema = args.schema or f"load_{args.claims}"
    started = time.perf_counter()
    with psycopg.connect(_libpq(args.url), autocommit=True) as conn:
        meta = _meta(conn, schema)
    target = _with_schema(args.url, schema)
    if (args.reuse and meta and meta.get("complete") and meta.get("claims") == args.claims
            and meta.get("seed") == args.seed):
        from claimscope.store import Store

        print(f"reusing schema {schema} ({meta['claims']:,} claims, built {meta.get('built')}); "
              "migrating if needed", file=sys.stderr, flush=True)
        Store.open(target).close()  # runs any newer migration
        return target, meta, time.perf_counter() - started, True
    print(f"building {args.claims:,} synthetic claims in schema {schema} of {_safe(args.url)}",
          file=sys.stderr, flush=True)
    written, articles, seconds = build(args.url, schema, args.claims, args.seed)
    meta = {"claims": written, "articles": articles, "seed": args.seed}
    print(f"built {written:,} claims in {articles:,} articles in {seconds:.1f} s "
          f"({written / max(seconds, 1e-9):,.0f} claims/s)", file=sys.stderr, flush=True)
    return target, meta, seconds, False


def api_token(url: str) -> str:
    from claimscope.store import Store

    with Store.open(url) as store:
        if store.accounts.user(LOAD_USER) is None:
            store.accounts.add_user(LOAD_USER, secrets.token_urlsafe(16), "viewer")
        return store.accounts.new_token(LOAD_USER, "api_load bench")


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """uvicorn serving ``create_app()`` on 127.0.0.1 in a subprocess."""

    def __init__(self, db_url: str, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "CLAIMSCOPE_DB": db_url,
               "CLAIMSCOPE_SECRET": secrets.token_urlsafe(32)}
        command = [sys.executable, "-m", "uvicorn", "claimscope.serve.app:create_app",
                   "--factory", "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
        # A file, not a pipe: a server logging many errors must never block on a full pipe.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=self.log,
                                        text=True)

    def _log_tail(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def wait_ready(self, token: str, timeout: float = 90.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped (exit {self.process.returncode}):\n"
                                 f"{self._log_tail()}")
            try:
                response = httpx.get(f"{self.base}/api/claims", params={"limit": 1},
                                     headers={"Authorization": f"Bearer {token}"}, timeout=10)
                if response.status_code == 200:
                    return
                raise SystemExit(f"the server answered {response.status_code}: "
                                 f"{response.text[:500]}")
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server did not answer on {self.base} within {timeout:.0f} s")

    def stop(self) -> str:
        """Stop the server (once); the tail of its log."""
        if self.log.closed:
            return ""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        tail = self._log_tail()
        self.log.close()
        return tail


# --- the load -----------------------------------------------------------------------------


class Picker:
    """Random query parameters of each kind (uniform over kinds and over enum values)."""

    def __init__(self, rng: random.Random, towns: Sequence[str], limit: int) -> None:
        self.rng = rng
        self.towns = list(towns)
        self.limit = limit

    def pick(self) -> tuple[str, dict[str, Any]]:
        rng = self.rng
        kind = rng.choice(KINDS)
        params: dict[str, Any] = {"limit": self.limit}
        if kind == "source_type":
            params["source_type"] = rng.choice(SOURCE_TYPES)
        elif kind == "certainty":
            params["certainty"] = rng.choice(CERTAINTY_CUES)[0]
        elif kind == "figure":
            params["figure"] = rng.choice(FIGURE_TYPES)
        elif kind == "kind":
            params["kind"] = rng.choice(("event", "analysis"))
        elif kind == "q":
            roll = rng.random()
            if roll < 0.5:
                params["q"] = rng.choice(Q_WORDS)
            elif roll < 0.8:
                params["q"] = rng.choice(self.towns)
            else:
                params["q"] = f"{rng.choice(Q_WORDS[:7])} {rng.choice(self.towns)}"
        elif kind == "combined":
            params.update(source_type=rng.choice(SOURCE_TYPES),
                          certainty=rng.choice(CERTAINTY_CUES)[0], figure=rng.choice(FIGURE_TYPES))
        return kind, params


class Tally:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {kind: [] for kind in (*KINDS, "page2")}
        self.errors: dict[str, int] = {kind: 0 for kind in self.latency}
        self.samples: list[str] = []  # a few error descriptions

    def add(self, kind: str, ms: float, error: str | None) -> None:
        self.latency[kind].append(ms)
        if error is not None:
            self.errors[kind] += 1
            if len(self.samples) < 5:
                self.samples.append(f"{kind}: {error}")


async def drive(base: str, token: str, args: argparse.Namespace, towns: Sequence[str]
                ) -> tuple[Tally, float]:
    """Run the clients; the counted requests' tally and the counted seconds."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    # Idle connections are dropped well before uvicorn's keep-alive timeout (5 s), so a request
    # never goes out on a connection the server is closing at that moment.
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients,
                          keepalive_expiry=2.0)
    timeout = httpx.Timeout(args.timeout)
    tally = Tally()
    sent = [0]
    loop = asyncio.get_running_loop()
    start = loop.time()
    counting_from = start + args.warmup
    deadline = counting_from + args.seconds

    async def one(client: httpx.AsyncClient, kind: str, params: dict[str, Any]
                  ) -> dict[str, Any] | None:
        began = loop.time()
        error: str | None = None
        body = None
        try:
            response = await client.get("/api/claims", params=params)
            if response.status_code != 200:
                error = f"HTTP {response.status_code} {response.text[:200]}"
            elif "cursor" not in params and kind != "page2":
                body = response
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        ended = loop.time()
        if began >= counting_from and ended <= deadline:
            tally.add(kind, 1000 * (ended - began), error)
        return body

    async def client_loop(index: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(args.seed * 1000 + index)
        picker = Picker(rng, towns, args.limit)
        if args.think > 0:  # spread the clients' first requests
            await asyncio.sleep(rng.uniform(0, args.think))
        while loop.time() < deadline and sent[0] < args.max_requests:
            kind, params = picker.pick()
            sent[0] += 1
            response = await one(client, kind, params)
            if response is not None and rng.random() < PAGE2_SHARE and loop.time() < deadline:
                cursor = response.json().get("next_cursor")
                if cursor:
                    sent[0] += 1
                    await one(client, "page2", {**params, "cursor": cursor})
            if args.think > 0:
                await asyncio.sleep(rng.uniform(0, 2 * args.think))

    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=timeout) as client:
        await asyncio.gather(*(client_loop(i, client) for i in range(args.clients)))
    counted = min(loop.time(), deadline) - counting_from
    return tally, max(counted, 1e-9)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# --- EXPLAIN ----------------------------------------------------------------------------------


def explain(url: str, towns: Sequence[str], limit: int, seed: int) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of one query of each kind, as ``Store.claims_page`` sends it
    (and of its second page)."""
    from sqlalchemy import event

    from claimscope.store import Store

    lines: list[str] = []
    rng = random.Random(seed)
    picker = Picker(rng, towns, limit)
    chosen: dict[str, dict[str, Any]] = {}
    while len(chosen) < len(KINDS):
        kind, params = picker.pick()
        chosen.setdefault(kind, params)
    with Store.open(url) as store:
        captured: list[tuple[str, Any]] = []

        def _capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            if statement.lstrip().upper().startswith("SELECT") and "FROM claims" in statement:
                captured.append((statement, parameters))

        for kind in KINDS:
            params = dict(chosen[kind])
            page_size = params.pop("limit")
            for page in (1, 2):
                captured.clear()
                event.listen(store.engine, "before_cursor_execute", _capture)
                try:
                    found = store.claims_page(limit=page_size, after=params.get("_after"),
                                              **{k: v for k, v in params.items() if k != "_after"})
                finally:
                    event.remove(store.engine, "before_cursor_execute", _capture)
                if not captured:
                    continue
                statement, parameters = captured[0]
                with store.engine.connect() as conn:
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                                parameters).scalars().all()
                shown = {k: v for k, v in params.items() if k != "_after"}
                lines.append(f"--- {kind} page {page} {shown}")
                lines.extend(f"    {line}" for line in plan)
                if found.next_key is None:
                    break
                params["_after"] = found.next_key
    return lines


# --- driving it -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Bounded load on 127.0.0.1: filtered claim lists from the team server over "
        "a PostgreSQL store of many synthetic claims.")
    parser.add_argument("--url", default=DEFAULT_URL,
                        help="PostgreSQL database (created when missing); the bench works in a "
                        f"schema of its own there (default {DEFAULT_URL}, or CLAIMSCOPE_LOAD_PG)")
    parser.add_argument("--schema", default=None, help="schema name (default load_<claims>)")
    parser.add_argument("--claims", type=int, default=1_000_000, help="claims in the store")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="seconds of load before the measured ones (not counted)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause of a client between requests, seconds (default 1; 0: "
                        "back to back, a saturating closed loop)")
    parser.add_argument("--limit", type=int, default=50, help="claims per page")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, s")
    parser.add_argument("--max-requests", type=int, default=200_000,
                        help="stop after this many requests in all (warm-up included)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a complete store of this size and seed if the schema has one")
    parser.add_argument("--drop", action="store_true", help="drop the schema at the end")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN ANALYZE of one query of each kind")
    parser.add_argument("--plain", action="store_true", help="plain-text table instead of Rich")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.claims < 1 or args.clients < 1 or args.seconds <= 0 or args.limit < 1:
        raise SystemExit("--claims, --clients and --limit must be at least 1, --seconds above 0")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise SystemExit("psycopg is not installed (pip install 'psycopg[binary]')") from None
    target, meta, prepare_s, reused = prepare(args)
    towns = Synth(args.seed, 1).towns[:60]  # the most reported towns
    try:
        token = api_token(target)
        server = Server(target, args.workers)
        try:
            server.wait_ready(token)
            print(f"serving on {server.base}; {args.clients} clients for {args.seconds:g} s "
                  f"(+{args.warmup:g} s warm-up), think {args.think:g} s",
                  file=sys.stderr, flush=True)
            tally, counted = asyncio.run(drive(server.base, token, args, towns))
        finally:
            server_log = server.stop()
        plans = explain(target, towns, args.limit, args.seed) if args.explain else []
    finally:
        if args.drop:
            import psycopg

            with psycopg.connect(_libpq(args.url), autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{args.schema or f"load_{args.claims}"}" '
                             "CASCADE")

    everything = [ms for values in tally.latency.values() for ms in values]
    errors = sum(tally.errors.values())
    filtered = [ms for kind, values in tally.latency.items() if kind != "list" for ms in values]
    rows = []
    per_kind = {}
    for kind, values in tally.latency.items():
        per_kind[kind] = {"count": len(values), "errors": tally.errors[kind],
                          "p50_ms": round(percentile(values, 0.5), 1),
                          "p99_ms": round(percentile(values, 0.99), 1)}
        rows.append([kind, len(values), tally.errors[kind], percentile(values, 0.5),
                     percentile(values, 0.9), percentile(values, 0.99), max(values, default=0.0)])
    rows.append(["all", len(everything), errors, percentile(everything, 0.5),
                 percentile(everything, 0.9), percentile(everything, 0.99),
                 max(everything, default=0.0)])
    print_table(f"GET /api/claims on {meta['claims']:,} claims (PostgreSQL), {args.clients} "
                f"clients, {counted:.0f} s, think {args.think:g} s, {args.limit} per page",
                ["Query", "Requests", "Errors", "p50 ms", "p90 ms", "p99 ms", "max ms"],
                rows, plain=args.plain)
    p99 = percentile(everything, 0.99)
    notes = [
        f"store: {_safe(target)} ({meta['claims']:,} claims, {meta.get('articles', 0):,} "
        f"articles); {'reused' if reused else 'built'} in {prepare_s:.1f} s",
        f"throughput: {len(everything) / counted:.1f} requests/s; p99 {p99:.1f} ms "
        f"(filtered lists only: {percentile(filtered, 0.99):.1f} ms), aim < {AIM_P99_MS:.0f} ms",
        "latency: client-side, send to last byte, on the same machine as the server and the "
        "database (they share its cores)",
    ]
    notes += [f"error: {sample}" for sample in tally.samples]
    if errors and server_log.strip():
        notes.append("server log (tail): " + server_log.strip()[-2000:])
    notes += plans
    print_notes(notes)
    print_final_json({
        "p50_ms": round(percentile(everything, 0.5), 1), "p99_ms": round(p99, 1),
        "errors": errors, "requests": len(everything), "claims": meta["claims"],
        "clients": args.clients, "seconds": round(counted, 1),
        "rps": round(len(everything) / counted, 1), "think_s": args.think,
        "filtered_p99_ms": round(percentile(filtered, 0.99), 1),
        "build_s": None if reused else round(prepare_s, 1), "reused": reused,
        "workers": args.workers, "limit": args.limit, "per_kind": per_kind,
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
