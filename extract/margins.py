"""Labels set in the left margin beside their paragraph, read as lines of their own.

Some typesetters print "Area for improvement" or "Recommendation" in a narrow
column left of the text, level with the paragraph it labels. Read as one
page, each margin line shares a baseline with a body line and the two become
one line ("Area for The force should …"), so neither the label nor the
paragraph survives. The evidence holds in any producer: the page's text has a
common left edge; a margin label is a short run of words that ends well left
of that edge, with nothing printed between it and the edge, in a band no
wider than a margin. Such words are taken out before lines are formed, made
into lines of their own (their own column), and put in reading order just
before the body line level with the label's first line, as a heading above
the paragraph would be.

List markers, bullets and bare numbers are never labels: a hanging number
("12.") stands left of its text in the same way and belongs to its line.
"""

from __future__ import annotations

from collections import Counter

from .lines import tag_lines, words_to_lines
from .text import (
    BULLET_GLYPHS,
    LIST_MARKER,
    PAGE_NUMBER,
    is_bullet_glyph,
    normalise_text,
)

MARGIN_COLUMN = 3
"""The `column` of margin-label lines (0 one column, 1 and 2 the sides of a gutter)."""


def baseline_rows(words: list[dict], tolerance: float = 2.0) -> list[list[dict]]:
    """The words grouped by their middles: words whose middles lie within
    `tolerance` of the row's first word share a row. Rows top to bottom.

    Not lines.cluster_by_middle, which joins a word to any line whose height
    holds its middle, so one tall word can pull apart rows into one line;
    here a row is words whose middles agree within `tolerance`."""
    rows: list[list[dict]] = []
    last = None
    for word in sorted(words, key=lambda w: (w["top"] + w["bottom"]) / 2):
        middle = (word["top"] + word["bottom"]) / 2
        if rows and middle - last <= tolerance:
            rows[-1].append(word)
        else:
            rows.append([word])
            last = middle
    return rows


def middle_of(row: list[dict]) -> float:
    """The middle height of a row's first word."""
    return (row[0]["top"] + row[0]["bottom"]) / 2


def has_text_at(
    row: list[dict], edge: float, min_gap: float, slack: float = 1.0
) -> bool:
    """True when a word of the row starts at `edge` (within `slack`) with
    nothing printed in the `min_gap` points before it: body text, beside a
    label or not."""
    for word in row:
        if abs(word["x0"] - edge) <= slack:
            return not any(
                edge - min_gap < other["x1"] <= word["x0"] + 0.1
                for other in row
                if other is not word
            )
    return False


def segments(row: list[dict], min_gap: float) -> list[list[dict]]:
    """A row's words split where `min_gap` points or more stand empty between
    two words: a label and the text beside it are two segments."""
    ordered = sorted(row, key=lambda w: w["x0"])
    parts = [[ordered[0]]]
    for word in ordered[1:]:
        if word["x0"] - parts[-1][-1]["x1"] >= min_gap:
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def body_left_edge(rows: list[list[dict]], min_gap: float) -> float | None:
    """The x where the page's text starts: the whole x0 at which the widest
    run of text starts, over every row's segments (a label beside a line
    starts a short one). None for a page with no rows."""
    reach: Counter = Counter()
    starts: dict[int, float] = {}
    for row in rows:
        for part in segments(row, min_gap):
            x = round(part[0]["x0"])
            reach[x] += part[-1]["x1"] - part[0]["x0"]
            starts[x] = min(starts.get(x, part[0]["x0"]), part[0]["x0"])
    if not reach:
        return None
    return starts[reach.most_common(1)[0][0]]


def is_label_word(word: dict) -> bool:
    """True for a word that can open a printed label: two letters or more (a
    Word sub-bullet "o" has one), and no list marker, bullet or page number."""
    text = normalise_text(word["text"]).strip()
    return (
        sum(ch.isalpha() for ch in text) >= 2
        and not LIST_MARKER.match(text)
        and not PAGE_NUMBER.match(text)
        and text[:1] not in BULLET_GLYPHS
        and not is_bullet_glyph(text)  # "(cid:127)", a bullet with no Unicode
    )


def split_margin_words(
    words: list[dict],
    width: float,
    min_gap: float = 6.0,
    max_band: float = 0.3,
    max_words: int = 4,
    left: float = 0.0,
) -> tuple[list[dict], list[dict]]:
    """(margin-label words, the other words) of one page's words.

    The body's left edge is where the most text starts. A row's words that
    end at least `min_gap` points left of it are a margin label when nothing
    else on the row starts left of the edge, there are at most `max_words` of
    them, the first a word (not a number, marker or bullet: "Recommendation
    2" is a label, "2." a hanging number, unless it goes on the label above
    it), and the edge lies within the left `max_band` share of the page: a
    margin, not a second column. A label's first line has text beside it;
    its further lines may not. Only rows between the body's first and last
    rows at its edge are looked at: a running footer ("HMIC") is no label.
    For one column of a two-column page, `left` is where the column starts."""
    rows = baseline_rows(words)
    edge = body_left_edge(rows, min_gap)
    if edge is None or edge - left > max_band * width:
        return [], list(words)
    # the body's first and last rows at the edge (a shaded box's text may
    # stand a little in): running headers and footers stand outside them, and
    # a label's second line may hang below the last
    at_edge = [row for row in rows if has_text_at(row, edge, min_gap, 2 * min_gap)]
    if not at_edge:  # odd geometry (found by tests/test_fuzz.py): no body to label
        return [], list(words)
    first_middle = middle_of(at_edge[0]) - 0.8 * at_edge[0][0]["size"]
    last_middle = middle_of(at_edge[-1]) + 2 * at_edge[-1][0]["size"]
    text_levels = [middle_of(row) for row in at_edge]
    margin_ids: set[int] = set()
    last_label = None  # the middle of the last label row
    for row in rows:
        if not first_middle <= middle_of(row) <= last_middle:
            continue
        beside_edge = [w for w in row if w["x1"] <= edge - min_gap]
        if not beside_edge or len(beside_edge) > max_words:
            continue
        if not all(w in beside_edge or w["x0"] >= edge - 1.0 for w in row):
            continue
        middle, size = middle_of(row), row[0]["size"]
        # a label's number on a line of its own ("Recommendation" over "1")
        goes_on = last_label is not None and middle - last_label <= 1.6 * size
        # a label's first line is level with a line of text
        beside = len(beside_edge) < len(row) or any(
            abs(level - middle) <= 0.8 * size for level in text_levels
        )
        if goes_on or (
            beside and is_label_word(min(beside_edge, key=lambda w: w["x0"]))
        ):
            margin_ids.update(id(w) for w in beside_edge)
            last_label = middle
    if not margin_ids:
        return [], list(words)
    margin = [w for w in words if id(w) in margin_ids]
    return margin, [w for w in words if id(w) not in margin_ids]


def label_runs(lines: list[dict], max_step: float = 1.6) -> list[list[dict]]:
    """Margin lines grouped into labels: consecutive lines no further apart
    (top to top) than `max_step` times their size."""
    runs: list[list[dict]] = []
    for line in lines:
        if runs and line["top"] - runs[-1][-1]["top"] <= max_step * line["size"]:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def merge_margin_lines(body: list[dict], margin: list[dict]) -> list[dict]:
    """Body lines in reading order with each margin label's lines put just
    before the first body line beside it (right of it, and starting before
    the label's right edge plus a column) level with or below the label's
    first line: on a two-column page, the line of the label's own column."""
    if not margin:
        return body
    merged, runs = list(body), label_runs(sorted(margin, key=lambda ln: ln["top"]))
    for run in runs:
        top, right = run[0]["top"], max(ln["x1"] for ln in run)
        at = next(
            (
                i
                for i, line in enumerate(merged)
                if line.get("column") != MARGIN_COLUMN
                and line["top"] + 1.0 >= top
                and right <= line["x0"] <= right + 60.0
            ),
            len(merged),
        )
        merged[at:at] = run
    return merged


def margin_lines(words: list[dict]) -> list[dict]:
    """The margin words as lines of their own column, top to bottom."""
    return tag_lines(words_to_lines(words), column=MARGIN_COLUMN)
