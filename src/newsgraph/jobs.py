"""The two jobs everything else wraps: analyze documents, and ingest them into a store.

Both stream: read -> (skip what is stored already) -> executor -> write/print,
counting what was skipped and why. Nothing here prints; callers pass a
``progress`` callback (the CLI draws a bar with it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import crossdoc, executors, ingest
from .config import Settings
from .errors import DuplicateIdError, warning_parts
from .ingest.decode import warn
from .model import Article, Skipped
from .pipeline import Pipeline
from .store import Store

Progress = Callable[[Article | Skipped], None]


@dataclass
class Summary:
    processed: int = 0
    stored: int = 0
    unchanged: int = 0  # already stored with the same content and pipeline
    skipped: list[Skipped] = field(default_factory=list)
    # documents kept with warnings (a stage failed in part, or in whole with on_error = "degrade")
    degraded: int = 0
    warnings: Counter[tuple[str, str]] = field(default_factory=Counter)  # (code, stage) -> count

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(s.code for s in self.skipped))

    @property
    def skipped_by_stage(self) -> dict[str, int]:
        return dict(Counter(s.stage or "-" for s in self.skipped))

    def count(self, article: Article) -> None:
        """Count a processed document and its warnings."""
        self.processed += 1
        if article.warnings:
            self.degraded += 1
            self.warnings.update(warning_parts(w) for w in article.warnings)

    def to_dict(self) -> dict[str, object]:
        by_code: Counter[str] = Counter()
        by_stage: Counter[str] = Counter()
        for (code, stage), n in self.warnings.items():
            by_code[code] += n
            by_stage[stage] += n
        return {
            "processed": self.processed,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "skipped_by_code": self.reasons,
            "skipped_by_stage": self.skipped_by_stage,
            "degraded": self.degraded,
            "warnings_by_code": dict(by_code),
            "warnings_by_stage": dict(by_stage),
            "skipped_documents": [
                {"origin": s.origin, "code": s.code, "reason": s.reason, "stage": s.stage} for s in self.skipped
            ],
        }


def analyze(paths: Iterable[str | Path], settings: Settings, executor: str = "local") -> Iterator[Article | Skipped]:
    """Analyze documents; each record carries ``story``, clustered over the documents of this run."""
    from .stories import Clusterer, from_article

    items = ingest.read(paths, settings.max_text_bytes)
    clusterer = Clusterer()
    merger = crossdoc.StreamMerger()  # each event's event_id, within the run's stories (issue 11)
    for item in executors.run(items, settings, executor):
        if isinstance(item, Article):
            item.story = clusterer.assign(from_article(item)).story_id
            merger.add(item)
        yield item


def ingest_paths(
    paths: Iterable[str | Path],
    settings: Settings,
    store: Store,
    *,
    executor: str = "local",
    progress: Progress | None = None,
    write_every: int = 64,
) -> Summary:
    """Read, process and store; resumable and idempotent (see :mod:`newsgraph.store`)."""
    items = ingest.read(paths, settings.max_text_bytes)
    return ingest_articles(items, settings, store, executor=executor, progress=progress, write_every=write_every)


def ingest_articles(
    articles: Iterable[Article | Skipped],
    settings: Settings,
    store: Store,
    *,
    executor: str = "local",
    progress: Progress | None = None,
    write_every: int = 64,
    pipeline: Pipeline | None = None,
) -> Summary:
    """Process and store documents already read (see :func:`ingest_paths`).

    ``pipeline``: run this (already loaded) pipeline in this thread instead of the
    executor; :meth:`newsgraph.query.Graph.ingest` (the HTTP server) passes its own."""
    version = (pipeline or Pipeline(settings)).version
    return _ingest(articles, settings, store, version, Summary(), executor, progress, write_every, pipeline)


def _ingest(
    items: Iterable[Article | Skipped],
    settings: Settings,
    store: Store,
    version: str,
    summary: Summary,
    executor: str,
    progress: Progress | None,
    write_every: int,
    pipeline: Pipeline | None = None,
) -> Summary:
    def fresh() -> Iterator[Article | Skipped]:
        # look up stored versions a chunk at a time, so memory stays flat
        chunk: list[Article | Skipped] = []

        def flush() -> Iterator[Article | Skipped]:
            stored = store.stored_versions(a.id for a in chunk if isinstance(a, Article))
            seen: set[str] = set()
            for item in chunk:
                if isinstance(item, Article):
                    before = stored.get(item.id)
                    if before is not None and before[0] != item.content_hash:
                        # an id stored by an earlier run, with other content: an updated
                        # version of the document, which replaces the stored one (said)
                        warn(
                            item,
                            DuplicateIdError(
                                "replaces the stored document with this id (other content)",
                                origin=item.origin or item.id,
                            ),
                        )
                    if before == (item.content_hash, version) or item.id in seen:
                        summary.unchanged += 1
                        if progress:
                            progress(item)
                        continue
                    seen.add(item.id)
                yield item

        for item in items:
            chunk.append(item)
            if len(chunk) >= 256:
                yield from flush()
                chunk = []
        if chunk:
            yield from flush()

    from .stories.persist import StoryAssigner

    stories = StoryAssigner(store)

    def write(batch: list[Article]) -> None:
        stories.assign(batch)  # sets Article.story, so the stored record carries it
        # one bad document never loses the batch: the store writes the others and
        # reports that one (E402), which counts as skipped
        failed: list[Skipped] = []
        summary.stored += store.write(batch, version, failed=failed)
        stories.flush()
        crossdoc.update(store, [a.id for a in batch])  # merged events, entity ids (issue 11)
        summary.skipped.extend(failed)
        if failed and progress:
            for item in failed:
                progress(item)

    if pipeline is None:
        results = executors.run(fresh(), settings, executor)
    else:
        results = executors.run_inline(pipeline, fresh(), settings.batch_size)
    pending: list[Article] = []
    crossdoc.sync(store)  # documents a killed run stored but did not merge (issue 11)
    for result in results:
        if isinstance(result, Skipped):
            summary.skipped.append(result)
        else:
            summary.count(result)
            pending.append(result)
            if len(pending) >= write_every:
                write(pending)
                pending = []
        if progress:
            progress(result)
    if pending:
        write(pending)
    return summary
