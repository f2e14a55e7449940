"""Typed rows that :class:`newsgraph.query.Graph` returns, and the result set that holds a page of them.

Each query returns a :class:`ResultSet`: a list of dataclass records (so code
gets attribute access and type checkers see the fields), plus the total number
of matches and the page it holds, so the HTTP API can paginate without a second
round trip. ``.to_arrow()`` and ``.to_pandas()`` turn a page into a table for
analysts; pandas is optional and imported only when asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any, Generic, TypeVar

from .errors import QueryError

T = TypeVar("T")


@dataclass
class DocumentRow:
    """One stored document, without its analysis (see ``Graph.record`` for that)."""

    id: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    language: str | None
    tone: float | None
    snippet: str | None = None  # text around the first match of ``q``, or the opening


@dataclass
class EntityRow:
    """An entity name and type, aggregated over the documents that mention it."""

    name: str
    type: str
    mentions: int
    documents: int


@dataclass
class TimelinePoint:
    """Mentions of an entity in documents published in one period (day, week, month or year)."""

    period: str
    mentions: int
    documents: int


@dataclass
class QuoteRow:
    """One quote, with where it was said and its document."""

    doc_id: str
    quote: int
    speaker: str | None
    kind: str
    content: str
    start: int
    end: int
    speaker_text: str | None = None  # the speaker as written ("the Russian president", "he")
    cue: str | None = None
    speaker_entity: int | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass
class PlaceRow:
    """One resolved place, aggregated over documents (the map draws one marker per row)."""

    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    country: str | None
    feature: str | None
    mentions: int
    documents: int
    events: int = 0


@dataclass
class EventRow:
    """One coded event with its evidence text and its document."""

    doc_id: str
    event: int
    code: str
    cameo: str | None
    source: str | None
    source_name: str | None
    target: str | None
    target_name: str | None
    mode: str | None
    factuality: str
    date: str | None
    place: str | None
    goldstein: float | None
    quad_class: int | None
    start: int
    end: int
    evidence: str
    reported_by: str | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None
    doc_source: str | None = None  # the outlet; ``source`` is the event's source actor
    # where ``place`` (its name) is: the model.PlaceRef of the event, as typed columns
    place_geonameid: int | None = None
    place_lat: float | None = None
    place_lon: float | None = None
    place_country: str | None = None
    place_feature: str | None = None


@dataclass
class ResultSet(Generic[T]):
    """A page of typed records: iterate it, index it, or turn it into a table."""

    items: list[T]
    total: int
    limit: int
    offset: int
    columns: Sequence[str] = field(default_factory=tuple)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    def __bool__(self) -> bool:
        return bool(self.items)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [asdict(item) for item in self.items]  # type: ignore[call-overload]

    def to_arrow(self) -> Any:
        """This page as a ``pyarrow.Table`` (columns in field order, even when empty)."""
        import pyarrow as pa

        rows = self.to_dicts()
        if rows:
            return pa.Table.from_pylist(rows)
        return pa.table({name: pa.array([], type=pa.null()) for name in self.columns})

    def to_pandas(self) -> Any:
        """This page as a ``pandas.DataFrame`` (needs pandas installed)."""
        try:
            import pandas  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs pandas: pip install pandas") from exc
        return self.to_arrow().to_pandas()

    @classmethod
    def of(cls, kind: type[T], rows: list[dict[str, Any]], total: int, limit: int, offset: int) -> ResultSet[T]:
        names = [f.name for f in fields(kind)]  # type: ignore[arg-type]
        items = [kind(**{k: row.get(k) for k in names}) for row in rows]
        return cls(items=items, total=total, limit=limit, offset=offset, columns=tuple(names))


# -- arguments of the read methods (query.py, query_stories.py) -----------------------
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:[T ][0-9:.]+)?)?)?$")


def check_page(limit: int, offset: int) -> tuple[int, int]:
    if not isinstance(limit, int) or limit < 1 or limit > 10_000:
        raise QueryError(f"limit must be between 1 and 10000, not {limit!r}")
    if not isinstance(offset, int) or offset < 0:
        raise QueryError(f"offset must be 0 or more, not {offset!r}")
    return limit, offset


def words_of(q: str | None) -> list[str]:
    return [w for w in (q or "").lower().split() if w][:20]


def date_prefix(value: str | date) -> str:
    """An ISO date, month or year, as given: ISO strings compare in time order as text."""
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    if not _DATE.match(text):
        raise QueryError(f"dates are ISO-8601: YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
    return text
