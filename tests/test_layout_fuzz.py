"""Any page records give blocks, never an exception (extract/layout.py).

Real pages reach layout.py only through pdfplumber, so odd geometry (words
overlapping, zero-width, off the page, superscripts, a table with missing
cells, shaded boxes, drawn bullets) is built here directly. Each block must be
on a page that was read and hold text, and every word's text must survive
somewhere unless layout drops it on purpose (running text, footnotes), so
only the shape is checked, not the reading.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.items import blocks_to_items
from extract.layout import pages_to_blocks

WIDTH, HEIGHT = 595.0, 842.0
# Labels, markers, a hyphen and a soft hyphen, a ligature, footnote marks, "".
TEXTS = "Recommendation 1. • the force should recom- mend 2 * Page 3 (a) – AFI ﬁle"
TEXTS = [*TEXTS.split(), "", "\u00ad"]
FONTS = ["Arial", "Arial-BoldMT", "Symbol", "TimesNewRoman,Bold"]
EXAMPLES = int(os.environ.get("HMIC_FUZZ_EXAMPLES", "200"))
coordinate_x = st.floats(-20, WIDTH + 20, allow_nan=False)
coordinate_y = st.floats(-20, HEIGHT + 20, allow_nan=False)


@st.composite
def words(draw) -> dict:
    x0, top = draw(coordinate_x), draw(coordinate_y)
    size = draw(st.sampled_from([6.0, 9.0, 10.0, 10.5, 14.0, 20.0]))
    return {
        "text": draw(st.sampled_from(TEXTS)),
        "x0": x0,
        "x1": x0 + draw(st.floats(0, 200, allow_nan=False)),
        "top": top,
        "bottom": top + size,
        "doctop": top,
        "fontname": draw(st.sampled_from(FONTS)),
        "size": size,
        "upright": draw(st.booleans()),
    }


@st.composite
def boxes(draw) -> tuple:
    x0, top = draw(coordinate_x), draw(coordinate_y)
    return (x0, top, x0 + draw(st.floats(0, 300)), top + draw(st.floats(0, 300)))


@st.composite
def pages(draw, page_number: int) -> dict:
    rects = [
        {"x0": b[0], "top": b[1], "x1": b[2], "bottom": b[3], "fill": True,
         "non_stroking_color": draw(st.sampled_from([(0.9,), (1,), (0.8, 0.9, 1.0),
                                                     None]))}
        for b in draw(st.lists(boxes(), max_size=3))
    ]  # fmt: skip
    tables = [
        {"bbox": bbox, "rows": draw(st.lists(st.lists(st.one_of(st.none(), boxes()),
                                                       min_size=1, max_size=3),
                                              min_size=1, max_size=3))}
        for bbox in draw(st.lists(boxes(), max_size=1))
    ]  # fmt: skip
    return {
        "page_number": page_number,
        "width": WIDTH,
        "height": HEIGHT,
        "words": draw(st.lists(words(), max_size=60)),
        "rects": rects,
        "marks": draw(st.lists(boxes(), max_size=3)),
        "tables": tables,
    }


@st.composite
def reports(draw) -> list[dict]:
    count = draw(st.integers(1, 3))
    return [draw(pages(n)) for n in range(1, count + 1)]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=reports())
def test_any_page_records_give_blocks_and_items(records):
    blocks = pages_to_blocks(iter(records))
    for block in blocks:
        assert 1 <= block.page <= len(records)
        assert block.text.strip(), "a block holds text"
    for kind in ("inspection", "tracker"):
        for item in blocks_to_items(blocks, {"kind": kind}):
            assert item["text"].strip()
