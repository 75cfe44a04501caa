"""Each printing of a report becomes an occurrence of a new or matched item.

Matching (pipeline/dedupe.py), the links it makes, parents, placeholders for
reports a tracker quotes, deadlines, and a tracker's printed statuses as
history.
"""

from __future__ import annotations

from collections.abc import Iterator

from extract.addressee import text_to_addressee
from extract.deadline import text_to_deadline
from extract.status import printed_to_status

from . import dedupe
from .database import Database
from .statuses import printed_to_rag
from .store import (
    analyst_text,
    refresh_item,
)


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
    refresh_confidence(db, report_id)
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
    rows = db.execute(
        f"{_CANDIDATE_SQL} WHERE items.merged_into IS NULL ORDER BY items.id"
    ).fetchall()
    # An item an analyst merged into another (edits.merge_items) stands for
    # that one, its printings included: a later printing worded like it joins
    # the item it was merged into.
    merged = db.execute(
        f"{_CANDIDATE_SQL.replace('items.id', 'items.merged_into')} "
        "WHERE items.merged_into IS NOT NULL ORDER BY items.id"
    ).fetchall()
    return dedupe.CandidateIndex(_row_to_candidate(row) for row in [*rows, *merged])


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
            "addressee": printing_addressee(printing),
            **deadline_columns(printing["text"], published, printing.get("deadline")),
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
            **extracted_columns(printing),
        }
    )
    return occ_id


def extracted_columns(printing: dict) -> dict:
    """What extraction said of a printing beyond contract §1's fields, as
    `occurrences` columns: its `confidence` and `rule`, and its `addressee`
    and `deadline` wording when the extractor reads them (null otherwise)."""
    return {
        "confidence": printing.get("confidence"),
        "rule": printing.get("rule"),
        "addressee": printing.get("addressee"),
        "deadline_text": printing.get("deadline"),
    }


def printing_addressee(printing: dict) -> str | None:
    """Who the printing asks to act: the extractor's `addressee` when it gives
    one (issue 16: reading it is extraction), else read from the text."""
    if printing.get("addressee"):
        return printing["addressee"]
    return text_to_addressee(printing["text"])


def refresh_confidence(
    db: Database, report_id: str | None = None, item_ids: tuple[str, ...] = ()
) -> None:
    """Set `items.confidence` of the report's items (or of `item_ids`) to the
    lowest of their printings the extractor still finds: one weak reading puts
    the item in front of an analyst (`hmic review`) until they confirm or
    correct it."""
    lowest = (
        "UPDATE items SET confidence = (SELECT min(o.confidence) FROM occurrences "
        "AS o WHERE o.item_id = items.id AND o.missing_since IS NULL "
        "AND o.added_by IS NULL) "
    )
    if report_id is not None:
        db.execute(
            f"{lowest} WHERE id IN (SELECT item_id FROM occurrences "
            "WHERE report_id = ?)",
            [report_id],
        )
    for item_id in item_ids:
        db.execute(f"{lowest} WHERE id = ?", [item_id])


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
        "occurrences.text, reports.kind, occurrences.addressee, "
        "occurrences.deadline_text FROM occurrences JOIN reports ON "
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
        corrected = analyst_text(db, item_id)
        text = corrected or row[3]
        # The extractor's wording for the printing, unless an analyst rewrote it.
        printed = {"text": text} if corrected else {
            "text": text, "addressee": row[5], "deadline": row[6]}  # fmt: skip
        db.execute(
            "UPDATE items SET first_report_id = ?, first_published = ?, text = ?, "
            "addressee = ?, deadline_text = ?, deadline_date = ? "
            "WHERE id = ? AND (first_report_id IS NOT ? OR text IS NOT ?)",
            [row[1], row[2], text, printing_addressee(printed),
             *deadline_columns(text, row[2], printed.get("deadline")).values(),
             item_id, row[1], text],
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


def deadline_columns(
    text: str, published: str | None, printed: str | None = None
) -> dict[str, str | None]:
    """`deadline_text` and `deadline_date` of an item printed in a report of
    `published`: "Within six months" counts from its first publication.

    `printed` is the deadline wording the extractor read ("By 31 March 2024"),
    used in place of re-reading `text` when it is given (issue 16).
    """
    deadline = text_to_deadline(printed or text, published)
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
