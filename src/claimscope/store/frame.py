"""Claims as a flat table: one row per claim, for pandas, CSV and Parquet.

Columns, in order:

- claim and article: ``id``, ``article_id``, ``article_title``, ``outlet``, ``published`` (ISO
  text as stored, zone kept), ``origin``, ``kind``;
- attribution: ``source_name``, ``source_type``, ``source_description``, ``channel``, ``cue``,
  ``certainty``, ``confidence``, ``restates``;
- ``content``, ``content_start``, ``content_end``, ``content_field``;
- ``chain``, ``times``, ``figures``: JSON text holding the full lists, so nothing is lost;
- for every figure type in ``FigureType`` (``killed``, ``wounded``, ...): ``<type>_low``,
  ``<type>_best``, ``<type>_high`` (nullable integers), ``<type>_approx`` (nullable boolean)
  and ``<type>_qualifier``, taken from the claim's *first* figure of that type (``figures``
  has the rest). The columns exist even when empty, so every export has the same schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

import pandas as pd

from claimscope.records import Claim, Figure, FigureType, to_plain

FIGURE_FIELDS = {"low": "Int64", "best": "Int64", "high": "Int64", "approx": "boolean"}


class ClaimRow(NamedTuple):
    claim: Claim
    article_title: str | None
    outlet: str | None
    published: str | None


def claims_frame(rows: Iterable[ClaimRow]) -> pd.DataFrame:
    frame = pd.DataFrame([_flat(row) for row in rows], columns=_columns())
    return frame.astype(_dtypes())


def _columns() -> list[str]:
    base = [
        "id", "article_id", "article_title", "outlet", "published", "origin", "kind",
        "source_name", "source_type", "source_description", "channel", "cue", "certainty",
        "confidence", "restates", "content", "content_start", "content_end", "content_field",
        "chain", "times", "figures",
    ]  # fmt: skip
    return base + [f"{kind.value}_{field}" for kind in FigureType for field in _figure_fields()]


def _figure_fields() -> list[str]:
    return [*FIGURE_FIELDS, "qualifier"]


def _dtypes() -> dict[str, str]:
    dtypes = {"content_start": "int64", "content_end": "int64", "confidence": "float64"}
    for kind in FigureType:
        dtypes |= {f"{kind.value}_{field}": dtype for field, dtype in FIGURE_FIELDS.items()}
    return dtypes


def _flat(row: ClaimRow) -> dict[str, Any]:
    claim = row.claim
    plain = to_plain(claim)
    flat = {
        "id": claim.id,
        "article_id": claim.article_id,
        "article_title": row.article_title,
        "outlet": row.outlet,
        "published": row.published,
        "origin": claim.origin.value,
        "kind": claim.kind.value,
        "source_name": claim.source.name,
        "source_type": claim.source.type.value,
        "source_description": claim.source.description,
        "channel": claim.channel,
        "cue": claim.cue.text if claim.cue else None,
        "certainty": claim.certainty.value,
        "confidence": claim.confidence,
        "restates": claim.restates,
        "content": claim.content.text,
        "content_start": claim.content.start,
        "content_end": claim.content.end,
        "content_field": claim.content.field,
        **{
            name: json.dumps(plain[name], ensure_ascii=False)
            for name in ("chain", "times", "figures")
        },
    }
    for figure in reversed(claim.figures):  # reversed: the first of each type is written last
        flat |= _figure_columns(figure)
    return flat


def _figure_columns(figure: Figure) -> dict[str, Any]:
    prefix = figure.type.value
    return {f"{prefix}_{field}": getattr(figure, field) for field in _figure_fields()}
