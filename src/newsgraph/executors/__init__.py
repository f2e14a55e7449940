"""Where the pipeline runs. ``local`` (default) uses worker processes on this
machine; ``spark`` distributes batches over a Spark cluster. Both take an
iterable of Articles/Skipped and yield results in input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..config import Settings
from ..model import Article, Skipped

Item = Article | Skipped


def get(name: str = "local"):  # type: ignore[no-untyped-def]
    if name == "local":
        from .local import run

        return run
    if name == "spark":
        from .spark import run

        return run
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


def run(items: Iterable[Item], settings: Settings, executor: str = "local") -> Iterator[Item]:
    return get(executor)(items, settings)  # type: ignore[no-any-return]
