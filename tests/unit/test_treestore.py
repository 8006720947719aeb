"""The runner's archive becomes a stored tree in one pass: the same manifest, redirects and page digests
as hashing an unpacked tree gives, and nothing the runner should not have returned."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from chalicelib.artifacts import build_manifest, pack, unpack
from chalicelib.errors import BuildError
from chalicelib.manifest import Manifest
from chalicelib.previews.noindex import ROBOTS_TAG, with_noindex
from chalicelib.work.treestore import server_note, store_stream, tree_path

ALIAS = (
    b'<!DOCTYPE html><html><head><title>/posts/new/</title><link rel="canonical" href="/posts/new/">'
    b'<meta http-equiv="refresh" content="0; url=/posts/new/"></head></html>'
)
PAGE = (
    b"<html><head><title>Tide</title></head><body><main><h1>Tide</h1><p>High water.</p></main></body></html>"
)


def runner_archive(tmp_path: Path, files: dict[str, bytes], extra: list[tarfile.TarInfo] = ()) -> Path:
    """A runner's output as it packs it: `<stage>/...` members."""
    folder = tmp_path / "public"
    for name, body in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(body)
    archive = pack(folder, tmp_path / "output.tar.gz")
    if extra:
        with tarfile.open(archive, "r:gz") as tar:
            members = [(m, tar.extractfile(m).read() if m.isreg() else None) for m in tar.getmembers()]
        with tarfile.open(archive, "w:gz") as tar:
            for member, data in members:
                tar.addfile(member, io.BytesIO(data) if data is not None else None)
            for member in extra:
                tar.addfile(member, io.BytesIO(b"x" * member.size) if member.isreg() else None)
    return archive


def empty(stage: str = "staging") -> Manifest:
    return Manifest(site="harbour", run_id="r1", stage=stage, base_url="https://staging.example/")


SITE = {
    "staging/index.html": PAGE,
    "staging/posts/old/index.html": ALIAS,
    "staging/posts/tide/index.html": PAGE.replace(b"High", b"Low"),
    "staging/images/photo.png": bytes(range(256)) * 4000,
    "staging/pagefind/pagefind.js": b"export default 1;",
    "prod/index.html": PAGE,  # another stage's tree in the same archive
}


def test_one_pass_gives_the_manifest_an_unpacked_tree_gives_and_the_same_stored_tree(tmp_path: Path) -> None:
    archive = runner_archive(tmp_path, SITE)
    stored = store_stream(archive, tmp_path / "tree.tar.gz", empty())

    unpacked = tmp_path / "unpacked"
    unpack(archive, unpacked)
    expected = build_manifest(
        unpacked / "staging",
        site="harbour",
        run_id="r1",
        stage="staging",
        base_url="https://staging.example/",
    )
    assert stored.manifest.files == expected.files
    assert stored.manifest.redirects == expected.redirects == {"posts/old/index.html": "/posts/new/"}
    assert stored.manifest.text_md5 == expected.text_md5 and "index.html" in expected.text_md5
    assert stored.records == []  # no records asked for

    again = tmp_path / "again"
    unpack(tmp_path / "tree.tar.gz", again)
    assert sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file()) == sorted(
        name.removeprefix("staging/") for name in SITE if name.startswith("staging/")
    )
    assert (again / "images/photo.png").read_bytes() == SITE["staging/images/photo.png"]


def test_a_transform_is_applied_before_hashing_and_records_are_made_per_page(tmp_path: Path) -> None:
    archive = runner_archive(tmp_path, SITE)
    seen: list[str] = []

    def records(path: str, html: bytes) -> list[dict[str, str]]:
        seen.append(path)
        return [{"objectID": path}]

    stored = store_stream(
        archive,
        tmp_path / "tree.tar.gz",
        empty(),
        transform=lambda _path, html: with_noindex(html),
        page_records=records,
    )
    out = tmp_path / "out"
    unpack(tmp_path / "tree.tar.gz", out)
    assert ROBOTS_TAG in (out / "index.html").read_bytes()
    size = {entry.path: entry.size for entry in stored.manifest.files}
    assert size["index.html"] == (out / "index.html").stat().st_size
    # Alias pages are redirects, never searched; every other page is offered for records.
    assert sorted(seen) == ["index.html", "posts/tide/index.html"]
    assert [r["objectID"] for r in stored.records] == ["index.html", "posts/tide/index.html"]


@pytest.mark.parametrize(
    "name",
    ["staging/../etc/passwd", "staging//x.html", "staging/./x.html", "staging/a\\b.html", "staging/"],
)
def test_a_path_that_is_not_plain_fails_the_build(name: str) -> None:
    with pytest.raises(BuildError, match="unsafe path"):
        tree_path(name, "staging")


def test_what_the_runner_should_not_return_fails_the_build_or_is_left_out(tmp_path: Path) -> None:
    link = tarfile.TarInfo("staging/escape.html")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    archive = runner_archive(tmp_path / "a", {"staging/index.html": PAGE}, [link])
    stored = store_stream(archive, tmp_path / "a.tar.gz", empty())
    assert [entry.path for entry in stored.manifest.files] == ["index.html"]  # the link is not published

    fifo = tarfile.TarInfo("staging/pipe")
    fifo.type = tarfile.FIFOTYPE
    archive = runner_archive(tmp_path / "b", {"staging/index.html": PAGE}, [fifo])
    with pytest.raises(BuildError, match="special file"):
        store_stream(archive, tmp_path / "b.tar.gz", empty())

    twice = tarfile.TarInfo("staging/index.html")
    twice.size = 3
    archive = runner_archive(tmp_path / "c", {"staging/index.html": PAGE}, [twice])
    with pytest.raises(BuildError, match="twice"):
        store_stream(archive, tmp_path / "c.tar.gz", empty())

    archive = runner_archive(tmp_path / "d", {"prod/index.html": PAGE})
    with pytest.raises(BuildError, match="no staging tree"):
        store_stream(archive, tmp_path / "d.tar.gz", empty())

    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(runner_archive(tmp_path / "e", SITE).read_bytes()[:2000])
    with pytest.raises(BuildError, match="cannot be read"):
        store_stream(broken, tmp_path / "e.tar.gz", empty())


def test_a_redirects_file_becomes_redirect_pages_and_is_not_stored(tmp_path: Path) -> None:
    rules = (
        b"/old /posts/new/ 301\n/index.html /elsewhere/ 301!\n"
        b"/blog/tide /posts/tide-tables/\n/blog/* /posts/:splat\n/news/* /articles/:splat\n"
    )
    archive = runner_archive(tmp_path, {**SITE, "staging/_redirects": rules})
    manifest = empty()
    stored = store_stream(archive, tmp_path / "tree.tar.gz", manifest)
    paths = {entry.path for entry in manifest.files}
    assert "_redirects" not in paths and "old/index.html" in paths
    assert manifest.redirects["old/index.html"] == "https://staging.example/posts/new/"
    assert "index.html" not in manifest.redirects  # the site's own page stays, even for a forced rule
    # The splat rule: a redirect for each file under /posts/, after the rule for /blog/tide before it.
    assert manifest.redirects["blog/tide/index.html"] == "https://staging.example/posts/tide-tables/"
    assert manifest.redirects["blog/old/index.html"] == "https://staging.example/posts/old/"
    assert stored.redirect_rules == 3
    assert stored.redirect_notes == [
        "_redirects: the forced rule for /index.html is not kept: the site builds it",
        "_redirects line 5 (/news/* /articles/:splat): no file the site builds matches its new address",
    ]
    unpack(tmp_path / "tree.tar.gz", unpacked := tmp_path / "out")
    assert not (unpacked / "_redirects").exists()
    assert (unpacked / "old/index.html").read_bytes().count(b"https://staging.example/posts/new/") == 3


def test_a_redirect_no_folder_can_hold_is_published_from_the_manifest_alone(tmp_path: Path) -> None:
    # A post's old address `2012/01/scar.html` is a file (Hugo's alias page); its attachment pages'
    # `2012/01/scar.html/photo/` would be folders inside it. A bucket holds both keys; a tree cannot.
    site = {**SITE, "staging/2012/01/scar.html": ALIAS, "staging/v1.0/index.html": PAGE}
    rules = (
        "/2012/01/scar.html/photo/ /posts/scar/ 301\n/2012/01/scar.html/类图/ /posts/scar/\n"
        "/v1.0 /posts/new/ 301\n/2012/01/scar.html/ok.png/x /posts/scar/\n"
    )
    archive = runner_archive(tmp_path, {**site, "staging/_redirects": rules.encode()})
    manifest = empty()
    stored = store_stream(archive, tmp_path / "tree.tar.gz", manifest)
    nested = {
        "2012/01/scar.html/photo/index.html",
        "2012/01/scar.html/类图/index.html",
        "v1.0",  # a folder of the tree
        "2012/01/scar.html/ok.png/x/index.html",
    }
    assert {path: manifest.redirects[path] for path in nested} == dict.fromkeys(
        nested - {"v1.0"}, "https://staging.example/posts/scar/"
    ) | {"v1.0": "https://staging.example/posts/new/"}
    assert stored.redirect_rules == 4 and not stored.redirect_notes
    assert not nested & {entry.path for entry in manifest.files}
    unpack(tmp_path / "tree.tar.gz", unpacked := tmp_path / "out")
    assert (unpacked / "2012/01/scar.html").read_bytes() == ALIAS
    assert (unpacked / "v1.0/index.html").read_bytes() == PAGE


def test_a_redirects_file_of_many_patterns_matches_at_most_a_hundred(tmp_path: Path) -> None:
    rules = b"".join(f"/old{n}/* /nothing{n}/:splat\n".encode() for n in range(150))
    archive = runner_archive(tmp_path, {**SITE, "staging/_redirects": rules})
    stored = store_stream(archive, tmp_path / "tree.tar.gz", empty())
    assert stored.redirect_rules == 0
    assert sum("past 100 pattern rules" in note for note in stored.redirect_notes) == 50
    assert sum("no file the site builds matches" in note for note in stored.redirect_notes) == 100


def test_a_stage_lists_at_most_fifty_notes_of_a_kind() -> None:
    """The run record is one DynamoDB item: 10,000 rules S3 cannot serve must not all ride in it."""
    from chalicelib.notes import listed

    notes = [f"_redirects line {n} (/a?x={n} /b): a query or fragment needs a server" for n in range(10_000)]
    kept = listed(notes)
    assert kept[:50] == notes[:50] and kept[50] == "... and 9950 more like these" and len(kept) == 51
    assert listed(notes[:3]) == notes[:3]


def test_a_file_whose_name_holds_a_line_break_is_left_out_and_named(tmp_path: Path) -> None:
    """A real site's static note was named with its title over three lines: the deploy failed on it
    after 635 of 1,679 uploads. No address can hold the name as written."""
    odd = tarfile.TarInfo("staging/notes/137_a\nb\nc.md")
    odd.size = 3
    archive = runner_archive(tmp_path, {"staging/index.html": PAGE}, [odd])
    manifest = empty()
    stored = store_stream(archive, tmp_path / "tree.tar.gz", manifest)
    assert [entry.path for entry in manifest.files] == ["index.html"]
    assert stored.name_notes == [
        "'notes/137_a\\nb\\nc.md' is left out: its name holds a line break or a control character, which "
        "no address can hold (rename the file)"
    ]


def test_what_a_web_server_runs_or_reads_is_left_out_and_named(tmp_path: Path) -> None:
    """A real site's contact form (static/email-handler/index.php) and its .htaccess went out as
    downloads: S3 runs no PHP, so its source, and the mail password in it, were public."""
    files = {
        "staging/index.html": PAGE,
        "staging/.htaccess": b"Redirect 301 /a /b\n",
        "staging/email-handler/index.php": b"<?php $password = 'x'; ?>",
        "staging/admin/.htpasswd": b"ann:$apr1$x",
        # The second round's: includes, archives PHP runs, copies of PHP files, Apache's other files.
        "staging/inc/db.inc": b"<?php $db = 'x';",
        "staging/app.phar": b"x",
        "staging/wp-config.php.orig": b"<?php define('DB_PASSWORD', 'x');",
        "staging/contact.php~": b"<?php",
        "staging/.htdigest": b"x",
        "staging/docs/php-guide.html": PAGE,  # a page about PHP is a page
    }
    manifest = empty()
    stored = store_stream(runner_archive(tmp_path, files), tmp_path / "tree.tar.gz", manifest)
    assert [entry.path for entry in manifest.files] == ["docs/php-guide.html", "index.html"]
    assert sorted(stored.server_files) == [
        ".htaccess",
        ".htdigest",
        "admin/.htpasswd",
        "app.phar",
        "contact.php~",
        "email-handler/index.php",
        "inc/db.inc",
        "wp-config.php.orig",
    ]
    note = server_note(stored.server_files)
    assert note.startswith("left out of the published site: ")
    assert "PHP would not run and its source (a form's mail password too) would be public" in note
    assert server_note([]) == ""
