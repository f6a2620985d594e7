#!/usr/bin/env python
"""Cross-document event coreference on ECB+ (gold event mentions, clustered within each topic).

    .venv/bin/python bench/coreference.py [--data DIR] [--split dev] [--predictions FILE]
                                          [--model WEIGHTS.json] [--plain]

Reads ``DIR/interim/ECB_{Split}_corpus.txt`` (one token a line: ``doc_id sent_id tok_id token
chain``) and ``DIR/interim/ECB_{Split}_Event_gold_mentions.json`` (Barhom et al. 2019's export;
``Split`` capitalised). ``--data`` may be the ECB+ folder, its ``interim/`` folder or the
benchmarks root.

Every gold event mention becomes a :class:`claimscope.corroborate.coref.Mention`: its tokens
(lemmas from the spaCy pipeline run on the pre-tokenised sentence; the head is the token whose
syntactic head lies outside the mention), its sentence, and its document (the document's
sentences in the corpus file). Mentions are clustered within each topic (the number before
``_`` in ``doc_id``: ``36_1ecb`` and ``36_2ecbplus`` are topic 36); the ``ecb`` / ``ecbplus``
sub-topic in the name is never used. Gold clusters are the ``coref_chain`` values.

Systems scored in one run (table; the JSON reports ``ours``, the shipped model as trained):

* ``singletons``: every mention alone.
* ``same lemma``: mentions of a topic whose head lemmas are equal share a cluster.
* ``same lemma + doc clusters``: the same inside the document clusters of ``ours`` (the
  "cluster + lemma" baseline of the literature, with our document clusters).
* ``ours``: the trained pairwise model (``--model``, default the shipped weights) with
  average-link clustering, with and without the document clustering step (each with the
  threshold chosen on train for it). A model trained with embedding features
  (``train/event_coref.py --embeddings``) needs its embedder installed.

Metrics (0-100, singletons kept, over all mentions of the split at once; no gold cluster crosses
topics): MUC, B-cubed, CEAF-e, CoNLL F1 (their mean), LEA; definitions in
``claimscope.corroborate.coref_metrics``. ``source_count_mae`` / ``source_count_exact``: for
every gold cluster with mentions in two or more documents, the number of distinct documents
of the best-matching system cluster (most shared mentions) against the gold number.

``--predictions FILE`` writes one JSON line per gold mention,
``{"doc_id", "sent_id", "tokens_number", "cluster"}``, with the ``ours`` clusters. Last stdout
line: ``{"muc", "b3", "ceafe", "conll_f1", "lea", "source_count_mae", "source_count_exact",
...}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import add_data_argument, fail_missing, print_final_json, print_notes, print_table
from claimscope.corroborate.coref import CorefModel, Mention, load_embedder
from claimscope.corroborate.coref_metrics import clusters_from_labels, evaluate

OBTAIN = ("ECB+ data not found under {where}.\nExpected interim/ECB_{split}_corpus.txt and "
          "interim/ECB_{split}_Event_gold_mentions.json (the export of "
          "github.com/shanybar/event_entity_coref_ecb_plus, data/interim/cybulska_setup).")


@dataclass(frozen=True, slots=True)
class GoldMention:
    doc_id: str
    sent_id: int
    tokens_number: tuple[int, ...]
    tokens_str: str
    chain: str

    @property
    def key(self) -> tuple[str, int, tuple[int, ...]]:
        return self.doc_id, self.sent_id, self.tokens_number

    @property
    def topic(self) -> str:
        return topic_of(self.doc_id)


def topic_of(doc_id: str) -> str:
    """``"36_1ecb"`` -> ``"36"``."""
    return doc_id.split("_", 1)[0]


# --- data -------------------------------------------------------------------------------------


def resolve_data_dir(data: Path, split: str) -> Path | None:
    name = f"ECB_{split.capitalize()}_Event_gold_mentions.json"
    for folder in (data, data / "interim", data / "ecbplus" / "interim"):
        if (folder / name).is_file() and (folder / f"ECB_{split.capitalize()}_corpus.txt").is_file():
            return folder
    return None


def read_corpus(path: Path) -> dict[str, dict[int, list[str]]]:
    """``{doc_id: {sent_id: [token, ...]}}`` from the one-token-a-line corpus file."""
    docs: dict[str, dict[int, list[str]]] = defaultdict(dict)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 4:
                continue
            doc, sent, tok, token = fields[0], int(fields[1]), int(fields[2]), fields[3]
            tokens = docs[doc].setdefault(sent, [])
            if tok != len(tokens):
                raise ValueError(f"{path}: token {doc} {sent} {tok} out of order")
            tokens.append(token)
    return {doc: dict(sorted(sents.items())) for doc, sents in docs.items()}


def read_gold(path: Path) -> list[GoldMention]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    mentions = [GoldMention(m["doc_id"], int(m["sent_id"]), tuple(int(t) for t in m["tokens_number"]),
                            m.get("tokens_str", ""), str(m["coref_chain"])) for m in raw]
    keys = [m.key for m in mentions]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{path}: the same mention twice")
    return mentions


def load_split(data: Path, split: str) -> tuple[dict[str, dict[int, list[str]]], list[GoldMention]]:
    folder = resolve_data_dir(data, split)
    if folder is None:
        fail_missing(OBTAIN.format(where=data, split=split.capitalize()))
    corpus = read_corpus(folder / f"ECB_{split.capitalize()}_corpus.txt")
    return corpus, read_gold(folder / f"ECB_{split.capitalize()}_Event_gold_mentions.json")


def parse_sentences(corpus: dict[str, dict[int, list[str]]], needed: set[tuple[str, int]],
                    nlp=None) -> dict[tuple[str, int], list[tuple[str, int]]]:
    """Lemma and head index of every token of the ``needed`` sentences, with the tokenisation
    kept (a spaCy ``Doc`` built from the corpus tokens, tagged and parsed)."""
    from spacy.tokens import Doc

    if nlp is None:
        from claimscope.extract.nlp import load_nlp

        nlp = load_nlp()
    keep = {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"}
    disable = [name for name in nlp.pipe_names if name not in keep]
    order = sorted(needed)
    docs = (Doc(nlp.vocab, words=[t if t.strip() else "_" for t in corpus[d][s]]) for d, s in order)
    out = {}
    for key, doc in zip(order, nlp.pipe(docs, disable=disable, batch_size=64)):
        out[key] = [(tok.lemma_.lower() or tok.lower_, tok.head.i, tok.dep_, tok.is_stop or tok.is_punct)
                    for tok in doc]
    return out


ARG_DEPS = {"nsubj", "nsubjpass", "dobj", "obj", "iobj", "agent", "attr", "poss", "compound",
            "amod", "nmod", "npadvmod", "nummod", "appos", "oprd", "dative", "pobj", "prep"}


def argument_lemmas(analysis: list[tuple], head: int, span: set[int]) -> tuple[str, ...]:
    """Content lemmas of the head's participants: its subject, objects, possessor, modifiers
    and prepositional objects (with their compounds), outside the mention itself."""
    children: dict[int, list[int]] = defaultdict(list)
    for i, (_, h, _, _) in enumerate(analysis):
        if h != i:
            children[h].append(i)
    found: list[str] = []
    frontier = [c for c in children[head] if analysis[c][2] in ARG_DEPS and c not in span]
    seen: set[int] = set()
    while frontier:
        i = frontier.pop()
        if i in seen:
            continue
        seen.add(i)
        lemma, _, dep, stop = analysis[i]
        if dep == "prep":
            frontier.extend(c for c in children[i] if analysis[c][2] == "pobj")
            continue
        if not stop:
            found.append(lemma)
        frontier.extend(c for c in children[i] if analysis[c][2] in {"compound", "poss", "nummod"})
    return tuple(dict.fromkeys(found))


def build_mentions(corpus: dict[str, dict[int, list[str]]], gold: Sequence[GoldMention],
                   nlp=None) -> list[Mention]:
    """One :class:`Mention` per gold mention (same order)."""
    parsed = parse_sentences(corpus, {(m.doc_id, m.sent_id) for m in gold}, nlp)
    doc_texts = {doc: " ".join(" ".join(tokens) for tokens in sents.values())
                 for doc, sents in corpus.items()}
    mentions = []
    for g in gold:
        tokens = corpus[g.doc_id][g.sent_id]
        analysis = parsed[g.doc_id, g.sent_id]
        span = [i for i in g.tokens_number if 0 <= i < len(tokens)]
        if not span:
            raise ValueError(f"mention {g.key} outside its sentence")
        inside = set(span)
        heads = [i for i in span if analysis[i][1] not in inside or analysis[i][1] == i]
        head = heads[-1] if heads else span[-1]
        lemmas = (analysis[head][0], *(analysis[i][0] for i in span if i != head))
        mentions.append(Mention(
            doc_id=g.doc_id, trigger=" ".join(tokens[i] for i in span), lemmas=lemmas,
            sentence=" ".join(tokens), doc_text=doc_texts[g.doc_id], id=g.key, sent_id=g.sent_id,
            args=argument_lemmas(analysis, head, inside)))
    return mentions


# --- systems ----------------------------------------------------------------------------------


def same_lemma_labels(mentions: Sequence[Mention], blocks: Sequence[str],
                      groups: Sequence[object] | None = None) -> list[int]:
    """Same head lemma within a block (and within a document group when given)."""
    ids: dict[tuple, int] = {}
    return [ids.setdefault((b, g, m.head), len(ids))
            for m, b, g in zip(mentions, blocks, groups or [None] * len(mentions))]


def document_group_labels(model: CorefModel, mentions: Sequence[Mention], blocks: Sequence[str],
                          ctx, doc_threshold: float) -> list[tuple[str, int]]:
    by_block: dict[str, list[int]] = defaultdict(list)
    for i, b in enumerate(blocks):
        by_block[b].append(i)
    out: list[tuple[str, int]] = [("", 0)] * len(mentions)
    for b, idx in by_block.items():
        groups = model.document_groups([mentions[i] for i in idx], ctx, doc_threshold)
        for i, g in zip(idx, groups):
            out[i] = (b, int(g))
    return out


def score(gold: Sequence[GoldMention], labels: Sequence[int]) -> dict[str, float]:
    keys = [g.key for g in gold]
    key_clusters = clusters_from_labels(keys, [g.chain for g in gold])
    response = clusters_from_labels(keys, labels)
    return evaluate(key_clusters, response, doc_of=lambda k: k[0])


def write_predictions(path: Path, gold: Sequence[GoldMention], labels: Sequence[int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for g, label in zip(gold, labels):
            handle.write(json.dumps({"doc_id": g.doc_id, "sent_id": g.sent_id,
                                     "tokens_number": list(g.tokens_number),
                                     "cluster": int(label)}) + "\n")


def _r(value: float) -> float:
    return round(float(value), 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_argument(parser, "ecbplus")
    parser.add_argument("--split", default="dev", help="dev or train (default dev)")
    parser.add_argument("--predictions", type=Path, help="write the system clusters (JSON lines)")
    parser.add_argument("--model", type=Path, help="weights JSON (default: the shipped model)")
    parser.add_argument("--plain", action="store_true", help="plain-text tables")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    corpus, gold = load_split(args.data, args.split)
    mentions = build_mentions(corpus, gold)
    parsed_s = time.perf_counter() - started
    blocks = [g.topic for g in gold]
    model = CorefModel.load(args.model)
    if model.uses_embeddings and load_embedder() is None:
        fail_missing("this model uses embedding features: pip install tokenlearn-static-model")
    ctx = model.context(mentions, embedder=load_embedder() if model.uses_embeddings else None)

    clock = time.perf_counter()
    ours = model.cluster(mentions, blocks=blocks, ctx=ctx)
    ours_s = time.perf_counter() - clock
    systems: list[tuple[str, list[int]]] = [("ours", ours)]
    if model.doc_threshold is not None:
        systems.append(("ours without doc clusters",
                        model.cluster(mentions, blocks=blocks, ctx=ctx, doc_clustering=False)))
    systems.append(("singletons", list(range(len(gold)))))
    systems.append(("same lemma", same_lemma_labels(mentions, blocks)))
    if model.doc_threshold is not None:
        groups = document_group_labels(model, mentions, blocks, ctx, model.doc_threshold)
        systems.append(("same lemma + doc clusters", same_lemma_labels(mentions, blocks, groups)))

    results = {name: score(gold, labels) for name, labels in systems}
    rows = [[name, _r(s["muc"]), _r(s["b3"]), _r(s["ceafe"]), _r(s["conll_f1"]), _r(s["lea"]),
             f"{s['source_count_mae']:.2f}", _r(s["source_count_exact"]),
             len(set(labels))] for (name, labels), s in zip(systems, results.values())]
    topics = sorted(set(blocks), key=lambda t: (len(t), t))
    print_table(f"ECB+ {args.split}: {len(gold)} gold event mentions, {len(corpus)} documents, "
                f"{len(topics)} topics", ["System", "MUC", "B3", "CEAF-e", "CoNLL F1", "LEA",
                                          "src MAE", "src exact", "clusters"],
                rows, plain=args.plain)
    mine = results["ours"]
    print_table("ours: recall / precision", ["Metric", "R", "P", "F1"],
                [[name, _r(mine[f"{key}_r"]), _r(mine[f"{key}_p"]), _r(mine[key])]
                 for name, key in (("MUC", "muc"), ("B-cubed", "b3"), ("CEAF-e", "ceafe"),
                                   ("LEA", "lea"))], plain=args.plain)
    if args.predictions:
        write_predictions(args.predictions, gold, ours)
    print_notes([
        f"gold clusters: {len(set(g.chain for g in gold))}; spanning 2+ documents: "
        f"{int(mine['source_clusters'])}; topics: {', '.join(topics)}",
        f"model: threshold {model.threshold}, doc_threshold {model.doc_threshold}, "
        f"linkage {model.linkage}; seconds: parse {parsed_s:.1f}, cluster {ours_s:.1f}, "
        f"total {time.perf_counter() - started:.1f}"
        + (f"; predictions: {args.predictions}" if args.predictions else ""),
    ])
    final = {key: _r(mine[key]) for key in ("muc", "b3", "ceafe", "conll_f1", "lea")}
    final["source_count_mae"] = round(mine["source_count_mae"], 3)
    final["source_count_exact"] = _r(mine["source_count_exact"])
    for name, key in (("singletons", "singletons_conll_f1"), ("same lemma", "lemma_conll_f1"),
                      ("same lemma + doc clusters", "lemma_doc_conll_f1"),
                      ("ours without doc clusters", "no_doc_clustering_conll_f1")):
        if name in results:
            final[key] = _r(results[name]["conll_f1"])
    final.update(mentions=len(gold), documents=len(corpus), split=args.split)
    print_final_json(final)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
