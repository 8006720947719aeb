"""Make a WordPress export strict XML on the fly, the way WordPress's own importer would read it.

Real exports are not always strict XML: plugins write raw `&` into URLs, old exporters nested
`<![CDATA[` sections inside each other, and pasted text brings control characters (a ^P in a post) that
XML cannot hold, what PHP printed lands before the XML declaration, and stray text sits between the
declaration and the root (a theme's `<meta>` tag too). WordPress's importer reads all five, so we repair
exactly those faults while streaming, never changing the number of lines (error line numbers stay true).
A raw `&` is always repaired (strict XML refuses it anyway); nested sections only with `nested_cdata`,
as a second reading of an export that failed as XML where a `]]>` had text after it (`converter`).

It also refuses DOCTYPE and ENTITY declarations outright: a WXR file never needs them and they are
the door to entity bombs and external fetches.

This module must never buffer the whole export, add or remove newlines, or touch bytes inside a
well-formed CDATA section (but the control characters no XML can hold).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Protocol

from chalicelib.errors import ConversionError

CDATA_OPEN = b"<![CDATA["
CDATA_CLOSE = b"]]>"
# The escaped form of a `]]>` that belongs to the content, as WordPress's exporter writes it.
CDATA_CLOSE_ESCAPED = b"]]]]><![CDATA[>"
# What follows the `]]>` that ends a section: another section, or an end tag, whole and in view, that
# is not a script's or a style's. Ad and analytics snippets pasted into posts wrap their code in
# `// <![CDATA[ ... // ]]></script>`: that `]]>` is the post's, inside the export's own section.
CLOSE_FOLLOWS = rb"[ \t\r\n]*(?:<!\[CDATA\[|</(?!(?i:script|style)[ \t\r\n>])[\w.:-]+[ \t\r\n]*>)"
# With nested_cdata, a `]]>` ends a section only when one of those follows it.
REAL_CLOSE = re.compile(rb"\]\]>" + CLOSE_FOLLOWS)
OUTSIDE_TOKEN = re.compile(rb"&|<!--|<!\[CDATA\[|<!(?i:doctype|entity)")
VALID_REFERENCE = re.compile(rb"&(?:#[0-9]{1,8};|#x[0-9a-fA-F]{1,8};|(?:amp|lt|gt|quot|apos);)")
# What the loop below would pass on unchanged, matched in one call: text without `&` or `<!`, valid
# references, and CDATA sections with no `]]>` inside that a real close ends (REAL_CLOSE). Most of an
# export is this, so the per-token loop runs only where something may need repair. Every lookahead is a
# positive one: at the end of what is in view, "not followed by" would hold for a `<` whose `!` is
# still to come.
CLEAN_RUN = re.compile(
    rb"(?:[^&<]+|<(?=[^!])"
    rb"|&(?:#[0-9]{1,8};|#x[0-9a-fA-F]{1,8};|(?:amp|lt|gt|quot|apos);)"
    rb"|<!\[CDATA\[[^\]]*(?:\](?!\]>)[^\]]*)*\]\]>(?=" + CLOSE_FOLLOWS + rb"))*"
)
# C0 control characters, which XML cannot hold even as references (tab, newline and return it can).
# WordPress's importer reads an export that has them with its regex parser, which takes them as text;
# they show as nothing in a browser, so they are dropped. No byte of a multi-byte UTF-8 sequence is one.
CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r")
CONTROL = re.compile(b"[" + re.escape(CONTROL_BYTES) + b"]")
# What PHP printed before the XML declaration: blank lines (a theme's or plugin's file that ends in a
# newline after its `?>` prints one before every export WordPress writes), a plugin's admin notice
# (`<div class="updated">`), or a static site generator's front matter (`---`) added after. Strict XML
# refuses the declaration after them; WordPress's importer reads the file with its fallback parsers.
# The declaration is moved to the start and what was before it dropped but its newlines, so every line
# after it keeps its number.
# (A byte order mark alone is no debris: the mark is taken whole first, possessively.)
LEADING_DEBRIS = re.compile(rb"\A(\xef\xbb\xbf)?+(.{1,16384}?)(<\?xml[^<>]{0,200}\?>)", re.S)
# What the prolog (between the declaration and the root element) may hold: space, comments and processing
# instructions; a declaration (`<!DOCTYPE`, `<!ENTITY`) ends the walk (each is refused below). Other text
# there (a real export's "adgeagaegww" typed before one of WordPress's comments) strict XML refuses;
# WordPress's importer reads the file with its regex parser, which looks only at the items. It is dropped
# but its newlines.
PROLOG_PART = re.compile(rb"[ \t\r\n]+|<!--.*?-->|<\?.*?\?>", re.S)
PROLOG_END = re.compile(rb"<(?:[A-Za-z_]|!(?!--))")
#: A WXR file's root element; and a start or empty tag before it that is not (see `_without_prolog_text`).
ROOT = re.compile(rb"<rss[ \t\r\n>]")
STRAY_TAG = re.compile(rb"<[A-Za-z_][\w.:-]*(?:[ \t\r\n][^<>]{0,2000})?/?>")
MAX_PROLOG = 16384
LOOKAHEAD = 64
# Small reads keep the parser's and this module's buffers small (1 MB reads cost 15 MB of peak memory).
CHUNK = 1 << 16


class ByteSource(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class StrictXmlStream:
    """Yields chunks of repaired XML from a binary export file."""

    def __init__(self, source: ByteSource, *, name: str, nested_cdata: bool = False) -> None:
        self._source = source
        self._name = name
        # False: every `]]>` ends its section, as strict XML reads it (and WordPress's importer, whose
        # first parser is SimpleXML). True: a `]]>` that no markup follows is content, as old exporters
        # that nested sections meant it and the importer's last-resort regex parser reads it.
        self._nested_cdata = nested_cdata
        self.inner_closes = 0  # with nested_cdata: each `]]>` read as part of a section's content
        self.suspect_closes = 0  # without: each `]]>` that no markup follows (a nested section's?)
        self._buffer = b""
        self._eof = False
        self._in_cdata = False
        self._line = 1
        self._first = True  # the first read: where what PHP printed before the declaration is
        self.repaired: Counter[str] = Counter()  # what was repaired (see KINDS), how many times
        self.first_line: dict[str, int] = {}  # the line each kind was first repaired on, where known

    @property
    def repairs(self) -> int:
        return sum(self.repaired.values())

    def _repair(self, kind: str, count: int = 1, line: int = 0) -> None:
        self.repaired[kind] += count
        if line and kind not in self.first_line:
            self.first_line[kind] = line

    def describe(self) -> str:
        """What was repaired, by kind in the order of their first lines, each with that line where
        known: `2 raw '&' (the first on line 12), 1 control characters (the first on line 2433)`."""
        return ", ".join(
            f"{count} {kind}"
            + (f" (the first on line {self.first_line[kind]})" if kind in self.first_line else "")
            for kind, count in sorted(
                self.repaired.items(), key=lambda kc: self.first_line.get(kc[0], 1 << 62)
            )
        )

    def chunks(self) -> Iterator[bytes]:
        stalled = False
        while True:
            # A long CDATA section can hold more than one chunk: read on until it closes.
            if not self._eof and (stalled or len(self._buffer) < CHUNK):
                data = self._source.read(CHUNK)
                if not data:
                    self._eof = True
                elif self._first and (debris := LEADING_DEBRIS.match(data)) and b"<rss" not in debris[2]:
                    bom, before, declaration = debris.groups()
                    data = (bom or b"") + declaration + b"\n" * before.count(b"\n") + data[debris.end() :]
                    self._repair("text printed before the XML declaration", line=1)
                if self._first:
                    data, dropped = _without_prolog_text(data)
                    if dropped:
                        self._repair("text or tags typed before <rss>", dropped)
                self._first = False
                kept = data.translate(None, CONTROL_BYTES)
                if len(kept) != len(data):
                    at = CONTROL.search(data)
                    line = (
                        self._line + self._buffer.count(b"\n") + data.count(b"\n", 0, at.start() if at else 0)
                    )
                    self._repair("control characters", len(data) - len(kept), line)
                data = kept
                self._buffer += data
            before = len(self._buffer)
            out = self._process()
            stalled = len(self._buffer) == before
            if out:
                yield out
            if self._eof and not self._buffer:
                return

    def _process(self) -> bytes:
        buf = self._buffer
        out: list[bytes] = []
        pos = 0
        limit = len(buf) if self._eof else max(0, len(buf) - LOOKAHEAD)
        while pos < limit:
            if self._in_cdata:
                end = self._find_real_close(buf, pos)
                if end is None:
                    if self._eof:
                        # Unclosed CDATA: pass it on, the XML parser reports the truncation and line.
                        out.append(buf[pos:])
                        pos = len(buf)
                    # Otherwise keep the tail until we can see what follows its next `]]>`.
                    break
                out.append(self._escape_inner_closes(buf[pos:end]))
                out.append(CDATA_CLOSE)
                pos = end + len(CDATA_CLOSE)
                self._in_cdata = False
                continue
            # Ends at `limit` like the loop, so a section is only skipped when its close is in view.
            run = CLEAN_RUN.match(buf, pos, limit)
            clean = run.end() if run is not None else pos
            if clean > pos:
                out.append(buf[pos:clean])
                pos = clean
                continue
            match = OUTSIDE_TOKEN.search(buf, pos)
            if match is None or match.start() >= limit:
                out.append(buf[pos:limit])
                pos = limit
                break
            start = match.start()
            out.append(buf[pos:start])
            token = match.group()
            if token == b"&":
                if VALID_REFERENCE.match(buf, start):
                    out.append(b"&")
                else:
                    out.append(b"&amp;")
                    line = 0 if "raw '&'" in self.first_line else self._line + buf.count(b"\n", 0, start)
                    self._repair("raw '&'", line=line)
                pos = start + 1
            elif token == b"<!--":
                end = buf.find(b"-->", match.end())
                if end < 0 and not self._eof:
                    pos = start
                    break
                pos = len(buf) if end < 0 else end + 3
                out.append(buf[start:pos])
            elif token == CDATA_OPEN:
                out.append(CDATA_OPEN)
                pos = match.end()
                self._in_cdata = True
            else:
                line = self._line + buf.count(b"\n", 0, start)
                raise ConversionError(
                    "the export declares a DOCTYPE or ENTITY; WordPress exports never do, and entity "
                    "declarations are refused (they can expand without bound or fetch remote files)",
                    line=line,
                    source=self._name,
                )
        done = b"".join(out)
        self._line += buf.count(b"\n", 0, pos)
        self._buffer = buf[pos:]
        return done

    def _find_real_close(self, buf: bytes, pos: int) -> int | None:
        if not self._nested_cdata:
            close = buf.find(CDATA_CLOSE, pos)
            if close < 0 or (close + LOOKAHEAD > len(buf) and not self._eof):
                return None  # what follows the close decides whether it is suspect: wait for it
            if not REAL_CLOSE.match(buf, close) and buf[close + 3 :].strip():
                self.suspect_closes += 1
            return close
        if not self._eof:
            # The first `]]>` that REAL_CLOSE matches, as the loop below finds it: an earlier one near
            # the end of the buffer, or this one there, waits for more data either way.
            real = REAL_CLOSE.search(buf, pos)
            return real.start() if real is not None and real.start() + LOOKAHEAD <= len(buf) else None
        # At the end of the export, a last `]]>` with only whitespace after it closes too.
        search_from = pos
        while True:
            close = buf.find(CDATA_CLOSE, search_from)
            if close < 0:
                return None
            if REAL_CLOSE.match(buf, close) or close + 3 >= len(buf.rstrip()):
                return close
            search_from = close + 1

    def _escape_inner_closes(self, content: bytes) -> bytes:
        count = content.count(CDATA_CLOSE)
        if count:
            self._repair("nested CDATA sections", count)
            self.inner_closes += count
            return content.replace(CDATA_CLOSE, CDATA_CLOSE_ESCAPED)
        return content


def _without_prolog_text(data: bytes) -> tuple[bytes, int]:
    """`data` (an export's first read) without the text between its declaration and its root element
    that is neither space, a comment nor a processing instruction (see `PROLOG_PART`), but its
    newlines; and how many runs of it were dropped. Only where the root starts within `MAX_PROLOG`
    bytes of the declaration's end, all in `data`."""
    declaration = re.match(rb"(?:\xef\xbb\xbf)?<\?xml[^<>]{0,200}\?>", data)
    if declaration is None:
        return data, 0
    out, pos, dropped = [data[: declaration.end()]], declaration.end(), 0
    end = min(len(data), pos + MAX_PROLOG)
    while pos < end:
        if PROLOG_END.match(data, pos):
            if ROOT.match(data, pos) or (tag := STRAY_TAG.match(data, pos)) is None:
                return b"".join(out) + data[pos:], dropped
            # A tag a theme printed before <rss> (Equity's `<meta name="generator" ...>`): WordPress's
            # importer reads past it with its regex parser; dropped, but its newlines.
            out.append(b"\n" * tag.group(0).count(b"\n"))
            pos, dropped = tag.end(), dropped + 1
            continue
        if part := PROLOG_PART.match(data, pos):
            out.append(part.group(0))
            pos = part.end()
            continue
        text_end = data.find(b"<", pos + 1, end)
        if text_end < 0:
            break
        out.append(b"\n" * data.count(b"\n", pos, text_end))
        pos, dropped = text_end, dropped + 1
    return data, 0
