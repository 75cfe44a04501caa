"""extract/ocr.py: scanned PDFs read through OCR, in the extraction child.

The scanned copies in tests/scanned/ are corpus reports printed to images and
back (corpus/render_scanned.py), scored against the text PDFs' goldens. OCR
reads about a page in 3 s here, so that test is slow and skips without
tesseract; the rest needs no tesseract.

    .venv/bin/python -m tests.test_ocr     # prints F1 and pages/s per scan
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from extract import isolate, ocr
from extract.errors import NoTextLayer
from tests.score import add_totals, empty_totals, figures, items_to_totals

ROOT = Path(__file__).resolve().parent.parent
SCANNED = Path(__file__).parent / "scanned"
GOLDEN = Path(__file__).parent / "golden"
# F1 of each scan against its text PDF's golden, as measured when the scans were
# made: a floor that may only rise (the text PDFs score 0.917, 1.0 and 1.0).
F1_FLOORS = {
    "tracker-table-2018-west-midlands": 0.91,
    "fam-pcc-response-2023-humberside": 1.0,
    "fam-joint-2022-lincolnshire": 0.85,
}
F1_TARGET = 0.90  # issue 15, over the three scans
# The pace (issue 15: 60 s per 20 pages) is printed by `python -m tests.test_ocr`,
# not asserted: tesseract alone takes about 3 s a page here, so the figure is
# at the target on an idle machine and twice it when a neighbour is busy.
# Each scan must still finish within run_extract's default deadline (120 s).


def word(text, x0, x1, top=100.0, bottom=110.0):
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom}


def test_a_bullet_misread_at_a_line_start_is_a_bullet_again():
    words = [word("e", 60, 65), word("school", 80, 110), word("nurses", 113, 140)]
    assert [w["text"] for w in ocr.words_as_printed(words)] == [
        "•",
        "school",
        "nurses",
    ]
    inside = [word("see", 60, 75), word("e", 78, 83), word("mail", 95, 110)]
    assert [w["text"] for w in ocr.words_as_printed(inside)] == ["see", "e", "mail"]


def test_a_table_rule_read_as_a_bar_is_dropped():
    words = [word("intimate", 60, 90), word("|", 95, 96), word("|partners", 99, 130)]
    assert [w["text"] for w in ocr.words_as_printed(words)] == ["intimate", "partners"]


def test_rules_are_found_in_a_page_image_and_letters_are_not():
    dpi = 100
    image = Image.new("L", (850, 1100), 255)
    draw = ImageDraw.Draw(image)
    for y in (100, 140, 180):  # a table of two rows and two columns
        draw.line([(100, y), (700, y)], fill=0, width=2)
    for x in (100, 400, 700):
        draw.line([(x, 100), (x, 180)], fill=0, width=1)
    draw.text((120, 300), "Hello, little letters", fill=0)
    draw.rectangle([(500, 400), (700, 500)], fill=0)  # a filled cell is no rule
    rules = ocr.image_to_rules(image, dpi)
    across = sorted(r for r in rules if r[2] - r[0] > r[3] - r[1])
    down = sorted(r for r in rules if r[2] - r[0] <= r[3] - r[1])
    assert [round(r[1]) for r in across] == [72, 101, 130]
    assert [round(r[0]) for r in down] == [72, 288, 504]
    assert all(r[1] < 200 for r in rules)


def test_the_document_says_its_text_came_from_ocr():
    document = {
        "source": {"path": "/tmp/ocr.pdf", "pages": 2},
        "report": {},
        "items": [{"text": "x", "confidence": 0.9}, {"text": "y", "confidence": 0.2}],
    }
    scan = SCANNED / "fam-pcc-response-2023-humberside.pdf"
    read = ocr.document_from_ocr(document, scan)
    assert read["source"]["ocr"] is True and read["source"]["path"] == str(scan)
    assert [i["confidence"] for i in read["items"]] == [ocr.OCR_CONFIDENCE, 0.2]
    assert ocr.OCR_WARNING in read["warnings"]


def test_without_tesseract_no_text_layer_says_what_to_install(monkeypatch):
    monkeypatch.setattr(ocr, "missing_for_ocr", lambda: "tesseract")
    with pytest.raises(NoTextLayer, match="apt-get install tesseract-ocr"):
        ocr.extract_scanned("scan.pdf", NoTextLayer("no characters on any of its 1"))


def test_hmic_extract_without_tesseract_gives_one_error_line():
    scan = SCANNED / "fam-pcc-response-2023-humberside.pdf"
    hmic = Path(sys.executable).parent / "hmic"
    result = subprocess.run(
        [str(hmic), "extract", str(scan)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": str(hmic.parent)},  # no tesseract on it
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {scan}: no text layer (scanned?); OCR is not available: no "
        "characters on any of its 4 pages; tesseract is missing (to read scans, "
        "install tesseract: apt-get install tesseract-ocr tesseract-ocr-eng)"
    ]


# --- the scanned copies, through OCR ---------------------------------------------


def read_scan(stem: str) -> dict:
    """The scan's document, read in the extraction child, its F1 and pace."""
    started = time.perf_counter()
    document = isolate.run_extract(SCANNED / f"{stem}.pdf")
    seconds = time.perf_counter() - started
    golden = json.loads((GOLDEN / f"{stem}.json").read_text("utf-8"))
    totals = items_to_totals(golden["items"], document["items"])
    return {"document": document, "totals": totals, "seconds": seconds}


@pytest.fixture(scope="module")
def scans() -> dict:
    return {stem: read_scan(stem) for stem in F1_FLOORS}


needs_ocr = pytest.mark.skipif(
    not ocr.is_available(), reason=f"OCR cannot run: {ocr.missing_for_ocr()} missing"
)


@pytest.mark.slow
@needs_ocr
@pytest.mark.parametrize("stem", sorted(F1_FLOORS))
def test_scanned_copy_holds_its_f1_floor(scans, stem):
    scan = scans[stem]
    source = scan["document"]["source"]
    assert source["ocr"] is True
    assert all(i["confidence"] <= ocr.OCR_CONFIDENCE for i in scan["document"]["items"])
    assert figures(scan["totals"])["f1"] >= F1_FLOORS[stem]


@pytest.mark.slow
@needs_ocr
def test_scanned_copies_reach_the_target_f1(scans):
    totals = empty_totals()
    for scan in scans.values():
        add_totals(totals, scan["totals"])
    assert figures(totals)["f1"] >= F1_TARGET


def main():
    print(f"{'scan':<36} {'pages':>5} {'secs':>6} {'p/s':>5} {'F1':>6} {'text':>5}")
    totals, kinds = [], empty_totals()
    for stem in F1_FLOORS:
        scan = read_scan(stem)
        pages = scan["document"]["source"]["pages"]
        f = figures(scan["totals"])
        print(
            f"{stem:<36} {pages:>5} {scan['seconds']:>6.1f} "
            f"{pages / scan['seconds']:>5.2f} {f['f1']:>6.3f} {f['text']:>5.2f}"
        )
        totals.append((pages, scan["seconds"]))
        add_totals(kinds, scan["totals"])
    pages, seconds = (sum(column) for column in zip(*totals, strict=True))
    print(
        f"{pages} pages in {seconds:.1f} s: {seconds / pages * 20:.0f} s per 20 "
        f"pages; F1 {figures(kinds)['f1']:.3f}"
    )


if __name__ == "__main__":
    main()
