"""Shaded boxes and ruled tables: which words a box or a table cell holds,
and a table's lines row by row, cell by cell."""

from __future__ import annotations

from .lines import tag_lines, words_to_lines
from .text import LIST_MARKER, is_bullet_glyph


def is_shaded_box(rect: dict, page_width: float) -> bool:
    """A filled, non-white rectangle big enough to hold text."""
    colour = rect.get("non_stroking_color")
    if not rect.get("fill") or colour is None:
        return False
    values = colour if isinstance(colour, (list, tuple)) else [colour]
    try:
        white = (
            all(float(v) >= 0.99 for v in values)
            if len(values) != 4
            else all(float(v) <= 0.01 for v in values)
        )
    except (TypeError, ValueError):
        return False
    return (
        not white
        and rect["x1"] - rect["x0"] > 60
        and rect["bottom"] - rect["top"] > 12
        and rect["x1"] - rect["x0"] < page_width * 0.98
    )


def word_centre(word: dict) -> tuple[float, float]:
    """The (x, y) middle of a word's box."""
    return (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2


def indexes_inside(centres: list[tuple[float, float]], bbox: tuple) -> list[int]:
    """The indexes of the centres within bbox (x0, top, x1, bottom), give or
    take a point: how words are placed in table cells and shaded boxes.

    It takes centres worked out beforehand and the edges are widened once per
    call: every word of a page is tested against every table cell, and every
    word of a line against every box."""
    left, top, right, bottom = bbox[0] - 1, bbox[1] - 1, bbox[2] + 1, bbox[3] + 1
    return [
        i
        for i, (x, y) in enumerate(centres)
        if left <= x <= right and top <= y <= bottom
    ]


def box_bboxes(page: dict) -> list[tuple]:
    """Bounding boxes of the shaded boxes on a page."""
    return [
        (r["x0"], r["top"], r["x1"], r["bottom"])
        for r in page.get("rects", [])
        if is_shaded_box(r, page["width"])
    ]


def table_lines(page: dict, words: list[dict]) -> tuple[list[list[dict]], list[dict]]:
    """Lines of each table (one list per table, row by row, cell by cell), and the
    words left outside every table (a frame's words among them: see is_frame)."""
    if not page.get("tables"):  # most pages: no need to find the words' centres
        return [], list(words)
    tables, used = [], set()
    centres = [word_centre(w) for w in words]
    for t_index, table in enumerate(page.get("tables", [])):
        cells, taken = [], set()
        for r_index, row in enumerate(table["rows"]):
            for c_index, bbox in enumerate(row):
                if bbox is None:
                    continue
                inner = [
                    i for i in indexes_inside(centres, bbox) if i not in used | taken
                ]
                taken.update(inner)
                cells.append((r_index, c_index, [words[i] for i in inner]))
        if is_frame(cells):
            continue  # its words stay with the page's text
        used |= taken
        lines = []
        for r_index, c_index, cell in cells:
            lines += tag_lines(
                words_to_lines(cell),
                table=f"p{page['page_number']}-t{t_index}",
                row=r_index,
                col=c_index,
            )
        tables.append(lines)
    rest = [w for i, w in enumerate(words) if i not in used]
    return tables, rest


def is_frame(cells: list[tuple[int, int, list[dict]]]) -> bool:
    """True for a table drawn as a frame round text, not a grid of values:
    no row holds text in more than one cell, beside list markers and bullets
    (Word papers box a summary or a numbered list in a table). Its text is
    read as the page's own paragraphs."""
    texts: dict[int, int] = {}
    for r_index, _c_index, cell in cells:
        words_text = " ".join(w["text"] for w in cell).strip()
        if words_text and not is_marker_only(words_text):
            texts[r_index] = texts.get(r_index, 0) + 1
    return bool(texts) and max(texts.values()) == 1


def is_marker_only(text: str) -> bool:
    """True for a cell holding nothing but a list marker or bullet ("2.", "•")."""
    return bool(LIST_MARKER.match(text)) or is_bullet_glyph(text)


def box_of(words: list[dict], boxes: list[tuple], page_number: int) -> str | None:
    """The id of the first shaded box that holds the centres of most of a line's
    words, or None. The centres are found once per line, not once per box."""
    if not boxes:
        return None
    centres = [word_centre(w) for w in words]
    return next(
        (
            f"p{page_number}-b{i}"
            for i, bbox in enumerate(boxes)
            if len(indexes_inside(centres, bbox)) > len(words) / 2
        ),
        None,
    )
