"""Headline drift: a headline that says more than the body it restates.

"Eight Officers Die" over "eight people died, including senior officers": same number, but the
headline counts officers where the body counts people. Figures are compared by type and value,
then by the word each counts (the noun after the number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimscope.records import Claim, Figure

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
# Words that end the counted phrase: what happened to them, or where.
_PREDICATES = {"dead", "die", "dies", "died", "killed", "kill", "wounded", "injured", "hurt",
               "missing", "captured", "arrested", "detained", "deserted", "fled", "in", "at", "on",
               "after", "as", "near", "were", "was", "are", "is", "have", "has", "had", "confirmed",
               "reported", "feared", "said", "killing", "wounding"}
_SKIP = {"more", "than", "at", "least", "about", "some", "nearly", "almost", "over", "up", "to",
         "of", "the", "other", "senior", "young", "foreign", "local", "north", "south", "korean",
         "russian", "ukrainian"}


@dataclass(frozen=True, slots=True)
class Drift:
    article_id: str
    headline: Claim
    body: Claim
    reason: str


def headline_drift(headline: Claim, body: Claim) -> Drift | None:
    for figure in headline.figures:
        same_type = [f for f in body.figures if f.type == figure.type]
        if not same_type:
            return Drift(headline.article_id, headline, body,
                         f"headline counts {figure.type.value}; the body gives no such figure")
        match = same_type[0]
        if (figure.low, figure.best, figure.high) != (match.low, match.best, match.high):
            return Drift(headline.article_id, headline, body,
                         f"headline says {figure.best} {figure.type.value}, body {match.best}")
        said, counted = _counted(headline, figure), _counted(body, match)
        if said and counted and _kind(said) != _kind(counted):
            return Drift(headline.article_id, headline, body,
                         f"headline counts {said.lower()}, body counts {counted.lower()}")
    return None


def _counted(claim: Claim, figure: Figure) -> str | None:
    """The noun a figure counts: the first content word after the number, when one comes
    before the verb ("Eight Officers Die"; none in "Six dead in drone strike")."""
    offset = figure.span.end - claim.content.start
    if not 0 <= offset <= len(claim.content.text):
        return None
    for word in _WORD.findall(claim.content.text[offset:])[:4]:
        lowered = word.lower()
        if lowered in _PREDICATES:
            return None
        if lowered not in _SKIP:
            return word
    return None


# Words for the same people: "troops" in a headline over "soldiers" in the body is no drift.
_SAME_PEOPLE = [
    {"soldier", "troop", "serviceman", "servicemen", "fighter", "force", "personnel", "trooper",
     "infantryman", "infantrymen", "marine", "conscript"},
    {"people", "person", "individual"},
    {"civilian", "resident", "local", "villager", "inhabitant"},
    {"child", "children", "kid", "minor"},
]


def _kind(word: str) -> str:
    singular = _singular(word)
    for index, words in enumerate(_SAME_PEOPLE):
        if singular in words or word.lower() in words:
            return f"class{index}"
    return singular


def _singular(word: str) -> str:
    word = word.lower()
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
