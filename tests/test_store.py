"""The DuckDB store: idempotent, transactional, versioned, and safe against kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import SAMPLE
from newsgraph import config, jobs
from newsgraph.errors import QueryError, RowError, SchemaVersionError
from newsgraph.model import Article, Entity, Mention
from newsgraph.query import Graph
from newsgraph.store import SCHEMA_VERSION, Store


def small_sample(tmp_path: Path, n: int = 12) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:n]
    path = tmp_path / "sample.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_twice_stores_once(tmp_path: Path, db: str, settings: config.Settings) -> None:
    sample = small_sample(tmp_path)
    with Store(db) as store:
        first = jobs.ingest_paths([sample], settings, store)
        counts1 = store.counts()
        second = jobs.ingest_paths([sample], settings, store)
        counts2 = store.counts()
    assert first.stored == 12 and second.stored == 0 and second.unchanged == 12
    assert counts1 == counts2 and counts1["documents"] == 12 and counts1["mentions"] > 0


def test_reingest_after_pipeline_change_replaces_derived_rows(db: str) -> None:
    art = Article(id="d1", text="Putin met Obama.")
    art.entities = [Entity("Vladimir Putin", "PERSON", None, [Mention(0, 5, "Putin")])]
    with Store(db) as store:
        store.write([art], "v1")
        art.entities = [
            Entity("Vladimir Putin", "PERSON", None, [Mention(0, 5, "Putin")]),
            Entity("Barack Obama", "PERSON", None, [Mention(10, 15, "Obama")]),
        ]
        store.write([art], "v2")
        rows = store.con.execute("SELECT name FROM entities WHERE doc_id='d1' ORDER BY entity").fetchall()
        versions = store.con.execute("SELECT pipeline_version FROM documents").fetchall()
    assert [r[0] for r in rows] == ["Vladimir Putin", "Barack Obama"]
    assert versions == [("v2",)]


def test_failed_write_leaves_previous_rows(db: str) -> None:
    good = Article(id="d1", text="Putin met Obama.")
    good.entities = [Entity("Vladimir Putin", "PERSON", None, [Mention(0, 5, "Putin")])]
    with Store(db) as store:
        store.write([good], "v1")
        broken = Article(id="d1", text="Putin met Obama.")
        broken.entities = [Entity("X", "PERSON", None, [Mention(0, 5, "Putin")])]
        broken.entities[0].name = None  # type: ignore[assignment]  # violates NOT NULL
        with pytest.raises(RowError, match="ConstraintException"):  # named, never silent
            store.write([broken], "v2")
        names = store.con.execute("SELECT name FROM entities").fetchall()
    assert names == [("Vladimir Putin",)]


def test_newer_schema_is_refused(db: str) -> None:
    with Store(db) as store:
        store.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    with pytest.raises(SchemaVersionError, match="newer newsgraph"):
        Store(db)


def test_sql_is_read_only(db: str) -> None:
    Store(db).close()
    with Graph(db) as g:
        assert g.sql("SELECT count(*) AS n FROM documents") == [{"n": 0}]
        with pytest.raises(QueryError, match="read-only"):
            g.sql("DELETE FROM documents")
        with pytest.raises(QueryError):
            g.sql("SELECT 1; SELECT 2")


def test_parquet_export(tmp_path: Path, db: str) -> None:
    art = Article(id="d1", text="Putin met Obama.")
    with Store(db) as store:
        store.write([art], "v1")
        files = store.export_parquet(tmp_path / "out")
    assert (tmp_path / "out" / "documents.parquet") in files
    assert duckdb.sql(f"SELECT id FROM '{tmp_path / 'out' / 'documents.parquet'}'").fetchall() == [("d1",)]


def _cli(*args: str, **kw) -> subprocess.Popen:  # type: ignore[no-untyped-def,type-arg]
    return subprocess.Popen([sys.executable, "-m", "newsgraph.cli", *args], **kw)


def _counts(db: str) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", "stats", "--db", db, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)["counts"]


@pytest.mark.slow
def test_kill_9_mid_ingest_then_resume(tmp_path: Path) -> None:
    sample = small_sample(tmp_path, 60)
    clean_db, killed_db = str(tmp_path / "clean.duckdb"), str(tmp_path / "killed.duckdb")
    subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", "ingest", str(sample), "--db", clean_db, "--workers", "1"],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "NEWSGRAPH_BATCH_SIZE": "4"}
    proc = _cli(
        "ingest",
        str(sample),
        "--db",
        killed_db,
        "--workers",
        "1",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # wait until the first batches are committed, then kill without warning
    deadline = time.time() + 120
    wal = Path(killed_db + ".wal")
    while time.time() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 50_000:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    resumed = subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", "ingest", str(sample), "--db", killed_db, "--workers", "1", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(resumed.stdout)
    assert summary["unchanged"] > 0 or summary["stored"] == 60  # resumed, or killed before the first commit
    assert _counts(killed_db) == _counts(clean_db)
