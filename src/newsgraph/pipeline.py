"""Run the stages over documents, with a per-document error policy.

A :class:`Pipeline` instantiates the registered stages that the settings
select, checks that each stage's ``requires`` are assigned earlier, and runs
batches.

The error policy, one for every stage: a stage that raises on a batch is run
again one document at a time, so one bad document never costs the others. A
document that still fails becomes a :class:`~newsgraph.model.Skipped` with its
numbered code and the stage (``on_error = "skip"``, the default), or is kept as
it was before that stage with a warning naming it in ``Article.warnings``
(``on_error = "degrade"``; later stages that need what the failed one assigns
do not run on it). Refusals of the input itself (``InputError``: too large,
another language) always skip. Failures are logged at WARNING; the job's
summary counts them by code and by stage. Each stage runs under a time budget
(``max_stage_seconds``, :mod:`newsgraph.budget`): past it, E301.
"""

from __future__ import annotations

import copy
import gc
import logging
import time
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from .budget import time_limit
from .config import Settings
from .errors import (
    BudgetError,
    ConfigError,
    InputError,
    NewsgraphError,
    OversizedInputError,
    StageError,
    error_for,
    warning_text,
)
from .fingerprint import pipeline_version
from .model import WORK_FIELDS, Article, Skipped, Work
from .stages import STAGES, Stage
from .stages.base import BASE_FIELDS
from .stages.parse import Parse

log = logging.getLogger(__name__)

Result = Article | Skipped
_ARTICLE_FIELDS = {f.name for f in fields(Article)}


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
        """Identifies what produced a record (see :mod:`newsgraph.fingerprint`): a document
        stored under another version is processed again."""
        return pipeline_version(self.settings, [s.name for s in self.stages])

    def setup(self) -> None:
        if not self._ready:
            # Loading builds millions of long-lived objects (lexicons, actor dictionaries,
            # pattern tables, the spaCy vocab): the cyclic collector would walk them again
            # and again while they are made (a third of the dictionaries' load time) and at
            # every full collection afterwards. Collect only after loading, then move what
            # was loaded out of the collector's sight (gc.freeze).
            enabled = gc.isenabled()
            gc.disable()
            try:
                for stage in self.stages:
                    stage.setup()
            finally:
                if enabled:
                    gc.enable()
            gc.freeze()
            self._ready = True

    def _check(self, article: Article) -> None:
        size = len(article.text.encode("utf-8", "surrogatepass"))
        if size > self.settings.max_text_bytes:
            raise OversizedInputError(
                f"text is {size:,} bytes, over the limit of {self.settings.max_text_bytes:,} (max_text_bytes)",
                origin=article.origin,
            )

    def run(self, articles: list[Article]) -> list[Result]:
        """Process one batch; failures become Skipped entries in the same positions
        (or, with ``on_error = "degrade"``, warnings on the kept documents)."""
        self.setup()
        results: list[Result] = list(articles)
        for i, article in enumerate(articles):
            article.stages = []  # what runs now (a record read back may list an earlier run's)
            try:
                self._check(article)
            except InputError as exc:
                results[i] = self._skipped(article, exc, None)
        # degrade: what a failed stage left unassigned, per document; later stages that
        # require it do not run on that document
        missing: dict[int, set[str]] = {}
        for stage in self.stages:
            self._run_stage(stage, results, missing)
        for r in results:
            if isinstance(r, Article):
                r.work = Work()  # the working state (spaCy Docs) is never kept
        return results

    def _run_stage(self, stage: Stage, results: list[Result], missing: dict[int, set[str]]) -> None:
        """Run one stage over the batch's live documents, in place; on failure, one at a time."""
        langs = self.languages[stage.name]
        live: list[tuple[int, Article]] = []
        for i, r in enumerate(results):
            if not isinstance(r, Article):
                continue
            if langs is not None and r.language not in langs:
                continue  # an English-only stage on another language: not run, not failed
            if missing.get(i, set()) & set(stage.requires):
                missing[i].update(stage.assigns)
                log.debug("stage %s not run on %s: an earlier stage failed on it", stage.name, r.origin)
                continue
            live.append((i, r))
        if not live:
            return
        batch = [a for _, a in live]
        saved = [_snapshot(a, stage.assigns) for a in batch]
        try:
            started = time.monotonic()
            with time_limit(self.settings.max_stage_seconds, f"stage {stage.name} on a batch"):
                done = stage.process_batch(batch)
            log.debug("stage %s: %d documents in %.2f s", stage.name, len(batch), time.monotonic() - started)
            for (i, _), article in zip(live, done, strict=True):
                results[i] = article
            self._ran(stage, results, live, missing)
            return
        except Exception as exc:
            if len(live) == 1:  # nothing to tell apart: the one document failed (never run it twice)
                i, article = live[0]
                results[i] = self._failed(stage, article, exc, saved[0], missing.setdefault(i, set()))
                self._ran(stage, results, live, missing)
                return
            log.log(
                logging.INFO if isinstance(exc, InputError) else logging.WARNING,
                "stage %s failed on a batch of %d documents (%s); running them one at a time",
                stage.name,
                len(live),
                _describe(exc),
            )
        for (i, article), snap in zip(live, saved, strict=True):
            _restore(article, snap, stage.assigns)  # undo the batch's half-work
            results[i] = self._one(stage, article, missing.setdefault(i, set()))
        self._ran(stage, results, live, missing)

    @staticmethod
    def _ran(
        stage: Stage, results: list[Result], live: list[tuple[int, Article]], missing: dict[int, set[str]]
    ) -> None:
        """The record lists the stages that ran on it (a degraded stage did not)."""
        for i, _ in live:
            r = results[i]
            if isinstance(r, Article) and not (missing.get(i, set()) & set(stage.assigns)):
                r.stages.append(stage.name)

    def _one(self, stage: Stage, article: Article, missing: set[str]) -> Result:
        """Run ``stage`` on one document; a failure skips it or, with ``on_error = "degrade"``,
        keeps it as it was before the stage, with a warning naming the stage."""
        saved = _snapshot(article, stage.assigns)
        try:
            with time_limit(self.settings.max_stage_seconds, f"stage {stage.name}", article.origin):
                return stage.process_batch([article])[0]
        except Exception as exc:
            return self._failed(stage, article, exc, saved, missing)

    def _failed(
        self, stage: Stage, article: Article, exc: Exception, saved: dict[str, Any], missing: set[str]
    ) -> Result:
        if isinstance(exc, InputError):  # a decision about the input (language, size): never degraded
            _restore(article, saved, stage.assigns)
            return self._skipped(article, exc, stage.name)
        err = (
            exc
            if isinstance(exc, NewsgraphError)
            else StageError(f"stage {stage.name} failed: {_describe(exc)}", origin=article.origin)
        )
        if isinstance(err, BudgetError):
            err = BudgetError(
                f"stage {stage.name} ran past its budget of {self.settings.max_stage_seconds:g} s (max_stage_seconds)",
                origin=article.origin,
            )
        log.warning(
            "[%s] %s: %s (on_error=%s)", err.code, article.origin or article.id, err.message, self.settings.on_error
        )
        log.debug("traceback", exc_info=exc)
        if self.settings.on_error != "degrade":
            return self._skipped(article, err, stage.name)
        _restore(article, saved, stage.assigns)
        missing.update(stage.assigns)
        article.warnings.append(
            warning_text(err.code, stage.name, f"stage failed, document kept without it: {err.message}"[:500])
        )
        return article

    def _skipped(self, article: Article, exc: NewsgraphError, stage: str | None) -> Skipped:
        if isinstance(exc, InputError):  # a refusal, not a failure (stage failures are logged in _one)
            log.info("skipped [%s] %s: %s", exc.code, article.origin or article.id, exc.message)
        return Skipped(article.origin or article.id, exc.message, exc.code, stage)

    def analyze(self, article: Article) -> Article:
        """Process one document; raises the error (of its own class: E106 is a
        :class:`~newsgraph.errors.LanguageError`) that would have skipped it."""
        result = self.run([article])[0]
        if isinstance(result, Skipped):
            raise error_for(result.code, result.reason, origin=result.origin)
        return result


def _describe(exc: BaseException) -> str:
    if isinstance(exc, NewsgraphError):
        return exc.render()
    return f"{type(exc).__name__}: {exc}"[:500]


def _snapshot(article: Article, fields: Iterable[str]) -> dict[str, Any]:
    """Copies of the fields a stage assigns, to put back if it fails half-way."""
    out: dict[str, Any] = {}
    for name in fields:
        if name in _ARTICLE_FIELDS:
            value = getattr(article, name)
            out[name] = copy.copy(value)
        elif name in WORK_FIELDS:
            out[name] = getattr(article.work, name)
    out["warnings"] = list(article.warnings)
    return out


def _restore(article: Article, saved: dict[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in _ARTICLE_FIELDS:
            setattr(article, name, saved[name])
        elif name in saved:
            setattr(article.work, name, saved[name])
    article.warnings[:] = saved["warnings"]
