"""Guards for user SQL (``Graph.sql``, ``POST /api/sql``) beyond "one read-only SELECT".

* Introspection that tells where the database lives (``duckdb_databases()``,
  ``duckdb_settings()``, ``pragma_database_list``, ``current_setting``) is refused,
  and error messages have the database's path replaced by ``<database>``.
* DuckDB checks for an interrupt between chunks of rows, never inside one call of a
  scalar function: ``repeat('x', 2000000000)`` builds 2 GB in one call that the time
  limit can't stop, and DuckDB's memory limit does not count it. The functions that
  build a value as large as a number they are given (``repeat``, ``lpad``, ``rpad``)
  are shadowed, on the cursor that runs user SQL, by macros that refuse a size over
  :data:`MAX_VALUE` before anything is built; calling the originals through the
  ``system`` catalog is refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import QueryError

MAX_VALUE = 10_000_000  # characters (or list elements) one function call may build
_REFUSED = re.compile(
    r"\b(duckdb_\w+|pragma_\w+|current_setting|getenv|which_secret|system\s*\.|temp\s*\.)",
    re.IGNORECASE,
)
_MACROS = (
    "CREATE OR REPLACE TEMP MACRO repeat(s, n) AS "
    "system.main.repeat(s, CASE WHEN n > {max} THEN error('repeat: over {max} (the server limit)') ELSE n END)",
    "CREATE OR REPLACE TEMP MACRO lpad(s, n, c) AS "
    "system.main.lpad(s, CASE WHEN n > {max} THEN error('lpad: over {max} (the server limit)') ELSE n END, c)",
    "CREATE OR REPLACE TEMP MACRO rpad(s, n, c) AS "
    "system.main.rpad(s, CASE WHEN n > {max} THEN error('rpad: over {max} (the server limit)') ELSE n END, c)",
)


def check(statement: str) -> None:
    """Refuse SQL that reads the server's settings or files list, or bypasses the guards."""
    found = _REFUSED.search(statement)
    if found:
        raise QueryError(f"{found.group(1).rstrip('. ')!r} is not available here")


def guard(cursor: Any) -> Any:
    """Install the size guards on a cursor (a DuckDB connection of its own: temp macros
    are per connection); returns it."""
    for sql in _MACROS:
        cursor.execute(sql.format(max=MAX_VALUE))
    return cursor


def scrub(message: str, db_path: str) -> str:
    """An error message without the database's location."""
    if db_path and db_path != ":memory:":
        path = Path(db_path)
        for text in sorted({str(path.resolve()), str(path), str(path.resolve().parent)}, key=len, reverse=True):
            if len(text) > 1:
                message = message.replace(text, "<database>")
    return message
