"""5-fold cross-validation over documents of the entities stage on a CoNLL-2003 file.

    python bench/ner_cv.py ../shared/eval/ner/dev.conll [--folds 5] [--shares 0.005 0.01 0.02]

The one fitted constant of the entity rules is ``entity_rules.SPORTS_SHARE`` (the
share of sports words that makes a document a sports report, where place-named
subjects and objects are teams). For each fold, the value scoring the best micro F1
on the other folds is chosen and scored on the held-out fold; the script prints the
held-out scores per fold and their mean (overall F1 and ORG F1), next to the scores
of every value on the whole file. Documents are assigned to folds by position
(document i goes to fold i mod k). The data is the caller's; nothing of it is stored.
"""

from __future__ import annotations

import argparse
import json
import statistics

from newsgraph.config import Settings
from newsgraph.evaluate import ner_predictions, read_conll, score_ner
from newsgraph.stages import entity_rules


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--shares", type=float, nargs="+", default=[0.005, 0.01, 0.02])
    args = ap.parse_args()
    docs = read_conll(args.path)
    runs = {}
    for share in args.shares:
        entity_rules.SPORTS_SHARE = share
        runs[share] = ner_predictions(docs, Settings())
    whole = {share: score_ner(preds) for share, preds in runs.items()}
    held = []
    for k in range(args.folds):
        train = [i for i in range(len(docs)) if i % args.folds != k]
        test = [i for i in range(len(docs)) if i % args.folds == k]
        best = max(args.shares, key=lambda s: score_ner([runs[s][i] for i in train])["f1"])
        m = score_ner([runs[best][i] for i in test])
        held.append({"fold": k, "share": best, "f1": m["f1"], "org_f1": m["per_type"].get("ORG", {}).get("f1", 0.0)})
    out = {
        "whole_file": {str(s): {"f1": m["f1"], "org_f1": m["per_type"]["ORG"]["f1"]} for s, m in whole.items()},
        "held_out": held,
        "cv_mean_f1": statistics.mean(h["f1"] for h in held),
        "cv_sd_f1": statistics.stdev(h["f1"] for h in held),
        "cv_mean_org_f1": statistics.mean(h["org_f1"] for h in held),
        "cv_sd_org_f1": statistics.stdev(h["org_f1"] for h in held),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
