"""Fit the story model (signal weights, intercept, join threshold) on all ECB+ dev topics
and write it to src/newsgraph/stories/weights.json, the file the package ships.

    newsgraph analyze ../shared/eval/stories/dev.jsonl --json --workers 2 > /tmp/stories/dev_records.jsonl
    python bench/stories_fit.py --records /tmp/stories/dev_records.jsonl

The held-out quality of exactly this procedure is what bench/stories_cv.py reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stories_cv import DEV, load

from newsgraph.stories.learn import fit

OUT = Path(__file__).resolve().parents[1] / "src" / "newsgraph" / "stories" / "weights.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", required=True, help="analyze --json output of the dev set")
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    docs, labels = load(args.records, args.dev)
    weights = fit(docs, labels)
    weights.save(args.out)
    print(f"wrote {args.out}: threshold {weights.threshold:.2f}, {weights.trained_on}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
