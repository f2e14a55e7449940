"""What a stage is: a named step that reads some fields of an Article and assigns others.

A stage declares ``requires`` (fields or scratch keys that earlier stages must
have assigned, or that every Article has: ``text``, ``title``, ``published``...)
and ``assigns``. :class:`newsgraph.pipeline.Pipeline` checks the chain when it
is built, so a stage that runs too early fails at start-up, not mid-batch.

A stage that reads only English (an English spaCy model, English word lists)
declares ``languages = ("en",)``; the pipeline then does not run it on a
document in another language, and the document's ``stages`` list says which
stages ran. A stage that requires what such a stage assigns is English-only too
(the pipeline works that out). ``languages = None``: every language.

Lifecycle, per process: ``__init__(settings)`` (cheap), ``setup()`` (load
models and tables, once), then ``process_batch`` for each batch. A stage that
wants a spaCy component in the shared model adds it in ``configure_nlp``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..config import Settings
from ..model import Article

# Fields every Article has from its reader; stages may require them freely.
BASE_FIELDS = frozenset(
    {"id", "text", "url", "source", "title", "published", "modified", "authors", "metadata", "origin"}
)


class Stage:
    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()
    languages: ClassVar[tuple[str, ...] | None] = None  # ISO 639-1 codes it reads; None: all

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self) -> None:
        """Load what the stage needs, once per process."""

    def configure_nlp(self, nlp: Any) -> None:
        """Add components to the shared spaCy pipeline before it parses anything."""

    def process(self, article: Article) -> Article:
        raise NotImplementedError

    def process_batch(self, articles: list[Article]) -> list[Article]:
        return [self.process(a) for a in articles]

    def __repr__(self) -> str:
        return f"<stage {self.name}: {', '.join(self.requires)} -> {', '.join(self.assigns)}>"
