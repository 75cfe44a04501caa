"""What an extraction worker of extract/isolate.py runs for `hmic extract` and
`hmic ingest`: the report pipeline, with its warnings kept in the document.

isolate.py names this function as "extract.child:extract_with_warnings" and
the worker imports it there, so isolate.py itself imports none of the
pipeline; extract/preload.py imports this module into the fork server.
"""

from __future__ import annotations

import warnings

from .errors import ExtractWarning, NoTextLayer
from .ocr import extract_scanned
from .report import extract_report


def extract_with_warnings(path: str) -> dict:
    """extract_report(path), with ExtractWarnings kept in an optional "warnings" list.

    A PDF with no text layer is read again through OCR (extract/ocr.py), here
    in the worker, so the deadline and the memory cap cover tesseract too;
    where OCR cannot run, NoTextLayer says what to install. Any other warning
    is dropped rather than printed: stderr belongs to the CLI. The warnings
    are caught per call, so none is carried from one file to the next.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExtractWarning)
        try:
            document = extract_report(path)
        except NoTextLayer as no_text:
            document = extract_scanned(path, no_text)
    found = [str(w.message) for w in caught if issubclass(w.category, ExtractWarning)]
    merged = list(dict.fromkeys([*document.get("warnings", []), *found]))
    return document | {"warnings": merged} if merged else document
