"""Identify the document's language (lingua) and refuse those the run does not support."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..errors import LanguageError
from ..model import Article
from .base import Stage


@lru_cache(maxsize=1)
def detector() -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def identify(text: str) -> str | None:
    """ISO 639-1 code of the language of ``text``, or None.

    Reads a 600-character sample from the start of the body (a few sentences
    are plenty for lingua and keep identification under 2% of the pipeline).
    """
    lang = detector().detect_language_of(text[:600])
    return None if lang is None else lang.iso_code_639_1.name.lower()


class Language(Stage):
    name = "language"
    requires = ("text",)
    assigns = ("language",)

    def setup(self) -> None:
        detector()

    def process(self, article: Article) -> Article:
        if len(article.text) < self.settings.min_language_chars:
            return article  # too short to tell reliably: trust the reader
        code = identify(article.text)
        if code is None:
            return article
        article.language = code
        if self.settings.languages and code not in self.settings.languages:
            raise LanguageError(
                f"text is in {code!r}, not in a supported language ({', '.join(self.settings.languages)})",
                origin=article.origin,
            )
        return article
