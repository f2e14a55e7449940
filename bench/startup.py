"""Start-up time of the pipeline: from the start of a job until it can process its first document.

    python bench/startup.py [--runs 5] [--workers 1,2] [--json]

Every measurement runs in a fresh child process (the median of ``--runs`` is shown):

1. ``python``: the interpreter alone (``python -c pass``), for reference;
2. ``import``: the interpreter and ``import newsgraph.cli, newsgraph.jobs`` (what every
   ``newsgraph`` command imports before it starts a job);
3. ``spacy``: the interpreter, ``import spacy`` and ``spacy.load(spacy_model)``: the floor;
4. ``setup``: the interpreter, the imports and ``Pipeline(settings).setup()`` with every
   stage, with each stage's ``setup`` and each ``configure_nlp`` (the components the parse
   stage adds to the spaCy pipeline) timed on its own;
5. ``first``: the ``ingest`` job (``jobs.ingest_articles``, as ``newsgraph ingest`` and
   ``bench/throughput.py`` drive it) through the local executor with 1 and 2 workers,
   one short document per batch: the time from the child's start to its first finished
   document, and to as many finished documents as there are workers (with two workers,
   the second comes from the other worker, so this is when both have started).

Times are wall-clock seconds measured by this (parent) process around the child, so they
include the interpreter's start. A cProfile of one ``setup`` (top entries by cumulative
time) follows the table. Caches (PETRARCH2 dictionaries, gazetteer, pattern caches) are
used as they are: run once before measuring so that a first build is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "samples" / "ecbplus.jsonl"


def _since_start(started: float) -> float:
    return time.time() - started


def child_import(started: float) -> dict[str, Any]:
    import newsgraph.cli
    import newsgraph.jobs  # noqa: F401

    return {"seconds": _since_start(started), "heavy": sorted(m for m in HEAVY if m in sys.modules)}


HEAVY = ("spacy", "thinc", "torch", "pyspark", "fastapi", "duckdb", "trafilatura", "pandas", "sklearn", "pyarrow")


def child_spacy(started: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    import spacy

    t1 = time.perf_counter()
    from newsgraph import config

    spacy.load(config.load().spacy_model)
    return {"seconds": _since_start(started), "import_spacy": t1 - t0, "load": time.perf_counter() - t1}


def child_setup(started: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    from newsgraph import config
    from newsgraph.pipeline import Pipeline
    from newsgraph.stages import STAGES

    imported = time.perf_counter()
    parts: dict[str, float] = {}

    def timed(cls: type, method: str, label: str) -> None:
        original = getattr(cls, method)

        def wrapper(self: Any, *args: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(self, *args)
            finally:
                parts[label] = parts.get(label, 0.0) + time.perf_counter() - t

        setattr(cls, method, wrapper)

    import newsgraph.stages.parse as parse_module

    load_spacy = parse_module.load_spacy

    def timed_load(*args: Any) -> Any:
        t = time.perf_counter()
        try:
            return load_spacy(*args)
        finally:
            parts["parse: spacy model (load_spacy)"] = time.perf_counter() - t

    parse_module.load_spacy = timed_load
    for cls in STAGES:
        timed(cls, "setup", f"{cls.name}: setup")
        if "configure_nlp" in vars(cls):
            timed(cls, "configure_nlp", f"parse: {cls.name}.configure_nlp")
    settings = config.load(workers=1)
    t1 = time.perf_counter()
    pipeline = Pipeline(settings)
    pipeline.setup()
    done = time.perf_counter()
    return {
        "seconds": _since_start(started),
        "import": imported - t0,
        "setup": done - t1,
        "parts": parts,
        "modules": sorted(m for m in HEAVY if m in sys.modules),
    }


def child_profile(started: float) -> dict[str, Any]:
    import cProfile
    import io
    import pstats

    from newsgraph import config
    from newsgraph.pipeline import Pipeline

    pipeline = Pipeline(config.load(workers=1))
    prof = cProfile.Profile()
    prof.enable()
    pipeline.setup()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
    return {"seconds": _since_start(started), "profile": out.getvalue()}


def child_first(started: float, workers: int) -> dict[str, Any]:
    from newsgraph import config, jobs
    from newsgraph.model import Article
    from newsgraph.store import Store

    rows = [json.loads(line) for line in SOURCE.read_text(encoding="utf-8").splitlines()[:8] if line.strip()]
    settings = config.load(workers=workers, batch_size=1)
    finished: list[float] = []

    def progress(_item: object) -> None:
        finished.append(_since_start(started))

    # as `newsgraph ingest` does: the executor starts loading its workers, then the store opens
    from newsgraph import executors

    executors.prepare(settings)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        job = time.time()
        articles = [Article(id=f"{r['id']}-{i}", text=r["text"], origin=f"bench:{i}") for i, r in enumerate(rows)]
        # results come back in input order, each as soon as the executor yields it (the
        # store writes once, at the end: write_every is larger than the input)
        jobs.ingest_articles(articles, settings, store, progress=progress)
    return {"seconds": finished, "job_start": job - started}


def run_child(mode: str, workers: int = 1) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    started = time.time()
    cmd = [sys.executable, __file__, "--child", mode, "--started", repr(started), "--workers", str(workers)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.time() - started
    if out.returncode != 0:
        raise RuntimeError(f"child {mode} failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def run_python() -> dict[str, Any]:
    started = time.time()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return {"seconds": time.time() - started}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts for the 'first' runs")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=("import", "spacy", "setup", "profile", "first"))
    parser.add_argument("--started", type=float, default=0.0)
    args = parser.parse_args()
    if args.child:
        started = args.started or time.time()
        if args.child == "first":
            result = child_first(started, int(args.workers))
        else:
            result = {"import": child_import, "spacy": child_spacy, "setup": child_setup, "profile": child_profile}[
                args.child
            ](started)
        print(json.dumps(result))
        return
    run_child("setup")  # builds the caches a fresh checkout lacks, so that no run below times that
    counts = [int(w) for w in args.workers.split(",") if w]
    raw: dict[str, list[dict[str, Any]]] = {"python": [], "import": [], "spacy": [], "setup": []}
    for w in counts:
        raw[f"first_{w}"] = []
    for _ in range(args.runs):  # interleaved, so that a busy moment on the machine spreads over all
        raw["python"].append(run_python())
        for mode in ("import", "spacy", "setup"):
            raw[mode].append(run_child(mode))
        for w in counts:
            raw[f"first_{w}"].append(run_child("first", w))
    report: dict[str, Any] = {
        "runs": args.runs,
        "python": median([r["seconds"] for r in raw["python"]]),
        "import": median([r["seconds"] for r in raw["import"]]),
        "import_heavy_modules": raw["import"][0]["heavy"],
        "spacy": median([r["seconds"] for r in raw["spacy"]]),
        "spacy_load_only": median([r["load"] for r in raw["spacy"]]),
        "setup_total": median([r["seconds"] for r in raw["setup"]]),
        "setup_import": median([r["import"] for r in raw["setup"]]),
        "setup": median([r["setup"] for r in raw["setup"]]),
        "setup_parts": {k: median([r["parts"].get(k, 0.0) for r in raw["setup"]]) for k in raw["setup"][0]["parts"]},
    }
    for w in counts:
        runs = raw[f"first_{w}"]
        report[f"first_doc_{w}"] = median([r["seconds"][0] for r in runs])
        report[f"first_{w}_docs_{w}"] = median([r["seconds"][w - 1] for r in runs])
        report[f"job_start_{w}"] = median([r["job_start"] for r in runs])
    if not args.no_profile:
        report["profile"] = run_child("profile")["profile"]
    if args.json:
        print(json.dumps(report))
        return
    print(f"medians of {args.runs} runs, seconds from the child's start (wall, interpreter included)")
    print(f"python -c pass                          {report['python']:.2f}")
    print(
        f"import newsgraph.cli, newsgraph.jobs    {report['import']:.2f}"
        f"   heavy modules loaded: {', '.join(report['import_heavy_modules']) or 'none'}"
    )
    print(
        f"import spacy + spacy.load               {report['spacy']:.2f}   (spacy.load alone {report['spacy_load_only']:.2f})"
    )
    print(
        f"Pipeline(settings).setup()              {report['setup_total']:.2f}"
        f"   (imports {report['setup_import']:.2f}, setup {report['setup']:.2f})"
    )
    for w in counts:
        print(
            f"ingest, {w} worker{'s' if w > 1 else ' '}: first document          {report[f'first_doc_{w}']:.2f}"
            f"   {w} documents {report[f'first_{w}_docs_{w}']:.2f}   (job called at {report[f'job_start_{w}']:.2f})"
        )
    print("\nsetup, by part (median seconds):")
    for name, sec in sorted(report["setup_parts"].items(), key=lambda kv: -kv[1]):
        if sec >= 0.005:
            print(f"  {name:45s} {sec:.3f}")
    if not args.no_profile:
        print("\ncProfile of one setup (cumulative):")
        print("\n".join(report["profile"].splitlines()[:45]))


if __name__ == "__main__":
    main()
