"""Turn raw bytes into text, or say precisely why not.

Reading never grows past its cap: :func:`read_capped` reads a stream (a file,
a gzip member, stdin) in chunks and refuses it (E104) as soon as more bytes
arrive than allowed, so a small gzip file that inflates to gigabytes is refused
having held at most the cap in memory.

Whatever a reader repaired or guessed (text that is not UTF-8 read as cp1252,
bad bytes replaced, an impossible date dropped) is said: :func:`warn` logs it
at WARNING and lists it in the document's ``metadata["warnings"]``.
"""

from __future__ import annotations

import logging
import re
from typing import IO

from ..errors import BinaryInputError, EmptyInputError, EncodingError, InputError, OversizedInputError
from ..model import Article

log = logging.getLogger(__name__)

_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))
CHUNK = 1 << 20


def read_capped(fh: IO[bytes], cap: int, origin: str, what: str = "bytes") -> bytes:
    """All of ``fh``, refused (E104) as soon as it holds more than ``cap`` bytes."""
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = fh.read(min(CHUNK, cap + 1 - size))
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > cap:
            raise OversizedInputError(f"more than {cap:,} {what}, over the limit (max_text_bytes)", origin=origin)
        parts.append(chunk)


def warn(article: Article, error: InputError) -> None:
    """Keep the document, and say what was wrong with its input."""
    message = error.render()
    log.warning("%s", message)
    article.metadata.setdefault("warnings", []).append(message)


def decode(data: bytes, origin: str, max_bytes: int, notes: list[InputError] | None = None) -> str:
    """Decode document bytes; raises a specific InputError naming ``origin``.

    What was guessed (a legacy encoding) is appended to ``notes`` when given.
    """
    if len(data) > max_bytes:
        raise OversizedInputError(
            f"{len(data):,} bytes, over the limit of {max_bytes:,} (max_text_bytes)", origin=origin
        )
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding), origin)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"invalid {encoding} at byte {exc.start}", origin=origin) from exc
    if b"\x00" in data[:8192]:
        raise BinaryInputError("binary data (NUL bytes), not text", origin=origin)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Legacy single-byte encodings are common in old news archives; accept
        # cp1252 only when it yields ordinary text, else report the bad byte.
        bad = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise EncodingError(f"not valid UTF-8 ({bad}) nor cp1252", origin=origin) from exc
        if sum(1 for c in text if ord(c) > 127) > max(20, len(text) // 20):
            raise EncodingError(f"not valid UTF-8 ({bad})", origin=origin) from exc
        if notes is not None:
            notes.append(EncodingError(f"not valid UTF-8 ({bad}): read as cp1252 (Windows Latin-1)", origin=origin))
    return _check_text(text, origin)


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # control characters other than \t \n \f \r


def _check_text(text: str, origin: str) -> str:
    if not text.strip():
        raise EmptyInputError("empty document (no text)", origin=origin)
    sample = text[:8192]
    control = len(_CONTROL.findall(sample))
    if control > max(8, len(sample) // 100):
        raise BinaryInputError(f"binary data ({control} control characters in the first 8 KB)", origin=origin)
    if "\ufffd" in sample and sample.count("\ufffd") > max(8, len(sample) // 200):
        raise EncodingError("mis-encoded text (many U+FFFD replacement characters)", origin=origin)
    return text.replace("\r\n", "\n").replace("\r", "\n")
