"""A preview's path, and the noindex marks on its pages and responses."""

from __future__ import annotations

import pytest

from chalicelib.errors import InputError
from chalicelib.previews.naming import branch_path, check_path, kept_folders, pull_request_path
from chalicelib.previews.noindex import ROBOTS_TAG, is_preview_path, preview_folder, with_noindex
from chalicelib.sitemodel import PreviewPolicy, Site


def test_pull_request_paths() -> None:
    assert pull_request_path(12) == "previews/pr-12/"
    for bad in (0, -1, True, "12"):
        with pytest.raises(InputError):
            pull_request_path(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("branch", "path"),
    [
        ("feature-x", "branches/feature-x/"),
        ("Feature/X", "branches/feature-x-"),  # changed: a hash keeps Feature/X apart from feature-x
        ("../../etc", "branches/etc-"),
        ("ünïcødé", "branches/n-c-d-"),
        ("a" * 80, "branches/" + "a" * 41 + "-"),
    ],
)
def test_branch_paths_are_one_safe_segment(branch: str, path: str) -> None:
    made = branch_path(branch)
    assert made.startswith(path) and check_path(made) == made
    assert len(made.split("/")) == 3 and len(made) <= len("branches/") + 48 + 1


def test_different_branches_never_share_a_path() -> None:
    names = ["Feature/X", "feature-x", "feature_x", "FEATURE-X", "feature/x"]
    assert len({branch_path(name) for name in names}) == len(names)


@pytest.mark.parametrize(
    "path", ["previews/pr-0/", "previews/pr-1", "../x/", "branches/", "branches/a/b/", ""]
)
def test_only_preview_paths_pass_the_check(path: str) -> None:
    with pytest.raises(InputError):
        check_path(path)


def test_staging_keeps_the_preview_folders_the_site_uses() -> None:
    assert kept_folders(Site("www", repo="a/b")) == ("previews/pr-",)
    site = Site("www", repo="a/b", previews=PreviewPolicy(branches=("feature/*",)))
    assert kept_folders(site) == ("previews/pr-", "branches/")


def test_every_page_of_a_preview_gets_the_robots_tag_once() -> None:
    index = b'<!doctype html><html lang="en"><HEAD class="x"><title>t</title></HEAD></html>'
    marked = with_noindex(index)
    assert marked.startswith(b'<!doctype html><html lang="en"><HEAD class="x">' + ROBOTS_TAG)
    assert marked.endswith(b"<title>t</title></HEAD></html>")
    assert with_noindex(b"<p>no head at all</p>") == ROBOTS_TAG + b"<p>no head at all</p>"
    assert with_noindex(b"<html><body>x</body></html>") == b"<html>" + ROBOTS_TAG + b"<body>x</body></html>"
    assert with_noindex(marked) == marked  # marked once only


@pytest.mark.parametrize(
    ("path", "preview", "folder"),
    [
        ("/sites/www/staging/previews/pr-3/posts/a/", True, ""),
        ("previews/pr-3/posts/a/", True, "previews/pr-3/"),
        ("branches/feature-x/index.html", True, "branches/feature-x/"),
        ("posts/previews/index.html", False, ""),
        ("previews/index.html", False, ""),
    ],
)
def test_preview_paths_are_recognised(path: str, preview: bool, folder: str) -> None:
    assert is_preview_path(path) is preview
    assert preview_folder(path) == folder
