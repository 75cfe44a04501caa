"""Tracker quotes of reports the register lacks: they belong to a placeholder
report named by the printed title, join that report's items once it is
ingested, and two trackers quoting the same item share it."""

from __future__ import annotations

import json

import pytest

from pipeline import export, migrations, register
from tests import register_fixtures as fx

STALKING = "Living in fear - the police and CPS response to harassment and stalking"
QUOTED = ("Within six months, chief constables should ensure that stalking "
          "victims are given a named officer and a safety plan.")  # fmt: skip


def tracker(stem, published, status):
    items = [fx.item("recommendation", "2", QUOTED, 4, source_report=STALKING,
                     status=status)]  # fmt: skip
    return fx.document(stem, "HMIC inspections update", published, fx.WMP,
                       "tracker", items)  # fmt: skip


def stalking_report():
    items = [fx.item("recommendation", "2", QUOTED, 31)]
    return fx.document("stalking-2017", STALKING, "2017-07-05", None, "inspection",
                       items)  # fmt: skip


@pytest.fixture
def db(tmp_path):
    return register.open_register(tmp_path / "register.db")


def origin(db):
    return db.execute(
        "SELECT items.id, reports.title, reports.placeholder, items.status "
        "FROM items JOIN reports ON reports.id = items.first_report_id"
    ).fetchall()


def test_a_quote_of_an_uningested_report_belongs_to_its_placeholder(db):
    register.load_document(db, tracker("t-2017-10", "2017-10-01", "on-going"))
    [(item_id, title, placeholder, status)] = origin(db)
    assert (title, placeholder, status) == (STALKING, 1, "in_progress")
    # The register's reports, as §2 lists them, are the files ingested.
    document = json.loads(export.export_json(db))
    assert [r["title"] for r in document["reports"]] == ["HMIC inspections update"]


def test_the_report_ingested_later_joins_the_placeholders_item(db):
    register.load_document(db, tracker("t-2017-10", "2017-10-01", "on-going"))
    [(item_id, *_)] = origin(db)
    register.load_document(db, stalking_report())
    assert origin(db) == [(item_id, STALKING, 0, "in_progress")]
    assert db.execute("SELECT count(*) FROM reports WHERE placeholder").fetchone() == (
        0,
    )
    # Its deadline now counts from the report's publication (5 July 2017).
    assert db["items"].get(item_id)["deadline_date"] == "2018-01-05"
    history = db.execute(
        "SELECT value FROM status_history WHERE item_id = ?", [item_id]
    ).fetchall()
    assert history == [("in_progress",)]


def test_two_trackers_quoting_the_same_item_share_it(db):
    register.load_document(db, tracker("t-2017-10", "2017-10-01", "on-going"))
    register.load_document(db, tracker("t-2018-01", "2018-01-18", "achieved"))
    [(item_id, title, placeholder, status)] = origin(db)
    assert (title, placeholder, status) == (STALKING, 1, "closed")
    assert db.execute("SELECT count(*) FROM occurrences").fetchone() == (2,)


def test_migration_gives_an_old_registers_tracker_only_items_a_placeholder(tmp_path):
    db = register.Database(tmp_path / "old.db")
    migrations.migrate(db, migrations.MIGRATIONS[:6])
    db["reports"].insert(
        {
            "id": "trk",
            "content_hash": "trk",
            "sha256": "s",
            "title": "HMIC inspections update",
            "published": "2017-10-01",
            "force": fx.WMP,
            "kind": "tracker",
        }
    )
    db["items"].insert(
        {
            "id": "i",
            "kind": "recommendation",
            "text": QUOTED,
            "first_report_id": "trk",
            "first_published": "2017-10-01",
            "owner": "DCI Smith",
        }
    )
    db["occurrences"].insert(
        {
            "id": "o",
            "item_id": "i",
            "report_id": "trk",
            "kind": "recommendation",
            "text": QUOTED,
            "position": 0,
            "source_report": STALKING,
        }
    )
    # fmt: skip
    migrations.migrate(db)
    assert origin(db) == [("i", STALKING, 1, "open")]
    assert db["items"].get("i")["owner"] == "DCI Smith"
