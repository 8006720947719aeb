"""Converted sites run under the security headers CloudFront sends: nothing in any page is blocked by
the sites' Content-Security-Policy (no inline script, no event handler attribute, no source it does
not allow), read from every HTML page of converted fixture sites built under a sub-path."""

from __future__ import annotations

import pytest

from chalicelib.wordpress import convert_export
from presslift.packaging.security_headers import content_security_policy
from tests.functional.wordpress.conftest import build_with_log
from tests.functional.wordpress.csp import violations

BASE_URL = "http://127.0.0.1:8000/sites/demo/staging/"
CSP = content_security_policy()


def blocked_in(public) -> dict[str, list[str]]:
    pages = sorted(public.rglob("*.html"))
    assert pages
    found = {}
    for page in pages:
        rel = page.relative_to(public).as_posix()
        if problems := violations(page.read_text(), CSP, BASE_URL + rel):
            found[rel] = problems
    return found


def test_the_demo_site_has_nothing_the_policy_blocks(tmp_path, demo, demo_uploads):
    site = tmp_path / "site"
    convert_export(demo / "export.xml", site, uploads=demo_uploads)
    public, _ = build_with_log(site, tmp_path, BASE_URL)
    assert blocked_in(public) == {}
    home = (public / "index.html").read_text()
    assert 'src="/sites/demo/staging/js/wordpress-redirects.' in home  # the redirect is a file


def test_the_theme_unit_test_site_has_nothing_the_policy_blocks(tmp_path, wxr):
    site = tmp_path / "site"
    convert_export(wxr / "wptrt-themeunittestdata.wordpress.xml", site)
    public, _ = build_with_log(site, tmp_path, BASE_URL)
    assert blocked_in(public) == {}


@pytest.mark.parametrize(
    ("html", "csp", "blocked"),
    [
        ("<script>location.replace('/')</script>", CSP, ["inline <script>"]),
        ('<script src="/js/a.js"></script>', CSP, []),
        ('<script src="https://cdn.example/a.js"></script>', CSP, ["<script src=https://cdn.example/a.js>"]),
        ('<script type="application/ld+json">{}</script>', CSP, []),
        ('<img src="/a.png" onerror="alert(1)">', CSP, ["<img onerror=...> event handler"]),
        ('<a href="javascript:void(0)">x</a>', CSP, ["<a href=javascript:...>"]),
        ('<p style="color:red">x</p>', "style-src 'self'", ["<p style=...>"]),
        ('<p style="color:red">x</p>', CSP, []),
        # A hash lets exactly that script run (and makes 'unsafe-inline' void, as browsers do).
        (
            "<script>a()</script>",
            "script-src 'unsafe-inline' 'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='",
            [],
        ),
        ("<script>b()</script>", "script-src 'unsafe-inline' 'sha256-x'", ["inline <script>"]),
        ('<iframe src="https://evil.example/"></iframe>', CSP, ["<iframe src=https://evil.example/>"]),
    ],
)
def test_the_checker_finds_what_a_browser_would_block(html, csp, blocked):
    found = violations(f"<html><body>{html}</body></html>", csp, BASE_URL)
    assert [f for f in found if not any(f.startswith(b) for b in blocked)] == []
    assert all(any(f.startswith(b) for f in found) for b in blocked)
