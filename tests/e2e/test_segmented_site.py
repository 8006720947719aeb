"""A site its operator splits (`presslift site update --build-segments 3`), pushed through the local
cloud with the real Hugo: three build runners render a segment each, the build merges them and a
fourth indexes the merge, and staging gets exactly the tree the same push built whole gave it. The
CLI refuses a split it cannot do with a one-line error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.artifacts import ArtifactStore
from chalicelib.sitemodel import Site
from chalicelib.theme_path import THEME_NAME
from tests.e2e.conftest import local_github, push_and_wait, register, run_logs, signed_push

pytestmark = pytest.mark.e2e

REPO = "acme/atlas"
SITE = "atlas"
SECRETS: dict[str, str] = {}
PLACES = ("harbour", "lighthouse", "ferry", "quay", "pier", "buoy", "market", "museum", "station")


def site_files() -> dict[str, bytes]:
    """Posts in two sections with tags and aliases, a page, a static file; no layouts: every segment
    falls back to Presslift's theme alike."""
    files = {
        "presslift.toml": b'watch_paths = ["content", "static", "hugo.toml"]\n',
        "hugo.toml": b'title = "Atlas"\n[taxonomies]\ntag = "tags"\n',
        "content/_index.md": b"---\ntitle: Atlas\n---\nEvery place on the coast.\n",
        "content/about.md": b"---\ntitle: About\naliases: [/who/]\n---\nWho maps it.\n",
        "static/favicon.txt": b"an icon\n",
    }
    for n, place in enumerate(PLACES):
        section = "places" if n % 2 else "walks"
        files[f"content/{section}/{place}.md"] = (
            f"---\ntitle: The {place.title()}\ndate: 2026-02-{n + 1:02d}\ntags: [coast, t{n % 3}]\n"
            f"aliases: [/old/{place}/]\n---\nAll about the {place}, searchable.\n"
        ).encode()
    return files


@pytest.fixture(scope="module")
def github(cloud):
    with local_github(REPO) as server:
        SECRETS[SITE] = register(cloud, Site(SITE, repo=REPO))
        yield server


@pytest.fixture
def cli(cloud, monkeypatch, capsys):
    from presslift.cli import main

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def staging(cloud) -> dict[str, bytes]:
    s3, bucket = cloud.services.s3, cloud.settings.site_buckets["staging"]
    found: dict[str, bytes] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{SITE}/"):
        for item in page.get("Contents", []):
            found[item["Key"]] = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


def push(api, github) -> dict[str, Any]:
    _, body, headers = signed_push(github, REPO, site_files(), SECRETS[SITE])
    run = push_and_wait(api, body, headers)
    assert run["status"] == "awaiting_approval", run
    return run


@pytest.mark.parametrize("count", ["0", "17"])
def test_the_cli_refuses_a_split_into_fewer_than_one_or_more_than_sixteen(cli, github, count):
    code, _, err = cli("site", "update", SITE, "--build-segments", count)
    assert code == 2
    assert err.strip() == f"error: site {SITE}: --build-segments must be between 1 and 16, not {count}"
    code, _, err = cli("site", "add", "atlas-two", "--repo", "acme/atlas-two", "--build-segments", count)
    assert code == 2
    assert err.strip() == f"error: site atlas-two: --build-segments must be between 1 and 16, not {count}"
    code, out, _ = cli("site", "list", "--json")
    sites = {site["name"]: site for site in json.loads(out)}
    assert code == 0 and sites[SITE]["build_segments"] == 1 and "atlas-two" not in sites  # nothing changed


def test_a_site_built_in_three_segments_reaches_staging_as_the_site_built_whole(cloud, api, github, cli):
    whole = push(api, github)
    expected = staging(cloud)
    assert f"{SITE}/index.html" in expected and f"{SITE}/old/quay/index.html" in expected
    assert any(key.startswith(f"{SITE}/pagefind/") for key in expected)
    assert "segment 1 of 3" not in run_logs(api, whole)

    code, out, _ = cli("site", "update", SITE, "--build-segments", "3")
    assert code == 0 and "build: 3 Hugo segments, each in its own build runner" in out, out
    split = push(api, github)
    logs = run_logs(api, split)
    for number in (1, 2, 3):
        assert f"== segment {number} of 3 (presslift-{number}-of-3)" in logs
    assert "== search index" in logs
    # No layouts: the home page's segment falls back to Presslift's theme, the others follow it.
    assert logs.count(f"== using the {THEME_NAME} theme: the site rendered no home page") == 2 * 3, logs
    assert staging(cloud) == expected  # the deploy found nothing to change
    store = ArtifactStore(cloud.services.s3, cloud.settings.artifacts_bucket)
    for stage in ("staging", "prod"):  # both trees of the artifact, prod's not yet deployed
        before, after = (store.get_manifest(SITE, run["id"], stage) for run in (whole, split))
        assert after.files == before.files and after.redirects == before.redirects
        assert after.text_md5 == before.text_md5
