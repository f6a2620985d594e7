"""Certainty of a claim's wording: the labels.md decision procedure, first match wins.

1 unverified_flagged, 2 denied, 3 hedges (alleged > claimed > estimated > reported),
4 the ultimate source's own verb, 5 a relay's verb only (reported), 6 the outlet (asserted).
Conjecture is speculative. This is about wording; the extractor's confidence is kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimscope.extract import lexicon
from claimscope.records import Certainty

_HEDGE_ORDER = [Certainty(name) for name, _ in lexicon.HEDGES]


@dataclass(frozen=True, slots=True)
class Wording:
    """What the certainty decision needs to know about one claim's wording."""

    clause_lemmas: frozenset[str]  # lemmas of the content and the cue's own clause
    clause_text: str  # lower-cased text of the whole sentence
    cue_lemma: str | None  # None for the outlet's own statement
    negated: bool = False
    disclaimed: bool = False  # a verification disclaimer covers this claim
    relay_only: bool = False  # the only verb belongs to a relay ("an outlet reported, citing ...")
    conjecture: bool = False


def decide(wording: Wording) -> Certainty:
    if wording.disclaimed or _unverified(wording):
        return Certainty.UNVERIFIED_FLAGGED
    if wording.cue_lemma in lexicon.DENYING and not wording.negated:
        return Certainty.DENIED
    if wording.conjecture:
        return Certainty.SPECULATIVE
    hedge = _strongest_hedge(wording)
    if hedge is not None:
        return hedge
    if wording.relay_only:
        return Certainty.REPORTED
    if wording.cue_lemma is None:
        return Certainty.ASSERTED
    if wording.cue_lemma in lexicon.CONFIRMING:
        return Certainty.ASSERTED if wording.negated else Certainty.CONFIRMED
    if wording.cue_lemma in lexicon.REPORTING:
        return Certainty.REPORTED
    if wording.cue_lemma in {"estimate", "believe", "assess", "suggest", "think", "fear", "predict"}:
        return Certainty.ESTIMATED
    if wording.cue_lemma in {"claim"}:
        return Certainty.CLAIMED
    if wording.cue_lemma in {"allege", "accuse"}:
        return Certainty.ALLEGED
    return Certainty.ASSERTED


def _unverified(wording: Wording) -> bool:
    if any(phrase in wording.clause_text for phrase in lexicon.UNVERIFIED_PHRASES):
        return True
    # "did not confirm" / "could not verify": the source declines to vouch for it.
    return wording.negated and wording.cue_lemma in {"confirm", "verify", "corroborate"}


def _strongest_hedge(wording: Wording) -> Certainty | None:
    found: list[Certainty] = []
    lemmas = set(wording.clause_lemmas)
    if wording.cue_lemma:
        lemmas.add(wording.cue_lemma)
    for name, words in lexicon.HEDGES:
        if lemmas & words:
            found.append(Certainty(name))
    if any(phrase in wording.clause_text for phrase in lexicon.REPORTED_PHRASES):
        found.append(Certainty.REPORTED)
    if not found:
        return None
    return min(found, key=_HEDGE_ORDER.index)
