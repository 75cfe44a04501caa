"""Batch ingest: PDF paths in, one register row set per report, a summary out.

Threads call the extractor (which runs each PDF in a child process with a
deadline and a memory cap), longest files first; this process is the only
writer and loads each finished report in its own transaction. A file whose
bytes are already in the register is skipped before anything is extracted.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

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
    """All attempts of one `hmic ingest` run."""

    attempts: list[Attempt] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for attempt in self.attempts if attempt.outcome == outcome)

    @property
    def failed(self) -> list[Attempt]:
        return [attempt for attempt in self.attempts if attempt.outcome == "failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def default_extract_fn() -> ExtractFn:
    """extract.isolate.run_extract when it exists, else extract_report in-process."""
    try:
        from extract.isolate import run_extract
    except ImportError:
        from extract.report import extract_report

        return extract_report
    return run_extract


def extractor_version() -> str:
    """The version of the extractor whose output is being loaded."""
    from extract import __version__

    return __version__


def iter_pdf_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The PDFs named by `paths` (files, or folders searched for *.pdf), sorted."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.suffix.lower() == ".pdf")
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

    `extract_fn(path) -> report document` (contract §1) may raise an
    ExtractError; the file is then logged as failed and the batch goes on.
    """
    db = register.open_register(db_or_path)
    extract_fn = extract_fn or default_extract_fn()
    files = longest_first(iter_pdf_paths(paths))
    quiet = is_quiet() if quiet is None else quiet
    summary = Summary()
    with tqdm(total=len(files), unit="file", disable=quiet, file=sys.stderr) as bar:
        todo, skipped = split_known(db, files, reextract)
        _log_all(db, skipped)
        summary.attempts += skipped
        bar.update(len(skipped))
        dates = manifest_dates(files)
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            futures = {
                pool.submit(_timed_extract, extract_fn, path, dates): (path, sha)
                for path, sha in todo
            }
            finished = []
            for future in as_completed(futures):
                finished.append((*futures[future], future))
                bar.set_postfix(pages=_pages(finished), refresh=False)
                bar.update(1)
    for path, sha, future in sorted(finished, key=publication_order):
        attempt = load_one(db, path, sha, future, reextract)
        _log_all(db, [attempt])
        summary.attempts.append(attempt)
    return summary


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
    from extract.report import file_sha256

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
    duration = round(extract_s + time.perf_counter() - started, 4)
    outcome = "skipped" if loaded.outcome == "skipped" else "loaded"
    reason = loaded.reason or (loaded.outcome if loaded.outcome != "loaded" else None)
    return Attempt(
        str(path), sha, outcome, reason, None, duration, pages, loaded.report_id
    )


def _log_all(db: Database, attempts: list[Attempt]) -> None:
    if not attempts:
        return
    try:
        with register.write_transaction(db):
            db["ingest_log"].insert_all(
                [{"at": register.now_iso()} | asdict(a) for a in attempts]
            )
    except sqlite3.DatabaseError as exc:
        # A full disk must not stop the batch: the summary still names the file.
        print(f"warning: ingest_log not written: {exc}", file=sys.stderr)


def summary_lines(summary: Summary) -> list[str]:
    """The end-of-run summary for stderr: counts, then each failed file (max 20)."""
    lines = [
        f"loaded {summary.count('loaded')}, skipped {summary.count('skipped')}, "
        f"failed {summary.count('failed')}"
    ]
    for attempt in summary.failed[:20]:
        lines.append(f"  {attempt.file}: {attempt.reason}: {attempt.error}")
    if len(summary.failed) > 20:
        lines.append(f"  ... and {len(summary.failed) - 20} more (see ingest_log)")
    return lines
