"""Datasette plugin: a plain answer, not a 500 or an FTS5 error, for two requests.

- A POST to a read-only canned query (`/register/search_items`) made
  Datasette 0.65 fail with HTTP 500 and a traceback in the server log (its
  QueryView only knows how to answer a POST for a `write: true` query). It is
  refused here with 405 and the method to use.
- Datasette quotes search terms with its escape_fts() SQL function (table
  search, and the search_items canned query calls it too), but a lone `"`
  comes out of it as an empty query, which FTS5 rejects ('fts5: syntax error
  near ""'). escape_fts is registered again, after Datasette's own, as
  escape_fts_query, which always gives a valid FTS5 query.

Loaded by pipeline/serve.py (plugins_dir).
"""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils.asgi import Response

# A "quoted phrase" (its closing quote may be missing) or a run of other
# characters up to a space or a quote.
SEARCH_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')
MATCH_NOTHING = '""'  # an empty phrase: valid FTS5, and no row matches it
QUERY_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<query>[^/]+?)(?:\.\w+)?$")
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def escape_fts_query(query: str | None) -> str:
    """An FTS5 query for what was typed: each word and each "quoted phrase"
    a quoted string, so that no character is FTS5 syntax.

    >>> escape_fts_query('risk "domestic abuse" AND dash*')
    '"risk" "domestic abuse" "AND" "dash*"'
    >>> escape_fts_query('"'), escape_fts_query('abuse"')
    ('""', '"abuse"')
    """
    terms = []
    for phrase, word in SEARCH_TERM.findall(query or ""):
        term = " ".join((phrase or word).split())
        if term:
            terms.append(f'"{term}"')
    return " ".join(terms) or MATCH_NOTHING


@hookimpl(trylast=True)
def prepare_connection(conn):
    # trylast: after Datasette's own sql_functions plugin, which registers
    # its escape_fts under the same name.
    conn.create_function("escape_fts", 1, escape_fts_query, deterministic=True)


def read_only_query(datasette, path: str) -> str | None:
    """The name of the read-only canned query at `path`, or None."""
    match = QUERY_PATH.match(path)
    if match is None:
        return None
    routes = {db.route: name for name, db in datasette.databases.items()}
    database = routes.get(match["database"])
    if database is None:
        return None
    queries = datasette.metadata("queries", database=database) or {}
    query = queries.get(match["query"])
    if not isinstance(query, dict) or query.get("write"):
        return None
    return match["query"]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def refuse_writes_to_read_queries(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                name = read_only_query(datasette, scope["path"])
                if name is not None:
                    response = Response.text(
                        f"{name} is a read-only query: open it with GET "
                        "(a link or the form's Run button)",
                        status=405,
                        headers={"Allow": "GET, HEAD"},
                    )
                    await response.asgi_send(send)
                    return
            await app(scope, receive, send)

        return refuse_writes_to_read_queries

    return wrap
