"""Review the register in Datasette: metadata, views, and a safe server.

`hmic serve` is a thin client of this module:

    prepare_database(db_path)            # fold the WAL in, create the views
    datasette = register_datasette(db_path, corpus_dir=..., edit=False)
    run(datasette, port)                 # uvicorn on 127.0.0.1 only

Read-only by default: the database is opened immutable (Datasette's `-i`),
write canned queries are dropped from the metadata, and Datasette runs
arbitrary SQL on read-only connections anyway. `edit=True` opens the file
mutable and offers the write canned queries of metadata.yml.
"""

from __future__ import annotations

import asyncio
import copy
import re
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import yaml

HOST = "127.0.0.1"
PACKAGE_DIR = Path(__file__).parent
METADATA_PATH = PACKAGE_DIR / "metadata.yml"
VIEWS_PATH = PACKAGE_DIR / "views.sql"
PLUGINS_DIR = PACKAGE_DIR / "datasette_plugins"
METADATA_DATABASE = "register"
REQUIRED_TABLES = ("reports", "items", "occurrences")


class NotARegister(Exception):
    """The database file is missing or lacks the register's tables."""


def ensure_views(db: Any) -> None:
    """Create the analysts' views of pipeline/views.sql, or re-create any whose
    definition changed since.

    `db` is a sqlite_utils.Database or a sqlite3.Connection. Idempotent, and
    views hold no data, so migrations and every `hmic serve` may call it.
    """
    connection = getattr(db, "conn", db)
    stored = dict(
        connection.execute("select name, sql from sqlite_master where type = 'view'")
    )
    for name, statement in iter_view_statements(VIEWS_PATH.read_text("utf-8")):
        if stored.get(name) != statement_as_stored(statement):
            connection.execute(f"DROP VIEW IF EXISTS [{name}]")
            connection.execute(statement)
    connection.commit()


def iter_view_statements(script: str) -> Iterator[tuple[str, str]]:
    """Yield (view name, CREATE VIEW statement) for each view in `script`."""
    statement = ""
    for line in script.splitlines(keepends=True):
        if not statement and (not line.strip() or line.startswith("--")):
            continue
        statement += line
        if sqlite3.complete_statement(statement):
            match = re.match(r"CREATE VIEW IF NOT EXISTS (\w+) AS", statement)
            if match is None:
                raise ValueError(f"{VIEWS_PATH}: not a CREATE VIEW: {statement[:60]!r}")
            yield match.group(1), statement.strip()
            statement = ""


def statement_as_stored(statement: str) -> str:
    """The text SQLite keeps in sqlite_master for a CREATE VIEW `statement`."""
    return statement.replace("IF NOT EXISTS ", "", 1).rstrip().rstrip(";").rstrip()


def prepare_database(db_path: str | Path) -> None:
    """Make `db_path` ready to serve immutable: views created, WAL checkpointed.

    An immutable SQLite connection ignores the -wal file, so rows an ingest
    left there would be invisible; the checkpoint moves them into the file.
    Raises NotARegister when the file or the register's tables are missing.
    """
    path = Path(db_path)
    if not path.is_file():
        raise NotARegister(f"{path}: no register here; run `make ingest` first")
    with closing(sqlite3.connect(path)) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "select name from sqlite_master where type = 'table'"
            )
        }
        missing = [table for table in REQUIRED_TABLES if table not in tables]
        if missing:
            raise NotARegister(
                f"{path}: not a register (no {', '.join(missing)} table); "
                "run `hmic ingest --db` on it first"
            )
        ensure_views(connection)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def load_metadata(database_name: str = METADATA_DATABASE, edit: bool = False) -> dict:
    """Return metadata.yml as a dict for a database called `database_name`.

    Write canned queries (`write: true`) are kept only when `edit` is true.
    """
    metadata = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
    return metadata_for(metadata, database_name, edit)


def metadata_for(metadata: dict, database_name: str, edit: bool) -> dict:
    """Return a copy of `metadata` filed under `database_name`, without write
    queries unless `edit`."""
    metadata = copy.deepcopy(metadata)
    databases = metadata.get("databases", {})
    database = databases.pop(METADATA_DATABASE, {})
    queries = database.get("queries", {})
    database["queries"] = {
        name: query for name, query in queries.items() if edit or not query.get("write")
    }
    databases[database_name] = database
    metadata["databases"] = databases
    return metadata


def register_datasette(
    db_path: str | Path, corpus_dir: str | Path | None = None, edit: bool = False
):
    """Return a configured `datasette.app.Datasette` for the register at `db_path`.

    `corpus_dir`, when it exists, is served at /corpus/ so the `pdf` links work.
    """
    from datasette.app import Datasette

    path = str(db_path)
    static_mounts = []
    if corpus_dir is not None and Path(corpus_dir).is_dir():
        static_mounts.append(("corpus", str(corpus_dir)))
    return Datasette(
        files=[path] if edit else [],
        immutables=[] if edit else [path],
        metadata=load_metadata(Path(path).stem, edit=edit),
        plugins_dir=str(PLUGINS_DIR),
        static_mounts=static_mounts,
        settings={"sql_time_limit_ms": 3000, "default_page_size": 50},
    )


def free_port(host: str = HOST) -> int:
    """Return a TCP port on `host` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def run(datasette, port: int) -> None:
    """Serve `datasette` on 127.0.0.1:`port` until interrupted, as `datasette
    serve` does (startup hooks, connection checks, then uvicorn)."""
    import uvicorn
    from datasette.cli import check_databases

    asyncio.run(datasette.invoke_startup())
    asyncio.run(check_databases(datasette))
    uvicorn.run(
        datasette.app(), host=HOST, port=port, log_level="warning", lifespan="on"
    )
