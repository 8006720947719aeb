"""Pagination settings by the names Hugo no longer reads (`paginate`, `paginatePath`), through the real
Hugo: ignored without a word as they are, given by their new names once the fetch stage has written
them, so a list shows as many posts a page and keeps its addresses."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugo import build_site
from chalicelib.oldsettings import give_renamed_settings
from tests.conftest import write_tree

POSTS = {
    f"content/posts/p{n}.md": f"---\ntitle: P{n}\ndate: 2026-01-0{n}\n---\nBody.\n".encode()
    for n in range(1, 4)
}
LAYOUTS = {
    "layouts/list.html": b"<body>{{ range .Paginator.Pages }}{{ .Title }} {{ end }}</body>",
    "layouts/single.html": b"<body>{{ .Title }}</body>",
    "layouts/home.html": b"<body>home</body>",
}


def build(source: Path, public: Path) -> Path:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")
    return public


def test_old_pagination_settings_are_ignored_as_they_are(tmp_path: Path) -> None:
    site = {"hugo.toml": b'title = "T"\npaginate = 1\npaginatePath = "seite"\n', **POSTS, **LAYOUTS}
    public = build(write_tree(tmp_path / "site", site), tmp_path / "public")
    assert "<body>P3 P2 P1 </body>" in (public / "posts/index.html").read_text()
    assert not (public / "posts/seite").exists()


def test_given_by_their_new_names_the_list_keeps_its_size_and_addresses(tmp_path: Path) -> None:
    site = {"hugo.toml": b'title = "T"\npaginate = 1\npaginatePath = "seite"\n', **POSTS, **LAYOUTS}
    source = write_tree(tmp_path / "site", site)
    assert give_renamed_settings(source) == [
        'hugo.toml sets paginate = 1, paginatePath = "seite", which Hugo no longer reads (it would build '
        "with its defaults, without a word): built with pagination.pagerSize, pagination.path (set those "
        "there instead)"
    ]
    public = build(source, tmp_path / "public")
    assert "<body>P3 </body>" in (public / "posts/index.html").read_text()
    assert "<body>P2 </body>" in (public / "posts/seite/2/index.html").read_text()
    assert (source / "hugo.toml").read_bytes() == site["hugo.toml"]


def test_an_environments_own_setting_goes_beside_it_and_a_table_of_the_sites_own_wins(tmp_path: Path) -> None:
    site = {
        "config/_default/hugo.toml": b'title = "T"\n',
        "config/production/hugo.yaml": b"paginate: 2\n",
        **POSTS,
        **LAYOUTS,
    }
    source = write_tree(tmp_path / "env", site)
    assert len(give_renamed_settings(source)) == 1
    assert (source / "config/production/pagination.toml").read_text().endswith("pagerSize = 2\n")
    assert "<body>P3 P2 </body>" in (build(source, tmp_path / "public") / "posts/index.html").read_text()
    own = {"hugo.toml": b'title = "T"\npaginate = 1\n[pagination]\npagerSize = 3\n', **POSTS, **LAYOUTS}
    assert give_renamed_settings(write_tree(tmp_path / "own", own)) == []
    bad = {"hugo.toml": b'title = "T"\npaginate = "x"\npaginatePath = "../up"\n'}
    assert give_renamed_settings(write_tree(tmp_path / "bad", bad)) == []
