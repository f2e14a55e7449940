"""5-fold cross-validation of story clustering over ECB+ topics (held out, never in-sample).

    newsgraph analyze ../shared/eval/stories/dev.jsonl --json --workers 2 > /tmp/stories/dev_records.jsonl
    python bench/stories_cv.py --records /tmp/stories/dev_records.jsonl

Folds group documents by topic (the label before the sub-event marker), so the
two sub-events of a topic (e.g. two earthquakes) are always in the same fold and
the model is scored on topics it never saw. Each fold fits weights and threshold
on the other four, then clusters the held-out documents together in batch mode
and streaming mode (file order and shuffled orders), each stream as it is and after the
repair pass that ``newsgraph ingest`` runs at the end of a run (``_repaired``: what the
store holds). Prints per-fold and mean scores.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from newsgraph.model import Article
from newsgraph.stories import batch, from_article, stream
from newsgraph.stories.learn import PRIOR_DOCS, fit, group_folds, topic
from newsgraph.stories.metrics import score

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "stories" / "dev.jsonl"


def load(records: str, dev: str) -> tuple[list, list[str]]:
    gold = {}
    with open(dev, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                gold[str(row["id"])] = row["story"]
    docs, labels = [], []
    with open(records, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                rec["metadata"] = {}  # the label travels in metadata: never let features see it
                docs.append(from_article(Article.from_record(rec)))
                labels.append(gold[rec["id"]])
    return docs, labels


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", required=True, help="analyze --json output of the dev set")
    ap.add_argument("--dev", default=str(DEV))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--shuffles", type=int, default=2, help="shuffled stream orders scored per fold")
    ap.add_argument("--fit-shuffles", type=int, default=2, help="shuffled orders the fit learns from")
    ap.add_argument(
        "--prior-docs", type=float, default=PRIOR_DOCS, help="general-English pseudo-documents in the term weights"
    )
    ap.add_argument("--l2", type=float, default=1.0, help="L2 penalty of the logistic fit")
    ap.add_argument(
        "--plateau", action="store_true", help="join threshold at the best plateau of training F1 (an experiment)"
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    docs, labels = load(args.records, args.dev)
    folds = group_folds([topic(lab) for lab in labels], args.folds)
    results: dict[str, list[dict[str, float]]] = {
        "batch": [],
        "stream_file": [],
        "stream_file_repaired": [],
        "stream_shuffled": [],
        "stream_shuffled_repaired": [],
    }
    started = time.perf_counter()
    for k, held in enumerate(folds):
        held_set = set(held)
        train = [i for i in range(len(docs)) if i not in held_set]
        weights = fit(
            [docs[i] for i in train],
            [labels[i] for i in train],
            shuffles=args.fit_shuffles,
            prior_docs=args.prior_docs,
            l2=args.l2,
            plateau=args.plateau,
        )
        test_docs = [docs[i] for i in held]
        gold = [labels[i] for i in held]
        out = {a.doc_id: a.story_id for a in batch(test_docs, weights)}
        results["batch"].append(score([out[d.id] for d in test_docs], gold))
        for repair in (False, True):
            out = {a.doc_id: a.story_id for a in stream(test_docs, weights, repair=repair)}
            results["stream_file" + ("_repaired" if repair else "")].append(score([out[d.id] for d in test_docs], gold))
        rng = random.Random(k)
        for _ in range(args.shuffles):
            order = list(test_docs)
            rng.shuffle(order)
            for repair in (False, True):
                out = {a.doc_id: a.story_id for a in stream(order, weights, repair=repair)}
                results["stream_shuffled" + ("_repaired" if repair else "")].append(
                    score([out[d.id] for d in test_docs], gold)
                )
        line = "  ".join(f"{m} F1 {results[m][-1]['bcubed_f1']:.3f} ARI {results[m][-1]['ari']:.3f}" for m in results)
        print(
            f"fold {k}: {len(held)} docs, {len(set(gold))} stories, threshold {weights.threshold:.2f}"
            f" merge {weights.merge_threshold:.2f}  {line}",
            file=sys.stderr,
        )
    summary = {
        mode: {
            key: statistics.mean(r[key] for r in rows)
            for key in ("bcubed_precision", "bcubed_recall", "bcubed_f1", "ari")
        }
        for mode, rows in results.items()
    }
    summary["seconds"] = time.perf_counter() - started  # type: ignore[assignment]
    if args.json:
        print(json.dumps(summary))
    else:
        for mode, m in summary.items():
            if isinstance(m, dict):
                print(f"{mode:<16} " + "  ".join(f"{k} {v:.3f}" for k, v in m.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
