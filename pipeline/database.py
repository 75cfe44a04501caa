"""sqlite_utils' Database, imported without pandas.

sqlite_utils imports pandas when it is installed, only to map pd.Timestamp
values to TEXT columns. The register stores dates as ISO strings, and pandas
costs about 0.3 s and 30 MiB on every command that opens the register
(`hmic export`, `status`, ingest's writer), though only `hmic report` and the
xlsx export use it. So sqlite_utils is imported with pandas hidden; a later
`import pandas` is unaffected. If pandas or sqlite_utils is already imported,
this is a plain import. It also holds `dict_rows`, the one row-to-dict helper.
"""

from __future__ import annotations

import sqlite3
import sys
import types


def import_sqlite_utils() -> types.ModuleType:
    """`import sqlite_utils`, without letting it import pandas."""
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        import sqlite_utils

        return sqlite_utils
    sys.modules["pandas"] = None  # `import pandas` now raises ImportError
    try:
        import sqlite_utils
    finally:
        if "pandas" in sys.modules and sys.modules["pandas"] is None:
            del sys.modules["pandas"]
    return sqlite_utils


Database = import_sqlite_utils().Database


def dict_rows(connection: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    """The rows of a query as {column: value} dicts, for any sqlite3 connection
    (Datasette's read-only ones included)."""
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
