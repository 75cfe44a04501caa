"""Analysts correct extraction (register.add_item, edit_item, reject_item and
`hmic item add/edit/reject`): each correction is history with who and why,
and survives `--reextract` however the extractor reads the report again."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline import export, register
from pipeline.cli import cli
from pipeline.tabular import read_register
from tests import register_fixtures as fx

MISSED = ("The force should make sure that officers record the voice of the child "
          "at every domestic abuse incident.")  # fmt: skip
CUT_OFF = fx.CALLS_AFI_2015.split(", and")[0]  # the extractor stopped at the comma
INVENTED = "Further information is available on the HMIC website."


def report_2015(calls_text=CUT_OFF):
    """PEEL 2015 as a weak extractor reads it: one item cut off, one invented,
    one (MISSED) not found at all."""
    doc = fx.peel_2015()
    doc["items"][3]["text"] = calls_text
    doc["items"].append(fx.item("area_for_improvement", None, INVENTED, 40))
    return doc


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "register.db"
    db = register.open_register(path)
    register.load_document(db, report_2015(), now="2016-03-01T09:00:00+00:00")
    db.conn.close()
    return path


def ids(db) -> dict[str, str]:
    return {text: i for i, text in db.execute("SELECT id, text FROM items")}


def hmic(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


def correct_by_cli(db_path):
    db = register.open_register(db_path)
    report_id = db.execute("SELECT id FROM reports").fetchone()[0]
    found = ids(db)
    hmic(
        "item",
        "add",
        report_id,
        "--kind",
        "area_for_improvement",
        "--text",
        MISSED,
        "--page",
        "19",
        "--reason",
        "missed: two columns",
        "--db",
        db_path,
    )
    hmic(
        "item",
        "edit",
        found[CUT_OFF][:8],
        "--text",
        fx.CALLS_AFI_2015,
        "--reason",
        "cut off at the comma",
        "--db",
        db_path,
    )
    hmic("item", "reject", found[INVENTED], "--reason", "a footer, not an item",
         "--db", db_path)  # fmt: skip
    return report_id, found


def exported_texts(db) -> list[str]:
    return [item["text"] for item in json.loads(export.export_json(db))["items"]]


def test_corrections_show_at_once_and_are_history(db_path):
    correct_by_cli(db_path)
    db = register.open_register(db_path)
    texts = exported_texts(db)
    assert MISSED in texts and fx.CALLS_AFI_2015 in texts
    assert INVENTED not in texts and CUT_OFF not in texts
    rows = db.execute(
        "SELECT field, note, source FROM status_history ORDER BY id"
    ).fetchall()
    assert rows == [
        ("added", "missed: two columns", "analyst"),
        ("text", "cut off at the comma", "analyst"),
        ("rejected", "a footer, not an item", "analyst"),
    ]
    assert INVENTED not in set(read_register(db_path).items["text"])


@pytest.mark.parametrize("calls_text", [CUT_OFF, fx.CALLS_AFI_2015 + " Today."])
def test_corrections_survive_reextract(db_path, calls_text):
    """Re-extracted by the same weak extractor, or by one that now reads the
    cut-off item in full but still invents the footer and misses MISSED."""
    correct_by_cli(db_path)
    db = register.open_register(db_path)
    before = ids(db)
    register.load_document(db, report_2015(calls_text), reextract=True,
                           now="2026-12-01T09:00:00+00:00")  # fmt: skip
    assert ids(db) == before  # no item made, none lost
    texts = exported_texts(db)
    assert MISSED in texts and fx.CALLS_AFI_2015 in texts
    assert INVENTED not in texts
    missing = db.execute(
        "SELECT count(*) FROM occurrences WHERE missing_since IS NOT NULL"
    ).fetchone()[0]
    assert missing == 0
    added = db.execute(
        "SELECT page, added_by, position >= 1000000 FROM occurrences WHERE text = ?",
        [MISSED],
    ).fetchall()
    assert added == [(19, "analyst", 1)]


def test_an_edited_text_stays_when_another_report_repeats_the_item(db_path):
    _, found = correct_by_cli(db_path)
    db = register.open_register(db_path)
    repeat = fx.document("peel-2016", "PEEL 2016", "2017-03-02", fx.WMP,
                         "inspection", [fx.item("area_for_improvement", None,
                                                CUT_OFF, 8)])  # fmt: skip
    register.load_document(db, repeat)
    assert db.execute(
        "SELECT count(*) FROM occurrences WHERE item_id = ?", [found[CUT_OFF]]
    ).fetchone() == (2,)
    assert db["items"].get(found[CUT_OFF])["text"] == fx.CALLS_AFI_2015


def test_bad_corrections_are_refused(db_path):
    db = register.open_register(db_path)
    report_id = db.execute("SELECT id FROM reports").fetchone()[0]
    with pytest.raises(ValueError, match="'recomendation' is not a kind"):
        register.add_item(db, report_id, kind="recomendation", text=MISSED, page=3)
    with pytest.raises(ValueError, match="page 99: the report has pages 1 to 40"):
        register.add_item(db, report_id, kind="recommendation", text=MISSED, page=99)
    with pytest.raises(register.UnknownReport):
        register.add_item(db, "nope", kind="recommendation", text=MISSED, page=3)
    result = CliRunner().invoke(cli, ["item", "reject", "nope", "--reason", "x",
                                      "--db", str(db_path)])  # fmt: skip
    assert result.exit_code == 1 and "nope: no such item" in result.stderr
