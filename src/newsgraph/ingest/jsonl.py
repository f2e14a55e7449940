"""JSON Lines dumps: one article per line.

Fields: ``id``, ``url``, ``title``, ``published`` (or ``date``), and ``text`` or
``html``; any other field is kept in ``metadata``. The line's ``id`` becomes
the record id, otherwise a hash of the content. A malformed line is reported
with its line number and the rest of the file is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import InputError, MalformedRecordError
from ..model import Article, Skipped, content_id
from .decode import _check_text
from .html import from_html

KNOWN = {"id", "url", "title", "published", "date", "text", "html", "source"}


def read_lines(lines: Iterable[bytes | str], origin: str, max_bytes: int) -> Iterator[Article | Skipped]:
    for number, raw in enumerate(lines, start=1):
        where = f"{origin}:{number}"
        line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        if not line.strip():
            continue
        try:
            yield from_record(_parse(line, where), where, max_bytes)
        except InputError as exc:
            yield Skipped(where, exc.message, exc.code)


def _parse(line: str, where: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedRecordError(f"invalid JSON ({exc.msg} at column {exc.colno})", origin=where) from exc
    if not isinstance(obj, dict):
        raise MalformedRecordError(f"expected a JSON object, got {type(obj).__name__}", origin=where)
    return obj


def from_record(obj: dict[str, Any], where: str, max_bytes: int) -> Article:
    text, html = obj.get("text"), obj.get("html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise MalformedRecordError("no 'text' or 'html' string field", origin=where)
    doc_id = str(obj["id"]) if obj.get("id") not in (None, "") else None
    size = len((text if isinstance(text, str) else html or "").encode("utf-8", "surrogatepass"))
    if size > max_bytes * (1 if isinstance(text, str) else 4):
        from ..errors import OversizedInputError

        raise OversizedInputError(f"{size:,} bytes of text, over the limit of {max_bytes:,}", origin=where)
    if isinstance(text, str):
        body = _check_text(text, where)
        article = Article(id=doc_id or content_id(body), text=body, origin=where)
    else:
        article = from_html(html or "", where, doc_id=doc_id, url=obj.get("url"))
    article.url = obj.get("url") or article.url
    article.title = obj.get("title") or article.title
    published = obj.get("published") or obj.get("date")
    article.published = str(published) if published else article.published
    article.source = obj.get("source") or article.source
    article.metadata.update({k: v for k, v in obj.items() if k not in KNOWN})
    return article
