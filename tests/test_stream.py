"""Long streams: the ingest writes in batches by size and by time, each document exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsgraph import config, jobs
from newsgraph.errors import ConfigError
from newsgraph.store import Store

TEXT = "Floods hit the north of the country on Monday. Rescue teams from {city} reached the villages. (item {i})"
CITIES = ["Bologna", "Ravenna", "Modena", "Parma", "Ferrara"]


def stream(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "stream.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            row = {"id": f"d{i:02d}", "text": TEXT.format(city=CITIES[i % 5], i=i), "published": f"2024-01-{i + 1:02d}"}
            fh.write(json.dumps(row) + "\n")
    return path


def stored_once(store: Store) -> list[tuple[str, int]]:
    return store.con.execute("SELECT id, count(*) FROM documents GROUP BY id ORDER BY id").fetchall()


def transactions(store: Store) -> int:
    # each batch's documents are written by one transaction, stamped with one ingested_at
    row = store.con.execute("SELECT count(DISTINCT ingested_at) FROM documents").fetchone()
    return int(row[0]) if row else 0


@pytest.fixture(scope="module")
def clean_only() -> config.Settings:
    return config.load(workers=1, stages=("clean",))


def test_writes_by_size(tmp_path: Path, db: str, clean_only: config.Settings) -> None:
    path = stream(tmp_path, 10)
    with Store(db) as store:
        summary = jobs.ingest_paths([path], clean_only, store, write_every=3, write_seconds=0)
        assert summary.writes == 4 and summary.stored == 10  # 3 + 3 + 3 + 1
        assert transactions(store) == 4
        assert stored_once(store) == [(f"d{i:02d}", 1) for i in range(10)]
        members = store.con.execute("SELECT doc_id, count(*) FROM story_members GROUP BY doc_id").fetchall()
        assert sorted(members) == [(f"d{i:02d}", 1) for i in range(10)]
        again = jobs.ingest_paths([path], clean_only, store, write_every=3, write_seconds=0)
        assert again.stored == 0 and again.unchanged == 10 and again.writes == 0
        assert stored_once(store) == [(f"d{i:02d}", 1) for i in range(10)]


def test_writes_by_time(tmp_path: Path, db: str, clean_only: config.Settings) -> None:
    """A size limit never reached: the time limit alone cuts the stream into batches."""
    path = stream(tmp_path, 10)
    with Store(db) as store:
        summary = jobs.ingest_paths([path], clean_only, store, write_every=1000, write_seconds=1e-9)
        assert summary.stored == 10 and summary.writes > 1
        assert transactions(store) == summary.writes
        assert stored_once(store) == [(f"d{i:02d}", 1) for i in range(10)]


def test_one_batch_without_limits_reached(tmp_path: Path, db: str, clean_only: config.Settings) -> None:
    path = stream(tmp_path, 10)
    with Store(db) as store:
        summary = jobs.ingest_paths([path], clean_only, store, write_every=1000, write_seconds=0)
        assert summary.writes == 1 and transactions(store) == 1 and summary.stored == 10
    # the main process's time, by part, comes with the summary (ingest --json prints it)
    assert set(summary.to_dict()["seconds"]) == set(jobs.TIMINGS)  # type: ignore[arg-type]


def test_batching_settings() -> None:
    defaults = config.load()
    assert defaults.write_every >= 1 and defaults.write_seconds >= 0
    assert config.load(write_every="16", write_seconds="0.5").write_every == 16
    with pytest.raises(ConfigError, match="write_every"):
        config.load(write_every=0)
    with pytest.raises(ConfigError, match="write_seconds"):
        config.load(write_seconds=-1)


def test_resume_gives_a_story_to_documents_stored_without_one(
    tmp_path: Path, db: str, clean_only: config.Settings
) -> None:
    """A run killed after a batch's write and before its stories: the next run assigns them."""
    path = stream(tmp_path, 6)
    members = "SELECT doc_id, story_id FROM story_members ORDER BY doc_id"
    stamped = "SELECT id, record->>'story' FROM documents ORDER BY id"
    with Store(db) as store:
        jobs.ingest_paths([path], clean_only, store, write_every=3)
        clean, records = store.con.execute(members).fetchall(), store.con.execute(stamped).fetchall()
        store.con.execute("DELETE FROM story_members WHERE doc_id IN ('d03', 'd04', 'd05')")
        again = jobs.ingest_paths([path], clean_only, store, write_every=3)
        assert again.stored == 0 and again.unchanged == 6
        assert store.con.execute(members).fetchall() == clean
        assert store.con.execute(stamped).fetchall() == records
        assert all(story for _, story in records)
