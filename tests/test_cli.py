"""Every CLI command through Typer's CliRunner, with the stand-in extractor.

The real reader (``claimscope.ingest``) reads the files; ``sample_records.fake_extract`` makes
one claim per "X said Y" sentence, so counts are known in advance. ``test_cli_demo.py`` runs
the real extractor.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from claimscope import cli

ARTICLE_ONE = """Shelling Hits Border Town

By Ana Field

March 3, 2025

The mayor said two houses were destroyed overnight.

Police said nobody was hurt in the blast.
"""

ARTICLE_TWO = """Convoy Reaches Port

By Tom Reed

March 4, 2025

The governor said the convoy had reached the port on Tuesday.
"""


# The stand-in extractor and the runner and db fixtures come from conftest.py.
pytestmark = pytest.mark.usefixtures("stand_in_extractor")


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text(ARTICLE_ONE, encoding="utf-8")
    (folder / "two.txt").write_text(ARTICLE_TWO, encoding="utf-8")
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    return folder


def invoke(runner, *args):
    return runner.invoke(cli.app, [str(arg) for arg in args])


def ingested(runner, db, inputs):
    files = sorted(inputs.glob("*.txt"))
    result = invoke(runner, "ingest", *files, "--db", db)
    assert result.exit_code == 0, result.output
    return result


def test_ingest_twice_keeps_row_counts(runner, db, inputs):
    first = ingested(runner, db, inputs)
    assert "2 articles, 3 claims, 1 rejected" in first.stdout
    ingested(runner, db, inputs)
    result = invoke(runner, "claims", "--db", db, "--json")
    assert len(json.loads(result.stdout)) == 3
    assert len(json.loads(invoke(runner, "claims", "--db", db, "--json").stdout)) == 3


def test_rejection_is_one_line_on_stderr(runner, db, inputs):
    result = ingested(runner, db, inputs)
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("rejected")]
    assert line.startswith("rejected [E002] ") and "blob.txt: " in line
    assert "rejected" not in result.stdout.replace("1 rejected", "")


def test_strict_exits_1_when_something_was_rejected(runner, db, inputs):
    result = invoke(runner, "ingest", *sorted(inputs.glob("*.txt")), "--db", db, "--strict")
    assert result.exit_code == 1
    clean = invoke(runner, "ingest", inputs / "one.txt", "--db", db, "--strict")
    assert clean.exit_code == 0


def test_ingest_reads_stdin_and_folders(runner, db, inputs):
    piped = runner.invoke(cli.app, ["ingest", "-", "--db", db], input=ARTICLE_TWO)
    assert piped.exit_code == 0 and "1 articles, 1 claims, 0 rejected" in piped.stdout
    folder = invoke(runner, "ingest", inputs, "--db", db)
    assert "2 articles, 3 claims, 1 rejected" in folder.stdout


def test_rejected_command_lists_the_file(runner, db, inputs):
    ingested(runner, db, inputs)
    result = invoke(runner, "rejected", "--db", db)
    assert result.exit_code == 0 and "blob.txt" in result.stdout and "E002" in result.stdout


def test_claims_table_and_filters(runner, db, inputs):
    ingested(runner, db, inputs)
    table = invoke(runner, "claims", "--db", db)
    assert "The mayor (outlet)" in table.stdout and "said" in table.stdout
    only_police = invoke(runner, "claims", "--db", db, "--source", "police", "--json")
    assert [c["source"]["name"] for c in json.loads(only_police.stdout)] == ["Police"]
    limited = invoke(runner, "claims", "--db", db, "--limit", "1", "--json")
    assert len(json.loads(limited.stdout)) == 1
    none = invoke(runner, "claims", "--db", db, "--kind", "analysis")
    assert none.exit_code == 0 and "no claims match" in none.stderr


def test_claims_on_a_narrow_console_use_two_lines_each(db, inputs):
    narrow = CliRunner(env={"COLUMNS": "80", "CLAIMSCOPE_DB": None, "NO_COLOR": "1"})
    ingested(narrow, db, inputs)
    result = invoke(narrow, "claims", "--db", db)
    assert "The mayor (outlet) · said · asserted" in result.stdout
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80


def test_claims_rejects_unknown_choice(runner, db):
    result = invoke(runner, "claims", "--db", db, "--certainty", "sure")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_export_jsonl_csv_parquet_parse_back(runner, db, inputs, tmp_path):
    ingested(runner, db, inputs)
    jsonl = invoke(runner, "export", "--format", "jsonl", "--db", db)
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(records) == 3 and records[0]["source"]["type"] == "outlet"
    csv_file, parquet_file = tmp_path / "c.csv", tmp_path / "c.parquet"
    invoke(runner, "export", "-f", "csv", "-o", csv_file, "--db", db, "--source", "mayor")
    assert pd.read_csv(csv_file)["source_name"].tolist() == ["The mayor"]
    result = invoke(runner, "export", "--format", "parquet", "--output", parquet_file, "--db", db)
    assert result.exit_code == 0
    frame = pd.read_parquet(parquet_file)
    assert len(frame) == 3 and "killed_best" in frame.columns


def test_export_parquet_needs_output(runner, db):
    result = invoke(runner, "export", "--format", "parquet", "--db", db)
    assert result.exit_code == 2 and "--output" in result.stderr


def test_show_highlights_source_cue_and_content(runner, db, inputs):
    ingested(runner, db, inputs)
    (claim,) = json.loads(
        invoke(runner, "claims", "--db", db, "--source", "mayor", "--json").stdout
    )
    colour = CliRunner(env={"COLUMNS": "200", "FORCE_COLOR": "1", "NO_COLOR": None})
    result = colour.invoke(cli.app, ["show", claim["article_id"][:8], "--db", db])
    assert result.exit_code == 0, result.output
    assert "Shelling Hits Border Town" in result.stdout
    assert "\x1b[" in result.stdout  # styled
    plain = invoke(runner, "show", claim["article_id"], "--db", db)
    assert "2 claims" in plain.stdout and "two houses were destroyed overnight" in plain.stdout


def test_show_unknown_article(runner, db):
    result = invoke(runner, "show", "nope", "--db", db)
    assert result.exit_code == 1 and "no article" in result.stderr


@pytest.mark.parametrize("url", ["not-a-url", "nosuchdialect://x", "postgresql+nodriver://x/y"])
def test_bad_db_url_is_one_line_exit_2(runner, url):
    result = invoke(runner, "claims", "--db", url)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_db_from_environment(runner, db, inputs):
    ingested(runner, db, inputs)
    result = runner.invoke(cli.app, ["claims", "--json"], env={"CLAIMSCOPE_DB": db})
    assert len(json.loads(result.stdout)) == 3


def test_missing_model_is_one_line_exit_2(runner, db, monkeypatch, inputs):
    monkeypatch.undo()  # the real model loader, asked for a model that is not installed
    result = invoke(
        runner, "ingest", inputs / "one.txt", "--db", db, "--model", "no_such_model_xyz"
    )
    assert result.exit_code == 2 and "no_such_model_xyz" in result.stderr
    assert "Traceback" not in result.output


def test_every_command_has_help(runner):
    for command in ("ingest", "claims", "show", "export", "rejected", "demo"):
        result = invoke(runner, command, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout
