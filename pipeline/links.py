"""Reviewing the links de-duplication made: list the unsure ones, confirm one,
or split a printing off into an item of its own."""

from __future__ import annotations

from . import dedupe
from .database import Database
from .printings import (
    _insert_item,
    _refresh_origin,
    refresh_confidence,
)
from .store import (
    UnknownLink,
    now_iso,
    refresh_item,
    write_transaction,
)


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


def confirm_link(
    db: Database, link_id: int, *, analyst: str | None = None, now: str | None = None
) -> dict:
    """Mark a link as right: the two printings are one item. `analyst` (who)
    and the time are kept on the link."""
    now = now or now_iso()
    with write_transaction(db):
        _get_link(db, link_id)
        db["links"].update(
            link_id, {"confirmed": 1, "reviewed_by": analyst, "reviewed_at": now}
        )
    return db["links"].get(link_id)


def split_link(
    db: Database,
    link_id: int,
    now: str | None = None,
    *,
    analyst: str | None = None,
) -> dict:
    """Undo a link: the linked printing becomes an item of its own.

    The link stays (confirmed = 0) pointing from the new item to the old one,
    and later ingests keep them apart; `analyst` and the time are kept on it.
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
        refresh_confidence(db, item_ids=(link["from_item_id"], new_id))
        db["links"].update(
            link_id,
            {"from_item_id": new_id, "confirmed": 0, "reviewed_by": analyst,
             "reviewed_at": now},
        )  # fmt: skip
    return db["links"].get(link_id)


def _move_report_history(db: Database, old_id: str, new_id: str, report_id: str):
    # A tracker's status belongs to the printing it was printed beside.
    db.execute(
        "UPDATE status_history SET item_id = ? WHERE item_id = ? AND report_id = ? "
        "AND source = 'tracker'",
        [new_id, old_id, report_id],
    )
