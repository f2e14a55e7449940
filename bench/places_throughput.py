"""Throughput cost of the places stage: the pipeline with and without it, one process.

    PYTHONPATH=src python bench/places_throughput.py [STORIES.jsonl] [N]

Reads N texts (default 200) of a JSON Lines file with a "text" field (default
../shared/eval/stories/dev.jsonl), runs the default stages without and with
``places`` in batches of 32, and prints documents per second for each, the
relative cost, and the one-off set-up time (gazetteer load) of the stage.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from newsgraph.config import Settings
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline, select_stages


def run(texts: list[str], skip: tuple[str, ...], per_stage: dict[str, float] | None = None) -> tuple[float, float]:
    """Wall time of the pipeline over ``texts`` and of its set-up; per-stage times into ``per_stage``."""
    settings = Settings().with_(skip_stages=skip)
    pipeline = Pipeline(settings, select_stages(settings))
    started = time.perf_counter()
    pipeline.setup()
    setup = time.perf_counter() - started
    if per_stage is not None:
        for stage in pipeline.stages:
            per_stage[stage.name] = 0.0
            stage.process_batch = _timed(stage.process_batch, stage.name, per_stage)  # type: ignore[method-assign]
    started = time.perf_counter()
    for i in range(0, len(texts), 32):
        pipeline.run([Article(id=str(i + k), text=t) for k, t in enumerate(texts[i : i + 32])])
    return time.perf_counter() - started, setup


def _timed(fn, name, into):  # type: ignore[no-untyped-def]
    def wrapper(batch):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return fn(batch)
        finally:
            into[name] += time.perf_counter() - t

    return wrapper


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "../shared/eval/stories/dev.jsonl"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()[:n] if line.strip()]
    run(texts[:10], ("places",))  # warm the spaCy model and caches
    without, _ = run(texts, ("places",))
    stages: dict[str, float] = {}
    with_places, setup = run(texts, (), stages)
    print(f"documents: {len(texts)}")
    print(f"without places: {len(texts) / without:.2f} docs/s ({without:.1f} s)")
    print(f"with places:    {len(texts) / with_places:.2f} docs/s ({with_places:.1f} s)")
    print("time per stage in the run with places (the robust figure on a shared machine):")
    for name, secs in stages.items():
        print(f"  {name:<10} {secs:6.2f} s  {100 * secs / with_places:5.1f}%")
    print(f"places share of throughput: {100 * stages.get('places', 0.0) / with_places:.1f}%")
    print(f"set-up (gazetteer load, once per process): {setup:.1f} s")


if __name__ == "__main__":
    main()
