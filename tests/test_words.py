"""extract/words.py groups chars into the words pdfplumber's WordExtractor gives.

tests/test_pagerecords.py compares the two on every real PDF; these tests
aim at the edges the real PDFs may not hold: lines within 3 pt, blank and
empty chars, chars out of order, overlapping chars, rotated runs, NaN.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from pdfplumber.utils.text import LIGATURES, WordExtractor

from extract import words
from extract.pdf import WORD_OPTIONS

PLUMBER = WordExtractor(**WORD_OPTIONS)


def char(text, x0, top, *, width=5.0, size=10.0, font="F1", upright=True, doc=800):
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + width,
        "top": top,
        "bottom": top + size,
        "doctop": top + doc,
        "upright": upright,
        "fontname": font,
        "size": size,
    }


def ours(chars):
    return words.chars_to_words(chars, PLUMBER.extract_words)


def test_ligatures_are_pdfplumbers():
    assert words.LIGATURES == LIGATURES


def test_a_line_of_two_words():
    chars = [char(t, 10 + 5 * i, 100) for i, t in enumerate("ab cd")]
    got = ours(chars)
    assert [w["text"] for w in got] == ["ab", "cd"]
    assert got == PLUMBER.extract_words(chars)


def test_tops_within_three_points_are_one_line_and_read_left_to_right():
    chars = [char("b", 20, 101.5), char("a", 14, 100), char("c", 26, 104.6)]
    got = ours(chars)
    assert [w["text"] for w in got] == ["ab", "c"]  # c: 3.1 pt below b
    assert got == PLUMBER.extract_words(chars)


def test_an_empty_char_is_a_word_of_its_own():
    chars = [char("a", 10, 100), char("", 15, 100), char("b", 20, 100)]
    got = ours(chars)
    assert [w["text"] for w in got] == ["a", "", "b"]
    assert got == PLUMBER.extract_words(chars)


def test_ligature_is_expanded_and_a_gap_splits():
    chars = [char("ﬁ", 10, 100), char("t", 15, 100), char("x", 24, 100)]
    got = ours(chars)
    assert [w["text"] for w in got] == ["fit", "x"]
    assert got == PLUMBER.extract_words(chars)


def test_rotated_run_goes_to_the_other_extractor():
    chars = [char("a", 10, 100, upright=False), char("b", 10, 105, upright=False)]
    seen = []
    got = words.chars_to_words(chars, lambda run: seen.append(run) or [])
    assert got == [] and seen == [chars]


def test_nan_top_goes_to_the_other_extractor():
    chars = [char("a", 10, math.nan), char("b", 15, 100)]
    seen = []
    words.chars_to_words(chars, lambda run: seen.append(run) or [])
    assert seen == [chars]


CHAR = st.builds(
    char,
    st.sampled_from(["a", "b", " ", "", "ﬂ", "\u00a0", "."]),
    st.floats(0, 60, allow_nan=False).map(lambda v: round(v * 4) / 4),
    st.floats(95, 112, allow_nan=False).map(lambda v: round(v * 2) / 2),
    width=st.sampled_from([0.0, 2.5, 5.0, -1.0]),
    size=st.sampled_from([9.0, 10.0]),
    font=st.sampled_from(["F1", "F2"]),
    upright=st.sampled_from([True, True, True, False]),
    doc=st.sampled_from([800, 1600.5]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(CHAR, max_size=40))
def test_any_chars_give_pdfplumbers_words(chars):
    assert ours(chars) == PLUMBER.extract_words(chars)
