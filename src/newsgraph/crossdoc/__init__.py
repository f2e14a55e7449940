"""Across articles: merged events and entity ids, updated after each stored batch.

:func:`update` is the one call the ingest jobs make after writing documents (and
after their stories are assigned): it merges the documents' events into the merged
events of their stories (:mod:`.merge`) and gives their people and organisations a
cross-document ``entity_id`` (:mod:`.entities`). Both only read the stories of the
documents given, so the cost per document does not grow with the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..store import Store
from .entities import link_entities
from .merge import merge_documents, remerge_stories

__all__ = ["link_entities", "merge_documents", "remerge_stories", "update"]


def update(store: Store, doc_ids: Iterable[str]) -> dict[str, int]:
    """Merge events and link entities of documents just written to ``store``."""
    ids = list(dict.fromkeys(doc_ids))
    out = merge_documents(store, ids)
    out.update(link_entities(store, ids))
    return out
