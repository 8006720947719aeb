"""What the site's templates may do under the build's security policy, and what it says when they may
not. A site that turns Hugo's inline shortcodes on keeps their output (linkerd.io's release list was
published empty, without a word); one that does not, as Hugo's default, shows none. They run under
the same policy as the site's templates: no programs, no remote hosts, no secrets. An environment
variable the policy does not allow is explained, with what to write in the site's config."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from tests.conftest import write_tree

PAGE = (
    b"---\ntitle: Releases\n---\nBefore.\n{{< versions.inline >}}{{ range site.Data.versions }}"
    b"<li>v{{ . }}</li>{{ end }}{{< /versions.inline >}}\nAfter.\n"
)


@pytest.mark.parametrize(("setting", "shown"), [(b"enableInlineShortcodes = true\n", True), (b"", False)])
def test_inline_shortcodes_follow_the_sites_setting(tmp_path: Path, setting: bytes, shown: bool) -> None:
    files = {
        "hugo.toml": b'title = "x"\n[security]\n' + setting,
        "layouts/single.html": b"{{ .Content }}",
        "data/versions.yaml": b"- '2.20'\n- '2.19'\n",
        "content/releases.md": PAGE,
    }
    source = write_tree(tmp_path / "site", files)
    build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    page = (tmp_path / "public/releases/index.html").read_text()
    assert "Before." in page and "After." in page
    assert ("<li>v2.20</li><li>v2.19</li>" in page) is shown


def test_an_inline_shortcode_reads_no_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "do-not-show")
    files = {
        "hugo.toml": b'title = "x"\n[security]\nenableInlineShortcodes = true\n',
        "layouts/single.html": b"{{ .Content }}",
        "content/leak.md": b'---\ntitle: Leak\n---\n{{< env.inline >}}{{ os.Getenv "AWS_SECRET_ACCESS_KEY" }}'
        b"{{< /env.inline >}}\n",
    }
    source = write_tree(tmp_path / "site", files)
    try:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    except BuildError as exc:  # refused by the getenv policy: the build fails, saying so
        assert "do-not-show" not in str(exc)
        return
    assert "do-not-show" not in (tmp_path / "public/leak/index.html").read_text()


def test_an_environment_variable_the_build_does_not_allow_is_explained(tmp_path: Path) -> None:
    """A Netlify site's `getenv "CONTEXT"` failed with Hugo's line alone, cut at "the current security
    configuration is:"; allowed in the site's own config, it reads as empty and the site builds."""
    files = {
        "hugo.toml": b'title = "x"\n',
        "layouts/home.html": b'<p>{{ getenv "CONTEXT" | default "local" }}</p>',
        "content/_index.md": b"---\ntitle: Home\n---\n",
    }
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as refused:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert "reads the environment variable CONTEXT (getenv)" in str(refused.value)
    assert "getenv = ['^HUGO_', '^CONTEXT$'] under [security.funcs]" in str(refused.value)
    (source / "hugo.toml").write_bytes(b"title = \"x\"\n[security.funcs]\ngetenv = ['^HUGO_', '^CONTEXT$']\n")
    build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert "<p>local</p>" in (tmp_path / "public/index.html").read_text()


def test_a_theme_linked_into_node_modules_is_named_as_npms(tmp_path: Path) -> None:
    """Jaeger's docs commit themes/docsy as a link to ../node_modules/docsy, which npm fills: the build
    said to commit the theme under themes/, where it is, as a link."""
    import os

    source = write_tree(tmp_path / "site", {"hugo.toml": b'title = "x"\ntheme = "docsy"\n'})
    (source / "themes").mkdir()
    os.symlink("../node_modules/docsy", source / "themes/docsy")
    with pytest.raises(BuildError) as refused:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert str(refused.value).count("themes/docsy (a link to ../node_modules/docsy), which npm fills") == 1


def test_an_image_that_is_not_what_its_name_says_is_explained(tmp_path: Path) -> None:
    """A recipe site's WebP photos named .jpg failed with Hugo's "image: unknown format" alone, deep in
    a template's error (plain Hugo fails the same)."""
    files = {
        "hugo.toml": b'title = "x"\n',
        "layouts/single.html": b'{{ with .Resources.Get "photo.jpg" }}{{ (.Resize "9x").Width }}{{ end }}',
        "content/dish/index.md": b"---\ntitle: Dish\n---\n",
        "content/dish/photo.jpg": b"RIFF\x00\x00\x00\x00WEBPVP8 not really a jpeg",
    }
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError) as refused:
        build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "w")
    assert "photo.jpg is not the image its name says" in str(refused.value)
