"""Time and memory of one hostile document: one news sentence repeated to SIZE kilobytes.

    python bench/hostile.py [--kb 1000] [--max-nlp-chars N] [--on-error skip|degrade]

Runs ``newsgraph analyze --workers 1 --json`` on the text under ``/usr/bin/time -v``
(when present) with the pipeline's per-stage timings logged, and prints the wall
time, the peak RSS, what became of the document (processed, degraded or skipped
with a code) and the seconds each stage took. Compare two sizes (e.g. 200 and 400)
with ``--max-nlp-chars 0`` to see which stage grows faster than the text.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = (
    "Russian President Vladimir Putin said on Monday that Moscow and Washington could reach a deal "
    "on Syria within days, according to officials in Hangzhou. "
)
RUNNER = """
import logging, sys
logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s %(message)s")
logging.getLogger("newsgraph.pipeline").setLevel(logging.DEBUG)
from newsgraph.cli import main
sys.exit(main(sys.argv[1:]))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=int, default=1000)
    ap.add_argument("--max-nlp-chars", type=int, default=None)
    ap.add_argument("--on-error", choices=("skip", "degrade"), default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / f"repeated-{args.kb}kb.txt"
        body = SENTENCE * (args.kb * 1000 // len(SENTENCE) + 1)
        text.write_text("Putin says deal near\n\n" + body, encoding="utf-8")
        runner = Path(tmp) / "run.py"
        runner.write_text(RUNNER, encoding="utf-8")
        env = dict(os.environ)
        if args.max_nlp_chars is not None:
            env["NEWSGRAPH_MAX_NLP_CHARS"] = str(args.max_nlp_chars)
        if args.on_error:
            env["NEWSGRAPH_ON_ERROR"] = args.on_error
        cmd = [sys.executable, str(runner), "analyze", str(text), "--workers", "1", "--json"]
        timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
        if timer:
            cmd = [timer, "-v", *cmd]
        started = time.monotonic()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        wall = time.monotonic() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    stages = dict(re.findall(r"stage (\w+): \d+ documents in ([\d.]+) s", done.stderr))
    outcome = "skipped"
    for line in done.stdout.splitlines():
        rec = json.loads(line)
        if "text" in rec:
            outcome = "degraded" if rec.get("warnings") else "processed"
            warnings = rec.get("warnings")
            break
    else:
        warnings = [line for line in done.stderr.splitlines() if line.startswith("skipped")]
    report = {
        "kb": args.kb,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(int(rss.group(1)) / 1024) if rss else None,
        "outcome": outcome,
        "warnings": warnings,
        "stage_s": {k: float(v) for k, v in stages.items()},
        "note": "timings are noisy on a shared machine",
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
