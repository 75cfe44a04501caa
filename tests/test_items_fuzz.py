"""Any sequence of blocks gives items or none, never an exception.

tests/test_fuzz.py mutates PDF bytes, which rarely reaches the item reader's
rarer states; this builds block sequences from the phrases those states turn
on (section headings, labels, lead-ins, tracker quotes and statuses, table
cells) and checks that blocks_to_items returns contract-shaped items for
inspections and trackers alike. A helper found a crash of this kind by reading
(a report-name heading before any quote; commit e20db0f).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract.items import blocks_to_items
from extract.layout import Block

KINDS = ("recommendation", "area_for_improvement", "cause_of_concern")
TEXTS = [
    "Recommendations",
    "Areas for improvement",
    "Causes of concern",
    "Cause of concern",
    "Recommendation 3",
    "Area for improvement",
    "Summary of recommendations",
    "PEEL: Police effectiveness 2017",
    "Contents",
    "We recommend that",
    "To address this cause of concern, HMIC recommends that the force should:",
    "Within three months, the force should audit its crime records.",
    "The force should review its approach to stalking.",
    "The force should be commended for its work.",
    "This recommendation has been addressed and archived.",
    "This area for improvement is now closed.",
    "which are on-going",
    "Status: Red",
    "Recommendations 1 and 2 relate to the first cause of concern.",
    "Recommendations 1 to 3 in the summary of this report address this cause of "
    "concern.",
    "“PEEL: Police effectiveness 2016” was published in March 2017 and made the "
    "following recommendations.",
    "The Committee to note the contents of the report.",
    "Recommendation",
    "Type",
    "Progress",
    "",
    "2.1",
]
MARKERS = [None, "1", "2", "3", "2.1", "(a)", "(ii)", "•", "–"]


@st.composite
def blocks(draw) -> Block:
    kind = draw(st.sampled_from(["paragraph", "heading", "bullet", "numbered", "cell"]))
    in_table = kind == "cell"
    return Block(
        page=draw(st.integers(1, 4)),
        text=draw(st.sampled_from(TEXTS)),
        kind=kind,
        marker=draw(st.sampled_from(MARKERS)),
        level=draw(st.integers(0, 2)),
        bold=draw(st.booleans()),
        size=draw(st.sampled_from([9.0, 10.0, 14.0])),
        box=draw(st.sampled_from([None, "p1-b0"])),
        table="p1-t0" if in_table else None,
        row=draw(st.integers(0, 3)) if in_table else None,
        col=draw(st.integers(0, 2)) if in_table else None,
    )


REPORT_HEADING_THEN_ITEM = [
    Block(page=1, text="PEEL: Police effectiveness 2017", kind="heading", bold=True),
    Block(page=1, text=TEXTS[12], kind="numbered", marker="1"),
]


# HMIC_FUZZ_EXAMPLES=20000 for a deeper run by hand; CI runs 600 (a few seconds).
EXAMPLES = int(os.environ.get("HMIC_FUZZ_EXAMPLES", "600"))


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    sequence=st.lists(blocks(), max_size=14),
    report_kind=st.sampled_from(["inspection", "tracker"]),
)
@example(sequence=REPORT_HEADING_THEN_ITEM, report_kind="tracker")
def test_any_block_sequence_gives_contract_items(sequence, report_kind):
    items = blocks_to_items(sequence, {"kind": report_kind})
    for index, item in enumerate(items):
        assert item["kind"] in KINDS
        assert item["text"].strip()
        assert item["page"] in {block.page for block in sequence}
        parent = item["parent"]
        if parent is not None:
            assert 0 <= parent < len(items) and parent != index
            assert items[parent]["kind"] == "cause_of_concern"


def test_a_recommendation_worded_as_its_concern_is_not_its_own_parent():
    # Found by the test above: the two statements merge into one item, which
    # had itself as parent.
    texts = [
        "Cause of concern",
        "We recommend that",
        "To address this cause of concern, HMIC recommends that the force should:",
        "To address this cause of concern, HMIC recommends that the force should:",
    ]
    blocks = [Block(page=1, text=text, kind="paragraph", size=9.0) for text in texts]
    items = blocks_to_items(blocks, {"kind": "inspection"})
    assert len(items) == 2  # the concern, and the recommendation stated twice
    for index, item in enumerate(items):
        assert item["parent"] != index
        if item["parent"] is not None:
            assert items[item["parent"]]["kind"] == "cause_of_concern"
