"""Shared fixtures: the spaCy pipeline loaded once, and the path to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from claimscope.extract.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: shared samples and benchmarks are not available here")
    return SHARED


# For the CLI tests (test_cli.py, fetch/test_cli_fetch.py): they opt in to the stand-in
# extractor with ``pytestmark = pytest.mark.usefixtures("stand_in_extractor")``.


@pytest.fixture
def stand_in_extractor(monkeypatch):
    from sample_records import use_stand_in_extractor

    use_stand_in_extractor(monkeypatch)


@pytest.fixture
def runner():
    from sample_records import cli_runner

    return cli_runner()


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"
