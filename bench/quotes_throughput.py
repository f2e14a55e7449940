"""Throughput cost of the coref and quotes stages: the spine with and without them, in one process.

Usage: PYTHONPATH=src python bench/quotes_throughput.py [FILE.jsonl] [N]
(default: ../shared/eval/stories/dev.jsonl, 200 texts). Prints documents per second for the
spine (clean, language, parse, entities) and for the spine plus coref and quotes, and the cost
as a share of the spine's throughput. The spaCy model is loaded and warmed before timing.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from newsgraph import config
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline

SPINE = ("clean", "language", "parse", "entities")


def texts(path: Path, n: int) -> list[str]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(json.loads(line)["text"])
            if len(out) >= n:
                break
    return out


def run(pipeline: Pipeline, docs: list[str], batch: int = 32) -> float:
    started = time.perf_counter()
    for i in range(0, len(docs), batch):
        pipeline.run([Article(id=str(i + j), text=t) for j, t in enumerate(docs[i : i + batch])])
    return time.perf_counter() - started


def time_stages(pipeline: Pipeline) -> dict[str, float]:
    """Wrap each stage's process_batch to add up the seconds it takes."""
    spent: dict[str, float] = {}
    for stage in pipeline.stages:
        inner = stage.process_batch

        def timed(batch: list[Article], _inner=inner, _name=stage.name) -> list[Article]:
            t0 = time.perf_counter()
            try:
                return _inner(batch)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t0

        stage.process_batch = timed  # type: ignore[method-assign]
    return spent


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/eval/stories/dev.jsonl")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    docs = texts(path, n)
    settings = config.load().with_(workers=1)
    spine = Pipeline(settings.with_(stages=SPINE))
    full = Pipeline(settings.with_(stages=(*SPINE, "coref", "quotes")))
    # both share the process's spaCy model (coref adds its paragraph component to it), so
    # warm both first and time them alternately, twice, keeping the best of each
    run(spine, docs[:8])
    run(full, docs[:8])
    base = min(run(spine, docs), run(spine, docs))
    withq = min(run(full, docs), run(full, docs))
    spent = time_stages(full)
    run(full, docs)
    ours = spent.get("coref", 0.0) + spent.get("quotes", 0.0)
    total = sum(spent.values())
    chars = sum(len(t) for t in docs)
    print(f"{len(docs)} texts, {chars:,} characters from {path}")
    print(f"spine (clean, language, parse, entities): {base:.2f} s, {len(docs) / base:.1f} docs/s")
    print(f"spine + coref + quotes:                   {withq:.2f} s, {len(docs) / withq:.1f} docs/s")
    print(f"throughput cost of coref + quotes: {100 * (1 - base / withq):.1f}% (bar: at most 25%)")
    print(
        "time per stage (one more run of the full pipeline): " + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items())
    )
    print(
        f"coref + quotes: {ours:.2f} s of {total:.2f} s = {100 * ours / total:.1f}% of the pipeline's time, "
        f"a throughput cost of {100 * ours / total:.1f}% (the wall-clock comparison above is noisier)"
    )


if __name__ == "__main__":
    main()
