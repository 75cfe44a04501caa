"""Score the extractor against the golden files: per-kind precision and recall,
text and page accuracy of matched items; then F1 per layout variant and per
document family, so a rule that works for one layout only shows at once.
Prints tables; asserts nothing (tests/test_variants.py holds the floors).

    .venv/bin/python -m tests.score [STEM ...]        # corpus + every variant
    .venv/bin/python -m tests.score --base-only [STEM ...]   # corpus PDFs only
    .venv/bin/python -m tests.score --raise-floors    # raise tests/variant_floor.tsv

A variant is one corpus source re-set in another layout (corpus/render_variants.py):
tests/variants/<stem>--<variant>.pdf with its golden under tests/golden/variants/,
both written from the source's marks, never from the extractor.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
VARIANT_GOLDEN = GOLDEN / "variants"
SOURCES = ROOT / "corpus" / "src"
FLOORS = ROOT / "tests" / "variant_floor.tsv"
KINDS = ("recommendation", "area_for_improvement", "cause_of_concern")
BASE = "base"  # the corpus PDF as its source's own producer printed it

# Families by what the stem names (first match wins); a source's front matter
# may name its own with `family:`.
FAMILY_RULES = (
    ("tracker-table", "tracker-table"),
    ("tracker", "tracker"),
    ("committee-update", "tracker"),
    ("pcc-response", "pcc-response"),
    ("portal", "portal"),
    ("revisit", "letter"),
    ("accelerated", "letter"),
    ("child-protection", "child-protection"),
    ("joint-cp", "child-protection"),
    ("custody", "custody"),
    ("joint", "joint"),
    ("peel", "peel"),
    ("fire", "fire"),
    ("cdi", "crime-data"),
    ("crime-data", "crime-data"),
    ("thematic", "thematic"),
    ("everyones-business", "thematic"),
)


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


def empty_totals() -> dict:
    return {k: dict(expected=0, found=0, matched=0, text=0, page=0) for k in KINDS}


def items_to_totals(expected: list[dict], got: list[dict]) -> dict:
    """Per kind: expected, found, matched, text right, page right."""
    totals = empty_totals()
    for kind in KINDS:
        totals[kind]["expected"] = sum(i["kind"] == kind for i in expected)
        totals[kind]["found"] = sum(i["kind"] == kind for i in got)
    for e, g in match_items(expected, got):
        t = totals[e["kind"]]
        t["matched"] += 1
        t["text"] += normalise(e["text"]) == normalise(g["text"])
        t["page"] += e["page"] == g["page"]
    return totals


def add_totals(into: dict, more: dict) -> dict:
    for kind in KINDS:
        for name, value in more[kind].items():
            into[kind][name] += value
    return into


def figures(totals: dict, kinds=KINDS) -> dict:
    """Totals (of some kinds) -> P, R, F1 and text / page accuracy of matches.

    Nothing expected and nothing found is a perfect score (F1 1.0)."""
    t = {n: sum(totals[k][n] for k in kinds) for n in empty_totals()[KINDS[0]]}
    p = t["matched"] / t["found"] if t["found"] else 1.0
    r = t["matched"] / t["expected"] if t["expected"] else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    m = t["matched"]
    return {
        **t,
        "p": p,
        "r": r,
        "f1": f1,
        "text": t["text"] / m if m else 1.0,
        "page": t["page"] / m if m else 1.0,
    }


def split_name(name: str) -> tuple[str, str]:
    """'peel-2023-kent--dense' -> ('peel-2023-kent', 'dense'); a corpus stem -> base."""
    stem, _, variant = name.partition("--")
    return stem, variant or BASE


def family_of(stem: str) -> str:
    """A document family: the source's `family:` front matter, else by its stem."""
    path = SOURCES / f"{stem}.hmic"
    if path.exists():
        text = path.read_text("utf-8")
        front = text.split("\n---", 1)[0].lstrip("-\n")
        family = (yaml.safe_load(front) or {}).get("family")
        if family:
            return str(family)
    bare = re.sub(r"^(holdout\d*|fam)-", "", stem)
    return next((f for word, f in FAMILY_RULES if word in bare), bare.split("-")[0])


def golden_paths(stems: list[str], base: bool = True, variants: bool = True):
    """Golden files of the named stems (all when none), corpus then variants."""
    paths = sorted(GOLDEN.glob("*.json")) if base else []
    if variants:
        paths += sorted(VARIANT_GOLDEN.glob("*.json"))
    return [p for p in paths if not stems or split_name(p.stem)[0] in stems]


def pdf_of(golden: dict) -> Path:
    return ROOT / golden["source"]["path"]


def score_document(golden_path: Path, extract=None) -> dict:
    """One golden file -> its name, stem, variant, family, totals, pages, seconds."""
    if extract is None:
        from extract.report import extract_report as extract
    expected = json.loads(golden_path.read_text("utf-8"))
    started = time.perf_counter()
    got = extract(pdf_of(expected))
    seconds = time.perf_counter() - started
    stem, variant = split_name(golden_path.stem)
    return {
        "name": golden_path.stem,
        "stem": stem,
        "variant": variant,
        "family": family_of(stem),
        "totals": items_to_totals(expected["items"], got["items"]),
        "expected": expected["items"],
        "got": got["items"],
        "pages": got["source"]["pages"],
        "seconds": seconds,
    }


def score(stems: list[str]) -> dict:
    """Totals per kind over the corpus PDFs: expected, found, matched, text, page."""
    records = [score_document(p) for p in golden_paths(stems, variants=False)]
    return {
        "kinds": sum_totals(records),
        "pages": sum(r["pages"] for r in records),
        "seconds": sum(r["seconds"] for r in records),
    }


def sum_totals(records: list[dict]) -> dict:
    totals = empty_totals()
    for record in records:
        add_totals(totals, record["totals"])
    return totals


def kind_table(totals: dict) -> list[str]:
    lines = [f"{'kind':24} {'P':>6} {'R':>6} {'F1':>6} {'text':>6} {'page':>6}  (n)"]
    for kind in KINDS:
        f = figures(totals, (kind,))
        lines.append(
            f"{kind:24} {f['p']:6.3f} {f['r']:6.3f} {f['f1']:6.3f} {f['text']:6.3f} "
            f"{f['page']:6.3f}  ({f['expected']} expected, {f['found']} found)"
        )
    return lines


def group_table(records: list[dict], by: str, title: str) -> list[str]:
    """One line per group (variant or family): documents, P, R, F1, text, page."""
    groups = defaultdict(list)
    for record in records:
        groups[record[by]].append(record)
    lines = [
        f"{title:18} {'docs':>4} {'P':>6} {'R':>6} {'F1':>6} {'text':>6} "
        f"{'page':>6}  {'worst document (F1)'}"
    ]
    order = sorted(groups, key=lambda g: (g != BASE, g))
    for group in order:
        members = groups[group]
        f = figures(sum_totals(members))
        worst = min(members, key=lambda r: (figures(r["totals"])["f1"], r["name"]))
        lines.append(
            f"{group:18} {len(members):4} {f['p']:6.3f} {f['r']:6.3f} {f['f1']:6.3f} "
            f"{f['text']:6.3f} {f['page']:6.3f}  {worst['name']} "
            f"({figures(worst['totals'])['f1']:.3f})"
        )
    return lines


def matrix_table(records: list[dict]) -> list[str]:
    """F1 per family (rows) and variant (columns)."""
    variants = sorted({r["variant"] for r in records}, key=lambda v: (v != BASE, v))
    cells = defaultdict(list)
    for record in records:
        cells[(record["family"], record["variant"])].append(record)
    width = max(6, *(len(v) for v in variants))
    lines = [f"{'F1':18} " + " ".join(f"{v:>{width}}" for v in variants)]
    for family in sorted({r["family"] for r in records}):
        row = []
        for variant in variants:
            members = cells.get((family, variant))
            value = f"{figures(sum_totals(members))['f1']:.3f}" if members else "-"
            row.append(f"{value:>{width}}")
        lines.append(f"{family:18} " + " ".join(row))
    return lines


def round_down(value: float) -> float:
    return math.floor(value * 1000 + 1e-9) / 1000


def read_floors(path: Path = FLOORS) -> dict[str, dict]:
    """tests/variant_floor.tsv -> {document: {"f1": x, "text": y, "page": z}}."""
    if not path.exists():
        return {}
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split("\t")
    floors = {}
    for line in lines[1:]:
        if line.strip() and not line.startswith("#"):
            row = dict(zip(header, line.split("\t"), strict=True))
            floors[row["document"]] = {n: float(row[n]) for n in ("f1", "text", "page")}
    return floors


def raise_floors(records: list[dict], path: Path = FLOORS) -> int:
    """Write today's figures where they beat the recorded floor (never lower
    one); returns how many rows changed. Floors are what the extractor must
    not fall below, not what it should output: goldens come from the marks."""
    floors = read_floors(path)
    changed = 0
    for record in records:
        if record["variant"] == BASE:
            continue
        f = figures(record["totals"])
        now = {n: round_down(f[n]) for n in ("f1", "text", "page")}
        old = floors.get(record["name"])
        new = now if old is None else {n: max(old[n], now[n]) for n in now}
        changed += new != old
        floors[record["name"]] = new
    body = [
        f"{name}\t{v['f1']:.3f}\t{v['text']:.3f}\t{v['page']:.3f}"
        for name, v in sorted(floors.items())
    ]
    path.write_text("\n".join(["document\tf1\ttext\tpage", *body]) + "\n", "utf-8")
    return changed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.score", description=__doc__)
    parser.add_argument("stems", nargs="*", metavar="STEM")
    parser.add_argument("--base-only", action="store_true", help="no layout variants")
    parser.add_argument(
        "--raise-floors",
        action="store_true",
        help="raise tests/variant_floor.tsv to today's figures (never lowers one)",
    )
    args = parser.parse_args(argv)
    paths = golden_paths(args.stems, variants=not args.base_only)
    records = [score_document(p) for p in paths]
    base = [r for r in records if r["variant"] == BASE]
    variants = [r for r in records if r["variant"] != BASE]
    print("corpus PDFs (each source in its own producer's layout)")
    print("\n".join(kind_table(sum_totals(base))))
    if variants:
        print("\nlayout variants, all together")
        print("\n".join(kind_table(sum_totals(variants))))
        print()
        print("\n".join(group_table(records, "variant", "variant")))
    print()
    print("\n".join(group_table(records, "family", "family")))
    if variants:
        print()
        print("\n".join(matrix_table(records)))
    pages = sum(r["pages"] for r in records)
    seconds = sum(r["seconds"] for r in records) or 1e-9
    print(
        f"\n{len(records)} PDFs, {pages} pages in {seconds:.1f} s: "
        f"{pages / seconds:.1f} pages/s (in-process, one core)"
    )
    if args.raise_floors:
        print(
            f"{raise_floors(records)} floor rows written to {FLOORS.relative_to(ROOT)}"
        )


if __name__ == "__main__":
    main()
