"""vercel.json's redirects join the site's _redirects after its own; :name* and a last (.*) are the
splat; what needs a server (conditions, other regular expressions) and what is malformed are named by
their index."""

from __future__ import annotations

import json
from pathlib import Path

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
