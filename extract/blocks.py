"""Groups of lines to Blocks (paragraph, heading, bullet, numbered paragraph,
table cell), joined again across page and column breaks."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace

from .lines import body_font_size
from .paragraphs import group_lines, line_starts_item
from .text import SENTENCE_END, join_lines, vocabulary


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


def group_to_block(
    group: list[dict],
    body_size: float,
    margin: float,
    vocab,
    marks_breaks: bool = False,
) -> Block:
    """A group of lines -> a Block with its kind, marker and level.

    With `marks_breaks` (the report marks the hyphens its typesetter inserts,
    U+2010 or U+00AD), a plain hyphen ending a line was typed: it stays."""
    first = group[0]
    start = line_starts_item(first)
    texts = [line["text"] for line in group]
    if start and not first.get("drawn_bullet"):
        texts[0] = texts[0].split(" ", 1)[1] if " " in texts[0] else ""
        if start[0] == "bullet" and len(start[1]) == 1 and first["text"][1:2] != " ":
            texts[0] = first["text"][1:].lstrip()
    text = ""
    for index, part in enumerate(texts):
        inserted = index > 0 and group[index - 1].get("soft_hyphen", False)
        typed = marks_breaks and index > 0 and not inserted
        text = join_lines(text, part, vocab, inserted, typed)
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
    """The left edge of the text on each (page, column): the leftmost x0 that
    two lines share (one stray line does not move it), else the most common.

    Not simply the most common: in a column of lists, the lines of the
    bullets' hanging indents outnumber those at the margin, and a bullet
    would then stand at level 0 in one column and level 1 in the next."""
    edges: dict[tuple, list[float]] = {}
    for line in lines:
        if line.get("table") is None and line.get("box") is None:
            edges.setdefault((line["page"], line["column"]), []).append(
                round(line["x0"])
            )
    return {key: margin_of(xs) for key, xs in edges.items()}


def margin_of(xs: list[float]) -> float:
    """The leftmost of `xs` that occurs twice, else their mode."""
    shared = [x for x, n in Counter(xs).items() if n >= 2]
    return min(shared) if shared else statistics.mode(xs)


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
    # a producer that marks the hyphens it inserts prints typed ones plainly
    marks_breaks = any(line.get("soft_hyphen") for line in lines)
    blocks = [
        group_to_block(
            group,
            body_size,
            margins.get((group[0]["page"], group[0]["column"]), group[0]["x0"]),
            vocab,
            marks_breaks,
        )
        for group in group_lines(lines)
    ]
    return join_across_breaks([b for b in blocks if b.text], vocab)
