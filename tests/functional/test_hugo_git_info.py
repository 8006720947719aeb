"""A site with `enableGitInfo = true` builds: GitInfo runs git, which Presslift's security settings
refuse (and GitHub's archive has no `.git`), so Hugo runs with it off instead of failing every page;
`.GitInfo` is empty and lastmod comes from the front matter."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import build_site
from tests.conftest import write_tree

SITE = {
    "hugo.toml": b'title = "Docs"\nenableGitInfo = true\n',
    "content/_index.md": b"---\ntitle: Home\nlastmod: 2026-11-02\n---\n",
    "layouts/index.html": b"<p>{{ .Title }} {{ with .GitInfo }}commit {{ .Subject }}{{ else }}no git{{ end }}"
    b' {{ .Lastmod.Format "2006-01-02" }}</p>',
}


def home(source: Path, tmp_path: Path) -> str:
    built = build_site(
        source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work"
    )
    return (built.destination / "index.html").read_text()


def test_a_fetched_source_builds_without_git_info(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "source", SITE)
    assert home(source, tmp_path) == "<p>Home no git 2026-11-02</p>"
