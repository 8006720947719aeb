"""The other hosts a site's pages load from, the ones the sites' policy refuses, and the command that
allows them beside what is allowed already."""

from __future__ import annotations

from chalicelib.pageloads import allow_command, external_hosts, refused_hosts

PAGE = (
    b'<link rel=stylesheet href="https://fonts.googleapis.com/css2?family=Lato">'
    b'<link rel="preload" as="style" href=\'//cdn.jsdelivr.net/npm/x.css\'>'
    b"<link rel=canonical href=https://elsewhere.example/><link rel=alternate href=https://feeds.example/>"
    b'<script src="/js/site.js"></script><script src=https://www.googletagmanager.com/gtag/js></script>'
    b'<iframe src="https://www.youtube.com/embed/x"></iframe><iframe src=https://maps.example.com/x></iframe>'
    b'<script src="https://d111.cloudfront.net/harbour/js/app.js"></script><script src="javascript:x">'
)


def test_scripts_stylesheets_preloads_and_frames_are_read_and_links_are_not() -> None:
    assert external_hosts(PAGE) == {
        "fonts.googleapis.com",
        "cdn.jsdelivr.net",
        "www.googletagmanager.com",
        "www.youtube.com",
        "maps.example.com",
        "d111.cloudfront.net",
    }
    assert external_hosts(b"<p>no //hosts here</p>") == set()


def test_the_refused_are_neither_the_sites_own_nor_allowed_nor_a_known_player() -> None:
    refused = refused_hosts(external_hosts(PAGE), ("*.jsdelivr.net",), "d111.cloudfront.net")
    assert refused == ["fonts.googleapis.com", "maps.example.com", "www.googletagmanager.com"]
    assert allow_command("harbour", ("*.jsdelivr.net",), refused) == (
        "presslift site update harbour --page-hosts *.jsdelivr.net,fonts.googleapis.com,maps.example.com,"
        "www.googletagmanager.com,fonts.gstatic.com,*.google-analytics.com"
    )
