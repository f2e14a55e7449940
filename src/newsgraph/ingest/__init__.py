"""Sources -> Articles. One reader per format; :func:`read` dispatches paths to them.

``read(paths)`` yields an :class:`~newsgraph.model.Article` for each document
it could read and a :class:`~newsgraph.model.Skipped` (with the file, line and
reason) for each it could not. Folders are walked recursively by extension;
``-`` reads standard input, sniffing gzip, JSON Lines, HTML or plain text.

Compressed files and standard input are read incrementally with the byte cap
applied as bytes arrive (a gzip bomb is refused having held at most the cap),
and JSON Lines a line at a time. An id read twice in one run with different
content keeps the first document and reports the second (E110).
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import DuplicateIdError, InputError, OversizedInputError, UnreadableError, UnsupportedFormatError
from ..model import Article, Skipped
from . import jsonl
from .decode import decode, read_capped, warn
from .html import from_html
from .text import from_text
from .warc import WARC_EXT, read_archive

Reader = Callable[[Path, int], Iterator[Article | Skipped]]

TEXT_EXT = (".txt", ".text", ".md")
HTML_EXT = (".html", ".htm", ".xhtml", ".shtml")
JSONL_EXT = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CHUNK_BYTES = 1 << 20


def _read_bytes(path: Path, cap: int) -> bytes:
    """The file's bytes (decompressed for ``.gz``), refused (E104) past ``cap`` as they arrive."""
    try:
        opened: IO[bytes] = gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")  # type: ignore[assignment]  # noqa: SIM115
        with opened as fh:
            return read_capped(fh, cap, str(path))
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror or exc}", origin=str(path)) from exc
    except EOFError as exc:
        raise UnreadableError(f"truncated gzip file: {exc}", origin=str(path)) from exc


def _check_size(path: Path, max_bytes: int, factor: int = 1) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror or exc}", origin=str(path)) from exc
    if size > max_bytes * factor:
        raise OversizedInputError(f"{size:,} bytes, over the limit of {max_bytes * factor:,}", origin=str(path))


def _decoded(data: bytes, origin: str, cap: int, make: Callable[[str, str], Article]) -> Article:
    notes: list[InputError] = []
    article = make(decode(data, origin, cap, notes), origin)
    for note in notes:
        warn(article, note)
    return article


def read_text_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    _check_size(path, max_bytes)
    yield _decoded(_read_bytes(path, max_bytes), str(path), max_bytes, from_text)


def read_html_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    _check_size(path, max_bytes, factor=4)
    yield _decoded(_read_bytes(path, max_bytes * 4), str(path), max_bytes * 4, from_html)


def read_warc_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    yield from read_archive(path, max_bytes)


def read_jsonl_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    try:
        fh: IO[bytes] = gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")  # type: ignore[assignment]  # noqa: SIM115
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror or exc}", origin=str(path)) from exc
    with fh:
        try:
            lines = jsonl.capped_lines(fh, max_bytes * jsonl.LINE_FACTOR, str(path))
            yield from jsonl.read_lines(lines, str(path), max_bytes)
        except (OSError, EOFError) as exc:
            raise UnreadableError(f"read failed part-way: {exc}", origin=str(path)) from exc


def is_jsonl(path: Path) -> bool:
    return reader_for(path) is read_jsonl_file


def count_newlines(path: Path, start: int, end: int) -> int:
    """How many newline bytes the file holds in ``[start, end)`` (to number the lines of a part)."""
    try:
        with path.open("rb") as fh:
            fh.seek(start)
            left, n = end - start, 0
            while left > 0:
                chunk = fh.read(min(CHUNK_BYTES, left))
                if not chunk:
                    break
                n += chunk.count(b"\n")
                left -= len(chunk)
            return n
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror or exc}", origin=str(path)) from exc


def read_jsonl_part(
    path: Path, start: int, end: int | None, newlines_before: int, max_bytes: int
) -> Iterator[tuple[int, Article | Skipped]]:
    """The documents of the lines of a (plain) JSON Lines file that start in ``[start, end)``,
    each with its line number, checked exactly as :func:`read_jsonl_file` checks them.
    ``newlines_before``: the newlines in ``[0, start)`` (:func:`count_newlines`), so that
    origins read ``file:line`` as when the whole file is read. Parts that tile a file
    read each line exactly once: a line belongs to the part it starts in."""
    origin = str(path)
    cap = max_bytes * jsonl.LINE_FACTOR
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror or exc}", origin=origin) from exc
    with fh:
        try:
            pos, number = start, 1 + newlines_before
            if start > 0:
                # the line in progress at ``start`` belongs to the part before: read through it
                fh.seek(start - 1)
                pos = start - 1
                while True:
                    rest = fh.readline(CHUNK_BYTES)
                    pos += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        break
                if pos - 1 >= start:  # its newline lies in this part
                    number += 1
            for raw in jsonl.capped_lines(fh, cap, origin):
                if end is not None and pos >= end:
                    return
                pos += raw if isinstance(raw, int) else len(raw)
                for item in jsonl.read_numbered([(number, raw)], origin, max_bytes):
                    yield number, item
                number += 1
        except (OSError, EOFError) as exc:
            raise UnreadableError(f"read failed part-way: {exc}", origin=origin) from exc


def read_path(path: Path, max_bytes: int = 5_000_000) -> Iterator[Article | Skipped]:
    """Every document of one file (any format :func:`read` knows), unreadable ones as Skipped."""
    yield from _read([path], max_bytes)


READERS: dict[str, Reader] = {
    **{ext: read_text_file for ext in TEXT_EXT},
    **{ext: read_html_file for ext in HTML_EXT},
    **{ext: read_jsonl_file for ext in JSONL_EXT},
    **{ext: read_warc_file for ext in WARC_EXT},
}


def reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    for ext in sorted(READERS, key=len, reverse=True):
        if name.endswith(ext):
            return READERS[ext]
    return None


def sniff(data: bytes, origin: str, max_bytes: int) -> Iterator[Article | Skipped]:
    head = data.lstrip()[:1]
    if head == b"{":
        yield from jsonl.read_lines(data.splitlines(), origin, max_bytes)
    elif head == b"<":
        yield _decoded(data, origin, max_bytes * 4, from_html)
    else:
        yield _decoded(data, origin, max_bytes, from_text)


class _Prefixed(io.RawIOBase):
    """A stream that gives ``head`` (bytes already read to sniff it) and then the rest of ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.head[: len(buffer)] if self.head else self.rest.read(len(buffer))
        self.head = self.head[len(data) :]
        buffer[: len(data)] = data
        return len(data)


def read_stream(stream: IO[bytes], origin: str, max_bytes: int) -> Iterator[Article | Skipped]:
    """A stream of unknown kind (standard input): gzip, JSON Lines, HTML or text, read as it arrives."""
    head = stream.read(4096)
    if head.startswith(b"\x1f\x8b"):
        stream = gzip.GzipFile(fileobj=io.BufferedReader(_Prefixed(head, stream)))  # type: ignore[assignment]
        head = stream.read(4096)
    if head.lstrip()[:1] == b"{":
        lines = jsonl.capped_lines(io.BufferedReader(_Prefixed(head, stream)), max_bytes * jsonl.LINE_FACTOR, origin)
        yield from jsonl.read_lines(lines, origin, max_bytes)
        return
    cap = max_bytes * (4 if head.lstrip()[:1] == b"<" else 1)
    data = head + read_capped(stream, max(0, cap - len(head)), origin)
    yield from sniff(data, origin, max_bytes)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | str]:
    """Expand folders (recursively, known extensions only, sorted); keep '-' as is."""
    for p in paths:
        if str(p) == "-":
            yield "-"
            continue
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and reader_for(child) is not None and not child.name.startswith("."):
                    yield child
        else:
            yield path


def read(paths: Iterable[str | Path], max_bytes: int = 5_000_000) -> Iterator[Article | Skipped]:
    """Every document in ``paths``, in order; unreadable ones (and repeated ids) as Skipped."""
    seen: dict[str, tuple[str, str]] = {}  # id -> (content hash, where it was read)
    for item in _read(paths, max_bytes):
        if isinstance(item, Article):
            first = seen.setdefault(item.id, (item.content_hash, item.origin or "?"))
            if first[0] != item.content_hash:
                err = DuplicateIdError(
                    f"id {item.id!r} was already read from {first[1]} with other content: the first is kept",
                    origin=item.origin,
                )
                yield Skipped(item.origin or item.id, err.message, err.code)
                continue
        yield item


def _read(paths: Iterable[str | Path], max_bytes: int) -> Iterator[Article | Skipped]:
    for item in iter_files(paths):
        origin = "<stdin>" if item == "-" else str(item)
        try:
            if item == "-":
                yield from read_stream(sys.stdin.buffer, origin, max_bytes)
                continue
            assert isinstance(item, Path)
            if not item.exists():
                raise UnreadableError("no such file or directory", origin=origin)
            reader = reader_for(item)
            if reader is None:
                _check_size(item, max_bytes, factor=4)
                data = _read_bytes(item, max_bytes * 4)
                if not data.strip():
                    raise UnsupportedFormatError("empty file of unknown type", origin=origin)
                yield from sniff(data, origin, max_bytes)
            else:
                yield from reader(item, max_bytes)
        except InputError as exc:
            yield Skipped(exc.origin or origin, exc.message, exc.code)
