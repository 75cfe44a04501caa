"""Render a corpus Source to PDF through Word XML (producer: docx).

python-docx writes the .docx as Word would: Symbol-font bullets (U+F0B7) from a
numbering definition, typed paragraph numbers with a hanging indent, shaded and
bordered paragraphs for boxes, real tables, real footnotes, a different first
page, and headers and footers with a PAGE field. LibreOffice then converts it.
It is long because each of those Word features is its own small XML writer.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from corpus.render_reportlab import column_widths
from corpus.source import Block, Source, inline_runs

FONT = "Arial"
HEADING_SIZES = {1: 20, 2: 13, 3: 11.5}
HANG = 1.27  # cm: Word's default hanging indent for numbered paragraphs
BOX_FILL = "DEEAF6"
# Word's own default bullet list: Symbol F0B7, Courier New "o", Wingdings F0A7.
BULLET_LEVELS = (("Symbol", "\uf0b7"), ("Courier New", "o"), ("Wingdings", "\uf0a7"))
FOOTNOTES_CT = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
)


def bullet_numbering_xml(abstract_id: int, bullet_levels=BULLET_LEVELS) -> str:
    levels = []
    for level in range(9):
        font, glyph = bullet_levels[level % len(bullet_levels)]
        left = 720 + 360 * level
        levels.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
            f'<w:lvlText w:val="{glyph}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="360"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/>'
            f"</w:rPr></w:lvl>"
        )
    return (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{"".join(levels)}'
        f"</w:abstractNum>"
    )


def add_bullet_numbering(document, bullet_levels=BULLET_LEVELS) -> int:
    """Add Word's bullet list definition; returns its numId."""
    numbering = document.part.numbering_part.element
    abstract_id, num_id = 90, 90
    abstract = parse_xml(bullet_numbering_xml(abstract_id, bullet_levels))
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )
    return num_id


class Footnotes:
    """A footnotes part (python-docx has none): separators, then our notes."""

    def __init__(self, document):
        xml = (
            f"<w:footnotes {nsdecls('w')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
            "</w:r></w:p></w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            "<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>"
        )
        self.element = parse_xml(xml)
        self.part = Part(
            PackURI("/word/footnotes.xml"), FOOTNOTES_CT, b"", document.part.package
        )
        document.part.relate_to(self.part, RT.FOOTNOTES)
        self.next_id = 1
        self.pending: dict[str, int] = {}

    def reserve(self, marker: str) -> int:
        """A marker in the text -> the footnote id its note will fill."""
        self.pending[marker] = self.next_id
        self.next_id += 1
        return self.pending[marker]

    def fill(self, text: str) -> None:
        marker, _, rest = text.partition(" ")
        note_id = self.pending.pop(marker, None)
        if note_id is None:
            note_id, rest = self.reserve(marker), rest
            self.pending.pop(marker)
        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{note_id}"><w:p><w:pPr>'
            '<w:spacing w:after="0"/></w:pPr><w:r><w:rPr><w:vertAlign '
            'w:val="superscript"/><w:sz w:val="16"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> '
            "</w:t></w:r></w:p></w:footnote>"
        )
        note.find(qn("w:p")).findall(qn("w:r"))[-1].find(qn("w:t")).text = (
            " " + strip_markup(rest)
        )
        self.element.append(note)

    def finish(self) -> None:
        from lxml import etree

        self.part._blob = etree.tostring(
            self.element, xml_declaration=True, encoding="UTF-8", standalone=True
        )


def strip_markup(text: str) -> str:
    return "".join(words for words, *_ in inline_runs(text))


def add_runs(
    paragraph, text: str, footnotes: Footnotes | None, size=None, hyphenate=None
) -> None:
    """Inline markup -> runs; a ^N marker becomes a real footnote reference.
    `hyphenate` adds soft hyphens to the words (a justified layout variant)."""
    for words, bold, italic, sup in inline_runs(text):
        if hyphenate is not None and not sup:
            words = hyphenate(words)
        if sup and footnotes is not None:
            note_id = footnotes.reserve(words)
            run = paragraph.add_run()
            run._r.append(
                parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{note_id}"/>')
            )
            run.font.superscript = True
            continue
        run = paragraph.add_run(words)
        run.bold = bold or None
        run.italic = italic or None
        run.font.superscript = sup or None
        if size:
            run.font.size = Pt(size)


def shade(paragraph, fill: str) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="4" w:color="9CB3D1"/>'
        for side in ("top", "left", "bottom", "right")
    )
    p_pr.append(parse_xml(f"<w:pBdr {nsdecls('w')}>{borders}</w:pBdr>"))
    p_pr.append(
        parse_xml(
            f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'
        )
    )


def add_block(document, block: Block, ctx: dict, boxed: bool = False) -> None:
    """One block -> paragraphs/tables appended to the document."""
    if block.kind == "box":
        for child in block.children:
            add_block(document, child, ctx, boxed=True)
        document.add_paragraph().paragraph_format.space_after = Pt(0)
        return
    if block.kind == "table":
        add_table(document, block.rows, ctx)
        return
    if block.kind == "pagebreak":
        ctx["breaks"] += 1
        if ctx["breaks"] == 1 and ctx["columns"] == 2:
            section = document.add_section(WD_SECTION.NEW_PAGE)
            section.different_first_page_header_footer = False
            cols = section._sectPr.find(qn("w:cols"))
            if cols is None:
                cols = parse_xml(f"<w:cols {nsdecls('w')}/>")
                section._sectPr.append(cols)
            cols.set(qn("w:num"), "2")
            cols.set(qn("w:space"), "567")
        else:
            document.add_page_break()
        return
    if block.kind == "footnote":
        ctx["footnotes"].fill(block.text)
        return
    layout = ctx.get("layout")
    if layout is not None and block.kind == "label":
        add_label(document, block.text, ctx)
        return
    if layout is not None and block.label and block.kind == "paragraph":
        if layout.labels == "heading":
            add_label(document, block.label, ctx)
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    if layout is not None and layout.justify and block.kind != "heading":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if layout is not None and block.label and block.kind == "paragraph":
        if layout.labels != "heading":
            paragraph.add_run(f"{block.label}: ").bold = True
    hyphenate = ctx.get("hyphenate")
    if block.kind == "heading":
        paragraph.style = document.styles[f"Heading {block.level}"]
        add_runs(paragraph, block.text, ctx["footnotes"])
    elif block.kind == "bullet":
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{block.level}"/>'
                f'<w:numId w:val="{ctx["bullets"]}"/></w:numPr>'
            )
        )
        fmt.left_indent = Cm(HANG * (ctx["indent"] + 1) + 0.64 * block.level)
        fmt.first_line_indent = Cm(-0.64)
        fmt.space_after = Pt(3 if layout is None or layout.spacing != "zero" else 0)
        add_runs(paragraph, block.text, ctx["footnotes"], hyphenate=hyphenate)
    elif block.kind == "numbered" and layout is not None:
        add_layout_numbered(paragraph, block, ctx)
        add_runs(paragraph, block.text, ctx["footnotes"], hyphenate=hyphenate)
        ctx["indent"] = block.level + 1 if layout.hang else block.level
    elif block.kind == "numbered":
        fmt.left_indent = Cm(HANG * (block.level + 1))
        fmt.first_line_indent = Cm(-HANG)
        fmt.tab_stops.add_tab_stop(Cm(HANG * (block.level + 1)))
        paragraph.add_run(block.marker + "\t")
        add_runs(paragraph, block.text, ctx["footnotes"])
        ctx["indent"] = block.level + 1
    else:
        fmt.left_indent = Cm(HANG * block.level) if block.level else None
        add_runs(paragraph, block.text, ctx["footnotes"], hyphenate=hyphenate)
    if block.kind == "heading":
        ctx["indent"] = 0
    if boxed:
        shade(paragraph, BOX_FILL)
        fmt.space_after = Pt(0)
        fmt.left_indent = Cm(0.3 + (fmt.left_indent or 0) / 360000)


def add_label(document, label: str, ctx: dict) -> None:
    """An item label on a line of its own: a Heading 3, or a bold paragraph."""
    paragraph = document.add_paragraph()
    if ctx["layout"].labels == "heading":
        paragraph.style = document.styles["Heading 3"]
        paragraph.add_run(label)
    else:
        paragraph.add_run(label).bold = True
    paragraph.paragraph_format.keep_with_next = True


# A paragraph marker -> (Word numFmt, lvlText with %1 for the counter, value).
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def roman_value(text: str) -> int | None:
    if not re.fullmatch(
        r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})", text
    ):
        return None
    values = [ROMAN[c] for c in text]
    return (
        sum(
            -v if i + 1 < len(values) and v < values[i + 1] else v
            for i, v in enumerate(values)
        )
        or None
    )


def marker_to_format(marker: str, previous: str = "") -> tuple[str, str, int] | None:
    """'2.14' -> ('decimal', '2.%1', 14); '(ii)' -> ('lowerRoman', '(%1)', 2).

    A letter that could be a roman numeral is a letter when the list before it
    was lettered ('h)' then 'i)'). None when Word numbering cannot print it.
    """
    match = re.fullmatch(r"(.*?)(\d+|[a-z]+)(\W*)", marker)
    if not match:
        return None
    prefix, counter, suffix = match.groups()
    text = f"{prefix.replace('%', '')}%1{suffix}"
    if counter.isdigit():
        return "decimal", text, int(counter)
    roman = roman_value(counter)
    lettered = previous and re.fullmatch(r"\W*[a-z]\W*", previous)
    if roman and not (len(counter) == 1 and lettered):
        return "lowerRoman", text, roman
    if len(counter) == 1:
        return "lowerLetter", text, ord(counter) - ord("a") + 1
    return None


def numbered_list_xml(abstract_id: int, num_fmt: str, text: str, level: int) -> str:
    left = int(HANG * 567 * (level + 1))
    return (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{num_fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
        f'<w:ind w:left="{left}" w:hanging="{int(HANG * 567)}"/></w:pPr>'
        "</w:lvl></w:abstractNum>"
    )


def word_list_number(document, block: Block, ctx: dict) -> int | None:
    """The numId that prints this paragraph's marker: the list the previous
    paragraph of the same format continues, or a new one started at its value."""
    lists = ctx.setdefault("lists", {})
    found = marker_to_format(block.marker, ctx.get("last_marker", ""))
    ctx["last_marker"] = block.marker
    if found is None:
        return None
    num_fmt, text, value = found
    key = (num_fmt, text, block.level)
    numbering = document.part.numbering_part.element
    if key not in ctx.setdefault("abstracts", {}):
        abstract_id = 100 + len(ctx["abstracts"])
        abstract = parse_xml(numbered_list_xml(abstract_id, num_fmt, text, block.level))
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        ctx["abstracts"][key] = abstract_id
    num_id, last = lists.get(key, (None, None))
    if num_id is None or value != last + 1:
        num_id = 200 + sum(1 for _ in numbering.iterfind(qn("w:num")))
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{ctx["abstracts"][key]}"/>'
                '<w:lvlOverride w:ilvl="0">'
                f'<w:startOverride w:val="{value}"/></w:lvlOverride></w:num>'
            )
        )
    lists[key] = (num_id, value)
    return num_id


def add_layout_numbered(paragraph, block: Block, ctx: dict) -> None:
    """A numbered paragraph in a layout variant: Word list numbering or the
    number typed; with a hanging indent, or flush (the text wraps back to the
    number's margin, as plain Word papers are typed)."""
    layout, fmt = ctx["layout"], paragraph.paragraph_format
    if layout.numbering == "word":
        num_id = word_list_number(paragraph.part.document, block, ctx)
        if num_id is not None:
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/>'
                    f'<w:numId w:val="{num_id}"/></w:numPr>'
                )
            )
            return
    if layout.hang:
        fmt.left_indent = Cm(HANG * (block.level + 1))
        fmt.first_line_indent = Cm(-HANG)
    else:
        fmt.left_indent = Cm(HANG * block.level) if block.level else None
    fmt.tab_stops.add_tab_stop(Cm(HANG * (block.level + 1)))
    paragraph.add_run(block.marker + "\t")


def add_table(document, rows: tuple, ctx: dict) -> None:
    columns = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    width = 16.4 if ctx["columns"] == 1 or ctx["breaks"] == 0 else 7.7
    widths = column_widths(rows, width)
    grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
    for c, column_width in enumerate(widths):
        grid[c].set(qn("w:w"), str(int(column_width * 567)))
        for cell in table.columns[c].cells:
            cell.width = Cm(column_width)
    for r, row in enumerate(rows):
        for c in range(columns):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            add_runs(paragraph, row[c] if c < len(row) else "", ctx["footnotes"], 9)
            paragraph.paragraph_format.space_after = Pt(2)
            if r == 0:
                for run in paragraph.runs:
                    run.bold = True
                cell._tc.get_or_add_tcPr().append(
                    parse_xml(
                        f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                        'w:fill="D9E2F3"/>'
                    )
                )
    header_row = table.rows[0]._tr.get_or_add_trPr()
    header_row.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    document.add_paragraph()


def add_page_field(paragraph) -> None:
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    run = paragraph.add_run()
    instr = parse_xml(
        f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>'
    )
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    paragraph.add_run("1")
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))


def set_header_footer(section, meta: dict) -> None:
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.text = str(meta.get("header") or "")
    for run in header.runs:
        run.font.size = Pt(8.5)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    for footer in (section.footer, section.first_page_footer):
        paragraph = footer.paragraphs[0]
        paragraph.text = ""
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            Cm(16.4), WD_TAB_ALIGNMENT.RIGHT
        )
        run = paragraph.add_run(f"{meta.get('footer') or ''}\t")
        run.font.size = Pt(8.5)
        add_page_field(paragraph)


def set_styles(document, layout=None) -> None:
    font = FONT if layout is None else layout.family
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    normal.font.size = Pt(11 if layout is None else layout.size)
    zero = layout is not None and layout.spacing == "zero"
    normal.paragraph_format.space_after = Pt(0 if zero else 8)
    normal.paragraph_format.line_spacing = 1.0 if zero else 1.08
    for level, size in HEADING_SIZES.items():
        style = document.styles[f"Heading {level}"]
        style.font.name = font
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = (
            RGBColor(0x1F, 0x1F, 0x1F) if level > 1 else RGBColor(0x1F, 0x38, 0x64)
        )
        style.paragraph_format.space_before = Pt(12 if level > 1 else 24)
        style.paragraph_format.space_after = Pt(0 if zero else 6)


def source_to_docx(source: Source, docx_path: Path, layout=None) -> None:
    """Source -> .docx; a `layout` (corpus/render_variants.py) sets a variant's
    fonts, spacing, numbering, bullets, labels and alignment."""
    meta = source.meta
    document = Document()
    set_styles(document, layout)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.3))
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.3)
    set_header_footer(section, meta)
    props = document.core_properties
    props.title = meta.get("title", "")
    props.author = str(meta.get("force") or "HMIC")
    stamp = datetime(2017, 1, 1)
    if meta.get("published"):
        stamp = datetime.fromisoformat(str(meta["published"]))
    props.created = props.modified = stamp
    props.last_modified_by = props.author
    props.revision = 1
    footnotes = Footnotes(document)
    ctx = {
        "bullets": add_bullet_numbering(
            document, BULLET_LEVELS if layout is None else layout.bullets
        ),
        "footnotes": footnotes,
        "columns": int(meta.get("columns") or 1),
        "breaks": 0,
        "indent": 0,
    }
    if layout is not None:
        from corpus.render_variants import soft_hyphenate

        ctx["layout"] = layout
        ctx["hyphenate"] = soft_hyphenate if layout.justify else None
    for block in source.blocks:
        add_block(document, block, ctx)
    footnotes.finish()
    document.save(str(docx_path))


def fix_pdf_dates(data: bytes, stamp: str) -> bytes:
    """Overwrite creation/modification dates and /ID in place (same length).

    Keeping every byte offset unchanged keeps the xref table valid.
    """
    data = re.sub(
        rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})",
        lambda m: m.group(1) + stamp.encode(),
        data,
    )
    data = re.sub(
        rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)(>\s*<)([0-9A-Fa-f]+)(>)",
        lambda m: (
            m.group(1)
            + b"0" * len(m.group(2))
            + m.group(3)
            + b"0" * len(m.group(4))
            + m.group(5)
        ),
        data,
    )
    data = re.sub(
        rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)",
        lambda m: m.group(1) + b"0" * len(m.group(2)),
        data,
    )
    data = re.sub(
        rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)([^<]{19})",
        lambda m: (
            m.group(1) + f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T00:00:00".encode()
        ),
        data,
    )
    return data


def pdf_stamp(meta: dict) -> str:
    published = str(meta.get("published") or "2017-01-01")
    return published.replace("-", "") + "000000"


def render_pdf(source: Source, pdf_path: Path, layout=None) -> None:
    """Source -> .docx -> PDF via `soffice --headless --convert-to pdf`."""
    with tempfile.TemporaryDirectory(prefix="hmic-docx-") as tmp:
        work = Path(tmp)
        docx_path = work / f"{source.stem}.docx"
        source_to_docx(source, docx_path, layout)
        profile = work / "profile"
        subprocess.run(
            [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(docx_path),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
        built = work / f"{source.stem}.pdf"
        if not built.exists():
            raise RuntimeError(f"soffice did not write {built}")
        pdf_path.write_bytes(fix_pdf_dates(built.read_bytes(), pdf_stamp(source.meta)))
