"""Loading one report document: a new report, a known file skipped, the same
report re-saved recognised by its content, or a re-extraction."""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import dedupe
from .database import Database
from .printings import (
    _load_printings,
)
from .reextract import _reextract
from .store import (
    SLEEP_HOOK,
    SLEEP_MARKER,
    Loaded,
    document_to_report_row,
    now_iso,
    report_id_for_file,
    write_transaction,
)


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


def _insert_report(
    db: Database, document: dict, content_hash: str, version: str | None, now: str
) -> Loaded:
    row = document_to_report_row(document, content_hash, version, now)
    db["reports"].insert(row)
    _insert_file(db, row["id"], document, now)
    new_items, linked = _load_printings(db, row["id"], document, range(0), now)
    return Loaded(row["id"], "loaded", None, new_items, linked)
