"""Across articles: merged events and entity ids, updated after each stored batch.

:func:`update` is the one call the ingest jobs make after writing documents (and
after their stories are assigned): it merges the documents' events into the merged
events of their stories (:mod:`.merge`) and gives their people and organisations a
cross-document ``entity_id`` (:mod:`.entities`). Both only read the stories of the
documents given, so the cost per document does not grow with the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..store import Store
from .entities import link_entities
from .merge import merge_documents, remerge_stories
from .records import StreamMerger, merge_articles

__all__ = [
    "StreamMerger",
    "link_entities",
    "merge_articles",
    "merge_documents",
    "pending",
    "remerge_stories",
    "sync",
    "update",
]


def update(store: Store, doc_ids: Iterable[str]) -> dict[str, int]:
    """Merge events and link entities of documents just written to ``store``."""
    ids = list(dict.fromkeys(doc_ids))
    out = merge_documents(store, ids)
    out.update(link_entities(store, ids))
    return out


def pending(store: Store) -> list[str]:
    """Documents whose merged events or entity ids are missing or stale: written by a run
    killed before its merge, or moved to another story since (a re-clustering)."""
    con: Any = store.con
    with store._lock:
        rows = con.execute(
            """WITH sm AS (SELECT doc_id, arg_max(story_id, coalesce(score, 0)) AS story_id
                           FROM story_members GROUP BY doc_id)
               SELECT doc_id FROM (
                 SELECT e.doc_id FROM events e ANTI JOIN event_reports r ON r.doc_id = e.doc_id AND r.event = e.event
                 UNION
                 SELECT doc_id FROM entities WHERE entity_id IS NULL
                 UNION
                 SELECT r.doc_id FROM event_reports r JOIN merged_events m ON m.event_id = r.event_id
                 LEFT JOIN sm ON sm.doc_id = r.doc_id WHERE m.story_id IS DISTINCT FROM sm.story_id)
               ORDER BY doc_id"""
        ).fetchall()
    return [r[0] for r in rows]


def sync(store: Store, batch: int = 256) -> dict[str, int]:
    """Bring every :func:`pending` document up to date (ingest runs it before its first batch)."""
    todo = pending(store)
    done = {"documents": len(todo)}
    for i in range(0, len(todo), batch):
        update(store, todo[i : i + batch])
    return done
