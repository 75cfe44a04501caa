"""The benchmark set: the corpus PDFs plus long reports built under output/bench/.

    python -m tests.bench_data      # build (or reuse) the long PDFs and print them

A long report is the bodies of several corpus sources laid end to end and
rendered by one producer, so its pages look like the corpus's. LibreOffice's
kerned text (one TJ array per few letters) is the slow, realistic case, so
both long reports go through corpus/render_docx.py. A one-page reportlab PDF
measures start-up. Each PDF is cached beside a key (a hash of the sources and
renderers); it is rebuilt only when the key changes.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
BENCH_DIR = ROOT / "output" / "bench"
RENDERERS = ("build.py", "render_reportlab.py", "render_docx.py")


@dataclass(frozen=True)
class LongReport:
    """A long benchmark PDF: corpus source stems, concatenated `repeats` times."""

    stem: str
    producer: str  # reportlab | docx (LibreOffice)
    sources: tuple[str, ...]
    repeats: int = 1


LONG_REPORTS = (
    # 20 + 17 + 10 pages in the corpus: about 45 once concatenated.
    LongReport(
        "long-040-libreoffice",
        "docx",
        (
            "child-protection-west-midlands-2014",
            "custody-joint-west-midlands-2017",
            "committee-update-2017-06-08",
        ),
    ),
    # (20 + 17 + 15) x 3 pages: about 160.
    LongReport(
        "long-150-libreoffice",
        "docx",
        (
            "child-protection-west-midlands-2014",
            "custody-joint-west-midlands-2017",
            "stalking-thematic-2017",
        ),
        repeats=3,
    ),
)

ONE_PAGE_STEM = "one-page-reportlab"
ONE_PAGE_SOURCE = """---
stem: one-page-reportlab
producer: reportlab
title: "Benchmark: a one-page report"
published: 2017-03-02
inspectorates: [HMIC]
force: West Midlands Police
kind: inspection
header: "Benchmark"
footer: "HMIC"
---
# A one-page report
[filler 2]
## Recommendation
<item kind=recommendation id=r1 number=1>
1. {{Recommendation 1: }}The force should review its approach to call handling.
</item>
"""


def source_text(stem: str) -> str:
    return (CORPUS_DIR / "src" / f"{stem}.hmic").read_text("utf-8")


def long_report_source(spec: LongReport):
    """LongReport -> one corpus.build Source whose blocks are its sources' bodies.

    Each source is parsed on its own (item ids repeat between sources), and
    the first one's front matter heads the result, in one column.
    """
    from corpus.build import Source, parse_source

    parsed = [parse_source(source_text(stem), stem) for stem in spec.sources]
    blocks = tuple(block for source in parsed for block in source.blocks)
    meta = parsed[0].meta | {
        "stem": spec.stem,
        "producer": spec.producer,
        "title": f"Benchmark: {spec.stem}",
        "columns": 1,
    }
    return Source(meta=meta, blocks=blocks * spec.repeats)


def cache_key(texts: list[str]) -> str:
    """The hash of a PDF's inputs: its source texts and the renderers' code."""
    digest = hashlib.sha256()
    for text in [*texts, *((CORPUS_DIR / n).read_text("utf-8") for n in RENDERERS)]:
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()


def build_cached(stem: str, key: str, make_source, bench_dir: Path) -> Path:
    """bench_dir/<stem>.pdf, rendered from make_source() unless its key matches."""
    from corpus.build import render

    pdf_path = bench_dir / f"{stem}.pdf"
    key_path = bench_dir / f"{stem}.key"
    if pdf_path.exists() and key_path.exists() and key_path.read_text() == key:
        return pdf_path
    bench_dir.mkdir(parents=True, exist_ok=True)
    print(f"building {pdf_path.relative_to(ROOT)}", file=sys.stderr)
    render(make_source(), pdf_path)
    key_path.write_text(key)
    return pdf_path


def build_long_reports(bench_dir: Path = BENCH_DIR) -> list[Path]:
    """Build (or reuse) every LONG_REPORTS PDF; returns their paths."""
    paths = []
    for spec in LONG_REPORTS:
        texts = [repr(spec), *(source_text(stem) for stem in spec.sources)]
        paths.append(
            build_cached(
                spec.stem,
                cache_key(texts),
                lambda spec=spec: long_report_source(spec),
                bench_dir,
            )
        )
    return paths


def build_one_page(bench_dir: Path = BENCH_DIR) -> Path:
    """Build (or reuse) the one-page PDF that start-up is measured on."""
    from corpus.build import parse_source

    return build_cached(
        ONE_PAGE_STEM,
        cache_key([ONE_PAGE_SOURCE]),
        lambda: parse_source(ONE_PAGE_SOURCE, ONE_PAGE_STEM),
        bench_dir,
    )


def corpus_pdfs() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.pdf"))


def benchmark_set() -> list[Path]:
    """The corpus PDFs and the long reports (built if missing), in that order."""
    return [*corpus_pdfs(), *build_long_reports()]


def main() -> int:
    import pdfplumber

    for path in [*build_long_reports(), build_one_page()]:
        with pdfplumber.open(path) as pdf:
            print(f"{path.relative_to(ROOT)}\t{len(pdf.pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
