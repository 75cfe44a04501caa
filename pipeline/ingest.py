"""Batch ingest: PDF paths in, one register row set per report, a summary out.

Threads call the extractor (which runs each PDF in a child process with a
deadline and a memory cap), longest files first; this process is the only
writer and loads each finished report in its own transaction. A file whose
bytes are already in the register is skipped before anything is extracted.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from extract import __version__
from extract.digest import file_sha256
from extract.errors import ExtractError

from . import register
from .database import Database

ExtractFn = Callable[[str], dict]


@dataclass(frozen=True)
class Attempt:
    """One file's ingest attempt, as written to ingest_log."""

    file: str
    sha256: str | None
    outcome: str  # "loaded" | "skipped" | "failed"
    reason: str | None = None
    error: str | None = None
    duration_s: float = 0.0
    pages: int | None = None
    report_id: str | None = None


@dataclass
class Summary:
    """All attempts of one `hmic ingest` run; `stopped` says why it ended early."""

    attempts: list[Attempt] = field(default_factory=list)
    stopped: str | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for attempt in self.attempts if attempt.outcome == outcome)

    @property
    def failed(self) -> list[Attempt]:
        return [attempt for attempt in self.attempts if attempt.outcome == "failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def default_extract_fn(workers: int = 1, total_mib: int | None = None) -> ExtractFn:
    """extract.isolate.run_extract with a memory cap that lets `workers` of
    them run at once on this machine, else extract_report in-process."""
    try:
        from extract.isolate import run_extract
    except ImportError:
        from extract.report import extract_report

        return extract_report
    cap = worker_memory_mib(workers, total_mib)
    return functools.partial(run_extract, memory_mib=cap)


# The workers together may take this share of the machine's memory; each gets
# at least MIN_WORKER_MIB (an extraction child maps about 270 MiB of address
# space for a 150-page report) and at most extract.isolate's own default.
MEMORY_SHARE = 0.5
MIN_WORKER_MIB = 512
MAX_WORKER_MIB = 1536


def worker_memory_mib(workers: int, total_mib: int | None = None) -> int:
    """Each worker's memory cap (MiB) when `workers` run on `total_mib` of memory.

    >>> worker_memory_mib(2, total_mib=24_000), worker_memory_mib(4, total_mib=4096)
    (1536, 512)
    """
    total_mib = total_mib or machine_memory_mib()
    share = int(total_mib * MEMORY_SHARE / max(workers, 1))
    return max(MIN_WORKER_MIB, min(MAX_WORKER_MIB, share))


def worker_count(workers: int | None, total_mib: int | None = None) -> int:
    """`workers` (default: all cores), fewer if that many MIN_WORKER_MIB caps
    would take more than MEMORY_SHARE of the machine; at least 1."""
    wanted = workers or os.cpu_count() or 1
    room = int((total_mib or machine_memory_mib()) * MEMORY_SHARE) // MIN_WORKER_MIB
    return max(1, min(wanted, room))


def machine_memory_mib() -> int:
    """Physical memory, or the cgroup's limit when lower, in MiB."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in (
        "/sys/fs/cgroup/memory.max",  # cgroup v2
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",  # cgroup v1
    ):
        try:
            text = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total >> 20


def extractor_version() -> str:
    """The version of the extractor whose output is being loaded."""
    return __version__


REPORT_SUFFIXES = (".pdf", ".docx")
"""What a folder is searched for: PDFs, and Word papers (extract/docx.py)."""


def iter_pdf_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The reports named by `paths` (files, or folders searched for *.pdf and
    *.docx, Word's lock files "~$x.docx" left out), sorted."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found.update(
                p for p in path.rglob("*")
                if p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith("~$")
            )  # fmt: skip
        else:
            found.add(path)
    return sorted(found)


def longest_first(paths: list[Path]) -> list[Path]:
    """Biggest files first, so the slowest extraction starts at once."""
    return sorted(paths, key=lambda p: (-_size(p), str(p)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def is_quiet() -> bool:
    """No progress bar when stderr is not a terminal or under CI."""
    return not sys.stderr.isatty() or bool(os.environ.get("CI"))


def ingest_paths(
    db_or_path: str | Path | Database,
    paths: Iterable[str | Path],
    *,
    extract_fn: ExtractFn | None = None,
    workers: int | None = None,
    reextract: bool = False,
    quiet: bool | None = None,
) -> Summary:
    """Load every file in `paths` not already in the register; return a Summary.

    `extract_fn(path) -> report document` (contract §1) may raise anything;
    the file is then logged as failed and the batch goes on. A full disk
    stops it: the files not yet loaded are listed as `not_attempted`.
    """
    db = register.open_register(db_or_path)
    workers = worker_count(workers)
    extract_fn = extract_fn or default_extract_fn(workers)
    files = longest_first(iter_pdf_paths(paths))
    quiet = is_quiet() if quiet is None else quiet
    summary = Summary()
    with tqdm(total=len(files), unit="file", disable=quiet, file=sys.stderr) as bar:
        todo, skipped = split_known(db, files, reextract)
        _log_all(db, skipped)
        summary.attempts += skipped
        bar.update(len(skipped))
        dates = manifest_dates(files)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(_timed_extract, extract_fn, path, dates): (path, sha)
                for path, sha in todo
            }
            finished = []
            for future in as_completed(futures):
                finished.append((*futures[future], future))
                bar.set_postfix(pages=_pages(finished), refresh=False)
                bar.update(1)
    queue = sorted(finished, key=publication_order)
    for done, (path, sha, future) in enumerate(queue, start=1):
        attempt = load_one(db, path, sha, future, reextract)
        if attempt.reason == "disk_full":
            rest = [not_attempted(p, s) for p, s, _ in queue[done:]]
            logged = _log_all(db, [attempt, *rest], warn=False)
            summary.attempts += [attempt, *rest]
            summary.stopped = (
                f"stopped: the disk is full ({attempt.error}); the register is as "
                f"it was before {attempt.file}, {len(rest)} more files were not "
                f"attempted{'' if logged else ' (ingest_log could not be written)'}"
                ": free some space and run hmic ingest again"
            )
            break
        _log_all(db, [attempt])
        summary.attempts.append(attempt)
    return summary


def not_attempted(path: Path, sha: str | None) -> Attempt:
    """The attempt of a file left out because the batch stopped."""
    return Attempt(str(path), sha, "failed", "not_attempted", "the batch stopped")


def publication_order(finished: tuple[Path, str | None, Future]) -> tuple:
    """Load order: oldest report first, trackers after inspections of the same
    day, failures last; so item ids do not depend on which thread was quicker."""
    path, _, future = finished
    if future.exception() is not None:
        return (1, "", False, str(path))
    report = future.result()[0].get("report", {})
    published = report.get("published") or "9999"
    return (0, published, report.get("kind") == "tracker", str(path))


def _pages(finished: list[tuple[Path, str | None, Future]]) -> int:
    return sum(
        (future.result()[0].get("source", {}).get("pages") or 0)
        for _, _, future in finished
        if future.exception() is None
    )


def split_known(
    db: Database, files: list[Path], reextract: bool
) -> tuple[list[tuple[Path, str | None]], list[Attempt]]:
    """(files to extract with their sha256, attempts for files already loaded)."""
    todo, skipped = [], []
    for path in files:
        started = time.perf_counter()
        try:
            sha = file_sha256(path)
        except OSError:
            todo.append((path, None))  # the extractor names the problem
            continue
        report_id = register.report_id_for_file(db, sha)
        if report_id and not reextract:
            duration = round(time.perf_counter() - started, 4)
            skipped.append(
                Attempt(str(path), sha, "skipped", "same_file", None, duration, None,
                        report_id)
            )  # fmt: skip
        else:
            todo.append((path, sha))
    return todo, skipped


def _timed_extract(
    extract_fn: ExtractFn, path: Path, dates: dict[str, str] | None = None
) -> tuple[dict, float]:
    started = time.perf_counter()
    document = with_manifest_date(extract_fn(str(path)), dates or {})
    return document, time.perf_counter() - started


def manifest_dates(files: list[Path]) -> dict[str, str]:
    """sha256 -> publication date from each folder's manifest.tsv (columns
    `sha256` and `published`), for reports whose cover prints only the month."""
    dates: dict[str, str] = {}
    for manifest in {path.parent / "manifest.tsv" for path in files}:
        if not manifest.is_file():
            continue
        lines = manifest.read_text("utf-8").splitlines()
        header = lines[0].split("\t") if lines else []
        if not {"sha256", "published"} <= set(header):
            continue
        for line in lines[1:]:
            row = dict(zip(header, line.split("\t"), strict=False))
            if row.get("published"):
                dates[row["sha256"]] = row["published"]
    return dates


def with_manifest_date(document: dict, dates: dict[str, str]) -> dict:
    """The document, its `report.published` taken from the manifest when the
    PDF itself prints no full date."""
    report = document.get("report", {})
    date = dates.get(document.get("source", {}).get("sha256", ""))
    if report.get("published") or not date:
        return document
    return {**document, "report": {**report, "published": date}}


def load_one(
    db: Database, path: Path, sha: str | None, future: Future, reextract: bool
) -> Attempt:
    """Turn one finished extraction into a loaded report or a failed attempt."""
    started = time.perf_counter()
    try:
        document, extract_s = future.result()
    except ExtractError as exc:
        return Attempt(str(path), sha, "failed", exc.reason, str(exc))
    except OSError as exc:
        return Attempt(str(path), sha, "failed", "unreadable", str(exc))
    except Exception as exc:
        # A bug, or a child that could not start: one file's failure, with its
        # traceback kept in ingest_log, and the batch goes on.
        return Attempt(str(path), sha, "failed", "internal_error", error_text(exc))
    pages = document.get("source", {}).get("pages")
    sha = document.get("source", {}).get("sha256") or sha
    try:
        loaded = register.load_document(
            db, document, extractor_version=extractor_version(), reextract=reextract
        )
    except sqlite3.DatabaseError as exc:
        reason = "disk_full" if "full" in str(exc) else "database_error"
        return Attempt(str(path), sha, "failed", reason, str(exc), pages=pages)
    except (KeyError, TypeError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        return Attempt(str(path), sha, "failed", "invalid_document", error, pages=pages)
    except Exception as exc:
        error = error_text(exc)
        return Attempt(str(path), sha, "failed", "internal_error", error, pages=pages)
    duration = round(extract_s + time.perf_counter() - started, 4)
    outcome = "skipped" if loaded.outcome == "skipped" else "loaded"
    reason = loaded.reason or (loaded.outcome if loaded.outcome != "loaded" else None)
    return Attempt(
        str(path), sha, outcome, reason, None, duration, pages, loaded.report_id
    )


def error_text(exc: BaseException) -> str:
    """The exception with its traceback, as ingest_log keeps it."""
    return "".join(traceback.format_exception(exc)).strip()


def _log_all(db: Database, attempts: list[Attempt], warn: bool = True) -> bool:
    """Write `attempts` to ingest_log; False (and a warning if `warn`) if it
    could not be written, since the summary still names each file."""
    if not attempts:
        return True
    try:
        with register.write_transaction(db):
            db["ingest_log"].insert_all(
                [{"at": register.now_iso()} | asdict(a) for a in attempts]
            )
    except sqlite3.DatabaseError as exc:
        if warn:
            print(f"warning: ingest_log not written: {exc}", file=sys.stderr)
        return False
    return True


def summary_lines(summary: Summary) -> list[str]:
    """The end-of-run summary for stderr: counts, why the batch stopped early,
    then each failed file (max 20), on one line each."""
    lines = [
        f"loaded {summary.count('loaded')}, skipped {summary.count('skipped')}, "
        f"failed {summary.count('failed')}"
    ]
    if summary.stopped:
        lines.append(summary.stopped)
    for attempt in summary.failed[:20]:
        lines.append(f"  {attempt.file}: {attempt.reason}: {last_line(attempt.error)}")
    if len(summary.failed) > 20:
        lines.append(f"  ... and {len(summary.failed) - 20} more (see ingest_log)")
    return lines


def last_line(error: str | None) -> str | None:
    """A traceback's last line (the exception), or the one-line error itself."""
    lines = (error or "").strip().splitlines()
    return lines[-1] if lines else error
