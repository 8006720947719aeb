"""`convert --out DIR`: a non-empty DIR is refused unless --force, and --force replaces only what an
earlier conversion wrote there, never `.git/` or the owner's files, and never changes DIR's mode."""

import json
import os
import stat

import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress import convert_export
from chalicelib.wordpress.outdir import MANIFEST
from presslift.cli import main

EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Site</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
{items}
</channel></rss>
"""
ITEM = """<item><title>{slug}</title><link>https://old.example/?p={id}</link><dc:creator>ann</dc:creator>
<content:encoded><![CDATA[<p>Body of {slug}</p>]]></content:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date>2024-01-02 03:04:05</wp:post_date>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
</item>"""


def export_of(tmp_path, *slugs, name="export.xml"):
    path = tmp_path / name
    items = "\n".join(ITEM.format(id=i, slug=slug) for i, slug in enumerate(slugs, start=1))
    path.write_text(EXPORT.format(items=items), encoding="utf-8")
    return path


def listing(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture
def owned(tmp_path):
    """An output folder that already holds the owner's work: a git repository and a README."""
    out = tmp_path / "out"
    (out / ".git").mkdir(parents=True)
    (out / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (out / "README.md").write_text("mine\n")
    out.chmod(0o755)
    return out


def test_a_non_empty_folder_is_refused_without_force(tmp_path, owned):
    export = export_of(tmp_path, "one")
    before = listing(tmp_path)
    with pytest.raises(ConversionError) as error:
        convert_export(export, owned)
    assert str(error.value) == (
        f"{owned} is not empty (2 entries); pass --force to replace what presslift convert wrote there"
    )
    assert listing(tmp_path) == before


def test_force_keeps_git_and_the_owners_files_and_the_folders_mode(tmp_path, owned):
    convert_export(export_of(tmp_path, "one"), owned, force=True)
    assert (owned / ".git/HEAD").read_text() == "ref: refs/heads/main\n"
    assert (owned / "README.md").read_text() == "mine\n"
    assert (owned / "content/posts/one/index.md").is_file()
    assert stat.S_IMODE(owned.stat().st_mode) == 0o755
    manifest = json.loads((owned / MANIFEST).read_text())["files"]
    assert "content/posts/one/index.md" in manifest and "README.md" not in manifest
    assert not any(name.startswith(".git/") for name in manifest)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_force_removes_what_the_last_conversion_wrote_and_no_longer_writes(tmp_path, owned):
    convert_export(export_of(tmp_path, "one", "two"), owned, force=True)
    (owned / "content/posts/mine.md").write_text("---\ntitle: mine\n---\n")
    convert_export(export_of(tmp_path, "one", "three"), owned, force=True)
    assert (owned / "content/posts/one/index.md").is_file()
    assert (owned / "content/posts/three/index.md").is_file()
    assert not (owned / "content/posts/two").exists()  # its file and its emptied folder
    assert (owned / "content/posts/mine.md").is_file()
    assert (owned / "README.md").is_file() and (owned / ".git/HEAD").is_file()


def test_a_new_folder_gets_the_usual_mode_not_a_temp_folders(tmp_path):
    out = tmp_path / "new"
    convert_export(export_of(tmp_path, "one"), out)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~mask


@pytest.mark.parametrize(
    "entries",
    [["../outside.txt"], ["/etc/passwd"], [".git/config"], ["a/../../x"], [3], "not a list"],
)
def test_a_manifest_that_points_elsewhere_is_refused_and_nothing_moves(tmp_path, owned, entries):
    (owned / MANIFEST).write_text(json.dumps({"files": entries}))
    (tmp_path / "outside.txt").write_text("keep\n")
    before = listing(owned)
    with pytest.raises(ConversionError, match=r"not a (file presslift convert writes|manifest)"):
        convert_export(export_of(tmp_path, "one"), owned, force=True)
    assert listing(owned) == before
    assert (tmp_path / "outside.txt").read_text() == "keep\n"
    assert (owned / ".git/HEAD").is_file()


def test_a_symlinked_folder_is_not_written_through(tmp_path, owned):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (owned / "content").symlink_to(elsewhere)
    with pytest.raises(ConversionError, match="symbolic link"):
        convert_export(export_of(tmp_path, "one"), owned, force=True)
    assert list(elsewhere.iterdir()) == []
    assert not (owned / "hugo.toml").exists()


def test_a_failed_forced_run_leaves_the_folder_as_it_was(tmp_path, owned):
    convert_export(export_of(tmp_path, "one"), owned, force=True)
    before = {p: p.read_bytes() for p in owned.rglob("*") if p.is_file()}
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<rss>")
    with pytest.raises(ConversionError):
        convert_export(bad, owned, force=True)
    assert {p: p.read_bytes() for p in owned.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xml", "export.xml", "out"]


def test_the_cli_says_so_in_one_line_and_force_converts(tmp_path, owned, capsys):
    export = export_of(tmp_path, "one")
    assert main(["convert", str(export), "--out", str(owned)]) == 2
    message = capsys.readouterr().err.strip()
    assert message == (
        f"error: {owned} is not empty (2 entries); pass --force to replace what presslift convert wrote there"
    )
    assert main(["convert", str(export), "--out", str(owned), "--force"]) == 0
    assert (owned / "content/posts/one/index.md").is_file() and (owned / "README.md").is_file()


def test_a_link_to_a_folder_is_written_through_and_stays_a_link(tmp_path, owned):
    link = tmp_path / "link"
    link.symlink_to(owned)
    convert_export(export_of(tmp_path, "one"), link, force=True)
    assert link.is_symlink() and (owned / "content/posts/one/index.md").is_file()
    assert (owned / "README.md").is_file()


def test_a_folder_where_a_file_goes_is_refused_before_anything_moves(tmp_path, owned):
    (owned / "hugo.toml").mkdir()
    before = listing(owned)
    with pytest.raises(ConversionError, match=r"hugo\.toml is a folder"):
        convert_export(export_of(tmp_path, "one"), owned, force=True)
    assert listing(owned) == before


@pytest.mark.parametrize(
    ("report", "said"),
    [
        ("export.xml", "is the export itself: give the report another file name"),
        (".", "is a folder: give a file name"),
        ("nowhere/report.json", "the folder nowhere does not exist; create it first"),
    ],
)
def test_a_report_path_that_cannot_be_written_is_refused_before_converting(
    tmp_path, capsys, monkeypatch, report, said
):
    """A CLI sweep: --report naming the export overwrote it with JSON; a folder or a missing folder
    failed after the site was written (a traceback for the folder)."""
    export = export_of(tmp_path, "one")
    before = export.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["convert", "export.xml", "--out", str(tmp_path / "site"), "--report", report]) == 2
    assert said in capsys.readouterr().err
    assert export.read_bytes() == before and not (tmp_path / "site").exists()


def test_force_never_replaces_a_file_of_the_owners(tmp_path, owned):
    """A CLI sweep: the owner's own hugo.toml in the folder was replaced under --force, which
    promises to replace only what an earlier conversion wrote; nothing moves, and the file is named."""
    (owned / "hugo.toml").write_text('title = "MY OWN"\n')
    before = {p: p.read_bytes() for p in owned.rglob("*") if p.is_file()}
    with pytest.raises(ConversionError) as error:
        convert_export(export_of(tmp_path, "one"), owned, force=True)
    assert str(error.value) == (
        f"{owned} holds files of its own that this conversion would write over (hugo.toml); "
        "move them away, or convert into another folder"
    )
    assert {p: p.read_bytes() for p in owned.rglob("*") if p.is_file()} == before
    # What an earlier conversion wrote is replaced as before.
    (owned / "hugo.toml").unlink()
    convert_export(export_of(tmp_path, "one"), owned, force=True)
    convert_export(export_of(tmp_path, "one", "two"), owned, force=True)
    assert (owned / "content/posts/two/index.md").is_file()
