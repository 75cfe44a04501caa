"""Every PDF in ../shared/pdf-hazards ends as tests/hazards_expected.tsv says.

Each file goes through run_extract's child process (the real report pipeline,
or page reading and its checks alone while the layout modules are missing),
two at a time, with a 90 s deadline per file. The whole run takes about 20 s
on 2 cores, most of it pdfjs__issue12295.pdf; it cannot exceed 15 x 90 s.

A file with no text layer is read through OCR where tesseract is installed
(extract/ocr.py): its outcome is then the TSV's `with_ocr` column, where one
is given (a scan read, with the OCR warning), else `expected`, and without
OCR the error must say what to install.

    .venv/bin/python -m tests.test_hazards    # prints outcome, time and peak memory
"""

import csv
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from extract import isolate, ocr
from extract.errors import REASONS, ExtractError, ExtractWarning, NoTextLayer

REPO = Path(__file__).resolve().parents[1]
HAZARDS = REPO.parent / "shared" / "pdf-hazards"
EXPECTED_TSV = Path(__file__).parent / "hazards_expected.tsv"
DEADLINE_S = 90.0
MEMORY_MIB = 1536
WORKERS = 2

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not HAZARDS.is_dir(), reason=f"no hazard PDFs at {HAZARDS}"),
]


def read_expected(path: Path = EXPECTED_TSV, with_ocr: bool = False) -> dict[str, str]:
    """{file name: "damaged" | "ok 15" | "ok 1 warned"} from the TSV: where
    `with_ocr` and the row has one, its `with_ocr` outcome."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {
            row["file"]: (with_ocr and row["with_ocr"]) or row["expected"]
            for row in csv.DictReader(fh, delimiter="\t")
        }


OCR_AVAILABLE = ocr.is_available()
EXPECTED = read_expected(with_ocr=OCR_AVAILABLE)


def pages_only(path: str) -> dict:
    """The part of the report that extract.pdf decides: pages and warnings."""
    from extract.pdf import iter_pages

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExtractWarning)
        pages = sum(1 for _ in iter_pages(path))
    found = [str(w.message) for w in caught if issubclass(w.category, ExtractWarning)]
    return {"source": {"path": path, "pages": pages}} | (
        {"warnings": found} if found else {}
    )


def pick_target():
    """The whole pipeline if its modules import, else extract.pdf alone."""
    try:
        from extract.items import blocks_to_items  # noqa: F401
        from extract.layout import pages_to_blocks  # noqa: F401
        from extract.metadata import blocks_to_report  # noqa: F401
    except ImportError:
        return pages_only
    return isolate.extract_with_warnings


def run_one(target, path: Path):
    """A ChildRun, or the bug exception (ChildFailed/ChildCrashed) itself."""
    try:
        return isolate._run_in_child(target, path, DEADLINE_S, MEMORY_MIB)
    except Exception as exc:
        return exc


def run_all(names) -> dict:
    target = pick_target()
    with ThreadPoolExecutor(WORKERS) as pool:
        runs = pool.map(lambda name: run_one(target, HAZARDS / name), names)
        return dict(zip(names, runs, strict=True))


def outcome_of(run) -> str:
    """'damaged', 'ok 15', 'ok 1 warned', or 'bug: <exception>'."""
    if isinstance(run, Exception):
        return f"bug: {run}"
    if isinstance(run.outcome, ExtractError):
        return run.outcome.reason
    warned = " warned" if run.outcome.get("warnings") else ""
    return f"ok {run.outcome['source']['pages']}{warned}"


@pytest.fixture(scope="module")
def runs() -> dict:
    return run_all(sorted(EXPECTED))


def test_every_hazard_has_an_expectation():
    on_disk = {p.name for p in HAZARDS.glob("*.pdf")}
    assert on_disk - set(EXPECTED) == set(), "add these to hazards_expected.tsv"
    assert set(EXPECTED) - on_disk == set(), "not in the hazards folder"


def test_expectations_are_reasons_or_page_counts():
    outcomes = [*read_expected().items(), *read_expected(with_ocr=True).items()]
    for name, expected in outcomes:
        words = expected.split()
        is_ok = (
            words[0] == "ok" and words[1].isdigit() and words[2:] in ([], ["warned"])
        )
        assert expected in REASONS or is_ok, f"{name}: {expected!r}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hazard_outcome(runs, name):
    run = runs[name]
    assert outcome_of(run) == EXPECTED[name], getattr(run, "outcome", run)
    if isinstance(run.outcome, ExtractError):
        assert run.outcome.detail, "an error says what is wrong"
    if isinstance(run.outcome, NoTextLayer) and not OCR_AVAILABLE:
        assert "apt-get install tesseract-ocr" in str(run.outcome), (
            "say what to install"
        )
    if isinstance(run.outcome, dict) and run.outcome["source"].get("ocr"):
        assert ocr.OCR_WARNING in run.outcome["warnings"]


def main():
    runs = run_all(sorted(EXPECTED))
    print(f"{'file':<55} {'outcome':<18} {'secs':>6} {'peak MiB':>8}")
    for name, run in runs.items():
        seconds = "" if isinstance(run, Exception) else f"{run.seconds:.2f}"
        peak = getattr(run, "peak_mib", None)
        peak = "" if peak is None else f"{peak:.0f}"
        print(f"{name:<55} {outcome_of(run):<18} {seconds:>6} {peak:>8}")


if __name__ == "__main__":
    main()
