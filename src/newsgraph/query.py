"""The read side. The CLI, the HTTP API and the web app read the store only through :class:`Graph`."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import sqlguard
from .errors import QueryError, StoreError
from .query_params import _check_page, _date_prefix, _words
from .query_stories import CrossDocQueries
from .results import DocumentRow, EntityRow, EventRow, PlaceRow, QuoteRow, ResultSet, TimelinePoint
from .store import Store

if TYPE_CHECKING:
    from .config import Settings
    from .jobs import Summary
    from .model import Article
    from .pipeline import Pipeline

READ_ONLY_STATEMENTS = {"SELECT"}
T = TypeVar("T")
PERIODS = {
    "day": "strftime(d.published_date, '%Y-%m-%d')",
    "week": "strftime(date_trunc('week', d.published_date), '%Y-%m-%d')",
    "month": "strftime(d.published_date, '%Y-%m')",
    "year": "strftime(d.published_date, '%Y')",
}


class Graph(CrossDocQueries):
    """A newsgraph store opened for queries: ``newsgraph.open("newsgraph.duckdb")``."""

    def __init__(
        self, db: str | Path = "newsgraph.duckdb", *, store: Store | None = None, settings: Settings | None = None
    ) -> None:
        self.store = store or Store(db, read_only=True)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._cursors: list[Any] = []
        with self.store._lock:
            self._root: Any = self.store.con.cursor()
        self._cursors.append(self._root)
        self._settings = settings
        self._pipeline: Pipeline | None = None
        self._pipeline_lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            for cur in self._cursors:
                with contextlib.suppress(Exception):  # already closed with its connection
                    cur.close()
            self._cursors.clear()
        self.store.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cursor(self) -> Any:
        """This thread's own cursor: reads run concurrently with each other and with a
        write transaction on the store's connection (DuckDB's MVCC gives each a snapshot).
        Cursors are made from a root cursor of the Graph's own, never from the store's
        connection, so a thread's first read does not wait for a write in progress."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                cur = self._root.cursor()
                self._cursors.append(cur)
            self._local.cursor = cur
        return cur

    def _rows(self, sql: str, params: list[Any] | None = None, *, cursor: Any = None) -> list[dict[str, Any]]:
        import duckdb

        try:
            result = (cursor or self._cursor()).execute(sql, params or [])
            names = [d[0] for d in result.description]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        except duckdb.Error as exc:
            raise QueryError(str(exc).splitlines()[0]) from exc

    def _page(
        self,
        kind: type[T],
        select: str,
        where: list[str],
        params: list[Any],
        order: str,
        limit: int,
        offset: int,
        group: str = "",
    ) -> ResultSet[T]:
        """Run ``select`` with the filters, one page of it, and count every match."""
        limit, offset = _check_page(limit, offset)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        body = f"{select} {clause} {group}"
        rows = self._rows(f"{body} ORDER BY {order} LIMIT {limit} OFFSET {offset}", params)
        if offset == 0 and len(rows) < limit:
            total = len(rows)
        else:
            counted = self._rows(f"SELECT count(*)::BIGINT AS n FROM ({body})", params)
            total = int(counted[0]["n"])
        return ResultSet.of(kind, rows, total, limit, offset)

    def stats(self) -> dict[str, int]:
        return {**self.store.counts(), **self._crossdoc_counts()}

    def record(self, doc_id: str) -> dict[str, Any] | None:
        """The full document record (RECORD.md) of one stored document."""
        import json

        rows = self._rows("SELECT record FROM documents WHERE id = ?", [doc_id])
        return json.loads(rows[0]["record"]) if rows and rows[0]["record"] else None

    def sql(self, statement: str, limit: int = 1000, timeout: float | None = None) -> list[dict[str, Any]]:
        """Run one read-only SELECT (or WITH ... SELECT) statement, at most ``limit`` rows,
        interrupted after ``timeout`` seconds (the HTTP API always sets one); see
        :mod:`newsgraph.sqlguard` for what else is refused."""
        import duckdb

        try:
            statements = duckdb.extract_statements(statement)
        except duckdb.Error as exc:
            raise QueryError(sqlguard.scrub(f"invalid SQL: {exc}", self.store.path)) from exc
        if len(statements) != 1:
            raise QueryError("give exactly one statement")
        if statements[0].type.name not in READ_ONLY_STATEMENTS:
            raise QueryError(f"only read-only SELECT statements are allowed, not {statements[0].type.name}")
        sqlguard.check(statement)
        cur = self._sql_cursor()
        timer = None
        timed_out = threading.Event()
        if timeout is not None and timeout > 0:

            def stop() -> None:
                timed_out.set()
                cur.interrupt()

            timer = threading.Timer(timeout, stop)
            timer.daemon = True
            timer.start()
        try:
            return self._rows(f"SELECT * FROM ({statement.rstrip().rstrip(';')}) LIMIT {int(limit)}", cursor=cur)
        except QueryError as exc:
            if timed_out.is_set():
                raise QueryError(f"query stopped after the time limit of {timeout:g} s") from exc
            raise QueryError(sqlguard.scrub(exc.message, self.store.path)) from exc
        finally:
            if timer is not None:
                timer.cancel()

    def _sql_cursor(self) -> Any:
        """This thread's cursor for user SQL, with the size guards installed."""
        cur = getattr(self._local, "sql_cursor", None)
        if cur is None:
            with self._lock:
                cur = sqlguard.guard(self._root.cursor())
                self._cursors.append(cur)
            self._local.sql_cursor = cur
        return cur

    # -- issue 7: the query API (documents, entities, timeline, quotes, places, events) ----
    def documents(
        self,
        q: str | None = None,
        since: str | date | None = None,
        source: str | None = None,
        until: str | date | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> ResultSet[DocumentRow]:
        """Documents whose title or text contains every word of ``q`` (case-insensitive),
        published on or after ``since`` (and up to ``until``), from ``source``; newest first."""
        where, params = _published_filters(since, until)
        words = _words(q)
        for word in words:
            where.append("contains(lower(coalesce(d.title, '') || ' ' || d.text), ?)")
            params.append(word)
        if source:
            where.append("lower(d.source) = lower(?)")
            params.append(source)
        first = words[0] if words else ""
        limit, offset = _check_page(limit, offset)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rank = "contains(lower(coalesce(d.title, '')), ?)" if words else "false"
        # one scan finds the page and counts every match; the snippets are cut for the page only
        rows = self._rows(
            f"""WITH page AS (
                    SELECT d.id, {rank} AS in_title, d.published, count(*) OVER () AS _total
                    FROM documents d {clause}
                    ORDER BY in_title DESC, d.published DESC NULLS LAST, d.id LIMIT {limit} OFFSET {offset})
                SELECT d.id, d.title, d.url, d.source, d.published, d.language, d.tone, page._total,
                       {_SNIPPET} AS snippet
                FROM page JOIN documents d ON d.id = page.id
                ORDER BY page.in_title DESC, page.published DESC NULLS LAST, page.id""",
            [*([first] if words else []), *params, first, first, first],
        )
        if rows:
            total = int(rows[0]["_total"])
        elif offset == 0:
            total = 0
        else:
            total = int(self._rows(f"SELECT count(*)::BIGINT AS n FROM documents d {clause}", params)[0]["n"])
        return ResultSet.of(DocumentRow, rows, total, limit, offset)

    def document(self, doc_id: str) -> DocumentRow | None:
        """One document's metadata, or None."""
        rows = self._rows(
            f"""SELECT d.id, d.title, d.url, d.source, d.published, d.language, d.tone, {_SNIPPET} AS snippet
                FROM documents d WHERE d.id = ?""",
            ["", "", "", doc_id],
        )
        return ResultSet.of(DocumentRow, rows, len(rows), 1, 0).items[0] if rows else None

    def entities(
        self, type: str | None = None, q: str | None = None, limit: int = 100, offset: int = 0
    ) -> ResultSet[EntityRow]:
        """Entities (name, type) over all documents, most-mentioned first; ``q`` matches part of the name."""
        where, params = [], []
        if type:
            where.append("e.type = upper(?)")
            params.append(type)
        if q:
            where.append("contains(lower(e.name), lower(?))")
            params.append(q)
        return self._page(
            EntityRow,
            """SELECT e.name, e.type, sum(e.mentions)::BIGINT AS mentions,
                      count(DISTINCT e.doc_id)::BIGINT AS documents FROM entities e""",
            where,
            params,
            "mentions DESC, documents DESC, e.name, e.type",
            limit,
            offset,
            group="GROUP BY e.name, e.type",
        )

    def timeline(self, entity: str, by: str = "day") -> ResultSet[TimelinePoint]:
        """Mentions of ``entity`` (its canonical name, any case) per publication period."""
        if by not in PERIODS:
            raise QueryError(f"by must be one of {', '.join(PERIODS)}, not {by!r}")
        rows = self._rows(
            f"""SELECT {PERIODS[by]} AS period, sum(e.mentions)::BIGINT AS mentions,
                       count(DISTINCT e.doc_id)::BIGINT AS documents
                FROM entities e JOIN documents d ON d.id = e.doc_id
                WHERE lower(e.name) = lower(?) AND d.published_date IS NOT NULL
                GROUP BY period ORDER BY period""",
            [entity],
        )
        return ResultSet.of(TimelinePoint, rows, len(rows), len(rows), 0)

    def quotes(
        self,
        speaker: str | None = None,
        since: str | date | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        about: str | None = None,
        doc_id: str | None = None,
    ) -> ResultSet[QuoteRow]:
        """Quotes by a speaker (part of the name, any case) and/or whose content mentions ``about``."""
        where, params = _published_filters(since, None)
        if speaker:
            # the canonical name or the speaker as written ("Putin" finds "Vladimir Putin")
            where.append(
                """(contains(lower(coalesce(q.speaker, '')), lower(?)) OR contains(lower(coalesce(
                    substr(d.text, q.speaker_start + 1, q.speaker_end - q.speaker_start), '')), lower(?)))"""
            )
            params += [speaker, speaker]
        if about:
            where.append("contains(lower(q.content), lower(?))")
            params.append(about)
        if doc_id:
            where.append("q.doc_id = ?")
            params.append(doc_id)
        return self._page(
            QuoteRow,
            """SELECT q.doc_id, q.quote, q.speaker, q.kind, q.content, q.start, q."end",
                      CASE WHEN q.speaker_start IS NULL THEN NULL
                           ELSE substr(d.text, q.speaker_start + 1, q.speaker_end - q.speaker_start) END AS speaker_text,
                      CASE WHEN q.cue_start IS NULL THEN NULL
                           ELSE substr(d.text, q.cue_start + 1, q.cue_end - q.cue_start) END AS cue,
                      q.speaker_entity, d.title, d.published, d.url, d.source
               FROM quotes q JOIN documents d ON d.id = q.doc_id""",
            where,
            params,
            "d.published DESC NULLS LAST, q.doc_id, q.quote",
            limit,
            offset,
        )

    def places(
        self, country: str | None = None, limit: int = 100, offset: int = 0, *, role: str | None = None
    ) -> ResultSet[PlaceRow]:
        """Resolved places over all documents (one row per place), most-reported first,
        with how many events were coded at each. ``country``: ISO 3166-1 alpha-2;
        ``role``: how the place was mentioned ("location", "actor", "adjective")."""
        where, params = [], []
        if country:
            where.append("upper(p.country) = upper(?)")
            params.append(country)
        if role:
            where.append("p.role = ?")
            params.append(role)
        return self._page(
            PlaceRow,
            # an event is at a place by its GeoNames id when it has one, else by name; a
            # place mentioned in two roles (location, adjective) counts its events once
            """WITH ev AS (SELECT doc_id, place_geonameid AS gid, lower(place) AS place, count(*) AS n
                           FROM events WHERE place IS NOT NULL GROUP BY ALL),
                    located AS (SELECT DISTINCT p.doc_id, p.name, p.geonameid, p.lat, p.lon, p.country, p.feature
                           FROM places p),
                    per AS (SELECT l.name, l.geonameid, l.lat, l.lon, l.country, l.feature,
                                   sum(ev.n) AS n
                            FROM located l JOIN ev ON ev.doc_id = l.doc_id AND CASE
                                WHEN ev.gid IS NOT NULL THEN l.geonameid IS NOT DISTINCT FROM ev.gid
                                ELSE ev.place = lower(l.name) END
                            GROUP BY ALL)
               SELECT p.name, p.geonameid, p.lat, p.lon, p.country, p.feature,
                      sum(p.mentions)::BIGINT AS mentions, count(DISTINCT p.doc_id)::BIGINT AS documents,
                      coalesce(any_value(per.n), 0)::BIGINT AS events
               FROM places p LEFT JOIN per ON per.name = p.name
                    AND per.geonameid IS NOT DISTINCT FROM p.geonameid AND per.lat IS NOT DISTINCT FROM p.lat
                    AND per.lon IS NOT DISTINCT FROM p.lon AND per.country IS NOT DISTINCT FROM p.country
                    AND per.feature IS NOT DISTINCT FROM p.feature""",
            where,
            params,
            "documents DESC, mentions DESC, p.name",
            limit,
            offset,
            group="GROUP BY p.name, p.geonameid, p.lat, p.lon, p.country, p.feature",
        )

    def events(
        self,
        actor: str | None = None,
        code: str | None = None,
        since: str | date | None = None,
        place: str | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        factuality: str | None = None,
        doc_id: str | None = None,
    ) -> ResultSet[EventRow]:
        """Events with ``actor`` as source or target (CAMEO code or name, any part), of PLOVER type
        ``code`` (or a CAMEO code prefix when it is digits), dated (or published) on or after
        ``since``, at a place whose name contains ``place``."""
        where: list[str] = []
        params: list[Any] = []
        if actor and re.fullmatch(r"[A-Z]{3,12}", actor):
            # a CAMEO-style code: "RUS" finds RUSGOV and RUSMIL as source or target
            where.append("(starts_with(coalesce(e.source, ''), ?) OR starts_with(coalesce(e.target, ''), ?))")
            params += [actor, actor]
        elif actor:
            where.append(
                """contains(lower(concat_ws('|', e.source, e.target, e.source_name, e.target_name)), lower(?))"""
            )
            params.append(actor)
        if code:
            if code.isdigit():
                where.append("starts_with(coalesce(e.cameo, ''), ?)")
            else:
                where.append("e.code = upper(?)")
            params.append(code)
        if since is not None and since != "":
            where.append("coalesce(e.date, d.published) >= ?")
            params.append(_date_prefix(since))
        if place:
            where.append("contains(lower(coalesce(e.place, '')), lower(?))")
            params.append(place)
        if factuality:
            where.append("e.factuality = ?")
            params.append(factuality)
        if doc_id:
            where.append("e.doc_id = ?")
            params.append(doc_id)
        limit, offset = _check_page(limit, offset)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = "coalesce(e.date, d.published) DESC NULLS LAST, e.doc_id, e.event"
        # the page is found on the events and the documents' dates; the evidence text is cut
        # for that page only (cutting it for every match first is what made this slow)
        rows = self._rows(
            f"""WITH page AS (
                    SELECT e.*, coalesce(e.date, d.published) AS _when
                    FROM events e JOIN documents d ON d.id = e.doc_id {clause}
                    ORDER BY {order} LIMIT {limit} OFFSET {offset})
                SELECT page.*, substr(d.text, page.start + 1, page."end" - page.start) AS evidence,
                       d.title, d.published, d.url, d.source AS doc_source
                FROM page JOIN documents d ON d.id = page.doc_id
                ORDER BY page._when DESC NULLS LAST, page.doc_id, page.event""",
            params,
        )
        if offset == 0 and len(rows) < limit:
            total = len(rows)
        else:
            counted = self._rows(
                f"SELECT count(*)::BIGINT AS n FROM events e JOIN documents d ON d.id = e.doc_id {clause}", params
            )
            total = int(counted[0]["n"])
        return ResultSet.of(EventRow, rows, total, limit, offset)

    # -- one document through the pipeline ------------------------------------------------
    def pipeline(self) -> Pipeline:
        """The pipeline (loaded once per Graph, on first use) that ``analyze`` and ``ingest`` run."""
        with self._pipeline_lock:
            if self._pipeline is None:
                from . import config
                from .pipeline import Pipeline

                settings = (self._settings or config.load()).with_(workers=1)
                pipeline = Pipeline(settings)
                pipeline.setup()
                self._pipeline = pipeline
            return self._pipeline

    def analyze(
        self,
        text: str,
        *,
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
        source: str | None = None,
        doc_id: str | None = None,
    ) -> Article:
        """Run the pipeline over one text (nothing is stored); ``.to_record()`` gives its JSON record.
        Raises the InputError that would have skipped it (empty, too large, other language)."""
        article = _article(text, title=title, url=url, published=published, source=source, doc_id=doc_id)
        pipeline = self.pipeline()
        with self._pipeline_lock:
            return pipeline.analyze(article)

    def ingest(self, articles: Iterable[Article]) -> Summary:
        """Analyze and store documents (the store must be writable); ones stored unchanged are skipped.
        The same job as ``newsgraph ingest`` (:func:`newsgraph.jobs.ingest_articles`), run in this
        thread with this Graph's pipeline."""
        from .jobs import ingest_articles

        if self.store.read_only:
            raise StoreError("the store is open read-only", origin=self.store.path)
        pipeline = self.pipeline()
        with self._pipeline_lock:
            return ingest_articles(list(articles), pipeline.settings, self.store, pipeline=pipeline)


# the text around the first occurrence of a word (parameters: the word three times), else the opening
_SNIPPET = """CASE WHEN ? <> '' AND strpos(lower(d.text), ?) > 0
                   THEN substr(d.text, greatest(1, strpos(lower(d.text), ?) - 90), 260)
                   ELSE substr(d.text, 1, 260) END"""


def _published_filters(since: str | date | None, until: str | date | None) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if since is not None and since != "":
        where.append("d.published >= ?")
        params.append(_date_prefix(since))
    if until is not None and until != "":
        bound = _date_prefix(until)
        where.append("substr(d.published, 1, ?) <= ?")
        params.extend([len(bound), bound])
    return where, params


def _article(text: str, **fields: str | None) -> Article:
    """An Article read the way ``newsgraph analyze`` reads a text file (title and dateline from the
    top lines), with any metadata given overriding what was read."""
    from .ingest.decode import _check_text
    from .ingest.text import from_text

    doc_id = fields.pop("doc_id", None)
    origin = doc_id or "<analyze>"
    article = from_text(_check_text(text, origin), origin, doc_id=doc_id)
    for key, value in fields.items():
        if value:
            setattr(article, key, value)
    return article
