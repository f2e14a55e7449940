"""Cost of merging events and linking entities per document as the store grows.

    python bench/merge_cost.py [--sizes 1000,10000,100000] [--batches 5]

For each size N it builds a synthetic store of N documents (10 per story, 3 events and
5 entities each, already merged and linked: the state an ingest leaves), then writes
batches of 64 new documents that join existing stories and times ``crossdoc.update``
on them (merging compares only the events of the same story and type; entity linking
reads only the stories' entities). Prints one JSON line per size: milliseconds per
document, median over the batches. Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from newsgraph.crossdoc import update
from newsgraph.model import Article, Entity, Event, Mention
from newsgraph.store import Store

CODES = ["CONSULT", "AGREE", "ASSAULT", "ACCUSE", "AID", "PROTEST", "THREATEN", "REQUEST"]
ACTORS = ["USAGOV", "RUSGOV", "CHNGOV", "FRAGOV", "DEUGOV", "SYRMIL", "ISRMIL", "PSEREB", "UKRGOV", "IRNGOV"]
PER_STORY = 10


def base_store(con: object, n: int) -> None:
    """N documents, their events, entities, stories, merged events and entity ids, in SQL."""
    sql = f"""
    INSERT INTO documents (id, source, title, published, text, content_hash, pipeline_version, ingested_at)
      SELECT 'd' || i, 'src' || (i % 50), 'story ' || (i // {PER_STORY}),
             strftime(DATE '2020-01-01' + INTERVAL (i // 200) DAY, '%Y-%m-%d'), 'synthetic text', 'h' || i, 'v',
             now()::TIMESTAMP FROM range({n}) t(i);
    INSERT INTO story_members SELECT 's' || (i // {PER_STORY}), 'd' || i, 1.0 FROM range({n}) t(i);
    INSERT INTO events (doc_id, event, code, cameo, source, target, factuality, date, place, start, "end")
      SELECT 'd' || i, k, {CODES!r}[1 + ((i // {PER_STORY} + k) % {len(CODES)})], '040',
             {ACTORS!r}[1 + ((i // {PER_STORY} + k) % {len(ACTORS)})],
             {ACTORS!r}[1 + ((i // {PER_STORY} + k + 3) % {len(ACTORS)})], 'asserted',
             strftime(DATE '2020-01-01' + INTERVAL (i // 200) DAY, '%Y-%m-%d'), NULL, 0, 5
      FROM range({n}) t(i), range(3) u(k);
    INSERT INTO event_reports SELECT 'b' || (i // {PER_STORY}) || '-' || k, 'd' || i, k FROM range({n}) t(i), range(3) u(k);
    INSERT INTO merged_events (event_id, story_id, code, n_reports, n_articles, n_sources)
      SELECT 'b' || s || '-' || k, 's' || s, {CODES!r}[1 + ((s + k) % {len(CODES)})], {PER_STORY}, {PER_STORY}, 10
      FROM range({n // PER_STORY}) t(s), range(3) u(k);
    INSERT INTO entities (doc_id, entity, name, type, mentions, entity_id)
      SELECT 'd' || i, k, 'Person' || ((i // {PER_STORY}) * 5 + k) || ' Name' || k, 'PERSON', 1,
             'p' || ((i // {PER_STORY}) * 5 + k) FROM range({n}) t(i), range(5) u(k);
    INSERT INTO entity_ids SELECT 'p' || j, 'Person' || j || ' Name' || (j % 5), 'PERSON', {PER_STORY}
      FROM range({n // PER_STORY * 5}) t(j);
    """
    con.execute(sql)  # type: ignore[attr-defined]


def new_batch(n: int, batch: int, rng: random.Random, tag: str) -> list[Article]:
    out = []
    for j in range(64):
        story = rng.randrange(n // PER_STORY)
        a = Article(id=f"new-{tag}-{j}", text="synthetic text of a new article", published="2020-06-01", source="x")
        a.events = [
            Event(
                CODES[(story + k) % len(CODES)],
                "040",
                ACTORS[(story + k) % len(ACTORS)],
                None,
                ACTORS[(story + k + 3) % len(ACTORS)],
                None,
                None,
                "asserted",
                None,
                None,
                (0, 5),
            )
            for k in range(3)
        ]
        a.entities = [
            Entity(f"Person{story * 5 + k} Name{k}" if k else f"Name{k}", "PERSON", None, [Mention(0, 5, "x")])
            for k in range(5)
        ]
        a.metadata["story"] = f"s{story}"
        out.append(a)
    return out


def measure(n: int, batches: int) -> dict[str, object]:
    rng = random.Random(n)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "cost.duckdb") as store:
        base_store(store.con, n)
        per_doc = []
        for b in range(batches):
            articles = new_batch(n, 64, rng, str(b))
            store.write(articles, "v")
            for a in articles:
                store.con.execute("INSERT INTO story_members VALUES (?, ?, 1.0)", [a.metadata["story"], a.id])
            start = time.perf_counter()
            update(store, [a.id for a in articles])
            per_doc.append(1000 * (time.perf_counter() - start) / len(articles))
        merged = store.con.execute("SELECT count(*) FROM event_reports WHERE doc_id LIKE 'new-%'").fetchone()
    return {
        "stored_documents": n,
        "ms_per_document_median": round(statistics.median(per_doc), 3),
        "ms_per_document_all": [round(x, 2) for x in per_doc],
        "new_reports_linked": merged[0] if merged else 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args(argv)
    for size in args.sizes.split(","):
        sys.stdout.write(json.dumps(measure(int(size), args.batches)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
