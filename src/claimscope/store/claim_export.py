"""Claims as exported (CLI ``export``, API ``/api/export/claims``): reviewed where reviewed.

Each claim goes out with its latest corrections applied and its review state: JSON lines get a
``review`` object ({status, version, corrections}), tables the columns ``review_status``,
``review_version`` and ``review_corrections`` (JSON). Which claims go out is the caller's
filter: ``reviewed=True`` for reviewed claims only, as ``--reviewed-only`` asks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from claimscope.records import to_plain
from claimscope.store.frame import ClaimRow, claims_frame
from claimscope.store.pages import ClaimEntry

REVIEW_COLUMNS = ["review_status", "review_version", "review_corrections"]


def review_plain(entry: ClaimEntry) -> dict[str, Any]:
    reviewed = entry.reviewed
    return {"status": reviewed.status, "version": reviewed.version,
            "corrections": reviewed.corrections}


def jsonl_record(entry: ClaimEntry) -> dict[str, Any]:
    return {**to_plain(entry.reviewed.claim), "review": review_plain(entry)}


def jsonl_lines(entries: Iterable[ClaimEntry]) -> Iterator[str]:
    for entry in entries:
        yield json.dumps(jsonl_record(entry), ensure_ascii=False) + "\n"


def frame(entries: Iterable[ClaimEntry]) -> pd.DataFrame:
    entries = list(entries)
    table = claims_frame(ClaimRow(e.reviewed.claim, e.article_title, e.outlet, e.published)
                         for e in entries)
    table["review_status"] = pd.Series([e.reviewed.status for e in entries], dtype="object")
    table["review_version"] = pd.Series([e.reviewed.version for e in entries], dtype="int64")
    table["review_corrections"] = pd.Series(
        [json.dumps(e.reviewed.corrections, ensure_ascii=False) if e.reviewed.corrections else ""
         for e in entries], dtype="object")
    return table
