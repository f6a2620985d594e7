"""``claimscope stories``, ``trace`` and ``ledger`` on the developing-story corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimscope import cli

CORPUS = Path(__file__).parent / "corroboration" / "corpus.jsonl"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('story') / 'story.db'}"
    result = CliRunner().invoke(cli.app, ["ingest", str(CORPUS), "--db", url])
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture
def runner():
    return CliRunner(env={"COLUMNS": "200", "CLAIMSCOPE_DB": None, "NO_COLOR": "1"})


def test_stories_count_articles_outlets_and_roots(runner, db):
    result = runner.invoke(cli.app, ["stories", "--db", db, "--min-articles", "3"])
    assert result.exit_code == 0, result.output
    assert "articles" in result.stdout and "roots" in result.stdout
    assert len([line for line in result.stdout.splitlines() if line.strip().startswith("s:")]) >= 1


def test_trace_shows_the_root_and_the_outlets_repeating_it(runner, db):
    claims = json.loads(runner.invoke(cli.app, ["claims", "--db", db, "--json", "--source", "military intelligence"]).stdout)
    figure_claim = next(c for c in claims if c["figures"] and "100" in c["content"]["text"])
    result = runner.invoke(cli.app, ["trace", figure_claim["id"], "--db", db])
    assert result.exit_code == 0, result.output
    assert "CIRCULAR" in result.stdout and "1 independent root(s)" in result.stdout
    missing = runner.invoke(cli.app, ["trace", "no-such-claim", "--db", db])
    assert missing.exit_code == 1


def test_ledger_table_and_chart(runner, db, tmp_path):
    chart = tmp_path / "ledger.png"
    result = runner.invoke(cli.app, ["ledger", "--figure", "killed", "--actor", "North Korea",
                                     "--db", db, "--plot", str(chart)])
    assert result.exit_code == 0, result.output
    assert "contradicts" in result.stdout and "derived" in result.stdout
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    unknown = runner.invoke(cli.app, ["ledger", "--figure", "killed", "--actor", "Atlantis", "--db", db])
    assert unknown.exit_code == 2
