"""Finding a repository's Hugo site when presslift.toml does not name its folder."""

from __future__ import annotations

from pathlib import Path

from chalicelib.hugosite import find_hugo_site, is_hugo_site, not_a_site
from tests.conftest import write_tree


def repo(tmp_path: Path, *files: str) -> Path:
    return write_tree(tmp_path / "repo", {name: b"title = 'x'\n" for name in files})


def test_a_site_at_the_root_is_the_site(tmp_path: Path) -> None:
    root = repo(tmp_path, "hugo.toml", "docs/hugo.toml")
    assert is_hugo_site(root) and find_hugo_site(root) is None


def test_the_one_site_in_a_folder_is_found_whatever_its_config(tmp_path: Path) -> None:
    assert find_hugo_site(repo(tmp_path / "a", "README.md", "docs/config.yaml", "src/main.py")) == (
        tmp_path / "a/repo/docs"
    )
    assert (
        find_hugo_site(repo(tmp_path / "b", "website/config/_default/hugo.toml"))
        == tmp_path / "b/repo/website"
    )


def test_several_sites_are_chosen_between_by_usual_name_or_not_at_all(tmp_path: Path) -> None:
    assert (
        find_hugo_site(repo(tmp_path / "a", "docs/hugo.toml", "demo/hugo.toml")) == tmp_path / "a/repo/docs"
    )
    assert find_hugo_site(repo(tmp_path / "b", "one/hugo.toml", "two/hugo.toml")) is None


def test_a_themes_example_site_and_hidden_or_built_folders_are_never_taken(tmp_path: Path) -> None:
    root = repo(tmp_path, "theme.toml", "exampleSite/hugo.toml", ".github/hugo.toml", "public/hugo.toml")
    assert find_hugo_site(root) is None


def test_a_folder_hugo_would_make_no_page_of_is_no_site_and_says_what_it_looks_like(tmp_path: Path) -> None:
    astro = repo(tmp_path / "a", "astro.config.mjs", "package.json", "src/content/blog/one.md")
    assert not_a_site(astro) == (
        "no Hugo config (hugo.toml, hugo.yaml, config.toml or config/_default/), no content/ and no "
        "layouts/ (astro.config.mjs: an Astro site)"
    )
    hexo = repo(tmp_path / "b", "_config.yml", "scaffolds/post.md", "source/_posts/one.md")
    assert str(not_a_site(hexo)).endswith("(_config.yml: a Jekyll or Hexo site)")
    html = repo(tmp_path / "c", "index.html", "style.css")
    assert str(not_a_site(html)).endswith(
        "(index.html: plain HTML (Hugo publishes such files as they are from static/))"
    )
    assert str(not_a_site(repo(tmp_path / "d", "README.md"))).endswith("no content/ and no layouts/")


def test_a_folder_with_content_or_layouts_is_built_without_a_config(tmp_path: Path) -> None:
    # Hugo builds its default folders with no config file (Presslift's theme when there are no layouts).
    assert not_a_site(repo(tmp_path / "a", "content/posts/one.md", "package.json")) is None
    assert not_a_site(repo(tmp_path / "b", "layouts/index.html")) is None
    assert not_a_site(repo(tmp_path / "c", "config.toml", "_config.yml")) is None


def test_static_files_alone_are_a_site_unless_another_generator_is_named(tmp_path: Path) -> None:
    assert not_a_site(repo(tmp_path / "a", "static/index.html", "static/style.css")) is None
    gatsby = repo(tmp_path / "b", "gatsby-config.js", "static/favicon.ico", "src/pages/index.js")
    assert str(not_a_site(gatsby)).endswith("(gatsby-config.js: a Gatsby site)")


def test_a_built_public_folder_alone_is_named_as_such(tmp_path: Path) -> None:
    built = repo(tmp_path / "a", "public/index.html", "public/posts/one/index.html", "README.md")
    assert str(not_a_site(built)).endswith(
        "no content/ and no layouts/ (public/ holds a built site, without the Hugo sources it was built from)"
    )


def test_a_zola_site_is_no_hugo_site_though_hugo_reads_its_config_name(tmp_path: Path) -> None:
    zola = write_tree(
        tmp_path / "z",
        {
            "config.toml": b'base_url = "https://x.example"\ntitle = "Z"\n',
            "templates/index.html": b"",
            "content/a.md": b"",
        },
    )
    assert not_a_site(zola) == (
        "a Zola config (config.toml sets base_url, and its templates are in templates/): a Zola site"
    )
    hugo = write_tree(
        tmp_path / "h",
        {"config.toml": b'baseURL = "https://x.example"\nbase_url = "x"\n', "templates/a.html": b""},
    )
    assert not_a_site(hugo) is None


def test_a_placeholder_config_at_the_root_gives_way_to_the_site_in_a_folder(tmp_path: Path) -> None:
    """Netlify's Victor Hugo starter: a root config.toml with a title only, and the site in site/,
    built with `hugo -s site`. The root went live, an empty site in Presslift's theme, "succeeded"."""
    root = repo(tmp_path / "a", "config.toml", "netlify.toml", "site/config.toml", "site/content/posts/a.md")
    assert find_hugo_site(root) == root / "site"
    # A root with anything more for Hugo (a folder, a theme, a module) is the site, as before.
    for more in ("content/a.md", "static/robots.txt", "go.mod"):
        assert (
            find_hugo_site(
                repo(tmp_path / more.replace("/", "-"), "config.toml", more, "site/layouts/a.html")
            )
            is None
        )
    themed = write_tree(
        tmp_path / "t", {"hugo.toml": b'theme = "x"\n', "site/hugo.toml": b"", "site/content/a.md": b""}
    )
    assert find_hugo_site(themed) is None
