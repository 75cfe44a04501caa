"""Review the register in Datasette: metadata, views, and a safe server.

`hmic serve` is a thin client of this module:

    prepare_database(db_path)            # fold the WAL in, create the views
    datasette = register_datasette(db_path, corpus_dir=..., edit=False)
    run(datasette, port)                 # uvicorn on 127.0.0.1 only

Live and read-only by default: Datasette reads the file on read-only
connections, so an ingest or `hmic status` shows on the next page load, and
nothing in Datasette writes (its SQL runs read-only; no write canned query).
`edit=True` needs the analysts' passwords (`hmic serve --set-password`,
hashed beside the database): an analyst signs in at /-/login
(datasette-auth-passwords) and changes a status at /-/set-status
(datasette_plugins/edit.py), which records it as `hmic status` does. Every
request must name a local host, and every write must carry the CSRF token
and come from the page's own origin (datasette_plugins/guard.py).
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import yaml

from pipeline.database import Database
from pipeline.migrations import migrate

HOST = "127.0.0.1"
PACKAGE_DIR = Path(__file__).parent
METADATA_PATH = PACKAGE_DIR / "metadata.yml"
VIEWS_PATH = PACKAGE_DIR / "views.sql"
PLUGINS_DIR = PACKAGE_DIR / "datasette_plugins"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
PLUGIN = "hmic-serve"
ANALYST_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.-]{0,39}$")
METADATA_DATABASE = "register"
REQUIRED_TABLES = ("reports", "items", "occurrences")


class NotARegister(Exception):
    """The database file is missing or lacks the register's tables."""


class NoPassword(Exception):
    """`hmic serve --edit` was asked for, but no analyst has a password yet."""


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
    """Make `db_path` ready to serve: migrated, views created, WAL checkpointed.

    The checkpoint keeps the -wal file small for the read-only connections.
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
        migrate(Database(connection))  # an older register gains the new columns
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
    db_path: str | Path,
    corpus_dir: str | Path | None = None,
    edit: bool = False,
    passwords: dict[str, str] | None = None,
    host_names: tuple[str, ...] = (),
):
    """Return a configured `datasette.app.Datasette` for the register at `db_path`.

    `corpus_dir`, when it exists, is served at /corpus/ so the `pdf` links work.
    `edit` needs `passwords` ({analyst: hash}, see read_passwords), else
    NoPassword. `host_names` are Host header names accepted beside 127.0.0.1
    and localhost.
    """
    from datasette.app import Datasette

    path = str(db_path)
    if edit and not passwords:
        raise NoPassword(no_password_message(db_path))
    static_mounts = []
    if corpus_dir is not None and Path(corpus_dir).is_dir():
        static_mounts.append(("corpus", str(corpus_dir)))
    # Always /register/..., whatever the file is called, so links and the
    # templates named after the database (row-register-items.html) hold.
    name = METADATA_DATABASE
    metadata = load_metadata(name, edit=edit)
    metadata["plugins"] = plugins_config(
        name, edit, passwords if edit else {}, host_names
    )
    static_mounts.append(("hmic-static", str(STATIC_DIR)))
    datasette = Datasette(
        files=[path],
        metadata=metadata,
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
        static_mounts=static_mounts,
        settings={
            "sql_time_limit_ms": 3000,
            "default_page_size": 50,
            "default_facet_size": 8,
        },
    )
    stem = Path(path).stem
    if stem != name:
        database = datasette.get_database(stem)
        datasette.remove_database(stem)
        datasette.add_database(database, name=name)
    return datasette


def plugins_config(
    database_name: str,
    edit: bool,
    passwords: dict[str, str],
    host_names: tuple[str, ...],
) -> dict:
    """The "plugins" block of the metadata: ours and datasette-auth-passwords'.

    The hashes travel in environment variables that only this process sets,
    so /-/metadata shows `{"$env": ...}`, never a hash.
    """
    accounts = {}
    for analyst, password_hash in sorted(passwords.items()):
        variable = f"HMIC_PASSWORD_HASH_{uuid.uuid4().hex}"
        os.environ[variable] = password_hash
        accounts[f"{analyst}_password_hash"] = {"$env": variable}
    return {
        PLUGIN: {
            "edit": edit,
            "database": database_name,
            "analysts": sorted(passwords),
            "host_names": list(host_names),
            "item_url": f"/{database_name}/items/{{item_id}}",
        },
        "datasette-auth-passwords": accounts,
    }


def analyst_of(actor: dict | None, config: dict) -> str | None:
    """The signed-in analyst's name, or None when `actor` is not one of them."""
    analyst = (actor or {}).get("id")
    return analyst if analyst in config.get("analysts", ()) else None


def record_analyst_status(
    db_path: str | Path,
    item_id: str,
    word: str,
    note: str | None,
    analyst: str,
    force: str | None = None,
) -> dict:
    """Record `word` (a status, or a RAG grade) for `item_id` as `hmic status`
    does, naming `analyst` and, for an item several forces must act on, the
    `force` whose change it is; return the item row.

    Raises ValueError for a word that is neither, UnknownItem for a bad id;
    then nothing is saved.
    """
    from pipeline.register import open_register, record_change
    from pipeline.statuses import RAGS

    field_name = "rag" if word in RAGS else "status"
    db = open_register(db_path)
    try:
        return record_change(
            db, item_id, field_name, word, note=note, analyst=analyst, force=force
        )
    finally:
        db.conn.close()


# --- analysts' passwords -------------------------------------------------------


def passwords_path(db_path: str | Path) -> Path:
    """Where the password hashes for the register at `db_path` are kept.

    >>> passwords_path("output/register.db").as_posix()
    'output/register.passwords.json'
    """
    path = Path(db_path)
    return path.with_name(f"{path.stem}.passwords.json")


def read_passwords(db_path: str | Path) -> dict[str, str]:
    """{analyst: pbkdf2 hash} for the register at `db_path`; {} when none set."""
    path = passwords_path(db_path)
    if not path.is_file():
        return {}
    return json.loads(path.read_text("utf-8")).get("analysts", {})


def set_password(db_path: str | Path, analyst: str, password: str) -> Path:
    """Store `analyst`'s password, hashed, beside the register; return the file.

    The file is readable by its owner only. Raises ValueError for an empty
    password or a name other than letters, digits, dots and hyphens.
    """
    from datasette_auth_passwords.utils import hash_password

    if not ANALYST_NAME.match(analyst):
        raise ValueError(
            f"analyst name {analyst!r}: use letters, digits, dots and hyphens"
        )
    if not password:
        raise ValueError("the password is empty")
    passwords = {**read_passwords(db_path), analyst: hash_password(password)}
    path = passwords_path(db_path)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({"analysts": passwords}, file, indent=2)
        file.write("\n")
    os.chmod(path, 0o600)
    return path


def no_password_message(db_path: str | Path) -> str:
    """What `hmic serve --edit` says when no analyst has a password."""
    return (
        f"--edit needs a password and {passwords_path(db_path)} holds none: set "
        f"one with `hmic serve --db {db_path} --set-password --analyst NAME`"
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
