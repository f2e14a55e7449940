"""The local executor's worker processes: forked from a fork server holding a loaded pipeline."""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from newsgraph import config
from newsgraph.executors import local
from newsgraph.model import Article

pytestmark = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no forkserver start method here"
)


def _uses_template(_: object) -> tuple[int, bool]:
    template = sys.modules.get("newsgraph.executors.template")
    return os.getpid(), template is not None and local._PIPELINE is template.PIPELINE


def test_workers_share_the_template_loaded_for_their_settings() -> None:
    settings = config.load(workers=2, batch_size=1, stages=("clean", "language", "parse", "entities"))
    text = "The U.N. said on Friday that talks in Geneva would resume next week."
    results = list(local.run([Article(id=str(i), text=text) for i in range(4)], settings))
    assert [type(r).__name__ for r in results] == ["Article"] * 4
    assert all(r.entities for r in results if isinstance(r, Article))
    assert "NEWSGRAPH_WORKER_TEMPLATE" not in os.environ  # set only while the fork server starts
    ctx = local._context(settings)
    with ProcessPoolExecutor(2, mp_context=ctx, initializer=local._init, initargs=(settings,)) as pool:
        assert all(used for _, used in pool.map(_uses_template, range(4)))
    # other settings: the fork server is started again, with their template
    other = config.load(workers=2, batch_size=1, stages=("clean", "language"))
    with ProcessPoolExecutor(1, mp_context=local._context(other), initializer=local._init, initargs=(other,)) as pool:
        assert all(used for _, used in pool.map(_uses_template, range(1)))
    # a worker whose template was loaded for other settings loads its own pipeline
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=local._init, initargs=(settings,)) as pool:
        assert not any(used for _, used in pool.map(_uses_template, range(1)))
    local.stop_fork_server()  # and its memory is given back
    assert local._SERVED is None


def test_prepare_starts_the_template_that_the_run_then_uses() -> None:
    from multiprocessing import forkserver

    from newsgraph import executors

    local.stop_fork_server()
    settings = config.load(workers=2, batch_size=1, stages=("clean", "language", "parse", "entities"))
    executors.prepare(settings)  # what `newsgraph ingest` calls before it opens the store
    assert settings == local._SERVED
    server = forkserver._forkserver._forkserver_pid
    assert server is not None
    executors.prepare(settings)  # idempotent: the same server
    text = "The U.N. said on Friday that talks in Geneva would resume next week."
    results = list(local.run([Article(id=str(i), text=text) for i in range(2)], settings))
    assert all(isinstance(r, Article) and r.entities for r in results)
    assert forkserver._forkserver._forkserver_pid == server  # the run forked from it, started no other
    executors.prepare(config.load(workers=1))  # one worker: nothing to start
    assert settings == local._SERVED
    local.stop_fork_server()
