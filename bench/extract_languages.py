"""Extraction F1 counted the ingest way (a page not stored scores 0), before and after issue 10.

    python bench/extract_languages.py ../shared/eval/extract/dev.jsonl

"before": the language stage of old (lingua alone on 600 characters, ``languages = ["en"]``)
skipped every page it did not call English, so those pages stored nothing and scored 0.
"after": every page is stored; the body scored is what ``newsgraph ingest`` stores
(:func:`newsgraph.evaluate.stored_body`), as ``newsgraph eval extract`` scores it.
"""

from __future__ import annotations

import json
import sys

from newsgraph import config
from newsgraph.evaluate import read_jsonl, score_extract_pages, stored_body

MIN_CHARS = 200  # the old stage left shorter texts alone


def main(path: str) -> int:
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    def old_language(text: str) -> str | None:
        if len(text) < MIN_CHARS:
            return None
        found = detector.detect_language_of(text[:600])
        return None if found is None else found.iso_code_639_1.name.lower()

    settings = config.Settings()
    rows = list(read_jsonl(path))
    after = [(stored_body(r["html"], r.get("url"), str(r.get("id")), settings), r["text"]) for r in rows]
    before = [(body if old_language(body) in ("en", None) else "", gold) for body, gold in after]
    print(json.dumps({"pages": len(rows), "skipped_before": sum(1 for b, _ in before if not b)}))
    print(json.dumps({"before": score_extract_pages(before)}))
    print(json.dumps({"after": score_extract_pages(after)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
