"""No silent wrong answers from the analysts' commands: force names resolved
or refused with the closest names, status words, RAG words and dates checked
with one clear error, backdated changes, id prefixes, and target dates that
cannot precede the item."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from pipeline import register
from pipeline.cli import cli
from tests import register_fixtures as fx

KENT_TEXT = "The force should make sure that investigations are supervised."


def kent_2023() -> dict:
    items = [fx.item("area_for_improvement", None, KENT_TEXT, 9)]
    return fx.document("peel-2023-kent", "PEEL 2023 Kent", "2023-09-14",
                       "Kent Police", "inspection", items)  # fmt: skip


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "register.db"
    db = register.open_register(path)
    for document in [*fx.all_documents(), kent_2023()]:
        register.load_document(db, document, now="2017-06-30T09:00:00+00:00")
    db.conn.close()
    return path


def hmic(*args, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.stderr
    return result


def item_id_of(db_path, text_start: str) -> str:
    db = register.open_register(db_path)
    row = db.execute(
        "SELECT id FROM items WHERE text LIKE ?", [text_start + "%"]
    ).fetchone()
    return row[0]


def csv_texts(output: str) -> list[str]:
    return [row["text"] for row in csv.DictReader(io.StringIO(output))]


def test_export_force_kent_returns_kents_items(db_path):
    texts = csv_texts(
        hmic("export", "--db", db_path, "--format", "csv", "--force", "Kent").stdout
    )
    assert KENT_TEXT in texts
    assert fx.MISSING_AFI_2015 not in texts  # West Midlands' own


@pytest.mark.parametrize("typed", ["West Mids", "WMP", "west midlands police"])
def test_report_resolves_force_aliases(db_path, tmp_path, typed):
    output = tmp_path / "paper.md"
    hmic("report", "--db", db_path, "--since", "2017-03-01", "--until", "2017-06-30",
         "--force", typed, "--format", "md", "--output", output)  # fmt: skip
    text = output.read_text(encoding="utf-8")
    assert "for West Midlands Police and national reports" in text
    assert "- Inspection reports received: 1\n" in text  # PEEL 2016, 2 March 2017


def test_misspelt_force_is_refused_with_the_closest_names(db_path, tmp_path):
    result = hmic("report", "--db", db_path, "--since", "2017-03-01",
                  "--force", "Westmids Police", "--output", tmp_path / "p.html",
                  ok=False)  # fmt: skip
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "'Westmids Police' is not a force" in result.stderr
    assert "did you mean West Midlands Police," in result.stderr
    assert not (tmp_path / "p.html").exists()


def test_force_with_no_report_in_the_register_is_refused(db_path):
    result = hmic("export", "--db", db_path, "--format", "csv", "--force", "Dorset",
                  ok=False)  # fmt: skip
    assert result.exit_code == 1 and result.stdout == ""
    assert "Dorset Police, and the register holds no report of it" in result.stderr
    assert "Kent Police or West Midlands Police" in result.stderr


def test_status_words_are_read_whatever_their_case(db_path):
    item_id = item_id_of(db_path, "The force should ensure that calls")
    hmic("status", item_id, "In progress", "--db", db_path)
    hmic("status", item_id, "Red", "--db", db_path)
    item = register.open_register(db_path)["items"].get(item_id)
    assert (item["status"], item["rag"]) == ("in_progress", "red")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "{id}", "Done"],
         "'Done' is not a status or RAG grade; use one of open, in_progress, "
         "pending_sign_off, closed, superseded (status) or red, amber, green (RAG)"),
        (["target", "{id}", "31/03/2018"],
         "'31/03/2018' is not a date; use YYYY-MM-DD, e.g. 2018-03-31"),
        (["target", "{id}", "2018-3-31"], "'2018-3-31' is not a date"),
        (["target", "{id}", "2015-12-31"],
         "target date 2015-12-31 is before the item was published (2016-02-18)"),
        (["status", "{id}", "closed", "--date", "2999-01-01"],
         "--date 2999-01-01 is after today"),
        (["status", "{id}", "closed", "--date", "May 2017"],
         "'May 2017' is not a date"),
    ],
)  # fmt: skip
def test_bad_values_give_one_error_naming_them_and_save_nothing(db_path, args, message):
    item_id = item_id_of(db_path, "The force should ensure that calls")
    before = register.open_register(db_path)["status_history"].count
    args = [a.format(id=item_id) for a in args]
    result = hmic(*args, "--db", db_path, ok=False)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert register.open_register(db_path)["status_history"].count == before


def test_date_backdates_a_change_to_when_it_was_decided(db_path, tmp_path):
    # Closed on 1 May 2017 (recorded later): the paper as of 31 May shows it.
    item_id = item_id_of(db_path, "The force should ensure that calls")
    hmic("status", item_id, "closed", "--date", "2017-05-01", "--db", db_path)
    row = register.open_register(db_path).execute(
        "SELECT date, recorded_at FROM status_history WHERE item_id = ? "
        "AND source = 'analyst'", [item_id]
    ).fetchone()  # fmt: skip
    assert row[0] == "2017-05-01" and row[1] > "2017-05-02"
    output = tmp_path / "may.md"
    hmic("report", "--db", db_path, "--since", "2017-04-01", "--until", "2017-05-31",
         "--force", "WMP", "--format", "md", "--output", output)  # fmt: skip
    assert "| 2017-05-01 | Area for improvement |" in output.read_text("utf-8")


def test_a_unique_id_prefix_names_the_item(db_path):
    item_id = item_id_of(db_path, "The force should ensure that calls")
    result = hmic("owner", item_id[:6], "ACC Crime", "--db", db_path)
    assert result.stdout.startswith(f"{item_id} ")
    assert register.open_register(db_path)["items"].get(item_id)["owner"] == "ACC Crime"


def test_an_ambiguous_prefix_is_refused_with_the_ids(db_path):
    ids = sorted(r[0] for r in register.open_register(db_path).execute(
        "SELECT id FROM items"))  # fmt: skip
    shared = next(a[:1] for a, b in zip(ids, ids[1:], strict=False) if a[:1] == b[:1])
    result = hmic("status", shared, "closed", "--db", db_path, ok=False)
    assert result.exit_code == 1
    assert f"{shared}: more than one item's id starts so (" in result.stderr
    assert "give more of the id" in result.stderr


def test_note_and_evidence_fill_their_columns_and_the_history(db_path):
    item_id = item_id_of(db_path, "The force should ensure that calls")
    hmic(
        "note",
        item_id[:8],
        "Discussed at the board",
        "--date",
        "2017-05-04",
        "--db",
        db_path,
    )
    hmic("evidence", item_id, "Audit of 300 calls: 98% graded right", "--db",
         db_path)  # fmt: skip
    item = register.open_register(db_path)["items"].get(item_id)
    assert item["notes"].startswith("2017-05-04 Discussed at the board")
    assert item["closure_evidence"] == "Audit of 300 calls: 98% graded right"
    fields = (
        register.open_register(db_path)
        .execute(
            "SELECT field, date FROM status_history WHERE item_id = ? ORDER BY id",
            [item_id],
        )
        .fetchall()
    )
    assert [f for f, _ in fields] == ["notes", "closure_evidence"]
    assert fields[0][1] == "2017-05-04"
    result = hmic("note", item_id, "  ", "--db", db_path, ok=False)
    assert result.exit_code == 1 and "notes: give some text" in result.stderr


# --- who made the change ---------------------------------------------------------


def analysts(db_path, item_id) -> list[tuple]:
    db = register.open_register(db_path)
    return db.execute(
        "SELECT field, value, analyst FROM status_history WHERE item_id = ? "
        "AND source = 'analyst' ORDER BY id",
        [item_id],
    ).fetchall()


def test_each_command_records_the_analyst_named(db_path):
    item_id = item_id_of(db_path, "The force should ensure that calls")
    hmic("status", item_id, "in_progress", "--analyst", "alice", "--db", db_path)
    hmic("owner", item_id, "ACC Crime", "--analyst", "bob", "--db", db_path)
    hmic("target", item_id, "2018-03-31", "--analyst", "carol", "--db", db_path)
    hmic("note", item_id, "Board told", "--analyst", "dan", "--db", db_path)
    hmic("evidence", item_id, "Audit done", "--analyst", "erin", "--db", db_path)
    assert analysts(db_path, item_id) == [
        ("status", "in_progress", "alice"),
        ("owner", "ACC Crime", "bob"),
        ("target_date", "2018-03-31", "carol"),
        ("notes", "Board told", "dan"),
        ("closure_evidence", "Audit done", "erin"),
    ]


def test_the_analyst_defaults_to_hmic_analyst_then_the_login_name(db_path, monkeypatch):
    item_id = item_id_of(db_path, "The force should ensure that calls")
    monkeypatch.delenv("HMIC_ANALYST", raising=False)
    monkeypatch.setenv("USER", "frank")
    hmic("status", item_id, "in_progress", "--db", db_path)
    monkeypatch.setenv("HMIC_ANALYST", "grace")
    hmic("status", item_id, "closed", "--db", db_path)
    assert [a for _, _, a in analysts(db_path, item_id)] == ["frank", "grace"]
