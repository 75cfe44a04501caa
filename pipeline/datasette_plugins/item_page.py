"""Datasette plugin: everything about one item on its row page.

/register/items/ID is rendered by templates/row-register-items.html with the
`item_page` this plugin adds: the item, where it was first printed, its
dated history, every printing with its PDF link, the cause of concern it
answers or the recommendations that answer it, and the items linked to it.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components

from pipeline.database import dict_rows
from pipeline.review import review_reason
from pipeline.serve import PLUGIN, analyst_of
from pipeline.statuses import RAGS, STATUSES
from pipeline.vocabulary import KIND_NAMES

KIND_LABELS = {kind: names[0].capitalize() for kind, names in KIND_NAMES.items()}


def pdf_href(file_name: str | None, page: int | None) -> str | None:
    """'/corpus/x.pdf#page=3', the link the views' `pdf` columns hold."""
    return f"/corpus/{file_name}#page={page}" if file_name and page else None


def item_page_data(connection: sqlite3.Connection, item_id: str) -> dict | None:
    """What the item page shows for `item_id`, or None when there is no item.

    Keys: item, kind_label, first (its first printing), printings, history,
    cause, answers (recommendations answering it), related (linked items),
    forces (each force the item applies to, with its own status, RAG, owner
    and target date, pipeline/tracking.py), review (why the review queue
    lists it, or None).
    """
    found = dict_rows(connection, "SELECT * FROM items WHERE id = ?", [item_id])
    if not found:
        return None
    printings = dict_rows(
        connection,
        "SELECT o.*, r.title AS report, r.published, r.kind AS report_kind, "
        "r.force, r.file_name FROM occurrences AS o JOIN reports AS r "
        "ON r.id = o.report_id WHERE o.item_id = ? "
        "ORDER BY r.published IS NULL, r.published, o.position",
        [item_id],
    )
    for printing in printings:
        printing["pdf"] = pdf_href(printing["file_name"], printing["page"])
    item = found[0]
    first = next(
        (p for p in printings if p["report_id"] == item["first_report_id"]),
        printings[0] if printings else None,
    )
    history = item_history(connection, item_id)
    return {
        "item": item,
        "kind_label": KIND_LABELS.get(item["kind"], item["kind"]),
        "first": first,
        "printings": printings,
        "history": history,
        "forces": force_states(connection, item_id, history),
        "review": review_reason(item, is_placeholder(connection, item)),
        "cause": cause_of_concern(connection, item_id),
        "answers": answering_items(connection, item_id),
        "related": related_items(connection, item_id),
    }


def item_history(connection: sqlite3.Connection, item_id: str) -> list[dict]:
    """The item's status_history, oldest first, with the report's title."""
    return dict_rows(
        connection,
        "SELECT h.*, r.title AS report FROM status_history AS h "
        "LEFT JOIN reports AS r ON r.id = h.report_id WHERE h.item_id = ? "
        "ORDER BY h.date, h.recorded_at, h.id",
        [item_id],
    )


def force_states(
    connection: sqlite3.Connection, item_id: str, history: list[dict]
) -> list[dict]:
    """[{force, status, rag, owner, target_date}] for each force the item
    applies to, each from that force's newest entries and those for no force,
    as `hmic export` gives them (tracking.newest_values)."""
    from pipeline.tracking import FIELDS, item_forces, newest_values

    forces = item_forces(connection, item_id)
    if len(forces) == 1:  # the item's own columns are that force's
        item = dict_rows(connection, "SELECT * FROM items WHERE id = ?", [item_id])[0]
        return [{"force": forces[0], **{f: item[f] for f in FIELDS}}]
    return [{"force": force, **newest_values(history, force)} for force in forces]


def is_placeholder(connection: sqlite3.Connection, item: dict) -> bool:
    """True when the item's first report is a placeholder (not yet ingested)."""
    found = connection.execute(
        "SELECT placeholder FROM reports WHERE id = ?", [item["first_report_id"]]
    ).fetchone()
    return bool(found and found[0])


def cause_of_concern(connection: sqlite3.Connection, item_id: str) -> dict | None:
    """The cause of concern a recommendation answers, if a report says so."""
    found = dict_rows(
        connection,
        "SELECT i.id, i.kind, i.text FROM occurrences AS o JOIN items AS i "
        "ON i.id = o.parent_item_id WHERE o.item_id = ? LIMIT 1",
        [item_id],
    )
    return found[0] if found else None


def answering_items(connection: sqlite3.Connection, item_id: str) -> list[dict]:
    """The recommendations that answer the cause of concern `item_id`."""
    return dict_rows(
        connection,
        "SELECT DISTINCT i.id, i.kind, i.text, i.status, o.number "
        "FROM occurrences AS o JOIN items AS i ON i.id = o.item_id "
        "WHERE o.parent_item_id = ? AND o.item_id != ? ORDER BY o.position",
        [item_id, item_id],
    )


def related_items(connection: sqlite3.Connection, item_id: str) -> list[dict]:
    """Items linked to `item_id` (repeats, supersedes, quotes), either way."""
    return dict_rows(
        connection,
        "SELECT l.id AS link_id, l.kind, l.score, l.confirmed, "
        "CASE WHEN l.from_item_id = ? THEN 'later' ELSE 'earlier' END AS this_is, "
        "i.id, i.kind AS item_kind, i.text, i.status FROM links AS l "
        "JOIN items AS i ON i.id = CASE WHEN l.from_item_id = ? "
        "THEN l.to_item_id ELSE l.from_item_id END "
        "WHERE ? IN (l.from_item_id, l.to_item_id) AND i.id != ? "
        "AND coalesce(l.confirmed, 1) != 0 ORDER BY l.kind, l.score DESC",
        [item_id, item_id, item_id, item_id],
    )


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "row" or table != "items" or request is None:
        return None

    async def item_page_vars():
        item_id = urlsafe_components(request.url_vars["pks"])[0]
        db = datasette.get_database(database)
        page = await db.execute_fn(lambda conn: item_page_data(conn, item_id))
        config = datasette.plugin_config(PLUGIN) or {}
        return {
            "item_page": page,
            "edit": bool(config.get("edit")),
            "analyst": analyst_of(request.actor, config),
            "choices": [*STATUSES, *RAGS],
            "item_url": lambda id: datasette.urls.row(
                database, "items", tilde_encode(id)
            ),
            "report_url": lambda id: datasette.urls.row(
                database, "reports", tilde_encode(id)
            ),
        }

    return item_page_vars
