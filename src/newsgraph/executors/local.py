"""Run the pipeline on this machine: in-process for one worker, else a pool of
worker processes, each loading the models once and taking whole batches
(``nlp.pipe`` inside). At most two batches per worker are in flight, so memory
stays constant however long the input stream is.

Workers are forked from a fork server that has loaded the pipeline once
(:mod:`newsgraph.executors.template`), where the ``forkserver`` start method exists;
elsewhere each is spawned and loads its own.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from multiprocessing.context import BaseContext

from ..config import Settings
from ..errors import ConfigError, NewsgraphError
from ..model import Article, Skipped
from . import Item, batched, failed_batch, run_inline

_PIPELINE = None
_INIT_ERROR: NewsgraphError | None = None
_SERVED: Settings | None = None  # the settings of the fork server's template, when this process started it


def _init(settings: Settings) -> None:
    global _PIPELINE, _INIT_ERROR
    template = sys.modules.get(f"{__package__}.template")
    if template is not None and template.PIPELINE is not None and settings == template.SETTINGS:
        _PIPELINE = template.PIPELINE  # forked from the fork server's loaded pipeline
        return
    # one core per worker: BLAS threads would fight the other workers
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from ..pipeline import Pipeline

    try:
        _PIPELINE = Pipeline(settings)
        _PIPELINE.setup()
    except NewsgraphError as exc:
        # kept for the first batch to raise: an initializer that raises only breaks the pool,
        # while this comes back to the parent as itself (a ConfigError E010, not BrokenProcessPool)
        _INIT_ERROR = exc


def _work(batch: list[Article]) -> list[Article | Skipped]:
    if _INIT_ERROR is not None:
        raise _INIT_ERROR
    assert _PIPELINE is not None
    return _PIPELINE.run(batch)


def run(items: Iterable[Item], settings: Settings) -> Iterator[Item]:
    workers = settings.worker_count
    if workers <= 1:
        from ..pipeline import Pipeline

        yield from run_inline(Pipeline(settings), items, settings.batch_size)
        return
    ctx = _context(settings)
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


def prepare(settings: Settings) -> None:
    """Start the fork server for ``settings`` now (see :func:`_context`)."""
    if settings.worker_count > 1:
        _context(settings)


def _context(settings: Settings) -> BaseContext:
    """Fork workers from a fork server that has loaded the pipeline for ``settings``
    (started here, with the settings in its environment; one started for other
    settings is stopped first), or spawn them where there is no fork server."""
    global _SERVED
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return get_context("spawn")
    from multiprocessing import forkserver

    from . import template

    ctx = get_context("forkserver")
    if _SERVED is not None and settings != _SERVED:
        stop_fork_server()  # else its workers would load their own
    # only the template, which limits BLAS threads before it imports numpy (a process
    # that forks should have no other threads); each worker imports the main module
    # itself after the fork, as a spawned worker did
    ctx.set_forkserver_preload([template.__name__])
    added = template.environ(settings)
    os.environ.update(added)
    try:
        forkserver.ensure_running()  # returns at once; the server loads while this process reads
    finally:
        for name in added:
            os.environ.pop(name, None)
    _SERVED = settings
    return ctx


def stop_fork_server() -> None:
    """Stop the fork server this process started (it holds a loaded pipeline until the
    process exits otherwise), and wait for it: its workers' resource use then counts in
    ``resource.getrusage(RUSAGE_CHILDREN)``. Does nothing where there is none."""
    global _SERVED
    if _SERVED is None:
        return
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # the standard library's own, for its tests
    if stop is not None:
        stop()
        _SERVED = None


def _collect(batch: list[Item], future: Future[list[Article | Skipped]] | None) -> Iterator[Item]:
    try:
        done = future.result() if future is not None else []
    except ConfigError:  # the run can't work at all (no such model): stop, with the worker's own error
        raise
    except Exception as exc:  # a worker died or its batch could not come back: lose that batch only
        yield from failed_batch(batch, exc, "a worker process")
        return
    results = iter(done)
    for item in batch:
        yield next(results) if isinstance(item, Article) else item
