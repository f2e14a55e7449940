"""Latency of the HTTP API on a store of the sample ingested many times under distinct ids.

    python bench/api_latency.py [--sample samples/ecbplus.jsonl] [--copies 50] [--requests 300]

1. Runs the pipeline once over the sample (every registered stage), then stores
   ``--copies`` copies of each record under distinct ids, each copy published on
   a different day, so the store holds copies x sample documents and all their rows.
   (Storing copies rather than re-running the pipeline 50 times gives the same
   store in a fraction of the time; the pipeline's speed is bench/throughput.py's job.)
2. If no registered stage produced events, ``--fill-events`` (default 4) placeholder
   events per document are added, evidence = a sentence of the document, so that
   ``/api/events`` is measured on a table of realistic size. The output says so.
3. Starts ``newsgraph serve`` on 127.0.0.1 and times ``GET /api/events`` (with and
   without filters) and ``GET /api/documents?q=WORD`` (words drawn from the sample)
   over one keep-alive connection, and prints p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SAMPLE = ROOT / "samples" / "ecbplus.jsonl"
FALLBACK_SAMPLE = ROOT / "tests" / "fixtures" / "web" / "seed-article.txt"
CODES = ("CONSULT", "AGREE", "SUPPORT", "ACCUSE", "REQUEST", "THREATEN", "PROTEST", "ASSAULT")


def build_store(sample: Path, db: Path, copies: int, fill_events: int) -> dict[str, int]:
    from dataclasses import replace

    from newsgraph import config, jobs
    from newsgraph.model import Article, Event
    from newsgraph.pipeline import Pipeline
    from newsgraph.store import Store

    settings = config.load(workers=1)
    originals = [a for a in jobs.analyze([sample], settings) if isinstance(a, Article)]
    version = Pipeline(settings).version
    filled = 0
    start_day = date(2016, 1, 1)
    if any(a.events for a in originals):
        fill_events = 0  # the events stage ran: measure on its events alone
    with Store(db) as store:
        for k in range(copies):
            batch = []
            for a in originals:
                copy = replace(a, id=f"{a.id}-{k}", published=(start_day + timedelta(days=k)).isoformat())
                if not a.events and fill_events:
                    sentences = [m.span() for m in re.finditer(r"[^.!?\n]{20,}[.!?]", a.text)][:fill_events]
                    copy.events = [
                        Event(
                            code=CODES[(i + k) % len(CODES)],
                            cameo=None,
                            source="USA" if i % 2 else "RUS",
                            source_name=None,
                            target="SYR",
                            target_name=None,
                            mode=None,
                            factuality="asserted",
                            date=copy.published,
                            place=None,
                            evidence=span,
                        )
                        for i, span in enumerate(sentences)
                    ]
                    filled += len(copy.events)
                batch.append(copy)
            store.write(batch, version)
        counts = store.counts()
    counts["placeholder_events"] = filled
    return counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(client: object, paths: list[str]) -> dict[str, float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        response.raise_for_status()
        response.json()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "n": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", default=str(DEFAULT_SAMPLE if DEFAULT_SAMPLE.exists() else FALLBACK_SAMPLE))
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--fill-events", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        counts = build_store(Path(args.sample), db, args.copies, args.fill_events)
        build_s = time.perf_counter() - started
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        server = subprocess.Popen(
            [sys.executable, "-m", "newsgraph.cli", "serve", "--db", str(db), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=30) as client:
                for _ in range(300):
                    try:
                        if client.get("/api/stats").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                rng = random.Random(7)
                titles = client.get("/api/documents", params={"limit": 200}).json()["items"]
                words = sorted({w.lower() for d in titles for w in re.findall(r"[A-Za-z]{5,}", d["snippet"] or "")})
                words = words or ["news"]
                n = args.requests
                results = {
                    "/api/events": measure(client, ["/api/events"] * n),
                    "/api/events?actor=&code=&since=": measure(
                        client,
                        [
                            f"/api/events?actor={rng.choice(['RUS', 'USA', 'SYR'])}&code={rng.choice(CODES)}"
                            f"&since=2016-01-{rng.randint(1, 28):02d}"
                            for _ in range(n)
                        ],
                    ),
                    "/api/documents?q=": measure(client, [f"/api/documents?q={rng.choice(words)}" for _ in range(n)]),
                    "/api/documents?q=two+words": measure(
                        client, [f"/api/documents?q={rng.choice(words)}+{rng.choice(words)}" for _ in range(n)]
                    ),
                }
        finally:
            server.terminate()
            server.wait(10)
    report = {
        "sample": args.sample,
        "copies": args.copies,
        "store_rows": counts,
        "build_s": round(build_s, 1),
        "latency": results,
    }
    if args.json:
        print(json.dumps(report))
        return
    print(f"store: {args.copies} copies of {args.sample} -> {counts} (built in {build_s:.1f} s)")
    if counts["placeholder_events"]:
        print(f"note: no stage produced events; {counts['placeholder_events']} placeholder events were added")
    for path, r in results.items():
        print(
            f"{path:<34} n={r['n']:<4} p50 {r['p50_ms']:>7.1f} ms   p95 {r['p95_ms']:>7.1f} ms   max {r['max_ms']:>7.1f} ms"
        )


if __name__ == "__main__":
    main()
