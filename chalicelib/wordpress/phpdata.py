"""PHP `serialize()` values as WordPress stores them in postmeta (WooCommerce's `_product_attributes`).

Only data is read: null, booleans, integers, floats, strings (whose length PHP counts in bytes) and
arrays. Objects, references and anything else are refused, so a hostile export cannot make this
build anything but plain Python values.

This module must never call PHP, eval anything, or recurse without bound.
"""

from __future__ import annotations

import re

PhpValue = None | bool | int | float | str | dict[str | int, "PhpValue"]
MAX_DEPTH = 32
NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|-?INF|NAN")


class NotPhpData(ValueError):
    """The text is not a PHP serialized value this reader accepts."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def expect(self, token: bytes) -> None:
        if not self.data.startswith(token, self.pos):
            raise NotPhpData(f"expected {token.decode()!r} at byte {self.pos}")
        self.pos += len(token)

    def until(self, stop: bytes) -> bytes:
        end = self.data.find(stop, self.pos)
        if end < 0:
            raise NotPhpData(f"unterminated value at byte {self.pos}")
        value = self.data[self.pos : end]
        self.pos = end + len(stop)
        return value

    def integer(self, stop: bytes) -> int:
        raw = self.until(stop)
        if not re.fullmatch(rb"-?\d{1,19}", raw):
            raise NotPhpData(f"not an integer: {raw[:20]!r}")
        return int(raw)

    def value(self, depth: int = 0) -> PhpValue:
        if depth > MAX_DEPTH:
            raise NotPhpData("nested too deeply")
        kind = self.data[self.pos : self.pos + 2]
        if self.data.startswith(b"N;", self.pos):
            self.pos += 2
            return None
        self.pos += 2
        if kind == b"b:":
            flag = self.until(b";")
            if flag not in (b"0", b"1"):
                raise NotPhpData("a boolean is 0 or 1")
            return flag == b"1"
        if kind == b"i:":
            return self.integer(b";")
        if kind == b"d:":
            raw = self.until(b";")
            if not NUMBER.fullmatch(raw):
                raise NotPhpData(f"not a number: {raw[:20]!r}")
            return float(raw.replace(b"NAN", b"nan").replace(b"INF", b"inf"))
        if kind == b"s:":
            length = self.integer(b":")
            self.expect(b'"')
            raw = self.data[self.pos : self.pos + length]
            if length < 0 or len(raw) != length:
                raise NotPhpData("a string runs past the end")
            self.pos += length
            self.expect(b'";')
            return raw.decode("utf-8", errors="replace")
        if kind == b"a:":
            count = self.integer(b":")
            self.expect(b"{")
            items: dict[str | int, PhpValue] = {}
            for _ in range(count):
                key = self.value(depth + 1)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise NotPhpData("an array key is a string or an integer")
                items[key] = self.value(depth + 1)
            self.expect(b"}")
            return items
        raise NotPhpData(f"unsupported PHP value {kind.decode(errors='replace')!r} at byte {self.pos - 2}")


def php_unserialize(text: str) -> PhpValue:
    """The value of a PHP-serialized string; raises NotPhpData for anything else."""
    reader = _Reader(text.strip().encode("utf-8"))
    value = reader.value()
    if reader.pos != len(reader.data):
        raise NotPhpData(f"trailing data at byte {reader.pos}")
    return value
