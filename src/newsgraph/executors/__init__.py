"""Where the pipeline runs. ``local`` (default) uses worker processes on this
machine; ``spark`` distributes batches over a Spark cluster. Both take an
iterable of Articles/Skipped and yield results in input order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..config import Settings
from ..model import Article, Skipped

Item = Article | Skipped
log = logging.getLogger(__name__)


def get(name: str = "local") -> Callable[[Iterable[Item], Settings], Iterator[Item]]:
    if name in ("local", "spark"):
        import importlib

        module = importlib.import_module(f"{__name__}.{name}")
        return module.run  # type: ignore[no-any-return]
    from ..errors import ConfigError

    raise ConfigError(f"unknown executor {name!r} (local, spark)", origin="executor")


def batched(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def prepare(settings: Settings, executor: str = "local") -> None:
    """Start what the executor loads before its first document, now: the local
    executor's worker template (a fork server loading the pipeline) begins while the
    caller opens its store and reads its input, instead of after. Optional; idempotent."""
    if executor == "local":
        from . import local

        local.prepare(settings)


def run(items: Iterable[Item], settings: Settings, executor: str = "local") -> Iterator[Item]:
    return get(executor)(items, settings)


def run_inline(pipeline: Any, items: Iterable[Item], batch_size: int) -> Iterator[Item]:
    """Run an already loaded :class:`~newsgraph.pipeline.Pipeline` in this thread, batch by batch."""
    for batch in batched(items, batch_size):
        docs = [i for i in batch if isinstance(i, Article)]
        results = iter(pipeline.run(docs) if docs else [])
        for item in batch:
            yield next(results) if isinstance(item, Article) else item


def failed_batch(batch: list[Item], exc: BaseException, where: str) -> list[Item]:
    """A batch whose worker failed as a whole (crashed, killed, unpicklable result): logged,
    and each of its documents reported skipped with E300, so the job goes on."""
    from ..errors import StageError

    docs = [i for i in batch if isinstance(i, Article)]
    log.warning("a batch of %d documents failed in %s: %s: %s", len(docs), where, type(exc).__name__, exc)
    message = f"its batch failed in {where}: {type(exc).__name__}: {exc}"[:500]
    return [Skipped(i.origin or i.id, message, StageError.code) if isinstance(i, Article) else i for i in batch]
