"""A trained attribution span tagger (CUE / SOURCE / CONTENT) that the rules can consult.

The model is a transition-based NER (spaCy's ``EntityRecognizer``) trained on PolNeAR
(``train/attribution_tagger.py``). It has no embedding layers of its own: its features come from
a ``Tok2VecListener`` on en_core_web_sm's shared ``tok2vec``, which was frozen during training, so
inside an en_core_web_sm pipeline it reads the ``doc.tensor`` that ``tok2vec`` already wrote and
the extra cost per document is only the NER's small layers.

The component (factory ``cs_attribution_tagger``) does not touch ``doc.ents``: it hides the
existing entities while it predicts (preset entities would otherwise constrain the transition
system), writes its spans to ``doc.spans["cs_attribution"]`` and restores the entity annotation
token for token (IOB, type, KB id, entity id).

Usage::

    nlp = load_nlp()                      # en_core_web_sm
    add_attribution_tagger(nlp)           # False when the model folder is missing
    doc = nlp(text)
    tagged_spans(doc)                     # [("CUE", 112, 116), ("SOURCE", 89, 106), ...]
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy
from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import minibatch, registry
from thinc.api import Config

__all__ = [
    "COMPONENT",
    "FACTORY",
    "LABELS",
    "MODEL_DIR",
    "SPANS_KEY",
    "AttributionTagger",
    "add_attribution_tagger",
    "tagged_spans",
]

FACTORY = "cs_attribution_tagger"
COMPONENT = "cs_attribution_tagger"  # name of the component in the shipped pipeline
SPANS_KEY = "cs_attribution"
LABELS = ("CUE", "SOURCE", "CONTENT")
MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "attribution_tagger"
TOK2VEC_HASH_FILE = "tok2vec.sha256"  # fingerprint of the frozen tok2vec the model was trained on

_ENT_ATTRS = [ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID]

DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 96
upstream = "tok2vec"
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]


def _span_getter(spans_key: str):
    def getter(doc: Doc, attr: str) -> list[Span]:
        # predicted docs carry the span group; reference (gold) docs carry the spans as ents
        if spans_key in doc.spans:
            return list(doc.spans[spans_key])
        return list(doc.ents)

    return getter


def score_attribution(examples: Iterable[Example], *, spans_key: str = SPANS_KEY,
                      **_: Any) -> dict[str, Any]:
    """Exact-span P/R/F under the usual NER keys (``ents_f``, ``ents_per_type``) so the
    training loop can select the best model; predictions are read from ``doc.spans``."""
    return Scorer.score_spans(examples, "ents", getter=_span_getter(spans_key),
                              labeled=True, allow_overlap=False)


@registry.scorers("claimscope.attribution_scorer.v1")
def make_attribution_scorer():
    return score_attribution


class AttributionTagger(EntityRecognizer):
    """An ``EntityRecognizer`` whose predictions go to ``doc.spans[spans_key]``; ``doc.ents``
    is left exactly as it was. Training (``update``) is the stock NER's: gold spans are the
    reference docs' entities."""

    def __init__(self, vocab, model, name: str = COMPONENT, moves=None, *,
                 spans_key: str = SPANS_KEY, **kwargs: Any) -> None:
        super().__init__(vocab, model, name, moves, **kwargs)
        self.cfg["spans_key"] = spans_key

    @property
    def spans_key(self) -> str:
        return self.cfg.get("spans_key", SPANS_KEY)

    def set_annotations(self, docs, states_or_beams) -> None:
        """Write the predicted spans to ``doc.spans`` and leave the entity annotation as found."""
        key = self.spans_key
        saved = [doc.to_array(_ENT_ATTRS) for doc in docs]
        super().set_annotations(docs, states_or_beams)
        for doc, arr in zip(docs, saved):
            doc.spans[key] = [Span(doc, e.start, e.end, label=e.label) for e in doc.ents]
            _restore_ents(doc, arr)

    def _tag(self, docs: list[Doc]) -> None:
        saved = [doc.to_array(_ENT_ATTRS) for doc in docs]
        for doc in docs:  # preset entities would constrain the NER's transitions: hide them
            doc.set_ents([], default="missing")
        self.set_annotations(docs, self.predict(docs))
        for doc, arr in zip(docs, saved):
            _restore_ents(doc, arr)

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            self._tag([doc])
        except Exception as e:  # noqa: BLE001  # pragma: no cover - spaCy's error-handler protocol
            error_handler(self.name, self, [doc], e)
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        error_handler = self.get_error_handler()
        for batch in minibatch(docs, size=batch_size):
            batch_in_order = list(batch)
            try:
                by_length = sorted(batch_in_order, key=len)
                for sub in minibatch(by_length, size=max(batch_size // 4, 2)):
                    self._tag(list(sub))
                yield from batch_in_order
            except Exception as e:  # noqa: BLE001  # pragma: no cover - spaCy's error-handler protocol
                error_handler(self.name, self, batch_in_order, e)


def _restore_ents(doc: Doc, arr: numpy.ndarray) -> None:
    if len(doc):
        doc.from_array(_ENT_ATTRS, arr)
    else:
        doc.set_ents([], default="missing")


@Language.factory(
    FACTORY,
    assigns=["doc.spans"],
    default_config={
        "model": DEFAULT_MODEL,
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "incorrect_spans_key": None,
        "spans_key": SPANS_KEY,
        "scorer": {"@scorers": "claimscope.attribution_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_attribution_tagger(nlp: Language, name: str, model, moves, update_with_oracle_cut_size: int,
                            incorrect_spans_key, spans_key: str, scorer) -> AttributionTagger:
    return AttributionTagger(
        nlp.vocab, model, name, moves,
        update_with_oracle_cut_size=update_with_oracle_cut_size,
        incorrect_spans_key=incorrect_spans_key,
        spans_key=spans_key,
        scorer=scorer,
    )


# --------------------------------------------------------------------------- public API


def tok2vec_fingerprint(nlp: Language, name: str = "tok2vec") -> str | None:
    """sha256 of a pipeline's ``tok2vec`` weights (None when it has no such component)."""
    if name not in nlp.pipe_names:
        return None
    model = getattr(nlp.get_pipe(name), "model", None)
    if model is None:
        return None
    return hashlib.sha256(model.to_bytes()).hexdigest()


def add_attribution_tagger(nlp: Language, model_dir: Path | str | None = None,
                           name: str = COMPONENT) -> bool:
    """Add the trained tagger (last in the pipeline) to an already loaded pipeline.

    Returns False, without error, when the model folder is missing; True when the component is
    there (also when it already was). With en_core_web_sm (its ``tok2vec`` identical to the one
    the tagger was trained on) the component listens to the pipeline's ``tok2vec``; with any other
    pipeline it gets a private copy of the tagger's own ``tok2vec`` (correct, but slower).
    """
    path = Path(model_dir) if model_dir is not None else MODEL_DIR
    if not (path / "config.cfg").is_file() or not (path / COMPONENT).is_dir():
        return False
    if name in nlp.pipe_names:
        return True
    import spacy

    expected = (path / TOK2VEC_HASH_FILE).read_text().strip() if (path / TOK2VEC_HASH_FILE).is_file() else None
    shared = expected is not None and tok2vec_fingerprint(nlp) == expected
    if shared:
        # light path: build the component from its saved config and load its weights only
        config = Config().from_disk(path / "config.cfg", interpolate=False)
        comp_cfg = dict(config["components"][COMPONENT])
        comp_cfg.pop("factory", None)
        pipe = nlp.add_pipe(FACTORY, name=name, config=comp_cfg)
        pipe.from_disk(path / COMPONENT, exclude=["vocab"])
        for label in pipe.labels:
            nlp.vocab.strings.add(label)
    else:
        source = spacy.load(path)
        source.replace_listeners("tok2vec", COMPONENT, _listener_paths(source.config))
        nlp.add_pipe(COMPONENT, name=name, source=source)
    return True


def _listener_paths(config: Config) -> list[str]:
    """Config paths (relative to the component) of the tok2vec listeners in the tagger."""
    found = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, dict):
            if node.get("@architectures", "").startswith("spacy.Tok2VecListener"):
                found.append(".".join(path))
            for key, value in node.items():
                walk(value, [*path, key])

    walk(config["components"][COMPONENT]["model"], ["model"])
    return found


def tagged_spans(doc: Doc, key: str = SPANS_KEY) -> list[tuple[str, int, int]]:
    """The tagger's spans of ``doc`` as ``(label, start_char, end_char)``, in text order."""
    if key not in doc.spans:
        return []
    return [(span.label_, span.start_char, span.end_char) for span in doc.spans[key]]
