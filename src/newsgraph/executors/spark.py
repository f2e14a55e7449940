"""Run the pipeline on Apache Spark, for corpora that outgrow one machine.

Batches of Articles are distributed as an RDD; each Spark Python worker builds
the pipeline once (per process, cached in a module global) and runs
``Pipeline.run`` over its batches, so the code path is exactly the local
executor's. Results come back to the driver in input order, one window of
batches at a time, so the driver's memory stays bounded however long the
input stream is and the store is written as results arrive.

The Spark master comes from ``NEWSGRAPH_SPARK_MASTER`` (default ``local[*]``),
or an active SparkSession is reused.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from ..model import Article, Skipped
from . import Item, batched, failed_batch

_PIPELINES: dict[str, Any] = {}
WINDOW = 64  # batches per Spark job


def pipeline_for(settings: Settings) -> Any:
    """This worker's pipeline for ``settings``: built and set up on first use, then kept
    (Spark reuses its Python workers, so models and tables load once per worker)."""
    key = repr(settings)
    if key not in _PIPELINES:
        from ..pipeline import Pipeline

        pipeline = Pipeline(settings)
        pipeline.setup()
        _PIPELINES[key] = pipeline
    return _PIPELINES[key]


def _run_partition(
    settings: Settings, batches: Iterable[tuple[int, list[Article]]]
) -> Iterator[tuple[int, list[Article | Skipped]]]:
    pipeline = pipeline_for(settings)
    for index, batch in batches:
        yield index, pipeline.run(batch)


def session(master: str | None = None) -> Any:
    """The active SparkSession, or a new one on ``master`` (default ``NEWSGRAPH_SPARK_MASTER``,
    else ``local[*]``). An active session on another master than the one asked for is stopped
    first. A ``local[N]`` master becomes ``local[N,4]``: Spark retries a failed task locally
    only when told how often, and on a cluster it retries each task up to 4 times
    (``spark.task.maxFailures``), so local runs fail over the same way."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(
            "the spark executor needs PySpark: pip install 'newsgraph[spark]'", origin="executor"
        ) from exc
    wanted = with_retries(master) if master else None
    active = SparkSession.getActiveSession()
    if active is not None:
        if wanted is None or active.sparkContext.master == wanted:
            return active
        active.stop()
    wanted = wanted or with_retries(os.environ.get("NEWSGRAPH_SPARK_MASTER", "local[*]"))
    # workers must run the interpreter that has newsgraph and its models installed
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(wanted)
        .appName("newsgraph")
        .config("spark.ui.enabled", "false")
        .config("spark.python.worker.reuse", "true")
    )
    java = os.environ.get("NEWSGRAPH_SPARK_JAVA_OPTIONS", LOCAL_JAVA_OPTIONS)
    if wanted.startswith("local") and java:
        builder = builder.config("spark.driver.extraJavaOptions", java)
    return builder.getOrCreate()


# On a local master the JVM only schedules and shuffles, and the work is in the Python
# workers on the same cores: the client compiler alone and one GC thread halve the CPU the
# JVM takes to start (12 -> 6 CPU seconds measured on 2 cores), which the workers get
# instead. NEWSGRAPH_SPARK_JAVA_OPTIONS replaces these (empty: the JVM's defaults).
LOCAL_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1"


def with_retries(master: str, failures: int = 4) -> str:
    """``local`` / ``local[N]`` / ``local[*]`` with a number of task failures allowed; any other master as is."""
    m = re.fullmatch(r"local(?:\[(\d+|\*)\])?", master.strip())
    if not m:
        return master
    return f"local[{m.group(1) or 1},{failures}]"


def run(items: Iterable[Item], settings: Settings) -> Iterator[Item]:
    settings = settings.with_(workers=1)  # Spark owns the parallelism
    sc = session().sparkContext
    window: list[tuple[int, list[Item]]] = []
    for index, batch in enumerate(batched(items, settings.batch_size)):
        window.append((index, batch))
        if len(window) >= WINDOW:
            yield from _window(sc, settings, window)
            window = []
    if window:
        yield from _window(sc, settings, window)


def _window(sc: Any, settings: Settings, window: list[tuple[int, list[Item]]]) -> Iterator[Item]:
    work = [(i, [a for a in batch if isinstance(a, Article)]) for i, batch in window]
    rdd = sc.parallelize([w for w in work if w[1]], numSlices=max(1, min(len(work), sc.defaultParallelism)))
    try:
        done = dict(rdd.mapPartitions(lambda part: _run_partition(settings, part)).collect())
    except Exception as exc:  # a lost executor or a failed task: this window's documents only
        for _, batch in window:
            yield from failed_batch(batch, exc, "a Spark job")
        return
    for index, batch in window:
        results = iter(done.get(index, []))
        for item in batch:
            yield next(results) if isinstance(item, Article) else item


# -- stories ---------------------------------------------------------------------------
def _cluster_block(block: tuple[int, list[Any]]) -> tuple[int, list[tuple[str, str, float]]]:
    from ..stories import stream

    index, docs = block
    return index, [(a.doc_id, a.story_id, a.score) for a in stream(docs)]


def cluster_stories(docs: Iterable[Any], block_days: float | None = None) -> list[Any]:
    """Story clustering on Spark, for corpora beyond one machine (``docs``: StoryDocs).

    Documents are partitioned by time block (``block_days``, default four windows), and
    each block, with the window of documents before it as warm-up, is clustered on a
    worker by exactly the local streaming assignment (:func:`newsgraph.stories.stream`,
    publication order). The driver stitches the blocks in order: a story of a block that
    holds warm-up documents continues the story those documents had in the block before,
    otherwise it keeps its own id (a hash of its first document, as locally). Undated
    documents form one block of their own. Returns Assignments in publication order.
    """
    from ..stories import Assignment, by_date
    from ..stories.weights import load

    ordered = by_date(docs)
    window = load().window_days
    block_days = block_days or 4 * window
    dated = [d for d in ordered if d.published]
    blocks: dict[int, list[Any]] = {}
    own: dict[int, set[str]] = {}
    if dated:
        day0 = dated[0].published
        assert day0 is not None
        for d in dated:
            assert d.published is not None
            offset = (d.published - day0).days
            b = int(offset // block_days)
            blocks.setdefault(b, []).append(d)
            own.setdefault(b, set()).add(d.id)
            nxt = int((offset + window) // block_days)  # also warm-up of the next block when within a window of it
            if nxt != b:
                blocks.setdefault(nxt, []).append(d)
    undated = [d for d in ordered if not d.published]
    if undated:
        key = max(blocks, default=-1) + 1
        blocks[key] = undated
        own[key] = {d.id for d in undated}
    sc = session().sparkContext
    work = sorted(blocks.items())
    done = dict(sc.parallelize(work, numSlices=max(1, len(work))).map(_cluster_block).collect())
    final: dict[str, tuple[str, float]] = {}
    for b, _ in work:
        rows = done[b]
        mine = own.get(b, set())
        continued: dict[str, str] = {}
        for doc_id, sid, _score in rows:
            if doc_id not in mine and doc_id in final and sid not in continued:
                continued[sid] = final[doc_id][0]  # the earliest warm-up member decides
        for doc_id, sid, score in rows:
            if doc_id in mine:
                final[doc_id] = (continued.get(sid, sid), score)
    return [Assignment(d.id, final[d.id][0], final[d.id][1], False) for d in ordered]
