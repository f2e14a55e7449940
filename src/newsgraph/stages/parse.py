"""Run the shared spaCy pipeline over a batch (``nlp.pipe``) and keep each Doc in ``article.work.doc``.

The pipeline is the same whatever stages are selected: the paragraph component comes
with the model (``nlp.load_spacy``), and every registered stage adds its components.
"""

from __future__ import annotations

from typing import Any

from ..model import Article
from ..nlp import load_spacy
from .base import Stage


class Parse(Stage):
    name = "parse"
    requires = ("text",)
    assigns = ("doc",)

    nlp: Any = None
    others: tuple[Stage, ...] = ()

    def setup(self) -> None:
        # A fresh copy per pipeline is not needed: components are added once per process.
        # Every registered stage adds its components, selected or not, so that the Doc (its
        # sentences, its entities) never depends on which stages run or ran before.
        from . import STAGES

        self.nlp = load_spacy(self.settings.spacy_model, self.settings.max_text_bytes)
        configured: set[str] = getattr(self.nlp, "_newsgraph_configured", set())
        stages = [cls(self.settings) for cls in STAGES if cls is not Parse]
        for stage in (*stages, *self.others):
            if stage.name not in configured:
                stage.configure_nlp(self.nlp)
                configured.add(stage.name)
        self.nlp._newsgraph_configured = configured

    def process_batch(self, articles: list[Article]) -> list[Article]:
        docs = self.nlp.pipe((a.text for a in articles), batch_size=max(1, len(articles)))
        for article, doc in zip(articles, docs, strict=True):
            doc.user_data["newsgraph_text"] = article.text  # see nlp.doc_text
            article.work.doc = doc
        return articles

    def process(self, article: Article) -> Article:
        doc = self.nlp(article.text)
        doc.user_data["newsgraph_text"] = article.text
        article.work.doc = doc
        return article
