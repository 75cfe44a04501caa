"""Build the corpus: `corpus/src/<stem>.hmic` -> `corpus/<stem>.pdf` + golden JSON.

    python -m corpus.build [--golden-only | --check] [--no-variants | --variants-only]
                           [--variant NAME] [STEM ...]

Each source (format: corpus/FORMAT.md) is parsed once into a `Source`
(corpus/source.py), printed by its producer (corpus/render_*.py) and in every
layout variant (corpus/render_variants.py), and its golden file written from
the same marks (corpus/golden.py). This module only runs those steps, writes
the files and corpus/manifest.tsv, and reports errors per source.

`--check` (run by `make lint`) rebuilds every golden file and the manifest
from the sources and the committed PDFs, writes nothing, and fails naming each
file that differs with a diff, as sqlite-utils' lint runs `cog --check` on
its docs: a golden edited by hand, or a source changed without `make golden`,
is caught before it is committed.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from corpus.golden import (
    ItemNotFound,
    dump_golden,
    golden_document,
    pdf_to_page_texts,
    sha256_of,
)
from corpus.source import PRODUCERS, Source, SourceError, parse_source

CORPUS_DIR = Path(__file__).resolve().parent
SRC_DIR = CORPUS_DIR / "src"
GOLDEN_DIR = CORPUS_DIR.parent / "tests" / "golden"
MANIFEST = CORPUS_DIR / "manifest.tsv"
ROOT = CORPUS_DIR.parent
MAX_DIFF_LINES = 40


def shown(path: Path) -> str:
    """A path as messages print it: from the repository root when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


@dataclass
class Output:
    """Where a built text file goes: written, or with `check` compared with
    the file already there (nothing written); `stale` lists those that differ."""

    check: bool = False
    stale: list[Path] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)

    def put(self, path: Path, text: str) -> None:
        self.seen.add(path)
        if not self.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            return
        old = path.read_text("utf-8") if path.exists() else ""
        if old == text:
            return
        self.stale.append(path)
        name = shown(path)
        diff = list(
            difflib.unified_diff(
                old.splitlines(),
                text.splitlines(),
                f"{name} (committed)",
                f"{name} (rebuilt from its source)",
                n=1,
                lineterm="",
            )
        )
        more = len(diff) - MAX_DIFF_LINES
        tail = [f"... {more} more diff lines"] if more > 0 else []
        print("\n".join(diff[:MAX_DIFF_LINES] + tail), file=sys.stderr)


def render(source: Source, pdf_path: Path) -> None:
    """Render the source with its producer to pdf_path."""
    producer = source.meta.get("producer")
    if producer == "reportlab":
        from corpus.render_reportlab import render_pdf
    elif producer == "docx":
        from corpus.render_docx import render_pdf
    elif producer == "html":
        from corpus.render_html import render_pdf
    else:
        raise SourceError(
            f"{source.stem}: producer={producer!r}; use one of {PRODUCERS}"
        )
    render_pdf(source, pdf_path)


FILLER_RE = re.compile(r"^(\s*\[filler )(\d+)\]", re.MULTILINE)


def read_source(path: Path, max_filler: int | None = None) -> Source:
    """corpus/src/<stem>.hmic -> Source; `max_filler` caps each [filler N]
    (layout variants print less narrative, so the tests read fewer pages)."""
    text = path.read_text(encoding="utf-8")
    if max_filler is not None:
        text = FILLER_RE.sub(lambda m: f"{m[1]}{min(int(m[2]), max_filler)}]", text)
    source = parse_source(text, f"corpus/src/{path.name}")
    if source.stem != path.stem:
        raise SourceError(f"{path}: stem {source.stem!r} differs from the file name")
    return source


def build_one(path: Path, golden_only: bool, out: Output) -> dict:
    """One source file -> PDF (unless golden_only) + golden; returns a manifest row."""
    source = read_source(path)
    pdf_path = CORPUS_DIR / f"{source.stem}.pdf"
    if not golden_only:
        render(source, pdf_path)
    if not pdf_path.exists():
        raise FileNotFoundError(f"{pdf_path}: not built yet; run without --golden-only")
    page_texts = pdf_to_page_texts(pdf_path)
    document = golden_document(source, page_texts, sha256_of(pdf_path))
    out.put(GOLDEN_DIR / f"{source.stem}.json", dump_golden(document))
    return {
        "file": f"corpus/{source.stem}.pdf",
        "producer": source.meta["producer"],
        "pages": str(len(page_texts)),
        "sha256": document["source"]["sha256"],
        "source": f"corpus/src/{path.name}",
        "published": str(source.meta.get("published") or ""),
    }


def build_variant(path: Path, layout, golden_only: bool, out: Output) -> None:
    """One source in one layout variant -> tests/variants/<stem>--<name>.pdf and
    its golden, from the same marks (corpus/render_variants.py)."""
    from corpus.render_variants import (
        VARIANT_GOLDEN_DIR,
        VARIANT_MAX_FILLER,
        VARIANT_PDF_DIR,
        render_variant,
        variant_name,
    )

    source = read_source(path, max_filler=VARIANT_MAX_FILLER)
    name = variant_name(source.stem, layout)
    pdf_path = VARIANT_PDF_DIR / f"{name}.pdf"
    if not golden_only:
        VARIANT_PDF_DIR.mkdir(parents=True, exist_ok=True)
        render_variant(source, layout, pdf_path)
    if not pdf_path.exists():
        raise FileNotFoundError(f"{pdf_path}: not built yet; run without --golden-only")
    document = golden_document(
        source,
        pdf_to_page_texts(pdf_path),
        sha256_of(pdf_path),
        str(pdf_path.relative_to(ROOT)),
    )
    out.put(VARIANT_GOLDEN_DIR / f"{name}.json", dump_golden(document))


def write_manifest(rows: list[dict], out: Output) -> None:
    """Merge rows into corpus/manifest.tsv (one row per file, sorted)."""
    # `published` is the date the inspectorate's web page gives; covers often
    # print only the month, and ingest falls back on this column.
    columns = ("file", "producer", "pages", "sha256", "source", "published")
    existing = {}
    if MANIFEST.exists():
        lines = MANIFEST.read_text("utf-8").splitlines()
        for line in lines[1:]:
            values = line.split("\t")
            if len(values) == len(columns):
                existing[values[0]] = dict(zip(columns, values, strict=True))
    for row in rows:
        existing[row["file"]] = row
    live = {f"corpus/{p.stem}.pdf" for p in SRC_DIR.glob("*.hmic")}
    body = [
        "\t".join(existing[f][c] for c in columns)
        for f in sorted(existing)
        if f in live
    ]
    out.put(MANIFEST, "\n".join(["\t".join(columns), *body]) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.build", description=__doc__)
    parser.add_argument(
        "--golden-only",
        action="store_true",
        help="rewrite goldens from sources + committed PDFs",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="as --golden-only, but write nothing: exit 1 naming (with a diff) "
        "each golden or manifest row that differs from what its source builds",
    )
    parser.add_argument(
        "--no-variants", action="store_true", help="skip the layout variants"
    )
    parser.add_argument(
        "--variants-only", action="store_true", help="build only the layout variants"
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME",
        help="only this layout variant (repeatable; see corpus/render_variants.py)",
    )
    parser.add_argument("stems", nargs="*", metavar="STEM")
    args = parser.parse_args(argv)
    paths = sorted(SRC_DIR.glob("*.hmic"))
    if args.stems:
        paths = [p for p in paths if p.stem in set(args.stems)]
        missing = set(args.stems) - {p.stem for p in paths}
        if missing:
            parser.error(
                f"no source corpus/src/<stem>.hmic for: {', '.join(sorted(missing))}"
            )
    out = Output(check=args.check)
    golden_only = args.golden_only or args.check
    rows, failures = [], 0
    errors = (
        SourceError,
        ItemNotFound,
        FileNotFoundError,
        subprocess.CalledProcessError,
    )
    for path in paths if not args.variants_only else ():
        try:
            rows.append(build_one(path, golden_only, out))
            if not args.check:
                print(f"built {path.stem}", file=sys.stderr)
        except errors as error:
            failures += 1
            print(f"error: {error}", file=sys.stderr)
    if not args.variants_only:
        write_manifest(rows, out)
    if not args.no_variants:
        failures += build_variants(paths, args.variant, golden_only, errors, out)
    if args.check:
        return check_report(out, failures, whole=not (args.stems or args.variant))
    return 1 if failures else 0


def check_report(out: Output, failures: int, whole: bool) -> int:
    """--check: name the stale goldens (and, for a whole run, goldens that no
    source builds any more); 0 when every file is as its source builds it."""
    if whole:
        built = set(GOLDEN_DIR.glob("*.json")) | set(GOLDEN_DIR.glob("variants/*.json"))
        for orphan in sorted(built - out.seen):
            out.stale.append(orphan)
            print(
                f"{shown(orphan)}: no source in corpus/src builds it", file=sys.stderr
            )
    if out.stale:
        names = ", ".join(shown(p) for p in out.stale[:5])
        more = f" and {len(out.stale) - 5} more" if len(out.stale) > 5 else ""
        print(
            f"error: {len(out.stale)} file(s) differ from what corpus/src builds: "
            f"{names}{more}; run `make golden` (or `make corpus` for a changed "
            "layout) and commit the result",
            file=sys.stderr,
        )
    elif not failures:
        print(f"goldens: {len(out.seen)} files rebuild unchanged", file=sys.stderr)
    return 1 if out.stale or failures else 0


def build_variants(
    paths: list[Path], names: list[str], golden_only, errors, out: Output
) -> int:
    """Every source in every layout variant (or those named); returns failures."""
    from corpus.render_variants import VARIANTS

    layouts = [v for v in VARIANTS if not names or v.name in names]
    unknown = set(names) - {v.name for v in VARIANTS}
    if unknown:
        raise SystemExit(f"no layout variant {', '.join(sorted(unknown))}")
    failures = 0
    for layout in layouts:
        for path in paths:
            try:
                build_variant(path, layout, golden_only, out)
                if not out.check:
                    print(f"built {path.stem}--{layout.name}", file=sys.stderr)
            except errors as error:
                failures += 1
                print(f"error: {layout.name}: {error}", file=sys.stderr)
    return failures


if __name__ == "__main__":
    sys.exit(main())
