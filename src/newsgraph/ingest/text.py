"""Plain-text articles: the first non-empty line is the title, a date line near the top is `published`."""

from __future__ import annotations

from ..model import Article, content_id
from ..textutil import find_dateline


def from_text(text: str, origin: str, *, doc_id: str | None = None, url: str | None = None) -> Article:
    lines = text.split("\n")
    title = next((ln.strip() for ln in lines if ln.strip()), None)
    found = find_dateline(lines)
    published = found[1] if found else None
    if title is not None and found and lines[found[0]].strip() == title:
        title = next((ln.strip() for ln in lines[found[0] + 1 :] if ln.strip()), None)
    return Article(
        id=doc_id or content_id(text),
        text=text,
        title=title,
        published=published,
        url=url,
        origin=origin,
    )
