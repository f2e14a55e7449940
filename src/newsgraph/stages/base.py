"""What a stage is: a named step that reads some fields of an Article and assigns others.

A stage declares ``requires`` (names that earlier stages must have assigned,
or that every Article has: ``text``, ``title``, ``published``...) and
``assigns``. Each name is a field of :class:`~newsgraph.model.Article` (the
record) or of :class:`~newsgraph.model.Work` (``article.work``: typed working
state handed from stage to stage, such as ``doc``, ``coref`` or ``focus``); a
name that is neither fails when the stage class is defined.
:class:`newsgraph.pipeline.Pipeline` checks the chain when it is built, so a
stage that runs too early fails at start-up, not mid-batch.

A stage that reads only English (an English spaCy model, English word lists)
declares ``languages = ("en",)``; the pipeline then does not run it on a
document in another language, and the document's ``stages`` list says which
stages ran. A stage that requires what such a stage assigns is English-only too
(the pipeline works that out). ``languages = None``: every language.

Lifecycle, per process: ``__init__(settings)`` (cheap), ``setup()`` (load
models and tables, once), then ``process_batch`` for each batch. A stage that
wants a spaCy component in the shared model adds it in ``configure_nlp``: the
parse stage calls it for every registered stage, selected or not, so the Doc
never depends on which stages run.
"""

from __future__ import annotations

import logging
from dataclasses import fields
from typing import Any, ClassVar

from ..config import Settings
from ..errors import StageError, warning_text
from ..model import WORK_FIELDS, Article

# Names a stage may declare: the record's fields and the working state's.
DECLARABLE = frozenset(f.name for f in fields(Article) if f.name != "work") | WORK_FIELDS

log = logging.getLogger("newsgraph.stages")

# Fields every Article has from its reader; stages may require them freely.
BASE_FIELDS = frozenset(
    {"id", "text", "url", "source", "title", "published", "modified", "authors", "metadata", "origin"}
)


class Stage:
    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()
    languages: ClassVar[tuple[str, ...] | None] = None  # ISO 639-1 codes it reads; None: all

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        unknown = [n for n in (*cls.requires, *cls.assigns) if n not in DECLARABLE]
        if unknown:
            raise TypeError(
                f"stage {cls.name or cls.__name__!r} declares {', '.join(unknown)}: "
                "not a field of Article or of model.Work"
            )

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

    def warn(self, article: Article, what: str, exc: BaseException) -> None:
        warn(article, self.name, what, exc)


def warn(article: Article, stage: str, what: str, exc: BaseException) -> None:
    """A part of ``stage`` failed on ``article`` and the stage goes on without it: never
    silently. Logged at WARNING (with the traceback at DEBUG) and kept in
    ``article.warnings``, which the job's summary counts by code and stage."""
    message = f"{what}: {type(exc).__name__}: {exc}"[:500]
    log.warning("[%s] %s: stage %s: %s", StageError.code, article.origin or article.id, stage, message)
    log.debug("traceback", exc_info=exc)
    article.warnings.append(warning_text(StageError.code, stage, message))

    def __repr__(self) -> str:
        return f"<stage {self.name}: {', '.join(self.requires)} -> {', '.join(self.assigns)}>"
