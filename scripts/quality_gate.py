"""The CI quality gate: score every task with a floor in quality/floors.json.

Usage: python scripts/quality_gate.py EVAL_DIR [FLOORS_JSON]
Prints one line per metric and exits 1 when any metric falls below its floor.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from newsgraph import config
from newsgraph.evaluate import evaluate


def main(argv: list[str]) -> int:
    eval_dir = Path(argv[0]) if argv else Path("../shared/eval")
    floors_path = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "quality" / "floors.json"
    floors = {k: v for k, v in json.loads(floors_path.read_text()).items() if not k.startswith("_")}
    settings = config.load(workers=1)
    failed = 0
    for task, spec in floors.items():
        path = eval_dir / spec["file"]
        if not path.exists():
            print(f"gate {task:<8} skipped: {path} not found")
            continue
        started = time.perf_counter()
        metrics = evaluate(task, path, settings)
        took = time.perf_counter() - started
        for metric, floor in spec["min"].items():
            value = metrics
            for part in metric.split("."):
                value = value[part]
            ok = float(value) >= float(floor)
            failed += not ok
            print(
                f"gate {task:<8} {metric:<22} {float(value):.4f} >= {floor:<6} {'ok' if ok else 'FAIL'}  ({took:.0f}s)"
            )
    print(f"gate: {'FAILED' if failed else 'passed'} ({failed} below floor)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
