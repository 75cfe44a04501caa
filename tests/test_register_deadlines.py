"""Deadlines in the register: read by extract/deadline.py, counted from the
item's first publication, re-read for registers made before, and overdue."""

from __future__ import annotations

import pytest

from pipeline import migrations, register
from tests import register_fixtures as fx

REVIEW = "Within three months, the force should review how it grades calls."
BY_DATE = "By 31 March 2024, the force should make sure that cases are supervised."


def inspection(published="2016-02-18"):
    items = [fx.item("recommendation", "1", REVIEW, 10)]
    return fx.document("peel-a", "PEEL A", published, fx.WMP, "inspection", items)


def tracker():
    items = [fx.item("recommendation", "1", REVIEW, 3, status="on-going",
                     source_report="PEEL A")]  # fmt: skip
    return fx.document("tracker-a", "Tracker", "2017-06-08", fx.WMP, "tracker", items)


@pytest.fixture
def db(tmp_path):
    return register.open_register(tmp_path / "register.db")


def deadline_of(db, text):
    return db.execute(
        "SELECT deadline_text, deadline_date FROM items WHERE text = ?", [text]
    ).fetchone()


def test_a_period_counts_from_the_first_report_whatever_the_load_order(db):
    # The tracker (8 June 2017) is loaded first: the report it quotes is not
    # in yet, so nothing says when three months began. That report was
    # published on 18 February 2016, so three months run to 18 May 2016.
    register.load_document(db, tracker())
    assert deadline_of(db, REVIEW) == ("Within three months", None)
    register.load_document(db, inspection())
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 1
    assert deadline_of(db, REVIEW) == ("Within three months", "2016-05-18")


def test_migration_rereads_deadlines_of_an_older_register(tmp_path):
    db = register.Database(tmp_path / "old.db")
    migrations.migrate(db, migrations.MIGRATIONS[:3])
    db["reports"].insert({"id": "r", "content_hash": "r", "sha256": "r",
                          "published": "2023-09-14"})  # fmt: skip
    # As the hand regexes of the old release left it: no deadline.
    db["items"].insert({"id": "i", "kind": "area_for_improvement", "text": BY_DATE,
                        "first_report_id": "r", "first_published": "2023-09-14",
                        "owner": "DCI Smith"})  # fmt: skip
    migrations.migrate(db)
    row = db["items"].get("i")
    assert (row["deadline_text"], row["deadline_date"]) == (
        "By 31 March 2024",
        "2024-03-31",
    )
    assert row["owner"] == "DCI Smith"


def test_item_register_view_marks_what_is_past_its_due_date(db):
    from pipeline.serve import ensure_views

    items = [
        fx.item("area_for_improvement", None, BY_DATE, 9),
        fx.item("recommendation", "1", "By 31 March 2099, the force should plan.", 9),
        fx.item("recommendation", "2", "By 31 March 2024, the force should act.", 9),
    ]
    document = fx.document("peel-k", "PEEL K", "2023-09-14", "Kent Police",
                           "inspection", items)  # fmt: skip
    register.load_document(db, document)
    ids = dict(db.execute("SELECT text, id FROM items").fetchall())
    # The third is closed; a target date far ahead keeps the first off the list
    # until the analyst's date, whatever the printed deadline.
    register.record_change(db, ids[items[2]["text"]], "status", "closed")
    ensure_views(db)
    overdue = "SELECT item_id, due, deadline_text FROM item_register WHERE overdue"
    rows = db.execute(overdue).fetchall()
    assert rows == [(ids[BY_DATE], "2024-03-31", "By 31 March 2024")]
    register.record_change(db, ids[BY_DATE], "target_date", "2999-01-01")
    assert db.execute(overdue).fetchall() == []
