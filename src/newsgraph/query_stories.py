"""The read side of issue 11: stories, merged events and entities across documents.

:class:`CrossDocQueries` is mixed into :class:`newsgraph.query.Graph`; its methods
read the tables ``story_members`` (and ``stories`` for titles), ``merged_events``,
``event_reports``, ``entity_ids`` and ``entities.entity_id``. A store written before
those tables existed, opened read-only, answers with empty results. Story counts and
dates are computed from the members, so they are right whatever fills ``stories``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, TypeVar

from .query_params import _check_page, _date_prefix, _words
from .results import PlaceRow, QuoteRow, ResultSet

T = TypeVar("T")


@dataclass
class StoryRow:
    """One story: the articles that report one real-world event."""

    story_id: str
    title: str | None
    first_seen: str | None
    last_seen: str | None
    n_articles: int
    n_sources: int
    updated: str | None = None


@dataclass
class MergedEventRow:
    """One event merged from its reports across the articles of a story."""

    event_id: str
    story_id: str | None
    code: str
    cameo: str | None
    source: str | None
    source_name: str | None
    target: str | None
    target_name: str | None
    date: str | None
    place: str | None
    place_geonameid: int | None
    place_lat: float | None
    place_lon: float | None
    place_country: str | None
    place_feature: str | None
    factuality: str
    goldstein: float | None
    quad_class: int | None
    n_reports: int
    n_articles: int
    n_sources: int
    first_seen: str | None
    last_seen: str | None
    evidence: str | None = None  # the earliest report's evidence text
    doc_id: str | None = None  # ... and its document
    reports: list[dict[str, Any]] = field(default_factory=list)


_STORY_SELECT = """
    WITH m AS (SELECT story_id, doc_id FROM story_members),
         agg AS (
           SELECT m.story_id,
                  min(d.published) AS first_seen, max(d.published) AS last_seen,
                  count(DISTINCT m.doc_id)::BIGINT AS n_articles,
                  count(DISTINCT lower(coalesce(nullif(d.source, ''),
                        regexp_extract(d.url, '^[A-Za-z]+://(?:www\\.)?([^/:?#]+)', 1))))::BIGINT AS n_sources,
                  arg_min(d.title, coalesce(d.published, '9999')) AS first_title,
                  string_agg(lower(coalesce(d.title, '')), ' ') AS titles
           FROM m JOIN documents d ON d.id = m.doc_id GROUP BY m.story_id)
    SELECT agg.story_id, coalesce(s.title, agg.first_title) AS title, agg.first_seen, agg.last_seen,
           agg.n_articles, agg.n_sources, s.updated
    FROM agg LEFT JOIN stories s ON s.story_id = agg.story_id"""

_MERGED_SELECT = """
    SELECT me.*, ex.evidence, ex.doc_id FROM merged_events me
    LEFT JOIN (
      SELECT r.event_id, arg_min(substr(d.text, e.start + 1, e."end" - e.start),
                                 coalesce(d.published, '9999') || r.doc_id) AS evidence,
             arg_min(r.doc_id, coalesce(d.published, '9999') || r.doc_id) AS doc_id
      FROM event_reports r JOIN events e ON e.doc_id = r.doc_id AND e.event = r.event
      JOIN documents d ON d.id = r.doc_id
      WHERE r.event_id IN (SELECT event_id FROM merged_events me {where})
      GROUP BY r.event_id) ex ON ex.event_id = me.event_id"""


class CrossDocQueries:
    """Stories, merged events and cross-document entities (mixed into ``Graph``)."""

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _has(self, table: str, column: str | None = None) -> bool:
        sql = "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = ?"
        params = [table]
        if column:
            sql += " AND column_name = ?"
            params.append(column)
        return bool(self._rows(sql, params)[0]["n"])

    def _crossdoc_counts(self) -> dict[str, int]:
        """Rows of the cross-document tables (stories: distinct stories with members)."""
        out = {}
        for name, sql in (
            ("stories", "SELECT count(DISTINCT story_id) AS n FROM story_members"),
            ("merged_events", "SELECT count(*) AS n FROM merged_events"),
            ("entity_ids", "SELECT count(*) AS n FROM entity_ids"),
        ):
            table = sql.rsplit(" ", 1)[-1]
            out[name] = int(self._rows(sql)[0]["n"]) if self._has(table) else 0
        return out

    # -- stories -------------------------------------------------------------------------
    def stories(
        self, since: str | date | None = None, q: str | None = None, limit: int = 50, offset: int = 0
    ) -> ResultSet[StoryRow]:
        """Stories with their article and source counts and date span, most recent first;
        ``since``: last seen on or after it; ``q``: every word in the titles of its articles."""
        limit, offset = _check_page(limit, offset)
        if not self._has("story_members"):
            return ResultSet.of(StoryRow, [], 0, limit, offset)
        where, params = [], []
        if since is not None and since != "":
            where.append("agg.last_seen >= ?")
            params.append(_date_prefix(since))
        for word in _words(q):
            where.append("(contains(agg.titles, ?) OR contains(lower(coalesce(s.title, '')), ?))")
            params += [word, word]
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._rows(
            f"""SELECT *, count(*) OVER () AS _total FROM ({_STORY_SELECT} {clause})
                ORDER BY last_seen DESC NULLS LAST, n_articles DESC, story_id LIMIT {limit} OFFSET {offset}""",
            params,
        )
        total = int(rows[0]["_total"]) if rows else 0
        return ResultSet.of(StoryRow, rows, total, limit, offset)

    def story(self, story_id: str) -> dict[str, Any] | None:
        """One story's fields with its articles (id, title, source, published, score), oldest first."""
        found = self.story_detail(story_id, events=False)
        return None if found is None else {**asdict(found["story"]), "articles": found["articles"]}

    def story_detail(self, story_id: str, *, events: bool = True) -> dict[str, Any] | None:
        """One story for its page: its articles (by date), merged events (most sources first)
        with their reports, places and quotes."""
        if not self._has("story_members"):
            return None
        head = self._rows(f"SELECT * FROM ({_STORY_SELECT}) WHERE story_id = ?", [story_id])
        if not head:
            return None
        members = "SELECT doc_id FROM story_members WHERE story_id = ?"
        articles = self._rows(
            """SELECT d.id, d.title, d.url, d.source, d.published, d.language, d.tone, m.score
                FROM documents d JOIN story_members m ON m.doc_id = d.id AND m.story_id = ?
                ORDER BY d.published NULLS LAST, d.id""",
            [story_id],
        )
        places = self._rows(
            f"""SELECT p.name, p.geonameid, p.lat, p.lon, p.country, p.feature, sum(p.mentions)::BIGINT AS mentions,
                       count(DISTINCT p.doc_id)::BIGINT AS documents, 0 AS events
                FROM places p WHERE p.doc_id IN ({members}) AND p.lat IS NOT NULL
                GROUP BY ALL ORDER BY documents DESC, mentions DESC, p.name LIMIT 200""",
            [story_id],
        )
        quotes = self._rows(
            f"""SELECT q.doc_id, q.quote, q.speaker, q.kind, q.content, q.start, q."end", d.title, d.published,
                       d.url, d.source
                FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE q.doc_id IN ({members})
                ORDER BY d.published NULLS LAST, q.doc_id, q.quote LIMIT 200""",
            [story_id],
        )
        merged = self.merged_events(story_id=story_id, limit=500, reports=True).items if events else []
        return {
            "story": ResultSet.of(StoryRow, head, 1, 1, 0).items[0],
            "articles": articles,
            "events": merged,
            "places": ResultSet.of(PlaceRow, places, len(places), max(1, len(places)), 0).items,
            "quotes": ResultSet.of(QuoteRow, quotes, len(quotes), max(1, len(quotes)), 0).items,
        }

    # -- merged events -------------------------------------------------------------------
    def merged_events(
        self,
        story_id: str | None = None,
        code: str | None = None,
        actor: str | None = None,
        since: str | date | None = None,
        limit: int = 100,
        offset: int = 0,
        *,
        place: str | None = None,
        reports: bool = False,
    ) -> ResultSet[MergedEventRow]:
        """Merged events (one per real-world event), most widely carried first; ``reports``
        adds each one's reports (document, outlet, evidence)."""
        limit, offset = _check_page(limit, offset)
        if not self._has("merged_events"):
            return ResultSet.of(MergedEventRow, [], 0, limit, offset)
        where, params = [], []
        if story_id:
            where.append("me.story_id = ?")
            params.append(story_id)
        if code:
            where.append("starts_with(coalesce(me.cameo, ''), ?)" if code.isdigit() else "me.code = upper(?)")
            params.append(code)
        if actor:
            where.append(
                "contains(lower(concat_ws('|', me.source, me.target, me.source_name, me.target_name)), lower(?))"
            )
            params.append(actor)
        if place:
            where.append("contains(lower(coalesce(me.place, '')), lower(?))")
            params.append(place)
        if since is not None and since != "":
            where.append("coalesce(me.date, me.first_seen) >= ?")
            params.append(_date_prefix(since))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        order = "me.n_sources DESC, me.n_articles DESC, me.n_reports DESC, me.first_seen NULLS LAST, me.event_id"
        page = self._rows(
            f"SELECT me.event_id FROM merged_events me {clause} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            params,
        )
        ids = [r["event_id"] for r in page]
        total = (
            len(ids)
            if offset == 0 and len(ids) < limit
            else int(self._rows(f"SELECT count(*)::BIGINT AS n FROM merged_events me {clause}", params)[0]["n"])
        )
        scope = "WHERE me.event_id IN (SELECT unnest(?))"
        rows = self._rows(f"{_MERGED_SELECT.format(where=scope)} {scope} ORDER BY {order}", [ids, ids]) if ids else []
        result = ResultSet.of(MergedEventRow, rows, total, limit, offset)
        if reports and ids:
            by_id: dict[str, list[dict[str, Any]]] = {}
            for r in self._rows(
                """SELECT r.event_id, r.doc_id, r.event, d.title, d.source, d.url, d.published, e.factuality,
                          substr(d.text, e.start + 1, e."end" - e.start) AS evidence
                   FROM event_reports r JOIN events e ON e.doc_id = r.doc_id AND e.event = r.event
                   JOIN documents d ON d.id = r.doc_id WHERE r.event_id IN (SELECT unnest(?))
                   ORDER BY d.published NULLS LAST, r.doc_id, r.event""",
                [ids],
            ):
                by_id.setdefault(r.pop("event_id"), []).append(r)
            for item in result.items:
                item.reports = by_id.get(item.event_id, [])
        return result

    # -- entities across documents ---------------------------------------------------------
    def entity(self, entity_id: str, limit: int = 500) -> dict[str, Any] | None:
        """One person or organisation across the store: its names, every mention (with its
        document) and the quotes it is the speaker of."""
        if not self._has("entity_ids"):
            return None
        head = self._rows("SELECT * FROM entity_ids WHERE entity_id = ?", [entity_id])
        if not head:
            return None
        names = self._rows(
            """SELECT name, count(*)::BIGINT AS documents FROM entities WHERE entity_id = ?
               GROUP BY name ORDER BY documents DESC, name""",
            [entity_id],
        )
        mentions = self._rows(
            f"""SELECT m.doc_id, m.entity, m.start, m."end", m.text, d.title, d.published, d.source
                FROM entities e JOIN mentions m ON m.doc_id = e.doc_id AND m.entity = e.entity
                JOIN documents d ON d.id = e.doc_id WHERE e.entity_id = ?
                ORDER BY d.published NULLS LAST, m.doc_id, m.start LIMIT {int(limit)}""",
            [entity_id],
        )
        quotes = self._rows(
            f"""SELECT q.doc_id, q.quote, q.speaker, q.kind, q.content, q.start, q."end", d.title, d.published,
                       d.url, d.source
                FROM quotes q JOIN entities e ON e.doc_id = q.doc_id AND e.entity = q.speaker_entity
                JOIN documents d ON d.id = q.doc_id WHERE e.entity_id = ?
                ORDER BY d.published NULLS LAST, q.doc_id, q.quote LIMIT {int(limit)}""",
            [entity_id],
        )
        documents = self._rows(
            """SELECT DISTINCT d.id, d.title, d.source, d.published FROM entities e JOIN documents d ON d.id = e.doc_id
               WHERE e.entity_id = ? ORDER BY d.published NULLS LAST, d.id""",
            [entity_id],
        )
        return {
            **head[0],
            "names": names,
            "documents": documents,
            "mentions": mentions,
            "quotes": ResultSet.of(QuoteRow, quotes, len(quotes), max(1, len(quotes)), 0).items,
        }

    def entity_id_of(self, name: str, type: str | None = None) -> str | None:
        """The cross-document id of the entity most documents call ``name`` (any case)."""
        if not self._has("entities", "entity_id"):
            return None
        rows = self._rows(
            """SELECT entity_id, count(DISTINCT doc_id) AS n FROM entities
               WHERE lower(name) = lower(?) AND entity_id IS NOT NULL AND (? IS NULL OR type = upper(?))
               GROUP BY entity_id ORDER BY n DESC, entity_id LIMIT 1""",
            [name, type, type],
        )
        return str(rows[0]["entity_id"]) if rows else None
