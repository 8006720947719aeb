"""A site's `_headers` file (Netlify's format): its Cache-Control rules go to the publish step, after
presslift.toml's and before the defaults; other headers are named once; the file is not published."""

from __future__ import annotations

from pathlib import Path

from chalicelib.headerrules import read_header_rules
from chalicelib.manifest import Manifest
from chalicelib.publish.headers import DEFAULT_CACHE_RULES, CacheRule, cache_control_for

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


def test_what_s3_cannot_set_is_named_once_and_bad_lines_by_number() -> None:
    notes = read_header_rules(FILE).notes
    assert notes[0].startswith("_headers line 2 (Cache-Control: stray): not a path")
    assert notes[1].startswith("_headers line 15 (/../secret)") and "'..'" in notes[1]
    assert notes[2] == (
        "_headers: Access-Control-Allow-Origin, X-Frame-Options not applied: S3 keeps only Cache-Control "
        "per file; other response headers come from the stack's CloudFront response headers policy"
    )
    assert read_header_rules(b"#" * (1024 * 1024 + 1)).notes == [
        "_headers is over 1024 KB; none of its headers were kept"
    ]


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
    assert len(stored.header_notes) == 3


def test_a_path_that_would_backtrack_without_bound_is_refused() -> None:
    found = read_header_rules(b"/*a*a*a*b\n  Cache-Control: no-store\n")
    assert found.cache == [] and "over two splats" in found.notes[0]
