"""Datasette plugin: an analyst's status change from the browser (--edit only).

GET /-/set-status?item_id=ID shows the item and a form (with a choice of
force when the item applies to several, as `hmic status --force`); POST records the
change with pipeline.serve.record_analyst_status, the same record_change that
`hmic status` calls, so the change gets its status_history row and names the
signed-in analyst. A bad status word shows an error and saves nothing.
Without `hmic serve --edit` the route answers 404; without a signed-in
analyst it answers 403 (POST) or sends the browser to /-/login (GET).
"""

from __future__ import annotations

import asyncio

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response

from pipeline.register import UnknownItem
from pipeline.serve import PLUGIN, analyst_of, record_analyst_status
from pipeline.statuses import RAGS, STATUSES


async def set_status(request, datasette):
    config = datasette.plugin_config(PLUGIN) or {}
    if not config.get("edit"):
        return Response.text(
            "Read-only: start hmic serve with --edit to change statuses", status=404
        )
    analyst = analyst_of(request.actor, config)
    if request.method == "POST":
        form = await request.post_vars()
        if analyst is None:
            return Response.text("Sign in at /-/login to change a status", status=403)
        return await _save(request, datasette, config, analyst, form)
    if analyst is None:
        return Response.redirect(datasette.urls.path("/-/login"))
    return await _form(request, datasette, config, request.args.get("item_id", ""))


async def _save(request, datasette, config, analyst, form):
    item_id = (form.get("item_id") or "").strip()
    word = (form.get("status") or "").strip()
    note = (form.get("note") or "").strip() or None
    force = (form.get("force") or "").strip() or None
    path = datasette.get_database(config["database"]).path
    try:
        await asyncio.to_thread(
            record_analyst_status, path, item_id, word, note, analyst, force
        )
    except (UnknownItem, ValueError) as exc:
        reason = f"no item {item_id!r}" if isinstance(exc, UnknownItem) else exc
        reason = str(reason).replace("with --force", "by choosing the force")
        datasette.add_message(request, f"Nothing saved: {reason}", datasette.ERROR)
        return await _form(request, datasette, config, item_id, word, note, 400, force)
    whose = f" ({force})" if force else ""
    datasette.add_message(
        request, f"Saved: {word}{whose} for item {item_id}, by {analyst}"
    )
    return Response.redirect(config["item_url"].format(item_id=tilde_encode(item_id)))


async def _form(
    request, datasette, config, item_id, word="", note="", status=200, force=None
):
    from pipeline.tracking import item_forces

    database = datasette.get_database(config["database"])
    rows = await database.execute(
        "select id, kind, text, status, rag from items where id = ?", [item_id]
    )
    forces = await database.execute_fn(lambda conn: item_forces(conn, item_id))
    context = {
        "item": dict(rows.first()) if rows.first() else None,
        "item_id": item_id,
        "word": word,
        "note": note or "",
        "force": force or "",
        "forces": forces,  # a choice of force when the item applies to several
        "choices": [*STATUSES, *RAGS],
    }
    html = await datasette.render_template("set_status.html", context, request=request)
    return Response.html(html, status=status)


@hookimpl
def register_routes():
    return [(r"^/-/set-status$", set_status)]
