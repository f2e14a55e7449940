"""Run the shared spaCy pipeline over a batch (``nlp.pipe``) and keep each Doc in scratch."""

from __future__ import annotations

from typing import Any

from ..model import Article
from ..nlp import load_spacy
from .base import Stage


class Parse(Stage):
    name = "parse"
    requires = ("text",)
    assigns = ("doc",)
    languages = ("en",)  # English words and models

    nlp: Any = None
    others: tuple[Stage, ...] = ()

    def setup(self) -> None:
        # A fresh copy per pipeline is not needed: components are added once per process.
        self.nlp = load_spacy(self.settings.spacy_model, self.settings.max_text_bytes)
        configured: set[str] = getattr(self.nlp, "_newsgraph_configured", set())
        for stage in self.others:
            if stage.name not in configured:
                stage.configure_nlp(self.nlp)
                configured.add(stage.name)
        self.nlp._newsgraph_configured = configured

    def process_batch(self, articles: list[Article]) -> list[Article]:
        docs = self.nlp.pipe((a.text for a in articles), batch_size=max(1, len(articles)))
        for article, doc in zip(articles, docs, strict=True):
            doc.user_data["newsgraph_text"] = article.text  # see nlp.doc_text
            article.scratch["doc"] = doc
        return articles

    def process(self, article: Article) -> Article:
        doc = self.nlp(article.text)
        doc.user_data["newsgraph_text"] = article.text
        article.scratch["doc"] = doc
        return article
