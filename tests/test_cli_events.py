"""``claimscope events`` and ``claimscope export --what events`` on the real pipeline."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from claimscope import cli

ARTICLE = """Drone strike hits Kharkiv
Written by A. Reporter
Mar. 6 - 2025 10:15 AM CET

Russian drones struck a residential district of Kharkiv on Tuesday, killing three civilians, the regional governor said.

Police in the city arrested two men on Wednesday on suspicion of helping to guide the drones, officials said.
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("events")
    (folder / "kharkiv.txt").write_text(ARTICLE, encoding="utf-8")
    url = f"sqlite:///{folder / 'events.db'}"
    result = CliRunner().invoke(cli.app, ["ingest", str(folder / "kharkiv.txt"), "--db", url])
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture
def runner():
    return CliRunner(env={"COLUMNS": "200", "CLAIMSCOPE_DB": None, "NO_COLOR": "1"})


def events_json(runner, db, *options):
    result = runner.invoke(cli.app, ["events", "--db", db, "--json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_events_are_listed_resolved_and_filterable(runner, db):
    found = events_json(runner, db)
    strike = next(e for e in found if e["code"] == "air_drone_strike")
    assert strike["place"]["name"] == "Kharkiv" and strike["place"]["admin1_code"] == "UA-63"
    assert strike["time"]["start"] == "2025-03-04" and strike["time"]["precision"] == "day"
    assert [(f["type"], f["best"]) for f in strike["figures"]] == [("killed", 3)]
    assert strike["actor1"]["country"] == "RU"
    assert [e["code"] for e in events_json(runner, db, "--type", "arrests")] == ["arrests"]
    assert events_json(runner, db, "--country", "UA") and not events_json(runner, db, "--country", "RU")
    table = runner.invoke(cli.app, ["events", "--db", db])
    assert "Air/drone strike" in table.stdout and "Kharkiv" in table.stdout


def test_export_events_in_every_format(runner, db, tmp_path):
    acled = runner.invoke(cli.app, ["export", "--db", db, "--what", "events", "--format", "acled"])
    assert acled.exit_code == 0, acled.output
    header = acled.stdout.splitlines()[0].split(",")
    assert header[:3] == ["event_id_cnty", "event_date", "year"] and "fatalities" in header
    geojson = json.loads(runner.invoke(cli.app, ["export", "--db", db, "--what", "events",
                                                 "--format", "geojson"]).stdout)
    assert geojson["type"] == "FeatureCollection" and geojson["features"]
    lon, lat = geojson["features"][0]["geometry"]["coordinates"]
    assert 35 < lon < 38 and 49 < lat < 51  # Kharkiv, longitude first
    out = tmp_path / "events.parquet"
    result = runner.invoke(cli.app, ["export", "--db", db, "--what", "events", "--format", "parquet",
                                     "-o", str(out)])
    assert result.exit_code == 0 and len(pd.read_parquet(out)) == len(events_json(runner, db))
    ucdp = runner.invoke(cli.app, ["export", "--db", db, "--what", "events", "--format", "ucdp"])
    assert "best" in ucdp.stdout.splitlines()[0].split(",")
    lines = runner.invoke(cli.app, ["export", "--db", db, "--what", "events", "--format", "jsonl"]).stdout
    assert all(json.loads(line)["claims"] for line in lines.splitlines())


def test_claim_formats_and_filters_are_checked(runner, db):
    wrong = runner.invoke(cli.app, ["export", "--db", db, "--format", "acled"])
    assert wrong.exit_code == 2 and "--what events" in wrong.output
    mixed = runner.invoke(cli.app, ["export", "--db", db, "--what", "events", "--format", "csv",
                                    "--source", "governor"])
    assert mixed.exit_code == 2
