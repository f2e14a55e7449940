"""Merged events on the stories dev set: are merged reports of one true story, and how many merge?

    python bench/merge_eval.py ../shared/eval/stories/dev.jsonl [--db dev.duckdb] [--stories gold,topic,store]

Ingests FILE (unless --db holds it already), then for each story assignment merges
every document's events batch by batch (as ingest does) and reports:

- ``purity``: among merged events with reports from two or more articles, the share
  whose reports all come from one true story (the bar: >= 0.95);
- ``reports_merged``: the share of reports that joined at least one other report;
- ``reports_cross_article``: the share in merged events carried by two or more articles;
- the time spent merging per document.

Story assignments: ``gold`` (the set's ``story``), ``topic`` (the ECB+ topic, which
lumps the two stories of a topic, same-type events at other times and places, into one:
a worst case for a clustering that merges them, so purity there measures the event rules
alone), ``store`` (whatever ``story_members`` holds, the stories stage's own output) and
``file:PATH`` (a JSON object ``{doc_id: story_id}``, e.g. predicted stories saved elsewhere).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from newsgraph import config, jobs
from newsgraph.crossdoc import merge_documents
from newsgraph.store import Store


def assign(store: Store, mode: str) -> None:
    con = store.con
    if mode == "store":
        return
    if mode.startswith("file:"):
        stories = json.loads(Path(mode[5:]).read_text(encoding="utf-8"))
        con.execute("DELETE FROM story_members")
        con.executemany("INSERT INTO story_members VALUES (?, ?, 1.0)", [[s, d] for d, s in stories.items()])
        return
    con.execute("DELETE FROM story_members")
    con.execute("DELETE FROM stories")
    story = "json_extract_string(metadata, '$.story')"
    key = story if mode == "gold" else f"split_part({story}, '_', 1)"
    con.execute(f"INSERT INTO story_members SELECT {key}, id, 1.0 FROM documents WHERE {story} IS NOT NULL")


def evaluate(store: Store, mode: str, batch: int) -> dict[str, Any]:
    con = store.con
    assign(store, mode)
    con.execute("DELETE FROM event_reports")
    con.execute("DELETE FROM merged_events")
    ids = [r[0] for r in con.execute("SELECT id FROM documents ORDER BY published NULLS LAST, origin, id").fetchall()]
    start = time.perf_counter()
    for i in range(0, len(ids), batch):
        merge_documents(store, ids[i : i + batch])
    seconds = time.perf_counter() - start
    gold = dict(con.execute("SELECT id, json_extract_string(metadata, '$.story') FROM documents").fetchall())
    members: dict[str, list[str]] = defaultdict(list)
    for event_id, doc_id in con.execute("SELECT event_id, doc_id FROM event_reports").fetchall():
        members[event_id].append(doc_id)
    n_reports = sum(len(v) for v in members.values())
    multi = [v for v in members.values() if len(set(v)) >= 2]
    pure = [v for v in multi if len({gold.get(d) for d in v}) == 1]
    return {
        "stories": mode,
        "documents": len(ids),
        "reports": n_reports,
        "merged_events": len(members),
        "cross_article_events": len(multi),
        "purity": round(len(pure) / len(multi), 4) if multi else None,
        "reports_merged": round(sum(len(v) for v in members.values() if len(v) >= 2) / n_reports, 4)
        if n_reports
        else 0.0,
        "reports_cross_article": round(sum(len(v) for v in multi) / n_reports, 4) if n_reports else 0.0,
        "merge_ms_per_document": round(1000 * seconds / max(1, len(ids)), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="stories JSON Lines (FORMATS.md: stories)")
    parser.add_argument("--db", help="a store that holds FILE already (else a temporary one is ingested)")
    parser.add_argument("--stories", default="gold,topic", help="comma-separated: gold, topic, store, file:PATH")
    parser.add_argument("--batch", type=int, default=64, help="documents per merge call (ingest writes 64)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "stories.duckdb"
        if not args.db:
            settings = config.load(workers=1, db=str(db))
            with Store(db) as store:
                jobs.ingest_paths([args.file], settings, store)
        with Store(db) as store:
            for mode in args.stories.split(","):
                sys.stdout.write(json.dumps(evaluate(store, mode.strip(), args.batch)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
