"""Copies of one article (syndication, wire copies, light rewrites), found with MinHash.

Each article's body becomes word 5-shingles and a MinHash signature (datasketch). The signature
is cut into bands; articles sharing a band's hash are candidates (locality-sensitive hashing),
and a candidate whose estimated Jaccard similarity reaches ``THRESHOLD`` is a copy. Band hashes
are stored in the database, so finding the copies of a new article is a few indexed lookups
however large the store grows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from datasketch import LeanMinHash, MinHash

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: pairs at Jaccard 0.8 share a band with probability ~1
ROWS = NUM_PERM // BANDS
THRESHOLD = 0.7  # estimated Jaccard of 5-shingles: a trimmed or retitled wire copy stays above
SHINGLE = 5
_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 1


@dataclass(frozen=True, slots=True)
class Signature:
    article_id: str
    minhash: LeanMinHash

    def bands(self) -> list[tuple[int, str]]:
        """(band number, hash of that band's rows): the keys stored for candidate lookup."""
        values = self.minhash.hashvalues
        return [(band, hashlib.blake2b(values[band * ROWS:(band + 1) * ROWS].tobytes(),
                                       digest_size=8).hexdigest())
                for band in range(BANDS)]

    def similarity(self, other: Signature) -> float:
        return float(self.minhash.jaccard(other.minhash))

    def to_bytes(self) -> bytes:
        return self.minhash.hashvalues.astype("<u8").tobytes()


def signature(article_id: str, text: str) -> Signature:
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED)
    minhash.update_batch([" ".join(s).encode("utf-8") for s in shingles(text)])
    return Signature(article_id, LeanMinHash(minhash))


def from_bytes(article_id: str, data: bytes) -> Signature:
    import numpy as np

    values = np.frombuffer(data, dtype="<u8").astype(np.uint64)
    return Signature(article_id, LeanMinHash(seed=_SEED, hashvalues=values, scheme=_scheme()))


@lru_cache(maxsize=1)
def _scheme() -> str:
    """The hashing scheme of this datasketch version's MinHash: stored values only compare
    with values made the same way."""
    return MinHash(num_perm=NUM_PERM, seed=_SEED).scheme


def shingles(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def best_original(new: Signature, candidates: Iterable[Signature]) -> tuple[str, float] | None:
    """The earlier article ``new`` copies (most similar above the threshold), if any."""
    scored = [(c.article_id, new.similarity(c)) for c in candidates if c.article_id != new.article_id]
    scored = [item for item in scored if item[1] >= THRESHOLD]
    return max(scored, key=lambda item: item[1]) if scored else None
