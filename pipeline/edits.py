"""Analysts' changes: statuses and the other analyst fields, checked, and
their corrections of extraction (items added, edited, rejected)."""

from __future__ import annotations

from datetime import datetime

from . import tracking
from .database import Database
from .printings import (
    _insert_item,
    _insert_occurrence,
    _refresh_origin,
    refresh_confidence,
)
from .statuses import RAGS, STATUSES
from .store import (
    ANALYST_FIELDS,
    AmbiguousItem,
    UnknownItem,
    UnknownReport,
    now_iso,
    refresh_item,
    write_transaction,
)
from .vocabulary import KINDS


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
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind; use {', '.join(KINDS)}")
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
        db["occurrences"].update(
            occ_id, {"added_by": analyst or "analyst", "rule": "analyst"}
        )
        db["items"].update(item_id, {"reviewed_at": now})  # read by an analyst
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
        db["items"].update(
            item_id, {"text": text, "updated_at": now, "reviewed_at": now}
        )
    return db["items"].get(item_id)


def confirm_item(
    db: Database,
    item_id: str,
    *,
    reason: str | None = None,
    analyst: str | None = None,
    now: str | None = None,
) -> dict:
    """Say an item the extractor was unsure of (confidence under 0.5, a
    placeholder report's, one a re-extract no longer finds) is right as it
    stands; return the item row.

    It leaves `hmic review` (`items.reviewed_at`), and the confirmation is a
    history entry naming who and why; re-extraction does not undo it.
    """
    return _mark_item(db, item_id, "confirmed", "reviewed_at", reason, analyst, now)


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
    return _mark_item(db, item_id, "rejected", "rejected_at", reason, analyst, now)


def _mark_item(
    db: Database, item_id: str, field_name: str, column: str, reason, analyst, now
) -> dict:
    # Confirming and rejecting differ only in the history's field and the
    # item's column that is stamped; the entry's value is the day it was done.
    now = now or now_iso()
    with write_transaction(db):
        item_id = resolve_item_id(db, item_id)
        _correction(db, item_id, field_name, now[:10], None, reason, analyst, now)
        db["items"].update(item_id, {column: now, "updated_at": now})
    return db["items"].get(item_id)


def merge_items(
    db: Database,
    keep_id: str,
    other_id: str,
    *,
    reason: str | None = None,
    analyst: str | None = None,
    now: str | None = None,
) -> dict:
    """Make two items one: `other_id`'s printings, history, links and imported
    rows become `keep_id`'s; return the kept item's row.

    For the repeat de-duplication missed (two wordings of one recommendation).
    The other item stays, rejected and `merged_into` the kept one, so its id
    still answers and the merge is history on both; later printings like it
    join the kept item, and re-extraction keeps them together. Undo a printing
    with `hmic review-links --split`. Raises ValueError for an item merged
    into itself.
    """
    now = now or now_iso()
    with write_transaction(db):
        keep_id = resolve_item_id(db, keep_id)
        other_id = resolve_item_id(db, other_id)
        if keep_id == other_id:
            raise ValueError(f"{keep_id}: an item cannot be merged into itself")
        moves = (
            ("occurrences", "item_id"), ("occurrences", "parent_item_id"),
            ("links", "from_item_id"), ("links", "to_item_id"),
            ("import_rows", "item_id"),
        )  # fmt: skip
        for table, column in moves:
            db.execute(
                f"UPDATE {table} SET {column} = ? WHERE {column} = ?",
                [keep_id, other_id],
            )
        # A tracker's or an import's entry the kept item has already stays once.
        db.execute(
            "UPDATE OR IGNORE status_history SET item_id = ? WHERE item_id = ?",
            [keep_id, other_id],
        )
        _correction(db, keep_id, "merged", other_id, None, reason, analyst, now)
        _correction(db, other_id, "merged", keep_id, None, reason, analyst, now)
        db["items"].update(
            other_id, {"merged_into": keep_id, "rejected_at": now, "updated_at": now}
        )
        db.execute(
            "UPDATE items SET missing_since = NULL WHERE id = ? AND EXISTS (SELECT 1 "
            "FROM occurrences WHERE item_id = ? AND missing_since IS NULL)",
            [keep_id, keep_id],
        )
        _refresh_origin(db, keep_id)
        refresh_item(db, keep_id, now)
        refresh_confidence(db, item_ids=(keep_id,))
    return db["items"].get(keep_id)
