"""Dates: time expressions normalised against the publication date.

"Monday" -> the latest Monday on or before publication (news reports the past);
"yesterday", "a day after", "two weeks ago" -> shifted days; "March 2011" ->
2011-03; "September 5, 2016" -> 2016-09-05; "within the next few days", "in the
coming days", "over the past few months" -> ISO intervals ("2016-09-05/2016-09-08").
Without a publication date only absolute expressions get a value.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from ..model import Article, DateMention
from ..textutil import CARDINALS
from .base import Stage

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMBER_WORDS = {
    **{k: v for k, v in CARDINALS.items() if 0 < v <= 10},
    "a": 1,
    "an": 1,
    "several": 3,
    "few": 3,
    "a few": 3,
}
_M = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_N = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few|few)"
_U = r"(day|week|month|year)s?"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("mdy", re.compile(rf"\b({_M})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")),
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_M}),?\s+(\d{{4}})\b")),
    ("my", re.compile(rf"\b({_M})\s+(?:of\s+)?(\d{{4}})\b")),
    ("md", re.compile(rf"\b({_M})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d)")),
    ("dm", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_M})\b(?!,?\s*\d)")),
    ("next_few", re.compile(rf"\b(?:within|in|over|during)\s+the\s+(?:next|coming)\s+(?:{_N}\s+)?{_U}\b", re.I)),
    ("coming", re.compile(rf"\bin\s+(?:the\s+)?coming\s+{_U}\b", re.I)),
    ("past_few", re.compile(rf"\b(?:over|in|during|for)\s+the\s+(?:past|last)\s+(?:{_N}\s+)?{_U}\b", re.I)),
    ("ago", re.compile(rf"\b({_N})\s+{_U}\s+(?:ago|earlier)\b", re.I)),
    ("after", re.compile(rf"\b({_N})\s+{_U}\s+(?:after|before|later)\b", re.I)),
    ("rel", re.compile(r"\b(today|yesterday|tomorrow|tonight|last night)\b", re.I)),
    ("relunit", re.compile(r"\b(last|this|next)\s+(week|month|year)\b", re.I)),
    ("weekday", re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("year", re.compile(r"\b(?:in|since|by|of|from|until)\s+((?:19|20)\d{2})\b")),
]


def published_date(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(str(published)[:10])
    except ValueError:
        return None


def _n(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)


def _shift(d: date, unit: str, n: int) -> date:
    unit = unit.lower()
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    months = d.month - 1 + (n if unit == "month" else 12 * n)
    year, month = d.year + months // 12, months % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _fmt(d: date, unit: str) -> str:
    unit = unit.lower()
    return d.isoformat() if unit in {"day", "week"} else (f"{d:%Y-%m}" if unit == "month" else f"{d:%Y}")


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def normalise(kind: str, m: re.Match[str], pub: date | None) -> str | None:
    """The ISO value of one matched expression, or None when it needs an anchor we lack."""
    g = m.groups()
    try:
        if kind == "iso":
            return date(int(g[0]), int(g[1]), int(g[2])).isoformat()
        if kind == "mdy":
            return date(int(g[2]), _month(g[0]), int(g[1])).isoformat()
        if kind == "dmy":
            return date(int(g[2]), _month(g[1]), int(g[0])).isoformat()
        if kind == "my":
            return f"{int(g[1]):04d}-{_month(g[0]):02d}"
        if kind == "year":
            return g[0]
        if pub is None:
            return None
        if kind in {"md", "dm"}:
            month, day = (_month(g[0]), int(g[1])) if kind == "md" else (_month(g[1]), int(g[0]))
            d = date(pub.year, month, day)
            if (d - pub).days > 183:  # "December 30" in a January article is last year's
                d = date(pub.year - 1, month, day)
            return d.isoformat()
        if kind in {"next_few", "coming"}:
            unit = m.group(m.lastindex or 1) if m.lastindex else "day"
            n = _count_in(m.group(0))
            return f"{_fmt(pub, unit)}/{_fmt(_shift(pub, unit, n), unit)}"
        if kind == "past_few":
            unit = m.group(m.lastindex or 1)
            n = _count_in(m.group(0))
            return f"{_fmt(_shift(pub, unit, -n), unit)}/{_fmt(pub, unit)}"
        if kind == "ago":
            return _fmt(_shift(pub, g[1], -_n(g[0])), g[1])
        if kind == "after":
            # "the comments were made a day after X": X happened that long before publication
            return _fmt(_shift(pub, g[1], -_n(g[0])), g[1])
        if kind == "rel":
            word = g[0].lower()
            offset = {"today": 0, "tonight": 0, "yesterday": -1, "last night": -1, "tomorrow": 1}[word]
            return (pub + timedelta(days=offset)).isoformat()
        if kind == "relunit":
            step = {"last": -1, "this": 0, "next": 1}[g[0].lower()]
            d = _shift(pub, g[1], step)
            if g[1].lower() == "week":
                monday = d - timedelta(days=d.weekday())
                return f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}"
            return _fmt(d, g[1])
        if kind == "weekday":
            back = (pub.weekday() - WEEKDAYS[g[0].lower()]) % 7
            return (pub - timedelta(days=back)).isoformat()
    except (ValueError, KeyError):
        return None
    return None


def _count_in(text: str) -> int:
    for word in re.findall(r"\d+|[a-z]+", text.lower()):
        if word.isdigit() or (word in NUMBER_WORDS and word not in {"a", "an"}):
            return _n(word)
    return 3  # "the coming days": a few


def find_dates(text: str, published: str | None) -> list[DateMention]:
    pub = published_date(published)
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if kind == "year":
                start, end = m.span(1)
            if any(s < end and start < e for s, e in taken):
                continue
            value = normalise(kind, m, pub)
            if value is None:
                continue
            taken.append((start, end))
            out.append(DateMention(text[start:end], start, end, value))
    out.sort(key=lambda d: d.start)
    return out


class Dates(Stage):
    name = "dates"
    requires = ("text",)
    assigns = ("dates",)
    languages = ("en",)  # English month and weekday names, English relative dates

    def process(self, article: Article) -> Article:
        try:
            article.dates = find_dates(article.text, article.published)
        except Exception as exc:  # a stage yields what it can (and says what it could not)
            self.warn(article, "dates not read", exc)
            article.dates = []
        return article
