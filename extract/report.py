"""A PDF or Word (.docx) path in, the report document of contract §1 out.

The steps are the same for every source: blocks (from pages, or from Word's
paragraphs), the report's metadata read from them, then its items. OCR
(extract/ocr.py) and `--explain` (extract/explain.py) use these functions
rather than repeating them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import pdf
from .blocks import Block
from .digest import file_sha256
from .docx import read_docx
from .items import blocks_to_items
from .layout import pages_to_blocks
from .metadata import blocks_to_report

__all__ = [
    "Blocks",
    "extract_report",
    "file_sha256",
    "pages_to_document",
    "read_blocks",
]


@dataclass(frozen=True)
class Blocks:
    """A source's blocks in reading order; `pages` is how many pages it has,
    and `paginated` whether its blocks' pages are real (a .docx that Word
    never laid out has none)."""

    blocks: list[Block]
    pages: int
    paginated: bool = True


def is_docx(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ".docx"


def read_blocks(path: str | Path) -> Blocks:
    """The blocks of the PDF or .docx at `path`. Raises an ExtractError subclass
    on bad input."""
    if is_docx(path):
        word = read_docx(path)
        return Blocks(word.blocks, word.pages, word.is_paginated)
    return pages_to_blocks_counted(pdf.iter_pages(path))


def pages_to_blocks_counted(pages: Iterable[dict]) -> Blocks:
    """pages_to_blocks over a stream of page records, counting the pages.

    Pages stream through: layout keeps each page's lines, not its words."""
    read = [0]

    def counted(pages: Iterable[dict]) -> Iterator[dict]:
        for read[0], page in enumerate(pages, start=1):
            yield page

    blocks = pages_to_blocks(counted(pages))
    return Blocks(blocks, read[0])


def blocks_to_document(source: Blocks, path: str | Path, sha256: str | None) -> dict:
    """{"source", "report", "items"} of contract §1 from a source's blocks.

    An item's page is null where the source has no real pages."""
    report = blocks_to_report(source.blocks)
    items = blocks_to_items(source.blocks, report)
    if not source.paginated:
        items = [item | {"page": None} for item in items]
    head = {"path": str(path)} | ({"sha256": sha256} if sha256 else {})
    return {
        "source": head | {"pages": source.pages},
        "report": report,
        "items": items,
    }


def extract_report(path: str | Path) -> dict:
    """Read the PDF or .docx at `path` and return {"source", "report", "items"}
    (contract §1).

    For a .docx, `source.pages` counts the pages Word laid out when it last
    saved the file, else the pages its typed breaks start; an item's page is
    Word's page where Word saved its layout, else null. Raises an
    ExtractError subclass on bad input.
    """
    return blocks_to_document(read_blocks(path), path, file_sha256(path))


def pages_to_document(pages: Iterable[dict], path: str | Path) -> dict:
    """The document of a stream of page records (OCR's typeset pages), with
    no sha256: the caller knows which file they stand for."""
    return blocks_to_document(pages_to_blocks_counted(pages), path, None)
