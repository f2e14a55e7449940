"""Stories in the store: tables ``stories`` and ``story_members`` (store/schema.sql).

:class:`StoryAssigner` is what ``newsgraph ingest`` uses: it reloads the active
stories (those seen within the window before the newest stored document) from
the records of their members, assigns each batch of new documents against them,
and writes the stories it touched; at the end of a run, :meth:`StoryAssigner.repair`
revises the stories of every document a stream assigned and no repair has seen yet
(table ``story_unrepaired``, so a killed run's are repaired by the next) with the
repair pass of :mod:`.repair`. :func:`recluster` clusters a window of the store
again in batch mode (which splits and merges) and rewrites the stories of that window.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..model import Article
from ..store import Store
from .cluster import Assignment, Clusterer, Story, batch
from .features import StoryDoc, from_article
from .repair import Repair, run

REPAIR_MAX_DOCS = 20_000  # the repair pass at the end of an ingest reads at most this many documents
RUN_DOCS = 2_000  # the run's latest StoryDocs kept for the repair pass (the others are read back)


@dataclass
class StoryRow:
    """One story: how many articles and sources carried it, and its date span."""

    story_id: str
    title: str | None
    first_seen: str | None
    last_seen: str | None
    n_articles: int
    n_sources: int
    updated: str | None = None


def _docs(
    store: Store,
    where: str,
    params: list[Any],
    order: str = "d.published NULLS LAST, d.ingested_at, d.id",
    known: dict[str, StoryDoc] | None = None,
) -> list[tuple[StoryDoc, str | None, float | None]]:
    """StoryDocs of stored documents (from their records, unless ``known`` has them),
    with their current story and score."""
    with store._lock:
        rows = store.con.execute(
            f"""SELECT d.id, m.story_id, m.score FROM documents d
                LEFT JOIN story_members m ON m.doc_id = d.id
                WHERE {where} ORDER BY {order}""",
            params,
        ).fetchall()
        known = known or {}
        missing = [r[0] for r in rows if r[0] not in known]
        records = (
            dict(
                store.con.execute(
                    "SELECT id, record FROM documents WHERE id IN (SELECT unnest(?))", [missing]
                ).fetchall()
            )
            if missing
            else {}
        )
    out = []
    for doc_id, sid, score in rows:
        doc = known.get(doc_id)
        if doc is None:
            rec = json.loads(records[doc_id])
            rec["metadata"] = {}
            doc = from_article(Article.from_record(rec))
        out.append((doc, sid, score))
    return out


class StoryAssigner:
    """Assigns new documents to the stories of a store; see the module docstring."""

    def __init__(self, store: Store, clusterer: Clusterer | None = None) -> None:
        self.store = store
        self.clusterer = clusterer or Clusterer()
        self.touched: dict[str, Story] = {}
        self._loaded = False
        self.recent: dict[str, StoryDoc] = {}  # this run's latest documents, for the repair pass

    def _load(self) -> None:
        """The active window: members of stories last seen within the window of the newest one."""
        self._loaded = True
        with self.store._lock:
            row = self.store.con.execute("SELECT max(last_seen) FROM stories").fetchone()
        newest = row[0] if row else None
        if newest:
            start = (date.fromisoformat(newest[:10]) - timedelta(days=self.clusterer.window_days)).isoformat()
            where, params = "m.story_id IN (SELECT story_id FROM stories WHERE last_seen >= ?)", [start]
        else:  # undated stories: all of them (a store without dates stays small in practice)
            where, params = "m.story_id IN (SELECT story_id FROM stories WHERE last_seen IS NULL)", []
        members: dict[str, list[tuple[StoryDoc, float]]] = {}
        for doc, sid, _score in _docs(self.store, where, params):
            if sid:
                members.setdefault(sid, []).append((doc, 1.0))
        for sid, docs in members.items():
            self.clusterer.restore(sid, docs)

    def assign(self, articles: Iterable[Article]) -> list[Assignment]:
        """Set ``article.story`` for each (in publication order when known)."""
        if not self._loaded:
            self._load()
        listed = list(articles)
        docs = {a.id: from_article(a) for a in listed}
        self.recent.update(docs)
        while len(self.recent) > RUN_DOCS:
            del self.recent[next(iter(self.recent))]
        order = sorted(listed, key=lambda a: (a.published is None, a.published or ""))
        out = []
        for article in order:
            done = self.clusterer.assign(docs[article.id])
            article.story = done.story_id
            self.touched[done.story_id] = self.clusterer.stories[done.story_id]
            out.append(done)
        self._pending = out
        return out

    def sync(self, version: str, every: int = 256) -> int:
        """Documents stored by this pipeline ``version`` but in no story: a run killed after a
        batch's write and before its stories. Assigned now, in the order they were stored,
        before any new document, and their records get the story; returns how many."""
        with self.store._lock:
            rows = self.store.con.execute(
                """SELECT d.record FROM documents d ANTI JOIN story_members m ON m.doc_id = d.id
                   WHERE d.pipeline_version = ? AND d.record IS NOT NULL ORDER BY d.rowid""",
                [version],
            ).fetchall()
        articles = [Article.from_record(json.loads(r[0])) for r in rows]
        for i in range(0, len(articles), every):
            chunk = articles[i : i + every]
            self.assign(chunk)
            self.flush()
            with self.store.transaction() as con:
                stamp_stories(con, [a.id for a in chunk])
        return len(articles)

    def flush(self) -> int:
        """Write the memberships of the last batch and the stories it touched."""
        pending = getattr(self, "_pending", [])
        write(self.store, self.touched.values(), pending, unrepaired=True)
        n = len(self.touched)
        self.touched = {}
        self._pending = []
        return n

    def repair(self, max_docs: int = REPAIR_MAX_DOCS) -> dict[str, int]:
        """The repair pass over the stories of every document no repair has seen (this
        run's, and a killed run's): read from the store in publication order, revised
        (:func:`.repair.run`) and written back; the records of documents that moved carry
        their new story. Returns counts, with ``documents_moved``."""
        out = {"documents": 0, "documents_moved": 0, "moved": 0, "split": 0, "merged": 0}
        with self.store._lock:
            row = self.store.con.execute(
                """SELECT count(*) FROM story_members WHERE story_id IN (SELECT m.story_id FROM story_members m
                   JOIN story_unrepaired u ON u.doc_id = m.doc_id)"""
            ).fetchone()
        n = row[0] if row else 0
        if n == 0 or n > max_docs:  # nothing to do, or more than one pass should hold in memory
            with self.store.transaction() as con:
                con.execute("DELETE FROM story_unrepaired")
            return out
        found = _docs(
            self.store,
            """m.story_id IN (SELECT m2.story_id FROM story_members m2
                              JOIN story_unrepaired u ON u.doc_id = m2.doc_id)""",
            [],
            order="d.published NULLS LAST, d.id",  # not the ingest time: a resumed run repairs as a clean one
            known=self.recent,
        )
        listed = [d for d, _, _ in found]
        clusterer = Clusterer(self.clusterer.weights)
        clusterer.evicting = False
        clusterer.freq.prior = dict(self.clusterer.freq.prior)  # the same weights: no need to look them up again
        for doc in listed:
            clusterer.freq.add(doc)
        scores = {d.id: 1.0 if score is None else score for d, _, score in found}
        fixing = Repair(clusterer, listed, {d.id: str(sid) for d, sid, _ in found}, scores)
        members: dict[str, list[StoryDoc]] = {}
        for doc, sid, _ in found:
            members.setdefault(str(sid), []).append(doc)
        for sid, docs in members.items():
            fixing.build(sid, docs)
        out.update(run(fixing))
        out["documents"] = len(listed)
        moved = [d.id for d, sid, _ in found if fixing.story_of[d.id] != sid]
        out["documents_moved"] = len(moved)
        if not moved:
            with self.store.transaction() as con:
                con.execute("DELETE FROM story_unrepaired WHERE doc_id IN (SELECT unnest(?))", [[d.id for d in listed]])
            return out
        self._loaded = False  # the active stories changed: reload before the next assignment
        self.clusterer = Clusterer(self.clusterer.weights)
        _rewrite(self.store, listed, set(members), fixing.assignments(), moved)
        return out


def write(store: Store, stories: Iterable[Story], assignments: Iterable[Assignment], unrepaired: bool = False) -> None:
    """Write memberships and stories; with ``unrepaired``, the documents await the repair pass."""
    with store.transaction() as con:
        _write(con, stories, assignments, unrepaired)


def _write(con: Any, stories: Iterable[Story], assignments: Iterable[Assignment], unrepaired: bool = False) -> None:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    members = [(a.story_id, a.doc_id, a.score) for a in assignments]
    rows = [
        (
            s.id,
            s.title or None,
            s.first.isoformat() if s.first else None,
            s.last.isoformat() if s.last else None,
            len(s.members),
            len(s.sources),
            now,
        )
        for s in stories
    ]
    if members:
        con.execute("DELETE FROM story_members WHERE doc_id IN (SELECT unnest(?))", [[m[1] for m in members]])
        con.executemany("INSERT INTO story_members VALUES (?, ?, ?)", members)
        if unrepaired:
            con.execute("INSERT OR IGNORE INTO story_unrepaired SELECT unnest(?)", [[m[1] for m in members]])
    if rows:
        con.execute("DELETE FROM stories WHERE story_id IN (SELECT unnest(?))", [[r[0] for r in rows]])
        con.executemany("INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    # counts from the members table, so a story that lost documents to another stays right
    ids = [r[0] for r in rows]
    if ids:
        con.execute(
            """UPDATE stories SET n_articles = c.n FROM (
                   SELECT story_id, count(*) AS n FROM story_members
                   WHERE story_id IN (SELECT unnest(?)) GROUP BY story_id) c
               WHERE stories.story_id = c.story_id""",
            [ids],
        )


def stamp_stories(con: Any, doc_ids: list[str]) -> None:
    """The stored records of ``doc_ids`` carry the story their membership row names."""
    con.execute(
        """UPDATE documents SET record = json_merge_patch(documents.record, json_object('story', m.story_id))
           FROM story_members m WHERE m.doc_id = documents.id AND documents.id IN (SELECT unnest(?))""",
        [doc_ids],
    )


def recluster(store: Store, since: str | None = None, until: str | None = None) -> dict[str, int]:
    """Cluster the documents published in [since, until] again (batch mode: splits and merges)
    and replace their stories. Returns counts before and after."""
    where: list[str] = ["true"]
    params: list[Any] = []
    if since:
        where.append("d.published >= ?")
        params.append(since)
    if until:
        where.append("substr(d.published, 1, ?) <= ?")
        params += [len(until), until]
    found = _docs(store, " AND ".join(where), params)
    docs = [d for d, _, _ in found]
    before = {sid for _, sid, _ in found if sid}
    result = batch(docs)
    after = _rewrite(store, docs, before, result, [d.id for d in docs])
    return {"documents": len(docs), "stories_before": len(before), "stories_after": after}


def _rewrite(
    store: Store,
    docs: list[StoryDoc],
    before: set[str],
    result: list[Assignment],
    stamp: list[str],
) -> int:
    """Replace the stories ``before`` of ``docs`` by those of ``result``; the records of
    ``stamp`` carry their new story. Returns how many stories the documents now form."""
    stories: dict[str, Story] = {}
    by_id = {d.id: d for d in docs}
    for a in result:
        story = stories.setdefault(a.story_id, Story(id=a.story_id))
        story.add(by_id[a.doc_id])  # what the rows need (span, counts, title), no vectors
    with store.transaction() as con:  # one transaction: a kill leaves the old stories or the new
        if before:
            con.execute("DELETE FROM stories WHERE story_id IN (SELECT unnest(?))", [sorted(before)])
        _write(con, stories.values(), result)
        # documents of the old stories outside the window keep their story: recount it;
        # the records of the window's documents carry their new story
        stamp_stories(con, stamp)
        con.execute("DELETE FROM story_unrepaired WHERE doc_id IN (SELECT unnest(?))", [list(by_id)])
        con.execute(
            """INSERT INTO stories SELECT m.story_id, NULL, NULL, NULL, count(*), 0, NULL FROM story_members m
               WHERE m.story_id NOT IN (SELECT story_id FROM stories) GROUP BY m.story_id"""
        )
    return len(stories)
