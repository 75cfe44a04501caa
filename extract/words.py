"""A page's chars into words, grouped exactly as pdfplumber's WordExtractor
groups them with the options extract/pdf.py reads words with.

Those options (tolerances of 3, blank chars end a word, no text flow, a run of
chars split off by upright, font name and size) leave one case on nearly
every page: upright text, lines clustered by top, each line read left to
right. pdfplumber's extractor handles every direction, ratio and punctuation
rule on the way, per char; this does the one case, with its comparisons,
orders and sums (so the floats are the same), and hands any other run to
`other`: pdfplumber's own extractor, which extract/pdf.py passes in (this
module imports no PDF library). tests/test_pagerecords.py holds the words
equal to pdfplumber's on every corpus, dev-set and hazard PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from operator import itemgetter

TOLERANCE = 3
"""pdfplumber's default x and y tolerance, in points."""

LIGATURES = {
    "ﬀ": "ff",
    "ﬃ": "ffi",
    "ﬄ": "ffl",
    "ﬁ": "fi",
    "ﬂ": "fl",
    "ﬆ": "st",
    "ﬅ": "st",
}
"""pdfplumber.utils.text.LIGATURES (tests/test_words.py checks they agree)."""

RUN_KEY = itemgetter("upright", "fontname", "size")
X0, X1 = itemgetter("x0"), itemgetter("x1")
TOP, BOTTOM = itemgetter("top"), itemgetter("bottom")

Words = Callable[[list[dict]], list[dict]]


def chars_to_words(chars: list[dict], other: Words) -> list[dict]:
    """pdfplumber's extract_words(chars, extra_attrs=["fontname", "size"]):
    a run of upright chars is grouped here, any other run by `other`."""
    words: list[dict] = []
    for (upright, fontname, size), group in groupby(chars, RUN_KEY):
        run = list(group)
        lines = run_to_lines(run) if upright else None
        if lines is None:
            words.extend(other(run))
            continue
        for line in lines:
            line.sort(key=X0)
            line_to_words(line, fontname, size, words)
    return words


def run_to_lines(run: list[dict]) -> list[list[dict]] | None:
    """The run's chars by line, as cluster_objects(run, "top", 3) gives them:
    tops sorted and cut where one is more than 3 pt below the last, lines in
    that order, chars in run order. None for a top that is not a number
    (NaN), which only pdfplumber's own code answers for."""
    tops = sorted(set(map(TOP, run)))
    if any(top != top for top in tops):
        return None
    line_of, line, last = {}, 0, tops[0]
    for top in tops:
        if top > last + TOLERANCE:
            line += 1
        line_of[top] = line
        last = top
    if not line:
        return [run]
    lines: list[list[dict]] = [[] for _ in range(line + 1)]
    for char in run:
        lines[line_of[char["top"]]].append(char)
    return lines


def line_to_words(line: list[dict], fontname, size, words: list[dict]) -> None:
    """Append the words of one line (its chars sorted by x0) to `words`.

    A word ends at a blank char (dropped) and before a char that starts left
    of the last one's start, more than 3 pt right of its end, or more than
    3 pt above or below it (WordExtractor.char_begins_new_word, left to
    right). An empty char is a word of its own (pdfplumber's punctuation
    rule, for which "" is in "")."""
    word: list[dict] = []
    last_x0 = last_x1 = last_top = 0.0
    for char in line:
        text = char["text"]
        if text.isspace():
            if word:
                words.append(merge(word, fontname, size))
                word = []
            continue
        if text == "":
            if word:
                words.append(merge(word, fontname, size))
                word = []
            words.append(merge([char], fontname, size))
            continue
        x0, top = char["x0"], char["top"]
        if word and (
            x0 < last_x0 or x0 > last_x1 + TOLERANCE or abs(top - last_top) > TOLERANCE
        ):
            words.append(merge(word, fontname, size))
            word = [char]
        else:
            word.append(char)
        last_x0, last_x1, last_top = x0, char["x1"], top
    if word:
        words.append(merge(word, fontname, size))


def merge(chars: list[dict], fontname, size) -> dict:
    """WordExtractor.merge_chars of left-to-right chars, with the run's font."""
    first = chars[0]
    if len(chars) == 1:
        x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    else:
        x0, top = min(map(X0, chars)), min(map(TOP, chars))
        x1, bottom = max(map(X1, chars)), max(map(BOTTOM, chars))
    return {
        "text": "".join([LIGATURES.get(c["text"], c["text"] or "") for c in chars]),
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top + (first["doctop"] - first["top"]),
        "bottom": bottom,
        "upright": first["upright"],
        "height": bottom - top,
        "width": x1 - x0,
        "direction": "ltr",
        "fontname": fontname,
        "size": size,
    }
