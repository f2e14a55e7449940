"""Compare extractors and newsgraph's combination on an `extract` eval file, per page and overall.

    PYTHONPATH=src python bench/extract_compare.py ../shared/eval/extract/dev.jsonl [--pages N] [--per-page]

Prints, with the benchmark's own metric (newsgraph.evaluate.score_extract_pages):
  * each single extractor (trafilatura default / precision / recall, readability-lxml, jusText);
  * the ablation of newsgraph's combination (precision pass, + line filters, + readability merge);
  * 5-fold cross-validation over pages of the thresholds in newsgraph.ingest.html: each fold picks
    MERGE_RATIO and LINK_LINE_WORDS on the other four folds and is scored with them, so the figure
    says how the rules do on pages they were not tuned on;
  * seconds per page of each step.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from typing import Any

from newsgraph.evaluate import extract_page_scores, score_extract_pages
from newsgraph.ingest import html as H


def single_extractors(html: str, url: str | None, timing: dict[str, float]) -> dict[str, str]:
    import justext
    import trafilatura

    out: dict[str, str] = {}

    def timed(name: str, fn: Any) -> None:
        t = time.perf_counter()
        try:
            out[name] = fn() or ""
        except Exception:  # a baseline that crashes scores as empty
            out[name] = ""
        timing[name] = timing.get(name, 0.0) + time.perf_counter() - t

    timed("trafilatura (default)", lambda: trafilatura.extract(html, url=url))
    timed("trafilatura precision", lambda: H._trafilatura(html, url, precision=True).get("text"))
    timed("trafilatura recall", lambda: H._trafilatura(html, url, precision=False).get("text"))
    timed("trafilatura balanced", lambda: H._trafilatura(html, url, precision=False, balanced=True).get("text"))
    timed("readability-lxml", lambda: H._readability(html))
    timed(
        "jusText",
        lambda: "\n".join(
            p.text
            for p in justext.justext(html.encode("utf-8", "replace"), justext.get_stoplist("English"))
            if not p.is_boilerplate
        ),
    )
    return out


def combine(page: dict[str, Any], ratio: float, words: int, merge: bool = True, filters: bool = True) -> str:
    cands = H.Candidates(
        precision={"text": page["trafilatura precision"]},
        readability=page["readability-lxml"] if merge else "",
        recall=lambda: {"text": page["trafilatura recall"]},
        balanced=lambda: {"text": page["trafilatura balanced"]},
    )
    _, body, _ = H.choose_body(cands, page["anchors"], merge_ratio=ratio)
    if filters:
        body = H._filter_lines(body, page["anchors"], page["captions"], min_words=words)[0]
    return body


def f1(pages: list[dict[str, Any]], ratio: float, words: int) -> float:
    return float(score_extract_pages([(combine(p, ratio, words), p["gold"]) for p in pages])["f1"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--pages", type=int, default=0)
    ap.add_argument("--per-page", action="store_true")
    args = ap.parse_args()
    with open(args.file, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if args.pages:
        rows = rows[: args.pages]
    timing: dict[str, float] = {}
    pages = []
    for r in rows:
        page: dict[str, Any] = single_extractors(r["html"], r.get("url"), timing)
        t = time.perf_counter()
        root = H._parse(r["html"])
        page["anchors"], page["captions"] = H._anchor_texts(root), H._caption_texts(root)
        timing["page parse"] = timing.get("page parse", 0.0) + time.perf_counter() - t
        t = time.perf_counter()
        page["newsgraph"] = H.extract(r["html"], r.get("url")).body
        timing["newsgraph extract (all)"] = timing.get("newsgraph extract (all)", 0.0) + time.perf_counter() - t
        page["gold"], page["id"] = r["text"], r["id"]
        pages.append(page)

    def line(name: str, preds: list[str]) -> None:
        m = score_extract_pages([(p, pg["gold"]) for p, pg in zip(preds, pages)])
        print(f"  {name:<40} F1 {m['f1']:.4f}  P {m['precision']:.4f}  R {m['recall']:.4f}  acc {m['accuracy']:.3f}")

    print(f"{len(pages)} pages of {args.file}\nsingle extractors")
    names = ("trafilatura (default)", "trafilatura precision", "trafilatura balanced", "trafilatura recall")
    for name in (*names, "readability-lxml", "jusText"):
        line(name, [p[name] for p in pages])
    print("newsgraph combination (ablation)")
    r0, w0 = H.MERGE_RATIO, H.LINK_LINE_WORDS
    line("precision pass (+recall fallback)", [combine(p, r0, w0, merge=False, filters=False) for p in pages])
    line("+ readability votes, no line filters", [combine(p, r0, w0, filters=False) for p in pages])
    line("precision pass + line filters, no votes", [combine(p, r0, w0, merge=False) for p in pages])
    line("+ readability votes (= newsgraph)", [combine(p, r0, w0) for p in pages])
    line("newsgraph extract() end to end", [p["newsgraph"] for p in pages])

    grid_r, grid_w = (1.5, 2.0, 3.0, float("inf")), (3, 4, 5, 6)
    folds = [pages[i::5] for i in range(5)]
    preds: list[tuple[str, str]] = []
    chosen = []
    for k in range(5):
        train = [p for j, f in enumerate(folds) if j != k for p in f]
        best = max(itertools.product(grid_r, grid_w), key=lambda rw: (f1(train, *rw), rw == (r0, w0)))
        chosen.append(best)
        preds += [(combine(p, *best), p["gold"]) for p in folds[k]]
    m = score_extract_pages(preds)
    print(f"5-fold cross-validation (grid MERGE_RATIO {grid_r} x LINK_LINE_WORDS {grid_w})")
    print(f"  held-out F1 {m['f1']:.4f}  P {m['precision']:.4f}  R {m['recall']:.4f}; chosen per fold: {chosen}")
    print("seconds per page")
    for name, secs in timing.items():
        print(f"  {name:<40} {secs / len(pages):.4f}")
    if args.per_page:
        print("per page F1: trafilatura default / newsgraph")
        for p in pages:
            a = _page_f1(p["trafilatura (default)"], p["gold"])
            b = _page_f1(p["newsgraph"], p["gold"])
            print(f"  {p['id'][:16]}  {a:.3f}  {b:.3f}  {'+' if b > a + 0.005 else '-' if b < a - 0.005 else ' '}")
    return 0


def _page_f1(pred: str, gold: str) -> float:
    tp, fp, fn = extract_page_scores(pred, gold)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    sys.exit(main())
