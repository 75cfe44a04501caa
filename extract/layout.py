"""Page records (words, rects, tables) in, Blocks in reading order out.

Each step is a small function from one value to the next, in a module of its
own: words -> lines (extract/lines.py: superscripts folded in) -> tables and
shaded boxes (boxes.py), margin labels (margins.py) and columns (columns.py)
set apart -> running text only (running.py: headers, footers, footnotes
dropped) -> paragraphs (paragraphs.py) -> blocks (blocks.py: paragraphs,
headings, bullets, numbered paragraphs, box and table-cell text kept
together, joined across page and column breaks). This module runs them in
order, page by page.

The names of those steps are imported here too, so `extract.layout` stays
the one place to import layout from.
"""

from __future__ import annotations

from collections.abc import Iterable

from .blocks import (  # noqa: F401
    Block,
    group_to_block,
    join_across_breaks,
    left_margins,
    lines_to_blocks,
)
from .boxes import (  # noqa: F401
    box_bboxes,
    box_of,
    indexes_inside,
    is_shaded_box,
    table_lines,
    word_centre,
)
from .columns import column_lines, crossing_counts, find_gutter  # noqa: F401
from .lines import (  # noqa: F401
    body_font_size,
    cluster_by_middle,
    is_ligature_split,
    is_superscript_marker,
    line_body,
    line_record,
    line_text,
    suffix_minima,
    tag_lines,
    words_to_lines,
)
from .margins import margin_lines, merge_margin_lines, split_margin_words
from .paragraphs import (  # noqa: F401
    continues,
    group_lines,
    has_extra_space,
    is_dedented,
    line_pitches,
    line_starts_item,
    place,
    right_edges,
    wraps,
)
from .running import drop_footnotes, drop_running_text, is_in_margin, margin_key  # noqa: F401
from .text import (  # noqa: F401
    BULLET_GLYPHS,
    CID,
    DETACHED_HYPHEN,
    FOOTNOTE_MARK,
    HYPHEN_PREFIXES,
    HYPHEN_SUFFIXES,
    LIGATURES,
    LIST_MARKER,
    PAGE_NUMBER,
    PLAIN_CHARACTERS,
    SENTENCE_END,
    is_bold,
    is_bullet_glyph,
    join_lines,
    normalise_text,
    vocabulary,
)


def page_to_lines(page: dict) -> list[dict]:
    """One page record -> its lines in reading order, each tagged with page,
    column, box, and table/row/col for table cells."""
    words = [w for w in page["words"] if w.get("upright", True) and w["text"].strip()]
    tables, rest = table_lines(page, words)
    width, height = page["width"], page.get("height")
    gutter = find_gutter(rest, width, height=height)
    labels, rest = page_margin_words(rest, width, gutter)
    if labels:  # the gutter of the text without its labels
        gutter = find_gutter(rest, width, height=height)
    lines = merge_margin_lines(column_lines(rest, gutter, height), margin_lines(labels))
    for table in tables:
        if table:
            lines = insert_table(lines, table)
    boxes = box_bboxes(page)
    marks = page.get("marks") or []
    tagged = []
    for line in lines:
        first = line["words"][0] if line["words"] else None
        drawn_bullet = first is not None and any(
            m[2] <= first["x0"] + 1
            and m[0] >= first["x0"] - 25
            and line["top"] - 2 <= (m[1] + m[3]) / 2 <= line["bottom"] + 2
            for m in marks
        )
        box = box_of(line["words"], boxes, page["page_number"])
        tagged.append(
            {
                "table": None,
                "row": None,
                "col": None,
                "column": 0,
                **line,
                "drawn_bullet": drawn_bullet,
                "box": box,
                "page": page["page_number"],
                "page_height": page["height"],
            }
        )
    return tagged


def page_margin_words(
    words: list[dict], width: float, gutter: float | None
) -> tuple[list[dict], list[dict]]:
    """(margin-label words, the other words) of a page: of each column on a
    two-column page, split at `gutter` (a label can stand in the margin of
    either), else of the page."""
    if gutter is None:
        return split_margin_words(words, width)
    sides = (
        ([w for w in words if w["x1"] <= gutter], 0.0),
        ([w for w in words if w["x0"] >= gutter], gutter),
    )
    labels = []
    for side, left in sides:  # a margin's width is the page's share still
        labels += split_margin_words(side, width, left=left)[0]
    taken = {id(w) for w in labels}
    return labels, [w for w in words if id(w) not in taken]


def insert_table(lines: list[dict], table: list[dict]) -> list[dict]:
    """The lines in reading order with a table's lines put before the first
    line below its top that stands beside it: on a two-column page a table in
    the left column goes after that column's text above it, not into the
    right column's paragraph that runs past it."""
    top = min(line["top"] for line in table)
    left, right = min(ln["x0"] for ln in table), max(ln["x1"] for ln in table)
    at = next(
        (
            i
            for i, ln in enumerate(lines)
            if ln["top"] > top and ln["x0"] < right and ln["x1"] > left
        ),
        len(lines),
    )
    return lines[:at] + table + lines[at:]


def slim_line(line: dict) -> dict:
    """A line keeping only the two first words that later stages look at
    (list markers, footnote numbers): a long report's word dicts are freed."""
    return {**line, "words": line["words"][:2]}


def pages_to_blocks(pages: Iterable[dict]) -> list[Block]:
    """Page records -> the report's Blocks in reading order.

    >>> [b.text for b in pages_to_blocks(pages)][:2]
    ['PEEL: Police effectiveness 2016', 'An inspection of West Midlands Police']
    """
    lines, page_count = [], 0
    for page in pages:
        page_count += 1
        lines += [slim_line(line) for line in page_to_lines(page)]
    lines = drop_running_text(lines, page_count)
    lines = drop_footnotes(lines, body_font_size(lines))
    return lines_to_blocks(lines)
