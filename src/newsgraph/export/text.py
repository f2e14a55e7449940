"""Small text helpers of the exports: ids, timestamps, field cleaning, sentences, lead paragraph."""

from __future__ import annotations

import bisect
import hashlib
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

_SPACE = re.compile(r"[\t\r\n\v\f\x85\u2028\u2029]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n+")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
LEAD_MIN_WORDS = 8  # a lead paragraph is a body paragraph, not a title, dateline or caption


def stable_id(*parts: object) -> int:
    """A positive integer id (below 2**53, exact in any JSON or float reader) from a key."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % (2**53 - 1) + 1


def stamp(when: datetime | date) -> int:
    """YYYYMMDDHHMMSS as an integer (GDELT's DATEADDED and GKG DATE)."""
    if isinstance(when, datetime):
        return int(when.strftime("%Y%m%d%H%M%S"))
    return int(when.strftime("%Y%m%d")) * 1_000_000


def day_of(value: str | None) -> date | None:
    """The calendar day of an ISO date or datetime string (or of an interval's start)."""
    m = _ISO_DAY.match(value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def clean(value: Any, drop: str = "") -> str:
    """A field's text on one line: tabs and line breaks become spaces; ``drop`` characters
    (the delimiters of a sub-field) become spaces too."""
    if value is None:
        return ""
    s = _SPACE.sub(" ", str(value))
    for ch in drop:
        s = s.replace(ch, " ")
    return s.strip()


def domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


class Sentences:
    """1-based sentence numbers of character offsets (boundaries: . ! ? then space, or a line break)."""

    def __init__(self, text: str) -> None:
        self.ends = [m.end() for m in _SENTENCE_END.finditer(text)]

    def number(self, offset: int) -> int:
        return bisect.bisect_right(self.ends, offset) + 1


def lead_paragraph(text: str, title: str | None, captions: list[tuple[int, int]]) -> tuple[int, int]:
    """The span of the first body paragraph: at least LEAD_MIN_WORDS words, not the title,
    not a photo caption. (0, 0) when there is none."""
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if len(stripped.split()) < LEAD_MIN_WORDS or (title and stripped == title.strip()):
            continue
        if any(cs <= start + (len(line) - len(line.lstrip())) < ce for cs, ce in captions):
            continue
        return start, end
    return 0, 0
