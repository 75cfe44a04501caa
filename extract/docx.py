"""Word papers (.docx) in, the same Blocks that PDF layout gives out.

A committee paper is often written in Word and never printed to PDF. This
reads its body with python-docx, in document order, so extract/items.py and
extract/tracker.py read it with no special case:

- a paragraph is one Block; its kind, marker, level, bold and size are found
  as extract/layout.py finds them on a page: a list marker typed before a tab
  or Word numbering (numPr, from the paragraph or its style) makes it
  "numbered" or "bullet", with the number Word would print ("2.14", "(ii)")
  counted from the numbering definitions; bold or larger short text is a
  heading; the level is the first line's indent over 14 pt;
- a table cell's paragraphs are "cell" Blocks with the table's id and the
  cell's row and grid column (a merged cell is read once, at its first row);
- shaded or bordered paragraphs in a row are one box;
- footnote references are dropped and footnotes, headers and footers are not
  read, as layout drops them from a page.

A .docx has no pages, only what Word wrote when it last laid the document out
(`w:lastRenderedPageBreak`) and the breaks its author typed. Blocks are
numbered by those breaks, so the cover is page 1 as in a PDF; `is_paginated`
says whether Word's own layout was saved, without which an item's page is
unknown (null in the report, extract/report.py).

It is one step (Word's XML to Blocks) and long only because Word numbering
(abstract definitions, overrides, restarts, levels) must be counted as Word
counts it to print the same "2.14" a PDF shows.
"""

from __future__ import annotations

import re
import statistics
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DamagedPdf, NoPages
from .layout import LIST_MARKER, Block, is_bullet_glyph, normalise_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_PT = 20
LEVEL_PT = 14  # extract/layout.py: one indentation level per 14 pt
DEFAULT_SIZE = 10.0  # Word's own default when no style sets one (sz 20)
BOLD_SPAN = 90  # characters: about the first line of an A4 page, which layout judges
# Word's bullet glyphs are private-use characters of Symbol and Wingdings.
BULLET_CHARACTERS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖"}
OFF = {"0", "false", "off", "none"}


class DamagedDocx(DamagedPdf):
    """The file is named .docx but is not a Word document python-docx can open."""

    message = "damaged Word document"


class EmptyDocx(NoPages):
    """The Word document opens but its body holds no text."""

    message = "no text in the Word document"


# --- styles: what a run's bold and size resolve to --------------------------------


@dataclass(frozen=True)
class Styles:
    """Each style's own bold, size, numbering and indents, and its base."""

    base: dict[str, str | None]
    bold: dict[str, bool | None]
    size: dict[str, float | None]
    num: dict[str, tuple[str, int] | None]
    indent: dict[str, dict]
    default_bold: bool = False
    default_size: float = DEFAULT_SIZE
    default_paragraph: str | None = None

    def resolve(self, style_id: str | None, table: dict) -> object:
        """The first value set along the style's chain of bases, else None."""
        seen = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            value = table.get(style_id)
            if value is not None:
                return value
            style_id = self.base.get(style_id)
        return None


def on_off(element) -> bool | None:
    """A w:b-like toggle: None when absent, else whether it is on."""
    if element is None:
        return None
    return element.get(f"{W}val", "1").lower() not in OFF


def half_points(element) -> float | None:
    if element is None or element.get(f"{W}val") is None:
        return None
    return int(element.get(f"{W}val")) / 2


def num_pr(p_pr) -> tuple[str, int] | None:
    """(numId, ilvl) of a w:pPr's w:numPr, or None; numId 0 means no numbering."""
    if p_pr is None or p_pr.find(f"{W}numPr") is None:
        return None
    pr = p_pr.find(f"{W}numPr")
    num_id = pr.find(f"{W}numId")
    level = pr.find(f"{W}ilvl")
    return (
        num_id.get(f"{W}val") if num_id is not None else "0",
        int(level.get(f"{W}val")) if level is not None else 0,
    )


def indent_of(p_pr) -> dict:
    """{"left", "first"} in points from a w:pPr's w:ind (hanging is a negative
    first-line indent); only what it sets."""
    ind = p_pr.find(f"{W}ind") if p_pr is not None else None
    if ind is None:
        return {}
    found = {}
    left = ind.get(f"{W}left", ind.get(f"{W}start"))
    if left is not None:
        found["left"] = int(left) / TWIPS_PER_PT
    if ind.get(f"{W}hanging") is not None:
        found["first"] = -int(ind.get(f"{W}hanging")) / TWIPS_PER_PT
    elif ind.get(f"{W}firstLine") is not None:
        found["first"] = int(ind.get(f"{W}firstLine")) / TWIPS_PER_PT
    return found


def read_styles(styles_element) -> Styles:
    """Styles from word/styles.xml (the document's styles part element)."""
    base, bold, size, num, indent = {}, {}, {}, {}, {}
    default_paragraph = None
    for style in styles_element.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId")
        based = style.find(f"{W}basedOn")
        base[style_id] = based.get(f"{W}val") if based is not None else None
        r_pr, p_pr = style.find(f"{W}rPr"), style.find(f"{W}pPr")
        bold[style_id] = on_off(r_pr.find(f"{W}b")) if r_pr is not None else None
        size[style_id] = half_points(r_pr.find(f"{W}sz")) if r_pr is not None else None
        num[style_id] = num_pr(p_pr)
        indent[style_id] = indent_of(p_pr) or None
        if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in (
            "1",
            "true",
        ):
            default_paragraph = style_id
    defaults = styles_element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    default_bold = (
        bool(on_off(defaults.find(f"{W}b"))) if defaults is not None else False
    )
    default_size = (
        half_points(defaults.find(f"{W}sz")) if defaults is not None else None
    ) or DEFAULT_SIZE
    return Styles(
        base, bold, size, num, indent, default_bold, default_size, default_paragraph
    )


# --- numbering: the marker Word prints --------------------------------------------


@dataclass(frozen=True)
class Level:
    """One level of a list definition: its format, text, start and indents."""

    num_fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    indent: dict = field(default_factory=dict)
    legal: bool = False  # isLgl: every counter printed in decimal


def read_level(lvl) -> Level:
    def val(tag, default):
        element = lvl.find(f"{W}{tag}")
        if element is None or element.get(f"{W}val") is None:
            return default
        return element.get(f"{W}val")

    return Level(
        num_fmt=val("numFmt", "decimal"),
        text=val("lvlText", ""),
        start=int(val("start", "1")),
        indent=indent_of(lvl.find(f"{W}pPr")),
        legal=on_off(lvl.find(f"{W}isLgl")) or False,
    )


@dataclass
class Numbering:
    """The numbering part: each list (numId) with its definition's levels,
    and the counters Word keeps while it prints the document."""

    abstract_of: dict[str, str]  # numId -> abstractNumId
    levels: dict[str, dict[int, Level]]  # abstractNumId -> ilvl -> Level
    overrides: dict[str, dict[int, Level | int]]  # numId -> ilvl -> Level or start
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        override = self.overrides.get(num_id, {}).get(ilvl)
        if isinstance(override, Level):
            return override
        return self.levels.get(self.abstract_of.get(num_id, ""), {}).get(ilvl)

    def next_marker(self, num_id: str, ilvl: int) -> tuple[str, Level] | None:
        """The marker the next paragraph of list `num_id` at `ilvl` prints, and
        its level; counts it. Lists of one definition share their counters,
        as in Word, unless a list restarts a level (startOverride)."""
        level = self.level(num_id, ilvl)
        abstract = self.abstract_of.get(num_id)
        if level is None or abstract is None:
            return None
        counters = self.counters.setdefault(abstract, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for at, override in self.overrides.get(num_id, {}).items():
                if isinstance(override, int) and at < 9:
                    counters[at] = override - 1
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        return self.marker_text(num_id, ilvl, counters), level

    def marker_text(self, num_id: str, ilvl: int, counters: list) -> str:
        level = self.level(num_id, ilvl)
        if level.num_fmt == "bullet":
            return "".join(BULLET_CHARACTERS.get(c, c) for c in level.text) or "•"

        def counter(match: re.Match) -> str:
            at = int(match.group(1)) - 1
            shown = self.level(num_id, at) or Level()
            value = counters[at] if counters[at] is not None else shown.start
            return format_number(value, "decimal" if level.legal else shown.num_fmt)

        return re.sub(r"%([1-9])", counter, level.text)


def read_numbering(numbering_element) -> Numbering:
    """Numbering from word/numbering.xml, or an empty one."""
    abstract_of, levels, overrides = {}, {}, {}
    if numbering_element is None:
        return Numbering(abstract_of, levels, overrides)
    for abstract in numbering_element.iter(f"{W}abstractNum"):
        levels[abstract.get(f"{W}abstractNumId")] = {
            int(lvl.get(f"{W}ilvl")): read_level(lvl)
            for lvl in abstract.iter(f"{W}lvl")
        }
    for num in numbering_element.iter(f"{W}num"):
        num_id = num.get(f"{W}numId")
        abstract_of[num_id] = num.find(f"{W}abstractNumId").get(f"{W}val")
        for override in num.iter(f"{W}lvlOverride"):
            ilvl = int(override.get(f"{W}ilvl"))
            lvl, start = override.find(f"{W}lvl"), override.find(f"{W}startOverride")
            if lvl is not None:
                overrides.setdefault(num_id, {})[ilvl] = read_level(lvl)
            elif start is not None:
                overrides.setdefault(num_id, {})[ilvl] = int(start.get(f"{W}val"))
    return Numbering(abstract_of, levels, overrides)


ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def format_number(value: int, num_fmt: str) -> str:
    """A counter as Word prints it in a numFmt: 3 -> "3", "iii", "c", "C"...

    >>> format_number(14, "lowerRoman"), format_number(28, "lowerLetter")
    ('xiv', 'bb')
    """
    if num_fmt in ("lowerRoman", "upperRoman"):
        text, rest = "", value
        for amount, letters in ROMAN:
            while rest >= amount:
                text, rest = text + letters, rest - amount
        return text.upper() if num_fmt == "upperRoman" else text
    if num_fmt in ("lowerLetter", "upperLetter") and value > 0:
        # Word repeats the letter: a..z, aa..zz, aaa..
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if num_fmt == "upperLetter" else letter
    if num_fmt == "decimalZero":
        return f"{value:02d}"
    if num_fmt == "none":
        return ""
    return str(value)


# --- paragraphs: text and the formatting of most of it ----------------------------


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph's text with its resolved bold and size."""

    text: str
    bold: bool
    size: float


SKIPPED = {f"{W}{tag}" for tag in ("pPr", "rPr", "del", "moveFrom", "instrText")}
SKIPPED |= {f"{W}{tag}" for tag in ("txbxContent", "footnoteReference")}
SKIPPED |= {f"{W}{tag}" for tag in ("endnoteReference", "commentReference")}


def iter_run_elements(element) -> Iterator:
    """The w:r elements of a paragraph in order, inside hyperlinks, insertions,
    fields and content controls, not inside deletions or text boxes."""
    for child in element:
        if child.tag in SKIPPED or not isinstance(child.tag, str):
            continue
        if child.tag == f"{W}r":
            yield child
        else:
            yield from iter_run_elements(child)


def run_text(run) -> tuple[str, int, int]:
    """A w:r's text, and the page breaks in it: (text, typed, rendered)."""
    parts, typed, rendered = [], 0, 0
    for child in run:
        tag = child.tag
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag in (f"{W}tab", f"{W}ptab"):
            parts.append("\t")
        elif tag == f"{W}br":
            if child.get(f"{W}type") == "page":
                typed += 1
            parts.append(" ")
        elif tag == f"{W}cr":
            parts.append(" ")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{W}sym":
            parts.append(chr(int(child.get(f"{W}char"), 16)))
        elif tag == f"{W}lastRenderedPageBreak":
            rendered += 1
    return "".join(parts), typed, rendered


def is_footnote_mark(run, text: str) -> bool:
    """A typed superscript number or dagger: layout drops these from a line."""
    r_pr = run.find(f"{W}rPr")
    align = r_pr.find(f"{W}vertAlign") if r_pr is not None else None
    return (
        align is not None
        and align.get(f"{W}val") == "superscript"
        and re.fullmatch(r"\s*(?:\d{1,3}|[*†‡§])\s*", text) is not None
    )


def paragraph_runs(
    p, styles: Styles, style_id: str | None
) -> tuple[list[Run], list[int], list[int]]:
    """A w:p's runs (text, resolved bold and size), and its page breaks
    [typed, rendered] before its first word and after it."""
    runs, before, after = [], [0, 0], [0, 0]
    for run in iter_run_elements(p):
        text, t, r = run_text(run)
        breaks = after if any(x.text.strip() for x in runs) else before
        breaks[0], breaks[1] = breaks[0] + t, breaks[1] + r
        if not text or is_footnote_mark(run, text):
            continue
        r_pr = run.find(f"{W}rPr")
        r_style = r_pr.find(f"{W}rStyle") if r_pr is not None else None
        char_style = r_style.get(f"{W}val") if r_style is not None else None
        bold = on_off(r_pr.find(f"{W}b")) if r_pr is not None else None
        size = half_points(r_pr.find(f"{W}sz")) if r_pr is not None else None
        for chain in (char_style, style_id):
            if bold is None:
                bold = styles.resolve(chain, styles.bold)
            if size is None:
                size = styles.resolve(chain, styles.size)
        runs.append(
            Run(
                text,
                styles.default_bold if bold is None else bold,
                size or styles.default_size,
            )
        )
    return runs, before, after


def runs_to_text(runs: list[Run]) -> str:
    """The paragraph's text, tabs kept (a typed marker ends at one)."""
    text = normalise_text("".join(r.text for r in runs)).replace("\u00ad", "")
    return re.sub(r"[ \u00a0]+", " ", text)


def runs_bold(runs: list[Run], span: int = BOLD_SPAN) -> bool:
    """Bold like a layout line: over 60% of the first line's characters."""
    counted, bold = 0, 0
    for run in runs:
        take = run.text.strip()[: span - counted]
        counted, bold = counted + len(take), bold + (len(take) if run.bold else 0)
        if counted >= span:
            break
    return counted > 0 and bold > 0.6 * counted


def runs_size(runs: list[Run]) -> float:
    """The size of most of the characters."""
    sizes = [r.size for r in runs for _ in range(len(r.text.strip()))]
    return statistics.median(sizes) if sizes else DEFAULT_SIZE


def typed_marker(text: str) -> tuple[str, str, str] | None:
    """(kind, marker, rest) when a paragraph opens with a typed list marker:
    a number or letter ("3.", "2.14", "(ii)") or a bullet glyph, before a tab
    or, unless it is a bare number, a space."""
    match = re.match(r"^\s*(\S+)(\t+| +)(.*)$", text, re.S)
    if not match:
        return None
    first, gap, rest = match.groups()
    if not rest.strip():
        return None
    if is_bullet_glyph(first) or first in BULLET_CHARACTERS or first in ("o", "§"):
        if first in ("o", "§") and "\t" not in gap:
            return None
        return "bullet", BULLET_CHARACTERS.get(first, first), rest
    if LIST_MARKER.match(first):
        if re.fullmatch(r"\d+(\.\d+)*", first) and "\t" not in gap:
            return None
        return "numbered", first, rest
    return None


# --- paragraphs to Blocks ----------------------------------------------------------


@dataclass
class Cursor:
    """Where reading has got to: page (by breaks), box and table counts."""

    paginated: bool  # Word saved its layout: its rendered breaks decide the page
    page: int = 1
    rendered: int = 0  # lastRenderedPageBreak seen
    typed: int = 0  # page breaks typed (w:br, pageBreakBefore, section breaks)
    box: str | None = None
    boxes: int = 0
    tables_on_page: int = 0

    def turn(self, typed: int, rendered: int) -> None:
        """Count page breaks, typed or rendered."""
        self.typed += typed
        self.rendered += rendered
        page = 1 + (self.rendered if self.paginated else self.typed)
        if page != self.page:
            self.page, self.tables_on_page = page, 0


def is_boxed(p_pr) -> bool:
    """A shaded or bordered paragraph: Word's box around text."""
    if p_pr is None:
        return False
    shading = p_pr.find(f"{W}shd")
    fill = shading.get(f"{W}fill", "auto").lower() if shading is not None else "auto"
    return p_pr.find(f"{W}pBdr") is not None or fill not in ("auto", "ffffff")


def paragraph_to_block(
    p, styles: Styles, numbering: Numbering, cursor: Cursor, cell: dict | None
) -> Block | None:
    """One w:p -> a Block (kind "paragraph", "bullet", "numbered", "cell"; a
    heading is decided later, against the body size), or None when empty."""
    p_pr = p.find(f"{W}pPr")
    p_style = p_pr.find(f"{W}pStyle") if p_pr is not None else None
    style_id = (
        p_style.get(f"{W}val") if p_style is not None else styles.default_paragraph
    )
    if p_pr is not None and on_off(p_pr.find(f"{W}pageBreakBefore")):
        cursor.turn(1, 0)
    runs, before, after = paragraph_runs(p, styles, style_id)
    cursor.turn(*before)
    text = runs_to_text(runs)
    marker, kind, level_indent = None, "paragraph", {}
    listed = num_pr(p_pr) or styles.resolve(style_id, styles.num)
    printed = numbering.next_marker(*listed) if listed and listed[0] != "0" else None
    if text.strip() and printed is not None and printed[0].strip():
        marker, level_indent = printed[0].strip(), printed[1].indent
        kind = "bullet" if printed[1].num_fmt == "bullet" else "numbered"
    elif (typed_start := typed_marker(text)) is not None:
        kind, marker, text = typed_start
    text = re.sub(r"\s+", " ", text).strip()
    if kind == "numbered" and re.fullmatch(r"\d+\.", marker):
        marker = marker[:-1]
    indent = {
        **level_indent,
        **(styles.resolve(style_id, styles.indent) or {}),
        **indent_of(p_pr),
    }
    x0 = indent.get("left", 0.0) + indent.get("first", 0.0)
    boxed = cell is None and is_boxed(p_pr)
    if boxed and cursor.box is None:
        cursor.box, cursor.boxes = f"p{cursor.page}-b{cursor.boxes}", cursor.boxes + 1
    elif not boxed and text:
        cursor.box = None
    block = None
    if text:
        block = Block(
            page=cursor.page,
            text=text,
            kind="cell" if cell else kind,
            marker=marker,
            level=max(0, min(3, round(x0 / LEVEL_PT))),
            bold=runs_bold(runs),
            size=runs_size(runs),
            x0=x0,
            box=cursor.box if boxed else None,
            **(cell or {}),
        )
    cursor.turn(*after)
    return block


def grid_cells(tr) -> Iterator[tuple[int, object]]:
    """(grid column, w:tc) of a table row, merged cells' later rows left out."""
    column = 0
    before = tr.find(f"{W}trPr/{W}gridBefore")
    if before is not None:
        column = int(before.get(f"{W}val"))
    for tc in tr.iter(f"{W}tc"):
        if tc.getparent() is not tr:
            continue  # a nested table's cell: read with its own cell's text
        tc_pr = tc.find(f"{W}tcPr")
        span = tc_pr.find(f"{W}gridSpan") if tc_pr is not None else None
        merge = tc_pr.find(f"{W}vMerge") if tc_pr is not None else None
        if merge is None or merge.get(f"{W}val") == "restart":
            yield column, tc
        column += int(span.get(f"{W}val")) if span is not None else 1


def iter_body(element) -> Iterator:
    """The w:p and w:tbl elements of a body or cell, inside content controls."""
    for child in element:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from iter_body(content)


def body_to_blocks(
    body, styles: Styles, numbering: Numbering, cursor: Cursor, cell=None
) -> list[Block]:
    """A body's (or a cell's) paragraphs and tables -> Blocks, in order."""
    blocks = []
    for element in iter_body(body):
        if element.tag == f"{W}p":
            block = paragraph_to_block(element, styles, numbering, cursor, cell)
            if block is not None:
                blocks.append(block)
            if element.find(f"{W}pPr/{W}sectPr") is not None:
                cursor.turn(1, 0)  # a section ends: its next one starts a page
            continue
        cursor.box = None
        if cell is not None:  # a table in a cell: its text is the cell's
            blocks += [
                b
                for tr in element.iter(f"{W}tr")
                for _, tc in grid_cells(tr)
                for b in body_to_blocks(tc, styles, numbering, cursor, cell)
            ]
            continue
        table = f"p{cursor.page}-t{cursor.tables_on_page}"
        cursor.tables_on_page += 1
        rows = [tr for tr in element if tr.tag == f"{W}tr"]
        for row, tr in enumerate(rows):
            for col, tc in grid_cells(tr):
                place = {"table": table, "row": row, "col": col}
                blocks += body_to_blocks(tc, styles, numbering, cursor, place)
    return blocks


def with_headings(blocks: list[Block]) -> list[Block]:
    """Blocks with layout's heading rule applied against the body size: bold
    or larger, short, not a list item unless a numbered title."""
    from dataclasses import replace

    weights: dict[float, int] = {}
    for block in blocks:
        weights[round(block.size, 1)] = weights.get(round(block.size, 1), 0) + len(
            block.text
        )
    body_size = max(weights, key=weights.get) if weights else DEFAULT_SIZE
    result = []
    for block in blocks:
        words = len(block.text.split())
        heading = (
            (
                block.kind == "paragraph"
                or (
                    block.kind == "numbered"
                    and not block.text.endswith((".", ":", ";"))
                )
            )
            and (block.bold or block.size > body_size + 1.0)
            and words <= 20
            and (not block.text.endswith(".") or words <= 6)
        )
        result.append(replace(block, kind="heading") if heading else block)
    return result


@dataclass(frozen=True)
class WordDocument:
    """A .docx read: its Blocks, its page count and whether Word's layout was
    saved (`is_paginated`: the pages are Word's own, not only typed breaks)."""

    blocks: list[Block]
    pages: int
    is_paginated: bool


def read_docx(path: str | Path) -> WordDocument:
    """The Word document at `path` as Blocks in reading order.

    Raises DamagedDocx when it cannot be opened, EmptyDocx when it holds no text.
    """
    import docx

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        raise DamagedDocx(f"cannot open it ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # python-docx and lxml raise their own on bad XML
        raise DamagedDocx(f"cannot open it ({type(exc).__name__}: {exc})") from exc
    part = document.part
    styles = read_styles(part.styles.element)
    try:
        numbering = read_numbering(part.numbering_part.element)
    except (KeyError, NotImplementedError):
        numbering = read_numbering(None)
    body = document.element.body
    cursor = Cursor(paginated=body.find(f".//{W}lastRenderedPageBreak") is not None)
    blocks = body_to_blocks(body, styles, numbering, cursor)
    if not blocks:
        raise EmptyDocx("its body has no paragraphs or tables with text")
    return WordDocument(with_headings(blocks), cursor.page, cursor.paginated)
