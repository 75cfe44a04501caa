"""extract/docx.py: Word papers read directly, in the Blocks PDF layout gives.

The small documents are written here with python-docx (and raw WordprocessingML
where python-docx has no API: numbering, footnote references, rendered page
breaks). tests/docx/ holds corpus sources as .docx (corpus/render_docx_copies.py),
compared with the goldens written from the same marks.
"""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from extract.docx import DamagedDocx, EmptyDocx, format_number, read_docx
from extract.report import extract_report
from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCX = Path(__file__).parent / "docx"
GOLDEN = Path(__file__).parent / "golden"
SEED = DOCX / "committee-update-2017-06-08.docx"
FIELDS = ("kind", "number", "text", "status")


def add_list(document, num_id: int, levels: list[tuple[str, str]], start=None) -> int:
    """A numbering definition (numFmt, lvlText per level) as list `num_id`."""
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:pPr><w:ind w:left="{720 * (i + 1)}" '
        f'w:hanging="360"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">{lvls}'
            "</w:abstractNum>"
        ),
    )
    override = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        if start
        else ""
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId '
            f'w:val="{num_id}"/>{override}</w:num>'
        )
    )
    return num_id


def listed(document, text: str, num_id: int, level: int = 0):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return paragraph


def blocks_of(document, tmp_path) -> list:
    path = tmp_path / "paper.docx"
    document.save(str(path))
    return read_docx(path).blocks


def test_word_numbering_prints_its_numbers(tmp_path):
    document = Document()
    numbers = add_list(document, 50, [("decimal", "%1."), ("decimal", "%1.%2")])
    roman = add_list(document, 51, [("lowerRoman", "(%1)")])
    listed(document, "The force should first do this.", numbers)
    listed(document, "The force should then do that.", numbers)
    listed(document, "It should report on it.", numbers, level=1)
    listed(document, "And on the rest.", numbers, level=1)
    listed(document, "A third recommendation.", numbers)
    listed(document, "A fresh level below restarts.", numbers, level=1)
    listed(document, "One.", roman)
    listed(document, "Two.", roman)
    blocks = blocks_of(document, tmp_path)
    assert [(b.kind, b.marker) for b in blocks] == [
        ("numbered", "1"),
        ("numbered", "2"),
        ("numbered", "2.1"),
        ("numbered", "2.2"),
        ("numbered", "3"),
        ("numbered", "3.1"),
        ("numbered", "(i)"),
        ("numbered", "(ii)"),
    ]
    assert blocks[0].text == "The force should first do this."
    assert blocks[2].level > blocks[1].level


def test_a_list_restarted_by_start_override_counts_from_it(tmp_path):
    document = Document()
    add_list(document, 60, [("decimal", "%1.")])
    listed(document, "First.", 60)
    add_list(document, 61, [("decimal", "%1.")], start=4)
    listed(document, "Fourth, after narrative.", 61)
    assert [b.marker for b in blocks_of(document, tmp_path)] == ["1", "4"]


def test_numbering_comes_from_the_paragraph_style_too(tmp_path):
    document = Document()
    document.add_paragraph("The force should act on this now.", style="List Number")
    document.add_paragraph("The force should act on that too.", style="List Number")
    document.add_paragraph("a point in a list", style="List Bullet")
    blocks = blocks_of(document, tmp_path)
    assert [(b.kind, b.marker) for b in blocks] == [
        ("numbered", "1"),
        ("numbered", "2"),
        ("bullet", "•"),
    ]


def test_format_number_as_word_prints_it():
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(3, "lowerLetter") == "c"
    assert format_number(27, "upperLetter") == "AA"
    assert format_number(7, "decimalZero") == "07"


def test_bullets_from_numbering_and_typed_markers(tmp_path):
    document = Document()
    add_list(document, 70, [("bullet", "\uf0b7")])
    listed(document, "a bullet from Word's list", 70)
    document.add_paragraph("2.14\tA typed paragraph number before a tab.")
    document.add_paragraph("(b) A typed letter.")
    document.add_paragraph("3 officers attended: a number, not a marker.")
    blocks = blocks_of(document, tmp_path)
    assert [(b.kind, b.marker, b.text) for b in blocks] == [
        ("bullet", "•", "a bullet from Word's list"),
        ("numbered", "2.14", "A typed paragraph number before a tab."),
        ("numbered", "(b)", "A typed letter."),
        ("paragraph", None, "3 officers attended: a number, not a marker."),
    ]


def test_headings_by_style_weight_and_size(tmp_path):
    document = Document()
    document.add_heading("Areas for improvement", level=2)
    document.add_paragraph().add_run("A bold line of its own").bold = True
    document.add_paragraph().add_run("Larger type").font.size = Pt(16)
    document.add_paragraph("Body text that runs on as a sentence does.")
    kinds = [b.kind for b in blocks_of(document, tmp_path)]
    assert kinds == ["heading", "heading", "heading", "paragraph"]


def test_tables_give_cells_by_row_and_grid_column(tmp_path):
    document = Document()
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(1, 1).merge(table.cell(2, 1))  # one cell over two rows
    table.cell(1, 1).text = "merged"
    blocks = blocks_of(document, tmp_path)
    cells = [(b.kind, b.table, b.row, b.col, b.text) for b in blocks[1:]]
    assert cells[:3] == [
        ("cell", "p1-t0", 0, 0, "r0c0"),
        ("cell", "p1-t0", 0, 1, "r0c1"),
        ("cell", "p1-t0", 0, 2, "r0c2"),
    ]
    assert ("cell", "p1-t0", 1, 1, "merged") in cells
    assert not [c for c in cells if c[2] == 2 and c[3] == 1], "a merged cell once"


def test_footnote_references_and_soft_hyphens_are_dropped(tmp_path):
    document = Document()
    paragraph = document.add_paragraph("The force should act")
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="1"/>'))
    paragraph.add_run(" on re\u00adports now.")
    paragraph.add_run("2").font.superscript = True
    assert (
        blocks_of(document, tmp_path)[0].text == "The force should act on reports now."
    )


def test_shaded_paragraphs_in_a_row_are_one_box(tmp_path):
    document = Document()
    for text in ("Area for improvement 1", "The force should do it."):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:fill="DEEAF6"/>')
        )
    document.add_paragraph("Narrative again.")
    boxes = [b.box for b in blocks_of(document, tmp_path)]
    assert boxes[0] is not None and boxes[0] == boxes[1] and boxes[2] is None


def test_pages_come_from_words_rendered_page_breaks(tmp_path):
    document = Document()
    document.add_paragraph("Cover")
    document.add_page_break()
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    run._r.append(parse_xml(f"<w:lastRenderedPageBreak {nsdecls('w')}/>"))
    paragraph.add_run("On Word's second page.")
    path = tmp_path / "paged.docx"
    document.save(str(path))
    word = read_docx(path)
    assert word.is_paginated and word.pages == 2
    assert [b.page for b in word.blocks] == [1, 2]


def test_without_words_layout_an_items_page_is_null(tmp_path):
    document = Document()
    document.add_heading("Areas for improvement", level=2)
    document.add_paragraph(
        "Area for improvement 1: The force should improve how it records crime."
    )
    path = tmp_path / "plain.docx"
    document.save(str(path))
    report = extract_report(path)
    assert report["items"] and all(i["page"] is None for i in report["items"])
    assert report["source"]["pages"] == 1


def test_a_damaged_or_empty_docx_is_bad_input(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip")
    with pytest.raises(DamagedDocx, match="cannot open it"):
        read_docx(bad)
    empty = tmp_path / "empty.docx"
    Document().save(str(empty))
    with pytest.raises(EmptyDocx):
        read_docx(empty)


# --- corpus sources as .docx, against their goldens ---------------------------------


def fields_of(items: list[dict], fields=FIELDS) -> list[tuple]:
    return [tuple(item.get(name) for name in fields) for item in items]


def test_seed_committee_paper_docx_gives_its_golden_items():
    golden = json.loads((GOLDEN / f"{SEED.stem}.json").read_text("utf-8"))
    got = extract_report(SEED)
    assert fields_of(got["items"]) == fields_of(golden["items"])
    assert got["report"]["kind"] == golden["report"]["kind"] == "tracker"
    assert got["report"]["force"] == golden["report"]["force"]
    assert all(item["page"] is None for item in got["items"]), "Word has no pages"


def test_seed_paper_saved_by_libreoffice_gives_its_golden_items():
    # Another producer's XML for the same paper: LibreOffice's own styles,
    # numbering part and table markup, and no rendered page breaks either.
    golden = json.loads((GOLDEN / f"{SEED.stem}.json").read_text("utf-8"))
    got = extract_report(DOCX / f"{SEED.stem}--libreoffice.docx")
    assert fields_of(got["items"]) == fields_of(golden["items"])


def test_seed_committee_paper_docx_gives_the_same_items_as_its_pdf():
    as_pdf = extract_report(ROOT / "corpus" / f"{SEED.stem}.pdf")
    as_docx = extract_report(SEED)
    fields = ("kind", "number", "status", "source_report", "parent")
    assert fields_of(as_docx["items"], fields) == fields_of(as_pdf["items"], fields)


@pytest.mark.parametrize(
    "name",
    [
        "holdout2-tracker-2021-kent--word-list",
        "holdout3-joint-cp-2019-norfolk--word-list",
    ],
)
def test_word_numbered_docx_gives_its_golden_items(name):
    golden = json.loads((GOLDEN / "variants" / f"{name}.json").read_text("utf-8"))
    got = extract_report(DOCX / f"{name}.docx")
    assert fields_of(got["items"]) == fields_of(golden["items"])


def test_hmic_extract_reads_a_docx():
    result = CliRunner().invoke(cli, ["extract", str(SEED)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["source"]["path"] == str(SEED)
    assert len(document["items"]) == 23


def test_hmic_extract_names_a_damaged_docx(tmp_path):
    bad = tmp_path / "minutes.docx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    result = CliRunner().invoke(cli, ["extract", str(bad)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{bad}: damaged Word document: cannot open it" in result.stderr
