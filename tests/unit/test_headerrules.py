"""A site's `_headers` file (Netlify's format): its Cache-Control rules go to the publish step, after
presslift.toml's and before the defaults; its other headers ride with each file it names, except those
the stack or the server owns, which are named once; the file is not published."""

from __future__ import annotations

from pathlib import Path

from chalicelib.headerrules import STACK_HEADERS, read_header_rules
from chalicelib.manifest import Manifest
from chalicelib.publish.headers import (
    DEFAULT_CACHE_RULES,
    CacheRule,
    HeaderRule,
    SiteHeaders,
    cache_control_for,
    site_headers_for,
)

FILE = b"""# Netlify headers
Cache-Control: stray
/*
  X-Frame-Options: DENY
  Cache-Control: public, max-age=60
/assets/*
  Cache-Control: public, max-age=31536000, immutable
  Access-Control-Allow-Origin: *
/about
  Cache-Control: no-store
/docs/:version/guide/
  Cache-Control: max-age=5
/*.pdf
  cache-control: public, max-age=600
/../secret
  Cache-Control: no-cache
"""


def _rules() -> list[CacheRule]:
    found = read_header_rules(FILE)
    return [CacheRule(pattern, value) for pattern, value in found.cache] + list(DEFAULT_CACHE_RULES)


def test_cache_control_follows_the_last_matching_path() -> None:
    rules = _rules()
    assert cache_control_for("assets/app.js", rules) == "public, max-age=31536000, immutable"
    assert cache_control_for("about/index.html", rules) == "no-store"
    assert cache_control_for("about", rules) == "no-store"
    assert cache_control_for("about-us/index.html", rules) == "public, max-age=60"
    assert cache_control_for("docs/v2/guide/index.html", rules) == "max-age=5"
    assert cache_control_for("docs/v2/x/guide/index.html", rules) == "public, max-age=60"
    assert cache_control_for("files/a.pdf", rules) == "public, max-age=600"
    assert cache_control_for("index.html", rules) == "public, max-age=60"


def test_what_a_site_may_not_set_is_named_once_and_bad_lines_by_number() -> None:
    notes = read_header_rules(FILE).notes
    assert notes[0].startswith("_headers line 2 (Cache-Control: stray): not a path")
    assert notes[1].startswith("_headers line 15 (/../secret)") and "'..'" in notes[1]
    assert notes[2] == (
        "_headers: X-Frame-Options not applied: the stack's CloudFront response headers policy sets it "
        "for every site"
    )
    assert read_header_rules(b"#" * (1024 * 1024 + 1)).notes == [
        "_headers is over 1024 KB; none of its headers were kept"
    ]


OWN = (
    b"""/*
  Permissions-Policy: camera=()
  Link: </css/site.css>; rel=preload; as=style
  Link: </js/app.js>; rel=preload; as=script
  Basic-Auth: editor:hunter2
  Set-Cookie: seen=1
  x-amz-meta-md5: 0
  Content-Security-Policy: default-src *
  X-Note: caf\xc3\xa9
/fonts/*
  Access-Control-Allow-Origin: *
  cache-control: public, max-age=600
  Cache-Control: immutable
/fonts/old/*
  Access-Control-Allow-Origin: https://example.org
/.well-known/apple-app-site-association
  Content-Type: application/json
/big
  X-Big: """
    + b"a" * 1025
    + b"\n"
)


def test_other_headers_apply_by_path_a_later_path_winning_and_repeats_joined() -> None:
    found = read_header_rules(OWN)
    rules = [HeaderRule(*rule) for rule in found.headers]
    assert site_headers_for("fonts/a.woff2", rules) == SiteHeaders(
        extra=(
            ("h-access-control-allow-origin", "*"),
            ("h-link", "</css/site.css>; rel=preload; as=style, </js/app.js>; rel=preload; as=script"),
            ("h-permissions-policy", "camera=()"),
        )
    )
    assert dict(site_headers_for("fonts/old/a.woff", rules).extra)["h-access-control-allow-origin"] == (
        "https://example.org"
    )
    association = site_headers_for(".well-known/apple-app-site-association", rules)
    assert association.content_type == "application/json" and "h-content-type" not in dict(association.extra)
    assert "h-access-control-allow-origin" not in dict(site_headers_for("index.html", rules).extra)
    cache = [CacheRule(pattern, value) for pattern, value in found.cache]
    assert cache_control_for("fonts/a.woff2", cache) == "public, max-age=600, immutable"


def test_headers_the_stack_the_server_or_netlify_own_are_refused_with_the_reason() -> None:
    notes = read_header_rules(OWN).notes
    assert notes == [
        "_headers: Basic-Auth not applied: it is Netlify's password protection; these pages are public here",
        "_headers: Set-Cookie, x-amz-meta-md5 not applied: the server or CloudFront sets it",
        "_headers: Content-Security-Policy not applied: the stack's CloudFront response headers policy sets "
        "it for every site",
        "_headers: X-Note not applied: an empty value or one with characters other than printable ASCII",
        "_headers: x-big not applied: a value over 1024 bytes, more than S3 keeps with a file",
    ]


def test_the_stacks_own_headers_are_the_policys() -> None:
    from presslift.packaging.security_headers import http_headers

    assert {name.lower() for name in http_headers()} == STACK_HEADERS


def test_headers_past_s3s_metadata_budget_are_left_out_by_name() -> None:
    rules = [HeaderRule("^", f"x-h{i}", "v" * 500) for i in range(5)]
    found = site_headers_for("a.html", rules)
    assert [name for name, _ in found.extra] == ["h-x-h0", "h-x-h1", "h-x-h2"]
    assert found.left_out == ("x-h3", "x-h4")


def test_the_rules_ride_in_the_manifest_and_older_manifests_have_none() -> None:
    manifest = Manifest("s", "r", "staging", "https://x/", cache_rules=[("^a$", "no-store")])
    assert Manifest.from_json(manifest.to_json()).cache_rules == [("^a$", "no-store")]
    older = manifest.to_json().replace('"cache_rules"', '"ignored_then"')
    data = older.replace(',\n "ignored_then": [\n  [\n   "^a$",\n   "no-store"\n  ]\n ]', "")
    assert Manifest.from_json(data).cache_rules == []


def test_the_file_is_read_not_stored(tmp_path: Path) -> None:
    from chalicelib.work.treestore import store_stream
    from tests.unit.test_treestore import SITE, empty, runner_archive

    archive = runner_archive(tmp_path, {**SITE, "staging/_headers": FILE})
    manifest = empty()
    stored = store_stream(archive, tmp_path / "tree.tar.gz", manifest)
    assert "_headers" not in {entry.path for entry in manifest.files}
    assert manifest.cache_rules == read_header_rules(FILE).cache
    assert manifest.header_rules == read_header_rules(FILE).headers
    assert len(stored.header_notes) == 3


def test_a_path_that_would_backtrack_without_bound_is_refused() -> None:
    found = read_header_rules(b"/*a*a*a*b\n  Cache-Control: no-store\n")
    assert found.cache == [] and "over two splats" in found.notes[0]


def test_a_path_line_of_another_hosts_form_is_one_note_with_its_headers() -> None:
    """A site's `*` path line (another host's form) was followed by a "not a path" note for each of
    its seven header lines, while the summary said one rule was kept."""
    rules = read_header_rules(
        b"*\n  X-Robots-Tag: noindex\n  Referrer-Policy: no-referrer\n/a/*\n  X-Robots-Tag: all\n"
    )
    assert rules.notes == [
        "_headers line 1 (*): not a path (a path begins with /); its headers were not kept"
    ]
    assert [(key, value) for _, key, value in rules.headers] == [("x-robots-tag", "all")]


def test_headers_that_reach_other_sites_on_the_shared_origin_are_refused() -> None:
    """A pusher's `_headers` gave its `/sw.js` `Service-Worker-Allowed: /`: the worker, registered from
    the site's staging page, answered another site's approval link in the approver's browser."""
    found = read_header_rules(
        b'/sw.js\n  Service-Worker-Allowed: /\n/*\n  Clear-Site-Data: "*"\n  NEL: {"report_to": "x"}\n'
        b'  Report-To: {"group": "x"}\n'
    )
    assert found.headers == []
    assert found.notes == [
        "_headers: Clear-Site-Data, NEL, Report-To, Service-Worker-Allowed not applied: it would reach other "
        "sites' pages, which share the origin"
    ]
