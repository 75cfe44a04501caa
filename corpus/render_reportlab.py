"""Render a corpus Source to PDF with ReportLab platypus (producer: reportlab).

A4, a title page without the running header, the header on every later page,
a footer with the page number, footnotes in small type at the page foot, and
one or two columns (`columns: 2` lays later pages out in two frames).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from corpus.source import Block, Source, runs_to_tags

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 2.2 * cm, 2.5 * cm, 3.4 * cm
INK = colors.HexColor("#1d1d1b")
ACCENT = colors.HexColor("#25396b")
BOX_FILL = colors.HexColor("#e4ebf4")

BODY = ParagraphStyle(
    "body",
    fontName="Helvetica",
    fontSize=10.5,
    leading=14.2,
    spaceAfter=7,
    textColor=INK,
    alignment=TA_LEFT,
)
HEADINGS = {
    1: ParagraphStyle(
        "h1",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=22,
        leading=27,
        spaceBefore=30,
        spaceAfter=18,
        textColor=ACCENT,
    ),
    2: ParagraphStyle(
        "h2",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=14,
        leading=18,
        spaceBefore=14,
        spaceAfter=8,
        textColor=ACCENT,
    ),
    3: ParagraphStyle(
        "h3",
        parent=BODY,
        fontName="Helvetica-Bold",
        fontSize=11.5,
        leading=15,
        spaceBefore=8,
        spaceAfter=5,
    ),
}
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9, leading=11.5, spaceAfter=0)
CELL_HEAD = ParagraphStyle("cellhead", parent=CELL, fontName="Helvetica-Bold")
NOTE = ParagraphStyle("note", parent=BODY, fontSize=7.5, leading=9.2, spaceAfter=1)
# ZapfDingbats 'l' is a filled circle, 'n' a filled square; level 1 is a dash.
BULLET_GLYPHS = (
    ("ZapfDingbats", "l", 6),
    ("Helvetica", "\u2013", 10.5),
    ("ZapfDingbats", "n", 5),
)


def runs_to_markup(text: str) -> str:
    """Inline source markup -> ReportLab paragraph markup."""
    return runs_to_tags(text, escape, superscript="super")


class FootnoteAnchor(Flowable):
    """A zero-size flowable that queues its footnote for the page it lands on."""

    def __init__(self, marker_text: str):
        super().__init__()
        self.markup = marker_text
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        notes = getattr(self.canv, "_hmic_notes", [])
        notes.append(self.markup)
        self.canv._hmic_notes = notes


def note_markup(text: str) -> str:
    """'1 Text' -> '<super>1</super> Text' for the page-foot footnote."""
    head, _, rest = text.partition(" ")
    if head.isdigit():
        return f"<super>{head}</super> {runs_to_markup(rest)}"
    return runs_to_markup(text)


def draw_footnotes(canvas, doc) -> None:
    notes = getattr(canvas, "_hmic_notes", [])
    if not notes:
        return
    width = PAGE_WIDTH - 2 * MARGIN_X
    y = 1.75 * cm
    paragraphs = [Paragraph(n, NOTE) for n in notes]
    heights = [p.wrap(width, PAGE_HEIGHT)[1] for p in paragraphs]
    y_top = y + sum(heights) + 4
    canvas.saveState()
    canvas.setStrokeColor(colors.grey)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, y_top + 2, MARGIN_X + 5 * cm, y_top + 2)
    for paragraph, height in zip(paragraphs, heights, strict=True):
        y_top -= height
        paragraph.drawOn(canvas, MARGIN_X, y_top)
    canvas.restoreState()
    canvas._hmic_notes = []


def page_decorations(meta: dict, with_header: bool):
    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#555555"))
        if with_header and meta.get("header"):
            canvas.setFont("Helvetica", 8.5)
            canvas.drawString(MARGIN_X, PAGE_HEIGHT - 1.45 * cm, meta["header"])
            canvas.setStrokeColor(colors.HexColor("#999999"))
            canvas.setLineWidth(0.4)
            canvas.line(
                MARGIN_X,
                PAGE_HEIGHT - 1.6 * cm,
                PAGE_WIDTH - MARGIN_X,
                PAGE_HEIGHT - 1.6 * cm,
            )
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(MARGIN_X, 1.1 * cm, str(meta.get("footer") or ""))
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, 1.1 * cm, str(doc.page))
        canvas.restoreState()

    return decorate


def on_page_end(canvas, doc):
    draw_footnotes(canvas, doc)


def make_frames(columns: int) -> list[Frame]:
    width = PAGE_WIDTH - 2 * MARGIN_X
    height = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    if columns == 1:
        return [Frame(MARGIN_X, MARGIN_BOTTOM, width, height, id="body")]
    gap = 0.8 * cm
    column = (width - gap) / 2
    return [
        Frame(MARGIN_X, MARGIN_BOTTOM, column, height, id="left"),
        Frame(MARGIN_X + column + gap, MARGIN_BOTTOM, column, height, id="right"),
    ]


def block_to_flowables(block: Block, width: float) -> list:
    """One block -> platypus flowables."""
    if block.kind == "heading":
        style = HEADINGS[block.level]
        return [CondPageBreak(3 * cm), Paragraph(runs_to_markup(block.text), style)]
    if block.kind == "paragraph":
        style = ParagraphStyle("p", parent=BODY, leftIndent=block.level * 1.1 * cm)
        return [Paragraph(runs_to_markup(block.text), style)]
    if block.kind == "bullet":
        font, glyph, size = BULLET_GLYPHS[block.level % 3]
        indent = 0.65 * cm + block.level * 0.65 * cm
        style = ParagraphStyle(
            "bullet",
            parent=BODY,
            leftIndent=indent,
            bulletIndent=indent - 0.5 * cm,
            bulletFontName=font,
            bulletFontSize=size,
            spaceAfter=3,
        )
        return [Paragraph(runs_to_markup(block.text), style, bulletText=glyph)]
    if block.kind == "numbered":
        indent = 1.1 * cm + block.level * 1.1 * cm
        style = ParagraphStyle(
            "numbered",
            parent=BODY,
            leftIndent=indent,
            bulletIndent=indent - 1.1 * cm,
            bulletFontName="Helvetica",
        )
        return [
            Paragraph(
                runs_to_markup(block.text), style, bulletText=escape(block.marker)
            )
        ]
    if block.kind == "pagebreak":
        return [PageBreak()]
    if block.kind == "footnote":
        return [FootnoteAnchor(note_markup(block.text))]
    if block.kind == "box":
        return [Spacer(1, 4), box_to_table(block, width), Spacer(1, 10)]
    if block.kind == "table":
        return [Spacer(1, 4), rows_to_table(block.rows, width), Spacer(1, 10)]
    raise ValueError(f"unknown block kind {block.kind!r}")


def box_to_table(block: Block, width: float) -> Table:
    """A [box]: a one-column shaded table, one row per inner flowable (splits)."""
    inner_width = width - 0.8 * cm
    rows = []
    for child in block.children:
        flowables = [
            f
            for f in block_to_flowables(child, inner_width)
            if not isinstance(f, CondPageBreak)
        ]
        rows.extend([[f] for f in flowables])
    table = Table(rows or [[""]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BOX_FILL),
                ("LEFTPADDING", (0, 0), (-1, -1), 0.4 * cm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0.4 * cm),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
                ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
            ]
        )
    )
    return table


def column_widths(rows: tuple, width: float) -> list[float]:
    """Share the width by each column's longest cell, with a floor for short ones."""
    columns = max(len(r) for r in rows)
    weights = []
    for index in range(columns):
        longest = max((len(r[index]) for r in rows if index < len(r)), default=4)
        weights.append(min(max(longest, 6), 60))
    total = sum(weights)
    return [width * w / total for w in weights]


def rows_to_table(rows: tuple, width: float) -> Table:
    data = [
        [Paragraph(runs_to_markup(c), CELL_HEAD if r == 0 else CELL) for c in row]
        for r, row in enumerate(rows)
    ]
    table = Table(data, colWidths=column_widths(rows, width), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d5dce8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def render_pdf(source: Source, pdf_path: Path) -> None:
    """Source -> PDF at pdf_path (deterministic: invariant=1, fixed dates)."""
    meta = source.meta
    columns = int(meta.get("columns") or 1)
    doc = BaseDocTemplate(
        str(pdf_path),
        pagesize=A4,
        invariant=1,
        title=meta.get("title", ""),
        author=str(meta.get("force") or "HMIC"),
        creator="HMIC",
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=make_frames(1),
                onPage=page_decorations(meta, with_header=False),
                onPageEnd=on_page_end,
                autoNextPageTemplate="later",
            ),
            PageTemplate(
                id="later",
                frames=make_frames(columns),
                onPage=page_decorations(meta, with_header=True),
                onPageEnd=on_page_end,
            ),
        ]
    )
    width = (
        (PAGE_WIDTH - 2 * MARGIN_X - 0.8 * cm) / 2
        if columns == 2
        else (PAGE_WIDTH - 2 * MARGIN_X)
    )
    story = []
    for block in source.blocks:
        story.extend(block_to_flowables(block, width))
    story.append(Spacer(1, 1))
    doc.build(story)
