"""The register as the JSON document of contract §2, in a fixed order.

Reports by publication date then id, items by their first printing, and
occurrences by their report's date then position, so two exports of the same
register are byte-identical.
"""

from __future__ import annotations

import json

from .database import Database
from .tracking import force_states

REPORT_ORDER = "ORDER BY published IS NULL, published, id"


def register_to_document(db: Database) -> dict:
    """{"reports": [...], "items": [...]} as contract §2 describes."""
    keys = ("id", "sha256", "title", "published", "force", "kind")
    reports = [
        dict(zip(keys, row, strict=True))
        for row in db.execute(
            f"SELECT {', '.join(keys)} FROM reports WHERE NOT placeholder "
            f"{REPORT_ORDER}"
        )
    ]
    forces = force_states(db.conn)
    occurrences: dict[str, list[dict]] = {}
    for item_id, report_id, number, page in db.execute(
        "SELECT occurrences.item_id, occurrences.report_id, occurrences.number, "
        "occurrences.page FROM occurrences JOIN reports ON reports.id = "
        "occurrences.report_id ORDER BY reports.published IS NULL, reports.published, "
        "reports.id, abs(occurrences.position), occurrences.id"
    ):
        occurrences.setdefault(item_id, []).append(
            {"report_id": report_id, "number": number, "page": page}
        )
    items = [
        {
            "id": item_id,
            "kind": kind,
            "text": text,
            "status": status,
            "occurrences": occurrences.get(item_id, []),
            "addressee": addressee,
            "deadline": deadline,
            "forces": forces.get(item_id, []),
        }
        for item_id, kind, text, status, addressee, deadline in db.execute(
            "SELECT items.id, items.kind, items.text, items.status, items.addressee, "
            "items.deadline_date FROM items "
            "LEFT JOIN reports ON reports.id = items.first_report_id "
            "WHERE items.rejected_at IS NULL "
            "ORDER BY items.first_published IS NULL, items.first_published, "
            "reports.id, (SELECT min(abs(position)) FROM occurrences "
            "WHERE occurrences.item_id = items.id AND occurrences.report_id = "
            "items.first_report_id), items.id"
        )
    ]
    return {"reports": reports, "items": items}


def document_to_json(document: dict) -> str:
    """Indented JSON with a final newline, non-ASCII kept as printed."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def export_json(db: Database) -> str:
    """The whole register as contract §2 JSON text."""
    return document_to_json(register_to_document(db))
