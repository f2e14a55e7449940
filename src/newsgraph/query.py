"""The read side. The CLI, the HTTP API and the web app read the store only through :class:`Graph`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .errors import QueryError
from .store import Store

READ_ONLY_STATEMENTS = {"SELECT"}


class Graph:
    """A newsgraph store opened for queries: ``newsgraph.open("newsgraph.duckdb")``."""

    def __init__(self, db: str | Path = "newsgraph.duckdb", *, store: Store | None = None) -> None:
        self.store = store or Store(db, read_only=True)
        self._lock = threading.RLock()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self.store._lock:
            cur = self.store.con.cursor()
            try:
                result = cur.execute(sql, params or [])
                names = [d[0] for d in result.description]
                return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
            finally:
                cur.close()

    def stats(self) -> dict[str, int]:
        return self.store.counts()

    def top_entities(self, limit: int = 10, type: str | None = None) -> list[dict[str, Any]]:
        where = "WHERE type = ?" if type else ""
        return self._rows(
            f"""SELECT name, type, sum(mentions)::INTEGER AS mentions, count(DISTINCT doc_id)::INTEGER AS documents
                FROM entities {where} GROUP BY name, type ORDER BY mentions DESC, name LIMIT ?""",
            [*([type] if type else []), limit],
        )

    def places(self, limit: int = 20, country: str | None = None, role: str | None = None) -> list[dict[str, Any]]:
        """The most-mentioned places, with their point, across all documents.

        ``country`` filters by ISO 3166-1 alpha-2 code; ``role`` by mention role
        ("location", "actor", "adjective"). Places without a geonameid (facilities,
        local names) are grouped by name, country and point.
        """
        where, params = [], []
        if country:
            where.append("country = ?")
            params.append(country.upper())
        if role:
            where.append("role = ?")
            params.append(role)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self._rows(
            f"""SELECT name, geonameid, any_value(lat) AS lat, any_value(lon) AS lon, country,
                       any_value(feature) AS feature, sum(mentions)::INTEGER AS mentions,
                       count(DISTINCT doc_id)::INTEGER AS documents,
                       list(DISTINCT role ORDER BY role) AS roles
                FROM places {clause}
                GROUP BY name, geonameid, country,
                         CASE WHEN geonameid IS NULL THEN round(lat, 3) END,
                         CASE WHEN geonameid IS NULL THEN round(lon, 3) END
                ORDER BY mentions DESC, documents DESC, name LIMIT ?""",
            [*params, int(limit)],
        )

    def sql(self, statement: str, limit: int = 1000) -> list[dict[str, Any]]:
        """Run one read-only SELECT (or WITH ... SELECT) statement."""
        import duckdb

        try:
            statements = duckdb.extract_statements(statement)
        except duckdb.Error as exc:
            raise QueryError(f"invalid SQL: {exc}") from exc
        if len(statements) != 1:
            raise QueryError("give exactly one statement")
        if statements[0].type.name not in READ_ONLY_STATEMENTS:
            raise QueryError(f"only read-only SELECT statements are allowed, not {statements[0].type.name}")
        try:
            rows = self._rows(f"SELECT * FROM ({statement.rstrip().rstrip(';')}) LIMIT {int(limit)}")
        except duckdb.Error as exc:
            raise QueryError(str(exc).splitlines()[0]) from exc
        return rows
