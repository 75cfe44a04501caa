"""hmic import-tracker: a force's own tracker spreadsheet into the register.

The spreadsheets are made by tests/tracker_sheets.py from the goldens, so
each row knows the item it tracks; the register holds every golden.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline import import_tracker as importer
from pipeline.cli import cli
from pipeline.database import Database
from pipeline.register import load_document, open_register, record_change
from tests import tracker_sheets

WMP = "West Midlands Police"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def golden_register(tmp_path_factory) -> Path:
    """A register file holding every golden document (no extraction)."""
    path = tmp_path_factory.mktemp("register") / "register.db"
    db = open_register(path)
    for golden in sorted(GOLDEN.glob("*.json")):
        load_document(db, json.loads(golden.read_text(encoding="utf-8")))
    db.conn.close()
    return path


@pytest.fixture
def db_path(golden_register, tmp_path) -> Path:
    path = tmp_path / "register.db"
    shutil.copy(golden_register, path)
    return path


def expected_item(db: Database, stem: str, index: int) -> str:
    row = db.execute(
        "SELECT o.item_id FROM occurrences AS o JOIN reports AS r "
        "ON r.id = o.report_id WHERE r.path = ? AND o.position = ?",
        [f"corpus/{stem}.pdf", index],
    ).fetchone()
    return row[0]


def imported(db: Database, file_name: str, expected) -> dict:
    return db.execute(
        "SELECT item_id, outcome, reason FROM import_rows "
        "WHERE file_name = ? AND sheet = ? AND row = ?",
        [file_name, expected.sheet, expected.row],
    ).fetchone()


def link_rate(db: Database, file_name: str, rows) -> float:
    """The share of rows with an item in the register linked to that item."""
    wanted = [e for e in rows if e.stem]
    right = sum(
        imported(db, file_name, e)[0] == expected_item(db, e.stem, e.index)
        for e in wanted
    )
    return right / len(wanted)


def snapshot(db: Database) -> tuple:
    """Every row of the tables an import writes."""
    return tuple(
        tuple(db.execute(f"SELECT * FROM {table} ORDER BY 1"))
        for table in ("items", "status_history", "import_rows", "reports")
    )


SHAPES = [
    ("per-item.xlsx", tracker_sheets.write_per_item, WMP),
    ("per-item.csv", tracker_sheets.write_per_item, WMP),
    ("per-action.xlsx", tracker_sheets.write_per_action, WMP),
    ("per-report.xlsx", tracker_sheets.write_per_report, None),
]


@pytest.mark.parametrize(("name", "write", "force"), SHAPES, ids=[s[0] for s in SHAPES])
def test_each_shape_links_its_rows_and_imports_once(
    db_path, tmp_path, name, write, force
):
    path = tmp_path / name
    rows = write(path)
    db = open_register(db_path)
    summary = importer.import_tracker(db, path, force=force)
    assert summary.read == len(rows)
    assert link_rate(db, name, rows) >= 0.95
    for own in (e for e in rows if e.stem is None and not e.refused):
        item_id, outcome, reason = imported(db, name, own)
        assert outcome == "review" and reason.startswith("new item")
        report = db.execute(
            "SELECT reports.title, reports.placeholder FROM items JOIN reports "
            "ON reports.id = items.first_report_id WHERE items.id = ?",
            [item_id],
        ).fetchone()
        assert report == ("Force internal audit", 1)
    refused = [e for e in rows if e.refused]
    assert [(s, n) for s, n, _ in summary.refused] == [
        (e.sheet, e.row) for e in refused
    ]
    assert all("'Q3 2019' is not a date" in why for _, _, why in summary.refused)
    before = snapshot(db)
    again = importer.import_tracker(db, path, force=force)
    assert snapshot(db) == before
    assert (again.entries, again.new) == (0, 0)


def test_history_is_dated_mapped_and_keeps_the_printed_words(db_path, tmp_path):
    path = tmp_path / "per-item.xlsx"
    rows = tracker_sheets.write_per_item(path)
    db = open_register(db_path)
    importer.import_tracker(db, path, force=WMP)
    first = rows[0]  # Complete, G, DCC Smith, 31/03/2018, revised 2018-09-30
    item_id = expected_item(db, first.stem, first.index)
    history = {
        field: (value, printed, date, note)
        for field, value, printed, date, note in db.execute(
            "SELECT field, value, printed, date, note FROM status_history "
            "WHERE item_id = ? AND source = 'import' ORDER BY id",
            [item_id],
        )
    }
    note = f"per-item.xlsx, Tracker, row {first.row}"
    assert history["status"] == ("closed", "Complete", "2019-01-01", note)
    assert history["rag"] == ("green", "G", "2019-01-01", note)
    assert history["owner"] == ("DCC Smith", None, "2019-01-01", note)
    assert history["target_date"][:2] == ("2018-09-30", "2018-09-30")
    assert history["notes"][0] == "Update: Update 0: plan agreed at board."
    item = db["items"].get(item_id)
    assert (item["status"], item["status_printed"], item["rag"]) == (
        "closed", "Complete", "green",
    )  # fmt: skip
    assert (item["owner"], item["target_date"], item["target_revisions"]) == (
        "DCC Smith", "2018-09-30", 1,
    )  # fmt: skip


def test_a_newer_analyst_entry_is_not_overwritten(db_path, tmp_path):
    path = tmp_path / "per-item.xlsx"
    rows = tracker_sheets.write_per_item(path)
    db = open_register(db_path)
    item_id = expected_item(db, rows[0].stem, rows[0].index)
    record_change(db, item_id, "status", "in_progress", force=WMP)
    record_change(db, item_id, "owner", "ACC Analyst", force=WMP)
    importer.import_tracker(db, path, force=WMP)  # dated 2019: older
    item = db["items"].get(item_id)
    assert (item["status"], item["owner"]) == ("in_progress", "ACC Analyst")
    sources = {r[0] for r in db.execute(
        "SELECT source FROM status_history WHERE item_id = ?", [item_id]
    )}  # fmt: skip
    assert sources == {"analyst", "import"}


def test_cli_prints_the_summary_and_refusals(db_path, tmp_path):
    path = tmp_path / "per-item.csv"
    rows = tracker_sheets.write_per_item(path)
    result = CliRunner().invoke(
        cli, ["import-tracker", "--db", str(db_path), str(path), "--force", "West Mids"]
    )
    assert result.exit_code == 1  # a row was refused; the rest are in
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"rows read {len(rows)}, linked ")
    assert lines[1] == (
        f"refused: row {rows[-1].row}: 'Q3 2019' is not a date; type it as 31/03/2018"
    )
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM import_rows").fetchone()[0] == len(
            rows
        )


def test_cli_names_a_file_it_cannot_read(db_path, tmp_path):
    path = tmp_path / "tracker.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    result = CliRunner().invoke(
        cli, ["import-tracker", "--db", str(db_path), str(path)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: .xls: not a tracker this reads; save it as .xlsx or .csv\n"
    )


def test_map_names_a_column_the_headers_miss(db_path, tmp_path):
    path = tmp_path / "odd.csv"
    text = tracker_sheets.golden("peel-effectiveness-2016-west-midlands")["items"][0][
        "text"
    ]
    path.write_text(f"Wording;Where we are\n{text};Complete\n", encoding="utf-8")
    db = open_register(db_path)
    with pytest.raises(importer.TrackerUnreadable, match="--map HEADER=text"):
        importer.import_tracker(db, path, force=WMP)
    mapping = {"Wording": "text", "Where we are": "status"}
    summary = importer.import_tracker(db, path, force=WMP, mapping=mapping)
    assert (summary.read, summary.linked) == (1, 1)


def test_sheet_reads_one_sheet_and_names_the_others(db_path, tmp_path):
    path = tmp_path / "per-report.xlsx"
    rows = tracker_sheets.write_per_report(path)
    db = open_register(db_path)
    summary = importer.import_tracker(db, path, sheet=rows[0].sheet)
    assert summary.read == sum(e.sheet == rows[0].sheet for e in rows)
    with pytest.raises(importer.TrackerUnreadable, match="no such sheet; it has "):
        importer.import_tracker(db, path, sheet="Nope")


# --- reading cells -------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Recommendation", "text"), ("HMICFRS ref", "number"), ("AFI", "text"),
        ("Report", "report"), ("Inspection", "report"), ("Owner", "owner"),
        ("Lead", "owner"), ("Target date", "target_date"),
        ("Revised date", "revised_date"), ("RAG", "rag"), ("RAG status", "rag"),
        ("Status", "status"), ("Update", "update"), ("Date closed", "closed"),
        ("Rec no.", "number"), ("Action owner", "owner"), ("Latest update", "update"),
        ("Date updated", "updated"), ("Actions", "action"), ("Colour", None),
    ],
)  # fmt: skip
def test_header_to_field(header, field):
    assert importer.header_to_field(header) == field


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("31/03/2018", "2018-03-31"), ("03/04/2018", "2018-04-03"),
        ("2018-03-31", "2018-03-31"), ("31 March 2018", "2018-03-31"),
        ("31st Mar 18", "2018-03-31"), ("1.4.19", "2019-04-01"),
        ("March 2019", "2019-03-31"), ("Feb 2020", "2020-02-29"),
        ("TBC", None), ("n/a", None), ("", None), ("43190", "2018-03-31"),
    ],
)  # fmt: skip
def test_cell_to_day_reads_uk_dates(typed, day):
    assert importer.cell_to_day(typed) == day


@pytest.mark.parametrize("typed", ["Q3 2019", "31 March", "2019", "32/01/2019"])
def test_cell_to_day_refuses_what_is_not_a_day(typed):
    with pytest.raises(importer.BadCell, match="not a date"):
        importer.cell_to_day(typed)


def test_merged_cells_and_a_late_header_are_read(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Tracker"])
    ws.append(["Ref", "Recommendation", "Action", "Status"])
    ws.append(["R1", "The force should do x.", "First", "Ongoing"])
    ws.append([None, None, "Second", "Complete"])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.append(["PEEL 2016"])  # a heading: the report of the rows under it
    ws.append(["R2", "The force should do y.", "Only", "Red"])
    book.save(tmp_path / "t.xlsx")
    (sheet,) = importer.read_sheets(tmp_path / "t.xlsx")
    rows = list(importer.sheet_to_rows(sheet))
    assert [(r.row, r.values.get("number"), r.values.get("action")) for r in rows] == [
        (3, "R1", "First"), (4, "R1", "Second"), (6, "R2", "Only"),
    ]  # fmt: skip
    assert rows[2].values["report"] == "PEEL 2016"
    assert "report" not in rows[0].values


def test_unmerged_action_rows_continue_the_item_above(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "Ref;Recommendation;Action\nR1;The force should do x.;First\n;;Second\n",
        encoding="utf-8",
    )
    rows = list(importer.sheet_to_rows(importer.read_sheets(path)[0]))
    assert [r.values["text"] for r in rows] == ["The force should do x."] * 2


@pytest.mark.parametrize(
    ("typed", "bare"),
    [("AFI 3", "3"), ("R12", "12"), ("Recommendation 4.23", "4.23"), ("(ii)", "ii"),
     ("Rec. 2", "2"), ("CoC 1", "1"), ("3", "3")],
)  # fmt: skip
def test_normalise_number(typed, bare):
    assert importer.normalise_number(typed) == bare
