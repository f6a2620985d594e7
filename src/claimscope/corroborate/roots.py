"""Who a claim comes from in the end: its root source and the path it travelled.

"Outlet B, citing Outlet A, reported ... according to the intelligence service" has the
intelligence service as root, Outlet A as intermediary and Outlet B as the outlet. Corroboration
counts roots, not the outlets repeating them. Root names are keyed so spelling variants meet:
"Ukraine's military intelligence", "HUR" and "GUR" name one root through the actor table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from claimscope.records import Actor, ActorRole, Article, Claim, SourceType

_DETERMINERS = re.compile(r"^(the|a|an)\s+", re.I)
_PUNCT = re.compile(r"[^\w\s]")
# "Ukraine's military intelligence agency" is the speaker the table knows without "agency".
_TRAILING = re.compile(r"\s+(agency|service|office|directorate|spokesperson|spokesman|spokeswoman|press service)$", re.I)
_CROWDS = {ActorRole.CIVILIANS, ActorRole.PROTESTERS, ActorRole.RIOTERS}


@dataclass(frozen=True, slots=True)
class Provenance:
    root_key: str  # what roots are compared by
    root_name: str  # as written, for people
    root_type: SourceType
    path: tuple[str, ...]  # root, intermediaries and channels, then the outlet
    outlet: str


def provenance(claim: Claim, article: Article) -> Provenance:
    outlet = article.outlet or article.url or article.id
    if claim.source.type is SourceType.OUTLET:
        return Provenance(root_key(outlet), outlet, SourceType.OUTLET, (outlet,), outlet)
    path = tuple(link.name for link in claim.chain if link.role != "outlet") or (claim.source.name,)
    return Provenance(root_key(claim.source.name), claim.source.name, claim.source.type,
                      path + (outlet,), outlet)


def root_key(name: str) -> str:
    """A name's key: the actor table's normalised name where it knows the speaker, else the
    words in lower case without determiners, possessives or punctuation."""
    known = _known_actor(name) or _known_actor(_TRAILING.sub("", name))
    if known:
        return known.lower()
    text = _DETERMINERS.sub("", name.strip())
    text = text.replace("’s", "").replace("'s", "")
    return " ".join(_PUNCT.sub(" ", text).lower().split())


@lru_cache(maxsize=4096)
def _known_actor(name: str) -> str | None:
    from claimscope.resolve.actors import ActorTable  # loaded once, only when roots are keyed

    resolved = ActorTable.default().resolve(Actor(name, None))
    # Crowds are not one speaker: "residents" and "protesters" keep their own words.
    if resolved.name is None or resolved.role in _CROWDS:
        return None
    return resolved.name
