"""The register's foundations: opening it, one write transaction, errors,
and the analysts' columns derived from status_history.

Every write is one `BEGIN IMMEDIATE` transaction (WAL mode, busy timeout),
so two ingests and an analyst's `hmic status` queue for the lock instead of
failing, and a failure or a kill leaves the file as it was before it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import dedupe
from .database import Database
from .migrations import migrate

ANALYST_FIELDS = ("status", "rag", "owner", "target_date", "notes")
SLEEP_HOOK = "HMIC_TEST_SLEEP_IN_TRANSACTION"
"""Seconds to sleep inside a report's transaction, before COMMIT (tests only)."""
SLEEP_MARKER = "HMIC_TEST_SLEEP_MARKER"
"""A file the hook creates when it starts sleeping, so a test knows when to kill."""


class UnknownItem(KeyError):
    """No item in the register has this id."""


class UnknownLink(KeyError):
    """No link in the register has this id."""


class UnknownReport(KeyError):
    """No report in the register has this id."""


class AmbiguousItem(KeyError):
    """More than one item's id starts with this prefix."""


@dataclass(frozen=True)
class Loaded:
    """What loading one report document did."""

    report_id: str
    outcome: str  # "loaded" | "skipped" | "reextracted"
    reason: str | None = None  # why skipped: "same_file" | "same_content"
    new_items: int = 0
    linked: int = 0
    missing: int = 0
    warnings: list[str] = field(default_factory=list)


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_register(
    path_or_db: str | Path | Database, *, busy_timeout_ms: int = 30_000
) -> Database:
    """Open (creating and migrating as needed) the register at `path_or_db`."""
    if isinstance(path_or_db, Database):
        db = path_or_db
    else:
        Path(path_or_db).parent.mkdir(parents=True, exist_ok=True)
        db = Database(sqlite3.connect(str(path_or_db), check_same_thread=False))
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    db.execute("PRAGMA foreign_keys = ON")
    if not db.memory:
        with _retry_locked():
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.enable_wal()
    migrate(db)
    return db


@contextmanager
def _retry_locked(attempts: int = 50) -> Iterator[None]:
    # Switching to WAL needs a moment alone with the file; a second process
    # opening it at the same instant gets "database is locked" at once.
    for attempt in range(attempts):
        try:
            yield
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (re-raised)."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def report_id_for_file(db: Database, sha256: str) -> str | None:
    """The report loaded from a file with these bytes, or None."""
    row = db.execute(
        "SELECT report_id FROM report_files WHERE sha256 = ?", [sha256]
    ).fetchone()
    return row[0] if row else None


def document_to_report_row(
    document: dict, content_hash: str, extractor_version: str | None, now: str
) -> dict:
    """The `reports` row for a document (id = its content hash)."""
    report, source = document["report"], document["source"]
    path = source.get("path") or ""
    return {
        "id": content_hash[:16],
        "content_hash": content_hash,
        "sha256": source["sha256"],
        "file_name": Path(path).name,
        "path": path,
        "title": report.get("title"),
        "published": report.get("published"),
        "inspectorates": json.dumps(report.get("inspectorates") or []),
        "force": report.get("force"),
        "kind": report.get("kind") or "inspection",
        "pages": source.get("pages"),
        "extractor_version": extractor_version,
        "ingested_at": now,
        "response_due": dedupe.response_due(report.get("published")),
        "warnings": json.dumps(document.get("warnings") or []),
    }


# --- analysts' changes -------------------------------------------------------------


def refresh_item(db: Database, item_id: str, now: str | None = None) -> None:
    """Set the item's status, rag, owner and target date from its newest
    history entries (by effective date; an analyst's entry wins a tie)."""
    updates: dict[str, object] = {}
    for field_name in ("status", "rag", "owner", "target_date"):
        row = db.execute(
            "SELECT value, printed FROM status_history WHERE item_id = ? AND field = ? "
            "ORDER BY date DESC, source = 'analyst' DESC, recorded_at DESC, id DESC "
            "LIMIT 1",
            [item_id, field_name],
        ).fetchone()
        if row:
            updates[field_name] = row[0]
            if field_name == "status":
                updates["status_printed"] = row[1]
    revisions = db.execute(
        "SELECT count(*) FROM status_history "
        "WHERE item_id = ? AND field = 'target_date'",
        [item_id],
    ).fetchone()[0]
    updates["target_revisions"] = max(revisions - 1, 0)
    updates["updated_at"] = now or now_iso()
    db["items"].update(item_id, updates)


def analyst_text(db: Database, item_id: str) -> str | None:
    """The item's text as an analyst last corrected it, or None."""
    row = db.execute(
        "SELECT value FROM status_history WHERE item_id = ? AND field = 'text' "
        "AND source = 'analyst' ORDER BY recorded_at DESC, id DESC LIMIT 1",
        [item_id],
    ).fetchone()
    return row[0] if row else None


# --- the ingest log ------------------------------------------------------------------


def log_attempt(db: Database, entry: dict, now: str | None = None) -> None:
    """Append one row to ingest_log (file, sha256, outcome, reason, error, ...)."""
    with write_transaction(db):
        db["ingest_log"].insert({"at": now or now_iso()} | entry)


def check_integrity(db: Database) -> list[str]:
    """Problems PRAGMA integrity_check and foreign_key_check find ([] when none)."""
    problems = [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [repr(r) for r in db.execute("PRAGMA foreign_key_check")]
    return problems
