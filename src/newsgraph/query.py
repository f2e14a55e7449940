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

    def record(self, doc_id: str) -> dict[str, Any] | None:
        """The full document record (RECORD.md) of one stored document."""
        import json

        rows = self._rows("SELECT record FROM documents WHERE id = ?", [doc_id])
        return json.loads(rows[0]["record"]) if rows and rows[0]["record"] else None

    def events(
        self,
        actor: str | None = None,
        code: str | None = None,
        since: str | None = None,
        place: str | None = None,
        factuality: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Coded events, newest first. ``actor`` matches a source or target code by
        prefix ("RUS" finds RUSGOV and RUSMIL); ``code`` a PLOVER type or CAMEO code
        (prefix); ``since`` an ISO date the event's date must not precede."""
        where, params = [], []
        if actor:
            where.append("(upper(e.source) LIKE ? OR upper(e.target) LIKE ?)")
            params += [actor.upper() + "%"] * 2
        if code:
            where.append("(upper(e.code) = ? OR e.cameo LIKE ?)")
            params += [code.upper(), code + "%"]
        if since:
            where.append("coalesce(e.date, d.published) >= ?")
            params.append(since)
        if place:
            where.append("lower(e.place) = lower(?)")
            params.append(place)
        if factuality:
            where.append("e.factuality = ?")
            params.append(factuality)
        sql = f"""SELECT e.doc_id, e.event, e.code, e.cameo, e.source, e.source_name, e.target, e.target_name,
                         e.mode, e.factuality, e.date, e.place, e.goldstein, e.quad_class, e.reported_by,
                         e.start, e."end", substr(d.text, e.start + 1, e."end" - e.start) AS evidence,
                         d.title, d.url
                  FROM events e JOIN documents d ON d.id = e.doc_id
                  {"WHERE " + " AND ".join(where) if where else ""}
                  ORDER BY coalesce(e.date, d.published) DESC NULLS LAST, e.doc_id, e.event
                  LIMIT ?"""
        return self._rows(sql, [*params, int(limit)])

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
