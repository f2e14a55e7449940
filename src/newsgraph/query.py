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

    def quotes(self, speaker: str | None = None, since: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Quotations, newest first, with the document's title, date and source.

        ``speaker`` matches the canonical speaker name or the speaker as written,
        case-insensitively and as a substring ("Putin" finds "Vladimir Putin");
        ``since`` is an ISO date (inclusive)."""
        where, params = [], []
        if speaker:
            where.append(
                "(q.speaker ILIKE ? OR substr(d.text, q.speaker_start + 1, q.speaker_end - q.speaker_start) ILIKE ?)"
            )
            params += [f"%{speaker}%", f"%{speaker}%"]
        if since:
            where.append("d.published_date >= TRY_CAST(? AS DATE)")
            params.append(since)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self._rows(
            f"""SELECT q.doc_id, q.quote, q.speaker,
                       CASE WHEN q.speaker_start IS NULL THEN NULL
                            ELSE substr(d.text, q.speaker_start + 1, q.speaker_end - q.speaker_start) END AS speaker_text,
                       q.speaker_entity, q.kind, q.content, q.start, q."end",
                       CASE WHEN q.cue_start IS NULL THEN NULL
                            ELSE substr(d.text, q.cue_start + 1, q.cue_end - q.cue_start) END AS cue,
                       d.title, d.published, d.source, d.url
                FROM quotes q JOIN documents d ON d.id = q.doc_id
                {clause}
                ORDER BY d.published DESC NULLS LAST, q.doc_id, q.quote LIMIT ?""",
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
