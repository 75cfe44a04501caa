"""The fast page reader in extract/pdf.py gives exactly what today's path gives.

For every corpus, dev-set and hazard PDF, iter_pages is run twice, once with
read_page_reference (pdfplumber's objects, as before) and once with
read_page_fast (CharRecorder), and everything a caller sees is compared: each
page record field by field, the error raised at the end, and the warnings.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from extract import pdf

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted((REPO / "corpus").glob("*.pdf"))
DEV_SET = sorted((REPO.parent / "shared" / "dev-set").glob("*.pdf"))
HAZARDS = sorted((REPO.parent / "shared" / "pdf-hazards").glob("*.pdf"))
PDFS = [*CORPUS, *DEV_SET, *HAZARDS]

pytestmark = pytest.mark.slow


def outcome(path: Path, read) -> dict:
    """What iter_pages(path, read) gives: records, the error, the warnings."""
    records, error = [], None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            records.extend(pdf.iter_pages(path, read=read))
        except Exception as exc:
            error = (type(exc).__name__, str(exc))
    return {
        "records": records,
        "error": error,
        "warnings": [(w.category.__name__, str(w.message)) for w in caught],
    }


def first_difference(want: list[dict], got: list[dict]) -> str:
    """'page 3 words[17]' for the first field that differs."""
    for want_page, got_page in zip(want, got, strict=False):
        for key in want_page:
            if want_page[key] != got_page.get(key):
                where = f"page {want_page['page_number']} {key}"
                if isinstance(want_page[key], list):
                    pairs = zip(want_page[key], got_page.get(key, []), strict=False)
                    index = next((i for i, (w, g) in enumerate(pairs) if w != g), "")
                    where += f"[{index}]"
                return where
    return f"{len(want)} pages against {len(got)}"


@pytest.mark.parametrize("path", PDFS, ids=[f"{p.parent.name}/{p.stem}" for p in PDFS])
def test_fast_reader_gives_the_reference_records(path):
    want = outcome(path, pdf.read_page_reference)
    got = outcome(path, pdf.read_page_fast)
    if got["records"] != want["records"]:
        pytest.fail(first_difference(want["records"], got["records"]))
    assert [list(r) for r in got["records"]] == [list(r) for r in want["records"]]
    assert got["error"] == want["error"]
    assert got["warnings"] == want["warnings"]


@pytest.mark.parametrize(
    "path", [*CORPUS, *DEV_SET], ids=[p.stem for p in [*CORPUS, *DEV_SET]]
)
def test_fast_reader_needs_no_fallback_on_good_reports(path, monkeypatch):
    """The speed is real only if good files never fall back to the reference."""
    fell_back = []
    reference = pdf.read_page_reference

    def noted(page):
        fell_back.append(page.page_number)
        return reference(page)

    monkeypatch.setattr(pdf, "read_page_reference", noted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in pdf.iter_pages(path):
            pass
    assert fell_back == []


def test_a_failure_in_the_fast_path_is_answered_by_the_reference(monkeypatch):
    def broken(page):
        raise KeyError("a font the fast path did not foresee")

    want = outcome(CORPUS[0], pdf.read_page_reference)
    monkeypatch.setattr(pdf, "load_objects_fast", broken)
    assert outcome(CORPUS[0], pdf.read_page_fast) == want
