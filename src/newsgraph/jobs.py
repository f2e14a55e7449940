"""The two jobs everything else wraps: analyze documents, and ingest them into a store.

Both stream: read -> (skip what is stored already) -> executor -> write/print,
counting what was skipped and why. Nothing here prints; callers pass a
``progress`` callback (the CLI draws a bar with it).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, TypeVar

from . import crossdoc, executors, ingest
from .config import Settings
from .errors import DuplicateIdError, warning_parts
from .ingest.decode import warn
from .model import Article, Skipped
from .pipeline import Pipeline
from .store import Store

if TYPE_CHECKING:
    from .stories.persist import StoryAssigner

Progress = Callable[[Article | Skipped], None]
T = TypeVar("T")

# Summary.seconds: where the main process of an ingest spends its time (always measured;
# a perf_counter pair per document and per batch costs nothing next to the work)
TIMINGS = (
    "read",  # reading and decoding the input
    "lookup",  # which documents are stored already (Store.stored_versions)
    "pipeline",  # waiting for the executor's results (worker processes; the stages themselves inline)
    "stories",  # story assignment (StoryAssigner.assign)
    "write",  # Store.write: the documents and their derived rows, one transaction per batch
    "story_write",  # the stories and memberships of the batch (StoryAssigner.flush)
    "crossdoc",  # merged events and entity ids (crossdoc.update)
    "repair",  # the repair pass over the run's stories at its end (StoryAssigner.repair), and its crossdoc
    "total",
)


@dataclass
class Summary:
    processed: int = 0
    stored: int = 0
    unchanged: int = 0  # already stored with the same content and pipeline
    skipped: list[Skipped] = field(default_factory=list)
    # documents kept with warnings (a stage failed in part, or in whole with on_error = "degrade")
    degraded: int = 0
    warnings: Counter[tuple[str, str]] = field(default_factory=Counter)  # (code, stage) -> count
    writes: int = 0  # batches written (each in its own transactions)
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(TIMINGS, 0.0))  # see TIMINGS

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
            "writes": self.writes,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "skipped_documents": [
                {"origin": s.origin, "code": s.code, "reason": s.reason, "stage": s.stage} for s in self.skipped
            ],
        }


def analyze(paths: Iterable[str | Path], settings: Settings, executor: str = "local") -> Iterator[Article | Skipped]:
    """Analyze documents; each record carries ``story``, clustered over the documents of this run."""
    from .stories import Clusterer, from_article

    executors.prepare(settings, executor)  # the workers load while the input is opened
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
    write_every: int | None = None,
    write_seconds: float | None = None,
) -> Summary:
    """Read, process and store; resumable and idempotent (see :mod:`newsgraph.store`).

    Documents are written in batches of ``write_every`` documents or ``write_seconds``
    seconds, whichever comes first (default: the settings of the same names; a time limit
    makes the batches, and so entity ids and the stories of documents out of date order,
    depend on timing)."""
    items = ingest.read(paths, settings.max_text_bytes)
    return ingest_articles(
        items,
        settings,
        store,
        executor=executor,
        progress=progress,
        write_every=write_every,
        write_seconds=write_seconds,
    )


def ingest_articles(
    articles: Iterable[Article | Skipped],
    settings: Settings,
    store: Store,
    *,
    executor: str = "local",
    progress: Progress | None = None,
    write_every: int | None = None,
    write_seconds: float | None = None,
    pipeline: Pipeline | None = None,
) -> Summary:
    """Process and store documents already read (see :func:`ingest_paths`).

    ``pipeline``: run this (already loaded) pipeline in this thread instead of the
    executor; :meth:`newsgraph.query.Graph.ingest` (the HTTP server) passes its own."""
    if pipeline is None:
        executors.prepare(settings, executor)  # the workers load while the store is read
    version = (pipeline or Pipeline(settings)).version
    batching = Batching(
        settings.write_every if write_every is None else write_every,
        settings.write_seconds if write_seconds is None else write_seconds,
    )
    return _ingest(articles, settings, store, version, Summary(), executor, progress, batching, pipeline)


@dataclass(frozen=True)
class Batching:
    """When the ingest writes: ``every`` documents, or once the oldest unwritten one has
    waited ``seconds`` (0: no time limit), whichever comes first."""

    every: int
    seconds: float

    def due(self, pending: int, waited: float) -> bool:
        return pending >= max(self.every, 1) or (self.seconds > 0 and waited >= self.seconds)


def _timed(items: Iterable[T], seconds: dict[str, float], key: str) -> Iterator[T]:
    """``items``, adding the time spent producing each one to ``seconds[key]``."""
    it = iter(items)
    while True:
        started = perf_counter()
        try:
            item = next(it)
        except StopIteration:
            seconds[key] += perf_counter() - started
            return
        seconds[key] += perf_counter() - started
        yield item


def _ingest(
    items: Iterable[Article | Skipped],
    settings: Settings,
    store: Store,
    version: str,
    summary: Summary,
    executor: str,
    progress: Progress | None,
    batching: Batching,
    pipeline: Pipeline | None = None,
) -> Summary:
    started = perf_counter()
    seconds = summary.seconds

    def fresh() -> Iterator[Article | Skipped]:
        # look up stored versions a chunk at a time, so memory stays flat
        chunk: list[Article | Skipped] = []

        def flush() -> Iterator[Article | Skipped]:
            looked = perf_counter()
            stored = store.stored_versions(a.id for a in chunk if isinstance(a, Article))
            seconds["lookup"] += perf_counter() - looked
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

        for item in _timed(items, seconds, "read"):
            chunk.append(item)
            if len(chunk) >= 256:
                yield from flush()
                chunk = []
        if chunk:
            yield from flush()

    from .stories.persist import StoryAssigner

    stories = StoryAssigner(store)

    def write(batch: list[Article]) -> None:
        t0 = perf_counter()
        stories.assign(batch)  # sets Article.story, so the stored record carries it
        t1 = perf_counter()
        # one bad document never loses the batch: the store writes the others and
        # reports that one (E402), which counts as skipped
        failed: list[Skipped] = []
        summary.stored += store.write(batch, version, failed=failed)
        t2 = perf_counter()
        stories.flush()
        t3 = perf_counter()
        crossdoc.update(store, [a.id for a in batch])  # merged events, entity ids (issue 11)
        t4 = perf_counter()
        seconds["stories"] += t1 - t0
        seconds["write"] += t2 - t1
        seconds["story_write"] += t3 - t2
        seconds["crossdoc"] += t4 - t3
        summary.writes += 1
        summary.skipped.extend(failed)
        if failed and progress:
            for item in failed:
                progress(item)

    if pipeline is None:
        results = executors.run(fresh(), settings, executor)
    else:
        results = executors.run_inline(pipeline, fresh(), settings.batch_size)
    pending: list[Article] = []
    oldest = 0.0  # when the first document of ``pending`` came back
    stories.sync(version)  # documents a killed run stored but did not give a story
    crossdoc.sync(store)  # documents a killed run stored but did not merge (issue 11)
    for result in _timed(results, seconds, "pipeline"):
        if isinstance(result, Skipped):
            summary.skipped.append(result)
        else:
            summary.count(result)
            pending.append(result)
            now = perf_counter()
            if len(pending) == 1:
                oldest = now
            if batching.due(len(pending), now - oldest):
                write(pending)
                pending = []
        if progress:
            progress(result)
    if pending:
        write(pending)
    repairing = perf_counter()
    if stories.repair()["documents_moved"]:  # the run's stories revised (issue 11)
        crossdoc.sync(store)  # merged events of the documents that moved
    seconds["repair"] = perf_counter() - repairing
    # the executor pulls the input through fresh(): its time is the read's and the lookup's
    seconds["pipeline"] = max(seconds["pipeline"] - seconds["read"] - seconds["lookup"], 0.0)
    seconds["total"] = perf_counter() - started
    return summary


def load_parquet(
    folder: str | Path,
    store: Store,
    *,
    progress: Progress | None = None,
    write_every: int = 64,
) -> Summary:
    """Load the output of the Spark job (``newsgraph spark-ingest``) into ``store``, so that the
    store equals one a local ``ingest`` of the same input builds: documents are written in
    input order, ``write_every`` at a time, each batch through what ``ingest`` runs on it
    (story assignment, which also sets the records' ``story``; the store's write; merged
    events and entity ids). A document already stored with the same content and pipeline
    version is left as it is (``unchanged``), so loading again adds no row; one stored with
    other content is replaced, with the warning a local ingest gives. The job's skipped
    documents come back in ``skipped``."""
    import pyarrow as pa

    from .executors.spark_job import SKIPPED, read_manifest
    from .store import SCHEMA_VERSION, TABLES
    from .stories.persist import StoryAssigner

    root = Path(folder)
    manifest = read_manifest(root)
    if int(manifest.get("schema_version", 0)) > SCHEMA_VERSION:
        from .errors import SchemaVersionError

        raise SchemaVersionError(
            f"written for store schema {manifest['schema_version']}, newer than this newsgraph's {SCHEMA_VERSION}",
            origin=str(root),
        )
    version = str(manifest["pipeline_version"])
    files = {t: sorted(p.as_posix() for p in (root / t).rglob("*.parquet")) for t in (*TABLES, SKIPPED)}
    summary = Summary()
    con = store.con

    def scan(table: str) -> str:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files[table])
        return f"read_parquet([{listed}], hive_partitioning = false, union_by_name = true)"

    if files[SKIPPED]:
        with store._lock:
            rows = con.execute(
                f"SELECT origin, reason, code, stage FROM {scan(SKIPPED)} ORDER BY input_file, input_record"
            ).fetchall()
        summary.skipped.extend(Skipped(*row) for row in rows)
        if progress:
            for item in summary.skipped:
                progress(item)
    if not files["documents"]:
        return summary
    with store._lock:
        order = con.execute(
            f"SELECT id, content_hash FROM {scan('documents')} ORDER BY input_file, input_record"
        ).fetchall()
    stored = store.stored_versions(i for i, _ in order)
    fresh: list[str] = []
    replaced: set[str] = set()
    seen: set[str] = set()
    for doc_id, content_hash in order:
        before = stored.get(doc_id)
        if before == (content_hash, version) or doc_id in seen:
            summary.unchanged += 1
            continue
        if before is not None and before[0] != content_hash:
            replaced.add(doc_id)
        seen.add(doc_id)
        fresh.append(doc_id)
    if not fresh:
        return summary
    batches = pa.table({"id": fresh, "batch": [i // write_every for i in range(len(fresh))]})
    staged = [t for t in TABLES if files[t]]
    stories = StoryAssigner(store)
    stories.sync(version)  # as ingest: documents a killed load stored but did not give a story
    crossdoc.sync(store)  # documents a killed run stored but did not merge (issue 11)
    try:
        with store._lock:
            con.register("_newsgraph_load_order", batches)
            for table in staged:
                key = "id" if table == "documents" else "doc_id"
                con.execute(
                    f"""CREATE OR REPLACE TEMP TABLE _newsgraph_load_{table} AS
                        SELECT p.*, o.batch AS _batch FROM {scan(table)} p
                        JOIN _newsgraph_load_order o ON p.{key} = o.id ORDER BY o.batch"""
                )
        for k in range(int(batches["batch"][-1].as_py()) + 1):
            _load_batch(store, k, staged, replaced, stories, summary, progress)
    finally:
        with store._lock:
            for table in staged:
                con.execute(f"DROP TABLE IF EXISTS _newsgraph_load_{table}")
            con.unregister("_newsgraph_load_order")
    if stories.repair()["documents_moved"]:  # as ingest: the loaded stories revised
        crossdoc.sync(store)
    return summary


def _load_batch(
    store: Store,
    k: int,
    staged: list[str],
    replaced: set[str],
    stories: StoryAssigner,
    summary: Summary,
    progress: Progress | None,
) -> None:
    """One batch of ``load_parquet``: stories, the rows (records carrying their story), crossdoc."""
    import pyarrow as pa

    con = store.con
    with store._lock:
        docs: Any = con.execute(
            """SELECT * EXCLUDE (_batch, input_file, input_record) FROM _newsgraph_load_documents
               WHERE _batch = ? ORDER BY input_file, input_record""",
            [k],
        ).to_arrow_table()
        derived = {
            t: con.execute(f"SELECT * EXCLUDE (_batch) FROM _newsgraph_load_{t} WHERE _batch = ?", [k]).to_arrow_table()
            for t in staged
            if t != "documents"
        }
    records = [json.loads(r) for r in docs["record"].to_pylist()]
    articles = [Article.from_record(r) for r in records]
    for article, rec in zip(articles, records, strict=True):
        if article.id in replaced:
            warn(
                article,
                DuplicateIdError(
                    "replaces the stored document with this id (other content)", origin=article.origin or article.id
                ),
            )
            rec["metadata"] = article.metadata
        summary.count(article)
    stories.assign(articles)  # sets Article.story, so the stored record carries it
    for article, rec in zip(articles, records, strict=True):
        rec["story"] = article.story
    columns = {
        "record": [json.dumps(r, ensure_ascii=False, default=str) for r in records],
        "metadata": [json.dumps(a.metadata, default=str) for a in articles],
    }
    for name, values in columns.items():
        docs = docs.set_column(docs.schema.get_field_index(name), name, pa.array(values, pa.string()))
    ids = [a.id for a in articles]
    failed: list[Skipped] = []
    origins = {a.id: a.origin or a.id for a in articles}
    summary.stored += store.write_tables(ids, {"documents": docs, **derived}, origins, failed=failed)
    stories.flush()
    crossdoc.update(store, ids)  # merged events, entity ids (issue 11)
    summary.skipped.extend(failed)
    if progress:
        for article in articles:
            progress(article)
        for item in failed:
            progress(item)
