"""The template files the fetch stage's passes read: every file below layouts/, but a README or an
agent's notes kept beside them (a real site's layouts/CLAUDE.md was rewritten as a template)."""

from __future__ import annotations

from pathlib import Path

from chalicelib.themelayouts import templates
from tests.conftest import write_tree


def test_notes_kept_beside_templates_are_no_templates(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "site",
        {
            "layouts/CLAUDE.md": b"Uses .Site.IsMultiLingual",
            "layouts/README": b"notes",
            "layouts/_partials/LICENSE.txt": b"MIT",
            "layouts/single.html": b"{{ .Content }}",
            "layouts/home.md": b"{{ .Content }}",  # a Markdown output format's template
            "layouts/robots.txt": b"User-agent: *",
        },
    )
    found = sorted(str(p.relative_to(root)) for p in templates([root]))
    assert found == ["layouts/home.md", "layouts/robots.txt", "layouts/single.html"]
