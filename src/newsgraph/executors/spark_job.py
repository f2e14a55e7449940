"""The Spark ingest job: files in, partitioned Parquet of every table out (docs/spark.md).

Where :mod:`.spark` (``--executor spark``) reads on the driver and brings every result
back to it, this job keeps the documents on the executors from reading to writing:

1. The driver lists the input (files and folders, as :func:`newsgraph.ingest.read`
   walks them: JSON Lines, WARC/ARC, HTML, text; Common Crawl News ``CC-NEWS/YYYY/MM/``
   is a folder of WARC files). A plain JSON Lines file larger than the split size is
   cut into byte ranges, each read by its own task (a line belongs to the range it
   starts in; a first small job counts the newlines of each range so that origins read
   ``file:line`` as in a local run); any other file is one task.
2. Read tasks turn their input into Articles (or Skipped entries: a bad line, a damaged
   WARC record) with the readers a local run uses, each keyed by its id and its place in
   the input (file number, line or record number).
3. One shuffle spreads the documents over ``partitions`` partitions by a hash of their
   id and sorts each partition by (id, place): copies of one id meet, the first read is
   kept and a later one with other content is skipped (E110), as a local run does; and
   the work is balanced whatever the input files' sizes (one WARC file of 40,000 pages
   is not one task).
4. Each partition's task runs the pipeline (loaded once per Python worker and kept:
   workers are reused) over its documents in batches, turns each result into the rows
   of every table with :func:`newsgraph.store.article_rows` (the code ``Store.write``
   uses) and writes them as Parquet with the store's column types, under a folder of its
   own attempt. Only the driver moves files into place, and only those of the attempt
   whose result it received: a task that fails part-way (or a speculative copy) leaves
   nothing behind, and its retry writes the same rows again (rows are deterministic;
   ``ingested_at`` is the job's start), so the output never holds a row twice.

Output (``out``): ``<table>/month=YYYY-MM/part-PPPPP-CCC.parquet`` for ``documents`` and
each derived table (``month`` of the publication date, ``unknown`` without one),
``skipped/part-*.parquet`` (origin, code, reason, stage), and ``_newsgraph.json`` (the
pipeline version, row counts, what was read). ``newsgraph load-parquet`` loads it into a
store; DuckDB reads it in place with ``read_parquet('out/events/**/*.parquet',
hive_partitioning = true)``.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import re
import shutil
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ConfigError, DuplicateIdError, InputError, StageError
from ..model import Article, Skipped
from .spark import pipeline_for

log = logging.getLogger(__name__)

MANIFEST = "_newsgraph.json"
TEMPORARY = "_temporary"
SKIPPED = "skipped"
UNKNOWN_MONTH = "unknown"
FAIL_ONCE = "newsgraph.test.fail_once"  # local property: a partition whose first attempt fails (tests)
CHUNK_DOCS = 2000  # documents per Parquet file a task writes (bounds a task's memory)
MIN_SPLIT = 1 << 20
MAX_SPLIT = 128 << 20

Key = tuple[str, int, int]  # (document id, or "" for a Skipped entry; file number; line or record number)


@dataclass(frozen=True)
class Part:
    """One read task: a whole file, or the lines of a JSON Lines file that start in [start, end)."""

    file: int
    path: str
    whole: bool = True
    start: int = 0
    end: int = 0
    newlines_before: int = 0


@dataclass
class JobResult:
    """What a job wrote (also the manifest ``_newsgraph.json``, with ``tables`` as row counts)."""

    out: str
    master: str
    pipeline_version: str
    schema_version: int
    inputs: list[str]
    files: int
    parts: int
    partitions: int
    documents: int
    skipped: int
    skipped_by_code: dict[str, int]
    duplicates: int
    tables: dict[str, int]
    seconds: float
    created: str
    retried_partitions: int = 0  # partitions whose output came from a second (or later) attempt
    # the analysis stage: from its first task's start to its last task's end, and the sum of its
    # tasks' times (their ratio: how many tasks ran at once on average)
    analysis_seconds: float = 0.0
    task_seconds: float = 0.0
    newsgraph: str = ""
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- driver: planning -------------------------------------------------------------------
def list_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """The input files in reading order (as a local ``ingest`` reads them)."""
    from ..ingest import iter_files

    files: list[Path] = []
    for item in iter_files(paths):
        if not isinstance(item, Path):
            raise ConfigError("the Spark job reads files and folders, not standard input ('-')", origin="spark-ingest")
        files.append(item)
    return files


def plan(files: list[Path], split_bytes: int) -> list[Part]:
    """Read tasks: plain JSON Lines files over ``split_bytes`` in byte ranges, every other file whole."""
    from ..ingest import is_jsonl

    parts: list[Part] = []
    for i, path in enumerate(files):
        size = _size(path) if is_jsonl(path) and not path.name.lower().endswith(".gz") else 0
        if size <= split_bytes:
            parts.append(Part(i, str(path)))
            continue
        n = math.ceil(size / split_bytes)
        bounds = [k * size // n for k in range(n + 1)]
        parts.extend(Part(i, str(path), False, a, b) for a, b in itertools.pairwise(bounds))
    return parts


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read whole: the reader reports it


def split_size(files: list[Path], partitions: int) -> int:
    total = sum(_size(p) for p in files)
    return max(MIN_SPLIT, min(MAX_SPLIT, total // max(1, partitions)))


def _count(part: Part) -> tuple[Part, int]:
    from ..ingest import count_newlines

    try:
        return part, count_newlines(Path(part.path), part.start, part.end)
    except InputError:
        return part, 0  # the read task reports the file


def number_lines(sc: Any, parts: list[Part]) -> list[Part]:
    """Each JSON Lines range with the count of newlines before it (one small Spark job)."""
    ranges = [p for p in parts if not p.whole]
    if not ranges:
        return parts
    counts = dict(sc.parallelize(ranges, len(ranges)).map(_count).collect())
    before: dict[int, int] = {}
    out = []
    for p in parts:
        if not p.whole:
            seen = before.get(p.file, 0)
            before[p.file] = seen + counts[p]
            p = Part(p.file, p.path, False, p.start, p.end, seen)
        out.append(p)
    return out


# -- executors: reading ------------------------------------------------------------------
def read_part(part: Part, max_bytes: int) -> Iterator[tuple[Key, Article | Skipped]]:
    """The documents of one read task, each keyed by id and place in the input."""
    from ..ingest import read_jsonl_part, read_path

    path = Path(part.path)
    items: Iterator[tuple[int, Article | Skipped]]
    if part.whole:
        items = enumerate(read_path(path, max_bytes))
    else:
        items = read_jsonl_part(path, part.start, part.end, part.newlines_before, max_bytes)
    last = part.start
    try:
        for n, item in items:
            last = n
            yield (item.id if isinstance(item, Article) else "", part.file, n), item
    except InputError as exc:  # the rest of this range can't be read (a line far over the cap)
        yield ("", part.file, last + 1), Skipped(exc.origin or part.path, exc.message, exc.code)


def bucket(key: Key) -> int:
    """A stable hash (the same on every worker, unlike ``hash``) of a document id."""
    return zlib.crc32((key[0] or f"{key[1]}:{key[2]}").encode("utf-8", "surrogatepass"))


def first_of_each_id(
    items: Iterable[tuple[Key, Article | Skipped]], duplicates: Counter[str]
) -> Iterator[tuple[Key, Article | Skipped]]:
    """Items sorted by key: the first document read of each id; a later one with other content
    becomes a Skipped E110 (the message a local run gives), one with the same content is
    dropped (counted in ``duplicates``)."""
    first: Article | None = None
    for key, item in items:
        if not isinstance(item, Article):
            yield key, item
            continue
        if first is None or first.id != item.id:
            first = item
            yield key, item
        elif item.content_hash != first.content_hash:
            err = DuplicateIdError(
                f"id {item.id!r} was already read from {first.origin or '?'} with other content: the first is kept",
                origin=item.origin,
            )
            yield key, Skipped(item.origin or item.id, err.message, err.code)
        else:
            duplicates["duplicates"] += 1


# -- executors: the pipeline, once per Python worker (executors.spark.pipeline_for) --------


_SCHEMAS: dict[str, Any] = {}


def schemas() -> dict[str, Any]:
    """Arrow schemas of the files: the store's tables (documents with its place in the input), and ``skipped``."""
    if not _SCHEMAS:
        import pyarrow as pa

        from ..store import arrow_schemas

        tables = arrow_schemas()
        place = [pa.field("input_file", pa.int32()), pa.field("input_record", pa.int64())]
        tables["documents"] = pa.schema([*tables["documents"], *place])
        tables[SKIPPED] = pa.schema([pa.field(c, pa.string()) for c in ("origin", "code", "reason", "stage")] + place)
        _SCHEMAS.update(tables)
    return _SCHEMAS


class PartWriter:
    """Rows of one task attempt, written as Parquet under ``root`` every :data:`CHUNK_DOCS` documents."""

    def __init__(self, root: Path, version: str, now: datetime) -> None:
        self.root, self.version, self.now = root, version, now
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.files: list[dict[str, Any]] = []
        self.chunk = 0
        self.pending = 0
        self.documents = 0
        self.skipped: Counter[str] = Counter()

    def article(self, article: Article, key: Key) -> None:
        from ..store import article_rows

        rows = article_rows(article, self.version, self.now)
        doc = rows["documents"][0]
        doc["input_file"], doc["input_record"] = key[1], key[2]
        day = doc["published_date"]
        month = f"{day.year:04d}-{day.month:02d}" if day is not None else UNKNOWN_MONTH
        for table, table_rows in rows.items():
            if table_rows:
                self.rows.setdefault((table, month), []).extend(table_rows)
        self.documents += 1
        self.pending += 1
        if self.pending >= CHUNK_DOCS:
            self.flush()

    def skip(self, item: Skipped, key: Key) -> None:
        row = {"origin": item.origin, "code": item.code, "reason": item.reason, "stage": item.stage}
        self.rows.setdefault((SKIPPED, ""), []).append({**row, "input_file": key[1], "input_record": key[2]})
        self.skipped[item.code] += 1

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        for (table, month), rows in sorted(self.rows.items()):
            folder = self.root / table / (f"month={month}" if month else "")
            folder.mkdir(parents=True, exist_ok=True)
            name = f"part-{self.chunk:03d}.parquet"
            pq.write_table(pa.Table.from_pylist(rows, schema=schemas()[table]), folder / name)
            self.files.append({"table": table, "month": month, "name": name, "rows": len(rows)})
        self.rows = {}
        self.pending = 0
        self.chunk += 1


@dataclass(frozen=True)
class Task:
    """What every partition's task needs (pickled once per task)."""

    settings: Settings
    version: str
    now: datetime
    temporary: str


def run_partition(task: Task, index: int, items: Iterable[tuple[Key, Article | Skipped]]) -> Iterator[dict[str, Any]]:
    """One partition: dedupe, run the pipeline in batches, write the rows; returns what it wrote."""
    from pyspark import TaskContext

    started = time.time()
    ctx = TaskContext.get()
    attempt = ctx.attemptNumber() if ctx is not None else 0
    fail = ctx.getLocalProperty(FAIL_ONCE) if ctx is not None else None
    root = Path(task.temporary) / f"attempt-{index:05d}-{attempt}"
    if root.exists():
        shutil.rmtree(root)
    writer = PartWriter(root, task.version, task.now)
    duplicates: Counter[str] = Counter()
    batch: list[tuple[Key, Article]] = []

    def run(batch: list[tuple[Key, Article]]) -> None:
        results = pipeline_for(task.settings).run([a for _, a in batch])
        for (key, _), result in zip(batch, results, strict=True):
            if isinstance(result, Article):
                writer.article(result, key)
            else:
                writer.skip(result, key)
        if fail is not None and int(fail) == index and attempt == 0:
            writer.flush()  # some of this attempt's rows are on disk: they must never reach the output
            raise RuntimeError(f"newsgraph test hook ({FAIL_ONCE}): partition {index} fails on its first attempt")

    for key, item in first_of_each_id(items, duplicates):
        if isinstance(item, Skipped):
            writer.skip(item, key)
            continue
        batch.append((key, item))
        if len(batch) >= task.settings.batch_size:
            run(batch)
            batch = []
    if batch:
        run(batch)
    writer.flush()
    yield {
        "partition": index,
        "attempt": attempt,
        "root": root.name,
        "files": writer.files,
        "documents": writer.documents,
        "skipped": dict(writer.skipped),
        "duplicates": duplicates["duplicates"],
        "started": started,
        "finished": time.time(),
    }


# -- driver: the job ---------------------------------------------------------------------
def prepare_out(out: Path, overwrite: bool) -> None:
    """An empty (or new) folder; with ``overwrite``, a folder an earlier job wrote is emptied first."""
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise ConfigError(f"{out} is not empty (--overwrite replaces an earlier job's output)", origin="--out")
        if not (out / MANIFEST).exists() and not (out / TEMPORARY).exists():
            raise ConfigError(f"{out} holds files this job did not write: not replaced", origin="--out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def commit(out: Path, results: list[dict[str, Any]]) -> dict[str, int]:
    """Move each received attempt's files into place; returns rows per table."""
    rows: Counter[str] = Counter()
    temporary = out / TEMPORARY
    for result in sorted(results, key=lambda r: r["partition"]):
        for f in result["files"]:
            sub = Path(f["table"]) / (f"month={f['month']}" if f["month"] else "")
            source = temporary / result["root"] / sub / f["name"]
            target = out / sub / f"part-{result['partition']:05d}-{f['name'].removeprefix('part-')}"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            rows[f["table"]] += f["rows"]
    shutil.rmtree(temporary, ignore_errors=True)
    return dict(rows)


def run_job(
    paths: Iterable[str | Path],
    out: str | Path,
    settings: Settings,
    *,
    master: str | None = None,
    partitions: int | None = None,
    split_bytes: int | None = None,
    overwrite: bool = False,
    fail_once: int | None = None,
) -> JobResult:
    """Run the ingest job on Spark; see the module docstring. ``fail_once`` (tests): the task of
    this partition fails on its first attempt, after writing some rows."""
    from .. import __version__
    from ..pipeline import Pipeline
    from ..store import SCHEMA_VERSION
    from .spark import session

    started = time.perf_counter()
    settings = settings.with_(workers=1)  # Spark owns the parallelism
    out = Path(out).resolve()
    inputs = [str(p) for p in paths]
    files = list_inputs(inputs)
    prepare_out(out, overwrite)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    version = Pipeline(settings).version
    spark = session(master)
    sc = spark.sparkContext
    n = partitions or 4 * sc.defaultParallelism
    if n < 1:
        raise ConfigError("--partitions must be at least 1", origin="--partitions")
    parts = number_lines(sc, plan(files, split_bytes or split_size(files, n)))
    max_bytes = settings.max_text_bytes
    task = Task(settings, version, now, str(out / TEMPORARY))
    sc.setLocalProperty(FAIL_ONCE, None if fail_once is None else str(fail_once))
    try:
        read = sc.parallelize(parts, max(1, len(parts))).flatMap(lambda part: read_part(part, max_bytes))
        spread = read.repartitionAndSortWithinPartitions(n, bucket)
        results = spread.mapPartitionsWithIndex(lambda i, items: run_partition(task, i, items)).collect()
    except Exception as exc:  # a task failed on every attempt: nothing of this job is moved into place
        raise StageError(
            f"the Spark job failed, its output is not committed (--overwrite runs it again): {failure(exc)}",
            origin=sc.master,
        ) from exc
    finally:
        sc.setLocalProperty(FAIL_ONCE, None)
    tables = {t: 0 for t in schemas()}
    tables.update(commit(out, results))
    skipped: Counter[str] = Counter()
    for r in results:
        skipped.update(r["skipped"])
    result = JobResult(
        out=str(out),
        master=sc.master,
        pipeline_version=version,
        schema_version=SCHEMA_VERSION,
        inputs=inputs,
        files=len(files),
        parts=len(parts),
        partitions=n,
        documents=sum(r["documents"] for r in results),
        skipped=sum(skipped.values()),
        skipped_by_code=dict(sorted(skipped.items())),
        duplicates=sum(r["duplicates"] for r in results),
        tables=tables,
        seconds=round(time.perf_counter() - started, 3),
        created=now.isoformat(),
        retried_partitions=sum(1 for r in results if r["attempt"] > 0),
        analysis_seconds=round(max(r["finished"] for r in results) - min(r["started"] for r in results), 3),
        task_seconds=round(sum(r["finished"] - r["started"] for r in results), 3),
        newsgraph=__version__,
        settings={
            "spacy_model": settings.spacy_model,
            "batch_size": settings.batch_size,
            "on_error": settings.on_error,
        },
    )
    (out / MANIFEST).write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return result


def failure(exc: BaseException) -> str:
    """The Python error a failed Spark job reports (inside the JVM's stack trace), on one line."""
    text = str(exc)
    found = re.findall(r"(?m)^((?:\w+\.)*\w*(?:Error|Exception)): (.+)$", text.split("Traceback", 1)[-1])
    python = [f"{name.rsplit('.', 1)[-1]}: {why}" for name, why in found if not name.startswith(("org.", "java."))]
    return (python[-1] if python else f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}")[:500]


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a job's output folder (an E400 StoreError when there is none)."""
    from ..errors import StoreError

    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise StoreError(f"no {MANIFEST}: not the output of `newsgraph spark-ingest`", origin=str(folder)) from exc
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read {MANIFEST}: {exc}", origin=str(folder)) from exc
    if not isinstance(data, dict) or "pipeline_version" not in data:
        raise StoreError(f"{MANIFEST} is not a job manifest", origin=str(folder))
    return data
