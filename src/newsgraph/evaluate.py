"""``newsgraph eval TASK FILE``: score a stage on annotated data (../shared/eval/FORMATS.md).

Each task is one function ``(path, settings) -> metrics dict`` registered in
:data:`TASKS`; adding a task is writing that function and one line there.
Metrics are plain floats so that ``--json`` output and the CI gate
(``quality/floors.json``) read them by name.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import EvalError

Metrics = dict[str, Any]


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"cannot read: {exc.strerror}", origin=str(path)) from exc
    with fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalError(f"line {number}: invalid JSON ({exc.msg})", origin=str(path)) from exc


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# -- extract ---------------------------------------------------------------------------
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def extract_page_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    """The ScrapingHub benchmark's per-page TP/FP/FN, normalised to sum 1."""
    p, g = shingles(predicted), shingles(gold)
    tp = sum((p & g).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    if total == 0:
        return 1.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def score_extract_pages(pairs: list[tuple[str, str]]) -> Metrics:
    precisions, recalls, exact = [], [], 0
    for predicted, gold in pairs:
        tp, fp, fn = extract_page_scores(predicted, gold)
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
        else:
            if tp + fp > 0:
                precisions.append(tp / (tp + fp))
            if tp + fn > 0:
                recalls.append(tp / (tp + fn))
        exact += _TOKEN.findall(predicted or "") == _TOKEN.findall(gold or "")
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "accuracy": exact / len(pairs) if pairs else 0.0,
        "pages": len(pairs),
    }


def stored_body(html: str, url: str | None, origin: str, settings: Settings) -> str:
    """The body ``newsgraph ingest`` stores for a page, in any language: the HTML reader,
    then the clean stage (no stage after it changes the text); "" when the page is
    not stored, so that it scores 0."""
    from .errors import InputError
    from .ingest.html import from_html
    from .stages.clean import Clean

    try:
        article = Clean(settings).process(from_html(html, origin, url=url))
    except InputError:
        return ""
    return article.text[: article.metadata.get("body_end", len(article.text))]


def eval_extract(path: str | Path, settings: Settings) -> Metrics:
    rows = list(read_jsonl(path))
    started = time.perf_counter()
    ours = [(stored_body(r["html"], r.get("url"), str(r.get("id")), settings), r["text"]) for r in rows]
    elapsed = time.perf_counter() - started
    metrics = score_extract_pages(ours)
    metrics["pages_not_stored"] = sum(1 for body, _ in ours if not body)
    metrics["pages_per_second"] = len(rows) / elapsed if elapsed else 0.0
    import trafilatura

    started = time.perf_counter()
    baseline = [(trafilatura.extract(r["html"], url=r.get("url")) or "", r["text"]) for r in rows]
    elapsed = time.perf_counter() - started
    metrics["baseline_trafilatura"] = score_extract_pages(baseline)
    metrics["baseline_trafilatura"]["pages_per_second"] = len(rows) / elapsed if elapsed else 0.0
    return metrics


# -- ner -------------------------------------------------------------------------------
NER_MAP = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    **{k: "MISC" for k in ("NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE")},
}


Sentence = list[tuple[str, str]]


def read_conll(path: str | Path) -> list[list[Sentence]]:
    """Documents of sentences of (token, IOB tag) from a CoNLL-2003 file as distributed:
    one token per line with its columns (the tag is the last), blank lines between
    sentences, ``-DOCSTART-`` lines between documents."""
    docs: list[list[Sentence]] = [[[]]]
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"cannot read: {exc.strerror}", origin=str(path)) from exc
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            if docs[-1][-1]:
                docs[-1].append([])
            continue
        if parts[0] == "-DOCSTART-":
            if any(docs[-1]):
                docs.append([[]])
            continue
        if len(parts) < 2:
            raise EvalError(f"line {number}: expected token and tag columns", origin=str(path))
        docs[-1][-1].append((parts[0], parts[-1]))
    return [[s for s in d if s] for d in docs if any(d)]


def conll_text(sentences: list[Sentence]) -> tuple[str, list[int]]:
    """The document text rebuilt from its tokens (one sentence a line, tokens joined by
    spaces) and each token's start offset."""
    text, starts = "", []
    for sentence in sentences:
        for word, _ in sentence:
            starts.append(len(text))
            text += word + " "
        text = text[:-1] + "\n"
    return text, starts


def iob_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Entity spans (token start, end, type) from IOB1/IOB2 tags."""
    spans, start, kind = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if start is not None and (tag == "O" or prefix == "B" or label != kind):
            spans.add((start, i, kind or ""))
            start, kind = None, None
        if tag != "O" and start is None:
            start, kind = i, label
    return spans


NerDoc = tuple[list[str], set[tuple[int, int, str]], set[tuple[int, int, str]]]


def ner_predictions(docs: list[list[Sentence]], settings: Settings) -> list[NerDoc]:
    """(tokens, predicted spans, gold spans) per document; spans are (token start, end, CoNLL type)."""
    from .model import Article
    from .pipeline import Pipeline

    pipeline = Pipeline(settings.with_(stages=("parse", "entities")))
    pipeline.setup()
    out: list[NerDoc] = []
    batch = max(1, settings.batch_size)
    for b in range(0, len(docs), batch):
        chunk = docs[b : b + batch]
        built = [conll_text(d) for d in chunk]
        results = pipeline.run([Article(id=f"conll-{b + n}", text=t) for n, (t, _) in enumerate(built)])
        for sentences, (_text, starts), article in zip(chunk, built, results, strict=True):
            words = [w for s in sentences for w, _ in s]
            char_to_tok = {s: i for i, s in enumerate(starts)}
            ends = {s + len(w): i + 1 for i, (s, w) in enumerate(zip(starts, words, strict=True))}
            predicted = set()
            if isinstance(article, Article):
                for entity in article.entities:
                    label = NER_MAP.get(entity.type)
                    if label is None:
                        continue
                    for m in entity.mentions:
                        if m.start in char_to_tok and m.end in ends:
                            predicted.add((char_to_tok[m.start], ends[m.end], label))
            gold = iob_spans([t for s in sentences for _, t in s])
            out.append((words, predicted, gold))
    return out


def score_ner(docs: list[NerDoc]) -> Metrics:
    """conlleval's entity-level micro P/R/F1, overall and per type."""
    tp = fp = fn = 0
    per_type: dict[str, list[int]] = {}
    for _, predicted, gold in docs:
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        for kind in {k for *_, k in predicted | gold}:
            counts = per_type.setdefault(kind, [0, 0, 0])
            pk = {s for s in predicted if s[2] == kind}
            gk = {s for s in gold if s[2] == kind}
            counts[0] += len(pk & gk)
            counts[1] += len(pk - gk)
            counts[2] += len(gk - pk)
    p, r, f = prf(tp, fp, fn)
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "documents": len(docs),
        "per_type": {
            k: dict(zip(("precision", "recall", "f1"), prf(*v), strict=True)) for k, v in sorted(per_type.items())
        },
    }


def eval_ner(path: str | Path, settings: Settings) -> Metrics:
    docs = read_conll(path)
    started = time.perf_counter()
    metrics = score_ner(ner_predictions(docs, settings))
    elapsed = time.perf_counter() - started
    metrics["documents_per_second"] = len(docs) / elapsed if elapsed else 0.0
    return metrics


# -- events ----------------------------------------------------------------------------
EVENT_STAGES = ("parse", "entities", "dates", "events")
SCORED_FACTUALITY = frozenset({"asserted"})


def _actor(code: str | None, exact: bool) -> str | None:
    if not code:
        return None
    return code.upper() if exact else code.upper()[:3]


def score_events(pairs: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]], field: str = "code") -> Metrics:
    """Event-type and triple P/R/F1 (micro over documents) for (predicted, gold) event lists."""
    sums = {"type": [0, 0, 0], "triple": [0, 0, 0], "exact": [0, 0, 0]}
    for predicted, gold in pairs:
        for name, key in (
            ("type", lambda e, _x: (e.get(field),)),
            ("triple", lambda e, x: (e.get(field), _actor(e.get("source"), x), _actor(e.get("target"), x))),
            ("exact", lambda e, x: (e.get(field), _actor(e.get("source"), x), _actor(e.get("target"), x))),
        ):
            exact = name == "exact"
            p = Counter(key(e, exact) for e in predicted)
            g = Counter(key(e, exact) for e in gold)
            sums[name][0] += sum((p & g).values())
            sums[name][1] += sum((p - g).values())
            sums[name][2] += sum((g - p).values())
    out: Metrics = {}
    for name, (tp, fp, fn) in sums.items():
        precision, recall, f1 = prf(tp, fp, fn)
        out[name] = {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}
    out["per_type"] = per_type_scores(pairs, field)
    return out


def per_type_scores(pairs: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]], field: str = "code") -> Metrics:
    """Event-type P/R/F1 for each type (PLOVER type or CAMEO code), micro over documents."""
    counts: dict[str, list[int]] = {}
    for predicted, gold in pairs:
        p = Counter(str(e.get(field)) for e in predicted)
        g = Counter(str(e.get(field)) for e in gold)
        for code in p.keys() | g.keys():
            row = counts.setdefault(code, [0, 0, 0])
            row[0] += min(p[code], g[code])
            row[1] += max(0, p[code] - g[code])
            row[2] += max(0, g[code] - p[code])
    return {
        code: dict(zip(("precision", "recall", "f1", "tp", "fp", "fn"), (*prf(*row), *row), strict=True))
        for code, row in sorted(counts.items())
    }


def eval_events(path: str | Path, settings: Settings) -> Metrics:
    """Events of FORMATS.md. Scored: events whose factuality is asserted (the gold
    records code what was done or said, and PLOVER codes intentions as the promise
    or threat, which the coder also emits as asserted events); all events are
    scored too, under ``all_factualities``. No publication date is given, so
    the dated leaders list matches any period."""
    from .model import Article
    from .pipeline import Pipeline

    rows = list(read_jsonl(path))
    pipeline = Pipeline(settings.with_(stages=EVENT_STAGES))
    pairs, pairs_all = [], []
    started = time.perf_counter()
    for row in rows:
        article = pipeline.analyze(Article(id=str(row.get("id", "eval")), text=row["text"]))
        scheme = row.get("scheme", "plover")
        predicted = [
            {"code": e.code if scheme == "plover" else e.cameo, "source": e.source, "target": e.target}
            for e in article.events
        ]
        kept = [p for p, e in zip(predicted, article.events, strict=True) if e.factuality in SCORED_FACTUALITY]
        gold = [{"code": g["code"], "source": g.get("source"), "target": g.get("target")} for g in row["events"]]
        pairs.append((kept, gold))
        pairs_all.append((predicted, gold))
    elapsed = time.perf_counter() - started
    metrics = score_events(pairs)
    metrics["all_factualities"] = score_events(pairs_all)
    metrics["documents"] = len(rows)
    metrics["documents_per_second"] = len(rows) / elapsed if elapsed else 0.0
    return metrics


# -- geo -------------------------------------------------------------------------------
EARTH_HALF_CIRCUMFERENCE_KM = 20039.0


def geo_auc(errors_km: list[float]) -> float:
    """Area under the curve of sorted log errors, as in Gritta et al. (lower is better)."""
    import math
    from itertools import pairwise

    if not errors_km:
        return 0.0
    scaled = sorted(math.log(1 + e) / math.log(EARTH_HALF_CIRCUMFERENCE_KM) for e in errors_km)
    if len(scaled) == 1:
        return scaled[0]
    area = sum((a + b) / 2 for a, b in pairwise(scaled))  # trapezoids, unit spacing
    return area / (len(scaled) - 1)


def score_geo(docs: list[tuple[list[dict[str, Any]], list[tuple[int, int, float | None, float | None]]]]) -> Metrics:
    """Score (gold toponyms, predicted (start, end, lat, lon)) per document; see FORMATS.md."""
    from statistics import median

    from .geo.resolve import haversine

    tp = fp = fn = 0
    otp = ofp = ofn = 0
    errors: list[float] = []
    for gold, predicted in docs:
        gold_spans = {(g["start"], g["end"]) for g in gold}
        pred_spans = {(s, e) for s, e, _, _ in predicted}
        tp += len(gold_spans & pred_spans)
        fp += len(pred_spans - gold_spans)
        fn += len(gold_spans - pred_spans)
        ofn += sum(1 for gs, ge in gold_spans if not any(s < ge and gs < e for s, e in pred_spans))
        ofp += sum(1 for s, e in pred_spans if not any(s < ge and gs < e for gs, ge in gold_spans))
        for g in gold:
            if g.get("lat") is None or g.get("lon") is None:
                continue
            exact = [p for p in predicted if (p[0], p[1]) == (g["start"], g["end"])]
            overlap = exact or [p for p in predicted if p[0] < g["end"] and g["start"] < p[1]]
            if not overlap:
                continue
            _, _, lat, lon = overlap[0]
            if lat is None or lon is None:
                errors.append(EARTH_HALF_CIRCUMFERENCE_KM)
            else:
                errors.append(haversine(g["lat"], g["lon"], lat, lon))
    otp = sum(len(g) for g, _ in docs) - ofn
    p, r, f = prf(tp, fp, fn)
    op, orr, of = prf(otp, ofp, ofn)
    return {
        "recognition": {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn},
        "recognition_overlap": {"precision": op, "recall": orr, "f1": of},
        "resolution": {
            "acc161": sum(1 for e in errors if e <= 161) / len(errors) if errors else 0.0,
            "mean_km": sum(errors) / len(errors) if errors else 0.0,
            "median_km": median(errors) if errors else 0.0,
            "auc": geo_auc(errors),
            "toponyms": len(errors),
        },
        "documents": len(docs),
    }


def eval_geo(path: str | Path, settings: Settings) -> Metrics:
    """Recognition and resolution of toponyms. The clean stage is skipped: spans must keep gold offsets."""
    from .model import Article
    from .pipeline import Pipeline

    rows = list(read_jsonl(path))
    pipeline = Pipeline(settings.with_(stages=("parse", "entities", "places")))
    pipeline.setup()
    scored = []
    started = time.perf_counter()
    batch = max(1, settings.batch_size)
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]
        articles = [Article(id=str(r.get("id", n)), text=r["text"]) for n, r in enumerate(chunk)]
        for row, result in zip(chunk, pipeline.run(articles), strict=True):
            predicted: list[tuple[int, int, float | None, float | None]] = []
            if isinstance(result, Article):
                for place in result.places:
                    predicted.extend((m.start, m.end, place.lat, place.lon) for m in place.mentions)
            scored.append((row.get("toponyms") or [], predicted))
    elapsed = time.perf_counter() - started
    metrics = score_geo(scored)
    metrics["documents_per_second"] = len(rows) / elapsed if elapsed else 0.0
    return metrics


# -- quotes ----------------------------------------------------------------------------
Spans = list[tuple[int, int]]


def _span_len(spans: Spans) -> int:
    return sum(max(0, e - s) for s, e in spans)


def _overlap(a: Spans, b: Spans) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _hull(spans: Spans) -> tuple[int, int] | None:
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


def _last_token(text: str, spans: Spans) -> str | None:
    words = _TOKEN.findall(" ".join(text[s:e] for s, e in sorted(spans)))
    return words[-1].lower() if words else None


def _speaker_ok(text: str, pred: dict[str, Any], gold: dict[str, Any], exact: bool = False) -> bool:
    """FORMATS.md: the predicted speaker span overlaps a gold source span, or the
    predicted speaker's resolved name contains the gold source's last token.
    With no stated speaker on either side, the pair agrees."""
    gold_src: Spans = [tuple(s) for s in gold.get("source") or []]  # type: ignore[misc]
    span = pred.get("speaker_span")
    name = pred.get("speaker")
    if not gold_src:
        return span is None and not name
    if span is None and not name:
        return False
    if exact:
        return span is not None and (tuple(span) in gold_src or tuple(span) == _hull(gold_src))
    if span is not None and _overlap([tuple(span)], gold_src) > 0:  # type: ignore[list-item]
        return True
    last = _last_token(text, gold_src)
    return bool(name and last and last in {w.lower() for w in _TOKEN.findall(name)})


def match_quotes(
    preds: list[dict[str, Any]], golds: list[dict[str, Any]], exact: bool = False
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of predicted to gold attributions by content.

    Candidate pairs overlap by at least half of the shorter content (or, with
    ``exact``, the predicted span equals the gold content's span); the pairs with
    the largest overlap are taken first."""
    candidates = []
    for i, p in enumerate(preds):
        ps: Spans = [tuple(p["content"])]  # type: ignore[list-item]
        for j, g in enumerate(golds):
            gs: Spans = [tuple(s) for s in g.get("content") or []]  # type: ignore[misc]
            if not gs:
                continue
            ov = _overlap(ps, gs)
            if exact:
                ok = ps[0] in gs or ps[0] == _hull(gs)
            else:
                ok = ov > 0 and ov * 2 >= min(_span_len(ps), _span_len(gs))
            if ok:
                candidates.append((-ov, i, j))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def score_quotes(docs: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]) -> Metrics:
    """Content, source and content+source P/R/F1 over (text, predicted, gold) documents."""
    out: Metrics = {}
    for exact in (False, True):
        n_pred = n_gold = matched = 0
        src_tp = src_pred = src_gold = both = 0
        for text, preds, golds in docs:
            n_pred += len(preds)
            n_gold += len(golds)
            for i, j in match_quotes(preds, golds, exact):
                matched += 1
                p, g = preds[i], golds[j]
                ok = _speaker_ok(text, p, g, exact)
                has_pred = p.get("speaker_span") is not None or bool(p.get("speaker"))
                has_gold = bool(g.get("source"))
                src_pred += has_pred
                src_gold += has_gold
                src_tp += ok and has_gold
                both += ok
        cp, cr, cf = prf(matched, n_pred - matched, n_gold - matched)
        sp, sr, sf = prf(src_tp, src_pred - src_tp, src_gold - src_tp)
        bp, br, bf = prf(both, n_pred - both, n_gold - both)
        prefix = "exact_" if exact else ""
        out[f"{prefix}content"] = {"precision": cp, "recall": cr, "f1": cf}
        out[f"{prefix}source"] = {"precision": sp, "recall": sr, "f1": sf}
        out[f"{prefix}content_speaker"] = {"precision": bp, "recall": br, "f1": bf}
    out["predicted"] = sum(len(p) for _, p, _ in docs)
    out["gold"] = sum(len(g) for _, _, g in docs)
    out["documents"] = len(docs)
    return out


def eval_quotes(path: str | Path, settings: Settings) -> Metrics:
    """Run parse, entities, coref and quotes over the given text (no cleaning, so offsets match)."""
    from .model import Article
    from .pipeline import Pipeline

    rows = list(read_jsonl(path))
    pipeline = Pipeline(settings.with_(stages=("parse", "entities", "coref", "quotes")))
    docs = []
    started = time.perf_counter()
    for row in rows:
        article = pipeline.run([Article(id=str(row.get("id", "eval")), text=row["text"])])[0]
        preds = []
        if isinstance(article, Article):
            preds = [
                {"content": q.content, "speaker_span": q.speaker_span, "speaker": q.speaker, "kind": q.kind}
                for q in article.quotes
            ]
        docs.append((row["text"], preds, row.get("attributions") or []))
    elapsed = time.perf_counter() - started
    metrics = score_quotes(docs)
    metrics["documents_per_second"] = len(rows) / elapsed if elapsed else 0.0
    return metrics


# -- stories ---------------------------------------------------------------------------
def eval_stories(
    path: str | Path, settings: Settings, mode: str = "batch", order: str = "date", executor: str = "local"
) -> Metrics:
    """Stories of FORMATS.md: analyze every document, cluster them all together (``batch``),
    or as they arrive, in publication order (``date``; undated documents last, in file order)
    or in file order: ``stream`` is what ``newsgraph ingest`` stores (one pass, then the
    repair pass at the end of the run), ``online`` the one pass alone (what the records of
    ``newsgraph analyze`` carry). Scores the grouping against ``story`` with B-cubed and ARI.
    With the spark executor, online clustering runs on Spark (time blocks, see executors/spark.py)."""
    from . import executors
    from .model import Article
    from .stories import batch, by_date, from_article, stream
    from .stories.metrics import score

    if mode not in ("batch", "stream", "online") or order not in ("date", "file"):
        raise EvalError(f"mode is batch, stream or online, order date or file (not {mode!r}, {order!r})", origin="eval")
    rows = list(read_jsonl(path))
    gold = {str(r["id"]): str(r["story"]) for r in rows}
    articles = [
        Article(id=str(r["id"]), text=r["text"], title=r.get("title"), published=r.get("date"), origin=str(r["id"]))
        for r in rows
    ]
    started = time.perf_counter()
    docs = [from_article(a) for a in executors.run(articles, settings, executor) if isinstance(a, Article)]
    analyzed = time.perf_counter()
    ordered = by_date(docs) if order == "date" else docs
    if mode == "batch":
        assigned = batch(ordered)
    elif executor == "spark" and order == "date" and mode == "online":
        from .executors.spark import cluster_stories

        assigned = cluster_stories(ordered)
    else:
        assigned = stream(ordered, repair=mode == "stream")
    predicted = {a.doc_id: a.story_id for a in assigned}
    ids = [d.id for d in docs]
    metrics: Metrics = score([predicted[i] for i in ids], [gold[i] for i in ids])
    metrics["mode"] = mode
    metrics["order"] = order
    metrics["skipped"] = len(rows) - len(docs)
    metrics["clustering_seconds"] = time.perf_counter() - analyzed
    metrics["documents_per_second"] = len(docs) / (time.perf_counter() - started)
    return metrics


TASKS: dict[str, Callable[[str | Path, Settings], Metrics]] = {
    "extract": eval_extract,
    "ner": eval_ner,
    "events": eval_events,
    "geo": eval_geo,
    "quotes": eval_quotes,
    "stories": eval_stories,
}


def evaluate(task: str, path: str | Path, settings: Settings, **options: str) -> Metrics:
    """Score ``task``; ``options`` are the task's own (stories: ``mode``, ``order``)."""
    if task not in TASKS:
        raise EvalError(f"unknown task {task!r}; tasks are: {', '.join(TASKS)}", origin="eval")
    if task == "stories":
        return eval_stories(path, settings, **options)
    return TASKS[task](path, settings)
