"""Story assignment time per document as the store grows: 1k, 10k and 100k documents.

    python bench/stories_scale.py --records /tmp/stories/dev_records.jsonl [--sizes 1000,10000,100000]

Synthetic copies of the analysed ECB+ dev documents arrive in publication order,
``--per-day`` a day; each copy gets its own entities, places and rare terms (a
suffix per copy), so every copy of a story is a different story. The clusterer keeps
only the stories active in its window (7 days), so the time to assign one document
should stay flat however many documents came before. For each size, the mean time of
the ``--probe`` documents that arrive after that many, and the active stories then.
Also the time of the store round trip of ``StoryAssigner`` per batch, with ``--store``.
Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from newsgraph.model import Article
from newsgraph.stories import Clusterer, StoryDoc, from_article


def load(records: str) -> list[StoryDoc]:
    out = []
    with open(records, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                rec["metadata"] = {}
                out.append(from_article(Article.from_record(rec)))
    return out


def copy(doc: StoryDoc, k: int, day: date, n: int) -> StoryDoc:
    tag = f"#{k}"
    rare = {t for t, _ in Counter(doc.body).most_common()[-20:]}
    return StoryDoc(
        id=f"{doc.id}{tag}-{n}",
        title=doc.title,
        published=day,
        source=doc.source,
        body=Counter({(t + tag if t in rare else t): v for t, v in doc.body.items()}),
        lead=Counter({t + tag: v for t, v in doc.lead.items()}),
        entities=Counter({e + tag: v for e, v in doc.entities.items()}),
        places=Counter({p + tag: v for p, v in doc.places.items()}),
        actors=doc.actors,
        years=doc.years,
        dates=frozenset(),
    )


def store_path(records: str, batch: int = 64) -> None:
    """Store writes of the analysed dev documents (batches of 64, as ingest writes them),
    alone and with story assignment (StoryAssigner: assign, write, flush)."""
    import tempfile

    from newsgraph.store import Store
    from newsgraph.stories.persist import StoryAssigner

    articles = []
    with open(records, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                rec["metadata"] = {}
                articles.append(Article.from_record(rec))
    for with_stories in (False, True):
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.duckdb") as store:
            assigner = StoryAssigner(store)
            t0 = time.perf_counter()
            for i in range(0, len(articles), batch):
                part = articles[i : i + batch]
                if with_stories:
                    assigner.assign(part)
                store.write(part, "bench")
                if with_stories:
                    assigner.flush()
            ms = 1000 * (time.perf_counter() - t0) / len(articles)
        print(f"store write path: {ms:.2f} ms/document {'with' if with_stories else 'without'} stories")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", required=True)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--per-day", type=int, default=150, help="documents published per day")
    ap.add_argument("--probe", type=int, default=300, help="documents timed at each size")
    ap.add_argument("--store", action="store_true", help="also time the ingest write path with and without stories")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.store:
        store_path(args.records)
    base = load(args.records)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    clusterer = Clusterer()
    start = date(2020, 1, 1)
    results = []
    n = 0
    k = 0
    for size in sizes:
        while n < size + args.probe:
            # one copy of the whole dev set is one "round": its stories published over a few days
            k += 1
            for doc in base:
                if n >= size + args.probe:
                    break
                day = start + timedelta(days=n // args.per_day)
                item = copy(doc, k, day, n)
                if n >= size:
                    t0 = time.perf_counter()
                    clusterer.assign(item)
                    results.append((size, time.perf_counter() - t0))
                else:
                    clusterer.assign(item)
                n += 1
        times = [t for s, t in results if s == size]
        row = {
            "stored_documents": size,
            "ms_per_document": 1000 * sum(times) / len(times),
            "active_stories": len(clusterer.stories),
            "index_keys": len(clusterer.index),
            "active_documents": clusterer.freq.n,
        }
        print(
            json.dumps(row)
            if args.json
            else "  ".join(f"{k_}={v:.2f}" if isinstance(v, float) else f"{k_}={v}" for k_, v in row.items())
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
