"""The register database (pipeline/register.py, migrations.py, statuses.py)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from pipeline import migrations, register
from pipeline.statuses import printed_to_rag, printed_to_status
from tests import register_fixtures as fx

LATER = "2030-01-01T00:00:00+00:00"


@pytest.fixture
def db(tmp_path):
    return register.open_register(tmp_path / "register.db")


def load_all(db, documents=None):
    for document in documents or fx.all_documents():
        register.load_document(db, document, extractor_version="test")


def item_for(db, text_start: str) -> dict:
    rows = list(db.query("SELECT * FROM items WHERE text LIKE ?", [text_start + "%"]))
    assert len(rows) == 1, rows
    return rows[0]


def occurrences_of(db, item_id):
    return list(db.query("SELECT * FROM occurrences WHERE item_id = ?", [item_id]))


# --- schema and migrations -----------------------------------------------------------


def test_schema_has_the_tables_others_rely_on(db):
    tables = set(db.table_names())
    assert {"reports", "items", "occurrences", "status_history", "links"} <= tables
    assert {"ingest_log", "items_fts", "_sqlite_migrations"} <= tables
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"status", "rag", "owner", "target_date", "missing_since"} <= set(
        db["items"].columns_dict
    )


def test_migrate_twice_changes_nothing(db):
    assert migrations.migrate(db) == []


def test_migrations_keep_rows_written_before_them(tmp_path):
    db = Database(tmp_path / "old.db")
    migrations.migrate(db, migrations.MIGRATIONS[:1])
    # Rows as the first schema holds them (today's loader needs today's schema;
    # tests/test_migrations.py upgrades a register an older release wrote).
    db["reports"].insert(
        {
            "id": "r",
            "content_hash": "r",
            "sha256": "s",
            "published": "2016-02-18",
            "force": fx.WMP,
        }
    )
    for n, text in enumerate((fx.DASH_CONCERN_2015, fx.DASH_REC_2015)):
        db["items"].insert(
            {
                "id": f"i{n}",
                "kind": "recommendation",
                "text": text,
                "first_report_id": "r",
                "first_published": "2016-02-18",
            }
        )
        db["occurrences"].insert(
            {
                "id": f"o{n}",
                "item_id": f"i{n}",
                "report_id": "r",
                "kind": "recommendation",
                "text": text,
                "position": n,
            }
        )
    items_before = list(db.query("SELECT id, text FROM items ORDER BY id"))
    assert migrations.migrate(db) == [n for n, _, _ in migrations.MIGRATIONS[1:]]
    assert list(db.query("SELECT id, text FROM items ORDER BY id")) == items_before
    hits = list(db["items"].search("DASH"))
    assert hits


def test_full_text_search_finds_item_text(db):
    load_all(db)
    hits = [row["id"] for row in db["items"].search("MARAC")]
    assert len(hits) == 2


# --- loading once -----------------------------------------------------------


def test_same_file_is_skipped(db):
    first = register.load_document(db, fx.peel_2015())
    again = register.load_document(db, fx.peel_2015())
    assert (first.outcome, again.outcome, again.reason) == (
        "loaded",
        "skipped",
        "same_file",
    )
    assert db["reports"].count == 1


def test_resaved_file_is_recognised_by_content(db):
    register.load_document(db, fx.peel_2015())
    resaved = fx.peel_2015()
    resaved["source"]["sha256"] = "f" * 64
    resaved["source"]["path"] = "corpus/peel-2015-copy.pdf"
    result = register.load_document(db, resaved)
    assert (result.outcome, result.reason) == ("skipped", "same_content")
    assert db["reports"].count == 1
    assert db["report_files"].count == 2
    assert register.report_id_for_file(db, "f" * 64) == result.report_id


def test_report_row_carries_pcc_response_due(db):
    load_all(db, [fx.peel_2016()])
    report = next(db.query("SELECT * FROM reports"))
    assert report["response_due"] == "2017-04-27"
    assert report["extractor_version"] == "test"


# --- linking -----------------------------------------------------------


def test_repeat_across_reports_is_one_item_with_two_occurrences(db):
    load_all(db, [fx.peel_2015(), fx.peel_2016()])
    assert db["items"].count == 5
    concern = item_for(db, "The force's response to domestic abuse is a cause")
    assert len(occurrences_of(db, concern["id"])) == 2
    rec = item_for(db, "The force should immediately take steps to ensure")
    assert {o["number"] for o in occurrences_of(db, rec["id"])} == {"1"}
    assert len(occurrences_of(db, rec["id"])) == 2


def test_load_order_does_not_change_the_items_origin(db):
    load_all(db, [fx.peel_2016(), fx.peel_2015()])
    concern = next(db.query("SELECT * FROM items WHERE kind = 'cause_of_concern'"))
    assert concern["first_published"] == "2016-02-18"
    assert concern["text"] == fx.DASH_CONCERN_2015
    link = next(db.query("SELECT * FROM links WHERE from_item_id = ?", [concern["id"]]))
    later = db["occurrences"].get(link["from_occurrence_id"])
    assert db["reports"].get(later["report_id"])["published"] == "2017-03-02"


def test_parent_points_at_the_cause_of_concern(db):
    load_all(db, [fx.peel_2015()])
    rec = item_for(db, "The force should immediately take steps")
    concern = item_for(db, "The force's response")
    assert occurrences_of(db, rec["id"])[0]["parent_item_id"] == concern["id"]


def test_tracker_quotes_link_to_existing_items(db):
    load_all(db)
    tracker_id = next(db.query("SELECT id FROM reports WHERE kind = 'tracker'"))["id"]
    tracker_items = {
        row["item_id"]
        for row in db.query(
            "SELECT item_id FROM occurrences WHERE report_id = ?", [tracker_id]
        )
    }
    created_by_tracker = db.execute(
        "SELECT count(*) FROM items WHERE first_report_id = ?", [tracker_id]
    ).fetchone()[0]
    assert len(tracker_items) == 10 and created_by_tracker == 0
    kinds = {row["kind"] for row in db.query("SELECT kind FROM links")}
    assert kinds == {"repeats", "quotes", "supersedes"}


# --- statuses -----------------------------------------------------------


@pytest.mark.parametrize(
    "printed, status, rag",
    [
        ("This recommendation has been addressed and archived.", "closed", None),
        ("HMIC have found that this recommendation has been achieved.", "closed", None),
        ("which are on-going.", "in_progress", None),
        ("Red", None, "red"),
        (
            "This recommendation has been superseded by the Red recommendation",
            "superseded",
            None,
        ),
        ("Complete - awaiting HMIC sign-off", "pending_sign_off", None),
        ("Amber", None, "amber"),
        ("", None, None),
    ],
)
def test_printed_statuses_map_onto_the_vocabulary(printed, status, rag):
    assert (printed_to_status(printed), printed_to_rag(printed)) == (status, rag)


def test_tracker_statuses_attach_to_the_right_items(db):
    load_all(db)
    eb = fx.EVERYONES_BUSINESS
    assert item_for(db, eb[0][:40])["status"] == "closed"
    assert item_for(db, eb[3][:40])["status"] == "superseded"
    assert item_for(db, eb[4][:40])["status"] == "open"
    assert item_for(db, fx.CHILD_PROTECTION_4[:40])["status"] == "closed"
    assert item_for(db, fx.CHILD_PROTECTION_7[:40])["status"] == "open"
    concern = item_for(db, "The force's response to domestic abuse is a cause")
    assert (concern["rag"], concern["status"]) == ("red", "open")
    history = next(
        db.query(
            "SELECT * FROM status_history WHERE item_id = ?",
            [item_for(db, eb[0][:40])["id"]],
        )
    )
    assert history["date"] == "2017-06-08" and history["source"] == "tracker"
    assert history["printed"].startswith("This recommendation has been addressed")


def test_newest_entry_wins_analyst_over_older_tracker(db):
    load_all(db)
    item_id = item_for(db, fx.EVERYONES_BUSINESS[0][:40])["id"]
    register.record_change(
        db, item_id, "status", "in_progress", note="reopened", now=LATER
    )
    register.load_document(db, fx.tracker_2017(), reextract=True)
    item = db["items"].get(item_id)
    assert item["status"] == "in_progress"
    assert "reopened" in item["notes"]


def test_newer_tracker_wins_over_older_analyst_entry(db):
    load_all(db, [fx.everyones_business()])
    item_id = item_for(db, fx.EVERYONES_BUSINESS[0][:40])["id"]
    register.record_change(
        db, item_id, "status", "in_progress", now="2015-01-01T09:00:00"
    )
    load_all(db, [fx.tracker_2017()])
    assert db["items"].get(item_id)["status"] == "closed"


def test_owner_and_target_changes_are_kept_in_history(db):
    load_all(db, [fx.peel_2015()])
    item_id = item_for(db, "The force should ensure that calls")["id"]
    register.record_change(db, item_id, "owner", "ACC Crime", now="2030-01-01T00:00:00")
    register.record_change(
        db, item_id, "owner", "Head of PPU", now="2030-01-02T00:00:00"
    )
    register.record_change(
        db, item_id, "target_date", "2030-06-30", now="2030-01-01T00:00:00"
    )
    register.record_change(
        db,
        item_id,
        "target_date",
        "2030-09-30",
        note="slipped",
        now="2030-01-03T00:00:00",
    )
    item = db["items"].get(item_id)
    assert (item["owner"], item["target_date"], item["target_revisions"]) == (
        "Head of PPU",
        "2030-09-30",
        1,
    )
    fields = [row["field"] for row in db.query("SELECT field FROM status_history")]
    assert fields.count("owner") == 2 and fields.count("target_date") == 2


def test_record_change_keeps_who_made_it(db):
    load_all(db, [fx.peel_2015()])
    item_id = item_for(db, "The force should ensure that calls")["id"]
    register.record_change(db, item_id, "status", "closed", analyst="alice")
    register.record_change(db, item_id, "owner", "ACC Crime")
    rows = db.query("SELECT field, analyst FROM status_history ORDER BY id")
    assert [(row["field"], row["analyst"]) for row in rows] == [
        ("status", "alice"),
        ("owner", None),
    ]


def test_record_change_rejects_unknown_items_and_values(db):
    load_all(db, [fx.peel_2015()])
    with pytest.raises(register.UnknownItem):
        register.record_change(db, "nope", "status", "closed")
    item_id = item_for(db, "The force should ensure that calls")["id"]
    with pytest.raises(ValueError):
        register.record_change(db, item_id, "status", "done")
    with pytest.raises(ValueError):
        register.record_change(db, item_id, "target_date", "next March")


# --- re-extracting -------------------------------------------------------------------


def upgraded_peel_2015() -> dict:
    """What a better extractor finds in the same file: one text cleaned up, one
    item no longer found, one new item, and pages renumbered."""
    doc = fx.peel_2015()
    doc["items"][1]["text"] = fx.DASH_REC_2015.replace(
        "recording on", "recording it on"
    )
    doc["items"][1]["page"] = 13
    del doc["items"][3]
    doc["items"].append(
        fx.item(
            "area_for_improvement",
            None,
            "The force should train call handlers to recognise vulnerability.",
            30,
        )
    )
    return doc


def test_reextract_keeps_ids_links_and_analyst_fields(db):
    load_all(db)
    ids_before = {row["id"] for row in db.query("SELECT id FROM items")}
    links_before = db["links"].count
    rec = item_for(db, "The force should immediately take steps to ensure")
    register.record_change(
        db, rec["id"], "status", "pending_sign_off", note="sent", now=LATER
    )
    register.record_change(db, rec["id"], "owner", "Head of PPU", now=LATER)
    calls = item_for(db, "The force should ensure that calls")

    result = register.load_document(db, upgraded_peel_2015(), reextract=True)

    assert (result.outcome, result.new_items, result.missing) == ("reextracted", 1, 1)
    assert ids_before < {row["id"] for row in db.query("SELECT id FROM items")}
    assert db["links"].count >= links_before
    rec_after = db["items"].get(rec["id"])
    assert (rec_after["status"], rec_after["owner"]) == (
        "pending_sign_off",
        "Head of PPU",
    )
    assert "sent" in rec_after["notes"]
    pages = {o["page"] for o in occurrences_of(db, rec["id"])}
    assert 13 in pages
    flagged = db["items"].get(calls["id"])
    assert flagged["missing_since"] is not None
    assert register.check_integrity(db) == []


def test_reextract_of_unchanged_file_changes_no_item(db):
    load_all(db)
    before = list(db.query("SELECT * FROM items ORDER BY id"))
    for document in fx.all_documents():
        register.load_document(
            db, document, reextract=True, now=before[0]["updated_at"]
        )
    after = list(db.query("SELECT * FROM items ORDER BY id"))
    assert after == before


# --- reviewing links -----------------------------------------------------------


def test_unsure_link_can_be_split_and_confirmed(db):
    later = fx.peel_2016()
    words = fx.CALLS_AFI_2015.split()
    later["items"].append(
        fx.item(
            "area_for_improvement", "2", " ".join(words[: int(len(words) * 0.7)]), 30
        )
    )
    load_all(db, [fx.peel_2015(), later])
    unsure = [row for row in register.unsure_links(db) if row["kind"] == "repeats"]
    assert len(unsure) == 1
    link_id = unsure[0]["id"]
    items_before = db["items"].count
    link = register.split_link(db, link_id)
    assert link["confirmed"] == 0 and link["from_item_id"] != link["to_item_id"]
    assert db["items"].count == items_before + 1
    assert register.unsure_links(db) == []
    assert register.check_integrity(db) == []
    assert register.confirm_link(db, link_id)["confirmed"] == 1
    with pytest.raises(register.UnknownLink):
        register.confirm_link(db, 999)


# --- failure -----------------------------------------------------------


def test_full_disk_fails_that_report_cleanly(tmp_path):
    db = register.open_register(tmp_path / "full.db")
    load_all(db, [fx.peel_2015()])
    counts = {t: db[t].count for t in ("reports", "items", "occurrences")}
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    big = fx.everyones_business()
    for item in big["items"]:
        item["text"] = item["text"] * 40
    with pytest.raises(sqlite3.DatabaseError, match="full"):
        register.load_document(db, big)
    assert {t: db[t].count for t in counts} == counts
    assert register.check_integrity(db) == []
    assert not db.conn.in_transaction
