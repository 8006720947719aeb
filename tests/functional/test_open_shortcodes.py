"""A shortcode that reads .Inner called without closing it (DocDock's children), which Hugo now
refuses: through the real Hugo, the page fails as it is and builds once its calls are self-closed,
with the empty .Inner older Hugo gave; a file that closes some of its calls is left for Hugo."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from chalicelib.oldhugo import adapt
from chalicelib.openshortcodes import self_close_open_calls
from tests.conftest import write_tree

CHILDREN = (
    b'<ul class="{{ .Get "style" }}">{{ range .Page.Pages }}<li>{{ .Title }}</li>{{ end }}</ul>{{ .Inner }}'
)


def site(tmp_path: Path, index: bytes) -> Path:
    return write_tree(
        tmp_path / "site",
        {
            "hugo.toml": b'title = "Docs"\ntheme = "docdock"\n',
            "themes/docdock/layouts/shortcodes/children.html": CHILDREN,
            "themes/docdock/layouts/_default/list.html": b"{{ .Content }}",
            "themes/docdock/layouts/_default/single.html": b"{{ .Title }}",
            "themes/docdock/layouts/home.html": b"home",
            "content/blogs/_index.md": index,
            "content/blogs/one.md": b"---\ntitle: One\n---\n",
        },
    )


def test_an_open_call_fails_and_builds_self_closed(tmp_path: Path) -> None:
    index = (
        b'+++\ntitle = "Blogs"\n+++\n\n{{%children style="card" description="true" %}}\n\n{{< children >}}\n'
    )
    source = site(tmp_path, index)
    public = tmp_path / "public"
    with pytest.raises(BuildError, match='shortcode "children" must be closed or self-closed'):
        build_site(source, public, base_url="https://example.org/", work_dir=tmp_path / "w")
    (note,) = [n for n in adapt(source, ()) if "without closing it" in n]
    assert note.startswith("content/blogs/_index.md calls the shortcode children without closing it")
    assert (source / "content/blogs/_index.md").read_bytes() == (
        b'+++\ntitle = "Blogs"\n+++\n\n{{%children style="card" description="true" /%}}\n\n'
        b"{{< children />}}\n"
    )
    build_site(source, public, base_url="https://example.org/", work_dir=tmp_path / "w")
    assert '<ul class=""><li>One</li></ul>' in (public / "blogs" / "index.html").read_text()


@pytest.mark.parametrize(
    "index",
    [
        b"{{< children >}}wrapped{{< /children >}}\n",  # closed: as written
        b"{{< children >}}wrapped{{</ children >}}\n",  # closed with a space after the slash
        b"{{% children %}}wrapped{{% / children %}}\n",  # and before it
        b"{{< children />}}\n{{</* children */>}}\n",  # self-closed, and a call shown as text
        b"{{< children >}}\n{{< children >}}x{{< /children >}}\n",  # some closed: for Hugo to say
    ],
)
def test_closed_and_self_closed_calls_are_left(tmp_path: Path, index: bytes) -> None:
    source = site(tmp_path, b"---\ntitle: Blogs\n---\n" + index)
    assert self_close_open_calls(source) == []
    assert (source / "content/blogs/_index.md").read_bytes() == b"---\ntitle: Blogs\n---\n" + index


def test_a_call_closed_with_a_space_after_its_slash_builds_as_written(tmp_path: Path) -> None:
    """`{{</ button >}}` closes a call for Hugo as `{{< /button >}}` does (a real bilingual site on
    hugo-book): it was read as a shortcode named "/", its opening calls were self-closed, and the
    build failed on the closing tag left over, where plain Hugo built the site."""
    source = site(tmp_path, b"---\ntitle: Blogs\n---\n{{< children >}}wrapped{{</ children >}}\n")
    assert not [n for n in adapt(source, ()) if "without closing it" in n]
    public = tmp_path / "public"
    build_site(source, public, base_url="https://example.org/", work_dir=tmp_path / "w")
    assert '<ul class=""><li>One</li></ul>wrapped' in (public / "blogs" / "index.html").read_text()
