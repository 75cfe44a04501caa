"""CSV and XLSX export (pipeline/tabular.py) and the `report`/`export` commands.

Uses the register of tests/test_committee.py: 15 items, 14 of them West
Midlands Police's or national, one Staffordshire Police's (S1).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.tabular import filter_register, items_table, read_register, write_xlsx
from tests.test_committee import GOLDEN, WMP, build_register


@pytest.fixture
def register_path(tmp_path):
    return build_register(tmp_path / "register.db")


def test_items_table_one_row_per_item(register_path):
    table = items_table(read_register(register_path)).set_index("id")
    assert len(table) == 15
    d1 = table.loc["D1"]
    assert (d1["status"], d1["rag"], d1["owner"]) == (
        "in_progress",
        "red",
        "Head of Public Protection",
    )
    assert d1["occurrence_count"] == 3
    assert d1["occurrences"].startswith(
        "PEEL: Police effectiveness 2015 - West Midlands Police (2016-02-18) "
        "no. 1 p. 10; "
    )
    assert "2017-05-02 target_date: 2017-09-30 (analyst)" in d1["history"]


def test_filters(register_path):
    register = read_register(register_path)
    # Staffordshire's S1 is the only item not West Midlands' or national.
    assert len(filter_register(register, force=WMP).items) == 14
    # National items (Everyone's business) count for every force.
    staffs = filter_register(register, force="staffordshire police")
    assert set(staffs.items["id"]) == {"S1", "E1", "E2", "E3"}
    closed = filter_register(register, statuses=["closed", "superseded"])
    assert set(closed.items["id"]) == {"E1", "E2", "KA3"}
    afis = filter_register(register, kinds=["area_for_improvement"], statuses=["open"])
    assert set(afis.items["id"]) == {"A2", "KA1", "KA2"}
    # Since 1 June 2017: KA3 closed (1 June), D1 changed (20 June); no report.
    assert set(filter_register(register, since=date(2017, 6, 1)).items["id"]) == {
        "KA3",
        "D1",
    }
    assert set(closed.occurrences["item_id"]) <= {"E1", "E2", "KA3"}


def test_xlsx_has_a_sheet_per_table_and_sized_columns(register_path, tmp_path):
    path = tmp_path / "register.xlsx"
    write_xlsx(read_register(register_path), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["items", "occurrences", "reports", "history"]
    items = book["items"]
    assert items.max_row == 16  # header and 15 items
    headers = [cell.value for cell in items[1]]
    text_column = items.cell(row=1, column=headers.index("text") + 1).column_letter
    assert items.column_dimensions[text_column].width == 60
    assert items.column_dimensions["A"].width < 20
    assert items.freeze_panes == "A2"


def test_cli_export_csv_with_filters(register_path):
    result = CliRunner().invoke(
        cli,
        ["export", "--db", str(register_path), "--format", "csv", "--force", WMP,
         "--kind", "recommendation", "--status", "open"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # Open West Midlands/national recommendations: K1, P1, K2.
    assert sorted(row["id"] for row in rows) == ["K1", "K2", "P1"]


def test_cli_export_xlsx_needs_output(register_path):
    result = CliRunner().invoke(
        cli, ["export", "--db", str(register_path), "--format", "xlsx"]
    )
    assert result.exit_code == 1
    assert "needs --output" in result.stderr
    assert result.stdout == ""


def test_cli_export_json_unchanged_by_this_branch(register_path):
    result = CliRunner().invoke(
        cli, ["export", "--db", str(register_path)], catch_exceptions=False
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {"reports", "items"}
    refused = CliRunner().invoke(
        cli, ["export", "--db", str(register_path), "--status", "open"]
    )
    assert refused.exit_code == 1 and refused.stdout == ""


def test_cli_report_markdown_matches_golden(register_path, tmp_path):
    output = tmp_path / "committee.md"
    result = CliRunner().invoke(
        cli,
        ["report", "--db", str(register_path), "--since", "2017-03-01",
         "--until", "2017-06-08", "--force", WMP, "--format", "md",
         "--output", str(output)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(output)
    assert output.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")


def test_cli_report_rejects_reversed_period(register_path):
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--db",
            str(register_path),
            "--since",
            "2017-06-08",
            "--until",
            "2017-03-01",
        ],
    )
    assert result.exit_code == 1
    assert "is before --since" in result.stderr
