"""Held-out errors of the events coder when the hand lexicon is grown on training folds only.

    PYTHONPATH=src python bench/events_errors.py [../shared/eval/events/plover_gsr.dev.jsonl] [--folds 5]

The companion of ``bench/events_cv.py`` table 2: each document is parsed once, then in
each fold the held-out documents are coded (CAMEO fallback, the pipeline's default)
with the full hand lexicon and with the lexicon stripped of the triggers whose first
word occurs only in held-out documents. It prints the pooled scores of both, then every
event the stripped lexicon loses (a true positive of the full one) or adds, and every
gold event still missed, each with its trigger word, whether the CAMEO verb dictionary
knows that word and the sentence, so that errors can be grouped by cause.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from events_cv import ALWAYS_KEPT, folds_of


def main() -> None:
    parser = argparse.ArgumentParser()
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("file", nargs="?", default=str(root.parent / "shared/eval/events/plover_gsr.dev.jsonl"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.file).read_text(encoding="utf-8").splitlines() if line.strip()]
    fold = folds_of(rows, args.folds)

    from newsgraph import config
    from newsgraph.coding.cameo import cameo_verbs
    from newsgraph.coding.extract import CoderOptions, Extractor
    from newsgraph.coding.plover import lexicon
    from newsgraph.evaluate import EVENT_STAGES, score_events
    from newsgraph.model import Article
    from newsgraph.pipeline import Pipeline

    pipeline = Pipeline(config.load().with_(stages=EVENT_STAGES))
    pipeline.setup()
    stage = next(s for s in pipeline.stages if s.name == "events")
    stage.setup()
    base = stage.extractor  # type: ignore[attr-defined]
    articles = []
    for i, r in enumerate(rows):  # the stages one by one, so the parse (article.work) is kept
        article = Article(id=str(r.get("id", i)), text=r["text"])
        for s in pipeline.stages:
            article = s.process(article)
        articles.append(article)
    lex = lexicon()
    cameo = cameo_verbs()

    def code(article: Any, lexi: Any) -> list[dict[str, Any]]:
        stage.extractor = Extractor(lexi, base.coder, CoderOptions())  # type: ignore[attr-defined]
        stage.process(article)
        out = []
        for e in article.events:
            if e.factuality != "asserted":
                continue
            trig = article.text[e.trigger[0] : e.trigger[1]] if e.trigger else "?"
            sent = article.text[e.evidence[0] : e.evidence[1]] if e.evidence else ""
            out.append(
                {
                    "code": e.code,
                    "cameo": e.cameo,
                    "source": e.source,
                    "target": e.target,
                    "trigger": trig,
                    "sent": sent,
                }
            )
        return out

    def key(e: dict[str, Any]) -> tuple[Any, ...]:
        return (e["code"], (e.get("source") or "")[:3] or None, (e.get("target") or "")[:3] or None)

    lemmas = [{t.lemma_.lower() for t in a.doc} | {t.lower_ for t in a.doc} for a in articles]
    full_pairs, grown_pairs = [], []
    lost, added, missed = [], [], []
    lost_type: list[Any] = []
    added_type: list[Any] = []
    for f in range(args.folds):
        seen = set().union(*(lemmas[i] for i in range(len(rows)) if fold[i] != f))
        held = [i for i in range(len(rows)) if fold[i] == f]
        unseen = set().union(*(lemmas[i] for i in held)) - seen

        def keep(k: str, unseen: set[str] = unseen) -> bool:
            return k in ALWAYS_KEPT or k.split()[0] not in unseen

        grown = replace(
            lex,
            verbs={k: v for k, v in lex.verbs.items() if keep(k)},
            nouns={k: v for k, v in lex.nouns.items() if keep(k)},
        )
        for i in held:
            gold = [
                {"code": g["code"], "source": g.get("source"), "target": g.get("target")} for g in rows[i]["events"]
            ]
            full, mine = code(articles[i], lex), code(articles[i], grown)
            full_pairs.append((full, gold))
            grown_pairs.append((mine, gold))
            g, p, q = Counter(map(key, gold)), Counter(map(key, full)), Counter(map(key, mine))
            for k in (g & p) - (g & q):
                e = next(e for e in full if key(e) == k)
                lost.append((rows[i]["id"], k, e["trigger"], e["cameo"], e["sent"]))
            for k in (q - g) - (p - g):
                e = next(e for e in mine if key(e) == k)
                added.append((rows[i]["id"], k, e["trigger"], e["cameo"], e["sent"]))
            gt, pt, qt = (Counter(e["code"] for e in x) for x in (gold, full, mine))
            for c in (gt & pt) - (gt & qt):
                e = next(e for e in full if e["code"] == c)
                now = [x["code"] + "/" + str(x["cameo"]) for x in mine if x["trigger"] == e["trigger"]]
                lost_type.append((rows[i]["id"], c, e["trigger"], e["cameo"], now, e["sent"]))
            for c in (qt - gt) - (pt - gt):
                e = next(e for e in mine if e["code"] == c)
                added_type.append((rows[i]["id"], c, e["trigger"], e["cameo"], [], e["sent"]))
            for k in g - q:
                missed.append((rows[i]["id"], k, rows[i]["text"][:0]))
    for name, pairs in (("full hand lexicon", full_pairs), ("grown on training folds", grown_pairs)):
        m = score_events(pairs)
        t, tr = m["type"], m["triple"]
        print(
            f"{name:<26} type P/R/F1 {t['precision']:.3f}/{t['recall']:.3f}/{t['f1']:.3f}"
            f"  triple {tr['precision']:.3f}/{tr['recall']:.3f}/{tr['f1']:.3f}"
        )

    def known(word: str) -> str:
        w = word.split()[-1].lower()
        hit = [v for v in (w, w.rstrip("s"), w[:-2] if w.endswith("ed") else w, w[:-1]) if cameo.known(v)]
        return "cameo" if hit else "-"

    print(f"\n== lost true positives ({len(lost)}) ==")
    for doc, k, trig, cam, sent in sorted(lost, key=lambda x: x[2].lower()):
        print(f"{doc:<14} {k!s:<32} {trig!r:<16} {cam:<6} {known(trig):<6} {sent[:150]!r}")
    print(f"\n== added false positives ({len(added)}) ==")
    for doc, k, trig, cam, sent in sorted(added, key=lambda x: x[2].lower()):
        print(f"{doc:<14} {k!s:<32} {trig!r:<16} {cam:<6} {known(trig):<6} {sent[:150]!r}")
    for title, items in (("lost type matches", lost_type), ("added type false positives", added_type)):
        print(f"\n== {title} ({len(items)}) ==")
        for doc, c, trig, cam, now, sent in sorted(items, key=lambda x: x[2].lower()):
            print(f"{doc:<30} {c:<9} {trig!r:<16} {cam:<6} {known(trig):<6} now={now} {sent[:140]!r}")
    print(f"\n== gold still missed by the grown lexicon ({len(missed)}) ==")
    print(Counter(k[0] for _, k, _ in missed).most_common())


if __name__ == "__main__":
    main()
