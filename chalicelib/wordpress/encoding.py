"""Exports in UTF-16 or UTF-32 read as UTF-8, so every byte-level check after this sees ASCII markup.

The repair and DOCTYPE refusal in `xmlrepair` look for ASCII bytes (`&`, `<![CDATA[`, `<!DOCTYPE`);
in a UTF-16 file those are interleaved with zero bytes and would go unseen. This wrapper finds a
UTF-16/32 export by its byte-order mark or its first bytes (`<?` in the wide encodings, as the XML
spec's appendix F describes), decodes it incrementally and re-encodes it as UTF-8, with the XML
declaration's `encoding` changed to match. Newlines are kept, so line numbers in errors stay true.

An export declared ISO-8859-1 (or US-ASCII, or windows-1252) is read as browsers read such a page:
as windows-1252, whose bytes 0x80-0x9F are Word's curly quotes, dashes and ellipses (the Encoding
Standard maps all these labels to it). An old site in ISO-8859-1 showed them so, and lxml read them as
invisible control characters. Other ASCII-compatible encodings (UTF-8, ISO-8859-x, windows-125x) are
passed through untouched: lxml decodes them by their declaration.

This module must never read the whole export into memory or change anything but the encoding.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from chalicelib.errors import ConversionError

SIGNATURES = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\0\0\0", "utf-32-le"),
    (b"\0\0\0<", "utf-32-be"),
    (b"<\0?\0", "utf-16-le"),
    (b"\0<\0?", "utf-16-be"),
)
DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
DECLARED_NAME = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,40})["']""")
#: The labels the Encoding Standard (encoding.spec.whatwg.org) reads as windows-1252.
WINDOWS_1252 = frozenset(
    {
        "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
        "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii",
        "windows-1252", "x-cp1252",
    }
)  # fmt: skip
#: The five bytes windows-1252 leaves undefined are read as browsers read them: their C1 code point.
UNDEFINED_AS_C1 = "presslift-windows-1252-c1"


def _undefined_as_c1(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return chr(error.object[error.start]), error.start + 1


codecs.register_error(UNDEFINED_AS_C1, _undefined_as_c1)


def wide_encoding(head: bytes) -> tuple[str, int]:
    """The UTF-16/32 codec the export starts with and the length of its byte-order mark, or ("", 0)."""
    for signature, codec in SIGNATURES:
        if head.startswith(signature):
            return codec, len(signature) if signature.startswith((b"\xff", b"\xfe", b"\0\0\xfe")) else 0
    return "", 0


class Utf8Reader:
    """A binary file-like `read(n)` that gives UTF-8 for a UTF-16/32 source."""

    def __init__(self, source: BinaryIO, codec: str, *, name: str, errors: str = "strict") -> None:
        self._source = source
        self._decoder = codecs.getincrementaldecoder(codec)(errors)
        self._codec = codec
        self._name = name
        self._line = 1
        self._first = True

    def read(self, size: int = -1, /) -> bytes:
        data = self._source.read(size if size > 0 else -1)
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise ConversionError(
                f"the export is not valid in its declared encoding ({self._codec.upper()}: {error.reason})",
                line=self._line,
                source=self._name,
            ) from None
        if self._first and text:
            self._first = False
            text = DECLARED_ENCODING.sub(lambda m: f"{m.group(1)}{m.group(2)}UTF-8{m.group(2)}", text, 1)
        self._line += text.count("\n")
        return text.encode("utf-8")


def utf8_source(source: BinaryIO, *, name: str) -> BinaryIO | Utf8Reader:
    """`source` itself, or a UTF-8 view of it when the export is UTF-16 or UTF-32, or declared in an
    encoding browsers read as windows-1252."""
    head = source.read(4)
    codec, bom = wide_encoding(head)
    source.seek(bom if codec else 0)
    if codec:
        return Utf8Reader(source, codec, name=name)
    declared = DECLARED_NAME.match(source.read(256))
    source.seek(0)
    if declared and declared.group(1).decode("ascii", "replace").strip().lower() in WINDOWS_1252:
        return Utf8Reader(source, "cp1252", name=name, errors=UNDEFINED_AS_C1)
    return source
