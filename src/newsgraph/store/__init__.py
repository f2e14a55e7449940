"""DuckDB persistence: one file, the schema in ``schema.sql``, Parquet export.

Writes are per batch and atomic: a document's row and all its derived rows
(entities, mentions, quotes, places, events, ...) are replaced together in one
transaction, so re-ingesting after a pipeline change never leaves a mix, and a
process killed mid-run loses at most the batch in flight. A batch the store
refuses is written again one document at a time, so one bad document (an
impossible date, a wrongly typed value) is skipped with E402 and never costs
the others. A document already
stored with the same content and pipeline version is skipped, which makes
re-runs idempotent and lets an interrupted run resume.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import RowError, SchemaVersionError, StoreError
from ..model import Article, Skipped
from .rows import DERIVED, repair_places, rows_for

SCHEMA_VERSION = 5
log = logging.getLogger(__name__)


def schema_sql() -> str:
    return resources.files("newsgraph").joinpath("store/schema.sql").read_text(encoding="utf-8")


class Store:
    """A newsgraph database. ``Store(path)`` creates it if needed; ``read_only`` for readers."""

    def __init__(
        self, path: str | Path = "newsgraph.duckdb", *, read_only: bool = False, memory_limit: str | None = None
    ) -> None:
        import duckdb

        self.path = str(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError("no such database (run `newsgraph ingest` first)", origin=self.path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
            if memory_limit:
                if not re.fullmatch(r"\d+(?:\.\d+)?\s*[KMGT]i?B", memory_limit.strip(), re.IGNORECASE):
                    raise StoreError(
                        f"db_memory_limit {memory_limit!r} is not a size such as '512MB'", origin=self.path
                    )
                self.con.execute(f"SET memory_limit = '{memory_limit.strip()}'")
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database: {exc}", origin=self.path) from exc
        self._check_version()

    # -- schema ---------------------------------------------------------------
    def _stored_version(self) -> int | None:
        has_meta = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchone()
        if not has_meta or not has_meta[0]:
            return None
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None

    def _check_version(self) -> None:
        stored = self._stored_version()
        if stored is not None and stored > SCHEMA_VERSION:
            from .. import __version__

            raise SchemaVersionError(
                f"database schema version {stored} was written by a newer newsgraph; "
                f"this is newsgraph {__version__} (schema {SCHEMA_VERSION}): upgrade newsgraph to read it",
                origin=self.path,
            )
        if self.read_only:
            return
        if stored is None or stored < SCHEMA_VERSION:
            with self.transaction():
                self.con.execute(schema_sql())
                if stored is not None and stored < 3:
                    repair_places(self.con)  # places stored as a dict's text before PlaceRef
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            self.con.execute("COMMIT")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------
    def stored_versions(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """``{id: (content_hash, pipeline_version)}`` of those ids already stored."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        with self._lock:
            rows = self.con.execute(
                "SELECT id, content_hash, pipeline_version FROM documents WHERE id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def write(self, articles: list[Article], pipeline_version: str, *, failed: list[Skipped] | None = None) -> int:
        """Store (or replace) documents and all their derived rows; returns how many were stored.

        The batch is written in one transaction. If that fails (a value DuckDB or Arrow
        refuses), it is rolled back and the documents are written one at a time, each in
        its own transaction, so that one bad document never loses the others: it is
        logged and reported as a :class:`~newsgraph.model.Skipped` with E402 in
        ``failed`` (without ``failed``, a :class:`~newsgraph.errors.RowError` is raised
        after the others are stored). A document already stored keeps its old rows when
        its new ones can't be written."""
        if not articles:
            return 0
        unique = list({a.id: a for a in articles}.values())
        try:
            self._write(unique, pipeline_version)
            return len(unique)
        except _data_errors() as exc:
            log.warning(
                "writing a batch of %d documents failed (%s: %s); writing them one at a time",
                len(unique),
                type(exc).__name__,
                str(exc).splitlines()[0][:300] if str(exc) else "",
            )
        stored = 0
        bad: list[Skipped] = []
        for article in unique:
            try:
                self._write([article], pipeline_version)
                stored += 1
            except _data_errors() as exc:
                bad.append(_refused(article.origin or article.id, exc))
        self._report(bad, len(unique), failed)
        return stored

    def write_tables(
        self, ids: list[str], arrow: dict[str, Any], origins: dict[str, str], *, failed: list[Skipped] | None = None
    ) -> int:
        """:meth:`write` for rows already built (``load-parquet``: the Spark job's files):
        ``arrow`` maps a table to an Arrow table of the rows of the documents ``ids``. The
        same transaction, and the same fallback one document at a time (E402 for a document
        the store refuses; ``origins`` names it)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if not ids:
            return 0
        try:
            self.replace_rows(ids, arrow)
            return len(ids)
        except _data_errors() as exc:
            log.warning(
                "writing a batch of %d documents failed (%s); writing them one at a time", len(ids), type(exc).__name__
            )
        stored = 0
        bad: list[Skipped] = []
        for doc_id in ids:
            key = pa.scalar(doc_id, pa.string())
            one = {
                t: data.filter(pc.equal(data["id" if t == "documents" else "doc_id"], key)) for t, data in arrow.items()
            }
            try:
                self.replace_rows([doc_id], {t: data for t, data in one.items() if data.num_rows})
                stored += 1
            except _data_errors() as exc:
                bad.append(_refused(origins.get(doc_id) or doc_id, exc))
        self._report(bad, len(ids), failed)
        return stored

    def _report(self, bad: list[Skipped], of: int, failed: list[Skipped] | None) -> None:
        if failed is not None:
            failed.extend(bad)
        elif bad:
            raise RowError(
                f"{len(bad)} of {of} documents could not be stored: "
                + "; ".join(f"{s.origin}: {s.reason}" for s in bad[:5]),
                origin=self.path,
            )

    def _write(self, unique: list[Article], pipeline_version: str) -> None:
        import pyarrow as pa

        now = datetime.now(UTC).replace(tzinfo=None)
        tables: dict[str, list[dict[str, Any]]] = {"documents": []}
        for article in unique:
            for table, rows in article_rows(article, pipeline_version, now).items():
                tables.setdefault(table, []).extend(rows)
        # built before the transaction: a value Arrow refuses fails here, with nothing deleted
        arrow = {table: pa.Table.from_pylist(rows) for table, rows in tables.items() if rows}
        self.replace_rows([a.id for a in unique], arrow)

    def replace_rows(self, ids: list[str], arrow: dict[str, Any]) -> None:
        """In one transaction, delete every row of the documents ``ids`` (from ``documents``
        and each derived table) and insert ``arrow`` (table name -> Arrow table of rows, as
        :func:`article_rows` gives them). :meth:`write` and ``load-parquet`` both end here."""
        with self.transaction() as con:
            for table in (*DERIVED, "documents"):
                key = "id" if table == "documents" else "doc_id"
                con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT unnest(?))", [ids])
            for table, data in arrow.items():
                # registered, not found by a replacement scan: the HTTP server turns
                # DuckDB's external access off, which also turns those scans off
                con.register("_newsgraph_rows", data)
                try:
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _newsgraph_rows")
                finally:
                    # in an aborted transaction this fails too: keep the insert's own error
                    with contextlib.suppress(Exception):
                        con.unregister("_newsgraph_rows")

    # -- reading --------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        with self._lock:
            for table in ("documents", *DERIVED):
                row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
                out[table] = int(row[0]) if row else 0
        return out

    def export_parquet(self, folder: str | Path) -> list[Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        with self._lock:
            for table in ("documents", *DERIVED):
                target = folder / f"{table}.parquet"
                self.con.execute(f"COPY {table} TO '{target.as_posix()}' (FORMAT parquet)")
                written.append(target)
        return written


def published_date(value: object) -> date | None:
    """The calendar date a ``published`` value starts with, if it is a real one
    (``2016-02-30`` and ``9999-99-99`` are not: the text is kept, the date is None)."""
    if not isinstance(value, str) or not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not m:
        return None
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return day if day.year >= 1 else None


def _text(value: object) -> str | None:
    """A text column's value: text as is, anything else (a number, a list) as JSON text,
    never as a Python repr."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _refused(origin: str, exc: BaseException) -> Skipped:
    """A document whose rows the store refused: E402, logged."""
    why = f"its rows can't be stored: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    err = RowError(why[:500], origin=origin)
    log.warning("%s", err.render())
    return Skipped(origin, err.message, err.code, "store")


def _data_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean "these rows hold a value the store refuses", as opposed to
    "the store can't be used" (I/O, lock, out of memory), which must stop the job."""
    import duckdb
    import pyarrow as pa

    return (
        duckdb.ConversionException,
        duckdb.OutOfRangeException,
        duckdb.InvalidInputException,
        duckdb.TypeMismatchException,
        duckdb.ConstraintException,
        duckdb.TransactionException,
        pa.ArrowException,
        TypeError,
        ValueError,
        OverflowError,
        UnicodeError,
    )


TABLES: tuple[str, ...] = ("documents", *DERIVED)
_ARROW_TYPES = {
    "VARCHAR": "string",
    "JSON": "string",
    "INTEGER": "int32",
    "BIGINT": "int64",
    "DOUBLE": "float64",
    "DATE": "date32",
    "TIMESTAMP": "timestamp[us]",
    "BOOLEAN": "bool",
}


def article_rows(article: Article, pipeline_version: str, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Every row an analysed document gives: its ``documents`` row and its rows of each derived
    table. The one path from an Article to rows: :meth:`Store.write` and the Spark job use it."""
    return {"documents": [document_row(article, pipeline_version, now)], **rows_for(article)}


def arrow_schemas() -> dict[str, Any]:
    """The Arrow schema of each table documents feed (:data:`TABLES`), read from ``schema.sql``
    (run in an in-memory DuckDB), so files written outside a store have the store's types."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect(":memory:")
    try:
        con.execute(schema_sql())
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ordinal_position"
        ).fetchall()
    finally:
        con.close()
    fields: dict[str, list[Any]] = {t: [] for t in TABLES}
    for table, column, kind in rows:
        if table in fields:
            if kind not in _ARROW_TYPES:
                raise StoreError(f"column {table}.{column} has type {kind}, which has no Arrow type here")
            fields[table].append(pa.field(column, pa.type_for_alias(_ARROW_TYPES[kind])))
    return {t: pa.schema(f) for t, f in fields.items()}


def document_row(article: Article, pipeline_version: str, now: datetime) -> dict[str, Any]:
    rec = article.to_record()
    return {
        "id": article.id,
        "url": _text(article.url),
        "source": _text(article.source),
        "title": _text(article.title),
        "published": _text(article.published),
        "published_date": published_date(article.published),
        "modified": _text(article.modified),
        "language": _text(article.language),
        "authors": json.dumps(article.authors),
        "text": article.text,
        "origin": article.origin,
        "metadata": json.dumps(article.metadata, default=str),
        "captions": json.dumps(rec["captions"]),
        "boilerplate": json.dumps(article.boilerplate),
        "gaps": json.dumps(rec["gaps"]),
        "tone": article.tone,
        "warnings": json.dumps(article.warnings, ensure_ascii=False),
        "record": json.dumps(rec, ensure_ascii=False, default=str),
        "content_hash": article.content_hash,
        "pipeline_version": pipeline_version,
        "ingested_at": now,
        "stages": json.dumps(article.stages),
    }
