"""Constant memory over long inputs: peak RSS of `newsgraph ingest` against input length.

    python bench/memory_stream.py [--lines 10000 100000] [--stages clean] [--workers 2]

Writes JSON Lines files of the given lengths (the bundled sample's texts, cycled,
under distinct ids), ingests each into a fresh store with the chosen stages, and
prints the peak RSS of the main process and of the largest worker. Flat figures
across lengths mean the reader, executor and writer stream. The default runs
only the `clean` stage so that 100,000 documents take minutes, not hours; pass
`--stages ""` for every stage (and fewer lines).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_input(path: Path, lines: int) -> None:
    rows = [json.loads(x) for x in (ROOT / "samples" / "ecbplus.jsonl").read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(lines):
            row = rows[i % len(rows)]
            fh.write(json.dumps({"id": f"doc-{i}", "text": row["text"]}) + "\n")


def child(args: argparse.Namespace) -> None:
    from newsgraph import config, jobs
    from newsgraph.executors import local
    from newsgraph.store import Store

    settings = config.load(workers=args.workers, stages=tuple(s for s in args.stages.split(",") if s))
    started = time.perf_counter()
    with Store(args.db, memory_limit=settings.db_memory_limit) as store:
        summary = jobs.ingest_paths([args.input], settings, store)
    local.stop_fork_server()  # waited for, its workers' peak memory counts in RUSAGE_CHILDREN
    print(
        json.dumps(
            {
                "stored": summary.stored,
                "seconds": time.perf_counter() - started,
                "main_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--stages", default="clean")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--input")
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"stages: {args.stages or 'all'}; workers: {args.workers}")
    for lines in args.lines:
        with tempfile.TemporaryDirectory() as tmp:
            data, db = Path(tmp) / "in.jsonl", Path(tmp) / "s.duckdb"
            write_input(data, lines)
            size = os.path.getsize(data) / 2**20
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--input",
                    str(data),
                    "--db",
                    str(db),
                    "--stages",
                    args.stages,
                    "--workers",
                    str(args.workers),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{lines:>7} lines ({size:6.0f} MB): stored {r['stored']:>7} in {r['seconds']:6.1f} s, "
                f"peak main {r['main_peak_mb']:5.0f} MB, largest worker {r['worker_peak_mb']:5.0f} MB"
            )


if __name__ == "__main__":
    main()
