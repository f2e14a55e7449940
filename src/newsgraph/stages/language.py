"""Identify the document's language; skip it (E106) only when the ``languages`` setting says so.

Identification is :func:`newsgraph.langid.identify`, which never calls English
another language when in doubt. Every language is stored: the stages that read
English only declare ``languages = ("en",)`` and the pipeline does not run them
on other languages (see :class:`newsgraph.stages.base.Stage`). A user who wants
other languages left out sets ``languages`` (e.g. ``["en"]``); those documents
are then skipped with E106.
"""

from __future__ import annotations

from ..errors import LanguageError
from ..langid import detector, identify
from ..model import Article
from .base import Stage


class Language(Stage):
    name = "language"
    requires = ("text",)
    assigns = ("language",)

    def setup(self) -> None:
        detector()

    def process(self, article: Article) -> Article:
        if len(article.text) >= self.settings.min_language_chars:
            # shorter texts are too short to tell reliably: the reader's language stands
            code = identify(article.text).code
            if code is not None:
                article.language = code
        if self.settings.languages and article.language not in self.settings.languages:
            raise LanguageError(
                f"text is in {article.language!r}, not in a supported language "
                f"({', '.join(self.settings.languages)}; setting `languages`)",
                origin=article.origin,
            )
        return article
