"""What the register was unsure of, in one queue, and the actions that settle it.

`hmic review` prints the queue and the Datasette page /-/review shows it
(datasette_plugins/review.py); both act through `act`, which calls the same
functions as `hmic item confirm|edit|reject`, `hmic review-links` and the
import's review:

- `low_confidence`: items the extractor read from a weak cue or with a guessed
  end (`items.confidence` under LOW_CONFIDENCE), until an analyst confirms,
  corrects or rejects them;
- `links`: links de-duplication was unsure about (confirm or split);
- `missing`: items a re-extract no longer finds (confirm, correct or reject);
- `tracker_rows`: imported tracker rows not surely linked to an item (confirm
  the link, or correct or reject the item it made);
- `placeholders`: items of placeholder reports, quoted by a tracker or an
  import from a report the register lacks (confirm, correct or reject).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .database import Database, dict_rows

LOW_CONFIDENCE = 0.5
"""Below this, extraction's reading rests on a weak cue or a guessed end
(README, "How extraction works"); such an item waits for an analyst."""

SECTIONS = {
    "low_confidence": "Items extraction was unsure of (confidence under 0.5)",
    "links": "Links de-duplication was unsure about",
    "missing": "Items a re-extract no longer finds",
    "tracker_rows": "Tracker rows not linked to an item",
    "placeholders": "Items of reports not yet ingested (placeholders)",
}
"""Section key → heading, in the order the queue shows them."""

ACTIONS = ("confirm", "correct", "reject", "confirm-link", "split-link", "confirm-row")

_NOT_REVIEWED = "i.rejected_at IS NULL AND i.reviewed_at IS NULL"
_ITEM_COLUMNS = (
    "i.id, i.kind, i.text, i.confidence, r.title AS report, "
    "(SELECT o.page FROM occurrences AS o WHERE o.item_id = i.id "
    "ORDER BY o.missing_since IS NOT NULL, o.rowid LIMIT 1) AS page, "
    "(SELECT o.rule FROM occurrences AS o WHERE o.item_id = i.id "
    "AND o.confidence = i.confidence LIMIT 1) AS rule"
)


def review_queue(db: Database | sqlite3.Connection, limit: int | None = None) -> dict:
    """{section key: list of row dicts}, in SECTIONS order, each list at most
    `limit` long (all when None). Reads only, so a read-only connection will do.
    Items rows have id, kind, text, confidence, report (title), page and rule;
    links rows are `links.unsure_links` rows; tracker rows are import_rows.
    """
    from .links import unsure_links

    connection = getattr(db, "conn", db)
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    reports = "FROM items AS i LEFT JOIN reports AS r ON r.id = i.first_report_id"
    queue = {
        "low_confidence": dict_rows(
            connection,
            f"SELECT {_ITEM_COLUMNS} {reports} WHERE i.confidence < ? "
            f"AND {_NOT_REVIEWED} ORDER BY i.confidence, r.title, page, i.id{cap}",
            [LOW_CONFIDENCE],
        ),
        "links": unsure_links(Database(connection))[:limit],
        "missing": dict_rows(
            connection,
            f"SELECT {_ITEM_COLUMNS}, i.missing_since {reports} "
            "WHERE i.missing_since IS NOT NULL AND i.rejected_at IS NULL AND "
            "(i.reviewed_at IS NULL OR i.reviewed_at < i.missing_since) "
            f"ORDER BY i.missing_since DESC, i.id{cap}",
        ),
        "tracker_rows": dict_rows(
            connection,
            "SELECT id, file_name, sheet, row, text, reason, item_id, score "
            "FROM import_rows WHERE outcome = 'review' "
            f"ORDER BY file_name, sheet, row{cap}",
        ),
        "placeholders": dict_rows(
            connection,
            f"SELECT {_ITEM_COLUMNS} {reports} WHERE r.placeholder = 1 "
            f"AND {_NOT_REVIEWED} ORDER BY r.title, i.created_at, i.id{cap}",
        ),
    }
    return queue


def review_reason(item: dict, placeholder: bool = False) -> str | None:
    """Why the queue lists `item` (an `items` row; `placeholder`: its first
    report is a placeholder), or None: review_queue's item rules for one item,
    as the item's page says them."""
    if item.get("rejected_at"):
        return None
    reviewed, missing = item.get("reviewed_at"), item.get("missing_since")
    confidence = item.get("confidence")
    if not reviewed and confidence is not None and confidence < LOW_CONFIDENCE:
        return f"extraction was unsure of it (confidence {confidence:.2f})"
    if missing and (not reviewed or reviewed < missing):
        return "a re-extract no longer finds it"
    if placeholder and not reviewed:
        return "its report is not yet ingested (a placeholder)"
    return None


def queue_size(queue: dict) -> int:
    """How many entries the queue holds, over every section."""
    return sum(len(entries) for entries in queue.values())


def act(
    db: Database,
    action: str,
    target: str,
    *,
    text: str | None = None,
    reason: str | None = None,
    analyst: str | None = None,
) -> str:
    """Carry out one review action on `target` (an item id or prefix, a link
    id, an import row id); return what was done, e.g. "item 1c3e… confirmed".

    - confirm ITEM: right as it stands (`edits.confirm_item`);
    - correct ITEM: its text is `text` (`edits.edit_item`);
    - reject ITEM: not an item, because `reason` (`edits.reject_item`);
    - confirm-link / split-link LINK (`links.confirm_link` / `split_link`);
    - confirm-row ROW: the imported row tracks the item it was linked to
      (`import_tracker.confirm_row`).

    Raises ValueError for an unknown action, a missing text or reason, or a
    bad id; UnknownItem, UnknownLink and import_tracker.UnknownRow for ids the
    register lacks.
    """
    from .edits import confirm_item, edit_item, reject_item
    from .import_tracker import confirm_row
    from .links import confirm_link, split_link

    target = (target or "").strip()
    reason = (reason or "").strip() or None
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not a review action; use {', '.join(ACTIONS)}")
    if action in ("confirm-link", "split-link", "confirm-row"):
        number = _number(target, "link" if "link" in action else "row")
        if action == "confirm-row":
            confirm_row(db, number, analyst=analyst)
            return f"tracker row {number} confirmed"
        if action == "confirm-link":
            confirm_link(db, number, analyst=analyst)
            return f"link {number} confirmed"
        split_link(db, number, analyst=analyst)
        return f"link {number} split"
    if action == "correct":
        if not (text or "").strip():
            raise ValueError("the corrected text is empty; give the item's words")
        row = edit_item(db, target, text.strip(), reason=reason, analyst=analyst)
        return f"item {row['id']} corrected"
    if action == "reject":
        if not reason:
            raise ValueError("say why the item is rejected (a reason)")
        row = reject_item(db, target, reason=reason, analyst=analyst)
        return f"item {row['id']} rejected"
    row = confirm_item(db, target, reason=reason, analyst=analyst)
    return f"item {row['id']} confirmed"


def _number(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a {what} number") from None


def queue_to_text(queue: dict[str, list[dict[str, Any]]], width: int = 100) -> str:
    """The queue as `hmic review` prints it: a heading per section with its
    count, then one entry a line or two, each with the command that settles it."""
    lines = []
    for key, heading in SECTIONS.items():
        entries = queue.get(key) or []
        lines.append(f"{heading}: {len(entries)}")
        for entry in entries:
            lines.extend(_entry_lines(key, entry, width))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _entry_lines(key: str, entry: dict, width: int) -> list[str]:
    if key == "links":
        return [
            f"  link {entry['id']} ({entry['kind']}, score {entry['score']}) "
            f"item {entry['item_id']}: --confirm-link {entry['id']} | "
            f"--split-link {entry['id']}",
            f"    later   ({entry['later_report']}): "
            + _short(entry["later_text"], width),
            f"    earlier ({entry['earlier_report']}): "
            + _short(entry["earlier_text"], width),
        ]
    if key == "tracker_rows":
        sheet = f", {entry['sheet']}" if entry["sheet"] else ""
        linked = f" → item {entry['item_id']}" if entry["item_id"] else ""
        return [
            f"  row {entry['id']} ({entry['file_name']}{sheet} row {entry['row']}: "
            f"{entry['reason'] or 'review'}){linked}: --confirm-row {entry['id']}",
            "    " + _short(entry["text"], width),
        ]
    confidence = entry.get("confidence")
    why = [f"confidence {confidence:.2f}" if confidence is not None else None,
           entry.get("rule"),
           f"missing since {entry['missing_since'][:10]}"
           if entry.get("missing_since") else None]  # fmt: skip
    page = f", p. {entry['page']}" if entry.get("page") else ""
    return [
        f"  item {entry['id']} {entry['kind']} ({entry['report']}{page}; "
        f"{', '.join(w for w in why if w) or 'to check'}): --confirm | --correct "
        "--text … | --reject --reason …",
        "    " + _short(entry["text"], width),
    ]
