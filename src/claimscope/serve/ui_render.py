"""Article text cut into highlighted segments, and small text helpers for the templates.

Article text is untrusted. Nothing here builds HTML: ``segments`` returns plain strings with
the roles that cover them, and the template writes each one through Jinja's autoescaping
(never ``|safe``), so ``<script>`` in an article stays text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from claimscope.cli_render import figure_text
from claimscope.records import Claim, TextSpan, TimeExpr

ROLES = ("content", "source", "cue")  # the legend's order


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    roles: tuple[str, ...]  # of ROLES, in their order; empty for plain text
    claims: tuple[int, ...]  # 1-based numbers of the claims whose spans cover it

    @property
    def css(self) -> str:
        return " ".join(f"hl-{role}" for role in self.roles)

    @property
    def claim_refs(self) -> str:
        return " ".join(f"claim-{n}" for n in self.claims)

    @property
    def title(self) -> str:
        return ", ".join(f"claim {n}" for n in self.claims)


def role_spans(claim: Claim) -> list[tuple[str, TextSpan]]:
    found = [("content", claim.content), ("source", claim.source.span), ("cue", claim.cue)]
    return [(role, span) for role, span in found if span is not None]


def segments(text: str, claims: Iterable[Claim], field: str = "text") -> list[Segment]:
    """``text`` cut at every span boundary of the claims' source / cue / content in ``field``;
    each piece carries the roles and claims covering it. Spans outside the text are clipped."""
    marks: list[tuple[int, int, str, int]] = []
    for number, claim in enumerate(claims, 1):
        for role, span in role_spans(claim):
            if span.field != field:
                continue
            start, end = max(0, span.start), min(len(text), span.end)
            if start < end:
                marks.append((start, end, role, number))
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m[0] <= start and end <= m[1]]
        roles = tuple(role for role in ROLES if any(m[2] == role for m in covering))
        numbers = tuple(sorted({m[3] for m in covering}))
        pieces.append(Segment(text[start:end], roles, numbers))
    return pieces


def figures_text(claim_or_event) -> list[str]:
    return [figure_text(figure) for figure in claim_or_event.figures]


def time_text(time: TimeExpr) -> str:
    dates = " to ".join(str(d) for d in dict.fromkeys(d for d in (time.start, time.end) if d)) or "undated"
    note = f"; {time.note}" if time.note else ""
    return f"“{time.span.text}” = {dates} ({time.precision.value}{note})"


def short(text: str | None, width: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
