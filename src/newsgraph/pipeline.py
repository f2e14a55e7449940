"""Run the stages over documents, with a per-document error policy.

A :class:`Pipeline` instantiates the registered stages that the settings
select, checks that each stage's ``requires`` are assigned earlier, and runs
batches. One document that fails a stage becomes a :class:`~newsgraph.model.Skipped`
with the reason; the rest of its batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from . import __version__
from .config import Settings
from .errors import ConfigError, InputError, NewsgraphError, OversizedInputError, StageError
from .model import Article, Skipped
from .stages import STAGES, Stage
from .stages.base import BASE_FIELDS
from .stages.parse import Parse

log = logging.getLogger(__name__)

Result = Article | Skipped


def select_stages(settings: Settings) -> list[type[Stage]]:
    known = {cls.name for cls in STAGES}
    for name in (*settings.stages, *settings.skip_stages):
        if name not in known:
            raise ConfigError(f"unknown stage {name!r}; stages are: {', '.join(sorted(known))}", origin="stages")
    chosen = [c for c in STAGES if (not settings.stages or c.name in settings.stages)]
    return [c for c in chosen if c.name not in settings.skip_stages]


def stage_languages(stages: Iterable[Stage]) -> dict[str, tuple[str, ...] | None]:
    """The languages each stage runs on: its own ``languages``, narrowed by those of
    the stages that assign what it requires (a stage that reads the English parse is
    English-only too). None: every language."""
    of_field: dict[str, tuple[str, ...] | None] = {}
    out: dict[str, tuple[str, ...] | None] = {}
    for stage in stages:
        langs = stage.languages
        for field in stage.requires:
            needed = of_field.get(field)
            if needed is not None:
                langs = needed if langs is None else tuple(x for x in langs if x in needed)
        out[stage.name] = langs
        for field in stage.assigns:
            of_field[field] = langs
    return out


class Pipeline:
    def __init__(self, settings: Settings, stages: Iterable[type[Stage]] | None = None) -> None:
        self.settings = settings
        classes = list(stages) if stages is not None else select_stages(settings)
        self.stages: list[Stage] = [cls(settings) for cls in classes]
        available = set(BASE_FIELDS)
        for stage in self.stages:
            missing = [r for r in stage.requires if r not in available]
            if missing:
                raise ConfigError(
                    f"stage {stage.name!r} requires {', '.join(missing)}, which no earlier stage assigns",
                    origin="stages",
                )
            available.update(stage.assigns)
        self.languages = stage_languages(self.stages)
        for stage in self.stages:
            if isinstance(stage, Parse):
                stage.others = tuple(s for s in self.stages if s is not stage)
        self._ready = False

    @property
    def version(self) -> str:
        """Identifies what produced a record: package version and the stages run."""
        names = ",".join(s.name for s in self.stages)
        digest = hashlib.sha1(f"{__version__}|{self.settings.spacy_model}|{names}".encode()).hexdigest()[:10]
        return f"{__version__}+{digest}"

    def setup(self) -> None:
        if not self._ready:
            for stage in self.stages:
                stage.setup()
            self._ready = True

    def _check(self, article: Article) -> None:
        size = len(article.text.encode("utf-8", "surrogatepass"))
        if size > self.settings.max_text_bytes:
            raise OversizedInputError(
                f"text is {size:,} bytes, over the limit of {self.settings.max_text_bytes:,} (max_text_bytes)",
                origin=article.origin,
            )

    def run(self, articles: list[Article]) -> list[Result]:
        """Process one batch; failures become Skipped entries in the same positions."""
        self.setup()
        results: list[Result] = list(articles)
        for i, article in enumerate(articles):
            article.stages = []  # what runs now (a record read back may list an earlier run's)
            try:
                self._check(article)
            except InputError as exc:
                results[i] = Skipped(article.origin or article.id, exc.message, exc.code)
        for stage in self.stages:
            langs = self.languages[stage.name]
            live = [
                i for i, r in enumerate(results) if isinstance(r, Article) and (langs is None or r.language in langs)
            ]
            if not live:
                continue  # other stages may still run on documents in other languages
            batch = [results[i] for i in live]
            try:
                done = stage.process_batch(batch)  # type: ignore[arg-type]
                for i, article in zip(live, done, strict=True):
                    results[i] = article
            except Exception:
                for i in live:
                    results[i] = self._one(stage, results[i])  # type: ignore[arg-type]
            for i in live:
                if isinstance(results[i], Article):
                    results[i].stages.append(stage.name)  # type: ignore[union-attr]
        for r in results:
            if isinstance(r, Article):
                r.scratch.clear()
        return results

    def _one(self, stage: Stage, article: Article) -> Result:
        try:
            return stage.process_batch([article])[0]
        except NewsgraphError as exc:
            return Skipped(article.origin or article.id, exc.message, exc.code)
        except Exception as exc:
            log.debug("stage %s failed on %s", stage.name, article.origin, exc_info=True)
            err = StageError(f"stage {stage.name} failed: {type(exc).__name__}: {exc}", origin=article.origin)
            return Skipped(article.origin or article.id, err.message, err.code)

    def analyze(self, article: Article) -> Article:
        """Process one document; raises the error that would have skipped it."""
        result = self.run([article])[0]
        if isinstance(result, Skipped):
            raise NewsgraphError(result.reason, origin=result.origin)
        return result
