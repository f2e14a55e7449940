"""Metadata of an HTML page, read from the places publishers put it.

trafilatura gives a title, a date (day only), authors and a site name; news
pages say more, and more precisely, in JSON-LD (``NewsArticle``), OpenGraph /
``article:*`` meta tags, ``itemprop`` microdata and ``<time datetime>``. This
module reads those directly, so ``published`` keeps its time and timezone
("2019-11-19T05:00:07-05:00") when the page states them. Order of trust, for
each field: JSON-LD, then meta tags, then microdata/``<time>``, then
trafilatura, then htmldate's heuristic search (dates only).
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml.etree import XPath

_DATE_META_PUBLISHED = (
    "article:published_time",
    "article:published",
    "og:article:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
    "og:pubdate",
    "article.published",
    "published_time",
)
_DATE_META_MODIFIED = (
    "article:modified_time",
    "article:modified",
    "og:updated_time",
    "dateModified",
    "last-modified",
    "dcterms.modified",
    "article.updated",
    "modified_time",
)


# US and European zone abbreviations that pages write after a time ("10:30 a.m. EST")
_TZINFOS = {
    name: hours * 3600
    for name, hours in {
        "UTC": 0,
        "GMT": 0,
        "Z": 0,
        "BST": 1,
        "CET": 1,
        "CEST": 2,
        "EET": 2,
        "EEST": 3,
        "MSK": 3,
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
        "JST": 9,
        "KST": 9,
        "AEST": 10,
        "AEDT": 11,
    }.items()
}


@dataclass
class PageMeta:
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    html_lang: str | None = None


def iso_datetime(value: str | None) -> str | None:
    """Normalise a date string to ISO-8601, keeping time and offset when given.

    "2016-09-05T18:00:00+04:30" stays as it is (seconds dropped when zero);
    "Mon, 05 Sep 2016 14:00:00 GMT" -> "2016-09-05T14:00+00:00"; a bare date
    stays a date. Returns None for text that is not a date.
    """
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not re.search(r"\d{4}|\d{1,2}[/.-]\d{1,2}", value) or len(value) > 64:
        return None
    from dateutil import parser as dateparser

    has_time = bool(re.search(r"\d{1,2}:\d{2}", value))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown zone names: the time is kept without a zone
            parsed = dateparser.parse(value, default=datetime(1, 1, 1), tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year < 1900 or parsed.year > 2100:
        return None
    if not has_time:
        return parsed.date().isoformat()
    spec = "minutes" if parsed.second == 0 else "seconds"
    return parsed.replace(microsecond=0).isoformat(timespec=spec)


def _precision(iso: str | None) -> int:
    """How much a normalised date says: 0 nothing, 1 day, 2 time, 3 time and zone."""
    if not iso:
        return 0
    if "T" not in iso:
        return 1
    return 3 if re.search(r"(?:[+-]\d{2}:\d{2}|Z)$", iso) else 2


def best_date(candidates: list[str | None]) -> str | None:
    """The first candidate, unless a later one gives the same day more precisely."""
    values = [v for v in (iso_datetime(c) for c in candidates) if v]
    if not values:
        return None
    first = values[0]
    for v in values[1:]:
        if v[:10] == first[:10] and _precision(v) > _precision(first):
            first = v
    return first


def _jsonld_objects(root: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # trailing commas and control characters are common
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
            except ValueError:
                continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                out.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
            elif isinstance(item, list):
                stack.extend(item)
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    return {str(x) for x in t} if isinstance(t, list) else {str(t)}


_ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "BlogPosting",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "LiveBlogPosting",
    "WebPage",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "BackgroundNewsArticle",
}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"\s*(?:,|;|\band\b)\s*", value) if v.strip()]
    if isinstance(value, dict):
        name = value.get("name")
        return [name.strip()] if isinstance(name, str) and name.strip() else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _meta(root: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if not content or not content.strip():
            continue
        keys = [el.get("property"), el.get("name"), el.get("http-equiv"), *(el.get("itemprop") or "").split()]
        for key in keys:  # one tag may carry several: property="article:published" itemprop="datePublished"
            if key and key.strip():
                out.setdefault(key.strip().lower(), content.strip())
    return out


# [@itemprop] first: the same elements, but the string tests run only where the attribute is
_PUBLISHED_ITEMPROP = "//*[@itemprop][contains(concat(' ', normalize-space(@itemprop), ' '), ' datePublished ')]"
_TIMES = XPath(f"//time[@datetime]/@datetime | {_PUBLISHED_ITEMPROP}/@content | {_PUBLISHED_ITEMPROP}/@datetime")


def read_meta(root: Any) -> PageMeta:
    """Everything :class:`PageMeta` holds that the page states; ``root`` is an lxml HTML tree."""
    meta = PageMeta()
    if root is None:
        return meta
    tags = _meta(root)
    objects = _jsonld_objects(root)
    articles = [o for o in objects if _types(o) & _ARTICLE_TYPES]
    articles.sort(key=lambda o: 0 if _types(o) - {"WebPage"} else 1)  # a NewsArticle before its WebPage
    art = articles[0] if articles else {}

    def meta_first(keys: tuple[str, ...]) -> list[str | None]:
        return [tags.get(k.lower()) for k in keys]

    times = _TIMES(root)
    published = [art.get("datePublished"), art.get("dateCreated"), *meta_first(_DATE_META_PUBLISHED)]
    published += [str(t) for t in times[:3]]
    meta.published = best_date([p if isinstance(p, str) else None for p in published])
    modified = [art.get("dateModified"), *meta_first(_DATE_META_MODIFIED)]
    meta.modified = best_date([m if isinstance(m, str) else None for m in modified])

    headline = art.get("headline") if isinstance(art.get("headline"), str) else None
    meta.title = headline or tags.get("og:title") or tags.get("twitter:title")
    authors = _names(art.get("author"))
    if not authors:
        for key in ("author", "article:author", "byl", "parsely-author", "sailthru.author", "dc.creator"):
            value = tags.get(key)
            if value and not value.startswith("http"):
                authors = _names(re.sub(r"^by\s+", "", value, flags=re.I))
                break
    meta.authors = list(dict.fromkeys(a for a in authors if 1 < len(a) < 80 and not a.startswith("http")))
    publisher = _names(art.get("publisher"))
    meta.site_name = tags.get("og:site_name") or (publisher[0] if publisher else None) or tags.get("application-name")
    canonical = root.xpath('//link[@rel="canonical"]/@href')
    meta.canonical_url = (str(canonical[0]).strip() if canonical else None) or tags.get("og:url")
    meta.description = (
        tags.get("description")
        or tags.get("og:description")
        or (art.get("description") if isinstance(art.get("description"), str) else None)
    )
    keywords: list[str] = []
    raw_keywords = art.get("keywords")
    if isinstance(raw_keywords, list):
        keywords = [str(k) for k in raw_keywords]
    elif isinstance(raw_keywords, str):
        keywords = raw_keywords.split(",")
    if not keywords:
        keywords = [el.get("content", "") for el in root.xpath('//meta[@property="article:tag"]')]
    if not keywords and tags.get("news_keywords"):
        keywords = tags["news_keywords"].split(",")
    if not keywords and tags.get("keywords"):
        keywords = tags["keywords"].split(",")
    meta.tags = list(dict.fromkeys(k.strip() for k in keywords if k and k.strip() and len(k.strip()) < 80))
    lang = root.get("lang") or root.get("xml:lang")
    meta.html_lang = lang.split("-")[0].lower() if lang else None
    return meta
