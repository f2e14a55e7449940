"""The Spark ingest job (``spark-ingest`` + ``load-parquet``) builds the store a local ``ingest``
of the same input builds; a task that fails part-way is retried without duplicating rows; a bad
input line is a skipped row. Needs PySpark and Java."""

from __future__ import annotations

import json
import shutil
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

from conftest import FIXTURES, SAMPLE

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed"),
]

# every table a store holds after ingest; columns that say when, not what, are left out
TABLES = {
    "documents": "* EXCLUDE (ingested_at)",
    "entities": "*",
    "mentions": "*",
    "quotes": "*",
    "places": "*",
    "place_mentions": "*",
    "events": "*",
    "counts": "*",
    "dates": "*",
    "event_actors": "*",
    "stories": "* EXCLUDE (updated)",
    "story_members": "*",
    "merged_events": "*",
    "event_reports": "*",
    "entity_ids": "*",
}
PAGES = (0, 2, 5)  # English news pages of the real-pages fixture, archived as one WARC file


def _warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rows = [json.loads(x) for x in (FIXTURES / "real_pages" / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    buf = BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for i in PAGES:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            rows[i]["url"],
            "response",
            payload=BytesIO(rows[i]["html"].encode("utf-8")),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2019-11-20T09:00:00Z"},
        )
        writer.write_record(record)
    path.write_bytes(buf.getvalue())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """14 ECB+ documents with a line that is not JSON and one with a date that does not exist
    (JSON Lines, split in byte ranges by the job), and a CC-NEWS-style folder with one WARC file."""
    root = tmp_path_factory.mktemp("corpus")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    bad_date = json.loads(lines[14])
    bad_date["published"] = "2016-02-30"
    (root / "ecb.jsonl").write_text(
        "".join(lines[:7]) + "{not json\n" + json.dumps(bad_date) + "\n" + "".join(lines[7:14]), encoding="utf-8"
    )
    news = root / "CC-NEWS" / "2019" / "11"
    news.mkdir(parents=True)
    _warc(news / "CC-NEWS-20191120090000-00001.warc.gz")
    return root


@pytest.fixture(scope="module")
def local(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    """A local ingest of the corpus (one worker): its store and its summary."""
    from newsgraph import config, jobs
    from newsgraph.store import Store

    db = str(tmp_path_factory.mktemp("local") / "local.duckdb")
    with Store(db) as store:
        summary = jobs.ingest_paths([corpus], config.load(workers=1), store)
    return db, summary


@pytest.fixture(scope="module")
def spark_out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``newsgraph spark-ingest`` of the corpus on local[2]: its output folder and its --json result."""
    import contextlib
    import io

    from newsgraph.cli import main

    out = tmp_path_factory.mktemp("spark") / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        # small byte ranges: the JSON Lines file is read by several tasks
        args = ["spark-ingest", str(corpus), "--out", str(out), "--master", "local[2]", "--partitions", "4"]
        code = main([*args, "--split-bytes", "8000", "--json"])
    assert code == 0
    yield out, SimpleNamespace(**json.loads(printed.getvalue()))
    from newsgraph.executors.spark import session

    session().stop()


def rows(db: str, table: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(db, read_only=True)
    try:
        return sorted(con.execute(f"SELECT {TABLES[table]} FROM {table}").fetchall(), key=repr)
    finally:
        con.close()


def test_job_then_load_equals_local_ingest(
    spark_out: Any, local: tuple[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsgraph.cli import main

    out, result = spark_out
    local_db, summary = local
    assert result.parts >= 3 and result.partitions == 4 and result.retried_partitions == 0
    assert summary.stored == 18 and summary.reasons == {"E107": 1}
    assert result.documents == 18 and result.skipped_by_code == {"E107": 1}
    manifest = json.loads((out / "_newsgraph.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["documents"] == 18 and not (out / "_temporary").exists()
    assert all(p.name.startswith("month=") for p in (out / "documents").iterdir())

    db = str(tmp_path / "spark.duckdb")
    capsys.readouterr()
    assert main(["load-parquet", str(out), "--db", db, "--json"]) == 0
    loaded = json.loads(capsys.readouterr().out)
    assert loaded["stored"] == 18 and loaded["skipped_documents"] == summary.to_dict()["skipped_documents"]
    for table in TABLES:
        expected = rows(local_db, table)
        assert rows(db, table) == expected, table
        assert expected or table == "counts", f"{table} is empty: the comparison says nothing"

    # loading again adds no row: every document is already stored
    before = {t: len(rows(db, t)) for t in TABLES}
    assert main(["load-parquet", str(out), "--db", db, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["stored"] == 0 and again["unchanged"] == 18
    assert {t: len(rows(db, t)) for t in TABLES} == before


def test_bad_lines_are_skipped_rows_and_the_job_goes_on(spark_out: Any, corpus: Path) -> None:
    out, _ = spark_out
    con = duckdb.connect()
    skipped = con.execute(f"SELECT origin, code, reason FROM read_parquet('{out}/skipped/**/*.parquet')").fetchall()
    assert skipped == [
        (
            f"{corpus / 'ecb.jsonl'}:8",
            "E107",
            "invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        )
    ]
    # the line after it was read, kept without its impossible date, with the warning a local read gives
    published, metadata = con.execute(
        f"SELECT published, metadata FROM read_parquet('{out}/documents/**/*.parquet') WHERE origin = ?",
        [f"{corpus / 'ecb.jsonl'}:9"],
    ).fetchone()
    assert published is None and "[E109]" in json.loads(metadata)["warnings"][0]


def test_duckdb_queries_the_output_in_place(spark_out: Any, local: tuple[str, Any]) -> None:
    out, _ = spark_out
    local_db, _ = local
    con = duckdb.connect()
    by_month = con.execute(
        f"""SELECT month, count(*) FROM read_parquet('{out}/events/**/*.parquet', hive_partitioning = true)
            GROUP BY month ORDER BY month"""
    ).fetchall()
    assert sum(n for _, n in by_month) == len(rows(local_db, "events")) > 0
    assert all(m == "unknown" or len(m) == 7 for m, _ in by_month)


def test_failed_partition_is_retried_without_duplicating_rows(spark_out: Any, corpus: Path, tmp_path: Path) -> None:
    from newsgraph import config
    from newsgraph.executors.spark_job import run_job

    _, clean = spark_out
    out = tmp_path / "retried"
    # partition 1's first attempt fails after writing the rows of its first batch
    result = run_job([corpus], out, config.load(), master="local[2]", partitions=4, split_bytes=8_000, fail_once=1)
    assert result.retried_partitions == 1
    assert result.tables == clean.tables and result.documents == clean.documents
    con = duckdb.connect()
    ids = con.execute(f"SELECT id FROM read_parquet('{out}/documents/**/*.parquet')").fetchall()
    assert len(ids) == len(set(ids)) == 18
    assert not (out / "_temporary").exists()


def test_a_job_whose_task_fails_every_attempt_commits_nothing(spark_out: Any, corpus: Path, tmp_path: Path) -> None:
    from newsgraph import config
    from newsgraph.errors import StageError
    from newsgraph.executors.spark_job import run_job

    out = tmp_path / "failed"
    with pytest.raises(StageError, match="fails on its first attempt"):  # local[2,1]: no retry
        run_job([corpus], out, config.load(), master="local[2,1]", partitions=4, fail_once=1)
    assert not (out / "_newsgraph.json").exists() and not (out / "documents").exists()
    result = run_job([corpus], out, config.load(), master="local[2,1]", partitions=4, overwrite=True)
    assert result.documents == 18 and not (out / "_temporary").exists()
