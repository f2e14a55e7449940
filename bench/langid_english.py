"""How often is English news called another language? Run over every English set in ../shared/eval.

    python bench/langid_english.py [--shared ../shared] [--old]

For each set: documents, how many are identified as another language (each one
would have been skipped with E106 before issue 10), and which languages.
``--old`` also runs the previous rule (lingua alone on 600 characters) for comparison.
The extract set holds non-English pages too: their codes are listed, not counted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from newsgraph.evaluate import read_conll
from newsgraph.langid import detector, identify

MIN_CHARS = 200  # the language stage's min_language_chars default


def conll_texts(path: Path) -> list[str]:
    texts = []
    for doc in read_conll(path):
        words = [w for w, _tag in doc]
        if words:
            texts.append(" ".join(words))
    return texts


def jsonl_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def old_rule(text: str) -> str | None:
    lang = detector().detect_language_of(text[:600])
    return None if lang is None else lang.iso_code_639_1.name.lower()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--old", action="store_true")
    args = ap.parse_args()
    ev = Path(args.shared) / "eval"
    sets = {"ner/dev.conll": conll_texts(ev / "ner" / "dev.conll")}
    for name in ("geo/dev.jsonl", "quotes/dev.jsonl", "stories/dev.jsonl", "events/plover_gsr.dev.jsonl"):
        sets[name] = jsonl_texts(ev / name)
    sets["extract/dev.jsonl (gold text, all languages)"] = jsonl_texts(ev / "extract" / "dev.jsonl")
    rows = []
    for name, texts in sets.items():
        checked = [t for t in texts if len(t) >= MIN_CHARS]
        new = Counter(identify(t).code for t in checked)
        row = {"set": name, "docs": len(texts), "checked": len(checked), "not_en": sum(new.values()) - new["en"]}
        row["langs"] = dict(new)
        if args.old:
            old = Counter(old_rule(t) for t in checked)
            row["old_not_en"] = sum(old.values()) - old["en"]
            row["old_langs"] = dict(old)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
