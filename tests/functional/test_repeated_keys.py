"""A site whose YAML repeats a key (front matter, a data file, its config), through the real Hugo: it
fails as it is since Hugo 0.152, and builds with the last occurrence of each once the fetch stage has
dropped the others, as Hugo read it before."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.repeatedkeys import drop_repeated_keys, note
from tests.conftest import write_tree

SITE = {
    "hugo.yaml": b"title: First\nparams:\n  color: red\n  color: blue\ntitle: Harbour\ntheme: pure\n",
    "data/boats.yaml": b"name: Ada\nlength: 9\nname: Grace\n",
    # As the Pure theme's translations: a message's `other` twice.
    "themes/pure/i18n/en.yaml": (
        b"total_link:\n  other: Total {{ .Count }} link\n  other: Total {{ .Count }} links\n"
    ),
    "content/_index.md": b"---\ntitle: Home\n---\nHome.\n",
    # As the arberia theme's example contact page: draft written twice.
    "content/posts/a.md": b"---\ntitle: A\ndraft: true\ndate: 2026-01-01\ndraft: false\n---\nA body.\n",
    "content/posts/b.md": b"+++\ntitle = 'B'\n+++\nB.\n",
    "layouts/home.html": (
        b"<body>{{ site.Title }}|{{ site.Params.color }}|{{ site.Data.boats.name }}"
        b'|{{ i18n "total_link" (dict "Count" 3) }}</body>'
    ),
    "layouts/single.html": b"<html><body>{{ .Title }}: {{ .Content }}</body></html>",
    "layouts/list.html": b"<html><body>{{ range .Pages }}{{ .Title }}{{ end }}</body></html>",
}


def build(source: Path, public: Path) -> Path:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return public


def test_a_repeated_key_fails_the_build_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="already defined"):
        build(write_tree(tmp_path / "site", SITE), tmp_path / "public")


def test_with_the_earlier_ones_dropped_it_builds_with_the_last(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    changed = drop_repeated_keys(source)
    assert sorted(changed) == [
        "content/posts/a.md",
        "data/boats.yaml",
        "hugo.yaml",
        "themes/pure/i18n/en.yaml",
    ]
    assert note(sorted(changed)) == (
        "content/posts/a.md and 3 more repeat a YAML key, which Hugo refuses since 0.152: built with the "
        "last occurrence, as Hugo read it before (remove the others)"
    )
    assert (source / "content/posts/a.md").read_bytes() == (
        b"---\ntitle: A\ndate: 2026-01-01\ndraft: false\n---\nA body.\n"
    )
    public = build(source, tmp_path / "public")
    assert "<body>Harbour|blue|Grace|Total 3 links</body>" in (public / "index.html").read_text()
    assert "A: <p>A body.</p>" in (public / "posts/a/index.html").read_text()  # published: the last draft
    assert drop_repeated_keys(source) == []


def test_a_linked_file_or_folder_is_never_read_or_written(tmp_path: Path) -> None:
    outside = write_tree(
        tmp_path / "outside", {"a.md": b"---\ndraft: true\ndraft: false\n---\n", "d/b.md": b""}
    )
    (outside / "d" / "b.md").write_bytes((outside / "a.md").read_bytes())
    source = write_tree(
        tmp_path / "site", {"hugo.toml": b'title = "T"\n', "content/_index.md": b"---\n---\n"}
    )
    (source / "content" / "linked.md").symlink_to(outside / "a.md")
    (source / "content" / "folder").symlink_to(outside / "d")
    (source / "data").symlink_to(outside)
    assert drop_repeated_keys(source) == []
    assert (
        (outside / "a.md").read_bytes()
        == (outside / "d" / "b.md").read_bytes()
        == b"---\ndraft: true\ndraft: false\n---\n"
    )
