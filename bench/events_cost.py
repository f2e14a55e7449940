"""Throughput cost of the events stages (dates, events, counts, tone) over the spine.

    PYTHONPATH=src python bench/events_cost.py [--docs 200] [--source ../shared/eval/stories/dev.jsonl]

Runs the spine (clean, language, parse, entities) and the spine plus the event
stages, each in a fresh child process, one process each, on the same texts, in
batches of 32. Times exclude model loading (one warm-up batch first). Prints
docs/s for both, the cost of the event stages as a share of the spine's
throughput, and the seconds spent in each stage.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

SPINE = ("clean", "language", "parse", "entities")
EVENT_STAGES = ("dates", "events", "counts", "tone")


def child(stages: tuple[str, ...], source: str, docs: int) -> dict[str, object]:
    from newsgraph import config
    from newsgraph.model import Article
    from newsgraph.pipeline import Pipeline

    rows = [json.loads(line) for line in Path(source).read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [rows[i % len(rows)]["text"] for i in range(docs)]
    pipeline = Pipeline(config.load().with_(stages=stages))
    pipeline.setup()
    pipeline.run([Article(id="warm", text=texts[0])])
    per_stage = {s.name: 0.0 for s in pipeline.stages}
    for stage in pipeline.stages:  # time each stage's batches
        original = stage.process_batch

        def timed(batch, _orig=original, _name=stage.name):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                return _orig(batch)
            finally:
                per_stage[_name] += time.perf_counter() - t0

        stage.process_batch = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    done = 0
    for i in range(0, len(texts), 32):
        batch = [Article(id=f"d{j}", text=t) for j, t in enumerate(texts[i : i + 32], start=i)]
        done += sum(1 for r in pipeline.run(batch) if isinstance(r, Article))
    seconds = time.perf_counter() - started
    return {"docs": len(texts), "ok": done, "seconds": seconds, "docs_per_s": len(texts) / seconds, "stages": per_stage}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    root = Path(__file__).resolve().parents[1]
    candidates = [p / "shared/eval/stories/dev.jsonl" for p in (root.parent, root.parents[1])]
    default = next((str(c) for c in candidates if c.exists()), str(candidates[0]))
    parser.add_argument("--source", default=default)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, alternated; the best is kept")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(tuple(args.child.split(",")), args.source, args.docs)))
        return
    results: dict[str, dict[str, object]] = {}
    for _ in range(args.repeat):  # alternate the runs and keep each one's best: the machine is shared
        for label, stages in (("spine", SPINE), ("spine+events", SPINE + EVENT_STAGES)):
            cmd = [sys.executable, __file__, "--child", ",".join(stages), "--docs", str(args.docs)]
            out = subprocess.run([*cmd, "--source", args.source], check=True, capture_output=True, text=True)
            run = json.loads(out.stdout.strip().splitlines()[-1])
            if label not in results or run["docs_per_s"] > results[label]["docs_per_s"]:  # type: ignore[operator]
                results[label] = run
    base, full = float(results["spine"]["docs_per_s"]), float(results["spine+events"]["docs_per_s"])  # type: ignore[arg-type]
    print(f"documents: {args.docs} from {args.source}, one process, best of {args.repeat} alternated runs")
    print(f"spine               {base:7.1f} docs/s")
    print(f"spine + events      {full:7.1f} docs/s")
    print(f"cost of event stages: {100 * (1 - full / base):.1f}% of the spine's throughput")
    spine_s = sum(v for k, v in results["spine+events"]["stages"].items() if k in SPINE)  # type: ignore[union-attr]
    events_s = sum(v for k, v in results["spine+events"]["stages"].items() if k in EVENT_STAGES)  # type: ignore[union-attr]
    print(
        f"in-run share: event stages {events_s:.2f}s vs spine stages {spine_s:.2f}s = {100 * events_s / spine_s:.1f}%"
    )
    for label, r in results.items():
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in r["stages"].items())  # type: ignore[union-attr]
        print(f"  {label}: {stages}")


if __name__ == "__main__":
    main()
