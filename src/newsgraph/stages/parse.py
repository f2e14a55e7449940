"""Run the shared spaCy pipeline over a batch (``nlp.pipe``) and keep each Doc in ``article.work.doc``.

The pipeline is the same whatever stages are selected: the paragraph component comes
with the model (``nlp.load_spacy``), and every registered stage adds its components.
"""

from __future__ import annotations

from typing import Any

from ..errors import OversizedInputError, warning_text
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
        texts = [self._parsed_text(a) for a in articles]
        docs = self.nlp.pipe(texts, batch_size=max(1, len(articles)))
        for article, text, doc in zip(articles, texts, docs, strict=True):
            doc.user_data["newsgraph_text"] = text  # see nlp.doc_text
            article.work.doc = doc
        return articles

    def process(self, article: Article) -> Article:
        return self.process_batch([article])[0]

    def _parsed_text(self, article: Article) -> str:
        """The text the parse reads: all of it, or its first ``max_nlp_chars`` characters
        (cut at a paragraph or sentence end) with a warning, so that one huge text keeps
        the parse and every stage after it within bounds. Offsets stay those of
        ``article.text``: the parsed text is a prefix of it."""
        limit = self.settings.max_nlp_chars
        text = article.text
        if not limit or len(text) <= limit:
            return text
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(". ", 0, limit) + 1
        if cut < limit // 2:
            cut = limit
        article.warnings.append(
            warning_text(
                OversizedInputError.code,
                self.name,
                f"only the first {cut:,} of {len(text):,} characters were parsed (max_nlp_chars)",
            )
        )
        return text[:cut]
