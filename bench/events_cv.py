"""5-fold cross-validation (over documents) of every rule of the events coder fitted on dev.

    PYTHONPATH=src python bench/events_cv.py [../shared/eval/events/plover_gsr.dev.jsonl] [--folds 5] [--json]

Two tables:

1. **Rules.** Each switchable rule of ``coding.extract.CoderOptions`` (how the CAMEO verb
   dictionary is used; dictionary verbs need a stated target; events need a political
   actor; Phoenix discards) is run in every variant over all documents. In each fold
   the variant with the best training score (mean of type F1 and country-triple F1,
   asserted events) is chosen and scored on the held-out documents; the table gives
   each variant's dev score, its held-out score pooled over the folds, and the
   cross-validated score of choosing by training folds (with how often each won).
2. **Hand lexicon grown on the training folds only.** The hand lexicon of
   ``data/plover.yaml`` was grown against this dev set, so dev overstates it. In each
   fold every hand trigger (verb or noun) whose first word occurs in a held-out
   document and in no training document is removed, as if the list had been written
   from the training folds alone; the held-out documents are then coded with that
   lexicon alone, with the CAMEO dictionary behind it, and with its patterns before it. This is the closest dev can
   come to the unseen data, where the hand list meets words it was not grown on.

Scores are micro P/R/F1 pooled over the held-out documents of all folds (asserted
events, as ``newsgraph eval events`` reports them first).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

Pairs = list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]
ALWAYS_KEPT = frozenset({"demand", "talk", "accuse", "shoot", "attack", "concede", "suspend", "aid"})  # named in code

RULES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "cameo verbs": [(m, {"cameo": m}) for m in ("off", "fallback", "pattern", "primary")],
    "dictionary verb needs target": [("on", {"dictionary_target": True}), ("off", {"dictionary_target": False})],
    "political actor": [("on", {"political": True}), ("off", {"political": False})],
    "discards": [("on", {"discards": True}), ("off", {"discards": False})],
}


def folds_of(rows: list[dict[str, Any]], k: int) -> list[int]:
    """Fold of each document: round-robin over the ids' order (types spread evenly)."""
    order = sorted(range(len(rows)), key=lambda i: str(rows[i].get("id", i)))
    fold = [0] * len(rows)
    for n, i in enumerate(order):
        fold[i] = n % k
    return fold


class Runner:
    def __init__(self) -> None:
        from newsgraph import config
        from newsgraph.evaluate import EVENT_STAGES
        from newsgraph.pipeline import Pipeline

        self.pipeline = Pipeline(config.load().with_(stages=EVENT_STAGES))
        self.pipeline.setup()
        self.stage = next(s for s in self.pipeline.stages if s.name == "events")
        self.stage.setup()

    def run(self, rows: list[dict[str, Any]], options: Any, lex: Any = None) -> Pairs:
        from newsgraph.coding.extract import Extractor
        from newsgraph.coding.plover import lexicon
        from newsgraph.model import Article

        base = self.stage.extractor  # type: ignore[attr-defined]
        self.stage.extractor = Extractor(lex or lexicon(), base.coder, options)  # type: ignore[attr-defined]
        pairs: Pairs = []
        try:
            for row in rows:
                article = self.pipeline.analyze(Article(id=str(row.get("id", "cv")), text=row["text"]))
                kept = [
                    {"code": e.code, "source": e.source, "target": e.target}
                    for e in article.events
                    if e.factuality == "asserted"
                ]
                gold = [
                    {"code": g["code"], "source": g.get("source"), "target": g.get("target")} for g in row["events"]
                ]
                pairs.append((kept, gold))
        finally:
            self.stage.extractor = base  # type: ignore[attr-defined]
        return pairs


def score(pairs: Pairs) -> dict[str, float]:
    from newsgraph.evaluate import score_events

    m = score_events(pairs)
    return {"type": m["type"]["f1"], "triple": m["triple"]["f1"], "exact": m["exact"]["f1"]}


def objective(s: dict[str, float]) -> float:
    return (s["type"] + s["triple"]) / 2


def rules_table(runner: Runner, rows: list[dict[str, Any]], fold: list[int], k: int) -> list[dict[str, Any]]:
    from newsgraph.coding.extract import CoderOptions

    out = []
    for rule, variants in RULES.items():
        runs = {name: runner.run(rows, CoderOptions(**kw)) for name, kw in variants}
        chosen: Pairs = []
        wins: dict[str, int] = {}
        for f in range(k):
            train = {n: [p for p, g in zip(r, fold, strict=True) if g != f] for n, r in runs.items()}
            best = max(train, key=lambda n: objective(score(train[n])))
            wins[best] = wins.get(best, 0) + 1
            chosen.extend(p for p, g in zip(runs[best], fold, strict=True) if g == f)
        out.append(
            {
                "rule": rule,
                "variants": {n: score(r) for n, r in runs.items()},
                "cv_selected": score(chosen),
                "wins": wins,
            }
        )
    return out


def lexicon_table(runner: Runner, rows: list[dict[str, Any]], fold: list[int], k: int) -> dict[str, Any]:
    import spacy

    from newsgraph.coding.extract import CoderOptions
    from newsgraph.coding.plover import lexicon

    lex = lexicon()
    nlp = spacy.load(runner.pipeline.settings.spacy_model, disable=["ner", "parser"])
    lemmas = [{t.lemma_.lower() for t in doc} | {t.lower_ for t in doc} for doc in nlp.pipe(r["text"] for r in rows)]
    modes = {"hand lexicon only": "off", "hand + CAMEO fallback": "fallback", "hand + CAMEO patterns": "pattern"}
    results: dict[str, Pairs] = {name: [] for name in [*modes, "full hand lexicon"]}
    removed = []
    for f in range(k):
        seen = set().union(*(lemmas[i] for i in range(len(rows)) if fold[i] != f))
        held = [i for i in range(len(rows)) if fold[i] == f]
        unseen_words = set().union(*(lemmas[i] for i in held)) - seen

        def keep(key: str, unseen: set[str] = unseen_words) -> bool:
            return key in ALWAYS_KEPT or key.split()[0] not in unseen

        verbs = {key: v for key, v in lex.verbs.items() if keep(key)}
        nouns = {key: v for key, v in lex.nouns.items() if keep(key)}
        removed.append(len(lex.verbs) - len(verbs) + len(lex.nouns) - len(nouns))
        grown = replace(lex, verbs=verbs, nouns=nouns)
        held_rows = [rows[i] for i in held]
        for name, mode in modes.items():
            results[name] += runner.run(held_rows, CoderOptions(cameo=mode), grown)
        results["full hand lexicon"] += runner.run(held_rows, CoderOptions(cameo="off"))
    return {"removed_per_fold": removed, "scores": {n: score(p) for n, p in results.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("file", nargs="?", default=str(root.parent / "shared/eval/events/plover_gsr.dev.jsonl"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not Path(args.file).exists():
        sys.exit(f"no dev file at {args.file}")
    rows = [json.loads(line) for line in Path(args.file).read_text(encoding="utf-8").splitlines() if line.strip()]
    fold = folds_of(rows, args.folds)
    runner = Runner()
    rules = rules_table(runner, rows, fold, args.folds)
    lex = lexicon_table(runner, rows, fold, args.folds)
    if args.json:
        print(json.dumps({"documents": len(rows), "folds": args.folds, "rules": rules, "lexicon": lex}, indent=1))
        return
    print(f"{len(rows)} documents, {args.folds} folds; F1 of asserted events: type / country triple / exact triple")
    print(f"\n{'rule':<30} {'variant':<10} {'dev (all docs)':<22} held-out when chosen on training folds")
    for r in rules:
        for i, (name, s) in enumerate(r["variants"].items()):
            cv = r["cv_selected"]
            tail = f"{cv['type']:.3f} / {cv['triple']:.3f} / {cv['exact']:.3f}  wins {r['wins']}" if i == 0 else ""
            label = r["rule"] if i == 0 else ""
            print(f"{label:<30} {name:<10} {s['type']:.3f} / {s['triple']:.3f} / {s['exact']:.3f}   {tail}")
    print(f"\nhand lexicon grown on the training folds (triggers removed per fold: {lex['removed_per_fold']})")
    for name, s in lex["scores"].items():
        print(f"  {name:<24} {s['type']:.3f} / {s['triple']:.3f} / {s['exact']:.3f}")


if __name__ == "__main__":
    main()
