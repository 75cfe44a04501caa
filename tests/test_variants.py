"""Every corpus source in every layout variant (corpus/render_variants.py),
scored against its golden, written from the source's marks (never from the
extractor): per document, F1, exact text and page accuracy may not fall below
the floors in tests/variant_floor.tsv. Floors only rise
(`python -m tests.score --raise-floors`); they record how far the extractor
has got, not what it should output. A variant PDF re-rendered (its layout
changed) is a new document: the commit that re-renders it sets its row to
its new figures and says which fell.

A variant-document the extractor gets badly wrong is listed with its cause in
tests/variant_known_misses.tsv: a strict xfail that it is right (F1 >= 0.9),
flagged the day it starts to pass.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from tests.score import (
    VARIANT_GOLDEN,
    figures,
    read_floors,
    score_document,
)

ROOT = Path(__file__).resolve().parent.parent
KNOWN_MISSES = ROOT / "tests" / "variant_known_misses.tsv"
GOOD_F1 = 0.9
GOLDENS = sorted(VARIANT_GOLDEN.glob("*.json"))


def known_misses() -> dict[str, str]:
    """document -> reason, from tests/variant_known_misses.tsv."""
    if not KNOWN_MISSES.exists():
        return {}
    rows = [line.split("\t", 1) for line in KNOWN_MISSES.read_text().splitlines()[1:]]
    return {row[0]: row[1] for row in rows if len(row) == 2}


@functools.cache
def scored(name: str) -> dict:
    """One variant golden scored once per test session (extraction in-process)."""
    return score_document(VARIANT_GOLDEN / f"{name}.json")


def differences(record: dict) -> str:
    """The items missed and found extra, at most five of each, for a message."""
    from tests.score import match_items

    pairs = match_items(record["expected"], record["got"])
    matched_e = {id(e) for e, _ in pairs}
    matched_g = {id(g) for _, g in pairs}
    missed = [e for e in record["expected"] if id(e) not in matched_e][:5]
    extra = [g for g in record["got"] if id(g) not in matched_g][:5]
    wrong = [(e, g) for e, g in pairs if " ".join(e["text"].split()) != g["text"]]
    lines = [f"  missed {e['kind']}: {e['text'][:90]}" for e in missed]
    lines += [f"  extra  {g['kind']}: {g['text'][:90]}" for g in extra]
    lines += [f"  text   {g['kind']}: {g['text'][:90]}" for _, g in wrong[:5]]
    return "\n".join(lines)


@pytest.mark.parametrize("name", [p.stem for p in GOLDENS])
def test_variant_holds_its_floor(name):
    floor = read_floors().get(name)
    if floor is None:
        pytest.skip(
            f"{name}: no floor in tests/variant_floor.tsv yet; "
            "run `python -m tests.score --raise-floors` and commit it"
        )
    record = scored(name)
    now = figures(record["totals"])
    below = [
        f"{field} {now[field]:.3f} < floor {floor[field]:.3f}"
        for field in ("f1", "text", "page")
        if now[field] + 1e-9 < floor[field]
    ]
    assert not below, f"{name}: {'; '.join(below)}\n{differences(record)}"


def known_miss_params():
    present = {p.stem for p in GOLDENS}
    for name, reason in sorted(known_misses().items()):
        if name in present:
            yield pytest.param(
                name, marks=pytest.mark.xfail(strict=True, reason=reason), id=name
            )


@pytest.mark.parametrize("name", list(known_miss_params()))
def test_known_miss_is_still_wrong(name):
    assert figures(scored(name)["totals"])["f1"] >= GOOD_F1
