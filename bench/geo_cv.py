"""5-fold cross-validation over documents of the places stage on a geo file (FORMATS.md).

    python bench/geo_cv.py ../shared/eval/geo/dev.jsonl [--folds 5]
        [--param recognize.MIN_CITY_BARE_WORD --values 50000 100000 200000]

Runs parse, entities and places once per value of one module constant of
``newsgraph.geo`` (``recognize.MIN_CITY_BARE_WORD``, the population from which a
one-word town is recognised in bare text, as a person's name or when a name goes
on after it; or ``resolve.COUNTY_STATE_PENALTY``...), then for each fold chooses the
value with the best recognition F1 + Acc@161 on the other folds and scores it on the
held-out fold. Prints the held-out scores per fold, their mean and standard
deviation, and every value's score on the whole file. Document i is in fold i mod k.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
from typing import Any

from newsgraph.config import Settings
from newsgraph.evaluate import read_jsonl, score_geo
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline


def predictions(rows: list[dict[str, Any]]) -> list[Any]:
    pipeline = Pipeline(Settings().with_(stages=("parse", "entities", "places")))
    pipeline.setup()
    out = []
    for i in range(0, len(rows), 16):
        chunk = rows[i : i + 16]
        results = pipeline.run([Article(id=str(r.get("id", n)), text=r["text"]) for n, r in enumerate(chunk)])
        for row, result in zip(chunk, results, strict=True):
            pred = []
            if isinstance(result, Article):
                pred = [(m.start, m.end, p.lat, p.lon) for p in result.places for m in p.mentions]
            out.append((row.get("toponyms") or [], pred))
    return out


def objective(m: dict[str, Any]) -> float:
    return float(m["recognition"]["f1"] + m["resolution"]["acc161"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--param", default="recognize.MIN_CITY_BARE_WORD")
    ap.add_argument("--values", type=float, nargs="+", default=[50000, 100000, 200000])
    args = ap.parse_args()
    rows = list(read_jsonl(args.path))
    module_name, attr = args.param.rsplit(".", 1)
    module = importlib.import_module(f"newsgraph.geo.{module_name}")
    original = getattr(module, attr)
    runs = {}
    for value in args.values:
        setattr(module, attr, type(original)(value))
        runs[value] = predictions(rows)
    setattr(module, attr, original)
    held = []
    for k in range(args.folds):
        train = [i for i in range(len(rows)) if i % args.folds != k]
        test = [i for i in range(len(rows)) if i % args.folds == k]
        best = max(args.values, key=lambda v: objective(score_geo([runs[v][i] for i in train])))
        m = score_geo([runs[best][i] for i in test])
        held.append(
            {"fold": k, "value": best, "recognition_f1": m["recognition"]["f1"], "acc161": m["resolution"]["acc161"]}
        )
    whole = {str(v): score_geo(p) for v, p in runs.items()}
    out = {
        "param": args.param,
        "whole_file": {
            v: {"recognition_f1": m["recognition"]["f1"], "acc161": m["resolution"]["acc161"]} for v, m in whole.items()
        },
        "held_out": held,
    }
    for key in ("recognition_f1", "acc161"):
        out[f"cv_mean_{key}"] = statistics.mean(h[key] for h in held)
        out[f"cv_sd_{key}"] = statistics.stdev(h[key] for h in held)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
