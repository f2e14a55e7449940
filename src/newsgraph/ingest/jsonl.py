"""JSON Lines dumps: one article per line.

Fields: ``id``, ``url``, ``title``, ``published`` (or ``date``), ``source``, and
``text`` or ``html``; any other field is kept in ``metadata``. The line's ``id``
becomes the record id, otherwise a hash of the content.

Every line is checked before anything reads it, and each problem names
``file:line``:

* a malformed line (not JSON, not an object, no text): skipped, E107;
* a field of the wrong type (``"url": 5``, a list as ``title``): skipped, E109;
* a publication date that does not exist (``"2016-02-30"``, ``"9999-99-99"``):
  the document is kept without it, with a warning (E109);
* bytes that are not UTF-8: replaced by U+FFFD, with a warning (E105);
* a line longer than the cap: skipped (E104), read through in chunks, never held.

The rest of the file is always read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ..errors import EncodingError, InputError, InvalidFieldError, MalformedRecordError, OversizedInputError
from ..model import Article, Skipped, content_id
from ..textutil import valid_iso_date
from .decode import CHUNK, _check_text, warn
from .html import from_html
from .htmlmeta import iso_datetime

KNOWN = {"id", "url", "title", "published", "date", "text", "html", "source"}
LINE_FACTOR = 8  # a line may hold max_bytes * 4 of HTML, JSON-escaped
GIVE_UP = 4  # a single line this many times over the cap: stop reading the file (a bomb)


def capped_lines(fh: IO[bytes], limit: int, origin: str) -> Iterator[bytes | int]:
    """The lines of ``fh``; a line over ``limit`` bytes comes as its length, read through, never held."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        del line
        while True:
            rest = fh.readline(CHUNK)
            size += len(rest)
            if not rest or rest.endswith(b"\n"):
                break
            if size > GIVE_UP * limit:
                raise OversizedInputError(
                    f"a line of more than {size:,} bytes (over {GIVE_UP} times the limit): the rest of the file is not read",
                    origin=origin,
                )
        yield size


def read_lines(lines: Iterable[bytes | str | int], origin: str, max_bytes: int) -> Iterator[Article | Skipped]:
    yield from read_numbered(enumerate(lines, start=1), origin, max_bytes)


def read_numbered(
    lines: Iterable[tuple[int, bytes | str | int]], origin: str, max_bytes: int
) -> Iterator[Article | Skipped]:
    """:func:`read_lines` for lines that come with their line numbers (a part of a file,
    as the Spark job reads it): the same checks, the same ``file:line`` origins."""
    for number, raw in lines:
        where = f"{origin}:{number}"
        if isinstance(raw, int):
            yield Skipped(where, f"line of {raw:,} bytes, over the limit of {max_bytes * LINE_FACTOR:,}", "E104")
            continue
        notes: list[InputError] = []
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = raw.decode("utf-8", "replace")
                notes.append(
                    EncodingError(
                        f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start} of the line): "
                        "bad bytes replaced by U+FFFD",
                        origin=where,
                    )
                )
        else:
            line = raw
        if not line.strip():
            continue
        try:
            article = from_record(_parse(line, where), where, max_bytes)
        except InputError as exc:
            yield Skipped(where, exc.message, exc.code)
            continue
        for note in notes:
            warn(article, note)
        yield article


def _parse(line: str, where: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedRecordError(f"invalid JSON ({exc.msg} at column {exc.colno})", origin=where) from exc
    if not isinstance(obj, dict):
        raise MalformedRecordError(f"expected a JSON object, got {type(obj).__name__}", origin=where)
    return obj


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _string(obj: dict[str, Any], key: str, where: str, *, strip: bool = True) -> str | None:
    """The field as a string (None when absent, null or blank); any other type is E109."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidFieldError(
            f"field {key!r} must be a string, not {type(value).__name__} ({_short(value)})", origin=where
        )
    return (value.strip() or None) if strip else value


def _doc_id(obj: dict[str, Any], where: str) -> str | None:
    value = obj.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _string(obj, "id", where)


def _published(obj: dict[str, Any], where: str) -> tuple[str | None, InputError | None]:
    """The publication date, or None and a warning when it is not a date that exists."""
    key = "published" if obj.get("published") is not None else "date"
    value = _string(obj, key, where)
    if value is None or valid_iso_date(value):
        return value, None
    normalised = iso_datetime(value)
    if normalised is not None:
        return normalised, None
    return None, InvalidFieldError(
        f"field {key!r} is not a date that exists ({_short(value)}): stored without a publication date", origin=where
    )


def from_record(obj: dict[str, Any], where: str, max_bytes: int) -> Article:
    text, html = _string(obj, "text", where, strip=False), _string(obj, "html", where, strip=False)
    if text is None and html is None:
        raise MalformedRecordError("no 'text' or 'html' string field", origin=where)
    doc_id = _doc_id(obj, where)
    url, title, source = (_string(obj, k, where) for k in ("url", "title", "source"))
    published, bad_date = _published(obj, where)
    size = len((text if text is not None else html or "").encode("utf-8", "surrogatepass"))
    if size > max_bytes * (1 if text is not None else 4):
        raise OversizedInputError(f"{size:,} bytes of text, over the limit of {max_bytes:,}", origin=where)
    if text is not None:
        body = _check_text(text, where)
        article = Article(id=doc_id or content_id(body), text=body, origin=where)
    else:
        article = from_html(html or "", where, doc_id=doc_id, url=url)
    article.url = url or article.url
    article.title = title or article.title
    article.published = published or article.published  # an impossible date: the page's own, if any
    article.source = source or article.source
    article.metadata.update({k: v for k, v in obj.items() if k not in KNOWN})
    if bad_date is not None:
        warn(article, bad_date)
    return article
