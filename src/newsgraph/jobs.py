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

    @property
    def reasons(self) -> dict[str, int]:
        return dict(Counter(s.code for s in self.skipped))

    def to_dict(self) -> dict[str, object]:
        return {
            "processed": self.processed,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "skipped_by_code": self.reasons,
            "skipped_documents": [{"origin": s.origin, "code": s.code, "reason": s.reason} for s in self.skipped],
        }


def analyze(paths: Iterable[str | Path], settings: Settings, executor: str = "local") -> Iterator[Article | Skipped]:
    items = ingest.read(paths, settings.max_text_bytes)
    merger = crossdoc.StreamMerger()  # each event's event_id, within the run's stories (issue 11)
    for item in executors.run(items, settings, executor):
        if isinstance(item, Article):
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
) -> Summary:
    """Process and store documents already read (see :func:`ingest_paths`)."""
    version = Pipeline(settings).version
    return _ingest(articles, settings, store, version, Summary(), executor, progress, write_every)


def _ingest(
    items: Iterable[Article | Skipped],
    settings: Settings,
    store: Store,
    version: str,
    summary: Summary,
    executor: str,
    progress: Progress | None,
    write_every: int,
) -> Summary:
    def fresh() -> Iterator[Article | Skipped]:
        # look up stored versions a chunk at a time, so memory stays flat
        chunk: list[Article | Skipped] = []

        def flush() -> Iterator[Article | Skipped]:
            stored = store.stored_versions(a.id for a in chunk if isinstance(a, Article))
            seen: set[str] = set()
            for item in chunk:
                if isinstance(item, Article):
                    if stored.get(item.id) == (item.content_hash, version) or item.id in seen:
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

    pending: list[Article] = []
    crossdoc.sync(store)  # documents a killed run stored but did not merge (issue 11)
    for result in executors.run(fresh(), settings, executor):
        if isinstance(result, Skipped):
            summary.skipped.append(result)
        else:
            summary.processed += 1
            pending.append(result)
            if len(pending) >= write_every:
                summary.stored += store.write(pending, version)
                crossdoc.update(store, [a.id for a in pending])  # merged events, entity ids (issue 11)
                pending = []
        if progress:
            progress(result)
    if pending:
        summary.stored += store.write(pending, version)
        crossdoc.update(store, [a.id for a in pending])  # merged events, entity ids (issue 11)
    return summary
