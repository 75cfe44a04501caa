"""Lines grouped into paragraphs, from evidence that holds in any producer:
whether the previous line reached the right edge (the text wrapped), the
page's own line pitch (paragraph spacing), list markers that open a
paragraph, sentence ends, and a change of size or weight."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from .text import LIST_MARKER, is_bullet_glyph, normalise_text


def line_starts_item(line: dict) -> tuple[str, str] | None:
    """(kind, marker) when the line opens a bullet or numbered paragraph."""
    words = line["words"]
    if not words:
        return None
    first = normalise_text(words[0]["text"])
    if line.get("drawn_bullet"):
        return "bullet", "•"
    if (
        first in ("o", "§")
        and len(words) > 1
        and (
            "courier" in words[0]["fontname"].lower()
            or words[1]["x0"] - words[0]["x1"] > 0.6 * words[0]["size"]
        )
    ):  # Word's second- and third-level bullets
        return "bullet", first
    if is_bullet_glyph(first) or (
        len(first) == 1
        and re.search(r"dingbat|symbol|wingding", words[0]["fontname"], re.I)
    ):
        return "bullet", first
    if first[:1] in "•▪●" and len(first) > 1:  # glyph glued to the first word
        return "bullet", first[:1]
    if LIST_MARKER.match(first) and len(words) > 1:
        bare = re.match(r"^\d+(\.\d+)*$", first)
        gap = words[1]["x0"] - words[0]["x1"]
        if not bare or gap > 0.5 * words[0]["size"]:
            return "numbered", first
    return None


def place(line: dict) -> tuple:
    """Where a line stands: page, column, shaded box and table cell."""
    return tuple(line.get(k) for k in ("page", "column", "box", "table", "row", "col"))


def right_edges(lines: list[dict], fewest: int = 3) -> dict[tuple, float | None]:
    """The right edge of the text in each place (page, column, box, cell), or
    None where too few lines stand to tell (then the page column's edge, or
    a table cell's column's).

    Ragged text reaches its measure only on some lines, and a stray long line
    (a URL) can pass it, so the edge is taken low rather than high: the fifth
    longest reach of a place with many lines, the longest of one with few.
    Too low an edge only makes more lines count as full."""
    reaches: dict[tuple, list[float]] = {}
    for line in lines:
        reaches.setdefault(place(line), []).append(line["x1"])
        if line.get("box") is None and line.get("table") is None:
            reaches.setdefault(place(line)[:2], []).append(line["x1"])
        if line.get("table") is not None:
            reaches.setdefault(table_column(line), []).append(line["x1"])
        elif line.get("box") is not None:
            reaches.setdefault(("boxes", line["page"], line.get("column")), []).append(
                line["x1"]
            )
    edges = {
        key: sorted(xs, reverse=True)[min(len(xs) // 5, 4)]
        for key, xs in reaches.items()
        if len(xs) >= fewest
    }
    return {
        key: edges.get(key, fallback_edge(key, edges))
        for key in reaches
        if len(key) == 6
    }


def table_column(line: dict) -> tuple:
    """The key of a table cell's column: every row's cell in it ends at one edge."""
    return ("table column", line["page"], line.get("table"), line.get("col"))


def fallback_edge(key: tuple, edges: dict) -> float | None:
    """The edge of a place with too few lines to tell: its page column's; for
    a table cell (a row of a list typed as a table) its table column's; for a
    shaded box, that of all the page's boxes."""
    page, column, box, table, _row, col = key
    if table is not None:
        return edges.get(("table column", page, table, col))
    if box is not None:  # a box of a few lines: the page's boxes, set alike
        return edges.get(("boxes", page, column))
    return edges.get(key[:2])


def justified_places(
    lines: list[dict],
    edges: dict[tuple, float | None],
    share: float = 0.6,
    fewest: int = 6,
    slack: float = 1.5,
) -> set[tuple]:
    """The places (page, column, box, cell) set justified: at least `share` of
    their lines of `fewest` or more end within `slack` points of the right
    edge. There every line but a paragraph's last reaches the edge, so a
    line that stops short ends its paragraph, whatever word comes next."""
    ends: dict[tuple, list[bool]] = {}
    for line in lines:
        edge = edges.get(place(line))
        if edge is not None:
            ends.setdefault(place(line), []).append(line["x1"] >= edge - slack)
    return {
        key
        for key, flush in ends.items()
        if len(flush) >= fewest and sum(flush) >= share * len(flush)
    }


def wraps(
    previous: dict, line: dict, right_edge: float | None, justified: bool = False
) -> bool | None:
    """True when `line`'s first word would not have fitted at the end of
    `previous`: the text wrapped there, so the paragraph goes on. Any
    producer wraps this way, whatever its indents and spacing. In `justified`
    text every wrapped line is stretched to the edge, so only a line that
    reaches it wrapped. None when the right edge is not known."""
    words = line["words"]
    if right_edge is None or not words:
        return None
    if justified:
        return previous["x1"] >= right_edge - 1.5
    first = words[0]
    space = 0.2 * max(previous["size"], 1.0)
    return previous["x1"] + space + (first["x1"] - first["x0"]) > right_edge - 1.0


def line_pitches(lines: list[dict]) -> dict[tuple, float]:
    """The usual distance from one line's top to the next's on each page, per
    type size: the most common step between consecutive lines of one place
    and size. A larger step than this is paragraph spacing."""
    steps: dict[tuple, Counter] = {}
    for previous, line in itertools.pairwise(lines):
        step = line["top"] - previous["top"]
        size = line["size"]
        if (
            place(previous) == place(line)
            and abs(previous["size"] - size) <= 0.5
            and 0.9 * size <= step <= 2.2 * size
        ):
            steps.setdefault((line["page"], round(size)), Counter())[
                round(step, 0)
            ] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in steps.items()}


def has_extra_space(previous: dict, line: dict, pitches: dict[tuple, float]) -> bool:
    """True when `line` stands further below `previous` than the page's line
    pitch for its size: paragraph spacing, whatever the producer."""
    pitch = pitches.get((line["page"], round(line["size"])))
    if pitch is None or abs(previous["size"] - line["size"]) > 0.5:
        return False
    return line["top"] - previous["top"] > pitch + max(1.5, 0.15 * line["size"])


CLAUSE_END = (".", ";", ":", "?", "!")  # a line that ends a sentence or clause


def continues(
    previous: dict,
    line: dict,
    widest: float,
    right_edge: float | None,
    justified: bool = False,
) -> bool:
    """True when `line` carries on the paragraph whose last line is `previous`.

    A line that stopped short of the right edge with room for the next
    line's first word ends its paragraph, unless what follows cannot open
    one (a lower-case word, the rest of a hyphenated word); so does a short
    line ending a sentence."""
    same_place = place(previous) == place(line)
    gap = line["top"] - previous["bottom"]
    ends_short = (
        previous["text"].endswith(CLAUSE_END)
        and previous["x1"] - previous["x0"] < 0.7 * widest
    )
    wrapped = wraps(previous, line, right_edge, justified)
    carried = (
        wrapped is not False
        or line["text"][:1].islower()
        or previous["text"].endswith(("-", ","))
    )
    # A sentence carried on in lower case after a line that wrapped is one
    # paragraph even where the line box grew (a superscript note marker).
    mid_sentence = (
        wrapped is True
        and line["text"][:1].islower()
        and not previous["text"].endswith(CLAUSE_END)
    )
    most_gap = (1.0 if mid_sentence else 0.65) * max(previous["size"], line["size"])
    return (
        same_place
        and line_starts_item(line) is None
        and not line.get("run_in", False)
        # a line set wholly in bold, then one in another weight: a heading ended
        and not (
            previous.get("all_bold") and not line["bold"] and line["text"][:1].isupper()
        )
        and -2 < gap <= most_gap
        and abs(previous["size"] - line["size"]) <= 1.0
        and (
            previous["bold"] == line["bold"]
            or (right_edge is not None and previous["x1"] > right_edge - 20)
        )
        and not ends_short
        and carried
    )


def is_dedented(first: dict, line: dict, slack: float = 4.0) -> bool:
    """True when `line` starts left of the text of a bullet or numbered paragraph
    that `first` opens (a hanging indent ends with its paragraph)."""
    start = line_starts_item(first)
    if start is None:
        return False
    words = first["words"]
    text_x = (
        words[0]["x0"]
        if first.get("drawn_bullet") or len(words) < 2
        else words[1]["x0"]
    )
    return line["x0"] < text_x - slack


def group_lines(lines: list[dict]) -> list[list[dict]]:
    """Consecutive lines grouped into paragraphs.

    A line that starts left of a bullet's or numbered paragraph's text ends
    it (a hanging indent), unless the line before ran to the right edge:
    flush numbering, as plain Word papers type it, wraps back to the number."""
    edges, pitches = right_edges(lines), line_pitches(lines)
    justified = justified_places(lines, edges)
    groups: list[list[dict]] = []
    for line in lines:
        if groups:
            previous, edge = groups[-1][-1], edges[place(line)]
            flush = place(line) in justified
            widest = max(ln["x1"] - ln["x0"] for ln in groups[-1])
            if continues(previous, line, widest, edge, flush) and not (
                is_dedented(groups[-1][0], line)
                and not (
                    wraps(previous, line, edge, flush)
                    and not has_extra_space(previous, line, pitches)
                )
            ):
                groups[-1].append(line)
                continue
        groups.append([line])
    return groups
