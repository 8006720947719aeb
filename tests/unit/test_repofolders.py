"""A site in a folder of its repository that mounts the repository's other folders: the fetch stage
sends the repository with a marker naming the site's folder, the runner builds that folder, and its
config may then reach anywhere in the repository and still nowhere outside it. A repository cannot
plant a marker that widens what its site may read."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo_policy import check_source_paths, paths_outside
from chalicelib.repofolders import SITE_MARKER, mark_site, marked_site, repository_of, unmark
from chalicelib.work.fetch import folder_to_send
from tests.conftest import write_tree

MOUNTS = b'[[module.mounts]]\nsource = "../docs"\ntarget = "content/docs"\n'


def repo(tmp_path: Path, config: bytes = MOUNTS) -> Path:
    return write_tree(tmp_path / "repo", {"website/hugo.toml": config, "docs/a.md": b"# A", "README.md": b""})


def test_a_mount_of_the_repositorys_folder_sends_the_repository_marked(tmp_path: Path) -> None:
    root = repo(tmp_path)
    site = root / "website"
    assert paths_outside(site) == [(root / "docs").resolve()]
    sent, reached = folder_to_send(root, site)
    assert (sent, reached) == (root.resolve(), "docs/")
    assert (root / SITE_MARKER).read_text() == "website\n"
    assert marked_site(root) == root / "website" and repository_of(site) == root.resolve()
    check_source_paths(site, within=repository_of(site))  # allowed: the repository's own
    with pytest.raises(BuildError, match=r"leaves the source tree with '\.\.'"):
        check_source_paths(site)  # the site's folder alone still refuses it


def test_a_mount_outside_the_repository_sends_the_site_alone_and_is_refused(tmp_path: Path) -> None:
    root = repo(tmp_path, b'[[module.mounts]]\nsource = "../../etc"\ntarget = "static"\n')
    site = root / "website"
    assert folder_to_send(root, site) == (site, "")
    assert not (root / SITE_MARKER).exists()
    with pytest.raises(BuildError, match="leaves the source tree"):
        check_source_paths(site, within=repository_of(site))


def test_a_marker_the_repository_planted_widens_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path, b'title = "x"\n')
    site = root / "website"
    write_tree(site, {SITE_MARKER: b".\n", "sub/hugo.toml": b"", f"sub/{SITE_MARKER}": b"../docs\n"})
    assert folder_to_send(root, site) == (site, "")
    assert not (site / SITE_MARKER).exists()  # the site's own is removed before it is sent
    assert marked_site(site / "sub") == site / "sub"  # a marker naming '..' is no marker
    assert repository_of(site / "sub") == (site / "sub").resolve()
    for named in ("/etc", "missing", "../x"):
        (root / SITE_MARKER).write_text(named)
        assert marked_site(root) == root and repository_of(site) == site.resolve()
    mark_site(root, site)
    unmark(root)
    assert not (root / SITE_MARKER).exists()
