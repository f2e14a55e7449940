"""The Spark ingest job on one machine: local[1] against local[2] (issue 13: local[2] >= 1.7x local[1]).

    python bench/spark_scale.py --docs 200 [--masters local[1],local[2]] [--partitions N] [--json]

The input is ``--docs`` documents of samples/ecbplus.jsonl (copies of its 126 documents with
ids of their own past 126) in one JSON Lines file. For each master, in a fresh Spark session:

* cold: the job from nothing, in a process of its own: session (JVM) start, read,
  pipeline load in each Python worker, analysis, Parquet writes, commit;
* warm: the same job again in the same session (the workers keep their pipeline).

It prints seconds, documents a second, the speed-up of each master over the first one, and
the CPU seconds used by the JVM, by the Python workers and by the driver (from /proc, over
the process tree), so that a shortfall shows where the time went, and the load average
before and after. Timings on a shared machine are noisy: run it on an idle one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ecbplus.jsonl"


def corpus(n: int, folder: Path) -> Path:
    rows = [json.loads(x) for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    path = folder / "docs.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            row = dict(rows[i % len(rows)])
            if i >= len(rows):
                row["id"] = f"{row['id']}#{i // len(rows)}"
            fh.write(json.dumps(row) + "\n")
    return path


def _stat(pid: int) -> tuple[int, str, float] | None:
    """(parent pid, command, CPU seconds of it and its reaped children) of a process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = sum(int(fields[i]) for i in (11, 12, 13, 14)) / ticks  # utime stime cutime cstime
    return int(fields[1]), name, cpu


def cpu_by_kind() -> dict[str, float]:
    """CPU seconds of the processes under this one: the JVM, the Python workers (the pyspark
    daemon and the workers it forks), and this driver process itself."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st:
                table[int(entry)] = st
    me = os.getpid()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out = {"jvm": 0.0, "python_workers": 0.0, "driver": 0.0}
    own = os.times()
    out["driver"] = own.user + own.system
    stack = list(children.get(me, []))
    while stack:
        pid = stack.pop()
        _, name, cpu = table[pid]
        out["jvm" if name == "java" else "python_workers"] += cpu
        stack.extend(children.get(pid, []))
    return out


def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: round(after[k] - before[k], 1) for k in after}


def one(master: str, path: Path, docs: int, partitions: int | None, out: Path) -> dict[str, object]:
    """Cold then warm, in this (fresh) process: its own JVM and Python workers."""
    from newsgraph import config
    from newsgraph.executors.spark import session
    from newsgraph.executors.spark_job import run_job

    settings = config.load()
    row: dict[str, object] = {"master": master, "docs": docs, "load_before": os.getloadavg()[0]}
    for phase in ("cold", "warm"):
        before = cpu_by_kind()
        start = time.perf_counter()
        session(master)
        job = run_job([path], out, settings, master=master, partitions=partitions, overwrite=True)
        seconds = time.perf_counter() - start
        assert job.documents == docs, job
        cpu = delta(before, cpu_by_kind())
        row[phase] = {
            "seconds": round(seconds, 2),
            "docs_per_s": round(docs / seconds, 2),
            "partitions": job.partitions,
            "cpu_s": cpu,
            "worker_cpu_s_per_doc": round(cpu["python_workers"] / docs, 3),
            # how many cores the Python workers had on average: under 2 with local[2] on an idle
            # 2-core machine means waiting (start, skew); on a busy one, other processes' share
            "worker_cores": round(cpu["python_workers"] / seconds, 2),
            # tasks running at once in the analysis stage, on average (2 at best with local[2])
            "concurrency": round(job.task_seconds / job.analysis_seconds, 2) if job.analysis_seconds else 0.0,
            "analysis_seconds": job.analysis_seconds,
        }
    row["load_after"] = os.getloadavg()[0]
    session().stop()
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--masters", default="local[1],local[2]")
    parser.add_argument("--partitions", type=int, help="default: 4 per core of each master")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one master in this process
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        tmp = Path(args.input).parent
        print(json.dumps(one(args.one, Path(args.input), args.docs, args.partitions, tmp / "out")))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="spark_scale_"))
    path = corpus(args.docs, tmp)
    results = []
    for master in args.masters.split(","):
        # each master in a process of its own: a fresh JVM, cold as a new job is
        cmd = [sys.executable, __file__, "--one", master, "--input", str(path), "--docs", str(args.docs)]
        if args.partitions:
            cmd += ["--partitions", str(args.partitions)]
        done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    base = results[0]
    for row in results:
        for phase in ("cold", "warm"):
            this, first = row[phase], base[phase]
            this["speedup"] = round(first["seconds"] / this["seconds"], 2)
    if args.json:
        print(json.dumps({"docs": args.docs, "cores": os.cpu_count(), "results": results}))
        return 0
    print(f"spark-ingest job, {args.docs} documents, {os.cpu_count()} cores")
    print(
        f"{'master':<10} {'phase':<5} {'seconds':>8} {'docs/s':>7} {'speed-up':>8}"
        "  CPU s: JVM / Python workers / driver  worker cores  tasks at once  load avg"
    )
    for row in results:
        for phase in ("cold", "warm"):
            r = row[phase]
            cpu = r["cpu_s"]
            print(
                f"{row['master']:<10} {phase:<5} {r['seconds']:>8.2f} {r['docs_per_s']:>7.2f} {r['speedup']:>7.2f}x"
                f"  {cpu['jvm']:>5.1f} / {cpu['python_workers']:>5.1f} / {cpu['driver']:>4.1f}"
                f"  {r['worker_cores']:>11.2f}  {r['concurrency']:>12.2f}  {row['load_before']:.1f} -> {row['load_after']:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
