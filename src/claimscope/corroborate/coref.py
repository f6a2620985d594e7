"""Cross-document event coreference: a pairwise scorer and agglomerative clustering.

The same code clusters the gold event mentions of ECB+ (``bench/coreference.py``) and links
claimscope's own :class:`~claimscope.records.Event` records across articles. A
:class:`Mention` carries what the scorer looks at: the document, the trigger (text and
lemmas, the head first), the sentence (or the claim's content) and the document's text, plus
optional structured fields that only our events have (event code, date, country, actors).

Scoring a pair (:func:`pair_features`, all features in 0-1):

* ``head_eq``: the head lemmas are equal; ``lemma_jacc``: Jaccard overlap of the trigger
  lemma sets; ``head_tri``: Dice overlap of the character trigrams of the head lemmas ("shoot"
  / "shooting", "quake" / "earthquake"); ``lemma_pair``: how often the two head lemmas
  corefer in ECB+ train (a smoothed table shipped with the weights; unseen pairs get the rate
  of all same-lemma or all different-lemma pairs; "say" / "say" is low, "die" / "kill" high);
* ``sent_cos``: TF-IDF cosine of the two sentences; ``doc_cos``: TF-IDF cosine of the two
  documents (two reports of one event share their vocabulary); idf over all the documents
  (sentences) given to one call;
* ``names_jacc``: Jaccard overlap of the names and numbers of the two sentences (capitalised
  words not opening the sentence, digits) plus the names the caller gives (actors, places);
  ``args_jacc``: Jaccard overlap of the trigger's arguments (ECB+: lemmas of its syntactic
  subject, objects, possessor, modifiers and prepositional objects; our events: the words of
  the actors', targets' and place's names);
* ``same_doc``, ``same_sent``; products ``head_eq*doc_cos``, ``head_eq*sent_cos``,
  ``lemma_pair*doc_cos``.

Optional features exist for experiments and are not in the shipped model: ``emb_cos`` /
``emb_sent_cos`` (cosine of trigger / sentence embeddings from an ``embedder`` callable or
``Mention.embedding``), ``doc_names_jacc``, ``stem_eq``, ``doc_cos_block`` and any product
``a*b`` of named features. Static (tokenlearn) and MiniLM embeddings were measured on ECB+ dev
and gained less than 2 CoNLL F1, so the shipped model uses none (bench/README.md).

A logistic regression over these (``train/event_coref.py``, ECB+ train) gives the probability
that two mentions corefer. Structured fields are not in ECB+, so they enter as fixed log-odds
*priors* stored next to the trained weights (``priors`` in the JSON, hand-set, untrained): a
known, different event code, country or date pushes a pair apart, an equal one pulls it
together. They apply only when both mentions have the field.

Clustering (:meth:`CorefModel.cluster`) is average-link agglomerative clustering on the
probabilities inside each block (ECB+: a topic; our events: whatever blocking the caller
chooses, e.g. a time window and country), merging while the best average link is above the
model's ``threshold``. With document clustering (on by default, as trained) the documents of a
block are first clustered by TF-IDF cosine (idf over the block's documents, average link,
``doc_threshold``) and mentions are only linked inside one document cluster: on ECB+ this
separates two similar events of one topic (two DUI arrests of two Chargers players).
``doc_clustering=False`` switches it off and uses the threshold trained for that setting
(``meta["threshold_without_doc_clustering"]``): better for articles that each report several
events (round-ups). Both thresholds are chosen on ECB+ train by the training script.

Cost: a block of n mentions needs a few n x n matrices and agglomerative clustering, O(n^2)
memory and up to O(n^3) time: 1,500 mentions in one block take about 9 s and 240 MB, so keep
blocks to a few hundred mentions (actor, country, time window) and use :meth:`assign` to add
new mentions one at a time (one row of scores).

Linking our events::

    from claimscope.corroborate.coref import CorefModel, mention_from_event

    model = CorefModel.load()
    mentions = [mention_from_event(ev, texts[ev.article_id]) for ev in events]
    labels = model.cluster(mentions, blocks=[ev.place.country if ev.place else "" for ev in events])
    # labels[i] == labels[j]: events i and j are the same real-world event
    index, probability = model.assign(new_mention, clusters_of_mentions)  # incremental
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

WEIGHTS_FILE = "event_coref.json"
BASE_FEATURES = (
    "head_eq", "lemma_jacc", "head_tri", "lemma_pair", "sent_cos", "doc_cos", "names_jacc",
    "args_jacc", "same_doc", "same_sent", "head_eq*doc_cos", "head_eq*sent_cos",
    "lemma_pair*doc_cos",
)
EMBEDDING_FEATURES = ("emb_cos", "emb_sent_cos")
DEFAULT_PRIORS = {
    # log-odds added when both mentions have the field (not trained: ECB+ has no such fields)
    "code_match": 0.5,
    "code_mismatch": -2.0,
    "country_match": 0.3,
    "country_mismatch": -3.0,
    "date_match": 0.3,  # intervals overlap (with ``date_slack_days``)
    "date_mismatch": -1.5,
    "date_slack_days": 3,
}

_WORD = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]|\d[\d.,:]*")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’-]+)|\b(\d[\d.,:]*\d|\d)\b")
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])|\n\s*\n")


# --- mentions ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Mention:
    """One event mention. Only ``doc_id`` and ``trigger`` are required.

    ``lemmas``: the trigger's lemmas, the head first (``("attack", "drone")`` for "drone
    attack"); left empty, the lower-cased words of the trigger, last word first. ``sentence``:
    the sentence (or claim content) holding the trigger. ``doc_text``: the article text; the
    document vector is built from it once per ``doc_id``. ``sent_id``: any value that is equal
    for two mentions of the same sentence of the same document (default: the sentence).
    ``names``: names the caller knows (actors, place names); capitalised words of the
    sentence are added. ``args``: the trigger's participants as words or lemmas. ``code``,
    ``date`` (a day or a (start, end) interval) and ``country`` feed the priors.
    ``embedding``: a precomputed trigger vector (only for models with embedding features).
    """

    doc_id: Hashable
    trigger: str
    lemmas: tuple[str, ...] = ()
    sentence: str = ""
    doc_text: str | None = None
    id: Hashable | None = None
    sent_id: Hashable | None = None
    code: str | None = None
    date: date | tuple[date | None, date | None] | None = None
    country: str | None = None
    names: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    embedding: Any = None

    @property
    def head(self) -> str:
        return self.lemmas[0] if self.lemmas else _fallback_lemmas(self.trigger)[0]

    @property
    def lemma_set(self) -> frozenset[str]:
        lemmas = self.lemmas or _fallback_lemmas(self.trigger)
        content = {lemma for lemma in lemmas if lemma not in STOP_WORDS}
        return frozenset(content or lemmas)


def _fallback_lemmas(trigger: str) -> tuple[str, ...]:
    words = [w.lower() for w in _WORD.findall(trigger)] or [trigger.lower().strip() or "_"]
    return (words[-1], *words[:-1])


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding the characters ``start:end`` (a light splitter on
    end punctuation followed by a capital, and on blank lines)."""
    left = 0
    for match in _SENT_END.finditer(text, 0, max(start, 0)):
        left = match.end()
    match = _SENT_END.search(text, max(end, start))
    right = match.start() if match else len(text)
    return text[left:right].strip()


def mention_from_event(event: Any, article_text: str | None = None, *,
                       sentence: str | None = None, lemmas: Sequence[str] | None = None,
                       nlp: Any = None, doc_id: Hashable | None = None,
                       embedding: Any = None) -> Mention:
    """A :class:`Mention` from a :class:`claimscope.records.Event`.

    * sentence: ``sentence`` when given (e.g. the claim's content), else the sentence of
      ``article_text`` around the trigger, else the trigger;
    * lemmas: ``lemmas`` when given (head first), else from ``nlp`` (a spaCy pipeline, e.g.
      ``claimscope.extract.nlp.load_nlp()``) run on the sentence, else the lower-cased
      trigger words (last first; weaker: "killed" and "kill" then differ);
    * names: the actors', associated actors', targets' and place's names (normalised, else as
      written); args: the content words of the same; country: the place's, else an actor's;
      date: the event time's start and end unless its precision is unknown; code:
      ``event.code``; sent_id: the sentence.
    """
    trigger = event.trigger
    if sentence is None:
        sentence = (sentence_around(article_text, trigger.start, trigger.end)
                    if article_text and trigger.field == "text" else trigger.text)
    if lemmas is None and nlp is not None:
        lemmas = trigger_lemmas(nlp, sentence, trigger.text)
    names: list[str] = []
    actors = [event.actor1, event.actor2, *getattr(event, "associated", ()),
              *getattr(event, "targets", ())]
    for actor in actors:
        if actor is not None:
            names.append(actor.name or actor.text)
    place = event.place
    if place is not None:
        names.append(place.name or place.text)
    names = [n for n in names if n]
    country = (place.country if place is not None and place.country else None) or next(
        (a.country for a in actors if a is not None and a.country), None)
    when = None
    time = event.time
    if time is not None and (time.start or time.end) and str(time.precision) != "unknown":
        when = (time.start, time.end or time.start)
    args = tuple(dict.fromkeys(w for n in names for w in content_words(n)))
    return Mention(doc_id=event.article_id if doc_id is None else doc_id, trigger=trigger.text,
                   lemmas=tuple(lemmas or ()), sentence=sentence, doc_text=article_text,
                   id=event.id, sent_id=sentence, code=event.code, date=when, country=country,
                   names=tuple(names), args=args, embedding=embedding)


def trigger_lemmas(nlp: Any, sentence: str, trigger: str) -> tuple[str, ...]:
    """Lemmas of ``trigger`` inside ``sentence`` parsed by ``nlp``, the syntactic head first
    (the trigger's first occurrence; the trigger alone when it is not in the sentence)."""
    start = sentence.find(trigger)
    if start < 0:
        sentence, start = trigger, 0
    keep = {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"}
    with nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in keep]):
        doc = nlp(sentence)
    end = start + len(trigger)
    tokens = [t for t in doc if t.idx < end and t.idx + len(t.text) > start]
    if not tokens:
        return _fallback_lemmas(trigger)
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    head = heads[-1] if heads else tokens[-1]
    return (head.lemma_.lower(), *(t.lemma_.lower() for t in tokens if t.i != head.i))


# --- TF-IDF -----------------------------------------------------------------------------------


def content_words(text: str) -> list[str]:
    """Lower-cased words and numbers of ``text`` without English stop words."""
    words = (w.lower() for w in _WORD.findall(text))
    return [w for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


def tfidf_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, smoothed idf over ``texts``)."""
    bags = [Counter(content_words(t)) for t in texts]
    df = Counter(w for bag in bags for w in bag)
    n = len(texts)
    vectors = []
    for bag in bags:
        vec = {w: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    return vectors


def _binary(items: Sequence[Any], weights: bool = False) -> np.ndarray:
    """Rows of a dense matrix over the items' joint vocabulary (sets -> 0/1, dicts -> values)."""
    vocab: dict[Hashable, int] = {}
    for item in items:
        for x in item:
            vocab.setdefault(x, len(vocab))
    dense = np.zeros((len(items), max(len(vocab), 1)))
    for i, item in enumerate(items):
        for x in item:
            dense[i, vocab[x]] = item[x] if weights else 1.0
    return dense


def cosine_matrix(vectors: Sequence[dict[str, float]], rows: Sequence[int] | None = None) -> np.ndarray:
    """Pairwise cosine of sparse unit vectors (``rows`` of it: those rows against all)."""
    dense = _binary(vectors, weights=True)
    left = dense if rows is None else dense[list(rows)]
    return np.clip(left @ dense.T, 0.0, 1.0)


def _jaccard_matrix(sets: Sequence[frozenset], dice: bool = False,
                    rows: Sequence[int] | None = None) -> np.ndarray:
    binary = _binary(sets)
    left = binary if rows is None else binary[list(rows)]
    inter = left @ binary.T
    sizes = binary.sum(1)
    left_sizes = sizes if rows is None else sizes[list(rows)]
    if dice:
        denom = left_sizes[:, None] + sizes[None, :]
        return np.divide(2 * inter, denom, out=np.zeros_like(inter), where=denom > 0)
    union = left_sizes[:, None] + sizes[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


_SUFFIXES = ("ations", "ation", "ings", "ing", "ments", "ment", "ions", "ion", "ers", "er",
             "ies", "ied", "es", "ed", "s", "e", "y")


def _stem(word: str) -> str:
    """A crude stem for comparing heads ("checks" / "check", "shooting" / "shoot")."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _trigrams(word: str) -> frozenset[str]:
    padded = f"<{word}>"
    return frozenset(padded[i:i + 3] for i in range(len(padded) - 2))


def sentence_names(sentence: str) -> frozenset[str]:
    """Capitalised words that do not open the sentence, and numbers, lower-cased."""
    names = set()
    for match in _NAME.finditer(sentence.strip()):
        word = match.group(1) or match.group(2)
        if word and word.lower() not in STOP_WORDS:
            names.add(word.lower())
    return frozenset(names)


# --- features ---------------------------------------------------------------------------------


@dataclass
class FeatureContext:
    """What pair features need beyond the two mentions: document and sentence vectors (idf
    over the mentions' collection), the lemma-pair table and an optional embedder."""

    doc_index: dict[Hashable, int]
    doc_vectors: list[dict[str, float]]
    sent_vectors: list[dict[str, float]]
    names: list[frozenset[str]]
    doc_names: list[frozenset[str]] = field(default_factory=list)
    doc_texts: list[str] = field(default_factory=list)
    lemma_pairs: dict[str, float] = field(default_factory=dict)
    trigger_emb: np.ndarray | None = None
    sentence_emb: np.ndarray | None = None

    @classmethod
    def build(cls, mentions: Sequence[Mention], *, lemma_pairs: dict[str, float] | None = None,
              embedder: Callable[[list[str]], Any] | None = None,
              doc_texts: dict[Hashable, str] | None = None) -> FeatureContext:
        doc_texts = dict(doc_texts or {})
        for m in mentions:
            if not doc_texts.get(m.doc_id):
                doc_texts[m.doc_id] = m.doc_text or ""
        fallback: dict[Hashable, list[str]] = {}
        for m in mentions:
            if not doc_texts.get(m.doc_id):
                fallback.setdefault(m.doc_id, []).append(m.sentence)
        for doc, sentences in fallback.items():
            doc_texts[doc] = " ".join(dict.fromkeys(sentences))
        doc_ids = list(doc_texts)
        doc_vectors = tfidf_vectors([doc_texts[d] for d in doc_ids])
        sent_vectors = tfidf_vectors([m.sentence or m.trigger for m in mentions])
        names = [sentence_names(m.sentence) | {n.lower() for n in m.names} for m in mentions]
        trigger_emb = sentence_emb = None
        if embedder is not None or any(m.embedding is not None for m in mentions):
            trigger_emb = _embeddings(mentions, embedder)
        if embedder is not None:
            sentence_emb = _unit(embedder([m.sentence or m.trigger for m in mentions]))
        doc_names = [sentence_names(doc_texts[d]) for d in doc_ids]
        return cls({d: i for i, d in enumerate(doc_ids)}, doc_vectors, sent_vectors, names,
                   doc_names, [doc_texts[d] for d in doc_ids], dict(lemma_pairs or {}),
                   trigger_emb, sentence_emb)


def _unit(vectors: Any) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=float)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _embeddings(mentions: Sequence[Mention], embedder) -> np.ndarray | None:
    """Trigger embeddings: the mention's own where given, else the embedder's."""
    missing = [i for i, m in enumerate(mentions) if m.embedding is None]
    computed = {}
    if missing:
        if embedder is None:
            return None
        vectors = np.asarray(embedder([mentions[i].trigger for i in missing]), dtype=float)
        computed = dict(zip(missing, vectors))
    return _unit(np.vstack([np.asarray(m.embedding if m.embedding is not None else computed[i],
                                       dtype=float) for i, m in enumerate(mentions)]))


def pair_key(a: str, b: str) -> str:
    """The lemma-pair table's key (order-free)."""
    return "\t".join(sorted((a, b)))


def _equal(values: Sequence[Hashable], rows: Sequence[int]) -> np.ndarray:
    return np.array([[float(values[i] == v) for v in values] for i in rows]).reshape(
        len(rows), len(values))


def pair_features(mentions: Sequence[Mention], idx: Sequence[int], ctx: FeatureContext,
                  names: Sequence[str] = BASE_FEATURES,
                  rows: Sequence[int] | None = None) -> np.ndarray:
    """Features of the pairs of the mentions ``idx`` of ``mentions`` (``ctx`` built over
    ``mentions``): an ``(n, n, len(names))`` array, or ``(len(rows), n, ...)`` for the pairs
    of the ``rows`` (positions in ``idx``) with every mention of ``idx``."""
    feats = feature_matrices(mentions, idx, ctx, names, rows)
    shape = next(iter(feats.values())).shape
    out = np.empty((*shape, len(names)))
    for k, name in enumerate(names):
        out[:, :, k] = _product(feats, name)
    return out


def _product(feats: dict[str, np.ndarray], name: str) -> np.ndarray:
    parts = name.split("*")
    value = feats[parts[0]]
    for part in parts[1:]:
        value = value * feats[part]
    return value


def feature_matrices(mentions: Sequence[Mention], idx: Sequence[int], ctx: FeatureContext,
                     names: Sequence[str] = BASE_FEATURES,
                     rows: Sequence[int] | None = None) -> dict[str, np.ndarray]:
    """The base features (factors of ``names``) as ``(rows, n)`` matrices."""
    idx = list(idx)
    sub = [mentions[i] for i in idx]
    n = len(sub)
    rows = list(range(n)) if rows is None else list(rows)
    needed = {part for name in names for part in name.split("*")}
    heads = [m.head for m in sub]
    docs = [ctx.doc_index[m.doc_id] for m in sub]
    unique = sorted(set(docs))
    position_of = {d: k for k, d in enumerate(unique)}
    where = [position_of[d] for d in docs]
    doc_rows = sorted({where[r] for r in rows})
    feats: dict[str, np.ndarray] = {}

    def per_doc(matrix: np.ndarray) -> np.ndarray:  # (doc_rows, unique) -> (rows, n)
        position = {d: k for k, d in enumerate(doc_rows)}
        return matrix[np.ix_([position[where[r]] for r in rows], where)]

    for name in needed:
        if name == "head_eq":
            feats[name] = _equal(heads, rows)
        elif name == "stem_eq":
            feats[name] = _equal([_stem(h) for h in heads], rows)
        elif name == "lemma_jacc":
            feats[name] = _jaccard_matrix([m.lemma_set for m in sub], rows=rows)
        elif name == "head_tri":
            feats[name] = _jaccard_matrix([_trigrams(h) for h in heads], dice=True, rows=rows)
        elif name == "lemma_pair":
            table = ctx.lemma_pairs
            other, same = table.get("", 0.5), table.get("=", 0.5)
            feats[name] = np.array([[table.get(pair_key(heads[r], b), same if heads[r] == b else other)
                                     for b in heads] for r in rows]).reshape(len(rows), n)
        elif name == "sent_cos":
            feats[name] = cosine_matrix([ctx.sent_vectors[i] for i in idx], rows=rows)
        elif name == "doc_cos":
            feats[name] = per_doc(cosine_matrix([ctx.doc_vectors[d] for d in unique], rows=doc_rows))
        elif name == "doc_cos_block":
            vectors = tfidf_vectors([ctx.doc_texts[d] for d in unique])
            feats[name] = per_doc(cosine_matrix(vectors, rows=doc_rows))
        elif name == "doc_names_jacc":
            feats[name] = per_doc(_jaccard_matrix([ctx.doc_names[d] for d in unique], rows=doc_rows))
        elif name == "names_jacc":
            feats[name] = _jaccard_matrix([ctx.names[i] for i in idx], rows=rows)
        elif name == "args_jacc":
            feats[name] = _jaccard_matrix([frozenset(a.lower() for a in m.args) for m in sub],
                                          rows=rows)
        elif name == "same_doc":
            feats[name] = _equal(where, rows)
        elif name == "same_sent":
            feats[name] = _equal([(m.doc_id, m.sent_id if m.sent_id is not None else m.sentence)
                                  for m in sub], rows)
        elif name in ("emb_cos", "emb_sent_cos"):
            matrix = ctx.trigger_emb if name == "emb_cos" else ctx.sentence_emb
            if matrix is None:
                raise ValueError("the model uses embeddings: give an embedder")
            emb = matrix[idx]
            feats[name] = np.clip(emb[rows] @ emb.T, 0.0, 1.0)
        else:
            raise KeyError(f"unknown feature {name!r}")
    return feats


def _prior_matrix(sub: Sequence[Mention], priors: dict[str, float],
                  rows: Sequence[int] | None = None) -> np.ndarray:
    """Log-odds from the structured fields (code, country, date) where both mentions have
    them (untrained, see ``DEFAULT_PRIORS``); ``(len(rows), n)`` with ``rows``."""
    n = len(sub)
    rows = list(range(n)) if rows is None else list(rows)
    out = np.zeros((len(rows), n))
    if not any(m.code or m.country or m.date for m in sub):
        return out
    slack = float(priors.get("date_slack_days", 3))
    spans = [_interval(m.date) for m in sub]
    for r, i in enumerate(rows):
        a = sub[i]
        for j in range(n):
            if j == i:
                continue
            b = sub[j]
            value = 0.0
            if a.code and b.code:
                value += priors["code_match"] if a.code == b.code else priors["code_mismatch"]
            if a.country and b.country:
                value += (priors["country_match"] if a.country == b.country
                          else priors["country_mismatch"])
            if spans[i] and spans[j]:
                (s1, e1), (s2, e2) = spans[i], spans[j]
                gap = max((s2 - e1).days, (s1 - e2).days, 0)
                value += priors["date_match"] if gap <= slack else priors["date_mismatch"]
            out[r, j] = value
    return out


def _interval(value) -> tuple[date, date] | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value, value
    start, end = value
    start, end = start or end, end or start
    return (start, end) if start else None


# --- clustering -------------------------------------------------------------------------------


def agglomerate(scores: np.ndarray, threshold: float, *, linkage: str = "average",
                allowed: np.ndarray | None = None) -> list[int]:
    """Agglomerative clustering of a symmetric score matrix: repeatedly merge the two
    clusters with the best link (``average``: mean pair score; ``single``: best pair;
    ``complete``: worst pair) while it is above ``threshold``. ``allowed`` (boolean) forbids
    pairs that are False: two clusters holding a forbidden pair never merge. Returns one label
    per row, 0..k-1 in order of first appearance. O(n^2) memory, O(n^3) time at worst."""
    if linkage not in ("average", "single", "complete"):
        raise ValueError(f"unknown linkage {linkage!r}")
    n = scores.shape[0]
    if n == 0:
        return []
    sums = np.array(scores, dtype=float)  # average: sum of pair scores; else the link itself
    blocked = np.zeros((n, n), dtype=bool) if allowed is None else ~np.asarray(allowed, dtype=bool)
    sizes = np.ones(n)
    value = sums.copy()
    value[blocked] = -np.inf
    np.fill_diagonal(value, -np.inf)
    parent = list(range(n))
    dead = np.zeros(n, dtype=bool)
    while True:
        flat = int(np.argmax(value))
        i, j = divmod(flat, n)
        if not value[i, j] > threshold:
            break
        if linkage == "average":
            sums[i, :] += sums[j, :]
        elif linkage == "single":
            sums[i, :] = np.maximum(sums[i, :], sums[j, :])
        else:
            sums[i, :] = np.minimum(sums[i, :], sums[j, :])
        sums[:, i] = sums[i, :]
        blocked[i, :] |= blocked[j, :]
        blocked[:, i] = blocked[i, :]
        sizes[i] += sizes[j]
        parent[j] = i
        dead[j] = True
        row = sums[i, :] / (sizes[i] * sizes) if linkage == "average" else sums[i, :].copy()
        row[blocked[i, :] | dead] = -np.inf
        value[i, :] = row
        value[:, i] = row
        value[j, :] = -np.inf
        value[:, j] = -np.inf
        value[i, i] = -np.inf
    order: dict[int, int] = {}
    labels = []
    for k in range(n):
        root = k
        while parent[root] != root:
            root = parent[root]
        labels.append(order.setdefault(root, len(order)))
    return labels


def cluster_documents(texts: Sequence[str], threshold: float,
                      vectors: Sequence[dict[str, float]] | None = None) -> list[int]:
    """Average-link clustering of documents by TF-IDF cosine (idf over ``texts`` unless unit
    ``vectors`` are given)."""
    if vectors is None:
        vectors = tfidf_vectors(texts)
    return agglomerate(cosine_matrix(vectors), threshold)


# --- the model --------------------------------------------------------------------------------


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass
class CorefModel:
    """Trained pairwise scorer plus the clustering settings (see the module docstring)."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    doc_threshold: float | None = None  # None: no document clustering
    linkage: str = "average"
    lemma_pairs: dict[str, float] = field(default_factory=dict)
    priors: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PRIORS))
    meta: dict[str, Any] = field(default_factory=dict)

    # persistence ------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(float(self.bias), 6),
            "threshold": self.threshold,
            "doc_threshold": self.doc_threshold,
            "linkage": self.linkage,
            "priors": self.priors,
            "lemma_pairs": {k: round(v, 4) for k, v in sorted(self.lemma_pairs.items())},
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CorefModel:
        return cls(tuple(data["features"]), np.asarray(data["weights"], dtype=float),
                   float(data["bias"]), float(data["threshold"]),
                   None if data.get("doc_threshold") is None else float(data["doc_threshold"]),
                   data.get("linkage", "average"), dict(data.get("lemma_pairs", {})),
                   {**DEFAULT_PRIORS, **data.get("priors", {})}, dict(data.get("meta", {})))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path | None = None) -> CorefModel:
        """The shipped model (``claimscope/data/coref/event_coref.json``) or ``path``."""
        if path is None:
            text = resources.files("claimscope").joinpath("data", "coref", WEIGHTS_FILE).read_text(
                encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_json(json.loads(text))

    @property
    def uses_embeddings(self) -> bool:
        return any(name in EMBEDDING_FEATURES for name in self.features)

    # scoring ----------------------------------------------------------------------------------

    def context(self, mentions: Sequence[Mention], *, embedder=None,
                doc_texts: dict[Hashable, str] | None = None) -> FeatureContext:
        return FeatureContext.build(mentions, lemma_pairs=self.lemma_pairs,
                                    embedder=embedder if self.uses_embeddings else None,
                                    doc_texts=doc_texts)

    def logits(self, mentions: Sequence[Mention], idx: Sequence[int], ctx: FeatureContext,
               rows: Sequence[int] | None = None) -> np.ndarray:
        """Log-odds of the pairs of ``idx`` (``rows`` of them against all), feature by feature
        (no ``n x n x features`` array: memory stays a few ``n x n`` matrices)."""
        feats = feature_matrices(mentions, idx, ctx, self.features, rows)
        out = _prior_matrix([mentions[i] for i in idx], self.priors, rows) + self.bias
        for name, weight in zip(self.features, self.weights):
            out += weight * _product(feats, name)
        return out

    def pair_scores(self, mentions: Sequence[Mention], idx: Sequence[int] | None = None,
                    ctx: FeatureContext | None = None, *, embedder=None) -> np.ndarray:
        """Coreference probabilities of every pair of ``mentions`` (or of ``idx`` among them)."""
        if ctx is None:
            ctx = self.context(mentions, embedder=embedder)
        idx = list(range(len(mentions))) if idx is None else list(idx)
        return sigmoid(self.logits(mentions, idx, ctx))

    # clustering -------------------------------------------------------------------------------

    def cluster(self, mentions: Sequence[Mention], *, blocks: Sequence[Hashable] | None = None,
                threshold: float | None = None, doc_clustering: bool | None = None,
                doc_threshold: float | None = None, embedder=None,
                ctx: FeatureContext | None = None) -> list[int]:
        """A cluster label per mention (0..k-1); mentions of different ``blocks`` never share one.

        ``doc_clustering`` (default: on when the model has a ``doc_threshold``) first groups
        each block's documents by TF-IDF cosine and links mentions only inside a group. Without
        it, the default threshold is the one trained for that setting. ``ctx``: a
        :meth:`context` built over exactly ``mentions`` (reuse it across calls).
        """
        if ctx is None:
            ctx = self.context(mentions, embedder=embedder)
        if doc_clustering is None:
            doc_clustering = self.doc_threshold is not None
        if threshold is None:
            threshold = self.threshold
            if not doc_clustering and self.doc_threshold is not None:
                threshold = float(self.meta.get("threshold_without_doc_clustering", threshold))
        doc_threshold = self.doc_threshold if doc_threshold is None else doc_threshold
        if doc_clustering and doc_threshold is None:
            raise ValueError("doc_clustering needs a doc_threshold")
        groups: dict[Hashable, list[int]] = {}
        for i in range(len(mentions)):
            groups.setdefault(blocks[i] if blocks is not None else None, []).append(i)
        labels = [0] * len(mentions)
        next_label = 0
        for idx in groups.values():
            scores = self.pair_scores(mentions, idx, ctx)
            allowed = None
            if doc_clustering:
                doc_groups = self.document_groups([mentions[i] for i in idx], ctx, doc_threshold)
                allowed = doc_groups[:, None] == doc_groups[None, :]
            local = agglomerate(scores, threshold, linkage=self.linkage, allowed=allowed)
            for i, label in zip(idx, local):
                labels[i] = next_label + label
            next_label += max(local) + 1
        return labels

    @staticmethod
    def document_groups(sub: Sequence[Mention], ctx: FeatureContext,
                        doc_threshold: float) -> np.ndarray:
        """The document-cluster label of each mention of ``sub``: the documents of ``sub``
        clustered by TF-IDF cosine with idf over these documents only (so that words every
        document of the block shares weigh little), average link above ``doc_threshold``."""
        docs = list(dict.fromkeys(m.doc_id for m in sub))
        labels = cluster_documents([ctx.doc_texts[ctx.doc_index[d]] for d in docs], doc_threshold)
        label_of = dict(zip(docs, labels))
        return np.array([label_of[m.doc_id] for m in sub])

    def assign(self, mention: Mention, clusters: Sequence[Sequence[Mention]], *,
               embedder=None) -> tuple[int | None, float]:
        """Incremental linking of one new mention to existing clusters (e.g. the events of one
        block): the index of the cluster with the best average probability and that
        probability, or ``(None, best)`` when none is above the threshold trained without
        document clustering. Cost: one row of scores, linear in the clusters' mentions."""
        flat = [m for cluster in clusters for m in cluster]
        if not flat:
            return None, 0.0
        everyone = [*flat, mention]
        ctx = self.context(everyone, embedder=embedder)
        logits = self.logits(everyone, range(len(everyone)), ctx, rows=[len(flat)])[0]
        scores = sigmoid(logits[:-1])
        threshold = float(self.meta.get("threshold_without_doc_clustering", self.threshold))
        best, best_value, start = None, 0.0, 0
        for k, cluster in enumerate(clusters):
            if cluster:
                value = float(scores[start:start + len(cluster)].mean())
                if best is None or value > best_value:
                    best, best_value = k, value
            start += len(cluster)
        if best is None or best_value <= threshold:
            return None, best_value
        return best, best_value


def load_model(path: str | Path | None = None) -> CorefModel:
    return CorefModel.load(path)


def load_embedder() -> Callable[[list[str]], np.ndarray] | None:
    """A static embedder for experiments with the embedding features: the
    ``tokenlearn-static-model`` package (a 64-dimension Model2Vec-style model inside its
    wheel), or None when it is not installed. Not a claimscope dependency: it gained +0.2
    CoNLL F1 on ECB+ dev, short of the 2 points that would pay for it."""
    try:
        from static_model import get_embeddings
    except ImportError:
        return None

    def embed(texts: list[str]) -> np.ndarray:
        return np.asarray(get_embeddings(list(texts)) if texts else np.zeros((0, 1)), dtype=float)

    return embed


__all__ = [
    "BASE_FEATURES", "DEFAULT_PRIORS", "EMBEDDING_FEATURES", "CorefModel", "FeatureContext",
    "Mention", "agglomerate", "cluster_documents", "content_words", "cosine_matrix",
    "feature_matrices", "load_embedder", "load_model", "mention_from_event", "pair_features",
    "pair_key", "sentence_around", "sentence_names", "sigmoid", "tfidf_vectors",
    "trigger_lemmas",
]
