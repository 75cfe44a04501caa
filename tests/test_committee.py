"""The committee update (pipeline/committee/) on a small hand-built register.

`build_register` writes a register that the tests below know by heart: which
reports fall in the period, which items are Red, whose target slipped and
which PCC responses are overdue. Every expected number is worked out from
that data in the comments, never copied from the program's output.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from pipeline.committee import (
    RED_SECTION_TITLE,
    build_update,
    render_markdown,
    update_to_sections,
    write_report,
)
from pipeline.migrations import migrate
from pipeline.tabular import read_register

WMP = "West Midlands Police"
SINCE = date(2017, 3, 1)  # the previous committee
UNTIL = date(2017, 6, 8)  # this committee: the seed paper's date
DAYS_56 = timedelta(days=56)  # the PCC response is due 56 days after
GOLDEN = Path(__file__).parent / "golden_report" / "committee.md"

DASH_CONCERN = (
    "The force's response to domestic abuse is a cause of concern to HMIC. The force "
    "policy allowing an officer discretion to complete a DASH risk assessment in some "
    "crimes and incidents does not provide confidence that risk is always assessed "
    "appropriately."
)
DASH_REC = (
    "To address this cause of concern, HMIC recommends the force should immediately "
    "take steps to ensure that there is effective supervision of the initial risk "
    "assessment process, specifically on recording on the crime management system."
)

# id: (title, published, force, kind, inspectorates)
REPORTS = {
    "eb14": ("Everyone's business: Improving the police response to domestic abuse",
             "2014-03-27", None, "inspection", ["HMIC"]),
    "cus10": ("Report on an inspection of police custody in West Midlands 2010",
              "2010-11-01", WMP, "inspection", ["HMIC", "HMIP"]),
    "peel15": ("PEEL: Police effectiveness 2015 - West Midlands Police",
               "2016-02-18", WMP, "inspection", ["HMIC"]),
    "peel16": ("PEEL: Police effectiveness 2016 - West Midlands Police",
               "2017-03-02", WMP, "inspection", ["HMIC"]),
    "trk17": ("West Midlands Police HMIC recommendations tracker April 2017",
              "2017-04-20", WMP, "tracker", []),
    "cus17": ("Report on an unannounced inspection of police custody in West Midlands",
              "2017-05-10", WMP, "inspection", ["HMIC", "HMIP"]),
    "staffs": ("PEEL: Police effectiveness 2016 - Staffordshire Police",
               "2017-04-01", "Staffordshire Police", "inspection", ["HMIC"]),
}  # fmt: skip

# id: (kind, text, [(report id, number, page), ...] first printing first)
ITEMS = {
    "C1": ("cause_of_concern", DASH_CONCERN,
           [("peel15", None, 10), ("peel16", None, 9)]),
    "D1": ("recommendation", DASH_REC,
           [("peel15", "1", 10), ("peel16", "1", 10), ("trk17", "(i)", 2)]),
    "A1": ("area_for_improvement", "The force should improve how it identifies repeat "
           "and vulnerable victims of anti-social behaviour.",
           [("peel15", None, 14), ("peel16", None, 20)]),
    "A2": ("area_for_improvement", "The force should ensure that children who go "
           "missing from home are assessed consistently.", [("peel16", "2", 21)]),
    "P1": ("recommendation", "Within three months, the force should review its "
           "grading of calls for service.", [("peel16", "2", 11)]),
    "E1": ("recommendation", "The force to apply a definition for a domestic abuse "
           "'repeat victim'.", [("eb14", "1", 101), ("trk17", "1", 3)]),
    "E2": ("recommendation", "The force to communicate the DASH risk assessment "
           "policy and ensure it is understood and complied with.",
           [("eb14", "4", 104), ("trk17", "4", 3)]),
    "E3": ("recommendation", "The force to conduct qualitative reviews of domestic "
           "abuse incidents.", [("eb14", "5", 105), ("trk17", "5", 4)]),
    "K1": ("recommendation", "Detainees should be able to shower every day.",
           [("cus10", "1", 8), ("cus17", "1", 7)]),
    "KC1": ("cause_of_concern", "Detainees at risk were not observed often enough.",
            [("cus17", None, 6)]),
    "K2": ("recommendation", "Observations of detainees at risk should be carried "
           "out as set out in their care plan.", [("cus17", "2", 6)]),
    "KA1": ("area_for_improvement", "Cells should be free of ligature points.",
            [("cus10", None, 12), ("cus17", None, 15)]),
    "KA2": ("area_for_improvement", "Detainees should be offered a book or magazine.",
            [("cus10", None, 13), ("cus17", None, 16)]),
    "KA3": ("area_for_improvement", "Interpreters should be used for risk assessments.",
            [("cus17", None, 17)]),
    "S1": ("recommendation", "Staffordshire Police should review its crime recording.",
           [("staffs", "1", 5)]),
}  # fmt: skip

# (item, field, value, date, source, printed, note)
CHANGES = [
    ("D1", "rag", "amber", "2016-05-01", "analyst", None, None),
    ("D1", "owner", "Head of Public Protection", "2016-06-01", "analyst", None, None),
    ("D1", "target_date", "2016-12-31", "2016-06-01", "analyst", None, None),
    ("D1", "target_date", "2017-06-30", "2017-01-15", "analyst", None, "new policy"),
    ("D1", "status", "in_progress", "2017-04-20", "tracker", "Red", None),
    ("D1", "rag", "red", "2017-04-20", "tracker", "Red", "repeated in PEEL 2016"),
    ("D1", "target_date", "2017-09-30", "2017-05-02", "analyst", None, "audit first"),
    ("A1", "target_date", "2017-03-31", "2016-09-01", "analyst", None, None),
    ("A1", "target_date", "2017-07-31", "2017-03-20", "analyst", None, None),
    ("A1", "status", "in_progress", "2017-04-20", "tracker", "on-going", None),
    ("A1", "rag", "amber", "2017-04-20", "tracker", "Amber", None),
    ("A2", "owner", "ACC Crime", "2017-03-15", "analyst", None, None),
    ("A2", "target_date", "2017-08-31", "2017-03-15", "analyst", None, None),
    (
        "A2",
        "target_date",
        "2017-07-31",
        "2017-05-20",
        "analyst",
        None,
        "brought forward",
    ),
    ("E1", "status", "closed", "2017-04-20", "tracker", "addressed and archived", None),
    ("E2", "rag", "red", "2015-06-01", "analyst", None, None),
    (
        "E2",
        "status",
        "superseded",
        "2017-04-20",
        "tracker",
        "superseded by PEEL 2015",
        None,
    ),
    ("E3", "status", "in_progress", "2017-04-20", "tracker", "on-going", None),
    ("K1", "status", "closed", "2012-01-10", "analyst", None, "showers refitted"),
    ("K1", "status", "open", "2017-05-12", "analyst", None, "repeated in 2017"),
    ("KA3", "target_date", "2017-05-15", "2017-05-11", "analyst", None, None),
    ("KA3", "target_date", "2017-06-30", "2017-05-25", "analyst", None, None),
    ("KA3", "status", "closed", "2017-06-01", "analyst", None, "interpreter contract"),
    ("S1", "rag", "red", "2017-04-10", "analyst", None, None),
    ("D1", "status", "in_progress", "2017-06-20", "analyst", None, "after this paper"),
]


def build_register(path: Path) -> Path:
    """Write the register described by REPORTS, ITEMS and CHANGES to `path`.

    Items' analyst fields hold the latest value of each field's history, as
    the register keeps them.
    """
    db = Database(path)
    migrate(db)
    for report_id, (title, published, force, kind, inspectorates) in REPORTS.items():
        db["reports"].insert(
            {
                "id": report_id,
                "content_hash": report_id,
                "sha256": report_id,
                "title": title,
                "published": published,
                "force": force,
                "kind": kind,
                "inspectorates": inspectorates,
                "response_due": (date.fromisoformat(published) + DAYS_56).isoformat(),
            }  # fmt: skip
        )
    positions: dict[str, int] = {}  # report id → items printed so far
    for item_id, (kind, text, printed) in ITEMS.items():
        first_report = printed[0][0]
        db["items"].insert(
            {
                "id": item_id,
                "kind": kind,
                "text": text,
                "status": "open",
                "first_report_id": first_report,
                "first_published": REPORTS[first_report][1],
            }  # fmt: skip
        )
        for report_id, number, page in printed:
            position = positions[report_id] = positions.get(report_id, -1) + 1
            db["occurrences"].insert(
                {
                    "id": f"{item_id}@{report_id}",
                    "item_id": item_id,
                    "report_id": report_id,
                    "kind": kind,
                    "number": number,
                    "page": page,
                    "text": text,
                    "position": position,
                }  # fmt: skip
            )
    for n, (item_id, field, value, day, source, printed, note) in enumerate(CHANGES):
        db["status_history"].insert(
            {
                "item_id": item_id,
                "field": field,
                "value": value,
                "date": day,
                "source": source,
                "printed": printed,
                "note": note,
                "report_id": "trk17" if source == "tracker" else None,
                "recorded_at": f"2017-06-30T00:00:{n:02d}",
            }  # fmt: skip
        )
    for item_id, field, value, *_ in sorted(CHANGES, key=lambda c: c[3]):
        db["items"].update(item_id, {field: value})
    db.conn.close()
    return path


@pytest.fixture
def register_path(tmp_path):
    return build_register(tmp_path / "register.db")


@pytest.fixture
def update(register_path):
    return build_update(read_register(register_path), SINCE, UNTIL, force=WMP)


def test_received_reports_count_items_and_repeats(update):
    # In the period: PEEL 2016 (2 March) and custody 2017 (10 May). The tracker
    # is not an inspection and Staffordshire is another force.
    received = update.received.set_index("title")
    assert list(received.index) == [REPORTS["peel16"][0], REPORTS["cus17"][0]]
    peel = received.loc[REPORTS["peel16"][0]]
    # PEEL 2016 prints C1 (repeat), D1 (repeat), A1 (repeat), A2, P1.
    assert (peel["recommendation"], peel["cause_of_concern"]) == (2, 1)
    assert peel["area_for_improvement"] == 2
    assert (peel["repeat_recommendation"], peel["repeat_area_for_improvement"]) == (
        1,
        1,
    )
    assert peel["repeat_cause_of_concern"] == 1
    custody = received.loc[REPORTS["cus17"][0]]
    # Custody 2017: K1 (repeat of 2010), K2; KC1; KA1, KA2 (repeats), KA3.
    assert custody[
        ["recommendation", "cause_of_concern", "area_for_improvement"]
    ].tolist() == [
        2,
        1,
        3,
    ]
    assert custody[
        ["repeat_recommendation", "repeat_area_for_improvement"]
    ].tolist() == [
        1,
        2,
    ]
    assert custody["inspectorates"] == "HMIC, HMIP"


def test_red_lists_outstanding_red_items_only(update):
    # D1 is red and in progress; E2 was red but is superseded; S1 is red but
    # Staffordshire's, filtered out by --force.
    assert update.red["id"].tolist() == ["D1"]
    history = update.red_history["D1"]
    assert history["field"].tolist()[:3] == ["rag", "owner", "target_date"]
    assert history.loc[history["field"] == "rag", "previous"].tolist()[1] == "amber"


def test_changes_in_period(update):
    # 20 April: D1 re-graded amber → red, A1 graded amber, E1 closed,
    # E2 superseded; 1 June: KA3 closed. K1's reopening is not a closure.
    changes = update.changes
    assert sorted(changes["item_id"]) == ["A1", "D1", "E1", "E2", "KA3"]
    assert changes.set_index("item_id").loc["D1", "change"] == "Re-graded Amber → Red"
    assert (
        changes.set_index("item_id").loc["A1", "change"] == "Re-graded Ungraded → Amber"
    )
    assert (
        "→ Closed (“addressed and archived”)"
        in changes.set_index("item_id").loc["E1", "change"]
    )


def test_slipped_targets_count_moves_later_only(update):
    # D1: 2016-12-31 → 2017-06-30 (Jan) → 2017-09-30 (May): 2 slips, 1 in period.
    # A1: 2017-03-31 → 2017-07-31 (20 March): 1 slip, in period.
    # A2 was brought forward (no slip); KA3 slipped but is closed.
    slipped = update.slipped.set_index("id")
    assert slipped.index.tolist() == ["D1", "A1"]
    assert slipped.loc["D1", ["slips", "slips_in_period"]].tolist() == [2, 1]
    assert slipped.loc["D1", "first_target"] == "2016-12-31"
    assert slipped.loc["D1", "target_date"] == "2017-09-30"
    assert slipped.loc["A1", ["slips", "slips_in_period"]].tolist() == [1, 1]


def test_pcc_responses_due_and_overdue(update):
    # Due on or after 1 March 2017: PEEL 2016 (2 March + 56 = 27 April, overdue
    # at 8 June by 42 days) and custody 2017 (10 May + 56 = 5 July, due in 27).
    responses = update.responses
    assert responses["title"].tolist() == [REPORTS["peel16"][0], REPORTS["cus17"][0]]
    assert responses["response_due"].tolist() == ["2017-04-27", "2017-07-05"]
    assert responses["overdue"].tolist() == [True, False]
    assert responses["days"].tolist() == [42, 27]
    assert update.totals["overdue"] == 1


def test_counts_by_report(update):
    counts = update.counts.set_index("report")
    # PEEL 2015 made C1 (open), D1 (in progress, red), A1 (in progress, amber).
    peel15 = counts.loc[REPORTS["peel15"][0]]
    assert peel15[
        ["open", "in_progress", "red", "amber", "ungraded", "total"]
    ].tolist() == [
        1,
        2,
        1,
        1,
        1,
        3,
    ]
    # 14 West Midlands and national items; 3 closed or superseded (E1, E2, KA3).
    assert counts.loc["Total", "total"] == 14
    assert counts.loc["Total", ["closed", "superseded"]].tolist() == [2, 1]
    assert update.totals["outstanding"] == 11


def test_status_over_time_follows_history(update):
    table = update.status_over_time
    # End of May 2017: E1 closed (April), E2 superseded, D1 A1 E3 in progress;
    # K1 was closed in 2012 and reopened 12 May 2017.
    may = table.loc["2017-05-31"]
    assert (may["closed"], may["superseded"], may["in_progress"]) == (1, 1, 3)
    december = table.loc["2016-12-31"]
    # Before the custody 2017 and PEEL 2016 reports: K1 closed, the rest open.
    assert december["closed"] == 1
    assert december.sum() == 3 + 3 + 3  # cus10, peel15 and eb14 items


def test_markdown_sections_and_numbers(update):
    sections = update_to_sections(update, _fake_charts())
    text = render_markdown(update, sections, {"age": "a.png", "status": "s.png"})
    assert f"## 3. {RED_SECTION_TITLE}" in text
    assert "There is currently 1 recommendation graded as Red." in text
    assert "Inspection reports received: 2" in text
    assert "Outstanding items: 11, of which graded Red: 1" in text
    assert "2 outstanding items have had their target date moved later, 2 times" in text
    assert "5 changes were recorded" in text
    assert "2 closed, 1 superseded and 2 re-graded" in text
    assert "| Overdue by 42 days |" in text
    assert (
        "In the case of 1 of the recommendations and 2 of the areas for improvement, "
        "there was continuity" in text
    )
    assert "Staffordshire" not in text


def test_markdown_matches_golden(register_path, tmp_path):
    output = tmp_path / "committee.md"
    written = write_report(register_path, output, SINCE, UNTIL, force=WMP, fmt="md")
    assert [p.name for p in written] == [
        "committee.md",
        "committee-open-items-by-age.png",
        "committee-status-over-time.png",
    ]
    assert all(p.stat().st_size > 1000 for p in written[1:])
    assert output.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")


def test_html_is_self_contained_and_prints_on_a4(register_path, tmp_path):
    output = tmp_path / "committee.html"
    write_report(register_path, output, SINCE, UNTIL, force=WMP, fmt="html")
    page = output.read_text(encoding="utf-8")
    assert "@page" in page and "size: A4" in page
    assert "table-layout: fixed" in page
    assert page.count('src="data:image/png;base64,') == 2
    assert 'src="http' not in page and "<link" not in page
    assert "There is currently 1 recommendation graded as Red." in page


def test_seed_scenario_names_domestic_abuse_recommendation(tmp_path):
    """The seed paper: the tracker grades PEEL 2015's domestic abuse item Red.

    Built with the register's own loader from tests/register_fixtures.py, so
    the Red grade comes from the tracker's printed "Red" as ingest reads it.
    """
    from pipeline.register import load_document, open_register
    from tests import register_fixtures

    db = open_register(tmp_path / "seed.db")
    for document in register_fixtures.all_documents():
        load_document(db, document, now=document["report"]["published"] + "T09:00:00")
    db.conn.close()
    register = read_register(tmp_path / "seed.db")
    update = build_update(register, date(2017, 3, 1), date(2017, 6, 8), force=WMP)
    text = render_markdown(update, update_to_sections(update, _fake_charts()), _FILES)
    red_section = text.split(f"{RED_SECTION_TITLE}\n", 1)[1].split("\n## ", 1)[0]
    assert "There is currently 1 cause of concern graded as Red." in red_section
    assert "The force's response to domestic abuse is a cause of concern" in red_section
    assert "from PEEL: Police effectiveness 2015" in red_section
    # The recommendation that answers it is quoted with it, as the seed paper does.
    assert "To address it, recommendation 1" in red_section
    assert register_fixtures.DASH_REC_2015 in red_section
    assert "rag red (printed “Red”), Joint Audit Committee" in red_section


_FILES = {"age": "a.png", "status": "s.png"}


def _fake_charts():
    from pipeline.committee import Chart

    return {
        "age": Chart("age", "Open items by age and kind", b""),
        "status": Chart("status", "Items by status at each month end", b""),
    }


def kent_register(tmp_path) -> Path:
    """Kent's PEEL 2023 with two items due "By 31 March 2024"; the analyst has
    moved the second one's target to 30 September 2024."""
    from pipeline.register import load_document, open_register, record_change
    from tests import register_fixtures as fx

    items = [
        fx.item("area_for_improvement", None, "By 31 March 2024, the force should "
                "make sure that investigations are supervised.", 9),
        fx.item("area_for_improvement", None, "By 31 March 2024, the force should "
                "make sure that it complies with the victims' code.", 10),
    ]  # fmt: skip
    document = fx.document("peel-2023-kent", "PEEL 2023 Kent", "2023-09-14",
                           "Kent Police", "inspection", items)  # fmt: skip
    db = open_register(tmp_path / "kent.db")
    load_document(db, document, now="2023-09-20T09:00:00")
    second = db.execute("SELECT id FROM items WHERE text LIKE '%victims%'").fetchone()
    record_change(db, second[0], "target_date", "2024-09-30", now="2024-01-05")
    db.conn.close()
    return tmp_path / "kent.db"


def test_by_31_march_2024_is_due_then_and_overdue_after(tmp_path):
    register = read_register(kent_register(tmp_path))
    before = build_update(register, date(2024, 1, 1), date(2024, 3, 1), "Kent Police")
    assert before.overdue.empty
    text = render_markdown(before, update_to_sections(before, _fake_charts()), _FILES)
    assert "past their due date" not in text
    # 1 June 2024 is 62 days after 31 March (1 + 30 + 31); the second item's
    # target of 30 September 2024 has not passed.
    after = build_update(register, date(2024, 3, 1), date(2024, 6, 1), "Kent Police")
    assert after.overdue[["due", "set_by", "days"]].values.tolist() == [
        ["2024-03-31", "By 31 March 2024", 62]
    ]
    text = render_markdown(after, update_to_sections(after, _fake_charts()), _FILES)
    assert "Outstanding items past their due date: 1" in text
    assert "1 outstanding item was due before 1 June 2024" in text
    assert "| 31 March 2024 | By 31 March 2024 | 62 |" in text


def test_the_paper_is_the_register_as_it_stood_on_until(register_path, tmp_path):
    """What the register learns after 8 June 2017 leaves the June paper as it was:
    a report published in September (one new item, one repeat of A1), A1
    closed in July, and D1 re-graded green on 20 June."""
    db = Database(register_path)
    db["reports"].insert(
        {
            "id": "peel17",
            "content_hash": "peel17",
            "sha256": "p17",
            "title": "PEEL 2017 - West Midlands Police",
            "published": "2017-09-01",
            "force": WMP,
            "kind": "inspection",
            "response_due": "2017-10-27",
        }
    )
    db["items"].insert(
        {
            "id": "X1",
            "kind": "recommendation",
            "status": "open",
            "text": "The force should publish its plan.",
            "first_report_id": "peel17",
            "first_published": "2017-09-01",
        }
    )
    for item_id, position in (("X1", 0), ("A1", 1)):
        db["occurrences"].insert(
            {
                "id": f"{item_id}@peel17",
                "item_id": item_id,
                "report_id": "peel17",
                "kind": "recommendation",
                "text": "…",
                "position": position,
            }
        )
    for item_id, field_name, value, day in (
        ("A1", "status", "closed", "2017-07-01"),
        ("D1", "rag", "green", "2017-06-20"),
    ):
        db["status_history"].insert(
            {
                "item_id": item_id,
                "field": field_name,
                "value": value,
                "date": day,
                "source": "analyst",
                "recorded_at": day,
            }
        )
        db["items"].update(item_id, {field_name: value})
    db.conn.close()  # fmt: skip
    later = build_update(read_register(register_path), SINCE, UNTIL, force=WMP)
    assert "X1" not in set(later.outstanding["id"])
    assert later.outstanding.set_index("id").loc["A1", "status"] == "in_progress"
    assert list(later.red["id"]) == ["D1"]
    output = tmp_path / "committee.md"
    write_report(register_path, output, SINCE, UNTIL, force=WMP, fmt="md")
    assert output.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
