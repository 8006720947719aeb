"""A site that turns Hugo's inline shortcodes on keeps their output (linkerd.io's release list was
published empty, without a word); one that does not, as Hugo's default, shows none. They run under
the same security policy as the site's templates: no programs, no remote hosts, no secrets."""

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
