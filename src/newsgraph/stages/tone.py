"""Document tone from VADER (vaderSentiment 3.3.2, a rule-based lexicon shipped on PyPI).

Tone = the mean over sentences of VADER's compound score (-1..1) times 100,
weighting each sentence by its number of words so that a one-word fragment does
not count as much as a paragraph-long sentence. Range -100..100, negative is negative.
"""

from __future__ import annotations

from typing import Any

from ..model import Article
from .base import Stage


class Tone(Stage):
    name = "tone"
    requires = ("doc",)
    assigns = ("tone",)

    analyzer: Any = None

    def setup(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.analyzer = SentimentIntensityAnalyzer()

    def process(self, article: Article) -> Article:
        if self.analyzer is None:
            self.setup()
        doc = article.doc
        sentences = [s.text for s in doc.sents] if doc is not None else [article.text]
        total = weight = 0.0
        for text in sentences:
            words = len(text.split())
            if not words:
                continue
            total += self.analyzer.polarity_scores(text)["compound"] * words
            weight += words
        article.tone = round(100 * total / weight, 2) if weight else 0.0
        return article
