"""An Apache site's `.htaccess` redirects join its _redirects after its own: `Redirect` matches a path
and all below it, so it is two rules; what needs a server is named once. A real site's six `Redirect
301` lines were lost without a word, its .htaccess (and the PHP of its contact form) published."""

from __future__ import annotations

from pathlib import Path

from chalicelib.apacheconfig import add_htaccess_rules
from chalicelib.redirectrules import read_rules

HTACCESS = """# moved pages
ErrorDocument 404 /404.html
Redirect 301 /old-about /about/
RedirectPermanent /blog https://www.example.org/posts/
Redirect /temp /later
Redirect permanent "/with space" /x
<IfModule mod_rewrite.c>
RewriteEngine On
RewriteRule ^(.*)$ https://example.org/$1 [R=301,L]
</IfModule>
Redirect 301 /shop https://shop.example/
Redirect gone /dead
Header set X-Frame-Options DENY
"""


def test_redirect_lines_follow_the_sites_own_and_the_rest_is_named(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\n')
    (site / "static/_redirects").write_text("/a /b/\n")
    (site / "static/.htaccess").write_text(HTACCESS)
    found = add_htaccess_rules(site)
    assert found.summary() == "4 redirects from .htaccess"
    written = (site / "static/_redirects").read_text()
    assert written == (
        "/a /b/\n# from .htaccess\n"
        "/old-about /about/ 301\n/old-about/* /about/:splat 301\n"
        "/blog /posts/ 301\n/blog/* /posts/:splat 301\n"
        "/temp /later 302\n/temp/* /later/:splat 302\n"
        "/shop https://shop.example/ 301\n"
    )
    rules = read_rules(written.encode(), "https://example.org/")
    assert len(rules.rules) == 8 and not rules.skipped
    assert found.skipped == [
        ".htaccess line 6: (Redirect permanent /with space /x) the old address is not a plain path, or an "
        "address holds a space",
        ".htaccess line 12: (Redirect gone /dead) a 410 (gone) needs a server; S3 answers such an address "
        "with the 404 page",
        ".htaccess line 11: (Redirect 301 /shop https://shop.example/) kept for /shop itself; the addresses "
        "below it need a server",
        ".htaccess: ErrorDocument (1), RewriteRule (1), Header (1) need a web server, which S3 is not; not "
        "kept (a redirect that Redirect cannot write goes in static/_redirects, a header in static/_headers)",
    ]


def test_a_site_without_one_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    assert add_htaccess_rules(tmp_path).summary() == ""
    assert not (tmp_path / "static/_redirects").exists()
