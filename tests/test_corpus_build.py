"""The corpus source parser and golden writer, on tiny inline sources (no PDF)."""

import json

import pytest

from corpus.build import Output
from corpus.golden import (
    ItemNotFound,
    dump_golden,
    find_probe,
    golden_document,
    page_texts_to_tokens,
)
from corpus.source import SourceError, filler_paragraphs, inline_runs, parse_source

FRONT = """---
stem: tiny
producer: reportlab
title: "PEEL: Police effectiveness 2016 – West Midlands Police"
published: 2017-03-02
inspectorates: [HMIC]
force: West Midlands Police
kind: inspection
---
"""


def source(body: str):
    return parse_source(FRONT + body, "tiny.hmic")


def test_marks_drop_labels_bullets_markup_and_join_soft_breaks():
    parsed = source(
        "<item kind=recommendation id=r1 number=3>\n"
        "{{Recommendation 3: }}The **force** should *review* its recom~mendation^1 "
        "process:\n"
        "- for ex-~partners; and\n"
        "  - for   victims.\n"
        "</item>\n"
    )
    (mark,) = parsed.marks
    assert mark.text == (
        "The force should review its recommendation process: "
        "for ex-partners; and for victims."
    )
    assert mark.probe == "The force should review its recommendation"
    assert mark.attrs == {"kind": "recommendation", "id": "r1", "number": "3"}


def test_line_start_markers_are_not_item_text():
    parsed = source(
        "<item kind=recommendation id=r1 number=(ii)>\n"
        "(ii) The force takes steps to:\n"
        "  a) record it; and\n"
        "  2.14 review it.\n"
        "</item>\n"
        "25 per cent is a paragraph, not a numbered line.\n"
    )
    assert parsed.marks[0].text == "The force takes steps to: record it; and review it."
    assert parsed.blocks[-1].kind == "paragraph"
    assert parsed.blocks[0].marker == "(ii)"


def test_not_text_braces_are_printed_but_not_item_text():
    parsed = source(
        "<item kind=cause_of_concern id=c1>\n"
        "{{Cause of concern: }}Risk is not assessed.\n"
        "</item>\n"
    )
    assert parsed.marks[0].text == "Risk is not assessed."
    assert parsed.blocks[0].text == "Cause of concern: Risk is not assessed."


def test_item_inside_a_table_cell():
    parsed = source(
        "[table]\n"
        "Ref | Recommendation | Status\n"
        '1 | <item kind=recommendation status="On-going">The force should act.</item>'
        " | On-going\n"
        "[/table]\n"
    )
    assert parsed.marks[0].text == "The force should act."
    assert parsed.marks[0].attrs["status"] == "On-going"
    assert parsed.blocks[0].rows[1] == ("1", "The force should act.", "On-going")


def test_box_and_directives_become_blocks():
    parsed = source(
        "[box]\n### Areas for improvement\n- one\n[/box]\n[pagebreak]\n"
        "[footnote] 1 A note.\n[filler 2]\n"
    )
    kinds = [b.kind for b in parsed.blocks]
    assert kinds == ["box", "pagebreak", "footnote", "paragraph", "paragraph"]
    assert [c.kind for c in parsed.blocks[0].children] == ["heading", "bullet"]


@pytest.mark.parametrize(
    "body, message",
    [
        ("<item kind=recommendation>\ntext\n", "never closed"),
        ("</item>\n", "without an <item>"),
        ("<item kind=advice>\ntext\n</item>\n", "kind='advice'"),
        ("<item kind=recommendation parent=c9>\ntext\n</item>\n", "parent='c9'"),
        ("<item kind=recommendation id=a>\nx\n</item>\n" * 2, "used twice"),
    ],
)
def test_bad_sources_name_the_problem(body, message):
    with pytest.raises(SourceError, match=message):
        source(body)


def test_filler_is_deterministic_and_neutral():
    first = filler_paragraphs(5, "seed")
    assert first == filler_paragraphs(5, "seed")
    assert first != filler_paragraphs(5, "other")
    words = " ".join(first).lower()
    for banned in ("recommend", "should", "concern", "improve", "must"):
        assert banned not in words


def test_inline_runs_mark_superscripts_and_soft_hyphens():
    runs = inline_runs("co-~ordinators recom~mend^2")
    assert runs == [
        ("co-ordinators recom\u00admend", False, False, False),
        ("2", False, False, True),
    ]


def test_tokens_join_line_end_hyphens_and_drop_glyphs():
    tokens = page_texts_to_tokens(["partners or ex-\npartners \uf0b7 next", "two"])
    assert [t for t, _ in tokens] == ["partners", "or", "expartners", "next", "two"]
    assert tokens[-1] == ("two", 2)


def test_find_probe_tolerates_interleaved_table_cells():
    tokens = page_texts_to_tokens(
        ["The force should ACC Crime Red ensure that every use of force"]
    )
    assert find_probe(tokens, "The force should ensure that every", 0) == 0
    assert find_probe(tokens, "The police should ensure", 0) is None


BODY = """<item kind=cause_of_concern id=c1>
Risk is not assessed.
</item>
<item kind=recommendation id=r1 parent=c1>
{{HMIC recommends that }}the force should assess risk.
</item>
<item kind=area_for_improvement id=a1>
- The force should train staff.
</item>
[pagebreak]
<item kind=cause_of_concern id=c1x same=c1>
Risk is not assessed.
</item>
<item kind=recommendation id=r1x parent=c1x same=r1>
the force should assess risk.
</item>
<item kind=recommendation id=r2 parent=c1x>
The force should review risk.
</item>
"""

PAGES = [
    "Risk is not assessed.\nHMIC recommends that the force should assess risk.\n"
    "\u2022 The force should train staff.\n1",
    "Header\nRisk is not assessed.\nthe force should assess risk.\n"
    "The force should review risk.\n2",
]


def test_golden_document_skips_restatements_and_resolves_parents():
    document = golden_document(source(BODY), PAGES, "abc")
    items = document["items"]
    assert [i["kind"] for i in items] == [
        "cause_of_concern",
        "recommendation",
        "area_for_improvement",
        "recommendation",
    ]
    assert [i["page"] for i in items] == [1, 1, 1, 2]
    assert [i["parent"] for i in items] == [None, 0, None, 0]
    assert items[1]["text"] == "the force should assess risk."
    assert document["source"] == {
        "path": "corpus/tiny.pdf",
        "sha256": "abc",
        "pages": 2,
    }
    assert document["report"]["published"] == "2017-03-02"
    assert list(items[0]) == [
        "kind",
        "number",
        "text",
        "page",
        "source_report",
        "status",
        "parent",
    ]


def test_golden_page_is_the_first_page_after_the_previous_item():
    body = (
        "<item kind=area_for_improvement id=a1>\nThe force should train staff.\n"
        "</item>\n<item kind=area_for_improvement id=a2>\nThe force should train "
        "staff.\n</item>\n"
    )
    pages = ["The force should train staff.", "The force should train staff."]
    items = golden_document(source(body), pages, "x")["items"]
    assert [i["page"] for i in items] == [1, 2]


def test_missing_item_fails_loudly():
    with pytest.raises(ItemNotFound, match="line 10: .*Risk is not assessed"):
        golden_document(source(BODY), ["nothing here"], "x")


def test_dump_golden_is_indented_utf8_with_final_newline():
    text = dump_golden({"title": "Everyone’s business"})
    assert text.endswith("}\n")
    assert "’" in text
    assert json.loads(text) == {"title": "Everyone’s business"}


def test_check_output_writes_nothing_and_names_a_stale_file(tmp_path, capsys):
    same, stale = tmp_path / "same.json", tmp_path / "stale.json"
    same.write_text("a\n")
    stale.write_text("old\n")
    out = Output(check=True)
    out.put(same, "a\n")
    out.put(stale, "new\n")
    out.put(tmp_path / "missing.json", "x\n")
    assert out.stale == [stale, tmp_path / "missing.json"]
    assert stale.read_text() == "old\n"
    assert not (tmp_path / "missing.json").exists()
    assert "-old\n+new" in capsys.readouterr().err


def test_output_writes_when_not_checking(tmp_path):
    out = Output()
    out.put(tmp_path / "sub" / "g.json", "x\n")
    assert (tmp_path / "sub" / "g.json").read_text() == "x\n" and not out.stale


TRACKER_TABLE = """[table]
Ref | Recommendation | Status
R3 | <item kind=recommendation number=4>The force to act.</item> | Open
R4 | <item kind=area_for_improvement>The force should ask.</item> | Closed
R5 | <item kind=cause_of_concern>{{Cause of concern: }}Risk.</item> | Open
[/table]
"""


@pytest.mark.parametrize(
    "labels, named",
    [
        ("runin", [("Recommendation 4", ""), ("Area for improvement", "")]),
        ("heading", [("Recommendation 4", ""), ("Area for improvement", "")]),
        (
            "margin",
            [("", "**Recommendation 4:** "), ("", "**Area for improvement:** ")],
        ),
    ],
)
def test_tracker_as_prose_names_each_item_by_its_kind(labels, named):
    """The column heading that named the items' kind is gone in prose, so each
    item is named as a prose tracker names it: by its kind (and number)."""
    from corpus.render_variants import table_to_prose

    parsed = source(TRACKER_TABLE)
    prose = table_to_prose(parsed.blocks[0].rows, parsed.marks, labels)
    assert [b.text for b in prose[::3]] == ["**R3**", "**R4**", "**R5**"]
    assert prose[2].text == "Status: Open."
    for block, (label, typed), text in zip(
        prose[1::3], named, ("The force to act.", "The force should ask."), strict=False
    ):
        assert (block.label, block.text) == (label, typed + text)
    # A cell that names its kind itself gets no second label.
    assert (prose[7].label, prose[7].text) == ("", "Cause of concern: Risk.")


def test_tracker_as_prose_gives_each_item_of_a_row_its_paragraph():
    from corpus.render_variants import table_to_prose

    parsed = source(
        "[table]\nCause of concern | Recommendation | Note\n"
        "<item kind=cause_of_concern>Risk.</item> | "
        "<item kind=recommendation>The force should act.</item> | See 3.4.\n"
        "[/table]\n"
    )
    prose = table_to_prose(parsed.blocks[0].rows, parsed.marks)
    assert [(b.label, b.text) for b in prose] == [
        ("Cause of concern", "Risk."),
        ("Recommendation", "The force should act."),
        ("", "Note: See 3.4."),
    ]
