"""Turn raw bytes into text, or say precisely why not."""

from __future__ import annotations

from ..errors import BinaryInputError, EmptyInputError, EncodingError, OversizedInputError

_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


def decode(data: bytes, origin: str, max_bytes: int) -> str:
    """Decode document bytes; raises a specific InputError naming ``origin``."""
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
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise EncodingError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) nor cp1252", origin=origin
            ) from exc
        if sum(1 for c in text if ord(c) > 127) > max(20, len(text) // 20):
            raise EncodingError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", origin=origin
            ) from exc
    return _check_text(text, origin)


def _check_text(text: str, origin: str) -> str:
    if not text.strip():
        raise EmptyInputError("empty document (no text)", origin=origin)
    sample = text[:8192]
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if control > max(8, len(sample) // 100):
        raise BinaryInputError(f"binary data ({control} control characters in the first 8 KB)", origin=origin)
    if "\ufffd" in sample and sample.count("\ufffd") > max(8, len(sample) // 200):
        raise EncodingError("mis-encoded text (many U+FFFD replacement characters)", origin=origin)
    return text.replace("\r\n", "\n").replace("\r", "\n")
