"""What users read off the cross-article record: groups with their roots, ledgers, drift.

Pure functions over member rows (``Member``) the store hands over; nothing here touches the
database, so the same views serve the CLI, the API and tests.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from claimscope.corroborate.quantities import Quantity, Reading, contradicts, same_period
from claimscope.records import Certainty, FigureType, SourceType

CIRCULAR_OUTLETS = 3  # this many outlets (copies counted once) tracing back to a single root
# Weakest to strongest wording; an upgrade is a later report of one root in stronger words.
_STRENGTH = [Certainty.UNVERIFIED_FLAGGED, Certainty.ALLEGED, Certainty.CLAIMED,
             Certainty.ESTIMATED, Certainty.REPORTED, Certainty.ASSERTED, Certainty.CONFIRMED]


@dataclass(frozen=True, slots=True)
class Member:
    """One figure of one claim in one article, with where it comes from."""

    claim_id: str
    group_id: str
    article_id: str
    canonical_article: str  # the article it copies, or itself
    quantity: Quantity
    root_key: str
    root_name: str
    root_type: SourceType
    path: tuple[str, ...]
    outlet: str
    published: datetime | None
    certainty: Certainty
    origin: str
    low: int | None
    best: int | None
    high: int | None
    period_start: date | None
    period_end: date | None
    content: str

    def reading(self) -> Reading:
        return Reading(self.claim_id, self.quantity, self.low, self.best, self.high,
                       self.period_start, self.period_end)


@dataclass(frozen=True, slots=True)
class Root:
    key: str
    name: str
    type: SourceType
    outlets: tuple[str, ...]  # distinct outlets repeating it, copies counted once
    claim_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    quantity: Quantity
    members: tuple[Member, ...]
    roots: tuple[Root, ...]

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o for root in self.roots for o in root.outlets))

    @property
    def independent_roots(self) -> int:
        return len(self.roots)

    @property
    def circular(self) -> bool:
        """Many outlets, one root: repetition that looks like corroboration and is not."""
        return len(self.roots) == 1 and len(self.roots[0].outlets) >= CIRCULAR_OUTLETS


def group(group_id: str, members: list[Member]) -> Group:
    by_root: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        by_root[member.root_key].append(member)
    roots = []
    for key, items in by_root.items():
        # A syndicated copy is its original's outlet again, not another voice.
        outlets = dict.fromkeys(_outlet_of(m, members) for m in items)
        roots.append(Root(key, items[0].root_name, items[0].root_type, tuple(outlets),
                          tuple(dict.fromkeys(m.claim_id for m in items))))
    roots.sort(key=lambda r: (-len(r.outlets), r.name))
    return Group(group_id, members[0].quantity, tuple(members), tuple(roots))


def _outlet_of(member: Member, members: list[Member]) -> str:
    if member.canonical_article == member.article_id:
        return member.outlet
    original = next((m for m in members if m.article_id == member.canonical_article), None)
    return original.outlet if original else f"copy of {member.canonical_article}"


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One root's statement of a figure: its first report, and every article repeating it."""

    member: Member  # the earliest body report of this root's figure
    outlets: tuple[str, ...]  # outlets carrying it, copies counted once
    claim_ids: tuple[str, ...]  # every claim repeating it, headlines included
    contradicted_by: tuple[str, ...]  # claim ids of incompatible figures for the same period


@dataclass(frozen=True, slots=True)
class Ledger:
    figure_type: FigureType
    rows: tuple[LedgerRow, ...]
    low: int | None
    best: int | None
    high: int | None
    derivation: str


def ledger(figure_type: FigureType, members: list[Member]) -> Ledger:
    """Every claimant's figure side by side, oldest first, one row per root statement (a root's
    figure in one claim group); contradictions marked; one derived range over independent
    roots (each root's latest figure), saying how it was derived."""
    members = sorted((m for m in members if m.quantity.figure_type is figure_type),
                     key=lambda m: (m.published or datetime.min, m.origin != "body", m.claim_id))
    statements: dict[tuple[str, str], list[Member]] = defaultdict(list)
    for member in members:
        statements[(member.group_id, member.root_key)].append(member)
    firsts = {key: next((m for m in items if m.origin == "body"), items[0])
              for key, items in statements.items()}
    rows = []
    for key, items in statements.items():
        first = firsts[key]
        against = [other for okey, other in firsts.items() if okey != key
                   and contradicts(first.reading(), other.reading())]
        rows.append(LedgerRow(first, tuple(dict.fromkeys(_outlet_of(m, members) for m in items)),
                              tuple(m.claim_id for m in items),
                              tuple(m.claim_id for o in against
                                    for m in statements[(o.group_id, o.root_key)])))
    rows.sort(key=lambda r: (r.member.published or datetime.min, r.member.claim_id))
    return Ledger(figure_type, tuple(rows), *_derived(rows))


def _derived(rows: list[LedgerRow]) -> tuple[int | None, int | None, int | None, str]:
    """One range for the period most independent roots speak of (figures for different
    periods are never pooled): best = median of each root's latest figure for it, low / high =
    the lowest low and the highest high (open when any root's is)."""
    periods: list[list[Member]] = []
    for row in rows:
        home = next((p for p in periods if same_period(p[0].reading(), row.member.reading())
                     or p[0].period_start is None and row.member.period_start is None), None)
        (home if home is not None else periods.append([]) or periods[-1]).append(row.member)
    if not periods:
        return None, None, None, "no figure with a value"
    chosen = max(periods, key=lambda p: (len({m.root_key for m in p}), p[-1].published or datetime.min))
    latest = {m.root_key: m for m in chosen}
    bests = [m.best for m in latest.values() if m.best is not None]
    if not bests:
        return None, None, None, "no figure with a value"
    # "no more than 20" has no low of its own: its bound is the figure itself.
    lows = [m.low if m.low is not None else m.best for m in latest.values()]
    highs = [m.high for m in latest.values()]
    first = chosen[0]
    when = "period unknown" if first.period_start is None else f"{first.period_start} to {first.period_end}"
    sources = ", ".join(f"{m.root_name} {m.best}" for m in latest.values())
    derivation = (f"for {when}, the period most independent roots speak of: best is the median of "
                  f"{len(bests)} root(s)' latest figures ({sources}); low / high are their lowest "
                  f"low and highest high")
    high = None if any(h is None for h in highs) else max(highs)
    return min(v for v in lows if v is not None), int(median(bests)), high, derivation


@dataclass(frozen=True, slots=True)
class Upgrade:
    root: str
    before: Member
    after: Member


def certainty_upgrades(members: list[Member]) -> list[Upgrade]:
    """A root's figure reported later, by another outlet, in more certain words than the
    root's first report ("claimed" becomes "confirmed" in repetition)."""
    upgrades = []
    by_root: dict[str, list[Member]] = defaultdict(list)
    for member in sorted(members, key=lambda m: (m.published or datetime.min, m.claim_id)):
        if member.certainty in _STRENGTH:
            by_root[member.root_key].append(member)
    for key, items in by_root.items():
        first = items[0]
        for later in items[1:]:
            if later.outlet != first.outlet and _STRENGTH.index(later.certainty) > _STRENGTH.index(first.certainty):
                upgrades.append(Upgrade(first.root_name, first, later))
    return upgrades


def row_flags(found: Ledger, row: LedgerRow, upgrades: list[Upgrade]) -> list[str]:
    """What a reader should notice about a ledger row: contradictions, a later upgrade of its
    certainty, circular repetition (three or more outlets, the group's only root)."""
    flags = []
    if row.contradicted_by:
        against = sum(1 for other in found.rows if set(other.claim_ids) & set(row.contradicted_by))
        flags.append(f"contradicts {against} row(s)")
    if {u.after.claim_id for u in upgrades} & set(row.claim_ids):
        flags.append("certainty upgraded later")
    roots = {r.member.root_key for r in found.rows if r.member.group_id == row.member.group_id}
    if len(row.outlets) >= CIRCULAR_OUTLETS and len(roots) == 1:
        flags.append("circular")
    return flags
