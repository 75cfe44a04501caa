"""The register database: open it, load one report document, record analysts' changes.

The register is written only through this module; the work is done one step per
module, and everything is imported from here (`from pipeline.register import
load_document`), as before the split:

- `store`: opening and migrating, the write transaction, errors, and the
  analysts' columns derived from `status_history`;
- `loading`: one report document in one transaction (new, skipped, re-saved);
- `printings`: each printing matched to an item or made one, with its links,
  parent, placeholder report, deadline and a tracker's printed status;
- `reextract`: a report's occurrences refreshed after an extractor upgrade;
- `edits`: analysts' changes and their corrections of extraction;
- `links`: reviewing the links de-duplication made.

Analysts' columns (status, rag, owner, target_date, notes, closure_evidence)
are never written from a report: they are derived from `status_history`,
where the newest entry wins, so a tracker paper from 2017 cannot overwrite an
analyst's change made since.
"""

from . import dedupe  # tests reach it as register.dedupe
from .edits import (
    add_item,
    check_force,
    check_target_after_publication,
    check_value,
    confirm_item,
    edit_item,
    is_iso_day,
    merge_items,
    record_change,
    reject_item,
    resolve_item_id,
)
from .links import confirm_link, split_link, unsure_links
from .loading import SLEEP_HOOK, SLEEP_MARKER, load_document
from .printings import PLACEHOLDER_PREFIX, deadline_columns, placeholder_report
from .store import (
    ANALYST_FIELDS,
    AmbiguousItem,
    Database,
    Loaded,
    UnknownItem,
    UnknownLink,
    UnknownReport,
    analyst_text,
    check_integrity,
    document_to_report_row,
    log_attempt,
    now_iso,
    open_register,
    refresh_item,
    report_id_for_file,
    write_transaction,
)

__all__ = [
    "ANALYST_FIELDS", "PLACEHOLDER_PREFIX", "SLEEP_HOOK", "SLEEP_MARKER",
    "AmbiguousItem", "Database", "Loaded", "UnknownItem", "UnknownLink",
    "UnknownReport", "add_item", "analyst_text", "check_force", "check_integrity",
    "check_target_after_publication", "check_value", "confirm_item", "confirm_link",
    "dedupe",
    "deadline_columns", "document_to_report_row", "edit_item", "is_iso_day",
    "load_document", "log_attempt", "merge_items", "now_iso", "open_register",
    "placeholder_report", "record_change", "refresh_item", "reject_item",
    "report_id_for_file", "resolve_item_id", "split_link", "unsure_links",
    "write_transaction",
]  # fmt: skip
