"""A PDF or Word (.docx) path in, the report document of contract §1 out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import pdf


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_report(path: str | Path) -> dict:
    """Read the PDF or .docx at `path` and return {"source", "report", "items"}
    (contract §1).

    Raises an ExtractError subclass on bad input.
    """
    if Path(path).suffix.lower() == ".docx":
        return extract_docx(path)
    # Filled in by the layout/matching stages; see extract/layout.py, items.py.
    from .items import blocks_to_items
    from .layout import pages_to_blocks
    from .metadata import blocks_to_report

    read = [0]

    def counted(pages):
        for read[0], page in enumerate(pages, start=1):
            yield page

    # Pages stream through: layout keeps each page's lines, not its words.
    blocks = pages_to_blocks(counted(pdf.iter_pages(path)))
    report = blocks_to_report(blocks)
    items = blocks_to_items(blocks, report)
    return {
        "source": {
            "path": str(path),
            "sha256": file_sha256(path),
            "pages": read[0],
        },
        "report": report,
        "items": items,
    }


def extract_docx(path: str | Path) -> dict:
    """The report document of the Word paper at `path` (extract/docx.py).

    `source.pages` counts the pages Word laid out when it last saved the
    file, else the pages its typed breaks start; an item's page is Word's
    page where Word saved its layout, else null (the file has no pages).
    """
    from .docx import read_docx
    from .items import blocks_to_items
    from .metadata import blocks_to_report

    word = read_docx(path)
    report = blocks_to_report(word.blocks)
    items = blocks_to_items(word.blocks, report)
    if not word.is_paginated:
        items = [item | {"page": None} for item in items]
    return {
        "source": {"path": str(path), "sha256": file_sha256(path), "pages": word.pages},
        "report": report,
        "items": items,
    }
