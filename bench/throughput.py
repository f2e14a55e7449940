"""Throughput of the whole newsgraph pipeline against plain spaCy, on the same texts.

    python bench/throughput.py --docs 500 [--workers 2] [--stages clean,language,parse,entities]
                               [--source samples/ecbplus.jsonl]

Each measurement runs in a fresh child process so that peak memory is its own:
1. plain spaCy: ``nlp.pipe`` over the texts in one process (the baseline);
2. newsgraph: every registered stage, through the local executor with N worker
   processes, writing to a temporary DuckDB store (the ``ingest`` job).

Times include loading the models (spaCy in the baseline; every worker's models
for newsgraph), and are also given without it ("steady"). Prints docs/s for
both, their ratio, and peak RSS of the main process and of each worker, and the CPU
seconds of the pipeline run (workers, main process, cores used).

``--ceiling`` also runs plain spaCy in N processes at once, each on 1/N of the texts:
what N cores give the parse alone on this machine, the most the pipeline could reach.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def load_texts(source: Path, n: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for i in range(n):
        row = rows[i % len(rows)]
        out.append({"id": f"{row.get('id', i)}-{i}", "text": row["text"]})
    return out


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def private_mb(pid: int | str = "self") -> float:
    """Private (unshared) memory of a process: what it costs beyond pages shared with
    others, such as the memory-mapped gazetteer."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1])
    except OSError:
        return 0.0
    return total / 1024


def children(pid: int | str = "self") -> list[int]:
    """Every descendant process: the workers are children of the executor's fork server."""
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                for child in (int(p) for p in (task / "children").read_text().split()):
                    out += [child, *children(child)]
    return out


class WorkerMemory:
    """Samples the peak private memory of each worker process while the job runs."""

    def __init__(self) -> None:
        import threading

        self.peak: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            for pid in children():
                self.peak[pid] = max(self.peak.get(pid, 0.0), private_mb(pid))


def child_spacy(args: argparse.Namespace) -> dict[str, float]:
    """The stock pipeline, as ``spacy.load`` gives it: not through :func:`newsgraph.nlp.load_spacy`,
    whose drop-ins (``fastattrs``) and lazy import make the same parse cheaper."""
    from newsgraph import config

    texts = [r["text"] for r in load_texts(Path(args.source), args.docs)]
    if args.part:
        part, parts = (int(x) for x in args.part.split("/"))
        texts = texts[part::parts]
    started = time.perf_counter()
    import spacy

    nlp = spacy.load(config.load().spacy_model)
    loaded = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    done = time.perf_counter()
    return {"seconds": done - started, "steady_seconds": done - loaded, "peak_mb": peak_mb(resource.RUSAGE_SELF)}


def ceiling(args: argparse.Namespace) -> float:
    """Seconds for plain spaCy in ``workers`` processes at once, each on its share of the texts."""
    cmd = [sys.executable, __file__, "--child", "spacy", "--docs", str(args.docs), "--source", str(args.source)]
    started = time.perf_counter()
    procs = [
        subprocess.Popen([*cmd, "--part", f"{i}/{args.workers}"], stdout=subprocess.DEVNULL)
        for i in range(args.workers)
    ]
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit("a plain spaCy process failed")
    return time.perf_counter() - started


def child_pipeline(args: argparse.Namespace) -> dict[str, float]:
    from newsgraph import config, jobs
    from newsgraph.executors import local
    from newsgraph.model import Article
    from newsgraph.store import Store

    rows = load_texts(Path(args.source), args.docs)
    settings = config.load(workers=args.workers, stages=tuple(x for x in args.stages.split(",") if x))
    first: list[float] = []

    def progress(_item: object) -> None:
        if not first:
            first.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        with WorkerMemory() as memory, Store(Path(tmp) / "bench.duckdb") as store:
            articles = (Article(id=r["id"], text=r["text"], origin=f"bench:{i}") for i, r in enumerate(rows))
            summary = jobs.ingest_articles(articles, settings, store, progress=progress)
        done = time.perf_counter()
    local.stop_fork_server()  # waited for, its workers' peak memory counts in RUSAGE_CHILDREN
    main_cpu, tree_cpu = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # "steady": from the first finished document on, scaled back to all documents
    steady = (done - first[0]) * args.docs / max(1, args.docs - settings.batch_size) if first else done - started
    return {
        "seconds": done - started,
        "steady_seconds": steady,
        "stored": summary.stored,
        "skipped": len(summary.skipped),
        "peak_mb": peak_mb(resource.RUSAGE_SELF),
        "worker_peak_mb": peak_mb(resource.RUSAGE_CHILDREN),
        "worker_private_mb": sorted(memory.peak.values()),
        # CPU seconds (user + system) of this process (reading, stories, store writes, merging)
        # and of the fork server with its workers (loading once, then every stage)
        "main_cpu_seconds": main_cpu.ru_utime + main_cpu.ru_stime,
        "workers_cpu_seconds": tree_cpu.ru_utime + tree_cpu.ru_stime,
    }


def child_profile(args: argparse.Namespace) -> dict[str, object]:
    """Each stage's share of the time, in one process (no workers, no store)."""
    from newsgraph import config
    from newsgraph.model import Article
    from newsgraph.pipeline import Pipeline

    rows = load_texts(Path(args.source), min(args.docs, 240))
    settings = config.load(workers=1, stages=tuple(x for x in args.stages.split(",") if x))
    started = time.perf_counter()
    pipeline = Pipeline(settings)
    pipeline.setup()
    setup_s = time.perf_counter() - started
    seconds: dict[str, float] = {s.name: 0.0 for s in pipeline.stages}
    articles = [Article(id=r["id"], text=r["text"]) for r in rows]
    for i in range(0, len(articles), settings.batch_size):
        batch = articles[i : i + settings.batch_size]
        for stage in pipeline.stages:
            t = time.perf_counter()
            batch = stage.process_batch(batch)
            seconds[stage.name] += time.perf_counter() - t
    return {
        "docs": len(rows),
        "setup_seconds": setup_s,
        "stage_seconds": seconds,
        "peak_mb": peak_mb(resource.RUSAGE_SELF),
    }


def run_child(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--docs",
        str(args.docs),
        "--workers",
        str(args.workers),
        "--source",
        str(args.source),
        "--stages",
        args.stages,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--source", default=str(ROOT / "samples" / "ecbplus.jsonl"))
    parser.add_argument("--stages", default="", help="comma-separated stage names (default: every stage)")
    parser.add_argument("--child", choices=("spacy", "pipeline", "profile"))
    parser.add_argument("--no-profile", action="store_true", help="skip the per-stage table")
    parser.add_argument("--ceiling", action="store_true", help="also plain spaCy in N processes at once")
    parser.add_argument("--part", default="", help=argparse.SUPPRESS)  # "i/N": a ceiling process's share
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.child:
        children = {"spacy": child_spacy, "pipeline": child_pipeline, "profile": child_profile}
        result = children[args.child](args)
        print(json.dumps(result))
        return
    texts = load_texts(Path(args.source), args.docs)
    chars = sum(len(t["text"]) for t in texts) / len(texts)
    spacy_r = run_child("spacy", args)
    pipe_r = run_child("pipeline", args)
    prof_r = None if args.no_profile else run_child("profile", args)
    ceiling_s = ceiling(args) if args.ceiling else None
    report = {
        "docs": args.docs,
        "mean_chars": round(chars),
        "workers": args.workers,
        "spacy_docs_per_s": args.docs / spacy_r["seconds"],
        "pipeline_docs_per_s": args.docs / pipe_r["seconds"],
        "ratio": spacy_r["seconds"] / pipe_r["seconds"],
        "spacy_steady_docs_per_s": args.docs / spacy_r["steady_seconds"],
        "pipeline_steady_docs_per_s": args.docs / pipe_r["steady_seconds"],
        "steady_ratio": spacy_r["steady_seconds"] / pipe_r["steady_seconds"],
        "spacy_peak_mb": spacy_r["peak_mb"],
        "pipeline_main_peak_mb": pipe_r["peak_mb"],
        "pipeline_worker_peak_mb": pipe_r["worker_peak_mb"],
        "pipeline_worker_private_mb": pipe_r["worker_private_mb"],
        "pipeline_main_cpu_seconds": pipe_r["main_cpu_seconds"],
        "pipeline_workers_cpu_seconds": pipe_r["workers_cpu_seconds"],
        "pipeline_cores_used": (pipe_r["main_cpu_seconds"] + pipe_r["workers_cpu_seconds"]) / pipe_r["seconds"],
        "stored": pipe_r["stored"],
        "skipped": pipe_r["skipped"],
        "profile": prof_r,
        "ceiling_ratio": spacy_r["seconds"] / ceiling_s if ceiling_s else None,
    }
    if args.json:
        print(json.dumps(report))
        return
    print(
        f"{args.docs} documents, {report['mean_chars']} characters on average, {args.workers} workers, "
        f"stages: {args.stages or 'all'}"
    )
    print(
        f"plain spaCy (1 process)  {report['spacy_docs_per_s']:7.1f} docs/s   steady {report['spacy_steady_docs_per_s']:7.1f}"
        f"   peak {report['spacy_peak_mb']:.0f} MB"
    )
    print(
        f"newsgraph pipeline       {report['pipeline_docs_per_s']:7.1f} docs/s   steady {report['pipeline_steady_docs_per_s']:7.1f}"
        f"   peak main {report['pipeline_main_peak_mb']:.0f} MB, per worker {report['pipeline_worker_peak_mb']:.0f} MB RSS"
        f" ({', '.join(f'{m:.0f}' for m in report['pipeline_worker_private_mb'])} MB private)"
    )
    print(f"ratio pipeline/spaCy     {report['ratio']:.2f}x (with model loading), {report['steady_ratio']:.2f}x steady")
    print(
        f"CPU of the pipeline run   {report['pipeline_workers_cpu_seconds']:.1f} s in the workers (and their fork server),"
        f" {report['pipeline_main_cpu_seconds']:.1f} s in the main process, {report['pipeline_cores_used']:.2f} cores used"
        f" over {pipe_r['seconds']:.1f} s; plain spaCy {spacy_r['seconds']:.1f} s in one process"
    )
    if ceiling_s:
        print(
            f"plain spaCy in {args.workers} processes at once, each on 1/{args.workers} of the texts: {ceiling_s:.1f} s,"
            f" {report['ceiling_ratio']:.2f}x one process (what {args.workers} cores give the parse alone here)"
        )
    if prof_r:
        total = sum(prof_r["stage_seconds"].values())
        print(
            f"\nwhere the time goes (one process, {prof_r['docs']} documents; setup {prof_r['setup_seconds']:.1f} s):"
        )
        print("| stage | seconds | share |\n|---|---|---|")
        for name, sec in prof_r["stage_seconds"].items():
            print(f"| {name} | {sec:.2f} | {100 * sec / total:.1f}% |")
        print(f"| total | {total:.2f} | 100% |")


if __name__ == "__main__":
    main()
