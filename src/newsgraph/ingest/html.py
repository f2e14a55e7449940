"""HTML pages: the article body and metadata through trafilatura, keeping inline link text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import EmptyInputError
from ..model import Article, content_id


@dataclass
class Extracted:
    body: str
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    url: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None


def extract(html: str, url: str | None = None) -> Extracted:
    """The article body and metadata of one HTML page."""
    import trafilatura

    doc: Any = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_links=False,  # link *text* is kept; only the targets are dropped
        favor_precision=False,
    )
    if doc is None:
        return Extracted(body="")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    author = data.get("author") or ""
    authors = [a.strip() for a in (author.split(";") if isinstance(author, str) else author) if a.strip()]
    tags: list[str] = []
    for key in ("tags", "categories"):
        value = data.get(key) or []
        items = value.split(",") if isinstance(value, str) else list(value)
        tags.extend(t.strip() for t in items if isinstance(t, str) and t.strip())
    return Extracted(
        body=data.get("text") or "",
        title=data.get("title"),
        published=data.get("date"),
        authors=authors,
        source=data.get("sitename") or data.get("hostname"),
        url=data.get("url") or url,
        description=data.get("description"),
        tags=tags,
        language=data.get("language"),
    )


def from_html(html: str, origin: str, *, doc_id: str | None = None, url: str | None = None) -> Article:
    found = extract(html, url)
    if not found.body.strip():
        raise EmptyInputError("no article text found in the HTML", origin=origin)
    return Article(
        id=doc_id or content_id(found.body),
        text=found.body,
        title=found.title,
        published=found.published,
        authors=found.authors,
        source=found.source,
        url=found.url,
        origin=origin,
        metadata={k: v for k, v in {"description": found.description, "tags": found.tags}.items() if v},
    )
