"""An export split into parts (WP-CLI's numbered files, WordPress.com's zip) is converted as one site,
from the files as given, a zip of them or a gzipped file; an error names the part and its own line."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress import convert_export
from chalicelib.wordpress.exportfiles import gathered
from tests.functional.wordpress.wxr_builder import Post, export

SITE = "https://harbour.example"


def _parts(tmp_path: Path) -> list[Path]:
    """Three parts as `wp export` splits them: each a whole file with the header, items split."""
    names = []
    for number, titles in enumerate((["Tide tables", "Harbour day"], ["Boat show"], ["Lighthouse"])):
        posts = [
            Post(10 * number + i + 1, title.lower().replace(" ", "-"), f"<p>{title} text.</p>", title)
            for i, title in enumerate(titles)
        ]
        path = tmp_path / f"harbour.wordpress.2026-05-01.00{number}.xml"
        path.write_text(export(SITE, posts), encoding="utf-8")
        names.append(path)
    return names


def _titles(out: Path) -> set[str]:
    return {
        line.split(":", 1)[1].strip().strip('"')
        for page in (out / "content").rglob("*.md")
        for line in page.read_text().splitlines()
        if line.startswith("title:")
    }


def test_the_parts_of_one_export_make_one_site_however_they_arrive(tmp_path: Path) -> None:
    parts = _parts(tmp_path)
    wanted = {"Tide tables", "Harbour day", "Boat show", "Lighthouse"}
    # As files (in any order), as WordPress.com's zip, and one part gzipped beside the others.
    convert_export(list(reversed(parts)), tmp_path / "a")
    assert wanted <= _titles(tmp_path / "a")
    with zipfile.ZipFile(tmp_path / "harbour.zip", "w") as archive:
        for part in parts:
            archive.write(part, f"export/{part.name}")
        archive.writestr("__MACOSX/._x.xml", b"junk")
    convert_export([tmp_path / "harbour.zip"], tmp_path / "b")
    assert wanted <= _titles(tmp_path / "b")
    gz = tmp_path / "late.001.xml.gz"
    gz.write_bytes(gzip.compress(parts[1].read_bytes()))
    convert_export([parts[0], gz, parts[2]], tmp_path / "c")
    assert wanted <= _titles(tmp_path / "c")


def test_an_error_names_the_part_and_its_own_line(tmp_path: Path) -> None:
    parts = _parts(tmp_path)
    text = parts[2].read_text().splitlines()
    broken = next(i for i, line in enumerate(text) if "<item>" in line) + 2
    text[broken - 1] += "<wp:post_id>"  # an element never closed
    parts[2].write_text("\n".join(text))
    with pytest.raises(ConversionError) as failed:
        convert_export(parts, tmp_path / "out")
    assert failed.value.source == parts[2].name
    # libxml finds the unclosed element where its item ends: that line, counted in the part itself.
    item_end = next(i for i, line in enumerate(text, start=1) if i > broken and "</item>" in line)
    assert failed.value.line == item_end
    assert not (tmp_path / "out").exists()


def test_hostile_or_broken_archives_are_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"PK not really")
    (tmp_path / "empty.zip").write_bytes(b"")
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as archive:
        archive.writestr("readme.txt", b"no export here")
    (tmp_path / "bad.xml.gz").write_bytes(b"\x1f\x8b not gzip")
    cut = _parts(tmp_path)[0]
    cut.write_bytes(cut.read_bytes()[:-40])
    for source, said in (
        ("bad.zip", "not a zip archive"),
        ("empty.zip", "holds no export"),
        ("bad.xml.gz", "not a gzip file"),
    ):
        with pytest.raises(ConversionError, match=said) as failed, gathered([tmp_path / source], tmp_path):
            pass
        assert failed.value.source == source
    second = tmp_path / "harbour.wordpress.2026-05-01.001.xml"
    with pytest.raises(ConversionError, match="cut short"), gathered([cut, second], tmp_path):
        pass
    assert not list(tmp_path.glob(".part-*")) and not list(tmp_path.glob(".gathered-*"))


def test_a_later_part_that_declares_entities_is_refused_as_a_first_part_is(tmp_path: Path) -> None:
    """A CLI sweep: refused on its own, an export declaring a DOCTYPE was taken as a later part, its
    declaration dropped with the part's header and its entities written as text."""
    parts = _parts(tmp_path)
    text = parts[1].read_text()
    head, rest = text.split("?>", 1)
    parts[1].write_text(f'{head}?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>{rest}')
    for order in (parts, [parts[1], parts[0], parts[2]]):
        with pytest.raises(ConversionError, match="declares a DOCTYPE or ENTITY") as failed:
            convert_export(order, tmp_path / "out")
        assert failed.value.source == parts[1].name
    assert not (tmp_path / "out").exists()
