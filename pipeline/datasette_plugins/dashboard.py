"""Datasette plugin: the home page's dashboard and its two charts.

templates/index.html shows `dashboard` (dashboard_data): items by status and
kind, red and overdue items, items due in the next 90 days, outstanding items
by force and by year, and PCC responses due. The charts are the committee
paper's own (pipeline/committee.py draw_charts), served as PNGs at
/-/charts/age.png and /-/charts/status.png and redrawn when the file changes.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response

from pipeline.database import dict_rows
from pipeline.serve import METADATA_DATABASE
from pipeline.vocabulary import CLOSED_STATUSES, STATUSES

OUTSTANDING = "({})".format(
    ", ".join(f"'{s}'" for s in STATUSES if s not in CLOSED_STATUSES)
)
SOON_DAYS = 90
LISTED = 8
CHARTS = {"age": "Open items by age and kind", "status": "Items by status over time"}


def dashboard_data(connection: sqlite3.Connection, today: date) -> dict:
    """The dashboard's numbers and short lists, as of `today`."""
    soon = (today + timedelta(days=SOON_DAYS)).isoformat()
    now = today.isoformat()
    status_sums = ", ".join(f"sum(status = '{s}') AS {s}" for s in STATUSES)
    return {
        "today": now,
        "soon_days": SOON_DAYS,
        "statuses": STATUSES,
        "by_kind": dict_rows(
            connection,
            f"SELECT kind, {status_sums}, count(*) AS total FROM items "
            "WHERE rejected_at IS NULL GROUP BY kind ORDER BY total DESC",
        ),
        "red_or_overdue": dict_rows(
            connection,
            "SELECT item_id, kind, number, rag, due, text, "
            "CASE WHEN rag = 'red' AND due < ? THEN 'red and overdue' "
            "WHEN rag = 'red' THEN 'red' ELSE 'overdue' END AS why "
            f"FROM item_register WHERE status IN {OUTSTANDING} "
            "AND (rag = 'red' OR due < ?) ORDER BY rag = 'red' DESC, due",
            [now, now],
        ),
        "due_soon": dict_rows(
            connection,
            "SELECT item_id, kind, number, due, text, force FROM item_register "
            f"WHERE status IN {OUTSTANDING} AND due >= ? AND due <= ? ORDER BY due",
            [now, soon],
        ),
        "by_force": dict_rows(
            connection,
            "SELECT force, count(*) AS outstanding, sum(rag = 'red') AS red "
            f"FROM item_register WHERE status IN {OUTSTANDING} "
            "GROUP BY force ORDER BY outstanding DESC, force",
        ),
        "by_year": dict_rows(
            connection,
            "SELECT year, count(*) AS outstanding FROM item_register "
            f"WHERE status IN {OUTSTANDING} GROUP BY year ORDER BY year DESC",
        ),
        "responses": responses_due(connection, today),
        "review": review_counts(connection),
    }


def review_counts(connection: sqlite3.Connection) -> list[dict]:
    """[{key, heading, count}] for each section of the review queue
    (pipeline/review.py), as /-/review and `hmic review` list them."""
    from pipeline.review import SECTIONS, review_queue

    queue = review_queue(connection)
    return [
        {"key": key.replace("_", "-"), "heading": heading, "count": len(queue[key])}
        for key, heading in SECTIONS.items()
    ]


def responses_due(connection: sqlite3.Connection, today: date) -> dict:
    """PCC responses due in the next 90 days, else the latest ones past."""
    coming = dict_rows(
        connection,
        "SELECT id, title, force, response_due FROM reports WHERE kind = "
        "'inspection' AND response_due >= ? AND response_due <= ? "
        "ORDER BY response_due",
        [today.isoformat(), (today + timedelta(days=SOON_DAYS)).isoformat()],
    )
    past = dict_rows(
        connection,
        "SELECT id, title, force, response_due FROM reports WHERE kind = "
        "'inspection' AND response_due < ? ORDER BY response_due DESC LIMIT 5",
        [today.isoformat()],
    )
    return {"coming": coming, "past": past}


def chart_pngs(db_path: str, today: date) -> dict[str, bytes]:
    """The committee paper's charts for the last 90 days up to `today`."""
    from pipeline.committee import build_update, draw_charts
    from pipeline.tabular import read_register

    update = build_update(read_register(db_path), today - timedelta(90), today)
    return {name: chart.png for name, chart in draw_charts(update).items()}


_chart_cache: dict[tuple, dict[str, bytes]] = {}


def file_state(db_path: str) -> tuple:
    """Changes whenever a write lands in the file or its WAL."""
    state = []
    for path in (Path(db_path), Path(f"{db_path}-wal")):
        stat = path.stat() if path.exists() else None
        state.append((stat.st_mtime_ns, stat.st_size) if stat else None)
    return (db_path, date.today().isoformat(), *state)


async def chart(request, datasette):
    name = request.url_vars["name"]
    if name not in CHARTS:
        return Response.text("No such chart", status=404)
    db_path = datasette.get_database(METADATA_DATABASE).path
    key = file_state(db_path)
    if key not in _chart_cache:
        pngs = await asyncio.to_thread(chart_pngs, db_path, date.today())
        _chart_cache.clear()
        _chart_cache[key] = pngs
    return Response(
        _chart_cache[key][name],
        content_type="image/png",
        headers={"cache-control": "no-store"},
    )


@hookimpl
def register_routes():
    return [(r"^/-/charts/(?P<name>\w+)\.png$", chart)]


@hookimpl
def extra_template_vars(view_name, datasette, request):
    if view_name != "index":
        return None

    async def dashboard_vars():
        db = datasette.get_database(METADATA_DATABASE)
        today = date.today()
        data = await db.execute_fn(lambda conn: dashboard_data(conn, today))
        actor = request.actor if request else None
        queries = await datasette.get_canned_queries(METADATA_DATABASE, actor)
        return {"dashboard": data, "charts": CHARTS, "canned_queries": queries}

    return dashboard_vars
