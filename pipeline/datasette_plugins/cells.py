"""Datasette plugin: cells an analyst can read and follow.

- An item id in a view or a canned query links to the item's page
  (/register/items/ID); in a table, Datasette links foreign keys itself.
- A report's title links to the report's page when its id is in the row.
- A JSON list ('["HMIC", "HMIP"]') reads as plain text: "HMIC, HMIP".

Loaded by pipeline/serve.py (plugins_dir); pdf_links.py renders `pdf` cells.
"""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup

ITEM_ID_COLUMNS = {"item_id", "from_item_id", "to_item_id", "parent_item_id"}
VIEWS_KEYED_BY_ITEM_ID = {"open_items", "repeated_items"}  # their `id` is an item's
BASE_TABLES = {"items", "occurrences", "status_history", "links", "reports"}
# title column -> the column of the same row that holds the report's id
REPORT_TITLE_COLUMNS = {
    "first_report": "first_report_id",
    "report": "report_id",
    "tracker": "report_id",
}
JSON_LIST_COLUMNS = {"inspectorates", "warnings"}
# Words of the register's vocabularies ("area_for_improvement") may wrap at
# their underscores, so narrow columns don't break them mid-word.
VOCABULARY_COLUMNS = {"kind", "status", "register_status", "report_kind", "field"}


def json_list_text(value: object) -> str | None:
    """'HMIC, HMIP' for '["HMIC", "HMIP"]'; '' for '[]'; None if not a list.

    >>> json_list_text('["HMIC", "HMIP"]'), json_list_text("[]"), json_list_text("x")
    ('HMIC, HMIP', '', None)
    """
    if not isinstance(value, str) or not value.startswith("["):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    return ", ".join(str(item) for item in items)


def link(href: str, text: object, css_class: str) -> Markup:
    return Markup('<a href="{}" class="{}">{}</a>').format(href, css_class, text)


def row_value(row, column: str) -> object:
    try:
        return row[column]
    except (IndexError, KeyError):
        return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column in JSON_LIST_COLUMNS:
        text = json_list_text(value)
        if text is not None:
            return Markup(text or "&nbsp;")
    if not isinstance(value, str) or not value:
        return None
    if column in VOCABULARY_COLUMNS and "_" in value:
        return Markup("_<wbr>").join(value.split("_"))
    is_item_id = column in ITEM_ID_COLUMNS or (
        column == "id" and table in VIEWS_KEYED_BY_ITEM_ID
    )
    if is_item_id and table not in BASE_TABLES:
        href = datasette.urls.row(database, "items", tilde_encode(value))
        return link(href, value, "item-link")
    if column in REPORT_TITLE_COLUMNS and table not in BASE_TABLES:
        report_id = row_value(row, REPORT_TITLE_COLUMNS[column])
        if isinstance(report_id, str) and report_id:
            href = datasette.urls.row(database, "reports", tilde_encode(report_id))
            return link(href, value, "report-link")
    if table == "reports" and column == "title":
        report_id = row_value(row, "id")
        if isinstance(report_id, str):
            href = datasette.urls.row(database, "reports", tilde_encode(report_id))
            return link(href, value, "report-link")
    return None
