"""The register's commands: ingest, export, status, owner, target, review-links."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline import ingest, register
from pipeline.cli import cli
from tests import register_fixtures as fx


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def json_extractor(monkeypatch):
    monkeypatch.setattr(
        ingest, "default_extract_fn", lambda *args, **kwargs: fx.json_extract
    )


@pytest.fixture
def loaded(tmp_path, runner, json_extractor):
    paths = fx.write_documents(tmp_path / "docs", fx.all_documents())
    db_path = tmp_path / "register.db"
    result = runner.invoke(
        cli, ["ingest", "--db", str(db_path), *map(str, paths)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return db_path


def first_item_id(db_path) -> str:
    return json.loads(export_output(db_path))["items"][0]["id"]


def export_output(db_path) -> str:
    result = CliRunner().invoke(
        cli,
        ["export", "--db", str(db_path), "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0 and result.stderr == ""
    return result.stdout


def test_ingest_prints_summary_on_stderr_only(tmp_path, runner, loaded):
    paths = sorted((tmp_path / "docs").glob("*.json"))
    result = runner.invoke(cli, ["ingest", "--db", str(loaded), *map(str, paths)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "loaded 0, skipped 5, failed 0"


def test_ingest_exits_nonzero_when_a_file_fails(tmp_path, runner, json_extractor):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"fail": "EncryptedPdf"}))
    good = fx.write_documents(tmp_path / "docs", [fx.peel_2015()])[0]
    db_path = tmp_path / "register.db"
    result = runner.invoke(cli, ["ingest", "--db", str(db_path), str(bad), str(good)])
    assert result.exit_code == 1
    assert "loaded 1, skipped 0, failed 1" in result.stderr
    assert f"{bad}: encrypted" in result.stderr
    assert result.stdout == ""


def test_export_prints_contract_json(loaded):
    document = json.loads(export_output(loaded))
    assert len(document["reports"]) == 5
    assert export_output(loaded) == export_output(loaded)


def test_export_names_a_missing_register(tmp_path, runner):
    result = runner.invoke(cli, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no register here" in result.stderr
    assert result.stdout == ""


def test_status_owner_and_target_record_analyst_changes(loaded, runner):
    item_id = first_item_id(loaded)
    for args in (
        ["status", item_id, "pending_sign_off", "--note", "evidence sent"],
        ["status", item_id, "amber"],
        ["owner", item_id, "Head of Public Protection"],
        ["target", item_id, "2030-03-31", "--note", "new IT"],
    ):
        result = runner.invoke(
            cli, [*args, "--db", str(loaded)], catch_exceptions=False
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(item_id)
    item = register.open_register(loaded)["items"].get(item_id)
    assert (item["status"], item["rag"], item["owner"], item["target_date"]) == (
        "pending_sign_off",
        "amber",
        "Head of Public Protection",
        "2030-03-31",
    )
    assert "evidence sent" in item["notes"] and "new IT" in item["notes"]


def test_status_errors_name_the_item_and_the_fix(loaded, runner):
    result = runner.invoke(cli, ["status", "nope", "closed", "--db", str(loaded)])
    assert result.exit_code == 1 and "nope: no such item" in result.stderr
    result = runner.invoke(cli, ["status", first_item_id(loaded), "done"])
    assert result.exit_code == 1 and "'done' is not a status" in result.stderr
    result = runner.invoke(
        cli, ["target", first_item_id(loaded), "soon", "--db", str(loaded)]
    )
    assert result.exit_code == 1 and "soon" in result.stderr


def test_review_links_lists_confirms_and_splits(loaded, runner):
    result = runner.invoke(cli, ["review-links", "--db", str(loaded)])
    assert result.exit_code == 0
    assert "supersedes" in result.stdout
    link_id = result.stdout.split("]")[0].strip("[")
    result = runner.invoke(
        cli, ["review-links", "--db", str(loaded), "--confirm", link_id]
    )
    assert result.exit_code == 0 and "confirmed=1" in result.stdout
    result = runner.invoke(cli, ["review-links", "--db", str(loaded)])
    assert result.stdout == ""
    result = runner.invoke(cli, ["review-links", "--db", str(loaded), "--split", "999"])
    assert result.exit_code == 1 and "no such link" in result.stderr
