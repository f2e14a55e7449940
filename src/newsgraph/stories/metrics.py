"""Clustering metrics of FORMATS.md (stories): B-cubed precision/recall/F1 and the adjusted Rand index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def bcubed(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed P/R/F1 (Bagga & Baldwin 1998) of two labelings of the same items."""
    if len(predicted) != len(gold):
        raise ValueError("labelings differ in length")
    if not gold:
        return 0.0, 0.0, 0.0
    pairs = Counter(zip(predicted, gold))
    pred_size = Counter(predicted)
    gold_size = Counter(gold)
    p = sum(n * n / pred_size[pl] for (pl, _), n in pairs.items()) / len(gold)
    r = sum(n * n / gold_size[gl] for (_, gl), n in pairs.items()) / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _pairs(n: int) -> float:
    return n * (n - 1) / 2


def adjusted_rand(predicted: Sequence[str], gold: Sequence[str]) -> float:
    """Hubert & Arabie's adjusted Rand index (1.0: identical; about 0: chance)."""
    if len(predicted) != len(gold):
        raise ValueError("labelings differ in length")
    n = len(gold)
    if n < 2:
        return 1.0
    index = sum(_pairs(c) for c in Counter(zip(predicted, gold)).values())
    a = sum(_pairs(c) for c in Counter(predicted).values())
    b = sum(_pairs(c) for c in Counter(gold).values())
    expected = a * b / _pairs(n)
    maximum = (a + b) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def score(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    p, r, f = bcubed(predicted, gold)
    return {
        "bcubed_precision": p,
        "bcubed_recall": r,
        "bcubed_f1": f,
        "ari": adjusted_rand(predicted, gold),
        "documents": float(len(gold)),
        "stories_predicted": float(len(set(predicted))),
        "stories_gold": float(len(set(gold))),
    }
