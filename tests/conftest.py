"""Which tests are slow, in one place: `pytest -m "not slow"` (`make test-fast`)
runs the rest in under a minute, and `make test` runs everything.

A module is slow as a whole when its tests read every corpus PDF, start fresh
interpreters or extraction children, or drive a browser; a test is slow on its
own when it alone takes more than about 2 s (`pytest -m "not slow"
--durations=40` shows the next ones to list). Each entry says why it is slow.
"""

from __future__ import annotations

import pytest

SLOW_MODULES = {
    "test_browser": "drives Datasette in headless chromium",
    "test_devset": "extracts every report of ../shared/dev-set/",
    "test_end_to_end": "ingests corpus PDFs through the real CLI",
    "test_explain": "extracts a corpus report with and without --explain",
    "test_fastchars": "compares every character of every corpus page",
    "test_fuzz": "hypothesis over mutated PDF bytes and page geometry",
    "test_golden": "extracts every corpus PDF",
    "test_hazards": "runs every hazard PDF in an extraction child",
    "test_import_tracker": "writes and imports spreadsheets of every golden item",
    "test_imports": "imports each command in a fresh interpreter",
    "test_isolate": "starts extraction children to hit deadlines and memory caps",
    "test_items_fuzz": "hypothesis over block sequences",
    "test_layout_fuzz": "hypothesis over page records",
    "test_lightspacy": "imports spaCy in fresh interpreters",
    "test_variants": "extracts every corpus source in every layout variant",
}
# "module::test" (all its parameters): the tests that, measured with
# `pytest -m "not slow" --durations=0` on the 2-core machine, took 2-5 s each
# and together held the quick run over a minute.
SLOW_TESTS = {
    "test_dedupe::test_fast_best_match_is_the_exhaustive_match": (
        "scores every pair against the exhaustive reference"
    ),
    "test_docx::test_hmic_extract_reads_a_docx": "runs hmic extract in a process",
    "test_docx::test_seed_committee_paper_docx_gives_the_same_items_as_its_pdf": (
        "extracts the seed committee paper as .docx and as PDF"
    ),
    "test_ingest::test_killed_ingest_leaves_no_extraction_child": (
        "kills a real ingest and waits for its children"
    ),
    "test_ingest::test_linking_on_golden_corpus_finds_known_repeats": (
        "links the items of every golden file"
    ),
    "test_ingest::test_status_edit_during_an_ingest_is_kept": (
        "edits a status while a real ingest runs"
    ),
    "test_nlp::test_skipping_finds_the_same_spans_in_corpus_blocks": (
        "reads the blocks of corpus PDFs"
    ),
    "test_ocr::test_hmic_extract_without_tesseract_gives_one_error_line": (
        "runs hmic extract in a process"
    ),
}


def slow_reason(item: pytest.Item) -> str | None:
    module = item.path.stem
    test = f"{module}::{getattr(item, 'originalname', item.name)}"
    return SLOW_MODULES.get(module) or SLOW_TESTS.get(test)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if slow_reason(item) is not None:
            item.add_marker(pytest.mark.slow)
