"""The issue's attacks, pushed as a repository would push them, through the local cloud: a hugo.toml
that mounts /proc/self/environ, a template that reads a key with getenv, a code site's check that
prints its environment. Each run fails clearly, and no secret of the pipeline (the webhook secret, the
GitHub token, the local cloud's AWS settings) is in any bucket or run record afterwards."""

from __future__ import annotations

import json

import boto3
import pytest

from chalicelib.sitemodel import Site
from tests.e2e.conftest import (
    GITHUB_TOKEN,
    PRINTS_ITS_ENVIRONMENT,
    leaks,
    local_github,
    register,
    run_logs,
    send_webhook,
    signed_push,
)

pytestmark = pytest.mark.e2e

HUGO_REPO = "acme/hostile-site"
CODE_REPO = "acme/hostile-code"
SECRETS: dict[str, str] = {}  # each repository's site's own webhook secret

# A leak of the function's environment would show an `env` dump's lines (`leaks`: the local keys are
# the word "testing", so their names with "=" stand for them), the secrets' values, moto's address.
HOME = "<html><body>{{ range site.RegularPages }}<p>{{ .Title }}</p>{{ end }}</body></html>"


@pytest.fixture(scope="module")
def github(cloud):
    with local_github(HUGO_REPO, CODE_REPO) as server:
        SECRETS[HUGO_REPO] = register(cloud, Site("hostile", repo=HUGO_REPO))
        SECRETS[CODE_REPO] = register(
            cloud, Site("hostilecode", repo=CODE_REPO, kind="code", code_app="hostile")
        )
        yield server


def push(api, github, repo: str, files: dict[str, bytes]) -> dict:
    _, body, headers = signed_push(github, repo, files, SECRETS[repo], before={"README.md": b"old"})
    status, answer = send_webhook(api, body, headers)
    assert status == 202, answer
    return api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=240)


def hugo_site(**files: bytes) -> dict[str, bytes]:
    return {
        "hugo.toml": b'title = "Hostile"\n',
        "layouts/home.html": HOME.encode(),
        "content/post.md": b"---\ntitle: A post\n---\nHi\n",
        **{name.replace("__", "/"): text for name, text in files.items()},
    }


def build_stage(run: dict) -> dict:
    return next(stage for stage in run["stages"] if stage["name"] == "build")


def secrets(cloud) -> tuple[str, ...]:
    return (*SECRETS.values(), GITHUB_TOKEN, cloud.options.aws_url)


def assert_nothing_secret_stored(cloud, run: dict) -> None:
    assert leaks(secrets(cloud), json.dumps(run).encode()) == []
    s3 = boto3.client("s3")
    for bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                data = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                assert leaks(secrets(cloud), data) == [], f"s3://{bucket}/{item['Key']}"


def test_a_mount_of_the_process_environment_fails_the_build_and_publishes_nothing(cloud, api, github):
    mount = b'[[module.mounts]]\nsource = "/proc/self/environ"\ntarget = "static/env.txt"\n'
    run = push(api, github, HUGO_REPO, hugo_site(**{"hugo.toml": mount}))
    assert run["status"] == "failed", run
    error = build_stage(run)["error"]
    assert "module.mounts.source = '/proc/self/environ' is an absolute path" in error
    assert_nothing_secret_stored(cloud, run)


def test_a_template_reading_a_key_fails_the_build(cloud, api, github):
    template = b'{{ getenv "AWS_SECRET_ACCESS_KEY" }}{{ getenv "PRESSLIFT_WEBHOOK_SECRET" }}'
    run = push(api, github, HUGO_REPO, hugo_site(**{"layouts/home.html": template}))
    assert run["status"] == "failed", run
    assert "security.funcs.getenv" in build_stage(run)["error"]
    assert_nothing_secret_stored(cloud, run)


def test_a_check_that_prints_the_environment_shows_no_key(cloud, api, github):
    run = push(api, github, CODE_REPO, {"presslift.toml": PRINTS_ITS_ENVIRONMENT, "app.py": b"X = 1\n"})
    assert run["status"] == "failed", run
    failed = next(stage for stage in run["stages"] if stage["status"] == "failed")
    assert "the check command" in failed["error"]
    # The check's output is kept (so a leak would show): it printed an environment, with no key in it.
    assert "PYTHONPATH=" in json.dumps(run) + run_logs(api, run)
    assert_nothing_secret_stored(cloud, run)
