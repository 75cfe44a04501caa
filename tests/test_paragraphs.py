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


def stretched(text_lines, top, **kw):
    """Lines set justified, the last one stretched to the edge as well."""
    return [
        w
        for w in justified([*text_lines, "end"], top, **kw)
        if w["top"] < top + 12.0 * len(text_lines)
    ]


FULL_LINES = [
    "Supervisors restructured the rota for response shifts with the police",
    "and crime commissioner, and since the last inspection the department",
    "continued to use the results of its survey during the period of the",
]


def test_a_bold_label_whose_colon_is_set_in_roman_opens_a_paragraph():
    # Flush paragraphs, no spacing: the text before ends at the edge, so only
    # the bold run-in "Recommendation 12" (its colon in the text's weight)
    # says a new paragraph starts.
    before = stretched(
        [*FULL_LINES, "inspection, and local partners developed its approach to it."],
        100.0,
    )
    bold = words("Recommendation 12", LEFT, 148.0, fontname="Arial-Bold")
    colon = word(":", bold[-1]["x1"], 148.0)
    label = [*bold, colon, *words("The force should act.", colon["x1"] + 3.0, 148.0)]
    blocks = [b.text for b in pages_to_blocks([page(1, before + label)])]
    assert blocks[-1] == "Recommendation 12: The force should act."
    assert blocks[-2].endswith("developed its approach to it.")


def test_a_taller_line_box_mid_sentence_does_not_end_the_paragraph():
    # A superscript note marker can push a line further down than the pitch;
    # a line that wrapped, mid-sentence, into a lower-case word goes on.
    lines = [*FULL_LINES, "inspection. We recommend that the force undertakes a"]
    top = 100.0

    def blocks_with(next_line):
        body = stretched(lines, top) + words(next_line, LEFT, top + 12.0 * 3 + 17.5)
        return [b.text for b in pages_to_blocks([page(1, body)])]

    carried = blocks_with("review of the unit to ensure that it works.")
    assert len(carried) == 1 and carried[0].endswith(
        "undertakes a review of the unit to ensure that it works."
    )
    # the same gap before a capital is paragraph spacing
    assert len(blocks_with("Review findings follow in the next chapter.")) == 2


def test_the_left_margin_is_the_leftmost_edge_lines_share():
    from extract.blocks import left_margins

    def line(x0, column=1):
        return {"page": 1, "column": column, "x0": x0, "table": None, "box": None}

    # a column of bullets: more lines hang at 96 than stand at the margin
    lines = [line(50.0)] + [line(72.0)] * 2 + [line(84.0)] * 5 + [line(96.0)] * 6
    lines += [line(320.0, 2)] * 3 + [line(331.0, 2)] * 8
    assert left_margins(lines) == {(1, 1): 72.0, (1, 2): 320.0}


def test_a_small_header_printed_once_above_the_text_is_running_text():
    # Two pages, a header on the second only (Word's "different first page"):
    # nothing repeats it, but it stands above where the text starts on page 1.
    def body(number, header):
        lines = [
            *(header or []),
            *paragraph(
                ["The force should review how it grades the risk to a"],
                top=70.0,
                page=number,
            ),
            *paragraph(
                ["missing child, and act on what it finds."], top=82.0, page=number
            ),
        ]
        return page(number, lines)

    small = words(
        "Gwent Police – accelerated cause of concern", LEFT, 35.0, size=8.0, page=2
    )
    same_size = words("Gwent Police – accelerated cause of concern", LEFT, 35.0, page=2)
    dropped = [b.text for b in pages_to_blocks([body(1, None), body(2, small)])]
    assert not any("accelerated" in text for text in dropped)
    kept = [b.text for b in pages_to_blocks([body(1, None), body(2, same_size)])]
    assert any("accelerated" in text for text in kept)  # body type: the text's own
