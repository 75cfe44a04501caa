"""The fast char path in extract/pdf.py builds exactly pdfplumber's char dicts:
every character of every page of every corpus PDF is compared, field by field."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from extract.pdf import use_fast_chars

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PDFS = sorted(CORPUS.glob("*.pdf"))


@pytest.mark.parametrize("path", PDFS, ids=[p.stem for p in PDFS])
def test_fast_chars_equal_pdfplumber_chars(path):
    with pdfplumber.open(path) as stock, pdfplumber.open(path) as fast:
        assert len(stock.pages) == len(fast.pages)
        for stock_page, fast_page in zip(stock.pages, fast.pages, strict=True):
            use_fast_chars(fast_page)
            expected, got = stock_page.chars, fast_page.chars
            assert len(got) == len(expected), f"page {stock_page.page_number}"
            for index, (want, have) in enumerate(zip(expected, got, strict=True)):
                assert have == want, f"page {stock_page.page_number} char {index}"
                assert list(have) == list(want), "same keys in the same order"
            assert fast_page.rects == stock_page.rects
            stock_page.close()
            fast_page.close()


def test_fast_path_is_used_only_on_the_page_it_is_bound_to():
    with pdfplumber.open(PDFS[0]) as pdf:
        first, second = pdf.pages[0], pdf.pages[1]
        use_fast_chars(first)
        assert "process_object" in vars(first)
        assert "process_object" not in vars(second)
