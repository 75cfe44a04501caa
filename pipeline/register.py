"""The register database: open it, load one report document, record analysts' changes.

The only module that writes output/register.db. Every write is one
`BEGIN IMMEDIATE` transaction (WAL mode, busy timeout), so two ingests and an
analyst's `hmic status` queue for the lock instead of failing, and a failure
or a kill leaves the file as it was before that transaction.

Analysts' columns (status, rag, owner, target_date, notes, closure_evidence)
are never written from a report: they are derived from `status_history`,
where the newest entry wins, so a tracker paper from 2017 cannot overwrite an
analyst's change made since.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from extract.deadline import text_to_deadline

from . import dedupe, tracking
from .database import Database
from .migrations import migrate
from .statuses import RAGS, STATUSES, printed_to_rag, printed_to_status

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


# --- loading a report ----------------------------------------------------------


def load_document(
    db: Database,
    document: dict,
    *,
    extractor_version: str | None = None,
    reextract: bool = False,
    now: str | None = None,
) -> Loaded:
    """Load one contract §1 document in one transaction; return what it did.

    A file already loaded (same sha256) or a report already loaded from
    another file (same content) is skipped, unless `reextract` is set, when
    the report's occurrences are refreshed and its items keep their ids.
    """
    now = now or now_iso()
    sha256 = document["source"]["sha256"]
    content_hash = dedupe.report_content_hash(document)
    with write_transaction(db):
        known = report_id_for_file(db, sha256)
        if known and reextract:
            result = _reextract(
                db, known, document, content_hash, extractor_version, now
            )
        elif known:
            result = Loaded(known, "skipped", "same_file")
        else:
            same = _same_content(db, document, content_hash)
            if same:
                _insert_file(db, same, document, now)
                result = Loaded(same, "skipped", "same_content")
            else:
                result = _insert_report(
                    db, document, content_hash, extractor_version, now
                )
        _sleep_for_tests()
    return result


def _same_content(db: Database, document: dict, content_hash: str) -> str | None:
    """The report already loaded from another file with this content, or None.

    A report loaded before page counts were hashed keeps its old hash; it is
    the same when its page count agrees too and it has items.
    """
    row = db.execute(
        "SELECT id FROM reports WHERE content_hash = ?", [content_hash]
    ).fetchone()
    if row is None and document["items"]:
        row = db.execute(
            "SELECT id FROM reports WHERE content_hash = ? AND pages IS ?",
            [dedupe.legacy_content_hash(document), document["source"].get("pages")],
        ).fetchone()
    return row[0] if row else None


def _sleep_for_tests() -> None:
    seconds = os.environ.get(SLEEP_HOOK)
    if seconds:
        if os.environ.get(SLEEP_MARKER):
            Path(os.environ[SLEEP_MARKER]).touch()
        time.sleep(float(seconds))


def _insert_file(db: Database, report_id: str, document: dict, now: str) -> None:
    path = document["source"].get("path") or ""
    db["report_files"].insert(
        {
            "sha256": document["source"]["sha256"],
            "report_id": report_id,
            "file_name": Path(path).name,
            "path": path,
            "first_seen": now,
        }
    )


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


def _insert_report(
    db: Database, document: dict, content_hash: str, version: str | None, now: str
) -> Loaded:
    row = document_to_report_row(document, content_hash, version, now)
    db["reports"].insert(row)
    _insert_file(db, row["id"], document, now)
    new_items, linked = _load_printings(db, row["id"], document, range(0), now)
    return Loaded(row["id"], "loaded", None, new_items, linked)


def _load_printings(
    db: Database, report_id: str, document: dict, skip, now: str
) -> tuple[int, int]:
    """Link or create an item for each printing not in `skip`; (new, linked)."""
    report, items = document["report"], document["items"]
    firsts = dedupe.collapse_restatements(items)
    item_ids: dict[int, str] = dict(_existing_positions(db, report_id))
    candidates = _candidates(db)
    used = set(item_ids.values())
    new_items = linked = 0
    for index, printing in enumerate(items):
        if index in skip or firsts[index] != index:
            continue
        match = dedupe.best_match(
            printing, report=report, candidates=candidates, excluded=used
        )
        if match:
            item_id = match.item_id
            linked += 1
        else:
            item_id = _insert_item(db, report_id, report, printing, now)
            candidates.append(_candidate_for(db, item_id))
            new_items += 1
        used.add(item_id)
        item_ids[index] = item_id
        occ_id = _insert_occurrence(db, report_id, index, printing, item_id, match)
        _refresh_origin(db, item_id)
        if match:
            _insert_link(db, item_id, occ_id, match, now)
        _record_printed_status(db, item_id, report_id, report, printing, now)
    _set_parents(db, report_id, items, item_ids)
    if report.get("kind") == "tracker":
        _link_superseded(db, items, item_ids, now)
    return new_items, linked


def _existing_positions(db: Database, report_id: str) -> Iterator[tuple[int, str]]:
    yield from db.execute(
        "SELECT position, item_id FROM occurrences "
        "WHERE report_id = ? AND missing_since IS NULL AND added_by IS NULL",
        [report_id],
    )


_CANDIDATE_SQL = (
    "SELECT items.id, items.kind, items.text, reports.force, items.first_published, "
    "reports.title, NOT EXISTS (SELECT 1 FROM occurrences AS o JOIN reports AS r "
    "ON r.id = o.report_id WHERE o.item_id = items.id AND r.kind != 'tracker'), "
    "(SELECT o.source_report FROM occurrences AS o WHERE o.item_id = items.id "
    "AND o.source_report IS NOT NULL ORDER BY o.rowid LIMIT 1) "
    "FROM items LEFT JOIN reports ON reports.id = items.first_report_id"
)


def _candidates(db: Database) -> dedupe.CandidateIndex:
    # Normalised once per report, not once per printing and candidate.
    rows = db.execute(f"{_CANDIDATE_SQL} ORDER BY items.id")
    return dedupe.CandidateIndex(_row_to_candidate(row) for row in rows)


def _candidate_for(db: Database, item_id: str) -> dedupe.Candidate:
    row = db.execute(f"{_CANDIDATE_SQL} WHERE items.id = ?", [item_id]).fetchone()
    return _row_to_candidate(row)


def _row_to_candidate(row: tuple) -> dedupe.Candidate:
    item_id, kind, text, force, published, title, tracker_only, source = row
    return dedupe.Candidate(
        item_id, kind, text, force, published, title, bool(tracker_only), source
    )


def _insert_item(
    db: Database, report_id: str, report: dict, printing: dict, now: str
) -> str:
    item_id = dedupe.item_id(report_id, printing["kind"], printing["text"])
    origin, published = report_id, report.get("published")
    if report.get("kind") == "tracker" and printing.get("source_report"):
        # Quoted from a report the register lacks: the item is that report's.
        origin, published = placeholder_report(db, printing["source_report"], now), None
    db["items"].insert(
        {
            "id": item_id,
            "kind": printing["kind"],
            "text": printing["text"],
            "addressee": dedupe.text_to_addressee(printing["text"]),
            **deadline_columns(printing["text"], published),
            "status": "open",
            "first_report_id": origin,
            "first_published": published,
            "created_at": now,
            "updated_at": now,
        },
        ignore=True,  # the same text twice in one report: one item
    )
    return item_id


def placeholder_report(db: Database, title: str, now: str) -> str:
    """The id of the placeholder report for a title a tracker quotes from,
    made if new: a `reports` row with no file, date or force (placeholder = 1)
    that holds the quoted items until the report itself is ingested."""
    report_id = PLACEHOLDER_PREFIX + dedupe.short_hash(
        dedupe.normalise_text(title), length=12
    )
    db["reports"].insert(
        {
            "id": report_id,
            "content_hash": report_id,
            "sha256": "",
            "title": title,
            "inspectorates": "[]",
            "kind": "inspection",
            "placeholder": 1,
            "ingested_at": now,
            "warnings": "[]",
        },
        ignore=True,
    )
    return report_id


def _insert_occurrence(
    db: Database,
    report_id: str,
    position: int,
    printing: dict,
    item_id: str,
    match: dedupe.Match | None,
) -> str:
    occ_id = dedupe.occurrence_id(report_id, position, printing["text"])
    db["occurrences"].insert(
        {
            "id": occ_id,
            "item_id": item_id,
            "report_id": report_id,
            "kind": printing["kind"],
            "number": printing.get("number"),
            "page": printing.get("page"),
            "text": printing["text"],
            "position": position,
            "source_report": printing.get("source_report"),
            "status_printed": printing.get("status"),
            "match_score": round(match.score, 1) if match else 100.0,
        }
    )
    return occ_id


_ORIGIN_ORDER = (
    "ORDER BY reports.published IS NULL, reports.published, "
    "reports.kind = 'tracker', occurrences.rowid"
)


def _refresh_origin(db: Database, item_id: str) -> None:
    """Point the item at its earliest-published inspection printing.

    Reports may be ingested in any order; the item's text and first report
    follow publication dates, so a later report always repeats an earlier one.
    """
    row = db.execute(
        "SELECT occurrences.id, occurrences.report_id, reports.published, "
        "occurrences.text, reports.kind FROM occurrences JOIN reports ON "
        f"reports.id = occurrences.report_id WHERE item_id = ? {_ORIGIN_ORDER} "
        "LIMIT 1",
        [item_id],
    ).fetchone()
    origin = db.execute(
        "SELECT first_report_id FROM items WHERE id = ?", [item_id]
    ).fetchone()
    placeholder = bool(origin and _is_placeholder_id(origin[0]))
    if row and row[4] == "tracker" and placeholder:
        return  # only trackers print it: it stays the quoted report's
    if row:
        row = (*row[:3], analyst_text(db, item_id) or row[3])
        db.execute(
            "UPDATE items SET first_report_id = ?, first_published = ?, text = ?, "
            "deadline_text = ?, deadline_date = ? "
            "WHERE id = ? AND (first_report_id IS NOT ? OR text IS NOT ?)",
            [row[1], row[2], row[3], *deadline_columns(row[3], row[2]).values(),
             item_id, row[1], row[3]],
        )  # fmt: skip
        if placeholder:
            _drop_empty_placeholders(db)


PLACEHOLDER_PREFIX = "placeholder-"


def _is_placeholder_id(report_id: str | None) -> bool:
    return bool(report_id) and report_id.startswith(PLACEHOLDER_PREFIX)


def _drop_empty_placeholders(db: Database) -> None:
    # The report itself is in: its items have joined the placeholder's.
    db.execute(
        "DELETE FROM reports WHERE placeholder = 1 AND NOT EXISTS "
        "(SELECT 1 FROM items WHERE items.first_report_id = reports.id)"
    )


def deadline_columns(text: str, published: str | None) -> dict[str, str | None]:
    """`deadline_text` and `deadline_date` of an item printed in a report of
    `published`: "Within six months" counts from its first publication."""
    deadline = text_to_deadline(text, published)
    return {
        "deadline_text": deadline.text if deadline else None,
        "deadline_date": deadline.due.isoformat()
        if deadline and deadline.due
        else None,
    }


def _dated(db: Database, occ_id: str) -> tuple:
    """(published or "9999", report kind, rowid) of an occurrence: its place in time."""
    return db.execute(
        "SELECT coalesce(reports.published, '9999'), reports.kind = 'tracker', "
        "occurrences.rowid FROM occurrences JOIN reports ON reports.id = "
        "occurrences.report_id WHERE occurrences.id = ?",
        [occ_id],
    ).fetchone()


def _insert_link(
    db: Database, item_id: str, occ_id: str, match: dedupe.Match, now: str
) -> None:
    """Record which two printings a match joined, later one first, for review.

    The link runs from the later printing to the earlier by publication date,
    whatever order the reports were loaded in.
    """
    others = [
        row[0]
        for row in db.execute(
            "SELECT id FROM occurrences WHERE item_id = ? AND id != ?",
            [item_id, occ_id],
        )
    ]
    if not others:
        return
    nearest = max(others, key=lambda other: _dated(db, other))
    later, earlier = sorted((occ_id, nearest), key=lambda o: _dated(db, o))[::-1]
    db["links"].insert(
        {
            "from_item_id": item_id,
            "to_item_id": item_id,
            "from_occurrence_id": later,
            "to_occurrence_id": earlier,
            "kind": match.link_kind,
            "score": round(match.score, 1),
            "confirmed": 1 if match.sure else None,
            "created_at": now,
        }
    )


def _link_superseded(
    db: Database, items: list[dict], item_ids: dict[int, str], now: str
) -> None:
    """A tracker's "superseded by the Red recommendation shown above" becomes a
    `supersedes` link, left unconfirmed for an analyst to check."""
    for index in item_ids:
        if index < 0 or index >= len(items):
            continue
        by = dedupe.superseding_index(items, index)
        if by is None or by not in item_ids or item_ids[by] == item_ids[index]:
            continue
        if db.execute(
            "SELECT 1 FROM links WHERE kind = 'supersedes' AND from_item_id = ? "
            "AND to_item_id = ?",
            [item_ids[by], item_ids[index]],
        ).fetchone():
            continue
        db["links"].insert(
            {
                "from_item_id": item_ids[by],
                "to_item_id": item_ids[index],
                "kind": "supersedes",
                "created_at": now,
            }
        )


def _set_parents(
    db: Database, report_id: str, items: list[dict], item_ids: dict[int, str]
) -> None:
    for index, printing in enumerate(items):
        parent = printing.get("parent")
        if parent is None or index not in item_ids or parent not in item_ids:
            continue
        db.execute(
            "UPDATE occurrences SET parent_item_id = ? "
            "WHERE report_id = ? AND position = ?",
            [item_ids[parent], report_id, index],
        )


def _record_printed_status(
    db: Database, item_id: str, report_id: str, report: dict, printing: dict, now: str
) -> None:
    """A tracker's status becomes history entries dated by the paper."""
    printed = printing.get("status")
    if not printed:
        return
    values = {"status": printed_to_status(printed), "rag": printed_to_rag(printed)}
    for field_name, value in values.items():
        if value is None:
            continue
        # A force's tracker speaks for that force only (pipeline/tracking.py).
        db.execute(
            "INSERT INTO status_history (item_id, field, value, printed, date, "
            "source, report_id, recorded_at, force) "
            "VALUES (?, ?, ?, ?, ?, 'tracker', ?, ?, ?) "
            "ON CONFLICT (item_id, field, report_id) WHERE source = 'tracker' "
            "DO UPDATE SET value = excluded.value, printed = excluded.printed",
            [item_id, field_name, value, printed, report.get("published") or now[:10],
             report_id, now, report.get("force")],
        )  # fmt: skip
    refresh_item(db, item_id, now)


# --- re-extracting ---------------------------------------------------------------


def _reextract(
    db: Database,
    report_id: str,
    document: dict,
    content_hash: str,
    version: str | None,
    now: str,
) -> Loaded:
    """Refresh a report's occurrences from a new extraction; ids stay, analysts'
    fields stay, and an item no longer found is flagged `missing_since`."""
    row = document_to_report_row(document, content_hash, version, now)
    keep = {"id", "sha256", "ingested_at", "file_name", "path"}
    if db.execute(
        "SELECT 1 FROM reports WHERE content_hash = ? AND id != ?",
        [content_hash, report_id],
    ).fetchone():
        keep.add("content_hash")
    updates = {k: v for k, v in row.items() if k not in keep}
    db["reports"].update(report_id, updates | {"reextracted_at": now})
    old = [
        dict(zip(("id", "item_id", "kind", "text"), r, strict=True))
        for r in db.execute(
            "SELECT id, item_id, kind, text FROM occurrences WHERE report_id = ? "
            "AND added_by IS NULL ORDER BY position",
            [report_id],
        )
    ]
    pairs = _pair_printings(document["items"], old)
    _move_old_positions(db, report_id)
    for index, old_occ in pairs.items():
        _update_occurrence(db, old_occ, index, document["items"][index])
    new_items, linked = _load_printings(db, report_id, document, set(pairs), now)
    for index, old_occ in pairs.items():
        _record_printed_status(
            db, old_occ["item_id"], report_id, document["report"],
            document["items"][index], now,
        )  # fmt: skip
    missing = _flag_missing(db, report_id, {o["id"] for o in pairs.values()}, now)
    return Loaded(report_id, "reextracted", None, new_items, linked, missing)


def _pair_printings(items: list[dict], old: list[dict]) -> dict[int, dict]:
    """Greedily pair each new printing with the old occurrence it most resembles."""
    scored = sorted(
        (
            (-dedupe.score_repeat(item["text"], occ["text"]), index, n)
            for index, item in enumerate(items)
            for n, occ in enumerate(old)
            if occ["kind"] == item["kind"]
        ),
    )
    pairs: dict[int, dict] = {}
    taken: set[int] = set()
    for negative_score, index, n in scored:
        if -negative_score < dedupe.UNSURE or index in pairs or n in taken:
            continue
        pairs[index] = old[n]
        taken.add(n)
    return pairs


def _move_old_positions(db: Database, report_id: str) -> None:
    # Negative positions free 0..n for the new extraction without clashing.
    db.execute(
        "UPDATE occurrences SET position = -1 - position WHERE report_id = ? "
        "AND added_by IS NULL",  # an analyst's addition is not the extractor's
        [report_id],
    )


def _update_occurrence(db: Database, occ: dict, index: int, printing: dict) -> None:
    db["occurrences"].update(
        occ["id"],
        {
            "number": printing.get("number"),
            "page": printing.get("page"),
            "text": printing["text"],
            "position": index,
            "source_report": printing.get("source_report"),
            "status_printed": printing.get("status"),
            "missing_since": None,
        },
    )
    db.execute("UPDATE items SET missing_since = NULL WHERE id = ?", [occ["item_id"]])


def _flag_missing(db: Database, report_id: str, found: set[str], now: str) -> int:
    """Flag the report's occurrences the new extraction lacks; count them."""
    lost = [
        (occ_id, item_id)
        for occ_id, item_id in db.execute(
            "SELECT id, item_id FROM occurrences WHERE report_id = ? AND position < 0 "
            "AND added_by IS NULL",
            [report_id],
        )
        if occ_id not in found
    ]
    for occ_id, item_id in lost:
        db.execute(
            "UPDATE occurrences SET missing_since = coalesce(missing_since, ?) "
            "WHERE id = ?",
            [now, occ_id],
        )
        db.execute(
            "UPDATE items SET missing_since = coalesce(missing_since, ?) WHERE id = ? "
            "AND NOT EXISTS (SELECT 1 FROM occurrences WHERE item_id = ? "
            "AND missing_since IS NULL)",
            [now, item_id, item_id],
        )
    return len(lost)


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


def record_change(
    db: Database,
    item_id: str,
    field_name: str,
    value: str | None,
    *,
    note: str | None = None,
    now: str | None = None,
    analyst: str | None = None,
    effective: str | None = None,
    force: str | None = None,
) -> dict:
    """Record an analyst's change to one field of an item; return the item row.

    `item_id` is the id or a prefix that one id alone starts with.
    `field_name` is "status" (one of STATUSES), "rag", "owner",
    "target_date", "notes" (a line appended to the item's notes) or
    "closure_evidence" (what shows it done). The note, if any, is appended to
    the item's notes.
    `analyst` names who made it (the signed-in name in `hmic serve --edit`).
    `effective` (YYYY-MM-DD, not after today) backdates the change to when it
    was decided; it is recorded now either way. `force` says whose change it
    is (pipeline/tracking.py); it may be left out when the item applies to one
    force only. Raises ValueError for a value the field does not take, a
    target date before the item's publication, a bad `effective`, or a force
    missing or not among the item's.
    """
    check_value(field_name, value)
    now = now or now_iso()
    if effective is not None:
        check_value("target_date", effective)
        if effective > now[:10]:
            raise ValueError(f"--date {effective} is after today ({now[:10]})")
    with write_transaction(db):
        item_id = resolve_item_id(db, item_id)
        if field_name == "target_date" and value:
            check_target_after_publication(db, item_id, value)
        force = check_force(db, item_id, force)
        db["status_history"].insert(
            {
                "item_id": item_id,
                "field": field_name,
                "value": value,
                "date": effective or now,
                "source": "analyst",
                "note": note,
                "recorded_at": now,
                "analyst": analyst,
                "force": force,
            }
        )
        refresh_item(db, item_id, now)
        if field_name == "closure_evidence":
            db["items"].update(item_id, {"closure_evidence": value})
        line = value if field_name == "notes" else note
        if line:
            prefix = "" if field_name == "notes" else f"{field_name}={value}: "
            db.execute(
                "UPDATE items SET notes = coalesce(notes || char(10), '') || ? "
                "WHERE id = ?",
                [f"{(effective or now)[:10]} {prefix}{line}", item_id],
            )
    return db["items"].get(item_id)


def resolve_item_id(db: Database, typed: str) -> str:
    """The id of the item whose id is `typed`, or the only one starting with it.

    Raises UnknownItem when none does and AmbiguousItem (its args: the prefix
    and up to five ids) when several do.
    """
    if db.execute("SELECT 1 FROM items WHERE id = ?", [typed]).fetchone():
        return typed
    ids = [
        row[0]
        for row in db.execute(
            "SELECT id FROM items WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 6",
            [len(typed), typed],
        )
    ]
    if not typed or not ids:
        raise UnknownItem(typed)
    if len(ids) > 1:
        raise AmbiguousItem(typed, ids[:5])
    return ids[0]


def check_force(db: Database, item_id: str, force: str | None) -> str | None:
    """The force a change to `item_id` is for: `force`, or the item's one force.

    None when the item applies to no tracked force (then the entry applies to
    any force tracked later). Raises ValueError when `force` is not one of the
    item's, or is left out and the item has several.
    """
    forces = tracking.item_forces(db.conn, item_id)
    if force is None and len(forces) > 1:
        raise ValueError(
            f"{item_id} applies to {len(forces)} forces ({', '.join(forces)}); "
            "say whose change it is with --force"
        )
    if force is None:
        return forces[0] if forces else None
    if force not in forces:
        raise ValueError(
            f"{item_id} does not apply to {force}; it applies to "
            f"{', '.join(forces) or 'no tracked force'}"
        )
    return force


def check_target_after_publication(db: Database, item_id: str, target: str) -> None:
    """Raise ValueError when `target` is before the item was first published."""
    published = db.execute(
        "SELECT first_published FROM items WHERE id = ?", [item_id]
    ).fetchone()[0]
    if published and target < published[:10]:
        raise ValueError(
            f"target date {target} is before the item was published ({published}); "
            "give a date on or after it"
        )


def check_value(field_name: str, value: str | None) -> None:
    """Raise ValueError, naming the value and the accepted forms, unless
    `value` is allowed for `field_name`."""
    allowed = {"status": STATUSES, "rag": RAGS}.get(field_name)
    if field_name not in (*ANALYST_FIELDS, "closure_evidence"):
        raise ValueError(f"{field_name}: not an analyst field")
    if field_name in ("notes", "closure_evidence") and not (value or "").strip():
        raise ValueError(f"{field_name}: give some text")
    if allowed and value not in allowed:
        raise ValueError(
            f"{value!r} is not a {field_name}; use one of {', '.join(allowed)}"
        )
    if field_name == "target_date" and value and not is_iso_day(value):
        raise ValueError(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2018-03-31")


def is_iso_day(value: str) -> bool:
    """True for a real day written YYYY-MM-DD ("2018-03-31", not "2018-3-31")."""
    try:
        return datetime.strptime(value, "%Y-%m-%d").strftime("%Y-%m-%d") == value
    except ValueError:
        return False


# --- analysts' corrections of extraction ----------------------------------------------
#
# Each correction is a status_history row (source 'analyst', who and why), and
# what it changes is marked where re-extraction leaves it alone: an added
# printing has `occurrences.added_by`, an edited text is the newest 'text'
# entry (`_refresh_origin` keeps it), a rejected item has `items.rejected_at`.


def analyst_text(db: Database, item_id: str) -> str | None:
    """The item's text as an analyst last corrected it, or None."""
    row = db.execute(
        "SELECT value FROM status_history WHERE item_id = ? AND field = 'text' "
        "AND source = 'analyst' ORDER BY recorded_at DESC, id DESC LIMIT 1",
        [item_id],
    ).fetchone()
    return row[0] if row else None


def _correction(
    db: Database, item_id: str, field_name: str, value, printed, reason, analyst, now
) -> None:
    db["status_history"].insert(
        {"item_id": item_id, "field": field_name, "value": value, "printed": printed,
         "date": now, "source": "analyst", "note": reason, "recorded_at": now,
         "analyst": analyst}
    )  # fmt: skip


def add_item(
    db: Database,
    report_id: str,
    *,
    kind: str,
    text: str,
    page: int,
    number: str | None = None,
    reason: str | None = None,
    analyst: str | None = None,
    now: str | None = None,
) -> str:
    """Add an item the extractor missed to a report; return its id.

    Its printing is marked `added_by`, so re-extraction neither moves it nor
    flags it missing, however the extractor reads the report.
    """
    if kind not in ("recommendation", "area_for_improvement", "cause_of_concern"):
        raise ValueError(
            f"{kind!r} is not a kind; use recommendation, area_for_improvement "
            "or cause_of_concern"
        )
    now = now or now_iso()
    with write_transaction(db):
        report = db.execute(
            "SELECT published, kind, pages FROM reports WHERE id = ?", [report_id]
        ).fetchone()
        if not report:
            raise UnknownReport(report_id)
        if report[2] and not 1 <= page <= report[2]:
            raise ValueError(f"page {page}: the report has pages 1 to {report[2]}")
        printing = {"kind": kind, "text": text, "number": number, "page": page}
        item_id = _insert_item(db, report_id, {"published": report[0]}, printing, now)
        position = 1_000_000 + db.execute(
            "SELECT count(*) FROM occurrences WHERE report_id = ? AND added_by "
            "IS NOT NULL", [report_id]
        ).fetchone()[0]  # fmt: skip
        occ_id = _insert_occurrence(db, report_id, position, printing, item_id, None)
        db["occurrences"].update(occ_id, {"added_by": analyst or "analyst"})
        _refresh_origin(db, item_id)
        _correction(db, item_id, "added", text, None, reason, analyst, now)
    return item_id


def edit_item(
    db: Database,
    item_id: str,
    text: str,
    *,
    reason: str | None = None,
    analyst: str | None = None,
    now: str | None = None,
) -> dict:
    """Correct an item's text (cut off, run on); return the item row.

    The printed text stays on its occurrences; re-extraction keeps this text.
    """
    now = now or now_iso()
    with write_transaction(db):
        item_id = resolve_item_id(db, item_id)
        old = db["items"].get(item_id)["text"]
        _correction(db, item_id, "text", text, old, reason, analyst, now)
        db["items"].update(item_id, {"text": text, "updated_at": now})
    return db["items"].get(item_id)


def reject_item(
    db: Database,
    item_id: str,
    *,
    reason: str,
    analyst: str | None = None,
    now: str | None = None,
) -> dict:
    """Mark an item the extractor invented as not an item; return the item row.

    It stays in the register (ids and history kept) but leaves the export,
    the papers and the tables; re-extraction does not bring it back.
    """
    now = now or now_iso()
    with write_transaction(db):
        item_id = resolve_item_id(db, item_id)
        _correction(db, item_id, "rejected", now[:10], None, reason, analyst, now)
        db["items"].update(item_id, {"rejected_at": now, "updated_at": now})
    return db["items"].get(item_id)


# --- reviewing links ---------------------------------------------------------------


def unsure_links(db: Database) -> list[dict]:
    """Links made below dedupe.SURE and not yet reviewed, lowest score first."""
    rows = db.execute(
        "SELECT links.id, links.kind, links.score, links.from_item_id, "
        "later_report.title, coalesce(later.text, from_item.text), "
        "earlier_report.title, coalesce(earlier.text, to_item.text) "
        "FROM links "
        "JOIN items AS from_item ON from_item.id = links.from_item_id "
        "JOIN items AS to_item ON to_item.id = links.to_item_id "
        "LEFT JOIN occurrences AS later ON later.id = links.from_occurrence_id "
        "LEFT JOIN reports AS later_report ON later_report.id = "
        "coalesce(later.report_id, from_item.first_report_id) "
        "LEFT JOIN occurrences AS earlier ON earlier.id = links.to_occurrence_id "
        "LEFT JOIN reports AS earlier_report ON earlier_report.id = "
        "coalesce(earlier.report_id, to_item.first_report_id) "
        "WHERE links.confirmed IS NULL ORDER BY links.score IS NULL, links.score, "
        "links.id"
    )
    keys = ("id", "kind", "score", "item_id", "later_report", "later_text",
            "earlier_report", "earlier_text")  # fmt: skip
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _get_link(db: Database, link_id: int) -> dict:
    try:
        return db["links"].get(link_id)
    except Exception as exc:  # sqlite_utils.db.NotFoundError
        raise UnknownLink(link_id) from exc


def confirm_link(db: Database, link_id: int) -> dict:
    """Mark a link as right: the two printings are one item."""
    with write_transaction(db):
        _get_link(db, link_id)
        db["links"].update(link_id, {"confirmed": 1})
    return db["links"].get(link_id)


def split_link(db: Database, link_id: int, now: str | None = None) -> dict:
    """Undo a link: the linked printing becomes an item of its own.

    The link stays (confirmed = 0) pointing from the new item to the old one,
    and later ingests keep them apart.
    """
    now = now or now_iso()
    with write_transaction(db):
        link = _get_link(db, link_id)
        occ = db["occurrences"].get(link["from_occurrence_id"])
        report = db["reports"].get(occ["report_id"])
        new_id = dedupe.item_id(occ["report_id"], occ["kind"], occ["text"])
        printing = {"kind": occ["kind"], "text": occ["text"]}
        _insert_item(db, occ["report_id"], report, printing, now)
        db["occurrences"].update(occ["id"], {"item_id": new_id})
        _move_report_history(db, link["from_item_id"], new_id, occ["report_id"])
        for item_id in (link["from_item_id"], new_id):
            _refresh_origin(db, item_id)
            refresh_item(db, item_id, now)
        db["links"].update(link_id, {"from_item_id": new_id, "confirmed": 0})
    return db["links"].get(link_id)


def _move_report_history(db: Database, old_id: str, new_id: str, report_id: str):
    # A tracker's status belongs to the printing it was printed beside.
    db.execute(
        "UPDATE status_history SET item_id = ? WHERE item_id = ? AND report_id = ? "
        "AND source = 'tracker'",
        [new_id, old_id, report_id],
    )


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
