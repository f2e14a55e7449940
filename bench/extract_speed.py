"""Extraction speed: newsgraph's HTML reader against trafilatura alone, in one process.

    PYTHONPATH=src python bench/extract_speed.py ../shared/eval/extract/dev.jsonl [--repeat 3] [--json]

Over the pages of an ``extract`` eval file (after one warm-up pass of each), prints
pages per second of

  (a) ``trafilatura.bare_extraction(html, url=url)`` with its default settings;
  (b) :func:`newsgraph.ingest.html.from_html`, what ``newsgraph ingest`` runs per page
      (body selection, line filters, captions, bylines, metadata);
  (c) (b) followed by :func:`newsgraph.langid.language_of` on the article text, the
      pipeline's language stage (``from_html`` itself does not identify the language);

and the ratios (b)/(a) and (c)/(a). The two are timed in alternation page by page
(trafilatura on a page, then newsgraph on the same page), ``--repeat`` rounds of the
whole set, so that a machine shared with other work slows both alike; each figure
is the median of its rounds. Then one cProfile pass of (c) says where
newsgraph's time goes: the cumulative time of each step of ``extract`` and the own
time of each library.

Before each round the libraries' per-string caches (``functools.lru_cache`` with a size
limit, in htmldate, trafilatura and courlan) are emptied, so that each round reads the
pages as new, as a crawl does: htmldate's date search in particular is several times
faster on a page it has seen (``--warm-caches`` keeps them).

Only ratios within one run mean something: absolute figures depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from typing import Any

from newsgraph.ingest import html as H
from newsgraph.langid import language_of

# steps of newsgraph's reader: (group, module path suffix, function name); cumulative time
STEPS: tuple[tuple[str, str, str], ...] = (
    ("from_html (all)", "newsgraph/ingest/html.py", "from_html"),
    ("parse of the page (once)", "newsgraph/ingest/html.py", "_load"),
    ("anchors", "newsgraph/ingest/html.py", "_anchor_texts"),
    ("captions", "newsgraph/ingest/html.py", "_caption_texts"),
    ("trafilatura precision passes", "newsgraph/ingest/html.py", "_precision_passes"),
    ("  full pass's comparison (unsure pages)", "newsgraph/ingest/html.py", "full"),
    ("trafilatura recall/balanced passes", "newsgraph/ingest/html.py", "_trafilatura"),
    ("paragraph words (needs_readability)", "newsgraph/ingest/html.py", "_paragraph_words"),
    ("readability", "newsgraph/ingest/html.py", "_readability"),
    ("choose_body (votes, merge)", "newsgraph/ingest/html.py", "choose_body"),
    ("metadata: htmlmeta.read_meta", "newsgraph/ingest/htmlmeta.py", "read_meta"),
    ("metadata: trafilatura/htmldate", "newsgraph/ingest/html.py", "_trafilatura_meta"),
    ("  of which htmldate find_date", "htmldate/core.py", "find_date"),
    ("line filters (links, promo, bylines)", "newsgraph/ingest/html.py", "_filter_lines"),
    ("language id (language stage)", "newsgraph/langid.py", "language_of"),
)
# libraries, by the path of the function's file; own (not cumulative) time
LIBRARIES: tuple[tuple[str, str], ...] = (
    ("trafilatura", "/trafilatura/"),
    ("htmldate", "/htmldate/"),
    ("readability", "/readability/"),
    ("lxml", "/lxml/"),
    ("lingua", "/lingua/"),
    ("dateutil", "/dateutil/"),
    ("courlan", "/courlan/"),
    ("justext", "/justext/"),
    ("newsgraph", "/newsgraph/"),
)


def _trafilatura_alone(row: dict[str, Any]) -> None:
    import trafilatura

    trafilatura.bare_extraction(row["html"], url=row.get("url"))


def _newsgraph(row: dict[str, Any]) -> Any:
    try:
        return H.from_html(row["html"], str(row.get("id")), url=row.get("url"))
    except ValueError:  # EmptyInputError: a page with no text is still read
        return None


CACHED_LIBRARIES = ("htmldate", "trafilatura", "courlan")


def clear_page_caches() -> int:
    """Empty the size-limited lru caches of CACHED_LIBRARIES (their caches without a limit hold
    set-up work, such as dateparser's parser, not per-page results); how many were emptied."""
    emptied = 0
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in CACHED_LIBRARIES:
            continue
        for value in list(vars(module).values()):
            info = getattr(value, "cache_info", None)
            if callable(info) and getattr(value, "__module__", None) == name and info().maxsize is not None:
                value.cache_clear()
                emptied += 1
    return emptied


def _round(rows: list[dict[str, Any]], clear: bool = True) -> dict[str, float]:
    """Seconds of each, over all pages, timed page by page in alternation."""
    clock = time.perf_counter
    if clear:
        clear_page_caches()
    spent = {"trafilatura": 0.0, "newsgraph": 0.0, "language": 0.0}
    for row in rows:
        started = clock()
        _trafilatura_alone(row)
        spent["trafilatura"] += clock() - started
        started = clock()
        article = _newsgraph(row)
        spent["newsgraph"] += clock() - started
        started = clock()
        if article is not None:
            language_of(article.text)
        spent["language"] += clock() - started
    return spent


def _library(path: str) -> str:
    for name, part in LIBRARIES:
        if part in path:
            return name
    if path.startswith("~") or path.startswith("<"):
        return "builtins (re, C calls)"
    return "other Python (stdlib ...)"


def profile(rows: list[dict[str, Any]], clear: bool = True) -> dict[str, Any]:
    if clear:
        clear_page_caches()
    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    for row in rows:
        article = _newsgraph(row)
        if article is not None:
            language_of(article.text)
    prof.disable()
    wall = time.perf_counter() - started
    raw: dict[Any, Any] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    steps: dict[str, float] = {}
    for group, suffix, func in STEPS:
        steps[group] = sum(v[3] for (path, _, name), v in raw.items() if name == func and path.endswith(suffix))
    libraries: dict[str, float] = {}
    for (path, _, _), v in raw.items():
        lib = _library(path)
        libraries[lib] = libraries.get(lib, 0.0) + v[2]
    total = sum(v[2] for v in raw.values())
    return {"profiled_seconds": total, "wall_seconds": wall, "steps": steps, "libraries": libraries}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of the whole set for each (default 3)")
    ap.add_argument("--pages", type=int, default=0, help="only the first N pages")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--warm-caches", action="store_true", help="keep the libraries' caches between rounds")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args()
    with open(args.file, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if args.pages:
        rows = rows[: args.pages]

    _round(rows)  # warm-up: imports, lingua's models, lxml/regex caches
    rounds: dict[str, list[float]] = {"trafilatura": [], "newsgraph": [], "newsgraph+language": []}
    for _ in range(args.repeat):
        spent = _round(rows, clear=not args.warm_caches)
        rounds["trafilatura"].append(len(rows) / spent["trafilatura"])
        rounds["newsgraph"].append(len(rows) / spent["newsgraph"])
        rounds["newsgraph+language"].append(len(rows) / (spent["newsgraph"] + spent["language"]))
    speed = {k: statistics.median(v) for k, v in rounds.items()}
    result: dict[str, Any] = {
        "file": args.file,
        "pages": len(rows),
        "repeat": args.repeat,
        "caches": "warm" if args.warm_caches else "emptied before each round",
        "pages_per_second": speed,
        "rounds": rounds,
        "ratio_newsgraph_to_trafilatura": speed["newsgraph"] / speed["trafilatura"],
        "ratio_with_language_to_trafilatura": speed["newsgraph+language"] / speed["trafilatura"],
    }
    caches = "warm caches" if args.warm_caches else "caches emptied before each round"
    print(f"{len(rows)} pages of {args.file}, {args.repeat} rounds each (median round), {caches}")
    print(f"  (a) trafilatura.bare_extraction alone   {speed['trafilatura']:7.1f} pages/s")
    print(f"  (b) newsgraph from_html                 {speed['newsgraph']:7.1f} pages/s")
    print(f"  (c) from_html + language id             {speed['newsgraph+language']:7.1f} pages/s")
    print(f"  ratio (b)/(a) {result['ratio_newsgraph_to_trafilatura']:.2f}")
    print(f"  ratio (c)/(a) {result['ratio_with_language_to_trafilatura']:.2f}")
    if not args.no_profile:
        prof = profile(rows, clear=not args.warm_caches)
        result["profile"] = prof
        n, total = len(rows), prof["profiled_seconds"]
        print(f"cProfile of (c), one round ({total / n * 1000:.1f} ms/page under the profiler)")
        print("  step (cumulative)                         ms/page  share")
        for name, secs in prof["steps"].items():
            print(f"  {name:<40} {secs / n * 1000:8.2f}  {secs / total:5.1%}")
        print("  library (own time)                        ms/page  share")
        for name, secs in sorted(prof["libraries"].items(), key=lambda kv: -kv[1]):
            print(f"  {name:<40} {secs / n * 1000:8.2f}  {secs / total:5.1%}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
