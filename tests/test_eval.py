"""Metrics of evaluate.py against hand-computed values."""

from __future__ import annotations

from newsgraph.evaluate import extract_page_scores, iob_spans, score_extract_pages


def test_extract_metric_identical_pages() -> None:
    m = score_extract_pages([("one two three four five", "one two three four five")])
    assert m["precision"] == m["recall"] == m["f1"] == m["accuracy"] == 1.0


def test_extract_metric_partial() -> None:
    # gold shingles: (a b c d), (b c d e); predicted: (a b c d), (b c d x)
    tp, fp, fn = extract_page_scores("a b c d x", "a b c d e")
    assert (tp, fp, fn) == (1 / 3, 1 / 3, 1 / 3)
    m = score_extract_pages([("a b c d x", "a b c d e")])
    assert abs(m["precision"] - 0.5) < 1e-9 and abs(m["recall"] - 0.5) < 1e-9 and m["accuracy"] == 0.0


def test_iob1_and_iob2_spans() -> None:
    assert iob_spans(["I-PER", "I-PER", "O", "I-LOC"]) == {(0, 2, "PER"), (3, 4, "LOC")}
    assert iob_spans(["B-PER", "I-PER", "B-PER", "O"]) == {(0, 2, "PER"), (2, 3, "PER")}
