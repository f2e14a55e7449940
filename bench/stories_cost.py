"""What stories and merging cost an ingest: the same ingest with and without them, paired.

    python bench/stories_cost.py [--file ../shared/eval/stories/dev.jsonl] [--pairs 2]

Each pair ingests FILE into a fresh store twice, in alternating order: once as it is
(stories assigned, merged events and entity ids, the repair pass at the end) and once
with ``StoryAssigner``'s and ``crossdoc``'s work replaced by no-ops. Prints each run's
seconds and where the main process spent them (the ingest summary's ``seconds``), then
the median of each variant and the cost as a share of the ingest time without them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "stories" / "dev.jsonl"


def run(file: str, with_stories: bool, workers: int) -> tuple[float, dict[str, float]]:
    from newsgraph import config, crossdoc, jobs
    from newsgraph.store import Store
    from newsgraph.stories.persist import StoryAssigner

    with ExitStack() as off, tempfile.TemporaryDirectory() as tmp:
        if not with_stories:
            off.enter_context(mock.patch.object(StoryAssigner, "assign", lambda self, articles: []))
            off.enter_context(mock.patch.object(StoryAssigner, "flush", lambda self: 0))
            off.enter_context(mock.patch.object(StoryAssigner, "sync", lambda self, version, every=256: 0))
            off.enter_context(mock.patch.object(StoryAssigner, "repair", lambda self: {"documents_moved": 0}))
            off.enter_context(mock.patch.object(crossdoc, "update", lambda store, ids: {}))
            off.enter_context(mock.patch.object(crossdoc, "sync", lambda store: {}))
        db = str(Path(tmp) / "cost.duckdb")
        settings = config.load(workers=workers, db=db)
        started = time.perf_counter()
        with Store(db) as store:
            summary = jobs.ingest_paths([file], settings, store)
        return time.perf_counter() - started, dict(summary.seconds)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", default=str(DEV))
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    times: dict[str, list[float]] = {"with": [], "without": []}
    for k in range(args.pairs):
        for with_stories in (True, False) if k % 2 == 0 else (False, True):
            seconds, parts = run(args.file, with_stories, args.workers)
            name = "with" if with_stories else "without"
            times[name].append(seconds)
            shown = {key: round(v, 2) for key, v in parts.items() if v}
            print(f"pair {k} {name:<7} {seconds:6.1f} s  {json.dumps(shown)}", file=sys.stderr)
    med = {k: statistics.median(v) for k, v in times.items()}
    cost = (med["with"] - med["without"]) / med["without"]
    print(json.dumps({"median_with_s": med["with"], "median_without_s": med["without"], "cost": round(cost, 4)}))
    return 0


if __name__ == "__main__":  # guarded: the local executor's fork server imports the main module
    sys.exit(main())
