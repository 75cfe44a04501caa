"""Render a corpus Source in layout variants: the same marks, set otherwise.

Each source is printed by its own producer in one layout; real reports come
from many typesetters. A layout variant re-sets every source along the axes
on which reports differ (see `VARIANTS`), through the HTML/CSS renderer or
Word XML + LibreOffice. The golden file of a variant is written from the same
`<item>` marks as the source's own (only pages are read back from the PDF),
so a variant never changes what an item is, only how it is printed.

    python -m corpus.build --variants-only [--variant NAME] [STEM ...]

PDFs go to tests/variants/<stem>--<variant>.pdf and goldens to
tests/golden/variants/<stem>--<variant>.json. They are test fixtures, not
reports: they live outside corpus/ because `hmic ingest corpus/` loads every
PDF below that folder into the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from corpus.source import LABEL_WORDS, Block, Mark, Source, collapse, strip_inline

SYMBOL_BULLETS = (("Symbol", "\uf0b7"), ("Courier New", "o"), ("Wingdings", "\uf0a7"))
WINGDINGS_BULLETS = (("Wingdings", "\uf0d8"), ("Wingdings", "\uf0a7"))
SERIF = '"Liberation Serif", "Times New Roman", serif'
SANS = '"Liberation Sans", Arial, sans-serif'
DEJAVU = '"DejaVu Sans", Verdana, sans-serif'


@dataclass(frozen=True)
class Layout:
    """One layout variant: a value on each axis on which reports differ."""

    name: str
    producer: str  # html | docx
    hang: bool  # numbered paragraphs with a hanging indent, or typed flush
    spacing: str  # zero | normal: space between paragraphs
    numbering: str  # typed | word (Word list numbering; docx only)
    bullets: tuple  # html: glyph per level; docx: (font, glyph) per level
    justify: bool  # justified and hyphenated, or ragged right
    columns: int  # body pages in 1 or 2 columns (inspections; trackers keep 1)
    size: float  # body text, pt
    family: str  # CSS font list (html) or Word font name (docx)
    labels: str  # heading | runin | margin (margin: html only)
    trackers: str  # table | prose: how a table of items is printed
    note: str = ""


# Every value of every axis appears at least once; the hardest combinations
# (flush numbering with no paragraph spacing, justified) are their own variants.
VARIANTS = (
    Layout(
        "word-plain",
        "docx",
        hang=False,
        spacing="zero",
        numbering="typed",
        bullets=SYMBOL_BULLETS,
        justify=False,
        columns=1,
        size=11,
        family="Arial",
        labels="runin",
        trackers="table",
        note="a plain Word paper: typed numbers flush, no spacing, Symbol bullets",
    ),
    Layout(
        "word-list",
        "docx",
        hang=True,
        spacing="normal",
        numbering="word",
        bullets=WINGDINGS_BULLETS,
        justify=True,
        columns=1,
        size=12,
        family="Times New Roman",
        labels="heading",
        trackers="prose",
        note="Word list numbering, Wingdings bullets, justified and hyphenated",
    ),
    Layout(
        "flush-serif",
        "html",
        hang=False,
        spacing="zero",
        numbering="typed",
        bullets=("\u2013", "\u2022", "\u2013"),
        justify=False,
        columns=1,
        size=12,
        family=SERIF,
        labels="runin",
        trackers="prose",
        note="flush numbering, no spacing, dash bullets, 12 pt serif, ragged",
    ),
    Layout(
        "two-column",
        "html",
        hang=True,
        spacing="normal",
        numbering="typed",
        bullets=("\u25aa", "\u2013", "\u25aa"),
        justify=True,
        columns=2,
        size=10,
        family=SERIF,
        labels="heading",
        trackers="table",
        note="two columns, justified and hyphenated, square bullets, 10 pt serif",
    ),
    Layout(
        "margin-labels",
        "html",
        hang=True,
        spacing="normal",
        numbering="typed",
        bullets=("\u2022", "\u25e6", "\u25aa"),
        justify=False,
        columns=1,
        size=11,
        family=SANS,
        labels="margin",
        trackers="table",
        note="labels set in the left margin beside their paragraph, 11 pt sans",
    ),
    Layout(
        "dense",
        "html",
        hang=False,
        spacing="zero",
        numbering="typed",
        bullets=("\u2022", "\u2013", "\u25aa"),
        justify=True,
        columns=1,
        size=10,
        family=DEJAVU,
        labels="margin",
        trackers="prose",
        note="flush numbering, no spacing, justified and hyphenated, margin labels",
    ),
)
VARIANTS_BY_NAME = {layout.name: layout for layout in VARIANTS}
ROOT = Path(__file__).resolve().parent.parent
VARIANT_PDF_DIR = ROOT / "tests" / "variants"
VARIANT_GOLDEN_DIR = ROOT / "tests" / "golden" / "variants"
# At most one paragraph per [filler N]: the variants test layout, not length,
# and every page they add is read by each test run.
VARIANT_MAX_FILLER = 1


def variant_name(stem: str, layout: Layout) -> str:
    return f"{stem}--{layout.name}"


# --------------------------------------------------------------------------
# Hyphenation: chromium's and LibreOffice's need dictionaries this machine
# lacks, so justified variants get soft hyphens where English usually breaks:
# between two consonants that stand between vowels (inves-tigation).

VOWELS = set("aeiouy")
DIGRAPHS = {"ch", "sh", "th", "ph", "wh", "ck", "gh", "qu"}
LONG_WORD_RE = re.compile(r"(?<![\w\u00ad-])[a-z]{9,}(?![\w\u00ad-])")


def hyphenation_points(word: str) -> list[int]:
    """Indexes where `word` may break, at least 4 letters from either end."""
    points = []
    for index in range(4, len(word) - 3):
        left, right = word[index - 1], word[index]
        if left in VOWELS or right in VOWELS or left + right in DIGRAPHS:
            continue
        if word[index - 2] in VOWELS and word[index + 1] in VOWELS:
            points.append(index)
    return points


def soft_hyphenate(text: str) -> str:
    """Soft hyphens (U+00AD) in the long lower-case words of `text`.

    >>> soft_hyphenate("investigations") == "inves\\u00adtigations"
    True
    """

    def split(match: re.Match) -> str:
        word = match[0]
        pieces, start = [], 0
        for point in hyphenation_points(word):
            pieces.append(word[start:point])
            start = point
        pieces.append(word[start:])
        return "\u00ad".join(pieces)

    return LONG_WORD_RE.sub(split, text)


# --------------------------------------------------------------------------
# Blocks, re-set for a variant


def without_label(block: Block) -> Block:
    """A block that opens with its label -> the label alone (kind 'label') when
    nothing follows it, else the block's own words with `label` set."""
    pattern = re.escape(block.label).replace(r"\ ", r"\s+")
    printed_label = re.compile(rf"^(\*\*)?{pattern}\s*[:–—-]?\s*(\*\*)?\s*")
    rest = printed_label.sub("", block.text.strip(), count=1).strip()
    if not rest:
        return Block("label", text=block.label)
    return replace(block, kind="paragraph", text=rest, level=block.level)


def attach_labels(blocks: tuple) -> tuple:
    """Labels on a line of their own are joined to the paragraph they announce,
    so each layout can set them as a heading, run in, or in the margin."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "box":
            block = replace(block, children=attach_labels(block.children))
        elif block.label:
            block = without_label(block)
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind == "label"
            and block.kind == "paragraph"
            and not block.label
        ):
            out[-1] = replace(block, label=previous.text)
            continue
        out.append(block)
    return tuple(out)


KIND_LABELS = {
    "recommendation": "Recommendation",
    "area_for_improvement": "Area for improvement",
    "cause_of_concern": "Cause of concern",
}
LABEL_NUMBER_RE = re.compile(r"\d+(?:\.\d+)*")
# A cell that already opens with a kind's name ("Cause of concern: …", "AFI 3 – …").
OPENS_WITH_LABEL_RE = re.compile(rf"^(\*\*)?{LABEL_WORDS}\b")


def cell_mark(cell: str, marks: tuple) -> Mark | None:
    """The marked item a table cell holds (the first, if several), or None."""
    words = collapse(strip_inline(cell))
    return (
        next((m for m in marks if m.text and m.text in words), None) if words else None
    )


def kind_label(mark: Mark) -> str:
    """The label a prose tracker names an item by: 'Recommendation 4',
    'Area for improvement' (its kind, and its number when that is a number:
    a list marker such as '(ii)' is no label's)."""
    number = mark.attrs.get("number") or ""
    kind = KIND_LABELS[mark.attrs["kind"]]
    return f"{kind} {number}" if LABEL_NUMBER_RE.fullmatch(number) else kind


def item_paragraph(cell: str, mark: Mark, labels: str) -> Block:
    """A table's item cell -> its paragraph in prose, named by its kind as a
    prose tracker names it, since the column heading that named it is gone:
    as the layout sets labels (a heading, or run in bold), but run in where
    the layout puts labels in the margin; unlabelled when the cell already
    opens with one."""
    if OPENS_WITH_LABEL_RE.match(cell.strip()):
        return Block("paragraph", text=cell)
    if labels == "margin":
        return Block("paragraph", text=f"**{kind_label(mark)}:** {cell}")
    return Block("paragraph", text=cell, label=kind_label(mark))


def as_field(name: str, value: str) -> str:
    """A table cell in prose: 'Status: On-going.' (no second full stop)."""
    end = "" if value.endswith((".", "!", "?")) else "."
    return f"{name}: {value}{end}"


def table_to_prose(rows: tuple, marks: tuple, labels: str = "runin") -> tuple | None:
    """A table whose rows hold items -> prose, as a committee paper types it:
    per row a bold line of the cells before the first item, each item's
    paragraph named by its kind ('Recommendation 4: …'), then 'Heading:
    value.' for the other cells after it (status, RAG, owner). None when no
    row holds an item (the table stays a table)."""
    header, body = rows[0], rows[1:]
    found = [[cell_mark(cell, marks) for cell in row] for row in body]
    if not any(any(row) for row in found):
        return None
    blocks: list[Block] = []
    for row, row_marks in zip(body, found, strict=True):
        if not any(row_marks):
            blocks.append(Block("paragraph", text=" – ".join(c for c in row if c)))
            continue
        at = next(index for index, mark in enumerate(row_marks) if mark)
        before = " – ".join(c for c in row[:at] if c.strip() and c.strip() != "–")
        if before:
            blocks.append(Block("paragraph", text=f"**{before}**"))
        fields = []
        for name, cell, mark in zip(
            header[at:], row[at:], row_marks[at:], strict=False
        ):
            if mark is not None:
                blocks.append(item_paragraph(cell, mark, labels))
            elif cell.strip() and name.strip():
                fields.append(as_field(name.strip(), cell.strip()))
        if fields:
            blocks.append(Block("paragraph", text=" ".join(fields)))
    return tuple(blocks)


def retable(blocks: tuple, marks: tuple, labels: str = "runin") -> tuple:
    """Every table holding items -> prose (boxes too); other blocks unchanged."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "box":
            children = retable(block.children, marks, labels)
            out.append(replace(block, children=children))
            continue
        prose = (
            table_to_prose(block.rows, marks, labels) if block.kind == "table" else None
        )
        out.extend(prose if prose is not None else (block,))
    return tuple(out)


def source_to_variant(source: Source, layout: Layout) -> Source:
    """The source re-set for one layout: labels movable, item tables as prose
    when the layout asks, two columns for inspections. Marks are unchanged."""
    blocks = attach_labels(source.blocks)
    if layout.trackers == "prose":
        blocks = retable(blocks, source.marks, layout.labels)
    meta = dict(source.meta)
    meta["stem"] = variant_name(source.stem, layout)
    if layout.columns == 2 and meta.get("kind", "inspection") == "inspection":
        meta["columns"] = 2
    return Source(meta=meta, blocks=blocks, marks=source.marks)


def render_variant(source: Source, layout: Layout, pdf_path: Path) -> None:
    """Render the source in one layout variant to pdf_path."""
    variant = source_to_variant(source, layout)
    if layout.producer == "docx":
        from corpus.render_docx import render_pdf
    else:
        from corpus.render_html import render_pdf
    render_pdf(variant, pdf_path, layout)
