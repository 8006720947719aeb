"""netlify.toml's [[redirects]] join the site's static/_redirects, after its own rules; what S3 cannot
serve, and whatever is malformed, is named by its table's number."""

from __future__ import annotations

from pathlib import Path

from chalicelib.netlifytoml import add_netlify_rules

NETLIFY = b"""
[build]
  command = "hugo --gc --minify"
  publish = "public"

[build.environment]
  HUGO_VERSION = "0.140.0"

[[redirects]]
  from = "/blog/*"
  to = "/posts/:splat"
  status = 301
  force = true

[[redirects]]
  from = "/feed"
  to = "https://feeds.example.org/harbour"

[[redirects]]
  from = "/api/*"
  to = "https://api.example.org/:splat"
  status = 200

[[redirects]]
  from = "/store"
  to = "/shop/"
  conditions = {Country = ["us"]}

[[redirects]]
  from = "/search"
  to = "/find/"
  query = {q = ":q"}

[[redirects]]
  from = "/old page"
  to = "/new/"

[[redirects]]
  to = "/nowhere/"

[[redirects]]
  from = "/a"
  to = "/b/"
  status = "301"
"""


def _site(tmp_path: Path, netlify: bytes | None = NETLIFY, own: bytes | None = None) -> Path:
    (tmp_path / "site").mkdir()
    if netlify is not None:
        (tmp_path / "netlify.toml").write_bytes(netlify)
    if own is not None:
        (tmp_path / "site/static").mkdir()
        (tmp_path / "site/static/_redirects").write_bytes(own)
    return tmp_path / "site"


def test_what_s3_can_serve_follows_the_sites_own_rules(tmp_path: Path) -> None:
    site = _site(tmp_path, own=b"/blog/moved /posts/elsewhere/ 301")
    found = add_netlify_rules(site, tmp_path)
    assert found.written == 2 and found.summary() == "2 redirects from netlify.toml"
    assert (site / "static/_redirects").read_text() == (
        "/blog/moved /posts/elsewhere/ 301\n"
        "# from netlify.toml\n"
        "/blog/* /posts/:splat 301!\n"
        "/feed https://feeds.example.org/harbour 301\n"
    )
    assert [note.split(":")[0] for note in found.skipped] == [
        f"netlify.toml [[redirects]] {n}" for n in (3, 4, 5, 6, 7, 8)
    ]
    assert "status 200" in found.skipped[0]
    assert "conditions" in found.skipped[1] and "query" in found.skipped[2]
    assert "space" in found.skipped[3] and "`from` and `to`" in found.skipped[4]
    assert "`status` must be a number" in found.skipped[5]


def test_the_sites_own_netlify_toml_comes_first_and_none_is_nothing(tmp_path: Path) -> None:
    site = _site(tmp_path, netlify=None)
    assert add_netlify_rules(site, tmp_path).summary() == ""
    assert not (site / "static").exists()
    (site / "netlify.toml").write_bytes(b'[[redirects]]\nfrom = "/x"\nto = "/y/"\n')
    (tmp_path / "netlify.toml").write_bytes(NETLIFY)
    assert add_netlify_rules(site, tmp_path).written == 1
    assert (site / "static/_redirects").read_text() == "# from netlify.toml\n/x /y/ 301\n"


def test_a_hostile_or_broken_file_writes_nothing(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_bytes(b"keep\n")
    site = _site(tmp_path, netlify=b'[[redirects]]\nfrom = "/x"\nto = "/y/"\n')
    (site / "static").symlink_to(tmp_path)  # static/_redirects would be a file outside the site
    (tmp_path / "_redirects").write_bytes(b"keep\n")
    found = add_netlify_rules(site, tmp_path)
    assert found.written == 0 and "is a link" in found.skipped[0]
    assert (tmp_path / "_redirects").read_bytes() == b"keep\n"

    for data, why in (
        (b"[[redirects]\nfrom =", "cannot be read"),
        (b'redirects = "no"\n', "not a list"),
        (b"#" * (1024 * 1024 + 1), "over 1024 KB"),
    ):
        folder = tmp_path / why.replace(" ", "-")
        folder.mkdir()
        site = _site(folder, netlify=data)
        found = add_netlify_rules(site, folder)
        assert found.written == 0 and why in found.skipped[0], found.skipped
        assert not (site / "static").exists()


def test_header_tables_join_the_sites_headers_file(tmp_path: Path) -> None:
    netlify = b"""
[[headers]]
  for = "/assets/*"
  [headers.values]
    Cache-Control = "public, max-age=31536000, immutable"
    Content-Security-Policy = '''
      default-src 'self';
      img-src *'''

[[headers]]
  for = "no path"
  [headers.values]
    X-Frame-Options = "DENY"

[[headers]]
  for = "/x"
  values = "DENY"
"""
    site = _site(tmp_path, netlify=netlify)
    (site / "static").mkdir()
    (site / "static/_headers").write_text("/*\n  X-Frame-Options: DENY\n")
    found = add_netlify_rules(site, tmp_path)
    assert found.headers == 1 and found.summary() == "1 header rule from netlify.toml"
    assert (site / "static/_headers").read_text() == (
        "/*\n  X-Frame-Options: DENY\n# from netlify.toml\n/assets/*\n"
        "  Cache-Control: public, max-age=31536000, immutable\n"
        "  Content-Security-Policy: default-src 'self'; img-src *\n"
    )
    assert [note.split(":")[0] for note in found.header_notes] == [
        "netlify.toml [[headers]] 2",
        "netlify.toml [[headers]] 3",
    ]


def test_the_lines_go_into_the_folder_hugo_copies(tmp_path: Path) -> None:
    site = _site(tmp_path, netlify=b'[[redirects]]\nfrom = "/x"\nto = "/y/"\n')
    (site / "hugo.toml").write_text('staticDir = ["files", "static"]\n')
    assert add_netlify_rules(site, tmp_path).written == 1
    assert (site / "files/_redirects").read_text() == "# from netlify.toml\n/x /y/ 301\n"
    assert not (site / "static").exists()


def test_an_address_on_the_sites_own_host_is_its_path(tmp_path: Path) -> None:
    # Posts moved on the site's own domain (ansin218's blog: www. beside a bare baseURL); a move of the
    # whole host, another site's host and a query still need a server.
    netlify = b"""
[[redirects]]
  from = "https://www.ankuroh.com/programming/old-post/"
  to = "https://www.ankuroh.com/programming/automation/old-post/"
  status = 301
  force = true
[[redirects]]
  from = "https://ankuroh.com/feed"
  to = "https://feeds.example.org/ankuroh"
[[redirects]]
  from = "https://www.ankuroh.com/*"
  to = "https://ankuroh.com/:splat"
[[redirects]]
  from = "https://ankuroh.netlify.app/about/"
  to = "/about-me/"
[[redirects]]
  from = "https://ankuroh.com/find?q=1"
  to = "/search/"
"""
    site = _site(tmp_path, netlify=netlify)
    (site / "config.toml").write_bytes(b'baseurl = "https://ankuroh.com/"\ntitle = "Ankur"\n')
    found = add_netlify_rules(site, tmp_path)
    assert (site / "static/_redirects").read_text() == (
        "# from netlify.toml\n"
        "/programming/old-post/ /programming/automation/old-post/ 301!\n"
        "/feed https://feeds.example.org/ankuroh 301\n"
    )
    assert [note.split(":")[0] for note in found.skipped] == [
        f"netlify.toml [[redirects]] {n}" for n in (3, 4, 5)
    ]
    assert all("another host" in note for note in found.skipped[:2])
    assert "a query" in found.skipped[2]
    (site / "config.toml").write_bytes(b'title = "No address"\n')  # no own host: nothing is taken as one
    (site / "static/_redirects").unlink()
    assert add_netlify_rules(site, tmp_path).written == 0
