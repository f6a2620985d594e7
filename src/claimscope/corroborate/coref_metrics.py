"""Coreference scores: MUC, B-cubed, CEAF-e, CoNLL F1, LEA, and the source-count error.

A *clustering* is a collection of clusters, each a set of hashable mention keys. ``key`` is the
gold clustering, ``response`` the system's. Singletons are kept (each singleton cluster counts
like any other), as in the CoNLL-2012 reference scorer run on gold mentions. Every score is
returned as recall, precision and F1 on a 0-1 scale; :func:`evaluate` gives 0-100.

* **MUC** (Vilain et al. 1995): recall = sum over key clusters K of (|K| - |p(K)|) divided by
  sum of (|K| - 1), where p(K) is the partition of K by the response (a key mention missing from
  the response is a part of its own). Precision swaps key and response. Clusterings made only of
  singletons have no links: the score is 0, as in the reference scorer.
* **B-cubed** (Bagga and Baldwin 1998): recall = sum over K, R of |K & R|^2 / |K|, divided by the
  number of key mentions; precision = the same with / |R|, divided by the response mentions.
* **CEAF-e** (Luo 2005, entity-based phi4): phi4(K, R) = 2 |K & R| / (|K| + |R|); the best
  one-to-one alignment of key and response clusters (Kuhn-Munkres) gives the total similarity,
  divided by the number of key clusters (recall) and of response clusters (precision).
* **CoNLL F1**: the mean of the MUC, B-cubed and CEAF-e F1.
* **LEA** (Moosavi and Strube 2016): recall = sum over K of |K| * resolved(K) / sum of |K|, where
  resolved(K) is the share of the |K|(|K|-1)/2 links of K that some response cluster also holds;
  a singleton key cluster has one self-link, resolved when the response also has the mention
  alone. Precision swaps key and response.
* **Source count** (``shared/benchmarks/README.md``, ECB+ product metric): for every gold
  cluster whose mentions come from two or more documents, the best-matching response cluster
  is the one sharing most mentions with it (ties: higher Jaccard overlap, then fewer documents);
  the error is the difference of their numbers of distinct documents. Reported as mean absolute
  error and exact-match rate over those gold clusters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Cluster = frozenset
Clustering = Sequence[frozenset]


@dataclass(frozen=True, slots=True)
class PRF:
    recall: float
    precision: float

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total else 0.0


def as_clusters(clusters: Iterable[Iterable[Hashable]]) -> list[frozenset]:
    """Frozen, non-empty clusters; a mention may stand in one cluster only."""
    out: list[frozenset] = []
    seen: set = set()
    for cluster in clusters:
        members = frozenset(cluster)
        if not members:
            continue
        if seen & members:
            raise ValueError(f"mentions in two clusters: {sorted(map(str, seen & members))[:3]}")
        seen |= members
        out.append(members)
    return out


def clusters_from_labels(keys: Sequence[Hashable], labels: Sequence[Hashable]) -> list[frozenset]:
    """Clusters from one label per mention (mentions with equal labels share a cluster)."""
    groups: dict[Hashable, set] = defaultdict(set)
    for key, label in zip(keys, labels, strict=True):
        groups[label].add(key)
    return [frozenset(group) for group in groups.values()]


def _index(clusters: Clustering) -> dict[Hashable, int]:
    return {mention: i for i, cluster in enumerate(clusters) for mention in cluster}


def _overlaps(key: Clustering, response: Clustering) -> dict[tuple[int, int], int]:
    where = _index(response)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for i, cluster in enumerate(key):
        for mention in cluster:
            j = where.get(mention)
            if j is not None:
                counts[i, j] += 1
    return counts


def _muc_side(key: Clustering, response: Clustering) -> float:
    where = _index(response)
    numerator = denominator = 0
    for cluster in key:
        parts = {where.get(m, ("missing", m)) for m in cluster}
        numerator += len(cluster) - len(parts)
        denominator += len(cluster) - 1
    return numerator / denominator if denominator else 0.0


def muc(key: Clustering, response: Clustering) -> PRF:
    key, response = as_clusters(key), as_clusters(response)
    return PRF(_muc_side(key, response), _muc_side(response, key))


def b_cubed(key: Clustering, response: Clustering) -> PRF:
    key, response = as_clusters(key), as_clusters(response)
    overlaps = _overlaps(key, response)
    recall_sum = sum(n * n / len(key[i]) for (i, _), n in overlaps.items())
    precision_sum = sum(n * n / len(response[j]) for (_, j), n in overlaps.items())
    n_key, n_response = sum(map(len, key)), sum(map(len, response))
    return PRF(recall_sum / n_key if n_key else 0.0,
               precision_sum / n_response if n_response else 0.0)


def max_weight_matching(weights: Sequence[Sequence[float]]) -> float:
    """The largest total weight of a one-to-one assignment of rows to columns (rectangular
    allowed, weights >= 0; rows or columns may stay unassigned). Kuhn-Munkres, O(n^2 m)."""
    n = len(weights)
    m = len(weights[0]) if n else 0
    if not n or not m:
        return 0.0
    transpose = n > m
    if transpose:
        weights = [list(col) for col in zip(*weights)]
        n, m = m, n
    top = max(max(row) for row in weights)
    # Minimise cost = top - weight over assignments of every row (n <= m): the classic
    # potentials algorithm (1-based, column 0 is the virtual start).
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    match = [0] * (m + 1)  # match[j] = row assigned to column j
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        match[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = match[j0]
            delta, j1 = inf, 0
            row = weights[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = (top - row[j - 1]) - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    return sum(weights[match[j] - 1][j - 1] for j in range(1, m + 1) if match[j])


def _components(overlaps: Mapping[tuple[int, int], int]) -> list[tuple[list[int], list[int]]]:
    """Connected parts of the key/response overlap graph: the best alignment is found in each
    part on its own (clusters that share no mention have phi4 = 0)."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in overlaps:
        a, b = find(("k", i)), find(("r", j))
        if a != b:
            parent[a] = b
    parts: dict = defaultdict(lambda: ([], []))
    for node in list(parent):
        side, idx = node
        parts[find(node)][0 if side == "k" else 1].append(idx)
    return list(parts.values())


def ceaf_e(key: Clustering, response: Clustering) -> PRF:
    key, response = as_clusters(key), as_clusters(response)
    overlaps = _overlaps(key, response)
    total = 0.0
    for rows, cols in _components(overlaps):
        weights = [[2 * overlaps.get((i, j), 0) / (len(key[i]) + len(response[j])) for j in cols]
                   for i in rows]
        total += max_weight_matching(weights)
    return PRF(total / len(key) if key else 0.0, total / len(response) if response else 0.0)


def _lea_side(key: Clustering, response: Clustering) -> float:
    where = _index(response)
    numerator = denominator = 0.0
    for cluster in key:
        size = len(cluster)
        if size == 1:
            (mention,) = cluster
            j = where.get(mention)
            resolved = 1.0 if j is not None and len(response[j]) == 1 else 0.0
        else:
            counts: dict[int, int] = defaultdict(int)
            for mention in cluster:
                j = where.get(mention)
                if j is not None:
                    counts[j] += 1
            common = sum(c * (c - 1) / 2 for c in counts.values())
            resolved = common / (size * (size - 1) / 2)
        numerator += size * resolved
        denominator += size
    return numerator / denominator if denominator else 0.0


def lea(key: Clustering, response: Clustering) -> PRF:
    key, response = as_clusters(key), as_clusters(response)
    return PRF(_lea_side(key, response), _lea_side(response, key))


def source_count_errors(key: Clustering, response: Clustering,
                        doc_of: Callable[[Hashable], Hashable]) -> list[int]:
    """For every gold cluster spanning two or more documents: the number of distinct documents
    of its best-matching response cluster minus its own (signed)."""
    key, response = as_clusters(key), as_clusters(response)
    overlaps = _overlaps(key, response)
    best: dict[int, list[int]] = defaultdict(list)
    for (i, j) in overlaps:
        best[i].append(j)
    errors: list[int] = []
    for i, cluster in enumerate(key):
        gold_docs = len({doc_of(m) for m in cluster})
        if gold_docs < 2:
            continue
        candidates = best.get(i)
        if not candidates:
            errors.append(-gold_docs)
            continue

        def rank(j: int) -> tuple:
            shared = overlaps[i, j]
            docs = len({doc_of(m) for m in response[j]})
            return (-shared, -shared / len(cluster | response[j]), docs, j)

        j = min(candidates, key=rank)
        errors.append(len({doc_of(m) for m in response[j]}) - gold_docs)
    return errors


def evaluate(key: Clustering, response: Clustering,
             doc_of: Callable[[Hashable], Hashable] | None = None) -> dict[str, float]:
    """Every score at once, 0-100 (F1 under the metric's name, ``_r`` / ``_p`` for recall and
    precision); with ``doc_of``, also ``source_count_mae``, ``source_count_exact`` (0-100) and
    ``source_clusters`` (how many gold clusters span two or more documents)."""
    key, response = as_clusters(key), as_clusters(response)
    out: dict[str, float] = {}
    for name, fn in (("muc", muc), ("b3", b_cubed), ("ceafe", ceaf_e), ("lea", lea)):
        score = fn(key, response)
        out[name] = 100 * score.f1
        out[f"{name}_r"] = 100 * score.recall
        out[f"{name}_p"] = 100 * score.precision
    out["conll_f1"] = (out["muc"] + out["b3"] + out["ceafe"]) / 3
    if doc_of is not None:
        errors = source_count_errors(key, response, doc_of)
        out["source_clusters"] = len(errors)
        out["source_count_mae"] = sum(map(abs, errors)) / len(errors) if errors else 0.0
        out["source_count_exact"] = 100 * sum(e == 0 for e in errors) / len(errors) if errors else 0.0
    return out


__all__ = [
    "PRF", "as_clusters", "b_cubed", "ceaf_e", "clusters_from_labels", "evaluate", "lea",
    "max_weight_matching", "muc", "source_count_errors",
]
