"""Labels set in the left margin (extract/margins.py), and running text kept
apart from headings that happen to open pages (extract/running.py), on
hand-written page records.

The expectations come from how such pages read: a label beside a paragraph is
a heading over it; a hanging number, a Word sub-bullet and a running footer
are not labels; a heading is running text only when the page template puts it
at the same place on many pages.
"""

from __future__ import annotations

import pytest

from extract.layout import pages_to_blocks
from tests.test_layout import page, paragraph, words

BODY_X = 140.0
LABEL_X = 45.0
BODY = [
    "The force should make sure that victims are given the chance to make",
    "a personal statement, and that the statement is kept with the crime",
    "record so that the court can hear it when it decides a sentence.",
]
FINDINGS = [
    "The force has improved how it answers calls since the last inspection",
    "and most callers now wait for less than a minute before they are helped",
    "by a trained call handler who assesses the risk they face at once.",
]


def labelled_page(label_lines, number=1, body=BODY, top=300.0):
    """A page of findings, then a paragraph with a label in the margin beside
    its first lines, then more findings."""
    found = paragraph(FINDINGS, x0=BODY_X, top=100.0)
    label = [
        w
        for index, text in enumerate(label_lines)
        for w in words(
            text, LABEL_X, top + index * 12.0, size=9.0, fontname="Arial-Bold"
        )
    ]
    item = paragraph(body, x0=BODY_X, top=top)
    after = paragraph(FINDINGS, x0=BODY_X, top=top + 80.0)
    return page(number, found + label + item + after)


def blocks_of(pages):
    return [(b.kind, b.text) for b in pages_to_blocks(pages)]


def test_a_margin_label_is_a_heading_over_its_whole_paragraph():
    blocks = blocks_of([labelled_page(["Area for", "improvement"])])
    assert ("heading", "Area for improvement") in blocks
    at = blocks.index(("heading", "Area for improvement"))
    assert blocks[at + 1] == ("paragraph", " ".join(BODY))


def test_a_label_number_on_a_line_of_its_own_stays_with_the_label():
    blocks = blocks_of([labelled_page(["Recommendation", "1"])])
    assert ("heading", "Recommendation 1") in blocks
    assert ("paragraph", " ".join(BODY)) in blocks


def test_hanging_numbers_are_not_margin_labels():
    numbered = []
    for index, number in enumerate(("1.", "2.", "3.")):
        top = 100.0 + index * 40.0
        numbered += words(number, LABEL_X, top)
        numbered += paragraph(BODY[:2], x0=BODY_X, top=top)
    blocks = pages_to_blocks([page(1, numbered)])
    assert [b.marker for b in blocks] == ["1", "2", "3"]
    assert all(b.kind == "numbered" for b in blocks)


def test_a_running_footer_left_of_the_text_is_no_label():
    pages = []
    for number in (1, 2, 3):
        footer = words("HMIC", LABEL_X, 800.0, size=8.0) + words(
            str(number), 520.0, 800.0, size=8.0
        )
        pages.append(page(number, paragraph(FINDINGS, x0=BODY_X, top=100.0) + footer))
    assert all("HMIC" not in text for _, text in blocks_of(pages))


def test_a_heading_opening_several_pages_at_different_places_is_kept():
    pages = []
    for number, top in ((1, 76.0), (2, 65.0), (3, 90.0)):
        heading = words(
            "Areas for improvement", BODY_X, top, size=12.0, fontname="Arial-Bold"
        )
        body = paragraph(FINDINGS, x0=BODY_X, top=top + 20.0)
        pages.append(page(number, heading + body))
    headings = [text for kind, text in blocks_of(pages) if kind == "heading"]
    assert headings == ["Areas for improvement"] * 3


def test_a_header_printed_at_the_same_place_on_every_page_is_dropped():
    pages = []
    for number in (1, 2, 3):
        header = words("Areas for improvement", BODY_X, 40.0, size=8.0)
        pages.append(page(number, header + paragraph(FINDINGS, x0=BODY_X, top=100.0)))
    assert all("Areas for" not in text for _, text in blocks_of(pages))


@pytest.mark.xfail(
    strict=True,
    reason="a label in the right column's margin stands in the gap between the "
    "columns; find_gutter allows a few words across the gap and puts the gutter "
    "through the label, which is then read as a line across both columns",
)
def test_labels_in_the_right_column_margin_of_a_two_column_page():
    lines = [
        "Text of the left column goes on here",
        "line after line, all of it findings",
        "that nobody should take for an item",
    ] * 6
    left = paragraph(lines, x0=140.0, top=100.0)
    right_label = words("Recommendation", 330.0, 100.0, size=9.0, fontname="Arial-Bold")
    right_item = paragraph(
        [
            "The force should make sure",
            "that its vetting units record",
            "a clear rationale for each.",
        ],
        x0=420.0,
        top=100.0,
    )
    right_rest = paragraph(
        ["Further findings in this column"] * 12, x0=420.0, top=150.0
    )
    record = page(1, left + right_label + right_item + right_rest)
    blocks = [(b.kind, b.column, b.text) for b in pages_to_blocks([record])]
    at = [text for _, _, text in blocks].index("Recommendation")
    assert blocks[at][0] == "heading"
    assert blocks[at + 1][2] == (
        "The force should make sure that its vetting units record a clear "
        "rationale for each."
    )
