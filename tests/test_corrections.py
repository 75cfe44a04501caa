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
        "--analyst",
        "dana",
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
    assert added == [(19, "dana", 1)]  # who added it (--analyst)


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


# --- extraction's confidence, and the review queue (hmic review) -----------------

WEAK = (
    "The force should review how it supervises investigations of stalking "
    "and harassment so that"
)  # a guessed end: cut mid-sentence
STRONG = fx.CALLS_AFI_2015


def weakly_read(weak_confidence=0.35) -> dict:
    """PEEL 2015 with extraction's confidence and rule on each printing, one of
    them weak (under 0.5)."""
    doc = fx.peel_2015()
    for printing in doc["items"]:
        printing |= {"confidence": 0.9, "rule": "afi-label"}
    doc["items"].append(
        fx.item("area_for_improvement", None, WEAK, 22,
                confidence=weak_confidence, rule="in-section-sentence")
    )  # fmt: skip
    return doc


def queue_ids(db, section) -> list[str]:
    from pipeline.review import review_queue

    return [row["id"] for row in review_queue(db)[section]]


def test_confidence_is_kept_and_weak_items_wait_for_an_analyst(tmp_path):
    db = register.open_register(tmp_path / "register.db")
    register.load_document(db, weakly_read(), now="2016-03-01T09:00:00+00:00")
    found = ids(db)
    weak, strong = found[WEAK], found[STRONG]
    assert db["items"].get(weak)["confidence"] == 0.35
    assert db["items"].get(strong)["confidence"] == 0.9
    assert db.execute(
        "SELECT confidence, rule FROM occurrences WHERE item_id = ?", [weak]
    ).fetchone() == (0.35, "in-section-sentence")
    assert queue_ids(db, "low_confidence") == [weak]

    # A newer extractor reads it a little better, still under 0.5: kept, listed.
    register.load_document(db, weakly_read(0.45), reextract=True,
                           now="2026-12-01T09:00:00+00:00")  # fmt: skip
    assert db["items"].get(weak)["confidence"] == 0.45
    assert queue_ids(db, "low_confidence") == [weak]

    result = hmic("review", "--confirm", weak[:8], "--reason", "checked p. 22",
                  "--analyst", "bob", "--db", tmp_path / "register.db")  # fmt: skip
    assert result.stdout == f"item {weak} confirmed\n"
    db = register.open_register(tmp_path / "register.db")
    assert queue_ids(db, "low_confidence") == []
    assert db.execute(
        "SELECT field, note, analyst FROM status_history WHERE item_id = ?", [weak]
    ).fetchall() == [("confirmed", "checked p. 22", "bob")]
    register.load_document(db, weakly_read(0.3), reextract=True,
                           now="2026-12-02T09:00:00+00:00")  # fmt: skip
    assert db["items"].get(weak)["confidence"] == 0.3  # the figure follows extraction
    assert queue_ids(db, "low_confidence") == []  # the analyst's word stays


def test_a_document_without_confidence_lists_nothing_as_weak(db_path):
    db = register.open_register(db_path)
    assert db.execute("SELECT count(*) FROM items WHERE confidence IS NOT NULL"
                      ).fetchone() == (0,)  # fmt: skip
    assert queue_ids(db, "low_confidence") == []


@pytest.fixture
def queue_path(tmp_path):
    """A register with one entry of every kind the review queue lists."""
    path = tmp_path / "register.db"
    db = register.open_register(path)
    register.load_document(db, weakly_read(), now="2016-03-01T09:00:00+00:00")
    later = fx.peel_2016()
    words = STRONG.split()
    later["items"].append(
        fx.item(
            "area_for_improvement", "2", " ".join(words[: int(len(words) * 0.7)]), 30
        )
    )
    register.load_document(db, later)  # an unsure link to the 2015 item
    register.load_document(db, fx.tracker_2017())  # placeholders: EB, CP reports
    gone = weakly_read()
    gone["items"] = [i for i in gone["items"] if i["text"] != fx.MISSING_AFI_2015]
    register.load_document(db, gone, reextract=True)  # one item now missing
    db.execute(
        "INSERT INTO import_rows (file_name, sheet, row, text, item_id, score, "
        "outcome, reason, imported_at) VALUES ('wmp.xlsx', 'Tracker', 4, "
        "'Improve call handling', ?, 78, 'review', 'unsure link (score 78)', "
        "'2024-06-02')",
        [ids(db)[STRONG]],
    )
    db.conn.commit()
    db.conn.close()
    return path


def test_hmic_review_lists_every_section(queue_path):
    out = hmic("review", "--db", queue_path).stdout
    db = register.open_register(queue_path)
    found = ids(db)
    assert "Items extraction was unsure of (confidence under 0.5): 1\n" in out
    assert f"  item {found[WEAK]} area_for_improvement (PEEL: Police" in out
    assert "confidence 0.35, in-section-sentence" in out
    # the 2016 repeat, and the tracker's "superseded by" to check
    assert "Links de-duplication was unsure about: 2\n" in out
    assert "(repeats, score 81.3)" in out and "(supersedes, score None)" in out
    assert "Items a re-extract no longer finds: 1\n" in out
    assert f"item {found[fx.MISSING_AFI_2015]} " in out
    assert "Tracker rows not linked to an item: 1\n" in out
    assert "(wmp.xlsx, Tracker row 4: unsure link (score 78))" in out
    placeholders = db.execute(
        "SELECT count(*) FROM items JOIN reports ON reports.id = "
        "items.first_report_id WHERE reports.placeholder = 1"
    ).fetchone()[0]
    assert placeholders >= 2
    assert f"Items of reports not yet ingested (placeholders): {placeholders}\n" in out


def test_hmic_review_settles_each_entry_as_the_item_commands_do(queue_path):
    from pipeline.review import review_queue

    db = register.open_register(queue_path)
    queue = review_queue(db)
    link_id = queue["links"][0]["id"]
    row_id = queue["tracker_rows"][0]["id"]
    missing = queue["missing"][0]["id"]
    placeholder = queue["placeholders"][0]["id"]
    weak = queue["low_confidence"][0]["id"]
    db.conn.close()

    def review(*args):
        return hmic("review", *args, "--analyst", "carol", "--db", queue_path).stdout

    assert review("--correct", weak, "--text", WEAK + " victims are safe.") == (
        f"item {weak} corrected\n")  # fmt: skip
    assert review("--reject", missing, "--reason", "gone from the report") == (
        f"item {missing} rejected\n")  # fmt: skip
    assert review("--confirm", placeholder) == f"item {placeholder} confirmed\n"
    assert review("--confirm-link", str(link_id)) == f"link {link_id} confirmed\n"
    assert review("--confirm-row", str(row_id)) == f"tracker row {row_id} confirmed\n"
    db = register.open_register(queue_path)
    queue = review_queue(db)
    assert queue["low_confidence"] == queue["missing"] == queue["tracker_rows"] == []
    assert link_id not in [row["id"] for row in queue["links"]]
    assert placeholder not in [row["id"] for row in queue["placeholders"]]
    assert db["items"].get(weak)["text"] == WEAK + " victims are safe."
    assert db["links"].get(link_id)["reviewed_by"] == "carol"
    assert db["import_rows"].get(row_id)["outcome"] == "linked"
    assert "confirmed by carol" in db["import_rows"].get(row_id)["reason"]
    assert {row[0] for row in db.execute(
        "SELECT analyst FROM status_history WHERE field IN "
        "('text', 'rejected', 'confirmed')")} == {"carol"}  # fmt: skip


def test_the_item_pages_reason_is_the_queues_rule(queue_path):
    # One rule, two readers: the queue's SQL and the item page's review_reason.
    from pipeline.review import review_queue, review_reason

    db = register.open_register(queue_path)
    queue = review_queue(db)
    queued = {
        row["id"]
        for section in ("low_confidence", "missing", "placeholders")
        for row in queue[section]
    }
    placeholders = {r["id"] for r in db["reports"].rows_where("placeholder = 1")}
    reasons = {
        item["id"]: review_reason(item, item["first_report_id"] in placeholders)
        for item in db["items"].rows
    }
    assert queued and len(reasons) > len(queued)
    assert {i for i, reason in reasons.items() if reason} == queued


def test_hmic_review_refuses_what_it_cannot_do(queue_path):
    def refused(*args):
        result = CliRunner().invoke(cli, ["review", *args, "--db", str(queue_path)])
        assert result.exit_code != 0 and result.stdout == ""
        return result.stderr

    assert "give one action at a time" in refused("--confirm", "a", "--reject", "b")
    assert "--text goes with --correct" in refused("--text", "x")
    assert "say why the item is rejected" in refused("--reject", "nope")
    assert "nope: no such item" in refused("--confirm", "nope")
    assert "link 999: no such link" in refused("--confirm-link", "999")
    assert "tracker row 999: no such imported row" in refused("--confirm-row", "999")


# --- merging two items de-duplication kept apart (hmic item merge) -----------------

REWORDED = ("Calls for service should be graded by threat, harm and risk, and "
            "attendance times must be met, the force should make sure.")  # fmt: skip


def test_merged_items_are_one_and_stay_one(db_path):
    db = register.open_register(db_path)
    reworded = [fx.item("area_for_improvement", None, REWORDED, 8)]
    later = fx.document("peel-2016", "PEEL 2016", "2017-03-02", fx.WMP,
                        "inspection", reworded)  # fmt: skip
    register.load_document(db, later, now="2017-03-10T09:00:00+00:00")
    found = ids(db)
    keep, other = found[CUT_OFF], found[REWORDED]  # too unlike to be linked
    register.record_change(db, other, "owner", "ACC Crime")
    db.conn.close()

    out = hmic("item", "merge", keep[:8], other, "--reason", "the 2016 rewording",
               "--analyst", "erin", "--db", db_path).stdout  # fmt: skip
    assert out == f"{keep} now holds {other}\n"
    db = register.open_register(db_path)
    exported = {i["id"]: i for i in json.loads(export.export_json(db))["items"]}
    assert other not in exported
    assert len(exported[keep]["occurrences"]) == 2
    assert db["items"].get(keep)["owner"] == "ACC Crime"  # the history came too
    assert db.execute(
        "SELECT item_id, value, analyst FROM status_history WHERE field = 'merged' "
        "ORDER BY item_id"
    ).fetchall() == sorted([(keep, other, "erin"), (other, keep, "erin")])

    # Re-extracted, and a third report repeating the rewording: still one item.
    register.load_document(db, later, reextract=True, now="2026-12-01T09:00:00+00:00")
    again = fx.document("peel-2017", "PEEL 2017", "2018-03-22", fx.WMP,
                        "inspection", reworded)  # fmt: skip
    register.load_document(db, again)
    assert db.execute(
        "SELECT count(DISTINCT item_id) FROM occurrences WHERE text IN (?, ?)",
        [CUT_OFF, REWORDED],
    ).fetchone() == (1,)
    assert len(json.loads(export.export_json(db))["items"]) == len(exported)


def test_an_item_is_not_merged_into_itself(db_path):
    db = register.open_register(db_path)
    item_id = ids(db)[CUT_OFF]
    with pytest.raises(ValueError, match="cannot be merged into itself"):
        register.merge_items(db, item_id, item_id[:8])
