"""Run the pipeline on this machine: in-process for one worker, else a pool of
worker processes, each loading the models once and taking whole batches
(``nlp.pipe`` inside). At most two batches per worker are in flight, so memory
stays constant however long the input stream is.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

from ..config import Settings
from ..model import Article, Skipped
from . import Item, batched, failed_batch, run_inline

_PIPELINE = None


def _init(settings: Settings) -> None:
    global _PIPELINE
    # one core per worker: BLAS threads would fight the other workers
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from ..pipeline import Pipeline

    _PIPELINE = Pipeline(settings)
    _PIPELINE.setup()


def _work(batch: list[Article]) -> list[Article | Skipped]:
    assert _PIPELINE is not None
    return _PIPELINE.run(batch)


def run(items: Iterable[Item], settings: Settings) -> Iterator[Item]:
    workers = settings.worker_count
    if workers <= 1:
        from ..pipeline import Pipeline

        yield from run_inline(Pipeline(settings), items, settings.batch_size)
        return
    ctx = get_context("spawn")
    pending: deque[tuple[list[Item], Future[list[Article | Skipped]] | None]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init, initargs=(settings,)) as pool:
        for batch in batched(items, settings.batch_size):
            docs = [i for i in batch if isinstance(i, Article)]
            future = pool.submit(_work, docs) if docs else None
            pending.append((batch, future))
            while len(pending) >= workers * 2:
                yield from _collect(*pending.popleft())
        while pending:
            yield from _collect(*pending.popleft())


def _collect(batch: list[Item], future: Future[list[Article | Skipped]] | None) -> Iterator[Item]:
    try:
        done = future.result() if future is not None else []
    except Exception as exc:  # a worker died or its batch could not come back: lose that batch only
        yield from failed_batch(batch, exc, "a worker process")
        return
    results = iter(done)
    for item in batch:
        yield next(results) if isinstance(item, Article) else item
