"""The review side of the UI: statuses for lists, the status filter, and review forms turned
into ``Store.review`` calls.

Reviews are the store's (``store/reviews.py``): every action is a new version with who, when and
why, and nothing is overwritten. Here forms become values and values become readable text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import aliased
from starlette.datastructures import FormData

from claimscope.records import Claim
from claimscope.store import Store
from claimscope.store import reviews as store_reviews
from claimscope.store.schema import claim_reviews, claims

STATUSES = ("unreviewed", "accepted", "rejected", "corrected")
_ACTION_OF = {"accepted": "accept", "rejected": "reject", "corrected": "correct"}
# What the review page offers to correct, in its order, with a label.
FIELDS = {
    "certainty": "certainty",
    "source_name": "source name",
    "source_type": "source type",
    "figure": "figure (low / best / high)",
    "place": "place",
    "date": "date",
    "content": "content span",
}


def statuses(store: Store, claim_ids: list[str]) -> dict[str, str]:
    """Claim id -> status (unreviewed where absent)."""
    if not claim_ids:
        return {}
    with store.engine.connect() as conn:
        found = store_reviews.histories(conn, claim_ids)
    return {cid: store_reviews.STATUS[past[-1].action] for cid, past in found.items() if past}


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(claims)).scalar_one()
        reviewed = conn.execute(select(func.count()).select_from(claims).where(
            exists().where(claim_reviews.c.claim_id == claims.c.id))).scalar_one()
    return {"reviewed": reviewed, "unreviewed": total - reviewed}


def status_condition(status: str | None) -> ColumnElement[bool] | None:
    """Claims whose latest review gives ``status`` (``unreviewed``: none at all)."""
    if status is None:
        return None
    if status == "unreviewed":
        return ~exists().where(claim_reviews.c.claim_id == claims.c.id)
    later = aliased(claim_reviews)
    return exists().where(
        claim_reviews.c.claim_id == claims.c.id,
        claim_reviews.c.action == _ACTION_OF[status],
        ~exists().where(later.c.claim_id == claim_reviews.c.claim_id,
                        later.c.version > claim_reviews.c.version),
    )


def current(store: Store, claim_id: str, original: Claim) -> Any:
    """The claim as reviewed (corrections applied, with status and corrections)."""
    found = store.reviewed_claim(claim_id)
    return found if found is not None else store_reviews.reviewed(original, [])


def history(store: Store, claim_id: str) -> list[Any]:
    return list(store.reviews(claim_id))


def apply(store: Store, claim_id: str, user: Any, form: FormData) -> str | None:
    """Record the review a form asks for; a problem to show the reviewer, or None."""
    action = _text(form, "action")
    reason = _text(form, "reason")
    try:
        if action in ("accept", "reject"):
            store.review(claim_id, user, action, reason=reason)
            return None
        if action != "correct":
            return "Choose accept, reject or correct."
        field = _text(form, "field")
        if field not in FIELDS:
            return "Choose a field to correct."
        store.review(claim_id, user, "correct", field=field, value=_value(field, form), reason=reason)
    except store_reviews.ReviewError as exc:
        return str(exc)[:1].upper() + str(exc)[1:] + "."
    except store_reviews.ClaimNotFound:
        return "No claim has that id."
    except _FormError as exc:
        return str(exc)
    return None


class _FormError(ValueError):
    pass


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(form: FormData, name: str, kind: type = int) -> Any:
    raw = _text(form, name).replace(",", "").replace("_", "")
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise _FormError(f"{name.replace('_', ' ')}: “{raw}” is not a number.") from None


def _value(field: str, form: FormData) -> Any:
    if field in ("certainty", "source_type", "source_name", "content"):
        return _text(form, field) or None
    if field == "figure":
        return {"type": _text(form, "figure_type"), "low": _number(form, "low"),
                "best": _number(form, "best"), "high": _number(form, "high"),
                "approx": form.get("approx") == "on"}
    if field == "place":
        return {"name": _text(form, "place_name"), "country": _text(form, "country") or None,
                "latitude": _number(form, "latitude", float), "longitude": _number(form, "longitude", float)}
    return {"start": _text(form, "start"), "end": _text(form, "end") or None,
            "precision": _text(form, "precision") or None}


def value_text(field: str | None, value: Any) -> str:
    """A stored review value, readable."""
    if value is None:
        return "—"
    if not isinstance(value, dict):
        return str(value)
    if field == "figure":
        numbers = "/".join("?" if value.get(k) is None else f"{value[k]:,}" for k in ("low", "best", "high"))
        return f"{value.get('type')}: {numbers} (low/best/high){' approx.' if value.get('approx') else ''}"
    if field == "place":
        where = ", ".join(str(v) for v in (value.get("name"), value.get("country")) if v)
        if value.get("latitude") is not None:
            where += f" ({value['latitude']:.4f}, {value['longitude']:.4f})"
        return where
    if field == "date":
        span = value.get("start", "?") + (f" to {value['end']}" if value.get("end") not in (None, value.get("start")) else "")
        return f"{span} ({value.get('precision')})"
    if field == "content":
        return f"“{value.get('text', '')}” [{value.get('start')}–{value.get('end')}]"
    return ", ".join(f"{k}: {v}" for k, v in value.items())
