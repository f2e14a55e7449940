"""Where the pipeline runs. ``local`` (default) uses worker processes on this
machine; ``spark`` distributes batches over a Spark cluster. Both take an
iterable of Articles/Skipped and yield results in input order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ..config import Settings
from ..model import Article, Skipped

Item = Article | Skipped


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


def run(items: Iterable[Item], settings: Settings, executor: str = "local") -> Iterator[Item]:
    return get(executor)(items, settings)
