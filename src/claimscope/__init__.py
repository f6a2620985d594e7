"""claimscope: sourced, corroborated claims from war and conflict reporting.

``claimscope.extract(text, published=..., url=...)`` gives typed records without touching a
database; ``claimscope.extract_many(texts, n_process=2)`` does the same for many texts.
"""

from __future__ import annotations

from claimscope import extract
from claimscope.extract import extract_many
from claimscope.records import Article, Claim, Extraction

__version__ = "0.1.0"

__all__ = ["extract", "extract_many", "Article", "Claim", "Extraction", "__version__"]
