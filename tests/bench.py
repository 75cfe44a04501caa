"""Measure pages per second, memory and start-up; print a table (asserts nothing).

    python -m tests.bench [--runs N] [--top N]      # or: make bench

Every figure comes from the same run on the same files: the corpus PDFs plus
the long reports of tests/bench_data.py (built or reused under output/bench/).
Throughput is the median of N interleaved runs; each figure is printed beside its target
and the load average, since the machine is shared. Not collected by pytest
(no test_ prefix) and not run by CI.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.bench_data import ROOT, benchmark_set, build_one_page, corpus_pdfs

HMIC = ROOT / ".venv" / "bin" / "hmic"
PYTHON = sys.executable
SUMMARY_RE = re.compile(r"loaded (\d+), skipped (\d+), failed (\d+)")

# The targets: ratios to raw pdfplumber pages/s, MiB, seconds.
TARGET_INGEST_1 = 2.5
TARGET_INGEST_2 = 4.0
TARGET_PEAK_MIB = 100
TARGET_WARM_S = 1.0
TARGET_STARTUP_S = 1.5


@dataclass(frozen=True)
class Timing:
    """Median wall seconds of several runs, the pages each run read, and a note."""

    seconds: float | None
    pages: int
    load: float
    note: str = ""

    @property
    def pages_per_s(self) -> float | None:
        return self.pages / self.seconds if self.seconds else None


def load_average() -> float:
    return os.getloadavg()[0]


def median_timing(fn: Callable[[], str], runs: int, pages: int) -> Timing:
    """Run fn `runs` times; fn returns a note ('' when all went well)."""
    return interleaved_timings({"": fn}, runs, pages)[""]


def interleaved_timings(
    measures: dict[str, Callable[[], str]], runs: int, pages: int
) -> dict[str, Timing]:
    """Each run calls every measure once, in turn, so a change in the shared
    machine's load falls on all of them alike; the median run is kept."""
    seconds = {name: [] for name in measures}
    notes = {name: [] for name in measures}
    loads = {name: [] for name in measures}
    for run in range(runs):
        for name, fn in measures.items():
            if name:
                print(f"  run {run + 1}/{runs}: {name}", file=sys.stderr)
            started = time.perf_counter()
            notes[name].append(fn())
            seconds[name].append(time.perf_counter() - started)
            loads[name].append(load_average())
    return {
        name: Timing(
            statistics.median(seconds[name]),
            pages,
            max(loads[name]),
            next((n for n in notes[name] if n), ""),
        )
        for name in measures
    }


# --------------------------------------------------------------------------
# What is measured


def count_pages(paths: list[Path]) -> dict[Path, int]:
    import pdfplumber

    counts = {}
    for path in paths:
        with pdfplumber.open(path) as pdf:
            counts[path] = len(pdf.pages)
    return counts


def raw_extract_words(paths: list[Path]) -> str:
    """pdfplumber alone: open, extract_words on each page, close the page."""
    import pdfplumber

    for path in paths:
        with path.open("rb") as fh:
            pdf = pdfplumber.open(fh)
            for page in pdf.pages:
                page.extract_words()
                page.close()
    return ""


def read_pages(paths: list[Path], reader: str) -> str:
    """extract.pdf.iter_pages with read_page_fast or read_page_reference."""
    import warnings

    from extract import pdf

    read = getattr(pdf, reader)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            for _ in pdf.iter_pages(path, read=read):
                pass
    return ""


def raw_extract_words_parallel(paths: list[Path], processes: int) -> str:
    """raw_extract_words with the files spread over `processes` processes,
    longest first as ingest does: what this machine's cores give pdfplumber
    alone, the ceiling for ingest with as many workers."""
    from concurrent.futures import ProcessPoolExecutor

    longest_first = sorted(paths, key=lambda p: -p.stat().st_size)
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(raw_extract_words, [[path] for path in longest_first]))
    return ""


def extract_in_process(paths: list[Path]) -> str:
    from extract.isolate import tune_gc_for_extraction
    from extract.report import extract_report

    tune_gc_for_extraction()  # as the extraction child does
    for path in paths:
        extract_report(path)
    return ""


def run_quiet(args: list, timeout_s: float = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout_s,
    )


def extract_cli(paths: list[Path]) -> str:
    """`hmic extract` once per file, end to end (start-up included)."""
    failed = [p.name for p in paths if run_quiet([HMIC, "extract", p]).returncode]
    return f"failed: {', '.join(failed)}" if failed else ""


def ingest_cli(paths: list[Path], db_path: Path, workers: int | None) -> str:
    """`hmic ingest --db db_path [--workers N] paths`; '' or what went wrong."""
    args = [HMIC, "ingest", "--db", db_path, *paths]
    if workers:
        args[2:2] = ["--workers", workers]
    result = run_quiet(args)
    summary = SUMMARY_RE.search(result.stderr)
    if summary is None:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return f"not working (exit {result.returncode}: {last[:70]})"
    loaded, skipped, failed = map(int, summary.groups())
    if failed or result.returncode:
        return f"exit {result.returncode}: {summary[0]}"
    return "" if loaded == len(paths) else summary[0]


def ingest_fresh(paths: list[Path], workers: int | None) -> str:
    with tempfile.TemporaryDirectory(prefix="hmic-bench-") as tmp:
        return ingest_cli(paths, Path(tmp) / "register.db", workers)


def warm_reingest(paths: list[Path], runs: int) -> Timing:
    """Ingest `paths` into a fresh db, then time the second ingest of them."""
    seconds, notes, loads = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="hmic-bench-") as tmp:
            db_path = Path(tmp) / "register.db"
            cold = ingest_cli(paths, db_path, None)
            started = time.perf_counter()
            warm = run_quiet([HMIC, "ingest", "--db", db_path, *paths])
            seconds.append(time.perf_counter() - started)
            loads.append(load_average())
            notes.append(cold if cold.startswith("not working") else "")
            if warm.returncode and not notes[-1]:
                notes[-1] = f"exit {warm.returncode}"
    return Timing(
        statistics.median(seconds), 0, max(loads), next(filter(None, notes), "")
    )


PEAK_SCRIPT = """
import json, resource, sys
from extract.nlp import get_nlp
from extract.report import extract_report
get_nlp()  # what a worker has built before its first file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
extract_report(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"imports_mib": before / 1024, "peak_mib": after / 1024}))
"""


def peak_memory(path: Path, one_page: Path) -> dict:
    """ru_maxrss in MiB of processes that extract `path` (and the 1-page file).

    A fresh process reports its figure after the imports and after the file.
    An isolate child (the process an ingest worker forks) shares the fork
    server's preloaded modules; its 1-page figure is the worker's floor.
    """
    figures = {}
    # Through a small intermediate process: Linux carries the forking parent's
    # resident size into the child's ru_maxrss across exec, and this one holds
    # spaCy and has extracted 400 pages.
    result = subprocess.run(
        ["sh", "-c", '"$@"; exit $?', "sh", PYTHON, "-c", PEAK_SCRIPT, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        figures.update(json.loads(result.stdout))
    try:
        from extract.isolate import _run_in_child, extract_with_warnings

        for key, pdf_path in (
            ("isolate_child_mib", path),
            ("isolate_1p_mib", one_page),
        ):
            run = _run_in_child(extract_with_warnings, pdf_path, 600.0, 1536)
            figures[key] = run.peak_mib
    except Exception as exc:  # the figure is optional; the bench asserts nothing
        figures["isolate_error"] = f"{type(exc).__name__}: {exc}"
    return figures


def profile_extract(path: Path, top: int) -> tuple[str, dict[str, float]]:
    """cProfile of one warm extract_report(path): the `top` functions by
    cumulative and by own time, and the share of own time in each package."""
    from extract.report import extract_report

    profiler = cProfile.Profile()
    profiler.runcall(extract_report, path)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    listing = out.getvalue().replace(sysconfig.get_paths()["purelib"] + "/", "")
    return listing.replace(str(ROOT) + "/", ""), own_time_by_package(stats)


PACKAGES = (
    ("pdfminer", "pdfminer (PDF parsing)"),
    ("pdfplumber", "pdfplumber (objects, words)"),
    ("/extract/", "extract/ (ours)"),
    ("spacy", "spaCy + thinc"),
    ("thinc", "spaCy + thinc"),
    ("srsly", "spaCy + thinc"),
    ("/pipeline/", "pipeline/ (ours)"),
    ("site-packages", "other packages"),
    ("~", "C built-ins (isinstance, re, str)"),
    ("/lib/python3", "standard library (logging, re, typing)"),
)


def own_time_by_package(stats: pstats.Stats) -> dict[str, float]:
    """pstats -> {package label: share of all own (tottime) seconds}."""
    shares: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        label = next((name for key, name in PACKAGES if key in filename), "other")
        shares[label] = shares.get(label, 0.0) + tottime
    total = sum(shares.values()) or 1.0
    return {k: v / total for k, v in sorted(shares.items(), key=lambda kv: -kv[1])}


# --------------------------------------------------------------------------
# Printing


def rate(timing: Timing) -> str:
    value = timing.pages_per_s
    return f"{value:6.1f}" if value else "     -"


def ratio(timing: Timing, raw: Timing) -> float | None:
    if timing.pages_per_s and raw.pages_per_s and not timing.note.startswith("not"):
        return timing.pages_per_s / raw.pages_per_s
    return None


def verdict(ok: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "-"}[ok]


def throughput_rows(timings: dict[str, Timing], raw: Timing, targets: dict) -> list:
    rows = []
    for name, timing in timings.items():
        times_raw = ratio(timing, raw)
        target = targets.get(name)
        ok = None if target is None or times_raw is None else times_raw >= target
        rows.append(
            (
                name,
                f"{timing.seconds:7.1f}" if timing.seconds else "      -",
                rate(timing),
                f"{times_raw:5.2f}x" if times_raw else "    -",
                f">= {target}x" if target else "",
                verdict(ok),
                f"{timing.load:4.1f}",
                timing.note,
            )
        )
    return rows


def format_table(header: tuple, rows: list) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
        )
    return "\n".join(line.rstrip() for line in lines)


def print_report(
    pages: dict[Path, int],
    timings: dict[str, Timing],
    others: list[tuple],
    profile: tuple[str, str, dict],
    runs: int,
    start_load: float,
) -> None:
    """Print the throughput table, the other figures and the profile."""
    longest = max(pages, key=pages.get)
    print(
        f"\nhmic-register benchmark: {len(pages)} PDFs, {sum(pages.values())} pages "
        f"(longest {longest.name}, {pages[longest]} pages); median of {runs} "
        f"run(s); {os.cpu_count()} cores; load at start {start_load:.1f}\n"
    )
    raw = timings["raw pdfplumber extract_words"]
    targets = {
        "hmic ingest --workers 1": TARGET_INGEST_1,
        "hmic ingest --workers 2": TARGET_INGEST_2,
    }
    header = ("measure", "s", "pages/s", "x raw", "target", "", "load", "note")
    print(format_table(header, throughput_rows(timings, raw, targets)))
    two = timings["hmic ingest --workers 2"].pages_per_s
    if two:
        hours = 250_000 / two / 3600
        print(f"\n250,000 pages with --workers 2 on this machine: {hours:.1f} h")
    print()
    print(format_table(("measure", "value", "target", "", "load", "note"), others))
    print(f"\ncProfile of one extract_report on {profile[0]} (warm):\n")
    for label, share in profile[2].items():
        print(f"  {share:6.1%}  own time in {label}")
    print(profile[1])


# (key, label, whether the per-worker target applies). The worker is
# the isolate child, which shares the fork server's preloaded pages; a fresh
# process imports its own copy and is shown for comparison.
MEMORY_ROWS = (
    ("isolate_child_mib", "peak MiB, isolate child (ingest worker)", True),
    ("isolate_1p_mib", "  same child on the 1-page PDF", False),
    ("peak_mib", "peak MiB, fresh process (not a worker)", False),
    ("imports_mib", "  same process after imports + nlp", False),
)


def memory_rows(path: Path, figures: dict, load: float) -> list[tuple]:
    """Peak-memory figures -> table rows; the target applies to the peaks."""
    rows = []
    for key, label, is_peak in MEMORY_ROWS:
        value = figures.get(key)
        ok = None if value is None or not is_peak else value <= TARGET_PEAK_MIB
        note = "1 page" if key == "isolate_1p_mib" else path.name
        if value is None and key.startswith("isolate"):
            note = figures.get("isolate_error", "")
        rows.append(
            (
                label,
                f"{value:.0f}" if value is not None else "-",
                f"<= {TARGET_PEAK_MIB}" if is_peak else "",
                verdict(ok),
                f"{load:4.1f}",
                note,
            )
        )
    return rows


def seconds_row(label: str, timing: Timing, target: float) -> tuple:
    value = timing.seconds
    ok = None if value is None or timing.note else value < target
    return (
        label,
        f"{value:.2f} s",
        f"< {target} s",
        verdict(ok),
        f"{timing.load:4.1f}",
        timing.note,
    )


# --------------------------------------------------------------------------


def run_benchmark(runs: int, top: int) -> None:
    start_load = load_average()
    paths = benchmark_set()
    one_page = build_one_page()
    pages = count_pages(paths)
    total = sum(pages.values())
    longest = max(pages, key=pages.get)
    forty = next(p for p in paths if p.stem.startswith("long-040"))
    print(f"measuring {len(paths)} PDFs, {total} pages, {runs} run(s)", file=sys.stderr)
    extract_in_process([one_page])  # build nlp once: start-up is measured apart
    measures = {
        "raw pdfplumber extract_words": lambda: raw_extract_words(paths),
        "raw pdfplumber, 2 processes": lambda: raw_extract_words_parallel(paths, 2),
        "page reader, reference (before)": lambda: read_pages(
            paths, "read_page_reference"
        ),
        "page reader, fast (now)": lambda: read_pages(paths, "read_page_fast"),
        "extract_report in-process": lambda: extract_in_process(paths),
        "hmic extract CLI, per file": lambda: extract_cli(paths),
        "hmic ingest --workers 1": lambda: ingest_fresh(paths, 1),
        "hmic ingest --workers 2": lambda: ingest_fresh(paths, 2),
    }
    timings = interleaved_timings(measures, runs, total)
    print("  peak memory, start-up, warm re-ingest, profile", file=sys.stderr)
    memory = memory_rows(longest, peak_memory(longest, one_page), load_average())
    startup = median_timing(lambda: extract_cli([one_page]), max(runs, 3), pages=1)
    warm = warm_reingest(corpus_pdfs(), runs)
    listing, shares = profile_extract(forty, top)
    others = [
        *memory,
        seconds_row("hmic extract start-up, 1 page", startup, TARGET_STARTUP_S),
        seconds_row("warm re-ingest of corpus/", warm, TARGET_WARM_S),
    ]
    profile = (forty.name, listing, shares)
    print_report(pages, timings, others, profile, runs, start_load)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure [3]")
    parser.add_argument("--top", type=int, default=15, help="profile lines [15]")
    args = parser.parse_args(argv)
    run_benchmark(max(args.runs, 1), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
