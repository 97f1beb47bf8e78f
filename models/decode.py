"""Turn the bytes of a corpus file into text, or say why they are not text.

UTF-8 (with or without BOM), UTF-16 (BOM, or BOM-less detected by its NUL pattern) and a
cp1252 fallback, line by line for files that mix encodings.
"""

from __future__ import annotations

import codecs
import re

_SAMPLE = 8192
_BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"PK\x03\x04": "ZIP/Office",
    b"\x89PNG": "PNG",
    b"GIF8": "GIF",
    b"\xff\xd8\xff": "JPEG",
    b"\x1f\x8b": "gzip",
    b"\x7fELF": "executable",
    b"MZ": "executable",
    b"SQLite format": "SQLite",
}
# C0 controls other than tab, newline, carriage return, form feed; plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + b"\x0b" + bytes(range(0x0E, 0x20)) + b"\x7f"


class DecodeError(ValueError):
    """The bytes are not readable text; ``reason`` says why (e.g. "binary file (PDF)")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_bytes(data: bytes) -> str:
    r"""Decode a text file's bytes; raise :class:`DecodeError` for empty or binary data.

    >>> decode_bytes("naïve".encode("utf-16"))
    'naïve'
    >>> decode_bytes("café".encode("cp1252"))
    'café'
    """
    return decode_with_notes(data)[0]


def decode_with_notes(data: bytes) -> tuple[str, list[str]]:
    """Like :func:`decode_bytes`, also returning notes on repairs (truncation, mixed encodings)."""
    if not data.strip():
        raise DecodeError("file is empty" if not data else "file contains only whitespace")
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        text = _decode_utf8_lines(data[3:], notes)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_utf16(data, "utf-16", notes)
    else:
        utf16 = _utf16_without_bom(data[:_SAMPLE])
        if utf16:
            text = _decode_utf16(data, utf16, notes)
        else:
            _refuse_binary(data)
            text = _decode_utf8_lines(data, notes)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text[:_SAMPLE]))
    if controls > max(8, len(text[:_SAMPLE]) // 20):
        raise DecodeError(f"binary data ({controls} control characters in the first {_SAMPLE})")
    text = _CONTROL.sub("", text)
    if not text.strip():
        raise DecodeError("file contains no text")
    return text, notes


def _refuse_binary(data: bytes) -> None:
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise DecodeError(f"binary file ({kind})")
    head = data[:_SAMPLE]
    if b"\x00" in head:
        raise DecodeError(f"binary data ({head.count(0)} NUL bytes, not UTF-16 text)")
    ctrl = sum(head.count(b) for b in _CONTROL_BYTES)
    if ctrl > max(8, len(head) // 20):
        raise DecodeError(f"binary data ({ctrl} control bytes in the first {len(head)})")


def _utf16_without_bom(head: bytes) -> str:
    """``"utf-16-le"``/``"utf-16-be"`` when NULs fill one byte column of mostly-ASCII text."""
    if len(head) < 4:
        return ""
    even, odd = head[0::2], head[1::2]
    nul_even, nul_odd = even.count(0), odd.count(0)
    if nul_odd > 0.4 * len(odd) and nul_even < 0.05 * len(even):
        return "utf-16-le"
    if nul_even > 0.4 * len(even) and nul_odd < 0.05 * len(odd):
        return "utf-16-be"
    return ""


def _decode_utf16(data: bytes, codec: str, notes: list[str]) -> str:
    if len(data) % 2:
        notes.append("truncated UTF-16 (odd number of bytes): last byte dropped")
        data = data[:-1]
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        bad = data.decode(codec, errors="replace").count("\ufffd")
        if bad > max(4, len(data) // 200):
            raise DecodeError(f"undecodable UTF-16 ({err.reason} at byte {err.start})") from None
        notes.append(f"{bad} undecodable UTF-16 sequence(s) replaced")
        return data.decode(codec, errors="replace")


def _decode_utf8_lines(data: bytes, notes: list[str]) -> str:
    """UTF-8, falling back to cp1252 per line (mixed files) and repairing a cut-off tail."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        cut_off = err.reason == "unexpected end of data" and err.start >= len(data) - 3
        if cut_off and not data[: err.start].isascii():  # real UTF-8 before: a cut-off tail
            notes.append("truncated UTF-8 (incomplete last character dropped)")
            return data[: err.start].decode("utf-8")
    lines = data.split(b"\n")
    out, fallback, utf8 = [], 0, 0
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            fallback += 1
            out.append(line.decode("cp1252", errors="replace"))
    if utf8:  # some lines really are UTF-8: the file mixes encodings
        notes.append(f"mixed encodings: {fallback} of {len(lines)} lines read as cp1252")
    return "\n".join(out)
