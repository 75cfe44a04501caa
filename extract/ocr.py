"""Scanned PDFs: a text layer made by OCR, then extraction as usual.

A report that exists only as a scan has no characters, so `extract.pdf`
raises NoTextLayer. `extract_scanned` then has ocrmypdf (Debian's
`tesseract-ocr`, English) write a copy of the PDF with a text layer into a
temporary folder, and reads that copy like any other PDF. It runs where
extraction runs, in the child of extract/isolate.py, so the deadline and the
memory cap cover OCR too: tesseract is the child's own child, in its process
group (killed with it) and under its address-space limit.

The document says its text came from OCR (`source.ocr`, an optional field of
contract §1), and its items start at low confidence: OCR misreads a word
here and there, and a table's rules are gone from the scan.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from . import pdf
from .errors import NoTextLayer
from .report import file_sha256, pages_to_document

LANGUAGE = "eng"
INSTALL_HINT = (
    "to read scans, install tesseract: apt-get install tesseract-ocr tesseract-ocr-eng"
)
OCR_CONFIDENCE = 0.3
"""The most confidence an item read from OCR text gets (under 0.5: worth a look)."""
OCR_WARNING = "text read by OCR (tesseract): check the items against the scan"


class OcrFailed(NoTextLayer):
    """OCR could not read the file (ocrmypdf refused it); the reason says why."""

    message = "no text layer (scanned?), and OCR could not read it"


class OcrFoundNoText(NoTextLayer):
    """OCR ran and found no text on any page (blank pages, or no words)."""

    message = "no text layer, and OCR found no text either"


@lru_cache(maxsize=1)
def missing_for_ocr() -> str | None:
    """What OCR lacks here ("tesseract", "ocrmypdf", "tesseract's English"),
    or None when it can run."""
    # found, not imported: importing ocrmypdf patches pdfminer (see run_ocrmypdf)
    if importlib.util.find_spec("ocrmypdf") is None:
        return "the ocrmypdf package"
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return "tesseract"
    try:
        listed = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "a working tesseract"
    return None if LANGUAGE in listed else "tesseract's English (tesseract-ocr-eng)"


def is_available() -> bool:
    """True when a scan can be read here (ocrmypdf, tesseract and its English)."""
    return missing_for_ocr() is None


def extract_scanned(path: str | Path, no_text: NoTextLayer) -> dict:
    """The report document of the scanned PDF at `path`, read through OCR.

    `no_text` is the NoTextLayer that reading it raised: raised again, with
    what to install, when OCR cannot run here; OcrFoundNoText when OCR finds
    no text either.
    """
    missing = missing_for_ocr()
    if missing:
        raise NoTextLayer(f"{no_text.detail}; {missing} is missing ({INSTALL_HINT})")
    with ocr_copy(path, no_text) as text_pdf:
        try:
            document = extract_text_pdf(text_pdf)
        except NoTextLayer as exc:
            raise OcrFoundNoText(no_text.detail) from exc
    return document_from_ocr(document, path)


def extract_text_pdf(path: Path) -> dict:
    """extract_report on the OCR copy, its words set as a text PDF sets them
    (`page_to_typeset`)."""
    return pages_to_document(map(page_to_typeset, pdf.iter_pages(path)), path)


INK_TO_EM = 0.72
"""Tesseract's box of a line of text (ascenders to descenders) over the type
size it was set in: 7.9 pt boxes for 11 pt text (holdout3-joint-cp-2019-norfolk)."""


def page_to_typeset(page: dict, ink_to_em: float = INK_TO_EM, slack=0.15) -> dict:
    """A page of OCR words with the size and box a text PDF would give them.

    ocrmypdf sizes each line's words to the ink tesseract found, so a line
    without descenders is smaller than its neighbours and every line box is
    short: layout would end a paragraph at each line. Each line's size
    becomes its ink height over `ink_to_em`, then the median of the page's
    lines within `slack` of it (one size for one paragraph), and its box that
    size, about the same centre.
    """
    words = words_as_printed(page["words"])
    if not words:
        return page | {"words": words}
    ems = {key: (key[1] - key[0]) / ink_to_em for key in {_line_key(w) for w in words}}
    snapped = {
        key: statistics.median(e for e in ems.values() if abs(e - em) <= slack * em)
        for key, em in ems.items()
    }
    typeset = []
    for word in words:
        top, bottom = _line_key(word)
        size = round(snapped[(top, bottom)], 1)
        shift = (top + bottom) / 2 - size / 2 - word["top"]
        typeset.append(
            word | {"size": size, "top": word["top"] + shift,
                    "bottom": word["top"] + shift + size,
                    "doctop": word.get("doctop", word["top"]) + shift}
        )  # fmt: skip
    return page | {"words": typeset}


RULE_GLYPHS = "|¦"
# What tesseract makes of a round bullet: "e" most often (fam-joint-2022-lincolnshire).
BULLET_MISREADS = {"e", "«", "°", "¢", "©", "@", "*", "»", "+"}


def words_as_printed(words: list[dict]) -> list[dict]:
    """OCR words with a scan's two usual misreadings undone: a table's
    vertical rule read as "|" (dropped; the rule itself is drawn back by
    add_ruling) and a bullet read as "e" or "°" before a gap wider than a
    space at the start of a line (read as "•")."""
    kept = []
    for word in words:
        text = word["text"].strip(RULE_GLYPHS)
        if text:
            kept.append(word | {"text": text} if text != word["text"] else word)
    lines: dict[tuple, list[dict]] = {}
    for word in kept:
        lines.setdefault(_line_key(word), []).append(word)
    bullets = set()
    for line in lines.values():
        line.sort(key=lambda w: w["x0"])
        first = line[0]
        if (
            len(line) > 1
            and first["text"] in BULLET_MISREADS
            and line[1]["x0"] - first["x1"] > 0.6 * (first["bottom"] - first["top"])
        ):
            bullets.add(id(first))
    return [w | {"text": "•"} if id(w) in bullets else w for w in kept]


def _line_key(word: dict) -> tuple[float, float]:
    return (round(word["top"], 1), round(word["bottom"], 1))


@contextmanager
def ocr_copy(path: str | Path, no_text: NoTextLayer) -> Iterator[Path]:
    """A temporary copy of the PDF at `path` with an OCR text layer.

    One page at a time, in threads (jobs=1: the machine is shared and the
    ingest already runs one child per core); plain PDF output, not PDF/A, so
    Ghostscript is not needed. An input ocrmypdf refuses raises NoTextLayer
    with its reason.
    """
    with tempfile.TemporaryDirectory(prefix="hmic-ocr-") as folder:
        output = Path(folder) / "ocr.pdf"
        done = run_ocrmypdf(Path(path), output)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines()
            raise OcrFailed(
                f"{no_text.detail}; ocrmypdf: {lines[-1] if lines else done.returncode}"
            )
        add_ruling(output)
        yield output


RULING_DPI = 300
DARK = 128  # grey levels below it are ink


def add_ruling(path: Path, dpi: int = RULING_DPI) -> None:
    """Draw the scan's table rules into the OCR copy at `path` as lines.

    A scan's table is pixels: without ruling lines pdfplumber finds no
    table, and a tracker's rows become loose paragraphs. Each page is
    rendered (pypdfium2, which ocrmypdf brings), its long straight runs of
    ink found (`image_to_rules`), and each drawn over itself as a thin line.
    """
    import pikepdf
    import pypdfium2

    rendered = pypdfium2.PdfDocument(str(path))
    try:
        rules = [
            image_to_rules(page.render(scale=dpi / 72, grayscale=True).to_pil(), dpi)
            for page in rendered
        ]
    finally:
        rendered.close()
    if not any(rules):
        return
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page, page_rules in zip(pdf.pages, rules, strict=True):
            if page_rules:
                height = float(page.mediabox[3]) - float(page.mediabox[1])
                page.contents_add(
                    pikepdf.Stream(pdf, rules_to_content(page_rules, height))
                )
        pdf.save(path)


def image_to_rules(image, dpi: int, dark: int = DARK) -> list[tuple]:
    """(x0, top, x1, bottom) in points of each horizontal and vertical rule
    on a page image: a run of ink at least a quarter of an inch long (a
    table's rule, not a letter: 11 pt type is about 0.1 inch tall), the runs
    on neighbouring pixel rows (or columns) merged into one rule, and none
    thicker than a twentieth of an inch (a filled cell or box is no rule)."""
    import numpy as np

    ink = np.asarray(image.convert("L")) < dark
    shortest, thickest, scale = dpi // 4, dpi // 20, 72 / dpi
    across = [r for r in merge_runs(runs_of(ink, shortest)) if r[1] - r[0] < thickest]
    down = [r for r in merge_runs(runs_of(ink.T, shortest)) if r[1] - r[0] < thickest]
    return [
        (x0 * scale, y0 * scale, (x1 + 1) * scale, (y1 + 1) * scale)
        for y0, y1, x0, x1 in across
    ] + [
        (x0 * scale, y0 * scale, (x1 + 1) * scale, (y1 + 1) * scale)
        for x0, x1, y0, y1 in down
    ]


def runs_of(ink, shortest: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of at least `shortest` True pixels."""
    import numpy as np

    padded = np.pad(ink, ((0, 0), (1, 1))).astype(np.int8)
    edges = np.diff(padded, axis=1)
    runs = []
    for row in np.flatnonzero(ink.sum(axis=1) >= shortest):
        starts = np.flatnonzero(edges[row] == 1)
        ends = np.flatnonzero(edges[row] == -1)
        runs += [
            (int(row), int(a), int(b) - 1)
            for a, b in zip(starts, ends, strict=True)
            if b - a >= shortest
        ]
    return runs


def merge_runs(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Runs on consecutive rows with the same ends, give or take 2 pixels (a
    rule several pixels thick), as one (first row, last row, start, end)."""
    rules: list[list[int]] = []
    open_rules: list[list[int]] = []
    for row, start, end in sorted(runs):
        open_rules = [r for r in open_rules if r[1] >= row - 1]
        for rule in open_rules:
            if abs(start - rule[2]) <= 2 and abs(end - rule[3]) <= 2 and rule[1] < row:
                rule[1], rule[2], rule[3] = row, min(rule[2], start), max(rule[3], end)
                break
        else:
            rule = [row, row, start, end]
            rules.append(rule)
            open_rules.append(rule)
    return [tuple(rule) for rule in rules]


def rules_to_content(rules: list[tuple], page_height: float) -> bytes:
    """A content stream drawing each rule as a thin black line along its middle."""
    strokes = []
    for x0, top, x1, bottom in rules:
        if x1 - x0 >= bottom - top:  # horizontal
            y = page_height - (top + bottom) / 2
            strokes.append(f"{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l")
        else:
            x, y0, y1 = (x0 + x1) / 2, page_height - top, page_height - bottom
            strokes.append(f"{x:.2f} {y0:.2f} m {x:.2f} {y1:.2f} l")
    return ("q 0 G 0.5 w " + " ".join(strokes) + " S Q").encode()


def document_from_ocr(document: dict, path: str | Path) -> dict:
    """The document read from the OCR copy, as the scan's own: its path and
    sha256, `source.ocr` true, each item's confidence at most OCR_CONFIDENCE
    and a warning saying so."""
    source = document["source"] | {
        "path": str(path),
        "sha256": file_sha256(path),
        "ocr": True,
    }
    items = [
        item | {"confidence": min(item.get("confidence", 1.0), OCR_CONFIDENCE)}
        for item in document["items"]
    ]
    warnings = list(dict.fromkeys([*document.get("warnings", []), OCR_WARNING]))
    return document | {"source": source, "items": items, "warnings": warnings}


def run_ocrmypdf(path: Path, output: Path) -> subprocess.CompletedProcess:
    """ocrmypdf on `path`, writing `output`, in a process of its own.

    Importing ocrmypdf replaces pdfminer's PDFSimpleFont.__init__
    (ocrmypdf/pdfinfo/layout.py) for the whole process, after which pdfminer
    reads some fonts' text as "(cid:80)" codes: this process reads PDFs with
    pdfminer, so ocrmypdf never runs in it. The command is this process's
    child, so the extraction child's deadline and memory cap still cover it;
    tesseract gets one thread (its OpenMP would take every core for a page).
    """
    command = [
        sys.executable, "-m", "ocrmypdf", "--quiet", "--language", LANGUAGE,
        "--output-type", "pdf", "--jobs", "1", "--optimize", "0",
        str(path), str(output),
    ]  # fmt: skip
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(command, capture_output=True, text=True, env=env)
