"""Export speed against ingest speed: ``newsgraph export`` of N documents should take less
than 10% of the time their ingest took.

    python bench/export_speed.py [--sample 100] [--docs 10000] [--workers 2]
                                 [--source samples/ecbplus.jsonl] [--formats gdelt,polecat,parquet,jsonl]

1. ingest ``--sample`` documents (cycled from ``--source``) into a temporary store with the
   ingest job (the whole pipeline, ``--workers`` processes) and time it: seconds per document;
2. grow the store to ``--docs`` documents with synthetic copies of the stored sample (every
   table's rows copied under new document ids, spread over three days of ingest), so the
   export sees N documents with real derived rows;
3. time ``export`` of the N documents in each format, and compare it with the ingest time of
   N documents at the measured rate (the sample's seconds per document times N).

Prints one JSON object. Timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def sample_file(source: Path, n: int, folder: Path) -> Path:
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = folder / "sample.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            row = dict(rows[i % len(rows)])
            row["id"] = f"{row.get('id', i)}-{i}"
            row.setdefault("url", f"https://news.example.org/{row['id']}")
            if not row.get("published"):
                row["published"] = f"2016-09-{1 + i % 28:02d}"
            fh.write(json.dumps(row) + "\n")
    return path


def grow(db: str, target: int) -> int:
    """Copy the stored documents (and every derived row) under new ids until ``target``."""
    from newsgraph.store import Store
    from newsgraph.store.rows import DERIVED

    with Store(db) as store:
        con = store.con
        stored = int(con.execute("SELECT count(*) FROM documents").fetchone()[0])
        copies = max(0, -(-target // stored) - 1)
        for k in range(1, copies + 1):
            suffix = f"~{k}"
            with store.transaction():
                con.execute(
                    f"""INSERT INTO documents SELECT * REPLACE (id || '{suffix}' AS id,
                            ingested_at + INTERVAL ({k % 3}) DAY AS ingested_at)
                        FROM documents WHERE NOT contains(id, '~')"""
                )
                for table in DERIVED:
                    con.execute(
                        f"""INSERT INTO {table} SELECT * REPLACE (doc_id || '{suffix}' AS doc_id)
                            FROM {table} WHERE NOT contains(doc_id, '~')"""
                    )
        return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])


def main() -> None:
    from newsgraph import config, jobs
    from newsgraph.export import export
    from newsgraph.query import Graph
    from newsgraph.store import Store

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=100, help="documents to ingest for the ingest rate")
    ap.add_argument("--docs", type=int, default=10_000, help="documents to export")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--source", type=Path, default=ROOT / "samples" / "ecbplus.jsonl")
    ap.add_argument("--formats", default="gdelt,polecat,parquet,jsonl")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsgraph-export-bench-") as tmp:
        folder = Path(tmp)
        db = str(folder / "bench.duckdb")
        settings = config.load(workers=args.workers)
        path = sample_file(args.source, args.sample, folder)
        t0 = time.perf_counter()
        with Store(db) as store:
            summary = jobs.ingest_paths([path], settings, store)
        ingest_s = time.perf_counter() - t0
        per_doc = ingest_s / max(1, summary.stored)
        n = grow(db, args.docs)
        out: dict[str, object] = {
            "sample_docs": summary.stored,
            "sample_ingest_s": round(ingest_s, 2),
            "ingest_s_per_doc": round(per_doc, 4),
            "docs": n,
            "ingest_s_estimated": round(per_doc * n, 1),
            "workers": args.workers,
            "formats": {},
        }
        with Graph(db) as g:
            events = g.sql("SELECT count(*) AS n FROM events")[0]["n"]
            out["events"] = events
            for fmt in args.formats.split(","):
                t0 = time.perf_counter()
                result = export(g, folder / f"out-{fmt}", fmt)
                seconds = time.perf_counter() - t0
                size = sum(Path(f).stat().st_size for f in result.files)
                out["formats"][fmt] = {  # type: ignore[index]
                    "export_s": round(seconds, 2),
                    "docs_per_s": round(n / seconds, 1),
                    "share_of_ingest": round(seconds / (per_doc * n), 4),
                    "files": len(result.files),
                    "mb": round(size / 1e6, 1),
                }
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
