"""Score the extractor against the golden files: per-kind precision and recall,
text and page accuracy of matched items. Prints a table; asserts nothing.

    .venv/bin/python -m tests.score [STEM ...]
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from extract.report import extract_report

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
KINDS = ("recommendation", "area_for_improvement", "cause_of_concern")


def normalise(text: str) -> str:
    """White space collapsed, for comparing texts."""
    return re.sub(r"\s+", " ", text).strip()


def key(text: str) -> str:
    """Letters and digits of the first 12 words: which golden item is this?"""
    return " ".join(re.sub(r"[^a-z0-9 ]+", "", text.lower()).split()[:12])


def match_items(expected: list[dict], got: list[dict]) -> list[tuple]:
    """Pairs (expected, got) of the same item, by kind and opening words."""
    from rapidfuzz import fuzz

    pairs, used = [], set()
    for e in expected:
        best, best_score = None, 0
        for index, g in enumerate(got):
            if index in used or g["kind"] != e["kind"]:
                continue
            score = fuzz.ratio(key(e["text"]), key(g["text"]))
            if score > best_score:
                best, best_score = index, score
        if best is not None and best_score >= 80:
            used.add(best)
            pairs.append((e, got[best]))
    return pairs


def score(stems: list[str]) -> dict:
    """Totals per kind: expected, found, matched, text right, page right."""
    totals = {k: dict(expected=0, found=0, matched=0, text=0, page=0) for k in KINDS}
    pages, seconds = 0, 0.0
    for stem in stems:
        expected = json.loads((GOLDEN / f"{stem}.json").read_text())
        started = time.perf_counter()
        got = extract_report(ROOT / "corpus" / f"{stem}.pdf")
        seconds += time.perf_counter() - started
        pages += got["source"]["pages"]
        for kind in KINDS:
            totals[kind]["expected"] += sum(
                i["kind"] == kind for i in expected["items"]
            )
            totals[kind]["found"] += sum(i["kind"] == kind for i in got["items"])
        for e, g in match_items(expected["items"], got["items"]):
            t = totals[e["kind"]]
            t["matched"] += 1
            t["text"] += normalise(e["text"]) == normalise(g["text"])
            t["page"] += e["page"] == g["page"]
    return {"kinds": totals, "pages": pages, "seconds": seconds}


def main(argv: list[str]) -> None:
    stems = argv or sorted(p.stem for p in GOLDEN.glob("*.json"))
    result = score(stems)
    print(f"{'kind':24} {'P':>6} {'R':>6} {'F1':>6} {'text':>6} {'page':>6}  (n)")
    for kind, t in result["kinds"].items():
        p = t["matched"] / t["found"] if t["found"] else 1.0
        r = t["matched"] / t["expected"] if t["expected"] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        m = t["matched"] or 1
        print(
            f"{kind:24} {p:6.3f} {r:6.3f} {f1:6.3f} {t['text'] / m:6.3f} "
            f"{t['page'] / m:6.3f}  ({t['expected']} expected, {t['found']} found)"
        )
    print(
        f"{result['pages']} pages in {result['seconds']:.1f} s: "
        f"{result['pages'] / result['seconds']:.1f} pages/s (in-process, one core)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
