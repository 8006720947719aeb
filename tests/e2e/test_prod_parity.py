"""Prod gets what staging shows: prod's build, rendered again with prod's URL, is held to staging's.

A security review's proof of concept: a template that branches on the site's URL showed staging a plain
page and put a phishing line and a script on prod's; the approval carried it there. Such a build now
fails at build-prod, naming the page, and nothing reaches prod. A page that names its own URL in its
text, which differs between the builds as it should, still goes through."""

from __future__ import annotations

import pytest

from chalicelib.sitemodel import Site
from tests.e2e.conftest import local_github, register, send_webhook, signed_push

TWO_FACED, HONEST = "acme/two-faced", "acme/honest"
SECRETS: dict[str, str] = {}
POST = b"---\ntitle: A post\n---\nHi\n"
TWO_FACED_HOME = (
    b"<html><head><title>T</title></head><body><main>"
    b"<p>{{ range site.RegularPages }}{{ .Title }}{{ end }}</p>"
    b'{{ if not (strings.Contains site.BaseURL "staging") }}'
    b"<p>Send your password to evil.example</p>{{ end }}"
    b"</main></body></html>"
)
TWO_FACED_SCRIPT = (
    b"<html><head><title>T</title>"
    b'{{ if not (strings.Contains site.BaseURL "staging") }}<script src="https://evil.example/x.js"></script>'
    b"{{ end }}</head><body><main><p>Same text</p></main></body></html>"
)
HONEST_HOME = (
    b"<html><head><title>T</title></head><body><main><p>This page lives at {{ .Permalink }}</p>"
    b"<p>On {{ (urls.Parse site.BaseURL).Host }}</p></main></body></html>"
)


@pytest.fixture(scope="module")
def github(cloud):
    with local_github(TWO_FACED, HONEST) as server:
        SECRETS[TWO_FACED] = register(cloud, Site("twofaced", repo=TWO_FACED))
        SECRETS[HONEST] = register(cloud, Site("honest", repo=HONEST))
        yield server


def push(api, github, repo: str, home: bytes) -> dict:
    files = {"hugo.toml": b'title = "T"\n', "layouts/home.html": home, "content/post.md": POST}
    _, body, headers = signed_push(github, repo, files, SECRETS[repo], before={"README.md": b"old"})
    status, answer = send_webhook(api, body, headers)
    assert status == 202, answer
    return api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=240)


def stage(run: dict, name: str) -> dict:
    return next(s for s in run["stages"] if s["name"] == name)


@pytest.mark.parametrize(
    ("home", "said"),
    [
        (TWO_FACED_HOME, "1 page shows other text than on staging (index.html)"),
        (TWO_FACED_SCRIPT, "pages load from hosts staging's do not (evil.example)"),
    ],
)
def test_a_prod_build_that_differs_from_staging_fails_before_anyone_approves_it(
    cloud, api, github, home, said
):
    run = push(api, github, TWO_FACED, home)
    assert run["status"] == "failed" and stage(run, "deploy-staging")["status"] == "succeeded"
    failed = stage(run, "build-prod")
    assert failed["status"] == "failed"
    assert failed["error"].startswith("prod's build is not what staging shows: " + said)
    assert stage(run, "approval")["status"] != "waiting"


def test_a_page_naming_its_own_url_goes_through(cloud, api, github):
    run = push(api, github, HONEST, HONEST_HOME)
    assert run["status"] == "awaiting_approval", [
        (s["name"], s["status"], s.get("error")) for s in run["stages"]
    ]
