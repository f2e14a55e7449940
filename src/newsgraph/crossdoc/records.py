"""Merged events without a store: the articles of one run (``newsgraph analyze``).

:func:`merge_articles` sets ``Event.event_id`` on the events of articles already
grouped into stories (``story`` attribute, or metadata ``story``); an article in no
story merges only its own reports. The same rules and ids as the store's merger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..model import Article
from .cluster import Merged, Merger, order, summarize
from .compat import Report

_HOST = re.compile(r"^[A-Za-z]+://(?:www\.)?([^/:?#]+)")


def story_of(article: Article) -> str:
    story = getattr(article, "story", None) or article.metadata.get("story")
    return str(story) if story else f"doc:{article.id}"


def reports_of(article: Article) -> list[Report]:
    """The article's events as :class:`Report` s, their places typed from ``article.places``."""
    places = {p.name.lower(): p for p in reversed(article.places)}
    host = _HOST.match(article.url or "")
    outlet = article.source or (host.group(1) if host else None)
    out = []
    for i, e in enumerate(article.events):
        name: Any = e.place
        name = getattr(name, "name", name)  # a PlaceRef, or the name
        place = places.get(str(name).lower()) if name else None
        out.append(
            Report(
                doc_id=article.id,
                event=i,
                story=story_of(article),
                code=e.code,
                cameo=e.cameo,
                source=e.source,
                source_name=e.source_name,
                target=e.target,
                target_name=e.target_name,
                factuality=e.factuality,
                date=e.date,
                place=str(name) if name else None,
                place_geonameid=place.geonameid if place else getattr(e.place, "geonameid", None),
                place_lat=place.lat if place else getattr(e.place, "lat", None),
                place_lon=place.lon if place else getattr(e.place, "lon", None),
                place_country=place.country if place else getattr(e.place, "country", None),
                place_feature=place.feature if place else getattr(e.place, "feature", None),
                goldstein=e.goldstein,
                quad_class=e.quad_class,
                published=article.published,
                outlet=outlet,
            )
        )
    return out


def merge_articles(articles: Iterable[Article]) -> list[dict[str, Any]]:
    """Set ``event_id`` on every event of these articles; returns the merged events' rows."""
    batch = list(articles)
    by_id = {a.id: a for a in batch}
    merger = Merger()
    merged: dict[str, Merged] = {}
    for report in order(r for a in batch for r in reports_of(a)):
        m = merger.add(report)
        merged[m.event_id] = m
        by_id[report.doc_id].events[report.event].event_id = m.event_id
    return [summarize(m) for m in merged.values()]


class StreamMerger:
    """Event ids for articles as a run streams them (``newsgraph analyze``): each article's
    events merge into the merged events of its story seen so far in the run. Memory stays
    bounded: an article in no story is forgotten once merged, and only the ``max_stories``
    most recently active stories are kept."""

    def __init__(self, max_stories: int = 5000) -> None:
        self.max_stories = max_stories
        self.merger = Merger()
        self.recent: dict[str, None] = {}  # stories, least recently active first
        self.codes: dict[str, set[str]] = {}  # the event types each story has merged events of

    def add(self, article: Article) -> Article:
        story = story_of(article)
        for report in order(reports_of(article)):
            article.events[report.event].event_id = self.merger.add(report).event_id
            self.codes.setdefault(story, set()).add(report.code)
        self.recent.pop(story, None)
        self.recent[story] = None
        if story.startswith("doc:"):
            self._forget(story)
        while len(self.recent) > self.max_stories:
            self._forget(next(iter(self.recent)))
        return article

    def _forget(self, story: str) -> None:
        self.recent.pop(story, None)
        for code in self.codes.pop(story, ()):
            for m in self.merger.index.pop((story, code), []):
                self.merger.by_id.pop(m.event_id, None)
