"""newsgraph: turn news into an evidence-backed, queryable knowledge base."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .query import Graph


def open(db: str = "newsgraph.duckdb", **kwargs: Any) -> Graph:
    """Open a newsgraph store for reading (see :class:`newsgraph.query.Graph`)."""
    from .query import Graph

    return Graph(db, **kwargs)


__all__ = ["__version__", "open"]
