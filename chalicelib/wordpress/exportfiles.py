"""An export as it arrives: one WXR file, or the parts one export was split into, or an archive of them.

WP-CLI's `wp export` writes a site over 15 MB as numbered files (`harbour.wordpress.2026-05-01.000.xml`,
`.001.xml`, ...), each a whole WXR file with the same header, and WordPress.com mails its export as
a `.zip` of such files. Converting one part alone would publish a site without the others' posts (and
a later part, imported on its own, would take the earlier part's posts off the site). `gather` takes
what it is given (XML files, `.zip` archives of them, `.xml.gz` files) and gives the converter one
export: the first part as written up to the end of its channel, then the items of each later part,
in the order of their names. The parts are copied as bytes, never parsed here: the converter reads
the result as WordPress's importer reads any export, and `Parts.where` maps a line of the result back
to its part, so an error names the file the operator has. Archives are read with caps on their
members' number and size, and a member's name is never used as a path.
"""

from __future__ import annotations

import gzip
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from chalicelib.errors import ConversionError

#: An archive may hold at most this many exports, and this many bytes of them in all (decompressed).
MAX_PARTS = 200
MAX_BYTES = 8_000_000_000
_CHUNK = 1 << 20
_TAIL = 1 << 16
_DECLARATION = re.compile(rb"<!(?i:doctype|entity)")
_ITEM_OPEN = re.compile(rb"<item[\s>]")
_PART_NUMBER = re.compile(r"\.\d{3}(?=\.xml$)")


@dataclass
class Parts:
    """Where each part's lines start in the gathered export, to name a line by its own file."""

    names: list[str] = field(default_factory=list)
    #: (first line in the gathered export, the part's name, that line's number in the part)
    starts: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the report names the export: its file, or its first part and how many more."""
        more = len(self.names) - 1
        return self.names[0] + (f" (and {more} more part{'s' * (more != 1)})" if more else "")

    def where(self, line: int) -> tuple[str, int]:
        """The part and its line for `line` of the gathered export."""
        found = self.starts[0]
        for start in self.starts:
            if start[0] > line:
                break
            found = start
        return found[1], found[2] + line - found[0]


@contextmanager
def gathered(sources: Sequence[Path], scratch: Path) -> Iterator[tuple[Path, Parts]]:
    """One export file from `sources` (files the caller has checked exist: see `convert_export`),
    written in `scratch` when it takes more than one file, and the parts it was gathered from; the
    scratch files go when the block ends."""
    made: list[Path] = []
    try:
        parts = _parts(sources, scratch, made)
        if len(parts) == 1:
            name, path = parts[0]
            yield path, Parts([name], [(1, name, 1)])
            return
        into = scratch / _gathered_name([name for name, _ in parts])
        made.append(into)
        yield into, _write(parts, into)
    finally:
        for path in made:
            path.unlink(missing_ok=True)


def _parts(sources: Sequence[Path], scratch: Path, made: list[Path]) -> list[tuple[str, Path]]:
    parts: list[tuple[str, Path]] = []
    total = 0
    for source in sources:
        lower = source.name.lower()
        if lower.endswith(".zip"):
            parts += _from_zip(source, scratch, made, MAX_BYTES - total)
        elif lower.endswith(".gz"):
            parts.append(_from_gzip(source, scratch, made, MAX_BYTES - total))
        else:
            parts.append((source.name, source))
        total = sum(path.stat().st_size for _, path in parts)
        if len(parts) > MAX_PARTS:
            raise ConversionError(f"more than {MAX_PARTS} export files at once", source=source.name)
    if not parts:
        raise ConversionError(
            "the archive holds no export (.xml file); the site's media go beside the export as uploads.zip",
            source=sources[0].name,
        )
    return sorted(parts, key=lambda part: part[0])


def _from_zip(source: Path, scratch: Path, made: list[Path], room: int) -> list[tuple[str, Path]]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ConversionError(f"not a zip archive ({exc})", source=source.name) from exc
    found: list[tuple[str, Path]] = []
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".xml")
            and not info.filename.startswith("__MACOSX/")
        ]
        if len(members) > MAX_PARTS:
            raise ConversionError(f"holds more than {MAX_PARTS} export files", source=source.name)
        for info in members:
            name = f"{source.name}: {info.filename}"
            target = scratch / f".part-{len(made)}.xml"
            made.append(target)
            try:
                with archive.open(info) as member:
                    room -= _copy_capped(member, target, room, name)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ConversionError(
                    f"{info.filename} cannot be read from the archive ({exc})", source=source.name
                ) from exc
            found.append((name, target))
    return found


def _from_gzip(source: Path, scratch: Path, made: list[Path], room: int) -> tuple[str, Path]:
    target = scratch / f".part-{len(made)}.xml"
    made.append(target)
    try:
        with gzip.open(source) as stream:
            _copy_capped(stream, target, room, source.name)
    except (gzip.BadGzipFile, OSError, EOFError) as exc:
        raise ConversionError(f"not a gzip file, or cut short ({exc})", source=source.name) from exc
    return source.name, target


def _copy_capped(stream: IO[bytes] | gzip.GzipFile, target: Path, room: int, name: str) -> int:
    copied = 0
    with target.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            copied += len(chunk)
            if copied > room:
                raise ConversionError(
                    f"decompresses to more than {MAX_BYTES // 1_000_000_000} GB of exports in all",
                    source=name,
                )
            out.write(chunk)
    return copied


def _gathered_name(names: list[str]) -> str:
    """`harbour.wordpress.2026-05-01.000.xml` and its siblings: `harbour.wordpress.2026-05-01.xml`."""
    first = names[0].rsplit(": ", 1)[-1].rsplit("/", 1)[-1]
    plain = _PART_NUMBER.sub("", first)
    return f".gathered-{plain if plain != first else first.removesuffix('.xml') + '-and-more.xml'}"


def _write(parts: list[tuple[str, Path]], into: Path) -> Parts:
    """The first part up to its channel's end, each later part's items, then the channel's end."""
    found = Parts([name for name, _ in parts])
    line = 1
    with into.open("wb") as out:
        for index, (name, path) in enumerate(parts):
            data_start, data_end, first_line = _span(path, name, first=index == 0)
            if data_start == data_end:
                continue  # a part with no items
            found.starts.append((line, name, first_line))
            with path.open("rb") as source:
                source.seek(data_start)
                remaining = data_end - data_start
                while remaining:
                    chunk = source.read(min(_CHUNK, remaining))
                    if not chunk:
                        break
                    out.write(chunk)
                    line += chunk.count(b"\n")
                    remaining -= len(chunk)
            out.write(b"\n")
            line += 1
        out.write(b"</channel>\n</rss>\n")
    return found


def _span(path: Path, name: str, *, first: bool) -> tuple[int, int, int]:
    """The bytes of `path` the gathered export takes, and the line they start on."""
    size = path.stat().st_size
    with path.open("rb") as source:
        source.seek(max(0, size - _TAIL))
        tail = source.read()
        tail_start = max(0, size - _TAIL)
        if first:
            end = tail.rfind(b"</channel>")
            if end < 0:
                raise ConversionError(
                    "the export is cut short (its channel is never closed): download it again", source=name
                )
            return 0, tail_start + end, 1
        end = tail.rfind(b"</item>")
        if end < 0:
            return 0, 0, 1
        source.seek(0)
        offset, lines, carry = 0, 1, b""
        while chunk := source.read(_CHUNK):
            window = carry + chunk
            match = _ITEM_OPEN.search(window)
            # What comes before the items is not taken, so a declaration there is refused here, as in a
            # first part (it was dropped, and its entities read as text).
            if _DECLARATION.search(window, 0, len(window) if match is None else match.start()):
                raise ConversionError(
                    "the export declares a DOCTYPE or ENTITY; WordPress exports never do, and entity "
                    "declarations are refused (they can expand without bound or fetch remote files)",
                    source=name,
                )
            if match is not None:
                start = offset - len(carry) + match.start()
                return (
                    start,
                    tail_start + end + len(b"</item>"),
                    lines + window[: match.start()].count(b"\n") - carry.count(b"\n"),
                )
            lines += chunk.count(b"\n")
            carry = chunk[-8:]
            offset += len(chunk)
    return 0, 0, 1
