"""The fast content-stream tokenizer (extract/pdf.py stream_tokens and
tokens_to_objects) gives the objects pdfminer's own parser gives.

tests/test_pagerecords.py compares whole pages of real PDFs; this compares
the tokenizer alone with pdfminer's PDFContentParser on generated streams
that hold every kind of token, odd spacing, escapes and damage. Where the
fast tokenizer is unsure it says so (UnsureToken) and the page is read the
reference way, so then only the absence of a wrong answer is checked.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import PSEOF

from extract import pdf

PIECES = [
    b"12", b"-3.5", b".5", b"1.", b"+", b"-", b"0.000", b"007",
    b"/F1", b"/Name#20x", b"/", b"/a.b",
    b"Tf", b"TJ", b"Tj", b"BT", b"ET", b"Td", b"true", b"false", b"'", b'"', b"T*",
    b"(plain)", b"(a\\)b)", b"(a(b)c)", b"(\\053x)", b"(\\n\\t)", b"(\\q)", b"()",
    b"(\\\r\n)", b"(\\0)", b"(unclosed",
    b"<0041>", b"<00 41>", b"<4>", b"<41 4>", b"<>", b"<4G>",
    b"[", b"]", b"<<", b">>", b">", b"{", b"}",
    b"%comment\n", b"%", b"\x00",
]  # fmt: skip
SEPARATORS = [b" ", b"\n", b"\r", b"\r\n", b"\t", b"", b"  ", b"\x0c"]


def pdfminer_objects(data: bytes) -> list:
    """What PDFPageInterpreter.execute reads from one stream: nextobject()s."""
    parser = PDFContentParser([PDFStream({}, data)])
    objects = []
    while True:
        try:
            _, obj = parser.nextobject()
        except PSEOF:
            return objects
        objects.append(obj)


def fast_objects(data: bytes) -> list | None:
    """The fast tokenizer's objects, or None where it is unsure."""
    tokens: list = []
    try:
        pdf.stream_tokens(data, tokens)
        return pdf.tokens_to_objects(tokens)
    except pdf.UnsureToken:
        return None


STREAM = st.lists(
    st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=30
).map(lambda pairs: b"".join(piece + sep for piece, sep in pairs))


@settings(max_examples=1500, deadline=None)
@given(STREAM)
def test_fast_tokenizer_gives_pdfminers_objects_or_is_unsure(data):
    try:
        want = pdfminer_objects(data)
    except Exception:
        want = "raises"
    got = fast_objects(data)
    if got is not None:
        assert want != "raises", data
        assert got == want, data


def test_a_typical_text_object():
    data = b"BT /F1 12 Tf 72 712 Td [(Hel)-20(lo)]TJ <0041 42> Tj ET"
    assert fast_objects(data) == pdfminer_objects(data)
    assert len(fast_objects(data)) == 12
