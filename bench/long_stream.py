"""Long streams: memory of every process and where the main process's time goes, over N documents.

    python bench/long_stream.py --docs 5000 [--workers 2] [--sample-every 250] [--stages ""]
                                [--chars 0] [--per-day 500] [--schedule topics|cycle]
                                [--write-every 256] [--write-seconds 2] [--profile FILE] [--json]
                                [--max-seconds S] [--samples-file FILE] [--keep DIR]

Writes a JSON Lines file of N synthetic documents: the texts of
``samples/ecbplus.jsonl`` under distinct ids, dated forward in time (``--per-day``
documents a day), so the story window moves as in a real stream. With
``--schedule topics`` (the default) each of the sample's 10 stories is "in the news"
for 3 days out of every 14 (its texts cycled on those days), so stories start, grow
and fall out of the 7-day window; ``--schedule cycle`` cycles every text every day
(10 stories that never end: a worst case for story size). ``--chars N`` cuts each
text after the last sentence that ends within N characters (shorter texts, so that
100k documents fit in tens of minutes; the output says so).

Then runs the real ``ingest`` job (:func:`newsgraph.jobs.ingest_paths`) into a fresh
store in a child process, and every K documents samples: documents done, elapsed
seconds, RSS and private memory (USS, from /proc/PID/smaps_rollup) of the main
process and of each worker process, and the size of the DuckDB files. Prints the
curve, the slope of each process's memory after warm-up (MB per 10k documents: ~0 is
flat), docs/s, and the share of the main process's time in each part of the job
(``Summary.seconds``: reading, store look-ups, waiting for the workers, story
assignment, Store.write, story rows, crossdoc.update). ``--profile FILE`` runs the
main process under cProfile and prints its top functions. ``--max-seconds`` stops reading
the input after that long (the report then says how far it got); ``--samples-file`` appends
each sample as it is taken, so a run killed early still leaves its curve.

One run (README, "Long streams"): ``--docs 100000 --chars 300 --workers 2 --sample-every 2000 --write-seconds 2``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ecbplus.jsonl"
ACTIVE_DAYS, PERIOD = 3, 14  # --schedule topics: each story in the news 3 days out of 14


def shorten(text: str, chars: int) -> str:
    """The text up to the last sentence end within ``chars`` characters (at least one sentence)."""
    if chars <= 0 or len(text) <= chars:
        return text
    cut = max((m.end() for m in re.finditer(r"[.!?][\"')\]]?(?=\s)", text[: chars + 1])), default=0)
    if cut:
        return text[:cut]
    m = re.search(r"[.!?](?=\s)", text)
    return text[: m.end()] if m else text[:chars]


def write_input(path: Path, docs: int, per_day: int, chars: int, schedule: str) -> dict[str, Any]:
    rows = [json.loads(x) for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(row.get("story") or row["id"]), []).append(row)
    names = sorted(groups)
    start = date(2024, 1, 1)
    chars_total = 0
    with path.open("w", encoding="utf-8") as fh:
        day_texts: list[dict[str, Any]] = []
        for i in range(docs):
            d, k = divmod(i, per_day)
            if k == 0:
                if schedule == "cycle":
                    day_texts = rows
                else:  # the stories in the news today: each active ACTIVE_DAYS out of PERIOD, staggered
                    active = [g for j, g in enumerate(names) if (d + j * PERIOD // len(names)) % PERIOD < ACTIVE_DAYS]
                    day_texts = [r for g in active for r in groups[g]] or rows
            row = day_texts[(i + d) % len(day_texts)]
            minute = k * 24 * 60 // per_day
            text = shorten(row["text"], chars)
            chars_total += len(text)
            fh.write(
                json.dumps(
                    {
                        "id": f"ls-{i:07d}",
                        "text": text,
                        "published": f"{start + timedelta(days=d)}T{minute // 60:02d}:{minute % 60:02d}:00",
                        "source": f"outlet{(i * 7) % 40}.example",
                    }
                )
                + "\n"
            )
    return {"days": (docs + per_day - 1) // per_day, "mean_chars": chars_total / max(docs, 1)}


# -- memory of a process, from /proc (Linux) ---------------------------------------------


def memory_mb(pid: int | str = "self") -> tuple[float, float]:
    """(RSS, private memory) of a process in MB; (0, 0) once it is gone."""
    rss = uss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                    uss += int(line.split()[1])
    except OSError:
        return 0.0, 0.0
    return rss / 1024, uss / 1024


def workers() -> list[int]:
    """The pool's worker processes (children of this one, not multiprocessing's resource tracker)."""
    out: list[int] = []
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            for pid in (task / "children").read_text().split():
                with contextlib.suppress(OSError):
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                    if b"resource_tracker" not in cmd:
                        out.append(int(pid))
    return sorted(out)


def child(args: argparse.Namespace) -> None:
    from newsgraph import config, ingest, jobs
    from newsgraph.model import Article, Skipped
    from newsgraph.store import Store

    settings = config.load(workers=args.workers, stages=tuple(s for s in args.stages.split(",") if s))
    samples: list[dict[str, Any]] = []
    done = 0
    started = time.perf_counter()
    first: list[float] = []
    opened: list[Store] = []

    def sample() -> None:
        main_rss, main_uss = memory_mb()
        used = opened[0].con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()
        duck = (used[0] or 0) / 2**20 if used else 0.0
        pool = [(pid, *memory_mb(pid)) for pid in workers()]
        size = sum(os.path.getsize(p) for p in (args.db, args.db + ".wal") if os.path.exists(p))
        samples.append(
            row := {
                "docs": done,
                "seconds": round(time.perf_counter() - started, 2),
                "main_rss_mb": round(main_rss, 1),
                "main_uss_mb": round(main_uss, 1),
                "duckdb_mb": round(duck, 1),  # DuckDB's buffers (part of the main process; capped by db_memory_limit)
                "workers": [{"pid": p, "rss_mb": round(r, 1), "uss_mb": round(u, 1)} for p, r, u in pool],
                "db_mb": round(size / 2**20, 1),
            }
        )
        if args.samples_file:  # as they come, so that a run killed early still leaves its curve
            with open(args.samples_file, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")

    def progress(_item: Article | Skipped) -> None:
        nonlocal done
        done += 1
        if not first:
            first.append(time.perf_counter() - started)
        if done % args.sample_every == 0:
            sample()

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()

    def until(items: Iterator[Article | Skipped], deadline: float) -> Iterator[Article | Skipped]:
        """The input, ending early once ``deadline`` has passed (--max-seconds)."""
        for item in items:
            if time.perf_counter() > deadline:
                return
            yield item

    with Store(args.db, memory_limit=settings.db_memory_limit) as store:
        opened.append(store)
        # what ingest_paths does, with the reader cut short by --max-seconds when given
        items = ingest.read([args.input], settings.max_text_bytes)
        if args.max_seconds:
            items = until(items, started + args.max_seconds)
        summary = jobs.ingest_articles(
            items,
            settings,
            store,
            progress=progress,
            write_every=args.write_every,
            write_seconds=args.write_seconds,
        )
        elapsed = time.perf_counter() - started
        if not samples or samples[-1]["docs"] != done:
            sample()
        counts = store.counts()
        n_stories = store.con.execute("SELECT count(*), max(n_articles) FROM stories").fetchone()
    top = ""
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        profiler.dump_stats(args.profile)
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(45)
        top = buf.getvalue()
    report = summary.to_dict()
    report.pop("skipped_documents", None)
    print(
        json.dumps(
            {
                "summary": report,
                "elapsed": elapsed,
                "first_result": first[0] if first else None,
                "samples": samples,
                "counts": counts,
                "stories": n_stories[0] if n_stories else 0,
                "largest_story": n_stories[1] if n_stories else 0,
                "profile": top,
            }
        )
    )


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of y over x, per 10k of x."""
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if not sxx:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx * 10_000


def analyse(result: dict[str, Any], warmup: float) -> dict[str, Any]:
    samples = result["samples"]
    total = samples[-1]["docs"] if samples else 0
    late = [s for s in samples if s["docs"] >= warmup * total] or samples
    n_workers = max((len(s["workers"]) for s in samples), default=0)
    slopes: dict[str, float | None] = {
        "main_rss": slope([(s["docs"], s["main_rss_mb"]) for s in late]),
        "main_uss": slope([(s["docs"], s["main_uss_mb"]) for s in late]),
        "main_duckdb": slope([(s["docs"], s["duckdb_mb"]) for s in late]),
        "db": slope([(s["docs"], s["db_mb"]) for s in late]),
    }
    for w in range(n_workers):
        for kind in ("rss", "uss"):
            pts = [(s["docs"], s["workers"][w][f"{kind}_mb"]) for s in late if len(s["workers"]) > w]
            slopes[f"worker{w + 1}_{kind}"] = slope(pts)
    seconds = result["summary"]["seconds"]
    main_total = seconds.get("total") or result["elapsed"]
    shares = {k: v / main_total for k, v in seconds.items() if k != "total" and main_total}
    curve = []
    for frac in (0.1, 0.25, 0.5, 0.75, 1.0):
        if samples:
            curve.append({"at": frac, **min(samples, key=lambda s: abs(s["docs"] - frac * total))})
    return {
        "slopes_mb_per_10k": slopes,
        "warmup_docs": int(warmup * total),
        "shares": shares,
        "docs_per_s": total / result["elapsed"] if result["elapsed"] else 0.0,
        "curve": curve,
    }


def fmt_workers(s: dict[str, Any], kind: str) -> str:
    return " ".join(f"{w[f'{kind}_mb']:6.0f}" for w in s["workers"]) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample-every", type=int, default=0, help="default: docs / 20")
    parser.add_argument("--stages", default="", help='comma-separated; "" = every stage')
    parser.add_argument("--chars", type=int, default=0, help="cut texts after this many characters (0: whole)")
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--schedule", choices=("topics", "cycle"), default="topics")
    parser.add_argument("--write-every", type=int, default=None, help="default: the settings'")
    parser.add_argument("--write-seconds", type=float, default=None, help="default: the settings'")
    parser.add_argument("--warmup", type=float, default=0.2, help="share of the run left out of the slopes")
    parser.add_argument("--max-seconds", type=float, default=0, help="stop reading input after this long")
    parser.add_argument("--samples-file", default="", help="also append each sample to this JSON Lines file")
    parser.add_argument("--profile", default="", help="cProfile the main process; stats to this file")
    parser.add_argument("--keep", default="", help="keep the input and the store in this folder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    every = args.sample_every or max(args.docs // 20, 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        data, db = folder / "stream.jsonl", folder / "stream.duckdb"
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
        made = write_input(data, args.docs, args.per_day, args.chars, args.schedule)
        cmd = [sys.executable, __file__, "--child", "--input", str(data), "--db", str(db)]
        cmd += ["--stages", args.stages, "--workers", str(args.workers), "--sample-every", str(every)]
        if args.write_every is not None:
            cmd += ["--write-every", str(args.write_every)]
        if args.write_seconds is not None:
            cmd += ["--write-seconds", str(args.write_seconds)]
        if args.profile:
            cmd += ["--profile", args.profile]
        if args.max_seconds:
            cmd += ["--max-seconds", str(args.max_seconds)]
        if args.samples_file:
            cmd += ["--samples-file", args.samples_file]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stderr[-5000:])
            raise SystemExit(out.returncode)
        result = json.loads(out.stdout.strip().splitlines()[-1])
    analysis = analyse(result, args.warmup)
    setup = {
        "docs": args.docs,
        "workers": args.workers,
        "stages": args.stages or "all",
        "schedule": args.schedule,
        "per_day": args.per_day,
        "days": made["days"],
        "chars": args.chars,
        "max_seconds": args.max_seconds,
        "mean_chars": round(made["mean_chars"]),
        "input_mb": round(os.path.getsize(data) / 2**20, 1) if args.keep else None,
    }
    if args.json:
        print(json.dumps({"setup": setup, **result, **analysis}, indent=1))
        return
    text = f"texts SHORTENED to at most {args.chars} characters" if args.chars else "whole texts"
    text += f", mean {made['mean_chars']:.0f} characters"
    print(
        f"{args.docs} documents ({text}; schedule {args.schedule}, {args.per_day}/day over {made['days']} days), "
        f"stages: {args.stages or 'all'}, workers: {args.workers}"
    )
    summary = result["summary"]
    print(
        f"stored {summary['stored']} in {result['elapsed']:.0f} s ({analysis['docs_per_s']:.1f} docs/s; "
        f"first result after {result['first_result'] or 0:.1f} s), {summary['writes']} write batches, "
        f"{result['stories']} stories (largest {result['largest_story']})"
    )
    reached = result["samples"][-1]["docs"] if result["samples"] else 0
    if reached < args.docs:
        print(f"STOPPED by --max-seconds {args.max_seconds:.0f} after {reached} of {args.docs} documents")
    print(
        f"\n{'docs':>7} {'s':>7} {'doc/s':>6} {'main RSS':>8} {'USS':>6} {'DuckDB':>6} {'worker RSS':>14} {'worker USS':>14} {'DB MB':>7}"
    )
    last_docs, last_s = 0, 0.0
    for s in result["samples"]:
        rate = (s["docs"] - last_docs) / (s["seconds"] - last_s) if s["seconds"] > last_s else 0.0
        last_docs, last_s = s["docs"], s["seconds"]
        print(
            f"{s['docs']:>7} {s['seconds']:>7.0f} {rate:>6.1f} {s['main_rss_mb']:>8.0f} {s['main_uss_mb']:>6.0f} {s['duckdb_mb']:>6.0f} "
            f"{fmt_workers(s, 'rss'):>14} {fmt_workers(s, 'uss'):>14} {s['db_mb']:>7.0f}"
        )
    print(f"\nslope after the first {analysis['warmup_docs']} documents, MB per 10k documents:")
    print(
        "  "
        + ", ".join(f"{k} {v:+.1f}" if v is not None else f"{k} -" for k, v in analysis["slopes_mb_per_10k"].items())
    )
    print("\nmain process time (Summary.seconds):")
    for key, value in summary["seconds"].items():
        share = analysis["shares"].get(key)
        print(f"  {key:<12} {value:8.1f} s" + (f"  {share:6.1%}" if share is not None else ""))
    if result.get("profile"):
        print("\n" + result["profile"])


if __name__ == "__main__":
    main()
