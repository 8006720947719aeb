"""A site served below a path (the shared distribution's /<site>/, a preview's folder) keeps every
address its theme or content writes from the root: built with the real Hugo, each one leads inside
the site; a site at a root, or one that chooses canonifyURLs or relativeURLs itself, is left as it is."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.hugo import build_site
from tests.conftest import write_tree

# A theme as many are written: root-relative assets through relURL, and a root-relative link in content.
SITE = {
    "hugo.toml": b'title = "Coder-like"\n',
    "content/_index.md": b"---\ntitle: Home\n---\nSee [the about page](/about/).\n",
    "content/about.md": b"---\ntitle: About\n---\nWho we are.\n",
    "static/fonts/icons.woff2": b"font",
    "layouts/home.html": b'<link rel="preload" href="{{ "/fonts/icons.woff2" | relURL }}">'
    b'<a href="{{ .RelPermalink }}">home</a><a href="{{ "about/" | relURL }}">about</a>{{ .Content }}',
    "layouts/single.html": b"{{ .Content }}",
}


def _addresses(source: Path, tmp_path: Path, base_url: str) -> list[str]:
    built = build_site(source, tmp_path / "public", base_url=base_url, work_dir=tmp_path / "work")
    return re.findall(r'href="([^"]*)"', (built.destination / "index.html").read_text())


def test_root_relative_addresses_lead_inside_a_site_served_below_a_path(tmp_path: Path) -> None:
    base = "https://d111.cloudfront.net/harbour/"
    assert _addresses(write_tree(tmp_path / "s", SITE), tmp_path, base) == [
        base + "fonts/icons.woff2",
        base,
        base + "about/",
        base + "about/",
    ]


def test_a_site_at_a_root_or_with_its_own_choice_is_left_as_hugo_writes_it(tmp_path: Path) -> None:
    assert _addresses(write_tree(tmp_path / "a", SITE), tmp_path, "https://www.example.org/") == [
        "/fonts/icons.woff2",
        "/",
        "/about/",
        "/about/",
    ]
    own = {
        **SITE,
        "config/_default/params.toml": b"x = 1\n",
        "hugo.toml": b"title = 'C'\nrelativeURLs = true\n",
    }
    # relativeURLs, the site's own choice: Hugo's relative addresses, never made absolute.
    chosen = _addresses(
        write_tree(tmp_path / "b", own), tmp_path / "b", "https://d111.cloudfront.net/harbour/"
    )
    assert chosen[0] == "./fonts/icons.woff2" and not any(href.startswith("https:") for href in chosen)
