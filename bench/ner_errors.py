"""What the entities stage gets wrong on a CoNLL-2003 file: the errors, grouped.

    python bench/ner_errors.py ../shared/eval/ner/dev.conll [--type ORG] [--top 40]

Prints the scores, then the most frequent missed and spurious entities of a type
(by surface form), and how each miss fails: not found, wrong type or wrong boundary.
Used to find systematic errors; the fixes are general rules, never single documents.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from newsgraph.config import Settings
from newsgraph.evaluate import ner_predictions, read_conll, score_ner


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--type", default="ORG")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--show", nargs="*", default=[], help="print the context of these missed entities")
    args = ap.parse_args()
    docs = ner_predictions(read_conll(args.path), Settings())
    print(json.dumps(score_ner(docs), indent=1))
    missed: Counter[tuple[str, str]] = Counter()
    spurious: Counter[tuple[str, str]] = Counter()
    for words, predicted, gold in docs:
        by_range = {(s, e): k for s, e, k in predicted}
        for s, e, k in gold - predicted:
            if k != args.type:
                continue
            if (s, e) in by_range:
                how = f"typed {by_range[(s, e)]}"
            elif any(ps < e and s < pe for ps, pe, _ in predicted):
                how = "boundary"
            else:
                how = "not found"
            missed[(" ".join(words[s:e]), how)] += 1
            if " ".join(words[s:e]) in args.show:
                print(
                    "MISSED",
                    how,
                    "|",
                    " ".join(words[max(0, s - 12) : s]),
                    "[[",
                    " ".join(words[s:e]),
                    "]]",
                    " ".join(words[e : e + 8]),
                )
        gold_range = {(s, e): k for s, e, k in gold}
        for s, e, k in predicted - gold:
            if k == args.type:
                spurious[(" ".join(words[s:e]), f"gold {gold_range.get((s, e), '-')}")] += 1
    print(f"\nmissed {args.type}: {sum(missed.values())}")
    for (text, how), n in missed.most_common(args.top):
        print(f"{n:4d}  {how:12s} {text}")
    print(f"\nspurious {args.type}: {sum(spurious.values())}")
    for (text, how), n in spurious.most_common(args.top):
        print(f"{n:4d}  {how:12s} {text}")


if __name__ == "__main__":
    main()
