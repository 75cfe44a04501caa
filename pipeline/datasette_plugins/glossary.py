"""Datasette plugin: /-/glossary, what the register's words and columns mean.

The vocabularies (metadata.yml `glossary_html`) and every table's column
descriptions, on one page, so the table pages can open on their rows.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from pipeline.serve import METADATA_DATABASE


async def glossary(request, datasette):
    tables = datasette.metadata("tables", database=METADATA_DATABASE) or {}
    context = {
        "glossary_html": Markup(datasette.metadata("glossary_html") or ""),
        "tables": {
            name: table
            for name, table in tables.items()
            if table.get("columns") and not table.get("hidden")
        },
        "database": METADATA_DATABASE,
    }
    html = await datasette.render_template("glossary.html", context, request=request)
    return Response.html(html)


@hookimpl
def register_routes():
    return [(r"^/-/glossary$", glossary)]


@hookimpl
def menu_links(datasette, actor):
    return [{"href": datasette.urls.path("/-/glossary"), "label": "Glossary"}]
