"""The store's own shapes: every table to Parquet, and the full document records to JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

from ..store.rows import DERIVED
from .source import StoreReader

# tables kept whole in a full export: they are not per document
WHOLE_TABLES = ("merged_events", "stories", "entity_ids")


def write_parquet(reader: StoreReader, folder: Path, suffix: str, *, whole: bool) -> list[Path]:
    """One Parquet file per table, holding the rows of the exported documents; the tables of
    other engineers' features (merged events, stories) too when the store has them."""
    written = []
    tables = ["documents", *DERIVED]
    tables += [t for t in ("event_reports", "story_members") if reader.has(t)]
    for table in tables:
        key = "id" if table == "documents" else "doc_id"
        target = folder / f"{table}{suffix}.parquet"
        reader.con.execute(
            f"COPY (SELECT t.* FROM {table} t JOIN _export_ids x ON x.id = t.{key}) "
            f"TO '{_sql_path(target)}' (FORMAT parquet)"
        )
        written.append(target)
    if whole:
        for table in WHOLE_TABLES:
            if reader.has(table):
                target = folder / f"{table}{suffix}.parquet"
                reader.con.execute(f"COPY {table} TO '{_sql_path(target)}' (FORMAT parquet)")
                written.append(target)
    return written


def write_jsonl(reader: StoreReader, path: Path) -> int:
    """The full document records (RECORD.md), one per line, in ingest order."""
    n = 0
    result = reader.con.execute(
        """SELECT d.record FROM documents d JOIN _export_ids x ON x.id = d.id
           ORDER BY d.ingested_at, d.id"""
    )
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        while True:
            batch = result.fetchmany(1000)
            if not batch:
                break
            for (record,) in batch:
                if record:
                    fh.write(json.dumps(json.loads(record), ensure_ascii=False) + "\n")
                    n += 1
    return n


def _sql_path(path: Path) -> str:
    return path.as_posix().replace("'", "''")
