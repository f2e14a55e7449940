"""Learning the story model from labelled documents (ECB+ in ``../shared/eval/stories``).

Training rows come from a *teacher-forced* stream: documents arrive in order, each
is compared with the candidate stories the index returns (and its true story,
when that already exists), and then joins its true story. So the rows have the
distribution the clusterer meets at run time. A logistic regression (L2, Newton's
method; numpy only) gives the weights; the join threshold is the one whose
streaming clustering of the training documents has the best B-cubed F1.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from .cluster import SIGNALS, Clusterer, Story, by_date, prepare, signals, stream
from .features import StoryDoc
from .metrics import bcubed
from .repair import merges, reassign, split, streamed
from .weights import NO_MERGE, Weights

THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 19))
PRIOR_DOCS = 1000.0  # general-English pseudo-documents in the term weights, chosen by 5-fold CV (bench/stories_cv.py)


def _placeholder(prior_docs: float) -> Weights:
    return Weights(coef=dict.fromkeys(SIGNALS, 0.0), intercept=0.0, threshold=0.5, prior_docs=prior_docs)


def training_rows(
    docs: Sequence[StoryDoc], labels: Sequence[str], prior_docs: float = PRIOR_DOCS
) -> tuple[np.ndarray, np.ndarray]:
    clusterer = Clusterer(_placeholder(prior_docs))
    by_label: dict[str, Story] = {}
    xs: list[list[float]] = []
    ys: list[float] = []
    for doc, label in zip(docs, labels, strict=True):
        if doc.published and (clusterer.now is None or doc.published > clusterer.now):
            clusterer.now = doc.published
        clusterer.freq.add(doc)
        true = by_label.get(label)
        candidates = clusterer.candidates(doc)
        if true is not None and all(c.id != true.id for c in candidates):
            candidates.append(true)
        prep = prepare(doc, clusterer.freq)
        for story in candidates:
            xs.append(signals(doc, story, clusterer.freq, clusterer.window_days, prep))
            ys.append(1.0 if true is not None and story.id == true.id else 0.0)
        if true is None:
            by_label[label] = clusterer.stories[clusterer.add(doc).story_id]
        else:
            clusterer.add(doc, true)
    return np.asarray(xs, dtype=float).reshape(-1, len(SIGNALS)), np.asarray(ys, dtype=float)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method; returns (coef, intercept)."""
    n, k = x.shape
    a = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(k + 1)
    reg = np.full(k + 1, l2)
    reg[-1] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ w, -30, 30)))
        grad = a.T @ (p - y) + reg * w
        hess = (a * (p * (1 - p))[:, None]).T @ a + np.diag(reg) + 1e-9 * np.eye(k + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])


def orders(docs: Sequence[StoryDoc], labels: Sequence[str], shuffles: int, seed: int) -> list[list[int]]:
    """The given order and ``shuffles`` random ones (indices)."""
    rng = random.Random(seed)
    out = [list(range(len(docs)))]
    for _ in range(shuffles):
        order = list(range(len(docs)))
        rng.shuffle(order)
        out.append(order)
    return out


def fit(
    docs: Sequence[StoryDoc],
    labels: Sequence[str],
    *,
    l2: float = 1.0,
    shuffles: int = 2,
    seed: int = 13,
    window_days: float = 7.0,
    prior_docs: float = PRIOR_DOCS,
    plateau: bool = False,
) -> Weights:
    """Weights and threshold learned from labelled documents. The join threshold is the one
    with the best training F1; with ``plateau``, the one whose neighbourhood (it and the
    thresholds next to it) scores best on average (an experiment of ``bench/stories_cv.py
    --plateau``, not what the shipped weights use)."""
    runs = orders(docs, labels, shuffles, seed)
    xs, ys = [], []
    for order in runs:
        x, y = training_rows([docs[i] for i in order], [labels[i] for i in order], prior_docs)
        xs.append(x)
        ys.append(y)
    coef, intercept = fit_logistic(np.vstack(xs), np.concatenate(ys), l2=l2)
    base = Weights(
        coef={name: float(c) for name, c in zip(SIGNALS, coef, strict=True)},
        intercept=intercept,
        threshold=0.5,
        window_days=window_days,
        prior_docs=prior_docs,
    )
    scores = []
    for t in THRESHOLDS:
        trial = Weights(base.coef, base.intercept, t, window_days, prior_docs)
        f = 0.0
        for order in runs:
            predicted = {a.doc_id: a.story_id for a in stream([docs[i] for i in order], trial)}
            f += bcubed([predicted[d.id] for d in docs], list(labels))[2]
        scores.append(f)
    best_t, best_f = _best(THRESHOLDS, scores, 1 if plateau else 0)
    joined = Weights(base.coef, base.intercept, best_t, window_days, prior_docs)
    level, merged_f = merge_level(docs, labels, joined)
    return Weights(
        base.coef,
        base.intercept,
        best_t,
        window_days,
        prior_docs,
        merge_threshold=level,
        trained_on={
            "documents": len(docs),
            "stories": len(set(labels)),
            "train_bcubed_f1": best_f / len(runs),
            "train_batch_bcubed_f1": merged_f,
        },
    )


def _best(thresholds: Sequence[float], scores: Sequence[float], reach: int = 0) -> tuple[float, float]:
    """The threshold whose scores within ``reach`` places of it have the best mean (the first
    on a tie), and its own score; ``reach`` 0 is the single best score."""
    best_i, best_mean = 0, -1.0
    for i in range(len(scores)):
        around = scores[max(0, i - reach) : i + reach + 1]
        mean = sum(around) / len(around)
        if mean > best_mean:
            best_i, best_mean = i, mean
    return thresholds[best_i], scores[best_i]


def merge_level(docs: Sequence[StoryDoc], labels: Sequence[str], weights: Weights) -> tuple[float, float]:
    """The merge threshold (of :data:`THRESHOLDS`, or never) whose repair pass gives the
    training documents' batch clustering the best B-cubed F1; returns it and that F1.
    Merging goes likeliest pair first, so a threshold's merges are a prefix of the lowest
    threshold's: one run scores them all."""
    fixing = streamed(by_date(docs), weights)
    reassign(fixing)
    split(fixing)

    def f1() -> float:
        return bcubed([fixing.story_of[d.id] for d in docs], list(labels))[2]

    steps = [(NO_MERGE, f1())]
    for p in merges(fixing, min(THRESHOLDS)):
        steps.append((p, f1()))
    best_t, best_f = NO_MERGE, steps[0][1]
    for t in sorted(THRESHOLDS, reverse=True):  # on a tie, the fewer merges
        k = 0
        for i in range(1, len(steps)):
            if steps[i][0] < t:
                break
            k = i
        if steps[k][1] > best_f + 1e-9:
            best_t, best_f = t, steps[k][1]
    return best_t, best_f


def topic(label: str) -> str:
    """The ECB+ topic of a story label ("12_ecbplus" -> "12"): the part before the sub-event marker."""
    return label.split("_", 1)[0]


def group_folds(groups: Sequence[str], k: int = 5) -> list[list[int]]:
    """Indices of ``k`` folds with no group split between folds, sizes balanced
    (largest group first into the smallest fold, as scikit-learn's GroupKFold)."""
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    fold_of: dict[str, int] = {}
    totals = [0] * k
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        f = totals.index(min(totals))
        fold_of[g] = f
        totals[f] += sizes[g]
    return [[i for i, g in enumerate(groups) if fold_of[g] == f] for f in range(k)]
