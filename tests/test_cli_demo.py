"""The real reader and extractor end to end: ``claimscope demo`` and a two-process run."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
from typer.testing import CliRunner

from claimscope import cli
from claimscope.pipeline import run
from claimscope.store import Store

EXAMPLES = sorted(
    str(p) for p in (files("claimscope") / "examples").iterdir() if p.name.endswith(".txt")
)


@pytest.fixture(scope="session")
def nlp():
    from claimscope.extract.nlp import load_nlp

    return load_nlp()  # cached by load_nlp, so the CLI's own call below reuses it


@pytest.fixture
def runner():
    return CliRunner(env={"COLUMNS": "200", "CLAIMSCOPE_DB": None, "NO_COLOR": "1"})


def test_demo_ingests_the_examples_and_prints_claims(runner, nlp, tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    result = runner.invoke(cli.app, ["demo", "--db", db])
    assert result.exit_code == 0, result.output
    assert f"{len(EXAMPLES)} example articles" in result.stdout
    stored = json.loads(runner.invoke(cli.app, ["claims", "--db", db, "--json"]).stdout)
    assert {claim["article_id"] for claim in stored} and len(stored) >= len(EXAMPLES)
    again = runner.invoke(cli.app, ["demo", "--db", db])
    assert again.exit_code == 0
    assert len(json.loads(runner.invoke(cli.app, ["claims", "--db", db, "--json"]).stdout)) == len(
        stored
    )
    shown = runner.invoke(cli.app, ["show", stored[0]["article_id"], "--db", db])
    assert shown.exit_code == 0 and "claims" in shown.stdout


def test_two_processes_store_what_one_does(nlp):
    with Store.open("sqlite://") as one, Store.open("sqlite://") as two:
        run(EXAMPLES, store=one, nlp=nlp, n_process=1)
        summary = run(EXAMPLES, store=two, nlp=nlp, n_process=2, batch_size=1)
        assert summary.articles == len(EXAMPLES) and not summary.rejected
        assert [c.id for c in one.claims()] == [c.id for c in two.claims()]
