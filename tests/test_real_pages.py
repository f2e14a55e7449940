"""Real pages nobody here wrote, through the real CLI, into a fresh store.

Every page of ``../shared/eval/extract/dev.jsonl`` (85 pages, 11 not in English)
when ``../shared`` is present, else the 6 committed pages of
``fixtures/real_pages`` (see its README for their licence). Asserted: exit 0;
every page stored, whatever its language; no stored text column holds a Python
repr; every span of every stored record indexes its text; a second ingest stores
nothing new. The same pages as a WARC file, and as HTML files ingested, killed
with SIGKILL and resumed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
SHARED_PAGES = HERE.parent / ".." / "shared" / "eval" / "extract" / "dev.jsonl"
FIXTURE_PAGES = HERE / "fixtures" / "real_pages" / "pages.jsonl"
PAGES = SHARED_PAGES if SHARED_PAGES.exists() else FIXTURE_PAGES

# A Python repr of a dict, list of dicts or tuple where text was meant: "{'name': 'Atlanta', ..."
REPR = re.compile(r"""(?:^|[\[(,:]\s*)\{'[^']*':\s|^\(['"\d]|^\[\{'|^\['""")
SPAN_KEYS = ("evidence", "trigger", "source_span", "target_span", "speaker_span", "cue", "content")


def cli(*args: str, env: dict[str, str] | None = None, **kw: Any) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("newsgraph", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "newsgraph.cli"]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=1800, **kw
    )


def succeeded(run: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The JSON summary of an ingest that exited 0."""
    assert run.returncode == 0, run.stderr[-3000:]
    summary: dict[str, Any] = json.loads(run.stdout)
    return summary


def pages() -> list[dict[str, Any]]:
    with PAGES.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def html_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pages without their gold text, so that the HTML is what is read."""
    path = tmp_path_factory.mktemp("real") / "pages.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for page in pages():
            fh.write(json.dumps({"id": page["id"], "url": page["url"], "html": page["html"]}) + "\n")
    return path


@pytest.fixture(scope="module")
def ingested(html_only: Path) -> tuple[Path, dict[str, Any]]:
    db = html_only.parent / "real.duckdb"
    return db, succeeded(cli("ingest", str(html_only), "--db", str(db), "--workers", "1", "--json"))


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_page_is_stored_whatever_its_language(ingested: tuple[Path, dict[str, Any]]) -> None:
    db, summary = ingested
    n = len(pages())
    assert summary["stored"] == n and summary["skipped"] == 0, summary["skipped_documents"]
    stored = rows(db, "SELECT language, stages FROM documents")
    assert len(stored) == n
    other = [json.loads(stages) for language, stages in stored if language != "en"]
    assert other, "the pages include other languages"
    assert all(stages == ["clean", "language"] for stages in other)  # stored; English-only stages not run
    english = [json.loads(stages) for language, stages in stored if language == "en"]
    assert all("parse" in stages and "entities" in stages for stages in english)


def test_no_stored_text_column_holds_a_python_repr(ingested: tuple[Path, dict[str, Any]]) -> None:
    db, _ = ingested
    columns = rows(
        db,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE data_type IN ('VARCHAR', 'JSON') AND table_name <> 'meta'",
    )
    found = []
    for table, column in columns:
        if column == "text" and table == "documents":
            continue  # the article itself may quote anything
        for (value,) in rows(db, f'SELECT "{column}" FROM {table} WHERE "{column}" IS NOT NULL'):
            if REPR.search(str(value)):
                found.append(f"{table}.{column}: {str(value)[:80]}")
    assert found == []


def _spans(node: Any, text: str, where: str, bad: list[str]) -> None:
    if isinstance(node, dict):
        spanned = {"start", "end", "text"} <= node.keys() and isinstance(node["start"], int)
        if spanned and text[node["start"] : node["end"]] != node["text"]:
            bad.append(f"{where}: {node['start']}-{node['end']} is not {node['text'][:40]!r}")
        for key, value in node.items():
            if key in SPAN_KEYS and isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
                if not 0 <= value[0] <= value[1] <= len(text):
                    bad.append(f"{where}.{key}: {value} outside the text ({len(text)})")
            else:
                _spans(value, text, f"{where}.{key}", bad)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _spans(item, text, f"{where}[{i}]", bad)


def test_every_span_of_every_stored_record_indexes_its_text(ingested: tuple[Path, dict[str, Any]]) -> None:
    db, _ = ingested
    bad: list[str] = []
    texts = dict(rows(db, "SELECT id, text FROM documents"))
    for doc_id, record in rows(db, "SELECT id, record FROM documents"):
        rec = json.loads(record)
        assert rec["text"] == texts[doc_id]
        _spans({k: v for k, v in rec.items() if k != "text"}, rec["text"], doc_id, bad)
    for table, text_col in (("mentions", "text"), ("place_mentions", "text"), ("dates", "text"), ("quotes", "content")):
        for doc_id, start, end, value in rows(db, f'SELECT doc_id, start, "end", {text_col} FROM {table}'):
            if texts[doc_id][start:end] != value:
                bad.append(f"{table} {doc_id} {start}-{end}: {value[:40]!r}")
    for table in ("events", "counts"):
        for doc_id, start, end in rows(db, f'SELECT doc_id, start, "end" FROM {table}'):
            if not 0 <= start < end <= len(texts[doc_id]):
                bad.append(f"{table} {doc_id} {start}-{end} outside the text")
    assert bad == []


def test_a_second_ingest_stores_nothing_new(ingested: tuple[Path, dict[str, Any]], html_only: Path) -> None:
    db, _ = ingested
    again = succeeded(cli("ingest", str(html_only), "--db", str(db), "--workers", "1", "--json"))
    assert again["stored"] == 0 and again["unchanged"] == len(pages())


def test_a_warc_of_the_pages(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for page in pages():
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        payload = BytesIO(page["html"].encode("utf-8"))
        writer.write_record(writer.create_warc_record(page["url"], "response", payload=payload, http_headers=http))
    warc = tmp_path / "pages.warc.gz"
    warc.write_bytes(buf.getvalue())
    db = tmp_path / "warc.duckdb"
    summary = succeeded(cli("ingest", str(warc), "--db", str(db), "--workers", "1", "--json"))
    assert summary["stored"] == len(pages()) and summary["skipped"] == 0, summary["skipped_documents"]
    again = json.loads(cli("ingest", str(warc), "--db", str(db), "--json").stdout)
    assert again["stored"] == 0


def test_kill_9_mid_ingest_of_html_files_then_resume(tmp_path: Path, ingested: tuple[Path, dict[str, Any]]) -> None:
    """HTML files ingested, killed once the first batch is committed, resumed: the same
    store as the uninterrupted ingest of the same pages (the JSONL one above)."""
    folder = tmp_path / "html"
    folder.mkdir()
    for i, page in enumerate(pages()):
        (folder / f"{i:03d}.html").write_text(page["html"], encoding="utf-8")
    db = tmp_path / "killed.duckdb"
    exe = shutil.which("newsgraph", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "newsgraph.cli"]
    proc = subprocess.Popen(
        [*cmd, "ingest", str(folder), "--db", str(db), "--workers", "1"],
        env={**os.environ, "NEWSGRAPH_BATCH_SIZE": "4"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 900
    wal = Path(str(db) + ".wal")
    while time.time() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 50_000:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    summary = succeeded(cli("ingest", str(folder), "--db", str(db), "--workers", "1", "--json"))
    n = len(pages())
    assert summary["stored"] + summary["unchanged"] == n and summary["skipped"] == 0
    clean_db, _ = ingested
    counted = "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM mentions), (SELECT count(*) FROM quotes)"
    assert rows(db, counted) == rows(clean_db, counted)
