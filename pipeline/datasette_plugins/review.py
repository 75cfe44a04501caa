"""Datasette plugin: /-/review, what an analyst should look at next.

Lists the links de-duplication was unsure about, items a re-extract no
longer finds, and imported tracker rows waiting for review. With `hmic serve
--edit` a signed-in analyst acts on them with the functions the CLI calls:
confirm or split a link (`hmic review-links --confirm/--split`), correct an
item's text or reject it (`hmic item edit/reject`). Each action is a POST to
/-/review/act, checked like every write (datasette_plugins/guard.py).
"""

from __future__ import annotations

import asyncio
import sqlite3

from datasette import hookimpl
from datasette.utils.asgi import Response

from pipeline.database import Database
from pipeline.serve import METADATA_DATABASE, PLUGIN, analyst_of

LISTED = 100


def table_columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f"PRAGMA table_info([{table}])")}


def rows(connection: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def review_queue(connection: sqlite3.Connection) -> dict:
    """{links, missing, tracker_rows}: the three lists of the review page."""
    from pipeline.register import unsure_links

    not_rejected = (
        "AND i.rejected_at IS NULL"
        if "rejected_at" in table_columns(connection, "items")
        else ""
    )
    missing = rows(
        connection,
        "SELECT i.id, i.kind, i.text, i.missing_since, r.title AS report "
        "FROM items AS i LEFT JOIN reports AS r ON r.id = i.first_report_id "
        f"WHERE i.missing_since IS NOT NULL {not_rejected} "
        f"ORDER BY i.missing_since DESC LIMIT {LISTED}",
    )
    tracker_rows = []
    if table_columns(connection, "import_rows"):
        tracker_rows = rows(
            connection,
            "SELECT id, file_name, sheet, row, text, reason, item_id, score "
            "FROM import_rows WHERE outcome = 'review' "
            f"ORDER BY file_name, sheet, row LIMIT {LISTED}",
        )
    return {
        "links": unsure_links(Database(connection))[:LISTED],
        "missing": missing,
        "tracker_rows": tracker_rows,
    }


def act(db_path: str, form: dict, analyst: str) -> str:
    """Carry out one review action; return what was done, for the message.

    Raises ValueError (or UnknownItem/UnknownLink) for a bad request.
    """
    from pipeline.register import (
        confirm_link,
        edit_item,
        open_register,
        reject_item,
        split_link,
    )

    action = form.get("action", "")
    db = open_register(db_path)
    try:
        if action in ("confirm", "split"):
            link_id = int(form.get("link_id", ""))
            (confirm_link if action == "confirm" else split_link)(db, link_id)
            return f"link {link_id} {'confirmed' if action == 'confirm' else 'split'}"
        item_id = form.get("item_id", "")
        reason = (form.get("reason") or "").strip() or None
        if action == "reject":
            if not reason:
                raise ValueError("say why the item is rejected")
            reject_item(db, item_id, reason=reason, analyst=analyst)
            return f"item {item_id} rejected"
        if action == "edit":
            text = (form.get("text") or "").strip()
            if not text:
                raise ValueError("the corrected text is empty")
            edit_item(db, item_id, text, reason=reason, analyst=analyst)
            return f"item {item_id} corrected"
        raise ValueError(f"unknown action {action!r}")
    finally:
        db.conn.close()


async def review(request, datasette):
    config = datasette.plugin_config(PLUGIN) or {}
    db = datasette.get_database(METADATA_DATABASE)
    queue = await db.execute_fn(review_queue)
    context = {
        **queue,
        "edit": bool(config.get("edit")),
        "analyst": analyst_of(request.actor, config),
    }
    html = await datasette.render_template("review.html", context, request=request)
    return Response.html(html)


async def review_act(request, datasette):
    from pipeline.register import UnknownItem, UnknownLink

    config = datasette.plugin_config(PLUGIN) or {}
    if request.method != "POST":
        return Response.redirect("/-/review")
    if not config.get("edit"):
        return Response.text(
            "Read-only: start hmic serve with --edit to act on the queue", status=404
        )
    form = await request.post_vars()
    analyst = analyst_of(request.actor, config)
    if analyst is None:
        return Response.text("Sign in at /-/login to act on the queue", status=403)
    path = datasette.get_database(METADATA_DATABASE).path
    try:
        done = await asyncio.to_thread(act, path, form, analyst)
    except (UnknownItem, UnknownLink, ValueError) as exc:
        datasette.add_message(request, f"Nothing done: {exc}", datasette.ERROR)
    else:
        datasette.add_message(request, f"Done: {done}, by {analyst}")
    return Response.redirect("/-/review")


@hookimpl
def register_routes():
    return [(r"^/-/review$", review), (r"^/-/review/act$", review_act)]


@hookimpl
def menu_links(datasette, actor):
    return [{"href": datasette.urls.path("/-/review"), "label": "Review queue"}]
