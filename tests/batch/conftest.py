"""The batch tests' input and the store an uninterrupted local run leaves from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_corpus import batch, finish, write_corpus
from store_snapshot import snapshot


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("batch") / "corpus")


@pytest.fixture(scope="session")
def reference(corpus, tmp_path_factory) -> dict:
    """The store an uninterrupted run leaves."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'ref.db'}"
    out = finish(batch(corpus, url))
    assert "4 rejected" in out, out
    return snapshot(url)


