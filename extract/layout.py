"""Page records (words, rects, tables) in, Blocks in reading order out.

Each step is a small function from one value to the next: words -> lines
(superscripts folded in, columns split) -> running text only (headers,
footers, footnotes dropped) -> blocks (paragraphs, bullets, numbered
paragraphs, box and table-cell text kept together) -> blocks joined across
page and column breaks.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
# Ligatures, non-breaking hyphens, soft hyphens and no-break spaces, for normalise_text
PLAIN_CHARACTERS = str.maketrans(
    {**LIGATURES, "\u2010": "-", "\u2011": "-", "\u00ad": "", "\u00a0": " "}
)
BULLET_GLYPHS = set("•●▪■□◦○‣⁃–—-*·►▸➢➤✓✔❖◆◇")
CID = re.compile(r"^\(cid:\d+\)$")
LIST_MARKER = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,3}){0,2}\.?|\(?[ivx]{1,5}\)|[ivx]{1,5}\.|\(?[a-z]\)|[a-z]\."
    r"|\(\d{1,2}\)|\d{1,2}\))$"
)
PAGE_NUMBER = re.compile(r"^(?:page\s+)?[0-9ivxlc]{1,4}(?:\s+(?:of|/)\s+\d+)?$", re.I)
FOOTNOTE_MARK = re.compile(r"^(?:\d{1,3}|[*†‡§])$")
DETACHED_HYPHEN = re.compile(r"(?<=\w) -$")  # "recom -" at a line end
SENTENCE_END = tuple('.:;?!"”’)')
# Prefixes after which a line-end hyphen is a real hyphen ("ex-partners"), unless
# the joined word is seen elsewhere in the report.
HYPHEN_PREFIXES = {
    "ex", "co", "non", "self", "multi", "cross", "anti", "pre", "post", "semi",
    "well", "long", "short", "high", "low", "full", "part", "inter", "re", "sub",
    "over", "under", "out", "one", "two", "three", "four", "six", "in", "on", "up",
    "mid", "cyber", "pro", "counter", "e", "x", "first", "second", "third", "half",
}  # fmt: skip


# Second parts of compounds ("booking-in", "follow-up"): a syllable split never
# leaves these whole words after the hyphen.
HYPHEN_SUFFIXES = {
    "in", "up", "out", "on", "off", "by", "to", "based", "led", "related", "level",
    "wide", "term", "making", "free", "owned", "run", "time", "focused", "facing",
    "specific", "sensitive", "informed", "centred", "down", "over", "back",
}  # fmt: skip


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, bullet, numbered paragraph or table cell."""

    page: int
    text: str
    kind: str  # "paragraph" | "heading" | "bullet" | "numbered" | "cell"
    marker: str | None = None  # the list marker as printed ("2.14", "(ii)", "•")
    level: int = 0  # indentation level, 0 = body margin
    bold: bool = False
    size: float = 0.0
    x0: float = 0.0
    top: float = 0.0
    box: str | None = None  # "p3-b1": shaded box id
    table: str | None = None  # "p3-t0": table id
    row: int | None = None
    col: int | None = None
    column: int = 0  # 0 full width / single column, 1 left, 2 right


# --- characters and words -------------------------------------------------------


def normalise_text(text: str) -> str:
    """Replace ligatures and odd spaces by plain characters.

    Called for every word: plain ASCII text, most words, has none of these
    characters and is returned as it is, and the rest is mapped in one pass.
    """
    if text.isascii():
        return text
    return text.translate(PLAIN_CHARACTERS)


def is_bullet_glyph(text: str) -> bool:
    """True for a bullet glyph: •, –, a Symbol/Wingdings private-use char, (cid:NN)."""
    if CID.match(text):
        return True
    return bool(text) and all(
        ch in BULLET_GLYPHS or 0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd"
        for ch in text
    )


@functools.lru_cache(maxsize=4096)
def is_bold(fontname: str) -> bool:
    """True when the font name says bold, black, heavy or semibold.

    Called for every word; a report uses a handful of font names, so each
    name is searched once."""
    return bool(re.search(r"bold|black|heavy|semibold|demi", fontname, re.I))


# --- words to lines ----------------------------------------------------------------


def words_to_lines(words: list[dict], small_ratio: float = 0.85) -> list[dict]:
    """Group words sharing a line into line dicts, top to bottom, left to right.

    Lines are first built from the words of ordinary size; a smaller word whose
    middle lies within such a line (a raised footnote marker) then joins it,
    and the remaining small words (footnotes, captions) make lines of their own.
    """
    if not words:
        return []
    body_size = statistics.median(w["size"] for w in words)
    big = [w for w in words if w["size"] >= small_ratio * body_size]
    small = [w for w in words if w["size"] < small_ratio * body_size]
    lines = cluster_by_middle(big, [])
    lines = cluster_by_middle(small, lines)
    lines.sort(key=lambda ws: min(w["top"] for w in ws))
    return [line_record(sorted(ws, key=lambda w: w["x0"])) for ws in lines]


def cluster_by_middle(words: list[dict], lines: list[list[dict]]) -> list[list[dict]]:
    """Add each word to the first line whose vertical span holds its middle.

    Words are taken top first. A line whose bottom is above the middle of every
    word still to come can take no more words (its span only grows when it
    takes one), so it leaves the search: a long page no longer tests every
    word against every line above it.
    """
    spans = [[min(w["top"] for w in ws), max(w["bottom"] for w in ws)] for ws in lines]
    fixed = len(lines)
    lines = [list(ws) for ws in lines]
    ordered = sorted(words, key=lambda w: (w["top"], w["x0"]))
    middles = [(word["top"] + word["bottom"]) / 2 for word in ordered]
    open_lines = list(range(len(lines)))  # indexes in order, so the first still wins
    for word, middle, lowest_to_come in zip(
        ordered, middles, suffix_minima(middles), strict=True
    ):
        open_lines = [i for i in open_lines if spans[i][1] >= lowest_to_come]
        for index in open_lines:
            top, bottom = spans[index]
            if top <= middle <= bottom:
                lines[index].append(word)
                # Words come top first, so a new line's top is its first word's:
                # only its bottom can grow.
                if index >= fixed and word["bottom"] > bottom:
                    spans[index][1] = word["bottom"]
                break
        else:
            open_lines.append(len(lines))
            lines.append([word])
            spans.append([word["top"], word["bottom"]])
    return lines


def suffix_minima(values: list[float]) -> list[float]:
    """For each position, the smallest value from there to the end."""
    return list(itertools.accumulate(reversed(values), min))[::-1]


def line_record(words: list[dict]) -> dict:
    """A line dict: its words, text, box and the size and font of most of its text."""
    body = line_body(words)
    sizes = [w["size"] for w in body] or [words[0]["size"]]
    size = statistics.median(sizes)
    return {
        "words": body,
        "text": line_text(body),
        "x0": min(w["x0"] for w in words),
        "x1": max(w["x1"] for w in words),
        "top": min(w["top"] for w in body or words),
        "bottom": max(w["bottom"] for w in body or words),
        "size": size,
        "lead_marker": bool(words) and words[0] not in body,
        "bold": sum(len(w["text"]) for w in body if is_bold(w["fontname"]))
        > 0.6 * sum(len(w["text"]) for w in body),
    }


def line_text(words: list[dict]) -> str:
    """The words of a line as text (words that touch are one word: a font change
    mid-word splits pdfplumber's words); a soft hyphen (U+00AD) or a detached hyphen
    ending the line becomes a plain line-end hyphen, for join_lines to judge."""
    text = ""
    gaps = [b["x0"] - a["x1"] for a, b in itertools.pairwise(words)]
    usual = statistics.median(gaps) if len(gaps) >= 3 else None
    for index, word in enumerate(words):
        gap = gaps[index - 1] if index else 0.0
        touching = index and (
            gap < 0.3 or is_ligature_split(words[index - 1], word, gap, usual)
        )
        text += ("" if touching or not text else " ") + normalise_text(word["text"])
    if words and words[-1]["text"].endswith("\u00ad"):
        text += "-"
    return DETACHED_HYPHEN.sub("-", text).strip()


def is_ligature_split(left: dict, right: dict, gap: float, usual: float | None) -> bool:
    """True when a gap inside a word is a ligature's glyphs set apart ("staf f",
    "of fi cers"): the left part ends in f, the right starts with the f, i or
    l a ligature joins it to, and the gap is well under the line's own word
    spacing."""
    return (
        usual is not None
        and left["text"][-1:] == "f"
        and right["text"][:1] in ("f", "i", "l")
        and gap < 0.6 * usual
    )


def line_body(words: list[dict]) -> list[dict]:
    """The line's words without its footnote markers.

    The line's largest size and lowest bottom are worked out once here, not
    once per word: a long line made that quadratic."""
    largest = max(w["size"] for w in words)
    lowest = max(w["bottom"] for w in words)
    return [w for w in words if not is_superscript_marker(w, words, largest, lowest)]


def is_superscript_marker(
    word: dict, line_words: list[dict], largest: float, lowest: float, gap: float = 3.0
) -> bool:
    """A footnote marker: a small raised number or symbol printed right after a
    word of larger text ("force.¹²"), not a small label's number in the margin.

    `largest` and `lowest` are the line's largest size and lowest bottom. The
    cheap tests on the word itself come first: most words fail one, and then
    the words before it need not be searched."""
    if not (
        word["size"] < 0.85 * largest
        and FOOTNOTE_MARK.match(word["text"].strip(".,;:")) is not None
        and word["bottom"] < lowest - 0.5
    ):
        return False
    before = [w for w in line_words if w["x1"] <= word["x0"] + 0.5 and w is not word]
    return bool(before) and (
        word["x0"] - max(w["x1"] for w in before) <= gap
        and max(before, key=lambda w: w["x1"])["size"] >= 0.85 * largest
    )


# --- columns, boxes and tables ------------------------------------------------------


def find_gutter(words: list[dict], width: float, min_gap: float = 6.0) -> float | None:
    """The x of a vertical gap between two text columns, or None for one column.

    A gutter is a run of at least `min_gap` points in the middle of the page
    that no word crosses, with many lines of text on both sides of it.
    """
    if len(words) < 40:
        return None
    lo, hi = int(width * 0.3), int(width * 0.7)
    crossing = crossing_counts(words, lo, hi)
    # Full-width lines (a heading, a box, footnotes) cross the gutter: allow a few.
    allowed = len(words) // 100
    best, run_start = None, None
    for i, count in enumerate(crossing + [allowed + 1]):
        if count <= allowed and run_start is None:
            run_start = i
        elif count > allowed and run_start is not None:
            if i - run_start >= min_gap and (
                best is None or i - run_start > best[1] - best[0]
            ):
                best = (run_start, i)
            run_start = None
    if best is None:
        return None
    gutter = lo + (best[0] + best[1]) / 2
    if best[1] - best[0] > 0.3 * width:
        return None  # a wide empty band: ragged text or a narrow page, not a gutter
    left = [w for w in words if w["x1"] <= gutter]
    right = [w for w in words if w["x0"] >= gutter]
    if min(len(left), len(right)) < 0.15 * len(words):
        return None
    overlap = min(
        max(w["bottom"] for w in left), max(w["bottom"] for w in right)
    ) - max(min(w["top"] for w in left), min(w["top"] for w in right))
    return gutter if overlap > 100 else None


def crossing_counts(words: list[dict], lo: int, hi: int) -> list[int]:
    """For each whole x from lo to hi - 1, how many words cross it (x0 < x < x1,
    x0 and x1 cut to whole points).

    Each word marks where its run starts and ends and a running sum counts
    them, rather than adding one to every x a word covers: a page of long
    lines covered a hundred x per word.
    """
    changes = [0] * (hi - lo + 1)
    for w in words:
        start, end = max(lo, int(w["x0"]) + 1), min(hi, int(w["x1"]))
        if start < end:
            changes[start - lo] += 1
            changes[end - lo] -= 1
    return list(itertools.accumulate(changes[:-1]))


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


def tag_lines(lines: list[dict], **tags) -> list[dict]:
    """New line dicts with the given keys set."""
    return [{**line, **tags} for line in lines]


def table_lines(page: dict, words: list[dict]) -> tuple[list[list[dict]], list[dict]]:
    """Lines of each table (one list per table, row by row, cell by cell), and the
    words left outside every table."""
    if not page.get("tables"):  # most pages: no need to find the words' centres
        return [], list(words)
    tables, used = [], set()
    centres = [word_centre(w) for w in words]
    for t_index, table in enumerate(page.get("tables", [])):
        lines = []
        for r_index, row in enumerate(table["rows"]):
            for c_index, bbox in enumerate(row):
                if bbox is None:
                    continue
                inner = [i for i in indexes_inside(centres, bbox) if i not in used]
                used.update(inner)
                cell = [words[i] for i in inner]
                lines += tag_lines(
                    words_to_lines(cell),
                    table=f"p{page['page_number']}-t{t_index}",
                    row=r_index,
                    col=c_index,
                )
        tables.append(lines)
    rest = [w for i, w in enumerate(words) if i not in used]
    return tables, rest


def column_lines(words: list[dict], width: float) -> list[dict]:
    """Lines in reading order: one column top to bottom, or, on a two-column
    page, each band between full-width lines left column first."""
    gutter = find_gutter(words, width)
    if gutter is None:
        return tag_lines(words_to_lines(words), column=0)
    crossing = [w for w in words if w["x0"] < gutter < w["x1"]]
    spanning = words_to_lines(crossing)
    spans = [(line["top"], line["bottom"]) for line in spanning]
    in_span = [
        w
        for w in words
        if w not in crossing
        and any(t <= (w["top"] + w["bottom"]) / 2 <= b for t, b in spans)
    ]
    spanning = tag_lines(words_to_lines(crossing + in_span), column=0)
    rest = [w for w in words if w not in crossing and w not in in_span]
    left = tag_lines(words_to_lines([w for w in rest if w["x1"] <= gutter]), column=1)
    right = tag_lines(words_to_lines([w for w in rest if w["x0"] >= gutter]), column=2)
    ordered, previous = [], float("-inf")
    for span in sorted(spanning, key=lambda ln: ln["top"]) + [None]:
        limit = span["top"] if span else float("inf")
        for side in (left, right):
            ordered += [ln for ln in side if previous <= ln["top"] < limit]
        if span:
            ordered.append(span)
            previous = span["top"]
    return ordered


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


def page_to_lines(page: dict) -> list[dict]:
    """One page record -> its lines in reading order, each tagged with page,
    column, box, and table/row/col for table cells."""
    words = [w for w in page["words"] if w.get("upright", True) and w["text"].strip()]
    tables, rest = table_lines(page, words)
    lines = column_lines(rest, page["width"])
    for table in tables:
        if table:
            top = min(line["top"] for line in table)
            at = next((i for i, ln in enumerate(lines) if ln["top"] > top), len(lines))
            lines = lines[:at] + table + lines[at:]
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


# --- running text ---------------------------------------------------------------------


def margin_key(line: dict) -> str:
    """The line's text with digits blanked, to spot a header that numbers pages."""
    return re.sub(r"\d+", "#", line["text"].lower()).strip()


def is_in_margin(line: dict, share: float = 0.1) -> bool:
    """True for a line in the top or bottom `share` of its page."""
    height = line["page_height"]
    return line["bottom"] < height * share or line["top"] > height * (1 - share)


def drop_running_text(lines: list[dict], page_count: int) -> list[dict]:
    """Lines without running headers, footers and page numbers.

    A margin line is running text when its digit-blanked text is printed in
    the margins of at least two pages and a quarter of them, or when it is a
    bare page number.
    """
    pages_by_key: dict[str, set[int]] = {}
    for line in lines:
        if is_in_margin(line, 0.12) and line.get("table") is None:
            pages_by_key.setdefault(margin_key(line), set()).add(line["page"])
    threshold = max(2, page_count // 4)
    return [
        line
        for line in lines
        if not (
            is_in_margin(line, 0.12)
            and line.get("table") is None  # a table's header row repeated on each page
            and (
                len(pages_by_key.get(margin_key(line), ())) >= threshold
                or PAGE_NUMBER.match(line["text"].strip())
            )
        )
    ]


def drop_footnotes(lines: list[dict], body_size: float) -> list[dict]:
    """Lines without footnotes: from a small-type line at the foot of a page that
    starts with a footnote number, to the end of that page."""
    result, skipping_page = [], None
    for line in lines:
        if line["page"] == skipping_page and line["size"] < body_size - 0.5:
            continue
        skipping_page = None
        first = line["words"][0]["text"] if line["words"] else ""
        if (
            line["size"] < body_size - 0.9
            and line["top"] > line["page_height"] * 0.55
            and line.get("table") is None
            and (FOOTNOTE_MARK.match(first) or line["lead_marker"])
        ):
            skipping_page = line["page"]
            continue
        result.append(line)
    return result


# --- lines to blocks ---------------------------------------------------------


def body_font_size(lines: list[dict]) -> float:
    """The size of most of the report's text, by characters."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[round(line["size"], 1)] = weights.get(round(line["size"], 1), 0) + len(
            line["text"]
        )
    return max(weights, key=weights.get) if weights else 10.0


def vocabulary(lines: list[dict]) -> Counter:
    """How often each word of the report is printed, lower case, to decide
    line-end hyphens."""
    return Counter(
        word.strip(".,;:()“”\"'’‘").lower()
        for line in lines
        for word in line["text"].split()
    )


def join_lines(first: str, second: str, vocab: Counter) -> str:
    """Join two line texts, mending a word split by a line-end hyphen.

    "recom-" + "mendation" -> "recommendation", but "ex-" + "partners" ->
    "ex-partners": the hyphen stays when the report spells the word with one
    elsewhere, or when the first part is a prefix that takes a hyphen.
    """
    if not first:
        return second
    if not (first.endswith("-") and not first.endswith(" -") and second[:1].islower()):
        return f"{first} {second}"
    head = first.rsplit(" ", 1)[-1][:-1]
    tail = second.split(" ", 1)[0]
    bare_tail = tail.strip(".,;:()“”\"'’‘").lower()
    joined = (head + bare_tail).lower().strip("“”\"'’‘(")
    hyphenated = f"{head}-{bare_tail}".lower().strip("“”\"'’‘(")
    if joined in vocab:
        keep = False
    elif hyphenated in vocab:
        keep = True
    else:
        bare_head = head.lower().strip("“”\"'’‘(")
        keep = (
            bare_head in HYPHEN_PREFIXES
            or bare_tail in HYPHEN_SUFFIXES
            or not head.isalpha()
            # the second half is a word the report uses on its own: a compound
            # ("highest-risk"); a syllable split ("recom-mendation") leaves none
            or (min(len(bare_head), len(bare_tail)) >= 4 and vocab[bare_tail] >= 2)
        )
    return first + second if keep else first[:-1] + second


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
    None where too few lines stand to tell (then the page column's edge).

    Ragged text reaches its measure only on some lines, and a stray long line
    (a URL) can pass it, so the edge is taken low rather than high: the fifth
    longest reach of a place with many lines, the longest of one with few.
    Too low an edge only makes more lines count as full."""
    reaches: dict[tuple, list[float]] = {}
    for line in lines:
        reaches.setdefault(place(line), []).append(line["x1"])
        if line.get("box") is None and line.get("table") is None:
            reaches.setdefault(place(line)[:2], []).append(line["x1"])
    edges = {
        key: sorted(xs, reverse=True)[min(len(xs) // 5, 4)]
        for key, xs in reaches.items()
        if len(xs) >= fewest
    }
    return {
        key: edges.get(key, edges.get(key[:2]) if key[2:] == (None,) * 4 else None)
        for key in reaches
        if len(key) > 2
    }


def wraps(previous: dict, line: dict, right_edge: float | None) -> bool | None:
    """True when `line`'s first word would not have fitted at the end of
    `previous`: the text wrapped there, so the paragraph goes on. Any
    producer wraps this way, whatever its indents and spacing. None when
    the right edge is not known."""
    words = line["words"]
    if right_edge is None or not words:
        return None
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


def continues(
    previous: dict, line: dict, widest: float, right_edge: float | None
) -> bool:
    """True when `line` carries on the paragraph whose last line is `previous`.

    A line that stopped short of the right edge with room for the next
    line's first word ends its paragraph, unless what follows cannot open
    one (a lower-case word, the rest of a hyphenated word); so does a short
    line ending a sentence."""
    same_place = place(previous) == place(line)
    gap = line["top"] - previous["bottom"]
    ends_short = (
        previous["text"].endswith((".", ";", ":", "?", "!"))
        and previous["x1"] - previous["x0"] < 0.7 * widest
    )
    carried = (
        wraps(previous, line, right_edge) is not False
        or line["text"][:1].islower()
        or previous["text"].endswith(("-", ","))
    )
    return (
        same_place
        and line_starts_item(line) is None
        and -2 < gap <= 0.65 * max(previous["size"], line["size"])
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
    groups: list[list[dict]] = []
    for line in lines:
        if groups:
            previous, edge = groups[-1][-1], edges[place(line)]
            if continues(
                previous, line, max(ln["x1"] - ln["x0"] for ln in groups[-1]), edge
            ) and not (
                is_dedented(groups[-1][0], line)
                and not (
                    wraps(previous, line, edge)
                    and not has_extra_space(previous, line, pitches)
                )
            ):
                groups[-1].append(line)
                continue
        groups.append([line])
    return groups


def group_to_block(group: list[dict], body_size: float, margin: float, vocab) -> Block:
    """A group of lines -> a Block with its kind, marker and level."""
    first = group[0]
    start = line_starts_item(first)
    texts = [line["text"] for line in group]
    if start and not first.get("drawn_bullet"):
        texts[0] = texts[0].split(" ", 1)[1] if " " in texts[0] else ""
        if start[0] == "bullet" and len(start[1]) == 1 and first["text"][1:2] != " ":
            texts[0] = first["text"][1:].lstrip()
    text = ""
    for part in texts:
        text = join_lines(text, part, vocab)
    text = re.sub(r"\s+", " ", text).strip()
    size = statistics.median(line["size"] for line in group)
    heading = (
        (not start or (start[0] == "numbered" and not text.endswith((".", ":", ";"))))
        and first.get("table") is None
        and (first["bold"] or size > body_size + 1.0)
        and len(text.split()) <= 20
        and (not text.endswith(".") or len(text.split()) <= 6)
    )
    if first.get("table"):
        kind = "cell"
    elif heading:
        kind = "heading"
    else:
        kind = start[0] if start else "paragraph"
    marker = start[1] if start else None
    if marker and re.match(r"^\d+\.$", marker):
        marker = marker[:-1]
    return Block(
        page=first["page"],
        text=text,
        kind=kind,
        marker=marker,
        level=max(0, min(3, round((first["x0"] - margin) / 14))),
        bold=first["bold"],
        size=size,
        x0=first["x0"],
        top=first["top"],
        box=first.get("box"),
        table=first.get("table"),
        row=first.get("row"),
        col=first.get("col"),
        column=first.get("column", 0),
    )


def left_margins(lines: list[dict]) -> dict[tuple, float]:
    """The left edge of the text on each (page, column): its most common x0."""
    edges: dict[tuple, list[float]] = {}
    for line in lines:
        if line.get("table") is None and line.get("box") is None:
            edges.setdefault((line["page"], line["column"]), []).append(
                round(line["x0"])
            )
    return {key: statistics.mode(xs) for key, xs in edges.items()}


def join_across_breaks(blocks: list[Block], vocab: Counter) -> list[Block]:
    """Blocks with a paragraph cut by a page or column break joined again.

    A block continues on the next page or column when it does not end a
    sentence and the next block starts in lower case (or is plain text after a
    block that ends mid-sentence with no punctuation at all).
    """
    result: list[Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        if (
            previous is not None
            and (block.page != previous.page or block.column != previous.column)
            and previous.kind in ("paragraph", "bullet", "numbered")
            and block.kind == "paragraph"
            and previous.table is None
            and block.table is None
            and not previous.text.endswith(SENTENCE_END)
            and block.text[:1].islower()
        ):
            result[-1] = replace(
                previous, text=join_lines(previous.text, block.text, vocab)
            )
        else:
            result.append(block)
    return result


def lines_to_blocks(lines: list[dict]) -> list[Block]:
    """Running-text lines in reading order -> Blocks, joined across breaks."""
    body_size = body_font_size(lines)
    vocab = vocabulary(lines)
    margins = left_margins(lines)
    blocks = [
        group_to_block(
            group,
            body_size,
            margins.get((group[0]["page"], group[0]["column"]), group[0]["x0"]),
            vocab,
        )
        for group in group_lines(lines)
    ]
    return join_across_breaks([b for b in blocks if b.text], vocab)


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
