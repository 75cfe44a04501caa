"""Re-extraction: a report's occurrences refreshed after an extractor upgrade;
item ids, links and analysts' fields stay, and an item no longer found is
flagged `missing_since`."""

from __future__ import annotations

from . import dedupe
from .database import Database
from .printings import (
    _load_printings,
    _record_printed_status,
    extracted_columns,
    refresh_confidence,
)
from .store import (
    Loaded,
    document_to_report_row,
)


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
    refresh_confidence(db, report_id)
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
            **extracted_columns(printing),  # the new extractor's confidence
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
