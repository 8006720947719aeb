"""vercel.json's redirects join the site's _redirects after its own; :name* and a last (.*) are the
splat; what needs a server (conditions, other regular expressions) and what is malformed are named by
their index."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.headerrules import read_header_rules
from chalicelib.redirectrules import PatternRule, expand, read_rules
from chalicelib.vercelconfig import add_vercel_rules

RULES = {
    "redirects": [
        {"source": "/old-about", "destination": "/about/", "permanent": True},
        {"source": "/docs/:path*", "destination": "/guide/:path*"},
        {"source": "/news/:slug", "destination": "/posts/:slug/", "permanent": False},
        {"source": "/shop/:path*", "destination": "https://shop.example/:path*"},
        {"source": "/(.*)", "destination": "/", "has": [{"type": "host", "value": "old.example"}]},
        {"source": "/blog/(.*)", "destination": "/posts/$1"},
        {"source": "/x", "destination": "/y/", "statusCode": "301"},
        "not a rule",
        {"source": "/articles/(.*)", "destination": "/posts/$1", "permanent": True},
        {"source": "/notes/:rest(.*)", "destination": "/posts/:rest*", "statusCode": 301},
        {"source": "/:path((?!uk/).*)", "destination": "/uk/:path*"},
        {"source": "/a/(.*)/b", "destination": "/c/$1"},
    ],
    "cleanUrls": True,
}


def test_what_s3_can_serve_follows_the_sites_own_rules(tmp_path: Path) -> None:
    (tmp_path / "site/static").mkdir(parents=True)
    (tmp_path / "site/static/_redirects").write_text("/a /b/\n")
    (tmp_path / "vercel.json").write_text(json.dumps(RULES))
    found = add_vercel_rules(tmp_path / "site", tmp_path)
    assert found.summary() == "6 redirects from vercel.json"
    written = (tmp_path / "site/static/_redirects").read_text()
    assert written == (
        "/a /b/\n# from vercel.json\n/old-about /about/ 308\n/docs/* /guide/:splat 308\n"
        "/news/:slug /posts/:slug/ 307\n/blog/* /posts/:splat 308\n/articles/* /posts/:splat 308\n"
        "/notes/* /posts/:splat 301\n"
    )
    assert [note.split(":")[0] for note in found.skipped] == [
        f"vercel.json redirects[{n}]" for n in (3, 4, 6, 7, 10, 11)
    ]
    assert "another host" in found.skipped[0] and "`has` and `missing`" in found.skipped[1]
    assert "statusCode" in found.skipped[2]
    assert all("regular expression" in note for note in found.skipped[4:])
    # The splat rule reaches every page under /guide/ once the site is built.
    rules = read_rules(written.encode(), "https://d1.example/site/").rules
    splat = next(rule for rule in rules if isinstance(rule, PatternRule))
    assert [r.path for r in expand(splat, ["guide/install/index.html"], "https://d1.example/site/")] == [
        "docs/install/index.html"
    ]


def test_no_file_or_a_broken_one_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    assert add_vercel_rules(tmp_path / "site", tmp_path).summary() == ""
    (tmp_path / "vercel.json").write_text("{not json")
    found = add_vercel_rules(tmp_path / "site", tmp_path)
    assert "cannot be read" in found.skipped[0] and not (tmp_path / "site/static").exists()


HEADERS = {
    "headers": [
        {"source": "/fonts/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]},
        {
            "source": "/:path*",
            "headers": [
                {"key": "Permissions-Policy", "value": "camera=(), microphone=()"},
                {"key": "X-Frame-Options", "value": "DENY"},
            ],
        },
        {"source": "/docs/:version/print", "headers": [{"key": "X-Robots-Tag", "value": "noindex"}]},
        {"source": "/(.*)", "has": [{"type": "query", "key": "x"}], "headers": [{"key": "A", "value": "b"}]},
        {"source": "/img/(.*)\\.png", "headers": [{"key": "A", "value": "b"}]},
        {"source": "/x", "headers": [{"key": "Bad Name", "value": "b"}]},
        {"source": "/y"},
    ]
}


def test_its_headers_become_headers_file_lines_and_what_needs_a_server_is_named(tmp_path: Path) -> None:
    (tmp_path / "vercel.json").write_text(json.dumps(HEADERS))
    found = add_vercel_rules(tmp_path / "site", tmp_path)
    assert found.summary() == "3 header rules from vercel.json"
    assert (tmp_path / "site/static/_headers").read_text() == (
        "# from vercel.json\n/fonts/*\n  Access-Control-Allow-Origin: *\n"
        "/*\n  Permissions-Policy: camera=(), microphone=()\n  X-Frame-Options: DENY\n"
        "/docs/:version/print\n  X-Robots-Tag: noindex\n"
    )
    assert found.header_notes == [
        "vercel.json headers[3]: `has` and `missing` conditions need a server; "
        "headers by path cannot test them",
        "vercel.json headers[4]: a regular expression (other than a last `(.*)` or `:name*`) needs a server",
        "vercel.json headers[5]: needs `headers`, a list of `key` and `value` texts",
        "vercel.json headers[6]: needs `headers`, a list of `key` and `value` texts",
    ]
    rules = read_header_rules((tmp_path / "site/static/_headers").read_bytes())
    assert [(name, value) for _, name, value in rules.headers][:1] == [("access-control-allow-origin", "*")]
    assert "X-Frame-Options not applied" in rules.notes[0]
