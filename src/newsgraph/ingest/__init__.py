"""Sources -> Articles. One reader per format; :func:`read` dispatches paths to them.

``read(paths)`` yields an :class:`~newsgraph.model.Article` for each document
it could read and a :class:`~newsgraph.model.Skipped` (with the file, line and
reason) for each it could not. Folders are walked recursively by extension;
``-`` reads standard input, sniffing JSON Lines, HTML or plain text.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError, UnreadableError, UnsupportedFormatError
from ..model import Article, Skipped
from . import jsonl
from .decode import decode
from .html import from_html
from .text import from_text
from .warc import WARC_EXT, read_archive

Reader = Callable[[Path, int], Iterator[Article | Skipped]]

TEXT_EXT = (".txt", ".text", ".md")
HTML_EXT = (".html", ".htm", ".xhtml", ".shtml")
JSONL_EXT = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")


def _read_bytes(path: Path) -> bytes:
    try:
        if path.name.endswith(".gz"):
            import gzip

            with gzip.open(path, "rb") as fh:
                return fh.read()
        return path.read_bytes()
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
        from ..errors import OversizedInputError

        raise OversizedInputError(f"{size:,} bytes, over the limit of {max_bytes * factor:,}", origin=str(path))


def read_text_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    _check_size(path, max_bytes)
    yield from_text(decode(_read_bytes(path), str(path), max_bytes), str(path))


def read_html_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    _check_size(path, max_bytes, factor=4)
    yield from_html(decode(_read_bytes(path), str(path), max_bytes * 4), str(path))


def read_warc_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    yield from read_archive(path, max_bytes)


def read_jsonl_file(path: Path, max_bytes: int) -> Iterator[Article | Skipped]:
    import gzip
    from typing import BinaryIO

    try:
        fh: BinaryIO = gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb")  # type: ignore[assignment]  # noqa: SIM115
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror or exc}", origin=str(path)) from exc
    with fh:
        try:
            yield from jsonl.read_lines(fh, str(path), max_bytes)
        except (OSError, EOFError) as exc:
            raise UnreadableError(f"read failed part-way: {exc}", origin=str(path)) from exc


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
        yield from_html(decode(data, origin, max_bytes * 4), origin)
    else:
        yield from_text(decode(data, origin, max_bytes), origin)


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
    """Every document in ``paths``, in order; unreadable ones as Skipped."""
    for item in iter_files(paths):
        origin = "<stdin>" if item == "-" else str(item)
        try:
            if item == "-":
                yield from sniff(sys.stdin.buffer.read(), origin, max_bytes)
                continue
            assert isinstance(item, Path)
            if not item.exists():
                raise UnreadableError("no such file or directory", origin=origin)
            reader = reader_for(item)
            if reader is None:
                _check_size(item, max_bytes, factor=4)
                data = _read_bytes(item)
                if not data.strip():
                    raise UnsupportedFormatError("empty file of unknown type", origin=origin)
                yield from sniff(data, origin, max_bytes)
            else:
                yield from reader(item, max_bytes)
        except InputError as exc:
            yield Skipped(exc.origin or origin, exc.message, exc.code)
