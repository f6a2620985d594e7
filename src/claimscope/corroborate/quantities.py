"""What a figure claim counts, and when two figures can be the same claim or contradict.

A quantity is a figure type (labels.md: killed, wounded and casualties are never the same
quantity), whose people (the country of the counted actor) and where (the country of the place).
Two figures of one quantity are *compatible* when their low-high ranges meet (with a margin for
rounding: "about 100" and "over 90") and their periods can be the same; they *contradict* when
their periods are the same and their ranges are far apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from claimscope.records import Claim, Event, Figure, FigureType

UNKNOWN = "?"
_MARGIN = 0.15  # relative slack between ranges: 100 and 110 can be one figure, rounded
_PERIOD_SLACK = timedelta(days=3)
_SMALL_SLACK = 2  # "at least five" and "six" can be one toll; 5 and 100 cannot
_COUNTED_BY_ACTOR1 = {FigureType.DEPLOYED, FigureType.DESERTED}


@dataclass(frozen=True, slots=True)
class Quantity:
    figure_type: FigureType
    who: str  # ISO country of the counted people, or "?"
    where: str  # ISO country of the place, or "?"

    @property
    def block(self) -> str:
        return f"{self.figure_type.value}|{self.who}|{self.where}"


@dataclass(frozen=True, slots=True)
class Reading:
    """One figure of one claim, placed in time: the row a ledger shows."""

    claim_id: str
    quantity: Quantity
    low: int | None
    best: int | None
    high: int | None
    period_start: date | None
    period_end: date | None

    @property
    def bounds(self) -> tuple[float, float]:
        values = [v for v in (self.low, self.best, self.high) if v is not None]
        low = self.low if self.low is not None else min(values)
        high = self.high if self.high is not None else float("inf")
        return float(low), float(high)


def readings(claim: Claim, events: list[Event]) -> list[Reading]:
    """The claim's figures with a value, each with its quantity and period."""
    found = []
    for figure in claim.figures:
        if figure.low is None and figure.best is None and figure.high is None:
            continue  # "heavy losses": nothing to compare
        event = next((e for e in events if any(f.span == figure.span for f in e.figures)), None)
        event = event or (events[0] if events else None)
        start, end = _period(claim, event)
        found.append(Reading(claim.id, quantity_of(figure, event), figure.low, figure.best,
                             figure.high, start, end))
    return found


def quantity_of(figure: Figure, event: Event | None) -> Quantity:
    if event is None:
        return Quantity(figure.type, UNKNOWN, UNKNOWN)
    if figure.type in _COUNTED_BY_ACTOR1:
        counted = [event.actor1]
    else:
        counted = [*event.targets, event.actor2, event.actor1]
    who = next((a.country for a in counted if a is not None and a.country), UNKNOWN)
    where = event.place.country if event.place is not None and event.place.country else UNKNOWN
    return Quantity(figure.type, who, where)


def _period(claim: Claim, event: Event | None) -> tuple[date | None, date | None]:
    if event is not None and event.time.start is not None:
        return event.time.start, event.time.end or event.time.start
    dated = [t for t in claim.times if t.start is not None]
    if dated:
        return dated[0].start, dated[0].end or dated[0].start
    return None, None


def periods_overlap(a: Reading, b: Reading) -> bool | None:
    """True when both periods are known and overlap, False when known and apart, None when
    either is unknown."""
    if a.period_start is None or b.period_start is None:
        return None
    a_end, b_end = a.period_end or a.period_start, b.period_end or b.period_start
    return a.period_start <= b_end + _PERIOD_SLACK and b.period_start <= a_end + _PERIOD_SLACK


def same_period(a: Reading, b: Reading) -> bool | None:
    """Overlapping periods of about the same length: a tally "since January" covers a week in
    March but is not a figure for that week."""
    overlap = periods_overlap(a, b)
    if not overlap:
        return overlap
    a_days = (a.period_end or a.period_start) - a.period_start
    b_days = (b.period_end or b.period_start) - b.period_start
    return max(a_days, b_days).days + 1 <= 2 * (min(a_days, b_days).days + 1) + _PERIOD_SLACK.days


def ranges_meet(a: Reading, b: Reading) -> bool:
    (a_low, a_high), (b_low, b_high) = a.bounds, b.bounds
    return a_low <= b_high * (1 + _MARGIN) and b_low <= a_high * (1 + _MARGIN)


def close_bests(a: Reading, b: Reading) -> bool:
    """The figures' central values agree within rounding: "at least 5" and "about 100" do not
    contradict each other, but they are not the same figure either."""
    if a.best is None or b.best is None:
        return True
    return abs(a.best - b.best) <= max(_SMALL_SLACK, _MARGIN * max(a.best, b.best))


def compatible(a: Reading, b: Reading) -> bool:
    """Can be the same figure: same quantity, ranges meet, central values agree, periods not
    known to differ."""
    return (a.quantity == b.quantity and ranges_meet(a, b) and close_bests(a, b)
            and periods_overlap(a, b) is not False)


def contradicts(a: Reading, b: Reading) -> bool:
    """Incompatible values for the same quantity over the same known period."""
    return a.quantity == b.quantity and same_period(a, b) is True and not ranges_meet(a, b)
