"""RSS/Atom feeds: read a feed (feedparser), fetch each item's page, ingest it; poll feeds.

``read_feed(url_or_file, fetcher)`` yields an Article per item whose page could be
fetched and extracted (a Skipped otherwise). Feed-level facts fill in what the
page does not state: the item's title and its published date. Pages come through
the one polite :class:`~newsgraph.ingest.fetch.Fetcher`, so robots.txt, rate
limits, the private-address guard and WARC archiving apply to them as well.

``watch(...)`` polls a list of feeds every N seconds and ingests only new items:
an item is skipped *before* fetching when its URL is already stored, and *after*
extraction when a stored document has the same content hash (the same story
syndicated under another URL).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EmptyInputError, FetchError, InputError, UnreadableError
from ..model import Article, Skipped
from .fetch import Fetcher

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)


def parse_duration(text: str) -> float:
    """Seconds in "15m", "1h", "30s", "2d" or a bare number of seconds."""
    m = _DURATION.match(text or "")
    if not m:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 15m, 1h)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2).lower()]


@dataclass
class FeedItem:
    url: str
    title: str | None
    published: str | None
    summary: str | None
    feed: str


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def feed_items(source: str, fetcher: Fetcher | None = None, *, conditional: bool = False) -> list[FeedItem]:
    """The items of one feed (URL or file); raises InputError/FetchError if it can't be read.

    With ``conditional``, a feed unchanged since this fetcher last read it (HTTP 304) has no items.
    """
    import feedparser

    if _is_url(source):
        if fetcher is None:
            raise FetchError("a fetcher is needed to read a feed URL", origin=source)
        response = fetcher.fetch(source, conditional=conditional)
        if response.not_modified:
            return []
        data: Any = response.content
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise UnreadableError(f"cannot read feed: {exc.strerror or exc}", origin=source) from exc
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"not a readable feed: {parsed.get('bozo_exception')}", origin=source)
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (lk.get("href") for lk in entry.get("links", []) if lk.get("rel") in (None, "alternate")), None
        )
        if not link:
            continue
        published = None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            published = time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp)
        items.append(FeedItem(link, entry.get("title"), published, entry.get("summary"), source))
    return items


def item_article(item: FeedItem, html: str, final_url: str, payload: bytes | None = None) -> Article:
    from .html import from_html
    from .warc import capture_id

    doc_id = capture_id(final_url, payload) if payload is not None else None  # = the id its WARC record gets
    article = from_html(html, item.url, doc_id=doc_id, url=final_url, extra={"feed": item.feed})
    if not article.title and item.title:
        article.title = item.title
    # the feed's timestamp fills in a page date that has no time (same day) or no date at all
    if item.published and (
        not article.published or (len(article.published) <= 10 and item.published[:10] == article.published[:10])
    ):
        article.published = item.published
    if not article.url:
        article.url = item.url
    return article


def read_feed(
    source: str, fetcher: Fetcher, *, skip_url: Callable[[str], bool] | None = None, conditional: bool = False
) -> Iterator[Article | Skipped]:
    """Articles for the items of one feed whose pages could be fetched and read."""
    try:
        items = feed_items(source, fetcher, conditional=conditional)
    except (InputError, FetchError) as exc:
        yield Skipped(source, exc.message, exc.code)
        return
    todo = [it for it in items if not (skip_url and skip_url(it.url))]
    by_url = {it.url: it for it in todo}
    for url, result in fetcher.fetch_many(by_url):
        item = by_url[url]
        if isinstance(result, FetchError):
            yield Skipped(url, result.message, result.code)
            continue
        if result.not_modified:
            continue
        try:
            yield item_article(item, result.text, result.url, result.content)
        except (InputError, EmptyInputError) as exc:
            yield Skipped(url, exc.message, exc.code)


def stored_urls(store: Any, urls: Iterable[str]) -> set[str]:
    urls = list(dict.fromkeys(urls))
    if not urls:
        return set()
    rows = store.con.execute(
        "SELECT url, origin FROM documents WHERE url IN (SELECT unnest($1)) OR origin IN (SELECT unnest($1))", [urls]
    ).fetchall()
    return {u for r in rows for u in r if u in urls}


def stored_hashes(store: Any, hashes: Iterable[str]) -> set[str]:
    hashes = list(dict.fromkeys(hashes))
    if not hashes:
        return set()
    rows = store.con.execute(
        "SELECT content_hash FROM documents WHERE content_hash IN (SELECT unnest(?))", [hashes]
    ).fetchall()
    return {r[0] for r in rows}


def new_articles(sources: Iterable[str], fetcher: Fetcher, store: Any) -> Iterator[Article | Skipped]:
    """Items of the feeds not yet stored, by URL (before fetching) and by content hash (after)."""
    for source in sources:
        pending = list(read_feed(source, fetcher, skip_url=lambda u: bool(stored_urls(store, [u])), conditional=True))
        hashes = stored_hashes(store, [a.content_hash for a in pending if isinstance(a, Article)])
        seen: set[str] = set()
        for a in pending:
            if isinstance(a, Article):
                if a.content_hash in hashes or a.content_hash in seen:
                    continue
                seen.add(a.content_hash)
            yield a


def read_feed_list(path: str) -> list[str]:
    """Feed URLs or files, one a line; blank lines and # comments ignored."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UnreadableError(f"cannot read feed list: {exc.strerror or exc}", origin=path) from exc
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]
