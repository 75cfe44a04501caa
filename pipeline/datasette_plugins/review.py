"""Datasette plugin: /-/review, what an analyst should look at next.

Shows pipeline/review.py's queue, the one `hmic review` prints: items
extraction was unsure of (confidence under 0.5), links de-duplication was
unsure about, items a re-extract no longer finds, imported tracker rows
waiting for review, and items of placeholder reports. With `hmic serve
--edit` a signed-in analyst settles them through `review.act`, the function
`hmic review` calls, which calls what `hmic item confirm|edit|reject` and
`hmic review-links` call: confirm, correct or reject an item, confirm or
split a link, confirm a tracker row's link. Each action is a POST to
/-/review/act, checked like every write (datasette_plugins/guard.py), and
recorded with the signed-in analyst's name.
"""

from __future__ import annotations

import asyncio

from datasette import hookimpl
from datasette.utils.asgi import Response

from pipeline.serve import METADATA_DATABASE, PLUGIN, analyst_of

LISTED = 100

# The form's action names as the page posts them → review.act's.
FORM_ACTIONS = {"edit": "correct", "split": "split-link"}


def review_queue(connection) -> dict:
    """pipeline/review.py's queue, each section at most LISTED long."""
    from pipeline.review import review_queue as queue

    return queue(connection, limit=LISTED)


def act(db_path: str, form: dict, analyst: str) -> str:
    """Carry out one review action posted from the page; return what was done.

    `action` is confirm, correct (or edit), reject, split-link (or split),
    confirm-link or confirm-row; "confirm" with a link_id confirms the link.
    Raises ValueError (or UnknownItem/UnknownLink/UnknownRow) for a bad request.
    """
    from pipeline.register import open_register
    from pipeline.review import act as review_act

    action = FORM_ACTIONS.get(form.get("action", ""), form.get("action", ""))
    if action == "confirm" and form.get("link_id"):
        action = "confirm-link"
    target = form.get("link_id") or form.get("row_id") or form.get("item_id", "")
    if action in ("confirm-link", "split-link"):
        target = form.get("link_id", "")
    db = open_register(db_path)
    try:
        return review_act(
            db, action, target, text=form.get("text"), reason=form.get("reason"),
            analyst=analyst,
        )  # fmt: skip
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
    from pipeline.import_tracker import UnknownRow
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
    except (UnknownItem, UnknownLink, UnknownRow, ValueError) as exc:
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
