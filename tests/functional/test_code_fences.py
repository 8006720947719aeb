"""Code fences that mark highlighted lines as Gatsby and Docusaurus do (```jsx{3}) fail Hugo's
Markdown; written as Hugo's hl_lines, they build and highlight those lines (built with the real Hugo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.codefences import hl_lines, mark_highlighted_lines
from chalicelib.errors import BuildError
from chalicelib.hugo import build_site
from tests.conftest import write_tree

POST = (
    b"---\ntitle: Super\n---\nWhy:\n\n```jsx{3}\nclass A extends B {\n  constructor(props) {\n"
    b"    super(props);\n  }\n}\n```\n\nAnd:\n\n~~~js {1,4-5}\na\nb\nc\nd\ne\n~~~\n\n"
    b"```go {linenos=table}\nx := 1\n```\n\n```text\n{3}\n```\n"
)


def build(source: Path, public: Path) -> None:
    build_site(source, public, base_url="https://example.org/", work_dir=public.parent / f"{public.name}-w")


def test_gatsby_line_highlights_fail_and_build_as_hugos_hl_lines(tmp_path: Path) -> None:
    files = {
        "hugo.toml": b'title = "x"\n[markup.highlight]\nnoClasses = false\n',
        "layouts/single.html": b"{{ .Content }}",
        "content/post.md": POST,
    }
    source = write_tree(tmp_path / "site", files)
    with pytest.raises(BuildError, match="failed to parse Markdown attributes"):
        build(source, tmp_path / "before")
    (note,) = mark_highlighted_lines(source)
    assert note.startswith("content/post.md marks highlighted lines in a code fence as ```jsx{3}")
    text = (source / "content/post.md").read_bytes()
    assert b"```jsx {hl_lines=[3]}\n" in text and b'~~~js {hl_lines=[1,"4-5"]}\n' in text
    assert b"```go {linenos=table}\n" in text and b"```text\n{3}\n```" in text  # Hugo's own, and code
    build(source, tmp_path / "public")
    page = (tmp_path / "public/post/index.html").read_text()
    assert page.count('class="line hl"') == 4  # line 3 of the first, lines 1, 4 and 5 of the second
    assert mark_highlighted_lines(source) == []  # once is enough


@pytest.mark.parametrize(
    ("listed", "hugo"),
    [("3", "[3]"), ("1,4-6", '[1,"4-6"]'), ("1, 2 7", "[1,2,7]"), ("", None), ("a", None), ("1-", None)],
)
def test_line_lists_become_hl_lines(listed: str, hugo: str | None) -> None:
    assert hl_lines(listed) == hugo
