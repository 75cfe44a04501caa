"""Paragraph ends from evidence that holds in any producer (extract/paragraphs.py,
extract/boxes.py, extract/columns.py), on hand-written page records.

The expectations are how a reader sees such pages: in justified text a line
that stops short of the edge is a paragraph's last; a table drawn as a frame
round numbered paragraphs is read as those paragraphs; a running header
across a two-column page does not hide its gutter.
"""

from __future__ import annotations

from extract.layout import pages_to_blocks
from tests.test_layout import page, paragraph, word, words

LEFT, RIGHT = 72.0, 520.0


def justified(text_lines, top, x0=LEFT, size=10.0):
    """Words of lines set justified: every line but the last stretched to RIGHT."""
    result = []
    for index, text in enumerate(text_lines):
        line = words(text, x0, top + index * 12.0, size=size)
        last = index == len(text_lines) - 1
        if not last and len(line) > 1:
            stretch = (RIGHT - line[-1]["x1"]) / (len(line) - 1)
            for n, w in enumerate(line):
                width = w["x1"] - w["x0"]
                w["x0"] += n * stretch
                w["x1"] = w["x0"] + width
        result += line
    return result


def test_in_justified_text_a_short_line_ends_its_paragraph_though_the_next_word_fits():
    # the short line stops 30 points before the edge, and "“By" would fit
    # there: only justification tells that the paragraph ended
    first = justified(
        [
            "The report made several recommendations about fraud and the way",
            "forces respond to it, and only one is for forces rather than for",
            "national bodies and the wider system:",
        ],
        top=100.0,
    )
    first[-1]["x1"] = RIGHT - 30.0  # end the last line short, as printed
    quote = justified(
        [
            "“By September the force should adopt the national standards for",
            "victim care and make sure that each vulnerable victim gets help.”",
        ],
        top=136.0,
    )
    filler = justified(
        [
            "Further findings follow in the chapters below, where each of the",
            "areas we inspected is described with the evidence we gathered for",
            "it during the fieldwork and the interviews with officers and staff.",
        ],
        top=200.0,
    )
    blocks = [b.text for b in pages_to_blocks([page(1, first + quote + filler)])]
    assert blocks[0].endswith("national bodies and the wider system:")
    assert blocks[1].startswith("“By September")


def test_a_table_framing_numbered_paragraphs_is_read_as_paragraphs():
    body = [
        *words("Within three months, the force should:", 80.0, 100.0),
        *words("1.", 80.0, 114.0),
        *words("put in place a process to record every crime reported", 100.0, 114.0),
        *words("to its public protection unit within a day of receipt;", 100.0, 126.0),
        *words("2.", 80.0, 140.0),
        *words("audit its crime recording every month.", 100.0, 140.0),
    ]
    record = page(1, body)
    record["tables"] = [
        {"rows": [[(75.0, 95.0, 530.0, 110.0)], [(75.0, 110.0, 530.0, 155.0)]]}
    ]
    blocks = pages_to_blocks([record])
    assert [(b.kind, b.marker) for b in blocks] == [
        ("paragraph", None),
        ("numbered", "1"),
        ("numbered", "2"),
    ]
    assert blocks[1].text.endswith("within a day of receipt;")
    assert all(b.table is None for b in blocks)


def test_a_small_running_header_across_both_columns_does_not_hide_the_gutter():
    header = [  # two header lines, each across the gutter
        *words(
            "Inspection of the fire and rescue service 2022 and what we found in it",
            65.0,
            30.0,
            size=8.0,
        ),
        *words(
            "Effectiveness, efficiency and people of the fire and rescue service",
            65.0,
            42.0,
            size=8.0,
        ),
    ]
    left = paragraph(["Left column text goes here now"] * 8, x0=65.0, top=100.0)
    right = paragraph(["Right column words stand here"] * 8, x0=330.0, top=100.0)
    blocks = pages_to_blocks([page(1, header + left + right + [word("x", 65, 400)])])
    columns = {b.column for b in blocks if "column" in b.text}
    assert columns == {1, 2}


def test_a_hyphen_the_typesetter_inserted_goes_and_a_typed_one_stays():
    # "under" is a prefix that takes a hyphen, and "standing" a word of its
    # own: only the U+2010 glyph says the typesetter broke the word there
    lines = [
        "The force should make sure that it uses this under\u2010",
        "standing to plan its workforce and that the well-",
        "being of its staff is looked after by trained managers.",
    ]
    blocks = pages_to_blocks([page(1, paragraph(lines))])
    assert blocks[0].text == (
        "The force should make sure that it uses this understanding to plan its "
        "workforce and that the well-being of its staff is looked after by "
        "trained managers."
    )


def test_a_bold_run_in_label_starts_a_paragraph_after_a_full_line():
    concern = paragraph(
        [
            "The force's governance of the use of force in custody was weak, and",
            "records were often incomplete or missing for the cases we looked at.",
        ],
        top=100.0,
    )
    label = words("Recommendation:", LEFT, 124.0, fontname="Arial-Bold")
    rest = words("The force should record every use of force.", 160.0, 124.0)
    blocks = [b.text for b in pages_to_blocks([page(1, concern + label + rest)])]
    assert blocks[-1] == "Recommendation: The force should record every use of force."
    assert blocks[0].endswith("the cases we looked at.")
