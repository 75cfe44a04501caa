"""Words to lines to Blocks (extract/layout.py), on hand-written word dicts.

Each page is an A4 page record as extract/pdf.py yields it; the expectations
come from contract §1 "Text" (running text, footnote markers, hyphens, bullet
glyphs, page breaks) and the docstrings of extract/layout.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

from extract.layout import (
    cluster_by_middle,
    crossing_counts,
    join_lines,
    normalise_text,
    pages_to_blocks,
    words_to_lines,
)

WIDTH, HEIGHT = 595.0, 842.0
CHAR = 0.5  # a character's width, in ems
SPACE = 0.3  # the gap between two words, in ems


def word(text, x0, top, size=10.0, fontname="Arial", page=1):
    """One pdfplumber word dict."""
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + len(text) * size * CHAR,
        "top": top,
        "bottom": top + size,
        "doctop": top + (page - 1) * HEIGHT,
        "fontname": fontname,
        "size": size,
        "upright": True,
    }


def words(text, x0, top, size=10.0, fontname="Arial", page=1):
    """The words of one printed line, left to right from x0."""
    result = []
    for part in text.split():
        result.append(word(part, x0, top, size, fontname, page))
        x0 = result[-1]["x1"] + SPACE * size
    return result


def paragraph(lines, x0=72.0, top=100.0, leading=12.0, **kw):
    """The words of consecutive lines of one paragraph."""
    return [
        w
        for index, text in enumerate(lines)
        for w in words(text, x0, top + index * leading, **kw)
    ]


def page(number, page_words, marks=()):
    """A page record."""
    return {
        "page_number": number,
        "width": WIDTH,
        "height": HEIGHT,
        "words": page_words,
        "rects": [],
        "marks": list(marks),
        "tables": [],
    }


def texts(pages):
    return [b.text for b in pages_to_blocks(pages)]


# --- words to lines -----------------------------------------------------------


def test_words_to_lines_groups_words_by_line_top_to_bottom():
    first = words("The force has", 72, 100)
    second = words("a plan.", 72, 112.4)  # a little lower, still one line
    second[1]["top"] += 0.4
    second[1]["bottom"] += 0.4
    lines = words_to_lines(second + first)
    assert [line["text"] for line in lines] == ["The force has", "a plan."]


def test_words_to_lines_orders_words_left_to_right():
    line = words("one two three", 72, 100)
    assert words_to_lines(list(reversed(line)))[0]["text"] == "one two three"


def test_a_word_joins_the_first_line_whose_span_holds_its_middle():
    tall = word("A", 72, 100, size=24)  # a drop cap two lines high: 100 to 124
    first = word("line", 100, 100)  # middle 105
    second = word("next", 100, 112)  # middle 117: still within the drop cap's line
    below = word("below", 72, 130)
    lines = cluster_by_middle([below, second, first, tall], [])
    assert lines == [[tall, first, second], [below]]


def test_crossing_counts_counts_the_words_over_each_whole_x_of_the_band():
    spans = [(10.2, 14.9), (12.0, 30.0), (5.0, 9.0)]  # cut to 10-14, 12-30, 5-9
    band = crossing_counts([{"x0": x0, "x1": x1} for x0, x1 in spans], 8, 20)
    # x:    8  9 10 11 12 13 14 15 16 17 18 19
    assert band == [1, 0, 0, 1, 1, 2, 1, 1, 1, 1, 1, 1]


def test_raised_footnote_marker_is_folded_into_its_line_and_dropped():
    first = words("The force has a plan", 72, 100)
    marker = word("3", first[-1]["x1"] + 0.5, 98, size=6)  # raised, small
    rest = words("to tackle it.", 72, 112)
    lines = words_to_lines(first + [marker] + rest)
    assert [line["text"] for line in lines] == ["The force has a plan", "to tackle it."]
    assert marker not in lines[0]["words"]


def test_footnote_marker_after_a_word_does_not_reach_the_block_text():
    first = words("The force has a plan", 72, 100)
    marker = word("12", first[-1]["x1"] + 0.5, 98, size=6)
    rest = words("to tackle domestic abuse.", 72, 112)
    assert texts([page(1, first + [marker] + rest)]) == [
        "The force has a plan to tackle domestic abuse."
    ]


# --- running text -------------------------------------------------------------


def test_running_header_and_footer_on_every_page_are_dropped():
    pages = []
    body = [
        "The force has improved its response to calls.",
        "Supervisors review every investigation.",
        "Victims are kept informed of progress.",
    ]
    for number, text in enumerate(body, start=1):
        pages.append(
            page(
                number,
                words("PEEL: Police effectiveness 2016", 72, 30, size=9)
                + words(text, 72, 300)
                + words(f"West Midlands Police {number}", 72, 800, size=9),
            )
        )
    assert texts(pages) == body


def test_page_number_in_the_margin_is_dropped():
    body = words("The force has improved its response to calls.", 72, 300)
    assert texts([page(1, body + words("7", 290, 800))]) == [
        "The force has improved its response to calls."
    ]


def test_page_x_of_y_in_the_margin_is_dropped():
    body = words("The force has improved its response to calls.", 72, 300)
    assert texts([page(1, body + words("Page 7 of 20", 260, 800))]) == [
        "The force has improved its response to calls."
    ]


@pytest.mark.parametrize("raised", [False, True], ids=["plain-number", "raised"])
def test_footnote_at_the_page_foot_is_dropped(raised):
    body = paragraph(
        [
            "The force has put in place a plan to tackle domestic",
            "abuse and has trained all of its frontline officers in",
            "the use of the risk assessment form.",
        ]
    )
    number = word("1", 72, 701 if raised else 700, size=5 if raised else 8)
    footnote = [number] + words("See the College of Policing guidance.", 80, 700, 8)
    footnote += words("Available from the College website.", 80, 710, size=8)
    assert texts([page(1, body + footnote)]) == [
        "The force has put in place a plan to tackle domestic abuse and has "
        "trained all of its frontline officers in the use of the risk "
        "assessment form."
    ]


# --- characters and hyphens ---------------------------------------------------


def test_line_end_hyphen_inside_a_word_is_removed():
    assert join_lines("We make one recom-", "mendation to the force.", Counter()) == (
        "We make one recommendation to the force."
    )


def test_line_end_hyphen_after_a_prefix_is_kept():
    assert join_lines("It works with ex-", "partners of victims.", Counter()) == (
        "It works with ex-partners of victims."
    )


def test_lines_without_hyphen_are_joined_by_a_space():
    assert join_lines("The force", "should act.", Counter()) == "The force should act."


def test_hyphenated_words_are_joined_in_a_paragraph():
    body = paragraph(
        [
            "We make one recom-",
            "mendation to the force, which works with ex-",
            "partners of victims.",
        ]
    )
    assert texts([page(1, body)]) == [
        "We make one recommendation to the force, which works with "
        "ex-partners of victims."
    ]


def test_ligature_becomes_plain_letters():
    assert normalise_text("\ufb01nding and e\ufb00ective") == "finding and effective"
    body = words("The \ufb01nding is clear.", 72, 300)
    assert texts([page(1, body)]) == ["The finding is clear."]


# --- bullets ------------------------------------------------------------------


@pytest.mark.parametrize(
    "glyph, fontname",
    [("•", "Arial"), ("\uf0b7", "Symbol"), ("n", "ZapfDingbats")],
    ids=["bullet", "symbol-private-use", "zapf-dingbats-n"],
)
def test_bullet_glyph_starts_a_bullet_block_without_the_glyph(glyph, fontname):
    lead = words("The force should:", 72, 100)
    item = [word(glyph, 72, 116, fontname=fontname)]
    item += words("improve how it supervises investigations and", 90, 116)
    item += words("records crime.", 90, 128)
    blocks = pages_to_blocks([page(1, lead + item)])
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "The force should:"),
        ("bullet", "improve how it supervises investigations and records crime."),
    ]


def test_line_left_of_a_bullets_text_starts_a_new_block():
    item = [word("•", 72, 100)]
    item += words("The force should improve how it records crime.", 90, 100)
    after = words("We found that the force had made progress.", 72, 112)
    blocks = pages_to_blocks([page(1, item + after)])
    assert [(b.kind, b.text) for b in blocks] == [
        ("bullet", "The force should improve how it records crime."),
        ("paragraph", "We found that the force had made progress."),
    ]


FLUSH = [  # numbered paragraphs typed flush, as a plain Word paper types them
    ("1", "The force to apply a definition of a repeat victim and a vulnerable victim"),
    ("", "so that it finds those most at risk."),
    ("", "This recommendation has been addressed and archived."),
    ("2", "The force to introduce quality assurance processes in the control room for"),
    ("", "every report of domestic abuse it receives from the public, each week."),
    ("", "Other body text runs to the right edge of the page, as body text does, so"),
    ("", "that the page has a measure to read fill against."),
]


def flush_page(leading=12.0):
    """FLUSH on one page: each number at the margin with its text after it, the
    wrapped lines back at the margin (no hanging indent), no paragraph spacing."""
    result = []
    for index, (number, text) in enumerate(FLUSH):
        top = 100 + index * leading
        if number:
            result += [word(f"{number}.", 72, top)] + words(text, 86, top)
        else:
            result += words(text, 72, top)
    return page(1, result)


def test_flush_numbered_paragraph_wraps_back_to_its_number():
    """The wrapped line starts left of the paragraph's text, but the line before
    ran to the right edge: the paragraph goes on. The status sentence after it
    starts a block of its own, the line before it having stopped short."""
    blocks = pages_to_blocks([flush_page()])
    assert [(b.kind, b.marker, b.text) for b in blocks[:3]] == [
        ("numbered", "1", f"{FLUSH[0][1]} {FLUSH[1][1]}"),
        ("paragraph", None, FLUSH[2][1]),
        ("numbered", "2", f"{FLUSH[3][1]} {FLUSH[4][1]}"),
    ]


def test_paragraph_spacing_ends_a_flush_paragraph_whose_last_line_is_full():
    """A line below a full line, but further below than the page's line pitch,
    opens a new paragraph."""
    item = [word("•", 72, 100)] + words(FLUSH[0][1], 86, 100)
    wrapped = words(FLUSH[1][1], 86, 112)
    after = paragraph([FLUSH[5][1], FLUSH[6][1]], x0=72, top=127)
    blocks = pages_to_blocks([page(1, item + wrapped + after)])
    assert [b.text for b in blocks] == [
        f"{FLUSH[0][1]} {FLUSH[1][1]}",
        f"{FLUSH[5][1]} {FLUSH[6][1]}",
    ]


# --- reading order and breaks -------------------------------------------------


def test_two_column_page_is_read_left_column_first():
    left_lines = [f"left column words line {n}" for n in range(1, 13)]
    right_lines = [f"right column words line {n}" for n in range(1, 13)]
    left_lines[-1] += "."
    right_lines[-1] += "."
    # Lines of both columns share their tops, so a line-by-line reading would
    # interleave them.
    page_words = paragraph(left_lines, x0=72) + paragraph(right_lines, x0=320)
    assert texts([page(1, page_words)]) == [
        " ".join(left_lines),
        " ".join(right_lines),
    ]


def test_paragraph_cut_by_a_page_break_is_joined():
    first = paragraph(
        [
            "The force has improved how it responds to calls, but it has not yet",
            "made sure that every officer understands the risk assessment and",
        ],
        top=700,
    )
    second = paragraph(
        ["uses it with every victim of domestic abuse."], top=100, page=2
    )
    blocks = pages_to_blocks([page(1, first), page(2, second)])
    assert [(b.page, b.text) for b in blocks] == [
        (
            1,
            "The force has improved how it responds to calls, but it has not yet "
            "made sure that every officer understands the risk assessment and "
            "uses it with every victim of domestic abuse.",
        )
    ]


def test_paragraph_ending_a_sentence_is_not_joined_across_a_page_break():
    first = paragraph(["The force has improved how it responds to calls."], top=700)
    second = paragraph(["Victims are kept informed."], top=100, page=2)
    blocks = pages_to_blocks([page(1, first), page(2, second)])
    assert [(b.page, b.text) for b in blocks] == [
        (1, "The force has improved how it responds to calls."),
        (2, "Victims are kept informed."),
    ]


def test_bullet_cut_by_a_page_break_is_joined():
    first = [word("•", 72, 700)]
    first += words("The force should improve how it supervises", 90, 700)
    second = words("investigations of domestic abuse.", 90, 100, page=2)
    blocks = pages_to_blocks([page(1, first), page(2, second)])
    assert [(b.kind, b.page, b.text) for b in blocks] == [
        (
            "bullet",
            1,
            "The force should improve how it supervises investigations of "
            "domestic abuse.",
        )
    ]


def test_word_hyphenated_across_a_page_break_is_joined():
    first = paragraph(["The force has made one recom-"], top=700)
    second = paragraph(["mendation to its partners."], top=100, page=2)
    assert texts([page(1, first), page(2, second)]) == [
        "The force has made one recommendation to its partners."
    ]


def test_hyphen_stays_when_the_report_spells_the_word_with_one():
    assert join_lines("its follow-", "through is good.", {"follow-through"}) == (
        "its follow-through is good."
    )


def test_bullet_glyph_glued_to_the_first_word_is_removed():
    blocks = pages_to_blocks([page(1, words("•The force should act now.", 72, 100))])
    assert [(b.kind, b.text) for b in blocks] == [
        ("bullet", "The force should act now.")
    ]


def test_small_type_below_the_text_makes_a_line_of_its_own():
    body = words("The force has a plan.", 72, 100)
    caption = words("Source: force data", 72, 114, size=7)
    lines = words_to_lines(body + caption)
    assert [line["text"] for line in lines] == [
        "The force has a plan.",
        "Source: force data",
    ]


def test_label_printed_in_the_margin_reads_before_its_paragraph():
    # HMICFRS reports from 2019 print "Area for improvement 2" in the left margin,
    # level with the first line of the paragraph it labels.
    label = words("Area for improvement 2", 20, 300, size=8, fontname="Arial-Bold")
    body = paragraph(
        [
            "The force should make sure that it records the outcome of every",
            "stop and search and that supervisors review a sample each month.",
        ],
        x0=150,
        top=300,
    )
    filler = paragraph(["Officers attended the scene within the hour."] * 3, x0=150)
    blocks = pages_to_blocks([page(1, filler + label + body)])
    from extract.items import blocks_to_items

    items = blocks_to_items(blocks, {"kind": "inspection"})
    assert [(i["kind"], i["number"]) for i in items] == [("area_for_improvement", "2")]
    assert items[0]["text"].startswith("The force should make sure")
    assert items[0]["text"].endswith("review a sample each month.")


def test_a_ligatures_glyphs_set_apart_are_one_word():
    """Some typesetters draw a ligature as two glyphs with a gap that
    pdfplumber splits ("staf f"); the gap is well under the line's spacing."""
    line = words("We found that the", 72, 100)
    staf = word("staf", line[-1]["x1"] + SPACE * 10, 100)
    f = word("f", staf["x1"] + 1.0, 100)
    rest = words("were well trained and supported.", f["x1"] + SPACE * 10, 100)
    assert texts([page(1, line + [staf, f] + rest)]) == [
        "We found that the staff were well trained and supported."
    ]


def test_a_word_ending_in_f_before_a_word_at_normal_spacing_stays_apart():
    assert texts(
        [page(1, words("The chief inspector of fire services.", 72, 100))]
    ) == ["The chief inspector of fire services."]
