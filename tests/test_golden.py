"""Golden-file tests: `extract_report` on each corpus PDF against the expected
JSON written from the marked sources in corpus/src (never from the extractor).

A file the extractor is known to get wrong is listed in
tests/golden_known_misses.tsv with the check it fails (`items`: the items
test; `published`: the publication date) and the reason: it is a strict
xfail, so it is counted, visible, and flagged the day it starts to pass.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from extract.report import extract_report

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
ITEM_FIELDS = ("kind", "number", "text", "page", "parent")
TRACKER_FIELDS = ("status",)
REPORT_FIELDS = ("force", "kind", "inspectorates")


KNOWN_MISSES = ROOT / "tests" / "golden_known_misses.tsv"
CHECKS = ("items", "published")


def known_misses(check: str) -> dict[str, str]:
    """stem -> reason for one check, from tests/golden_known_misses.tsv
    (columns stem, check, reason)."""
    misses = {}
    for number, line in enumerate(KNOWN_MISSES.read_text().splitlines()[1:], 2):
        if not line.strip():
            continue
        stem, named, reason = line.split("\t", 2)
        if named not in CHECKS:
            raise ValueError(
                f"{KNOWN_MISSES.name}:{number}: check {named!r}; use {CHECKS}"
            )
        if named == check:
            misses[stem] = reason
    return misses


def golden_params(check: str = "items") -> list:
    """One param per golden, a strict xfail where that check is a known miss."""
    misses = known_misses(check)
    return [
        pytest.param(
            path.stem,
            marks=[pytest.mark.xfail(strict=True, reason=misses[path.stem])]
            if path.stem in misses
            else [],
            id=path.stem,
        )
        for path in sorted(GOLDEN.glob("*.json"))
    ]


def title_words(title: str) -> set[str]:
    """The words of a title, lower case, without punctuation."""
    return set(re.findall(r"[a-z0-9/]+", title.lower()))


def item_lines(items: list[dict], fields: tuple) -> list[str]:
    """One readable line per item and field, for a unified diff."""
    return [
        f"item {index} {name}: {item.get(name)}"
        for index, item in enumerate(items)
        for name in fields
    ]


@pytest.fixture(scope="module")
def extracted():
    cache: dict[str, dict] = {}

    def get(stem: str) -> dict:
        if stem not in cache:
            cache[stem] = extract_report(ROOT / "corpus" / f"{stem}.pdf")
        return cache[stem]

    return get


@pytest.mark.parametrize("stem", golden_params())
def test_items_match_golden(stem, extracted):
    expected = json.loads((GOLDEN / f"{stem}.json").read_text())
    got = extracted(stem)
    fields = ITEM_FIELDS + (
        TRACKER_FIELDS if expected["report"]["kind"] == "tracker" else ()
    )
    want, have = item_lines(expected["items"], fields), item_lines(got["items"], fields)
    diff = "\n".join(
        difflib.unified_diff(want, have, "golden", "extracted", n=0, lineterm="")
    )
    assert want == have, f"{stem}: items differ\n{diff}"


@pytest.mark.parametrize("stem", [p.stem for p in sorted(GOLDEN.glob("*.json"))])
def test_report_metadata_matches_golden(stem, extracted):
    expected = json.loads((GOLDEN / f"{stem}.json").read_text())["report"]
    got = extracted(stem)["report"]
    for name in REPORT_FIELDS:
        assert got[name] == expected[name], f"{stem}: report.{name}"
    # Covers print a title's parts on several lines, sometimes with a subtitle
    # that the catalogue title leaves out: the catalogue's words must all be there.
    assert title_words(expected["title"]) <= title_words(got["title"]), stem


@pytest.mark.parametrize("stem", golden_params("published"))
def test_published_date_matches_golden(stem, extracted):
    """A golden's date is the one the inspectorate published; a report whose
    cover prints only the month gives none, and that is a miss, listed as one
    (ingest then takes the date from corpus/manifest.tsv)."""
    expected = json.loads((GOLDEN / f"{stem}.json").read_text())["report"]
    got = extracted(stem)["report"]
    assert got["published"] == expected["published"], (
        f"{stem}: published {got['published']!r}, golden {expected['published']!r}"
    )


def test_source_block_names_file_and_pages(extracted):
    stem = sorted(GOLDEN.glob("*.json"))[0].stem
    expected = json.loads((GOLDEN / f"{stem}.json").read_text())["source"]
    got = extracted(stem)["source"]
    assert (got["sha256"], got["pages"]) == (expected["sha256"], expected["pages"])
