"""An Algolia site through the local cloud: records are synced per stage from the artifact, an edit
sends only what changed, the live index is never empty, and the admin key reaches no site or record."""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request

import pytest

from chalicelib.sitemodel import SearchBackend, Site
from standins.algolia import LocalAlgolia
from standins.github.payloads import push_payload, webhook_request
from tests.e2e.conftest import local_github, register

pytestmark = pytest.mark.e2e

REPO = "acme/searchable"
ADMIN_PARAMETER = "/presslift/search/searchable/algolia-admin-key"
SECRETS: dict[str, str] = {}


def files(posts: dict[str, str]) -> dict[str, bytes]:
    # Search credentials are the site's registration; the repository only builds.
    tree = {"hugo.toml": b'title = "Searchable"\n'}
    for slug, body in posts.items():
        tree[f"content/posts/{slug}.md"] = (
            f"---\ntitle: {slug.title()}\ndate: 2026-01-01\n---\n{body}\n".encode()
        )
    return tree


@pytest.fixture(scope="module")
def servers(cloud):
    with local_github(REPO) as github, LocalAlgolia() as algolia:
        svc = cloud.services
        svc.settings = dataclasses.replace(svc.settings, algolia_hosts=algolia.hosts)
        boto = __import__("boto3").session.Session().client("ssm")
        boto.put_parameter(Name=ADMIN_PARAMETER, Value=algolia.admin_key, Type="SecureString", Overwrite=True)
        search = SearchBackend("algolia", algolia.app_id, "searchable", algolia.search_key, ADMIN_PARAMETER)
        SECRETS["searchable"] = register(cloud, Site("searchable", repo=REPO, search=search))
        yield github, algolia


def push(api, github, algolia, posts: dict[str, str]) -> dict:
    before = github.add_commit(REPO, {"README.md": b"old"})
    after = github.add_commit(REPO, files(posts))
    body, headers = webhook_request(
        "push",
        push_payload(REPO, "refs/heads/main", before, after, ["content/posts/a.md"]),
        SECRETS["searchable"],
    )
    request = urllib.request.Request(
        api.base_url + "/webhooks/github", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            run_id = json.loads(response.read())["run_id"]
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"webhook refused: {exc.code} {exc.read().decode()}") from exc
    return api.wait_for_run(run_id, lambda r: r["status"] != "running", timeout=240)


def test_an_edit_syncs_only_the_changed_records_and_the_key_stays_secret(cloud, api, servers):
    github, algolia = servers
    posts = {f"post-{n}": f"Harbour story number {n}. " * 20 for n in range(6)}
    first = push(api, github, algolia, posts)
    assert first["status"] == "awaiting_approval", first
    synced = algolia.records("searchable_staging")
    assert {record["title"] for record in synced.values()} >= {f"Post-{n}" for n in range(6)}

    algolia.reset_counts()
    posts["post-3"] = "A completely rewritten story about the lighthouse."
    second = push(api, github, algolia, posts)
    assert second["status"] == "awaiting_approval", second
    operations = sum(algolia.record_operations.values())
    changed = [r for r in algolia.records("searchable_staging").values() if "lighthouse" in json.dumps(r)]
    assert changed and operations <= 3  # the edited post's records, not the whole index
    assert algolia.report("searchable_staging")["empty_seconds"] == 0

    for run in (first, second):
        assert algolia.admin_key not in json.dumps(api.run(run["id"]))
    s3 = cloud.services.s3
    bucket = cloud.settings.site_buckets["staging"]
    published = s3.list_objects_v2(Bucket=bucket, Prefix="searchable/").get("Contents", [])
    for item in published:
        assert algolia.admin_key.encode() not in s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    # Algolia answers its search page: no Pagefind index is built or published beside it.
    assert published and not any(item["Key"].startswith("searchable/pagefind/") for item in published)
    search_page = s3.get_object(Bucket=bucket, Key="searchable/search/index.html")["Body"].read().decode()
    assert algolia.search_key in search_page and "searchable_staging" in search_page
