"""Blocks in, items out (extract/items.py), on hand-built Blocks.

The expectations come from contract §1: an item's text is its own words with
the announcing label and lead-in removed and its bullets joined; a
recommendation answering a cause of concern has that concern as parent; an
item restated later is one item at its first page; trackers give a status and
the quoted report's title.
"""

from __future__ import annotations

import pytest

from extract.items import blocks_to_items
from extract.layout import Block

INSPECTION = {"kind": "inspection"}
TRACKER = {"kind": "tracker"}


def heading(text, page=1):
    return Block(page=page, text=text, kind="heading", bold=True, size=14.0)


def para(text, page=1):
    return Block(page=page, text=text, kind="paragraph", size=10.0, x0=72.0)


def bullet(text, page=1, level=0):
    return Block(
        page=page, text=text, kind="bullet", marker="•", level=level, size=10.0
    )


def numbered(text, marker, page=1):
    return Block(page=page, text=text, kind="numbered", marker=marker, size=10.0)


def kinds_and_texts(items):
    return [(i["kind"], i["text"]) for i in items]


SUPERVISION = "The force should improve how it supervises investigations."
RECORDING = "The force should make sure that it records all crimes accurately."


def test_areas_for_improvement_heading_and_bullets_give_two_items():
    items = blocks_to_items(
        [heading("Areas for improvement"), bullet(SUPERVISION), bullet(RECORDING)],
        INSPECTION,
    )
    assert kinds_and_texts(items) == [
        ("area_for_improvement", SUPERVISION),
        ("area_for_improvement", RECORDING),
    ]
    assert [(i["number"], i["page"], i["parent"]) for i in items] == [
        (None, 1, None),
        (None, 1, None),
    ]


def test_items_carry_the_contract_keys():
    items = blocks_to_items([heading("Areas for improvement"), bullet(SUPERVISION)], {})
    assert set(items[0]) >= {
        "kind",
        "number",
        "text",
        "page",
        "source_report",
        "status",
        "parent",
    }
    assert (items[0]["source_report"], items[0]["status"]) == (None, None)


@pytest.mark.parametrize(
    "blocks",
    [
        [heading("Area for improvement 2"), para(SUPERVISION)],
        [para("Area for improvement 2: " + SUPERVISION)],
        [para("Area for improvement 2"), para(SUPERVISION)],
    ],
    ids=["heading", "same-paragraph", "label-paragraph"],
)
def test_numbered_label_gives_number_and_is_removed(blocks):
    items = blocks_to_items(blocks, INSPECTION)
    assert [(i["kind"], i["number"], i["text"]) for i in items] == [
        ("area_for_improvement", "2", SUPERVISION)
    ]


def test_recommendation_label_with_number():
    items = blocks_to_items([heading("Recommendation 3"), para(RECORDING)], INSPECTION)
    assert [(i["kind"], i["number"], i["text"]) for i in items] == [
        ("recommendation", "3", RECORDING)
    ]


CONCERN = "The force does not understand the nature of demand for its services."


def test_cause_of_concern_and_its_recommendation():
    blocks = [
        heading("Cause of concern"),
        para(CONCERN),
        para("To address this cause of concern, we recommend that the force:"),
        bullet("reviews its analysis of demand;"),
        bullet("puts in place a plan to meet that demand."),
    ]
    items = blocks_to_items(blocks, INSPECTION)
    assert [(i["kind"], i["text"], i["parent"]) for i in items] == [
        ("cause_of_concern", CONCERN, None),
        (
            "recommendation",
            "To address this cause of concern, we recommend that the force: "
            "reviews its analysis of demand; puts in place a plan to meet that demand.",
            0,
        ),
    ]


def test_second_concern_recommendation_points_at_its_own_concern():
    blocks = [
        heading("Cause of concern"),
        para(CONCERN),
        para("To address this cause of concern, we recommend that the force:"),
        bullet("reviews its analysis of demand."),
        heading("Cause of concern"),
        para("The force does not protect vulnerable people well enough."),
        para("To address this cause of concern, we recommend that the force:"),
        bullet("trains its staff to identify vulnerability."),
    ]
    items = blocks_to_items(blocks, INSPECTION)
    assert [(i["kind"], i["parent"]) for i in items] == [
        ("cause_of_concern", None),
        ("recommendation", 0),
        ("cause_of_concern", None),
        ("recommendation", 2),
    ]


def test_we_recommend_that_lead_in_is_kept():
    """Contract §1 Text: a lead-in sentence is part of the item, as printed."""
    items = blocks_to_items(
        [para("We recommend that the force reviews its approach to missing children.")],
        INSPECTION,
    )
    assert [(i["kind"], i["number"], i["text"], i["parent"]) for i in items] == [
        (
            "recommendation",
            None,
            "We recommend that the force reviews its approach to missing children.",
            None,
        )
    ]


@pytest.mark.parametrize(
    "blocks",
    [
        [para("In 2014 we recommended that the force improve its crime recording.")],
        [
            heading("Recommendations"),
            para("In 2014 we recommended that the force improve its crime recording."),
        ],
    ],
    ids=["alone", "in-section"],
)
def test_narrative_past_recommendation_is_not_an_item(blocks):
    assert blocks_to_items(blocks, INSPECTION) == []


def test_bullet_asking_a_question_is_not_an_item():
    items = blocks_to_items(
        [
            heading("Areas for improvement"),
            bullet("How well does the force understand the demand it faces?"),
            bullet(SUPERVISION),
        ],
        INSPECTION,
    )
    assert kinds_and_texts(items) == [("area_for_improvement", SUPERVISION)]


def test_item_restated_in_an_annex_is_one_item_at_its_first_page():
    blocks = [
        heading("Areas for improvement", page=3),
        bullet(SUPERVISION, page=3),
        para("The force has a new crime recording system.", page=10),
        heading("Annex A – Summary of areas for improvement", page=20),
        bullet(SUPERVISION, page=20),
    ]
    items = blocks_to_items(blocks, INSPECTION)
    assert [(i["kind"], i["text"], i["page"]) for i in items] == [
        ("area_for_improvement", SUPERVISION, 3)
    ]


def test_restated_item_keeps_its_label_number():
    blocks = [
        heading("Area for improvement 4", page=5),
        para(RECORDING, page=5),
        heading("Annex A – Summary of areas for improvement", page=20),
        bullet(RECORDING, page=20),
    ]
    items = blocks_to_items(blocks, INSPECTION)
    assert [(i["number"], i["page"]) for i in items] == [("4", 5)]


# --- trackers -------------------------------------------------------------------

TITLE = "PEEL: Police effectiveness 2016 – An inspection of West Midlands Police"


def test_tracker_quoted_report_numbered_items_and_status():
    blocks = [
        para(
            f"“{TITLE}” was published in March 2017 and made the following "
            "recommendations."
        ),
        numbered("The force should improve how it responds to missing children.", "1"),
        para("This recommendation has been addressed and archived."),
        numbered("The force should review its approach to stalking.", "2"),
    ]
    items = blocks_to_items(blocks, TRACKER)
    assert [(i["kind"], i["number"], i["source_report"]) for i in items] == [
        ("recommendation", "1", TITLE),
        ("recommendation", "2", TITLE),
    ]
    assert items[0]["text"] == (
        "The force should improve how it responds to missing children."
    )
    assert items[0]["status"] == "addressed and archived"
    assert items[1]["status"] != "addressed and archived"


def test_committee_to_note_is_not_an_item():
    blocks = [
        heading("Recommendation"),
        para("The Committee to note the contents of the report."),
    ]
    assert blocks_to_items(blocks, TRACKER) == []


def test_committee_to_note_after_a_tracker_item_is_not_part_of_it():
    blocks = [
        para(f"“{TITLE}” was published in March 2017."),
        numbered("The force should review its approach to stalking.", "1"),
        para("The Committee to note the contents of the report."),
    ]
    items = blocks_to_items(blocks, TRACKER)
    assert [i["text"] for i in items] == [
        "The force should review its approach to stalking."
    ]


def test_tracker_quote_kind_comes_from_the_sentences_around_it():
    blocks = [
        para(f"“{TITLE}” was published in March 2017."),
        numbered("The force should review its approach to stalking.", "1"),
        para("This area for improvement is now closed."),
        numbered("Within three months, the force should audit its crime records.", "2"),
    ]
    items = blocks_to_items(blocks, TRACKER)
    # contract §1: status as printed, null where none is given
    assert [(i["kind"], i["status"]) for i in items] == [
        ("area_for_improvement", "closed"),
        ("recommendation", None),
    ]


def test_status_sentence_in_the_items_paragraph_ends_it():
    """A plain Word paper prints the status straight after the item, in the
    same paragraph; the tracker's account of progress ends the item too."""
    blocks = [
        para(f"“{TITLE}” was published in March 2017."),
        numbered(
            "The force to review its approach to stalking. "
            "This recommendation has been addressed and archived.",
            "1",
        ),
        numbered(
            "The force to audit its crime records. The force has recently "
            "conducted a large audit of its crime records.",
            "2",
        ),
    ]
    items = blocks_to_items(blocks, TRACKER)
    assert [(i["text"], i["status"]) for i in items] == [
        ("The force to review its approach to stalking.", "addressed and archived"),
        ("The force to audit its crime records.", None),
    ]


def test_report_named_and_dated_before_its_items():
    blocks = [
        numbered(
            "Crime Data Integrity inspection 2017 (published 27 July 2017)", "5.1"
        ),
        para("The report contained one cause of concern with two recommendations:"),
        para(
            "“The force is not recording a large share of the crimes reported to it.”"
        ),
        para(
            "Recommendation 1: Within three months, the force should audit its records."
        ),
        para("Status: Closed – superseded by the national audit programme."),
    ]
    items = blocks_to_items(blocks, TRACKER)
    assert [(i["kind"], i["source_report"], i["status"]) for i in items] == [
        ("cause_of_concern", "Crime Data Integrity inspection 2017", None),
        (
            "recommendation",
            "Crime Data Integrity inspection 2017",
            "Closed – superseded",
        ),
    ]


def test_tracker_heading_naming_a_report_then_numbered_items():
    # No quoting sentence: the heading alone names the source report, and each
    # item's kind comes from its own words.
    blocks = [
        heading("PEEL: Police effectiveness 2017"),
        numbered("The force should review its approach to stalking.", "1"),
        numbered("Within three months, the force should audit its crime records.", "2"),
    ]
    items = blocks_to_items(blocks, TRACKER)
    assert [(i["kind"], i["number"], i["source_report"]) for i in items] == [
        ("area_for_improvement", "1", "PEEL: Police effectiveness 2017"),
        ("recommendation", "2", "PEEL: Police effectiveness 2017"),
    ]


def test_a_new_report_heading_forgets_the_last_quotes_kind():
    blocks = [
        para(
            f"“{TITLE}” was published in March 2017 and made the following "
            "recommendations."
        ),
        numbered("The force should review its approach to stalking.", "1"),
        heading("PEEL: Police legitimacy 2017"),
        numbered("The force should review its approach to vetting.", "1"),
    ]
    items = blocks_to_items(blocks, TRACKER)
    assert [(i["kind"], i["source_report"]) for i in items] == [
        ("recommendation", TITLE),
        ("area_for_improvement", "PEEL: Police legitimacy 2017"),
    ]


# --- numbers, sub-bullets and praise ----------------------------------------------


def test_numbered_paragraphs_in_a_section_keep_their_printed_number():
    items = blocks_to_items(
        [
            heading("Recommendations"),
            numbered("The force should review its approach to stalking.", "(ii)"),
            numbered("All forces should adopt the definition of stalking.", "(iii)"),
        ],
        INSPECTION,
    )
    assert [(i["kind"], i["number"]) for i in items] == [
        ("recommendation", "(ii)"),
        ("recommendation", "(iii)"),
    ]


def test_sub_bullets_belong_to_their_item_in_order():
    items = blocks_to_items(
        [
            heading("Areas for improvement"),
            bullet("The force should make sure that:"),
            bullet("officers record crime;", level=1),
            bullet("supervisors check it.", level=1),
            bullet(RECORDING),
        ],
        INSPECTION,
    )
    assert kinds_and_texts(items) == [
        (
            "area_for_improvement",
            "The force should make sure that: officers record crime; "
            "supervisors check it.",
        ),
        ("area_for_improvement", RECORDING),
    ]


def test_numbered_concern_and_numbered_recommendation_under_it():
    items = blocks_to_items(
        [
            heading("Cause of concern 1"),
            para(CONCERN),
            para("Recommendation 1.1"),
            para("Within three months, the force should review its demand."),
        ],
        INSPECTION,
    )
    assert [(i["kind"], i["number"], i["parent"]) for i in items] == [
        ("cause_of_concern", "1", None),
        ("recommendation", "1.1", 0),
    ]


def test_praise_in_an_improvement_list_is_not_an_item():
    items = blocks_to_items(
        [
            heading("Areas for improvement"),
            bullet("The force should be commended for its work with partners."),
            bullet(SUPERVISION),
        ],
        INSPECTION,
    )
    assert kinds_and_texts(items) == [("area_for_improvement", SUPERVISION)]


# --- which recommendations answer which cause of concern, said in a sentence ----------

CONCERN_A = "The force is failing to record a significant proportion of violent crime."
CONCERN_B = "The force is not recording all reports of rape and sexual offences."
RECS = [
    "Within three months, the force should record every report at first contact.",
    "Within three months, the force should audit its crime-recording decisions.",
    "Within three months, the force should record all reports made by third parties.",
]


def summary_with_concerns_then_recommendations(link_sentence: str) -> list[Block]:
    return [
        heading("Causes of concern"),
        numbered(CONCERN_A, "1"),
        numbered(CONCERN_B, "2"),
        heading("Recommendations"),
        para(link_sentence),
        *(numbered(text, str(n)) for n, text in enumerate(RECS, start=1)),
    ]


def parents_by_number(items) -> dict:
    concern_text = {i: item["text"] for i, item in enumerate(items)}
    return {
        item["number"]: concern_text[item["parent"]]
        for item in items
        if item["kind"] == "recommendation"
    }


def test_ordinal_sentence_gives_each_recommendation_its_concern():
    blocks = summary_with_concerns_then_recommendations(
        "Recommendations 1 and 2 relate to the first cause of concern; "
        "recommendation 3 relates to the second."
    )
    items = blocks_to_items(blocks, INSPECTION)
    assert parents_by_number(items) == {"1": CONCERN_A, "2": CONCERN_A, "3": CONCERN_B}


def test_this_cause_of_concern_after_a_restated_concern():
    blocks = [
        *summary_with_concerns_then_recommendations("We make three recommendations."),
        heading("Leadership", page=3),
        para("Cause of concern", page=3),
        para(CONCERN_A, page=3),
        para(
            "Recommendations 1 to 3 in the summary of this report address this "
            "cause of concern.",
            page=3,
        ),
    ]
    items = blocks_to_items(blocks, INSPECTION)
    assert [i["kind"] for i in items].count("cause_of_concern") == 2
    assert parents_by_number(items) == {"1": CONCERN_A, "2": CONCERN_A, "3": CONCERN_A}


def test_without_a_link_sentence_the_latest_concern_is_the_parent():
    blocks = summary_with_concerns_then_recommendations(
        "We make three recommendations."
    )
    items = blocks_to_items(blocks, INSPECTION)
    assert parents_by_number(items) == {"1": CONCERN_B, "2": CONCERN_B, "3": CONCERN_B}


def test_last_inspections_recommendations_are_history_not_items():
    """An appendix of the last report's recommendations with their verdicts is
    history (dev-set README, "Not items"); a later section is read again."""
    blocks = [
        heading("Appendix II: Progress on recommendations from the last report"),
        Block(
            page=2, text="Main recommendations", kind="heading", bold=True, size=10.0
        ),
        numbered("The force should record its use of force. (4.2) Achieved", "1"),
        numbered(
            "Detainees should be offered a shower. (4.41) Partially achieved", "2"
        ),
        heading("Areas for improvement"),
        bullet("The force should improve how it records crime."),
    ]
    items = blocks_to_items(blocks, INSPECTION)
    assert [i["text"] for i in items] == [
        "The force should improve how it records crime."
    ]


def test_a_recommendation_ending_in_its_verdict_is_history():
    blocks = [
        heading("Recommendations"),
        numbered("The force should record its use of force. (4.2) Not achieved", "1"),
        numbered("The force should audit its custody records.", "2"),
    ]
    items = blocks_to_items(blocks, INSPECTION)
    assert [i["text"] for i in items] == ["The force should audit its custody records."]


def test_a_lone_area_for_improvement_stated_after_findings_in_its_paragraph():
    """A short letter's one area for improvement, under a singular heading,
    is the sentence addressed to the force after the paragraph's findings."""
    afi = "The force should make sure that its staff record coercive control."
    blocks = [
        heading("Progress on the areas for improvement from 2018"),
        para("In the first, we said that the force should improve its recording."),
        heading("A remaining area for improvement"),
        para(f"Of the 14 such crimes we found, only nine had been recorded. {afi}"),
    ]
    items = blocks_to_items(blocks, INSPECTION)
    assert [(i["kind"], i["text"]) for i in items] == [("area_for_improvement", afi)]


def table(rows, page=1, name="t0"):
    """A table's cells as Blocks, row by row; a cell of "" is left empty."""
    return [
        Block(page=page, text=text, kind="cell", size=9.0, table=f"p{page}-{name}",
              row=r, col=c)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        if text
    ]  # fmt: skip


HEADER = ["Ref", "Report", "Type", "Recommendation / area for improvement", "Status"]


def test_tracker_table_kinds_from_abbreviations_and_a_concerns_recommendation():
    rows = [
        HEADER,
        ["C1", "PEEL 2019", "CoC", "The force does not understand the demand it faces.",
         "Closed – superseded"],
        ["C2", "PEEL 2019", "Rec", "Within six months, the force should analyse it.",
         "Closed – superseded by C3"],
        ["C3", "PEEL 2022", "AFI", "The force should make sure it plans its workforce.",
         "On-going"],
    ]  # fmt: skip
    items = blocks_to_items(table(rows), TRACKER)
    assert [(i["kind"], i["status"], i["parent"]) for i in items] == [
        ("cause_of_concern", "Closed – superseded", None),
        ("recommendation", "Closed – superseded", 0),
        ("area_for_improvement", "On-going", None),
    ]


def test_a_table_of_totals_after_a_tracker_table_is_no_item():
    rows = [
        HEADER,
        ["C3", "PEEL 2022", "AFI", "The force should plan its workforce.", "On"],
    ]
    totals = [["Source", "Open", "Closed", "Total"], ["PEEL 2022", "5", "1", "6"]]
    blocks = table(rows) + table(totals, page=2)
    items = blocks_to_items(blocks, TRACKER)
    assert [i["text"] for i in items] == ["The force should plan its workforce."]


def test_bullets_in_a_table_cell_belong_to_the_cells_item():
    """An annex table restating a recommendation with its bullets, in an
    inspection report: the bullets are the item's, so it merges with the
    summary's statement."""
    lead = "By 31 March 2020, all chief constables should make sure that forces:"
    points = ["contact every victim within 72 hours;", "refer victims at risk."]
    summary = [heading("Recommendations"), para(lead)] + [bullet(p) for p in points]
    cells = [
        Block(page=2, text=text, kind="cell", marker=marker, size=9.0,
              table="p2-t0", row=1, col=1)
        for text, marker in [(lead, None), (points[0], "•"), (points[1], "•")]
    ]  # fmt: skip
    items = blocks_to_items(summary + cells, INSPECTION)
    assert [i["text"] for i in items] == [" ".join([lead, *points])]
