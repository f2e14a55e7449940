"""Checks and parsing of query parameters, shared by :mod:`.query` and :mod:`.query_stories`."""

from __future__ import annotations

import re
from datetime import date

from .errors import QueryError

_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:[T ][0-9:.]+)?)?)?$")


def _check_page(limit: int, offset: int) -> tuple[int, int]:
    if not isinstance(limit, int) or limit < 1 or limit > 10_000:
        raise QueryError(f"limit must be between 1 and 10000, not {limit!r}")
    if not isinstance(offset, int) or offset < 0:
        raise QueryError(f"offset must be 0 or more, not {offset!r}")
    return limit, offset


def _words(q: str | None) -> list[str]:
    return [w for w in (q or "").lower().split() if w][:20]


def _date_prefix(value: str | date) -> str:
    """An ISO date, month or year, as given: ISO strings compare in time order as text."""
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    if not _DATE.match(text):
        raise QueryError(f"dates are ISO-8601: YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
    return text
