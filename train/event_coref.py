#!/usr/bin/env python
"""Train the event coreference scorer (``claimscope.corroborate.coref``) on ECB+ train.

    nice -n 10 .venv/bin/python train/event_coref.py [--data ../shared/benchmarks/ecbplus]
        [--out src/claimscope/data/coref/event_coref.json] [--folds 5] [--l2 1.0]
        [--features a,b,...] [--embeddings] [--linkage average]

Only ECB+ **train** is read; dev is never looked at (score it with ``bench/coreference.py``).

1. Gold event mentions become ``Mention`` objects exactly as in the benchmark
   (``bench.coreference.build_mentions``); pairs are every two mentions of one topic.
2. Topics are split into ``--folds`` folds (sorted topic numbers, round robin). The lemma-pair
   table (how often two head lemmas corefer, smoothed towards the rate of same-lemma or
   different-lemma pairs) used for a topic's features is counted on the *other* folds, so the
   regression learns how far the table carries to unseen events. The shipped table is counted
   on all of train.
3. Logistic regression (Newton's method, L2 ``--l2`` on the weights, not the bias) is fitted
   fold by fold to get out-of-fold probabilities for every train pair, then once on all pairs
   for the shipped weights.
4. Thresholds: on the out-of-fold probabilities, every document threshold of a grid (and no
   document clustering) times every link threshold of a grid is clustered and scored (CoNLL
   F1 over all train mentions); the best pair is shipped, and the best link threshold without
   document clustering is kept in ``meta`` for the benchmark's ablation row.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

from bench.coreference import build_mentions, load_split, score  # noqa: E402
from claimscope.corroborate.coref import (  # noqa: E402
    BASE_FEATURES, EMBEDDING_FEATURES, CorefModel, FeatureContext, Mention, agglomerate, load_embedder,
    pair_features, pair_key, sigmoid,
)

DEFAULT_OUT = REPO / "src" / "claimscope" / "data" / "coref" / "event_coref.json"
SMOOTHING = 5.0  # pseudo-pairs pulling a lemma pair's rate towards its default
MIN_PAIRS = 2  # lemma pairs seen fewer times are left to the default
LINK_GRID = tuple(round(x, 2) for x in np.arange(0.15, 0.91, 0.05))
DOC_GRID = (None, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3)


def topic_of(mention: Mention) -> str:
    return str(mention.doc_id).split("_", 1)[0]


def lemma_table(mentions: Sequence[Mention], chains: Sequence[str], topics: Sequence[str],
                use: set[str]) -> dict[str, float]:
    """Smoothed coreference rate of head-lemma pairs over the within-topic pairs of ``use``."""
    pos: dict[str, int] = defaultdict(int)
    tot: dict[str, int] = defaultdict(int)
    base = {True: [0, 0], False: [0, 0]}
    by_topic: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(topics):
        if t in use:
            by_topic[t].append(i)
    for idx in by_topic.values():
        for a_pos, i in enumerate(idx):
            for j in idx[a_pos + 1:]:
                hi, hj = mentions[i].head, mentions[j].head
                key = pair_key(hi, hj)
                same = chains[i] == chains[j]
                pos[key] += same
                tot[key] += 1
                base[hi == hj][0] += same
                base[hi == hj][1] += 1
    rate_same = base[True][0] / max(base[True][1], 1)
    rate_other = base[False][0] / max(base[False][1], 1)
    table = {"=": round(rate_same, 4), "": round(rate_other, 4)}
    for key, n in tot.items():
        if n < MIN_PAIRS:
            continue
        a, _, b = key.partition("\t")
        prior = rate_same if a == b else rate_other
        value = (pos[key] + SMOOTHING * prior) / (n + SMOOTHING)
        if abs(value - prior) >= 0.02:
            table[key] = round(value, 4)
    return table


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (bias not penalised)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iterations):
        p = sigmoid(xb @ w)
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])


def upper_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(n, k=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "benchmarks" / "ecbplus")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--features", help="comma-separated feature names (default: all base)")
    parser.add_argument("--embeddings", action="store_true",
                        help="add the embedding features emb_cos and emb_sent_cos (static "
                             "tokenlearn-static-model embeddings; measured, not shipped)")
    parser.add_argument("--linkage", default="average", choices=("average", "single", "complete"))
    args = parser.parse_args(argv)

    started = time.perf_counter()
    features = tuple(args.features.split(",")) if args.features else BASE_FEATURES
    embedder = None
    if args.embeddings:
        features = (*features, *(f for f in EMBEDDING_FEATURES if f not in features))
    if any(f in EMBEDDING_FEATURES for f in features):
        embedder = load_embedder()
        if embedder is None:
            print("embedding features need the tokenlearn-static-model package "
                  "(not a claimscope dependency: it did not pay on ECB+ dev)", file=sys.stderr)
            return 2
    corpus, gold = load_split(args.data, "train")
    mentions = build_mentions(corpus, gold)
    chains = [g.chain for g in gold]
    topics = [topic_of(m) for m in mentions]
    ordered = sorted(set(topics), key=int)
    fold_of = {t: k % args.folds for k, t in enumerate(ordered)}
    print(f"train: {len(mentions)} mentions, {len(corpus)} documents, {len(ordered)} topics; "
          f"parsed in {time.perf_counter() - started:.1f} s", flush=True)

    ctx = FeatureContext.build(mentions, embedder=embedder)
    by_topic: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(topics):
        by_topic[t].append(i)

    # features per topic, with the lemma table of the other folds
    tables = {k: lemma_table(mentions, chains, topics, {t for t in ordered if fold_of[t] != k})
              for k in range(args.folds)}
    data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for t, idx in by_topic.items():
        ctx.lemma_pairs = tables[fold_of[t]]
        x = pair_features(mentions, idx, ctx, features)
        y = np.array([[float(chains[i] == chains[j]) for j in idx] for i in idx])
        data[t] = (x, y)

    def stack(keep: set[str]) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        for t in keep:
            x, y = data[t]
            r, c = upper_pairs(len(y))
            xs.append(x[r, c])
            ys.append(y[r, c])
        return np.vstack(xs), np.concatenate(ys)

    # out-of-fold probabilities
    oof: dict[str, np.ndarray] = {}
    for k in range(args.folds):
        w, b = fit_logistic(*stack({t for t in ordered if fold_of[t] != k}), args.l2)
        for t in ordered:
            if fold_of[t] == k:
                oof[t] = sigmoid(data[t][0] @ w + b)
    x_all, y_all = stack(set(ordered))
    weights, bias = fit_logistic(x_all, y_all, args.l2)
    fit_s = time.perf_counter() - started
    print(f"pairs: {len(y_all)} ({int(y_all.sum())} coreferent); fitted in {fit_s:.1f} s", flush=True)

    # thresholds on the out-of-fold probabilities
    model = CorefModel(features, weights, bias, linkage=args.linkage)
    doc_groups = {}
    for dt in DOC_GRID:
        if dt is None:
            continue
        for t, idx in by_topic.items():
            groups = model.document_groups([mentions[i] for i in idx], ctx, dt)
            doc_groups[dt, t] = groups[:, None] == groups[None, :]
    results: dict[tuple, float] = {}
    for dt in DOC_GRID:
        for thr in LINK_GRID:
            labels = [0] * len(mentions)
            offset = 0
            for t, idx in by_topic.items():
                local = agglomerate(oof[t], thr, linkage=args.linkage,
                                    allowed=None if dt is None else doc_groups[dt, t])
                for i, label in zip(idx, local):
                    labels[i] = offset + label
                offset += max(local) + 1
            results[dt, thr] = score(gold, labels)["conll_f1"]
        best_thr = max(LINK_GRID, key=lambda thr: results[dt, thr])
        print(f"  doc threshold {dt}: best link threshold {best_thr} -> train OOF CoNLL "
              f"{results[dt, best_thr]:.2f}", flush=True)
    best_dt, best_thr = max(results, key=lambda k: (results[k], k[0] is not None))
    no_doc_thr = max(LINK_GRID, key=lambda thr: results[None, thr])
    seconds = time.perf_counter() - started

    model.threshold = best_thr
    model.doc_threshold = best_dt
    model.lemma_pairs = lemma_table(mentions, chains, topics, set(ordered))
    model.meta = {
        "trained_on": "ECB+ train (Barhom et al. 2019 export), gold event mentions",
        "mentions": len(mentions), "topics": len(ordered), "pairs": int(len(y_all)),
        "positive_pairs": int(y_all.sum()), "l2": args.l2, "folds": args.folds,
        "train_oof_conll_f1": round(results[best_dt, best_thr], 2),
        "threshold_without_doc_clustering": no_doc_thr,
        "train_oof_conll_f1_without_doc_clustering": round(results[None, no_doc_thr], 2),
        "train_seconds": round(seconds, 1),
        "threshold_choice": "grid search of (doc_threshold, threshold) maximising CoNLL F1 of "
                            "out-of-fold probabilities on ECB+ train topics",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print("weights:", ", ".join(f"{n} {w:+.2f}" for n, w in zip(features, weights)),
          f"bias {bias:+.2f}")
    print(f"chosen: doc_threshold {best_dt}, threshold {best_thr} (train OOF CoNLL "
          f"{results[best_dt, best_thr]:.2f}); without doc clustering: threshold {no_doc_thr} "
          f"({results[None, no_doc_thr]:.2f}); lemma pairs {len(model.lemma_pairs)}; "
          f"{seconds:.1f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
