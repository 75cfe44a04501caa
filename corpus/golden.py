"""The golden file of a built corpus PDF (contract §1), from its source's marks.

The item texts come from the `.hmic` marks (corpus/source.py), never from the
extractor; only each item's page is read back from the built PDF, by finding
its first words in poppler's `pdftotext` output.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

from corpus.source import Source


class ItemNotFound(RuntimeError):
    """An item's first words could not be found in the built PDF."""


def normalise_token(token: str) -> str:
    return re.sub(r"[\W_]+", "", token).lower()


def page_texts_to_tokens(page_texts: list[str]) -> list[tuple[str, int]]:
    """Page texts -> [(token, page_number)], line-end hyphens joined.

    Tokens are lower-case letters and digits only, so 'ex-' + 'partners'
    and 'ex-partners' both become 'expartners', and bullet glyphs vanish.
    """
    tokens = []
    for page_number, text in enumerate(page_texts, start=1):
        # Chromium prints a soft hyphen it breaks at as U+00AD then U+2010.
        text = re.sub(r"[-\u00ad\u2010]+\s*\n\s*", "-", text)
        for raw in text.split():
            token = normalise_token(raw)
            if token:
                tokens.append((token, page_number))
    return tokens


def find_probe(
    tokens: list[tuple[str, int]],
    probe: str,
    start: int,
    max_gap: int = 14,
    taken: frozenset = frozenset(),
):
    """Index in tokens where the probe's words start (at or after start), or None.

    First an exact run of tokens; then the words in order with at most
    `max_gap` other tokens between them (table cells interleave lines).
    Indexes in `taken` (where earlier items start) are passed over: two
    items with the same first words ("By 31 July 2023, the brigade should:")
    do not start at one place.
    """
    words = [w for w in (normalise_token(t) for t in probe.split()) if w]
    if not words:
        return None
    texts = [t for t, _ in tokens]
    for index in range(start, len(texts) - len(words) + 1):
        if texts[index : index + len(words)] == words and index not in taken:
            return index
    for index in range(start, len(texts)):
        if texts[index] != words[0] or index in taken:
            continue
        position, ok = index, True
        for word in words[1:]:
            window = texts[position + 1 : position + 2 + max_gap]
            if word not in window:
                ok = False
                break
            position += 1 + window.index(word)
        if ok:
            return index
    return None


def marks_to_items(marks, tokens, name: str) -> list[dict]:
    """Marks (source order) + PDF tokens -> contract §1 items, `same` ones dropped."""
    items: list[dict] = []
    index_of: dict[str, int] = {}
    cursor = 0
    starts: set[int] = set()
    for mark in marks:
        attrs = mark.attrs
        if "same" in attrs:
            if "id" in attrs:
                index_of[attrs["id"]] = index_of[attrs["same"]]
            continue
        found = find_probe(tokens, mark.probe, cursor)
        if found is None:
            found = find_probe(tokens, mark.probe, 0, taken=frozenset(starts))
        if found is None:
            raise ItemNotFound(
                f"{name}: line {mark.line}: the item's first words "
                f"{mark.probe!r} are not in the PDF text"
            )
        cursor = found + 1
        starts.add(found)
        if "id" in attrs:
            index_of[attrs["id"]] = len(items)
        parent = attrs.get("parent")
        items.append(
            {
                "kind": attrs["kind"],
                "number": attrs.get("number"),
                "text": mark.text,
                "page": tokens[found][1],
                "source_report": attrs.get("source_report"),
                "status": attrs.get("status"),
                "parent": index_of[parent] if parent else None,
            }
        )
    return items


def meta_to_report(meta: dict) -> dict:
    published = meta.get("published")
    return {
        "title": meta["title"],
        "published": str(published) if published else None,
        "inspectorates": list(meta.get("inspectorates") or []),
        "force": meta.get("force"),
        "kind": meta.get("kind", "inspection"),
    }


def golden_document(
    source: Source, page_texts: list[str], sha256: str, pdf_name: str | None = None
) -> dict:
    """Source + the built PDF's page texts and hash -> the golden document.

    `pdf_name` is the PDF's path from the repository root (default
    corpus/<stem>.pdf; a layout variant's is under tests/variants/)."""
    tokens = page_texts_to_tokens(page_texts)
    return {
        "source": {
            "path": pdf_name or f"corpus/{source.stem}.pdf",
            "sha256": sha256,
            "pages": len(page_texts),
        },
        "report": meta_to_report(source.meta),
        "items": marks_to_items(source.marks, tokens, f"corpus/src/{source.stem}.hmic"),
    }


def dump_golden(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def pdf_to_page_texts(pdf_path: Path) -> list[str]:
    """PDF -> one text per page (poppler's pdftotext, reading order)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    pages = result.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
