"""The only module that imports pdfplumber: a PDF path in, plain page records out.

Each page is read once: words (with font name and size, so a superscript
footnote marker or a bold label is a word of its own) and filled rectangles
(shaded boxes, table cells); then the page is closed, which keeps memory flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from .errors import DamagedPdf, EncryptedPdf, NoPages, NotAPdf

WORD_KEYS = ("text", "x0", "x1", "top", "bottom", "doctop", "fontname", "size")
RECT_KEYS = ("x0", "x1", "top", "bottom", "fill", "non_stroking_color")


def page_to_record(page, page_number: int) -> dict:
    """One pdfplumber page -> {"page_number", "width", "height", "words", "rects"}."""
    words = page.extract_words(
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["fontname", "size"],
    )
    return {
        "page_number": page_number,
        "width": float(page.width),
        "height": float(page.height),
        "words": [
            {k: w[k] for k in WORD_KEYS} | {"upright": w.get("upright", True)}
            for w in words
        ],
        "rects": [{k: r.get(k) for k in RECT_KEYS} for r in page.rects],
    }


def iter_pages(path: str | Path) -> Iterator[dict]:
    """Yield one record per page of the PDF at `path`, in order.

    Raises NotAPdf, EncryptedPdf, DamagedPdf or NoPages.
    """
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF" not in head:
        raise NotAPdf(f"starts with {head[:8]!r}")
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise EncryptedPdf() from exc
        raise DamagedPdf(str(cause)) from exc
    with pdf:
        if not pdf.pages:
            raise NoPages()
        for index, page in enumerate(pdf.pages, start=1):
            try:
                yield page_to_record(page, index)
            finally:
                page.close()
