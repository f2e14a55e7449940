"""Gap detection on synthetic damage: drop entity mentions from clean articles, as a scraper drops link text.

    PYTHONPATH=src python bench/gaps_synthetic.py ../shared/eval/extract/dev.jsonl [--docs N] [--per-doc K]

From each clean English gold text of an `extract` file, K names (GPE, PERSON, ORG, NORP;
not in the first line, which stands for the headline) are deleted the way a scraper loses a
link's text: "in <a>Syria</a>, following" -> "in , following". The damaged text is run through
clean, parse, entities and gaps. Printed: detection recall (a gap within 2 characters of a
deletion), precision (share of gaps at a deletion), and, over detected deletions with a
suggestion, how often it names the dropped entity (same name, or the same country).
Also printed: gaps found on the undamaged texts (false alarms on clean news).
"""

from __future__ import annotations

import argparse
import json
import random
import sys

from newsgraph.config import load
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline
from newsgraph.stages.gaps import _same_place


def damage(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Delete spans (and one neighbouring space); return the text and where each hole is."""
    out, holes, last = [], [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        if start > 0 and text[start - 1] == " " and end < len(text) and text[end] == " ":
            end += 1  # "says Moscow and" -> "says and"
        out.append(text[last:start])
        holes.append(sum(len(p) for p in out))
        last = end
    out.append(text[last:])
    return "".join(out), holes


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--per-doc", type=int, default=2)
    ap.add_argument("--show", action="store_true", help="print each dropped name's context")
    args = ap.parse_args()
    rng = random.Random(7)
    with open(args.file, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    pipe = Pipeline(load().with_(stages=("clean", "language", "parse", "entities", "gaps"), min_language_chars=10**9))
    found = missed = spurious = right = suggested = clean_alarms = docs = 0
    for r in rows:
        if docs >= args.docs:
            break
        text = r["text"].strip()
        try:
            base = pipe.analyze(Article(id=r["id"], text=text))
        except Exception:
            continue
        if base.language != "en" or not base.entities:
            continue
        from newsgraph.langid import language_of as identify

        if identify(text) != "en":
            continue
        docs += 1
        clean_alarms += len(base.gaps)
        first_line_end = base.text.find("\n")
        mentions = [
            (m.start, m.end, e.name)
            for e in base.entities
            if e.type in ("GPE", "PERSON", "ORG", "NORP")
            for m in e.mentions
            if m.start > first_line_end
        ]
        if not mentions:
            continue
        chosen = rng.sample(mentions, min(args.per_doc, len(mentions)))
        damaged, holes = damage(base.text, [(s, e) for s, e, _ in chosen])
        names = [n for _, _, n in sorted(chosen)]
        art = pipe.analyze(Article(id=r["id"] + "-d", text=damaged))
        used = set()
        for hole, name in zip(holes, names):
            gap = next((g for g in art.gaps if abs(g.start - hole) <= 2), None)
            if gap is None:
                missed += 1
                if args.show:
                    print(f"  MISS {name!r}: {damaged[max(0, hole - 50) : hole]!r} ^ {damaged[hole : hole + 30]!r}")
                continue
            found += 1
            used.add(id(gap))
            if args.show:
                print(
                    f"  HIT  {name!r} -> {gap.suggestion!r}: {damaged[max(0, hole - 50) : hole]!r} ^ {damaged[hole : hole + 30]!r}"
                )
            if gap.suggestion:
                suggested += 1
                s = gap.suggestion.lower()
                right += s == name.lower() or s in name.lower() or name.lower() in s or _same_place(s, name)
        spurious += sum(1 for g in art.gaps if id(g) not in used)
    total = found + missed
    print(f"{docs} English documents, {total} names dropped")
    print(f"  detection recall     {found / total if total else 0:.3f}  ({found}/{total})")
    print(
        f"  precision            {found / (found + spurious) if found + spurious else 0:.3f}  ({spurious} gaps elsewhere)"
    )
    print(f"  suggestions made     {suggested}/{found}; right {right}/{suggested}")
    print(f"  gaps on the undamaged texts: {clean_alarms}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
