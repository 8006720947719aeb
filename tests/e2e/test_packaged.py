"""What AWS runs, run here: `make package`'s output on the packaged local cloud.

Each function runs from the unzipped deployment package in its own Python 3.12 process with only
boto3 at the supported floor, the layer's binaries, the template's environment and its own role's
credentials, with moto's IAM enforcement on; the API is served under API Gateway's stage (`/api`).
Every road a user takes goes through it: a WordPress import approved from the emailed link and the
page's own form, a GitHub push site searched with Algolia, a code site onto EFS, a site with its own
bucket and distribution, and a rollback. No function may be refused anything it does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email import message_from_bytes
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.credentials import Credentials

from chalicelib import events, resources
from chalicelib.errors import ConflictError
from chalicelib.resources import dead_letter_queue
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.sitemodel import SearchBackend, Site, Target
from chalicelib.sites import SiteStore, register
from presslift.api_client import ApiClient
from presslift.demo import SAMPLE, drop_sample
from presslift.localcloud.packaged.cloud import PackagedCloud, PackagedOptions
from presslift.packaging.bytecode import find_python312
from standins.algolia import LocalAlgolia
from standins.github import LocalGitHub
from standins.github.payloads import push_payload, webhook_request
from tests.conftest import free_port, packaged_once
from tests.e2e.conftest import (
    PRINTS_ITS_ENVIRONMENT,
    assert_a_replayed_push_builds_nothing,
    assert_a_stale_push_builds_nothing,
    leaks,
    run_logs,
    send_webhook,
    signed_push,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("packaged")]

SECRETS: dict[str, str] = {}  # each site's own webhook secret, as `presslift site add` printed it
TOKEN = "packaged-github-token"
OWN_BUCKET = "acme-brochure-www"
RUNNER = "BuildRunner"  # the runner function's logical id
MOUNT = "CodedropMount"  # the code-drop mount function's


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if find_python312() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("packaged mode needs a Python 3.12 (Lambda's runtime); CI must provide one")
        pytest.skip("packaged mode needs a Python 3.12 (Lambda's runtime): none found (pyenv install 3.12)")

    packaged = packaged_once(tmp_path_factory)
    assert packaged.ok, packaged.findings
    return packaged.out


@pytest.fixture(scope="module")
def outside() -> Iterator[tuple[LocalGitHub, LocalAlgolia]]:
    """The services outside AWS, on loopback: GitHub's API and Algolia."""
    with LocalGitHub() as github, LocalAlgolia() as algolia:
        yield github, algolia


@pytest.fixture(scope="module")
def cloud(
    package_dir: Path, outside: tuple[LocalGitHub, LocalAlgolia], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PackagedCloud]:
    github, algolia = outside
    saved = dict(os.environ)
    options = PackagedOptions(
        state_dir=tmp_path_factory.mktemp("packaged-state"),
        aws_port=free_port(),
        api_port=free_port(),
        github_token=TOKEN,
        schedule_seconds=3600,
        package_dir=package_dir,
        extra_environment={
            "PRESSLIFT_GITHUB_API": github.url,
            "PRESSLIFT_ALGOLIA_HOSTS": ",".join(algolia.hosts),
        },
    )
    local = PackagedCloud(options)
    local.start()
    try:
        yield local
    finally:
        local.stop()
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(autouse=True)
def as_operator(cloud: PackagedCloud, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The harness signs as the operator (moto refuses the suite's default fake keys once enforcing);
    after each test, no function may have logged an AccessDenied."""
    assert cloud.operator is not None
    for name, value in cloud.operator.environment().items():
        monkeypatch.setenv(name, value)
    yield
    assert cloud.aws_errors() == {}, "a function was refused an AWS call by its own role"


@pytest.fixture(scope="module")
def api(cloud: PackagedCloud) -> ApiClient:
    """Signs as the operator: the packaged API's operator routes require AWS_IAM."""
    assert cloud.operator is not None
    operator = Credentials(cloud.operator.access_key_id, cloud.operator.secret_access_key)
    return ApiClient(f"http://127.0.0.1:{cloud.options.api_port}/api", credentials=operator)


class Forms(HTMLParser):
    """Every form of a page: its action, method and the fields a browser would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "action": found.get("action", ""),
                    "method": found.get("method", "get"),
                    "fields": {},
                    "buttons": [],
                }
            )
        elif tag in ("input", "button") and self.forms:
            kind = found.get("type", "submit" if tag == "button" else "text")
            if kind == "submit" and "name" in found:
                self.forms[-1]["buttons"].append((found["name"], found.get("value", "")))
            elif "name" in found:
                self.forms[-1]["fields"][found["name"]] = found.get("value", "")


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def approve_from_email(cloud: PackagedCloud, run_id: str) -> str:
    """Follow the emailed link, then submit the page's own form with its Approve button."""
    email = cloud.wait_for_email(lambda e: run_id in e.body and "/approvals/" in e.body, timeout=60)
    message = message_from_bytes(email.path.read_bytes())
    body = message.get_payload(decode=True).decode()
    link = next(link for link in re.findall(r"https?://\S+", body) if "/approvals/" in link)
    assert urllib.parse.urlsplit(link).path.startswith("/api/approvals/"), link
    status, page = http(link)
    assert status == 200, page
    parser = Forms()
    parser.feed(page)
    form = next(f for f in parser.forms if f["method"].lower() == "post")
    action = urllib.parse.urljoin(link, form["action"])
    assert urllib.parse.urlsplit(action).path.startswith("/api/approvals/"), action
    approve = next(button for button in form["buttons"] if button[1] == "approve")
    data = urllib.parse.urlencode({**form["fields"], approve[0]: approve[1]}).encode()
    status, answer = http(action, data, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, answer
    return answer


def push(
    api: ApiClient,
    github: LocalGitHub,
    site: Site,
    files: dict[str, bytes],
    submodules: dict[str, str] | None = None,
) -> dict[str, Any]:
    _, body, headers = signed_push(
        github,
        site.repo or "",
        files,
        SECRETS[site.name],
        before={"README.md": b"old"},
        submodules=submodules,
    )
    status, answer = send_webhook(api, body, headers)
    assert status in (200, 202), answer
    return api.wait_for_run(answer["run_id"], lambda r: r["status"] != "running", timeout=300)


def runner_jobs(cloud: PackagedCloud) -> int:
    """How many jobs the build runner function has been given (through the local Invoke API)."""
    return cloud.pools[RUNNER].invocations


def errors(run: dict[str, Any]) -> list[tuple[str, str]]:
    return [(stage["name"], stage["error"]) for stage in run["stages"] if stage.get("error")]


def finished(api: ApiClient, run_id: str) -> dict[str, Any]:
    return api.wait_for_run(
        run_id, lambda r: r["status"] not in ("running", "awaiting_approval"), timeout=300
    )


def test_a_wordpress_import_reaches_prod_through_the_emailed_link_and_the_pages_form(cloud, api):
    drop_sample(cloud.services.s3, cloud.settings.ingest_bucket)
    run = api.wait_for_new_run("demo", set(), timeout=120)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=300)
    assert run["status"] == "awaiting_approval", run
    answer = approve_from_email(cloud, run["id"])
    assert "Approved" in answer
    run = finished(api, run["id"])
    assert run["status"] == "succeeded", run
    status, home = http(run["urls"]["prod"])
    assert status == 200 and "<html" in home.lower()


def test_a_rollback_through_the_api_restores_the_earlier_prod(cloud, api):
    first = api.runs("demo")[0]
    edited = (
        (SAMPLE / "export.xml")
        .read_text()
        .replace("Sunrise Over the Harbour Ovens", "Harbour Ovens (edited)")
    )
    cloud.services.s3.put_object(
        Bucket=cloud.settings.ingest_bucket, Key="imports/demo/edited.xml", Body=edited.encode()
    )
    second = api.wait_for_new_run("demo", {first["id"]}, timeout=120)
    second = api.wait_for_run(second["id"], lambda r: r["status"] != "running", timeout=300)
    assert second["status"] == "awaiting_approval", [(s["name"], s["error"]) for s in second["stages"]]
    approve_from_email(cloud, second["id"])
    assert finished(api, second["id"])["status"] == "succeeded"
    assert "(edited)" in http(second["urls"]["prod"])[1]  # the home page lists the newest posts

    rollback_url = f"{api.base_url}/sites/demo/prod/rollback"
    # Unsigned, the packaged API refuses it before the function runs (AWS_IAM in its definition).
    status, answer = http(
        rollback_url, json.dumps({"run": first["id"]}).encode(), {"Content-Type": "application/json"}
    )
    assert (status, json.loads(answer)) == (403, {"message": "Missing Authentication Token"})
    assert api.runs("demo")[0]["id"] == second["id"]
    status, answer = api.request("POST", rollback_url, json_body={"run": first["id"]})
    assert status == 202, answer
    rollback = finished(api, json.loads(answer)["id"])
    assert rollback["status"] == "succeeded", rollback
    assert "(edited)" not in http(first["urls"]["prod"])[1]


def test_a_github_site_searched_with_algolia_reaches_prod(cloud, api, outside):
    github, algolia = outside
    repo = "acme/searchable"
    search_path = (
        cloud.stack.scope.parameters.get("SearchKeysPath", "/presslift/search") if cloud.stack else ""
    )
    admin_parameter = f"{search_path}/searchable/algolia-admin-key"
    # The operator registers the search credentials (the repository only builds) and writes the key.
    search = SearchBackend("algolia", algolia.app_id, "searchable", algolia.search_key, admin_parameter)
    site = Site("searchable", repo=repo, search=search)
    SECRETS[site.name] = register(cloud.services, site)
    github.add_repo(repo, tokens=[TOKEN])
    boto3.session.Session().client("ssm").put_parameter(
        Name=admin_parameter, Value=algolia.admin_key, Type="SecureString", Overwrite=True
    )
    files = {"hugo.toml": b'title = "Searchable"\n'}
    for n in range(4):
        files[f"content/posts/post-{n}.md"] = (
            f"---\ntitle: Post {n}\ndate: 2026-01-0{n + 1}\n---\nHarbour {n}.\n".encode()
        )
    jobs = runner_jobs(cloud)
    run = push(api, github, site, files)
    assert run["status"] == "awaiting_approval", run
    # Hugo ran in the runner function, on presigned URLs: staging's tree, then prod's once staging is live
    assert runner_jobs(cloud) == jobs + 2
    assert {r["title"] for r in algolia.records("searchable_staging").values()} >= {
        f"Post {n}" for n in range(4)
    }
    approve_from_email(cloud, run["id"])
    assert finished(api, run["id"])["status"] == "succeeded"
    assert {r["title"] for r in algolia.records("searchable").values()} >= {f"Post {n}" for n in range(4)}
    statuses = {s.state for s in github.statuses(repo)}
    assert "success" in statuses


def test_lfs_files_a_theme_submodule_and_a_hugo_module_are_fetched_by_the_packaged_fetch_function(
    cloud, api, outside
):
    github, _ = outside
    site = Site("themed", repo="acme/themed")
    SECRETS[site.name] = register(cloud.services, site)
    github.add_repo(site.repo or "", tokens=[TOKEN])
    page = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>%s</main></body></html>"
    layouts = {
        "layouts/index.html": page % "Quay home",
        "layouts/_default/list.html": page % "Quay list",
        "layouts/_default/single.html": page % 'Quay theme: {{ .Title }}, {{ partial "icons.html" . }}',
    }
    theme = github.add_commit("acme/quay-theme", layouts)
    icons = github.add_commit("acme/quay-icons", {"layouts/partials/icons.html": "quay icons"})
    github.add_tag("acme/quay-icons", "v0.2.0", icons)
    files = {
        "hugo.toml": b'title = "Themed"\ntheme = ["quay", "github.com/acme/quay-icons"]\n',
        ".gitmodules": b'[submodule "themes/quay"]\n\tpath = themes/quay\n\turl = ../quay-theme.git\n',
        "content/posts/hello.md": b"---\ntitle: Hello Quay\n---\nHi.\n",
        "static/img/quay.jpg": github.add_lfs_object("acme/themed", bytes(range(256)) * 8),
    }
    run = push(api, github, site, files, submodules={"themes/quay": theme})
    assert run["status"] == "awaiting_approval", errors(run) or run
    fetched = run["stages"][0]["detail"]
    assert fetched["submodules"] == [f"themes/quay from acme/quay-theme@{theme[:7]}"]
    assert fetched["modules"] == ["github.com/acme/quay-icons v0.2.0"]
    status, page = http(run["urls"]["staging"] + "posts/hello/")
    assert status == 200 and "Quay theme: Hello Quay, quay icons" in page
    assert "1 Git LFS file fetched" in fetched["summary"]
    with urllib.request.urlopen(run["urls"]["staging"] + "img/quay.jpg", timeout=30) as image:
        assert image.read() == bytes(range(256)) * 8


def test_a_code_site_reaches_efs_prod(cloud, api, outside):
    github, _ = outside
    repo = "acme/worker"
    site = Site("worker", repo=repo, kind="code", code_app="worker")
    SECRETS[site.name] = register(cloud.services, site)
    github.add_repo(repo, tokens=[TOKEN])
    files = {"presslift.toml": b'kind = "code"\n', "worker/__init__.py": b'VERSION = "1.0"\n'}
    jobs, drops = runner_jobs(cloud), cloud.pools[MOUNT].invocations
    run = push(api, github, site, files)
    assert run["status"] == "awaiting_approval", run
    assert runner_jobs(cloud) == jobs + 1  # the bundle was built in the runner function
    assert '"1.0"' in (cloud.efs_dir / "stage" / "worker" / "current" / "worker" / "__init__.py").read_text()
    approve_from_email(cloud, run["id"])
    assert finished(api, run["id"])["status"] == "succeeded"
    assert '"1.0"' in (cloud.efs_dir / "prod" / "worker" / "current" / "worker" / "__init__.py").read_text()
    # dev, stage and prod were written by the mount function, the one function given the mount
    assert cloud.pools[MOUNT].invocations == drops + 3
    mount = resources.EFS_MOUNT.name
    mounted = {name for name, pool in cloud.pools.items() if mount in pool.launch.environment}
    assert mounted == {MOUNT}


def test_a_site_split_in_segments_builds_in_concurrent_runner_invocations(cloud, api, outside):
    """For each tree (staging's, then prod's), three runner invocations render a segment each (the
    pool runs them at once, as Lambda would) and a fourth indexes their merge, all on presigned URLs;
    no function is refused anything."""
    from tests.e2e.test_segmented_site import site_files

    github, _ = outside
    repo = "acme/packaged-atlas"
    github.add_repo(repo, tokens=[TOKEN])
    site = Site("pkgatlas", repo=repo, build_segments=3)
    SECRETS[site.name] = register(cloud.services, site)
    jobs = runner_jobs(cloud)
    run = push(api, github, site, site_files())
    assert run["status"] == "awaiting_approval", errors(run)
    # Staging's tree, then prod's, each: three segments, the two that kept the site's own layouts again
    # with Presslift's theme (the site has none: the home page's segment found so), and the index.
    assert runner_jobs(cloud) == jobs + 2 * (3 + 2 + 1)
    logs = run_logs(api, run)
    for n in (1, 2, 3):
        assert logs.count(f"== segment {n} of 3 (presslift-{n}-of-3)") == 2, logs
    assert "== search index" in logs
    status, home = http(run["urls"]["staging"])
    assert status == 200 and "The Harbour" in home


def test_a_site_with_its_own_bucket_and_distribution(cloud, api, outside, monkeypatch):
    github, _ = outside
    repo = "acme/brochure"
    s3 = cloud.services.s3
    s3.create_bucket(Bucket=OWN_BUCKET)
    from presslift.localcloud.provision import distribution_config

    distribution = cloud.services.cloudfront.create_distribution(
        DistributionConfig=distribution_config("acme-brochure", OWN_BUCKET)
    )["Distribution"]["Id"]
    # The operator allows the site's own target, as the README says: the stack's parameters, deployed.
    cloud.update_stack(SiteOwnedBuckets=OWN_BUCKET, SiteOwnedDistributions=distribution)
    # ... which the operator's `presslift site add` then checks against, as the functions do.
    monkeypatch.setenv(resources.SITE_OWNED_BUCKETS.name, OWN_BUCKET)
    monkeypatch.setenv(resources.SITE_OWNED_DISTRIBUTIONS.name, distribution)
    # The operator gives the site its own bucket (at its root) and distribution; the repository cannot.
    own = Target(bucket=OWN_BUCKET, distribution=distribution, own_bucket=True)
    site = Site("brochure", repo=repo, targets={"prod": own})
    SECRETS[site.name] = register(cloud.services, site)
    github.add_repo(repo, tokens=[TOKEN])
    files = {
        "hugo.toml": b'title = "Brochure"\n',
        "content/about.md": b"---\ntitle: About us\n---\nWe make brochures.\n",
        # a stylesheet only Dart Sass compiles (math.div), which the runner has from the layer
        "assets/main.scss": b'@use "sass:math";\n.brochure { margin: math.div(10px, 2); }\n',
        "layouts/home.html": (
            b'<html><head><style>{{ with resources.Get "main.scss" | css.Sass (dict "transpiler" '
            b'"dartsass") }}{{ .Content | safeCSS }}{{ end }}</style></head>'
            b"<body>{{ site.Title }}</body></html>"
        ),
    }
    run = push(api, github, site, files)
    assert run["status"] == "awaiting_approval", errors(run)
    approve_from_email(cloud, run["id"])
    run = finished(api, run["id"])
    assert run["status"] == "succeeded", errors(run)
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=OWN_BUCKET).get("Contents", [])}
    assert "index.html" in keys
    home = s3.get_object(Bucket=OWN_BUCKET, Key="index.html")["Body"].read().decode()
    assert ".brochure {\n  margin: 5px;\n}" in home
    publish = next(stage for stage in run["stages"] if stage["name"] == "deploy-prod")["detail"]["publish"]
    # the deploy function invalidated the site's own distribution with its own role (moto answers the
    # operator's GetInvalidation with an unsigned-looking error, so the function's log is the witness)
    assert publish["invalidation_id"], publish
    assert any("cloudfront:CreateInvalidation" in calls for calls in cloud.aws_calls().values())
    default_prod = cloud.settings.site_buckets["prod"]
    assert not s3.list_objects_v2(Bucket=default_prod, Prefix="brochure/").get("Contents")


def test_the_scheduled_sweep_fails_a_run_whose_message_was_dead_lettered(cloud):
    """The sweep runs in its own function, with its own role, over the stack's own dead-letter queues."""
    svc = cloud.services
    run = svc.runs.create(
        Run(
            id=new_run_id(),
            site="stuck",
            kind="hugo",
            trigger=Trigger("import"),
            stages=[Stage("convert", "succeeded"), Stage("build", "running"), Stage("deploy-staging")],
        )
    )
    body = events.encode(events.BuildRequest(run.id, "stuck", "sources/stuck/export.tar.gz"))
    dlq = svc.sqs.get_queue_url(QueueName=dead_letter_queue(cloud.settings.queues["build"]))["QueueUrl"]
    svc.sqs.send_message(QueueUrl=dlq, MessageBody=body)  # what SQS does after the last attempt
    (sweep,) = cloud.schedules
    assert sweep.fire() is not None, "the scheduled function failed: see its log"
    failed = svc.runs.get(run.id)
    assert failed.status == "failed"
    assert "gave up after" in (failed.stage("build").error or "")


def test_the_attacks_of_a_pusher_fail_against_the_packaged_functions(cloud, api, outside):
    """As a pusher to one registered repository, under the functions' own roles: a push signed with
    another site's secret, an anonymous read of the runs, and a template reading a key all fail."""
    github, _ = outside
    repo = "acme/packaged-pusher"
    github.add_repo(repo, tokens=[TOKEN])
    site = Site("pkgpusher", repo=repo)
    SECRETS[site.name] = register(cloud.services, site)
    other = next(name for name in SECRETS if name != site.name)

    before = github.add_commit(repo, {"README.md": b"old"})
    after = github.add_commit(repo, {"content/a.md": b"---\ntitle: A\n---\nA\n"})
    payload = push_payload(repo, "refs/heads/main", before, after, ["content/a.md"])
    body, headers = webhook_request("push", payload, SECRETS[other])  # another site's secret
    known = {run["id"] for run in api.runs(site.name)}
    assert http(f"{api.base_url}/webhooks/github", body, headers)[0] == 401
    assert {run["id"] for run in api.runs(site.name)} == known  # nothing started

    assert http(f"{api.base_url}/runs")[0] == 403  # anonymous: API Gateway's refusal, no function runs

    template = b'<p>{{ getenv "AWS_SECRET_ACCESS_KEY" }}{{ getenv "AWS_SESSION_TOKEN" }}</p>'
    run = push(api, github, site, {"hugo.toml": b'title = "P"\n', "layouts/home.html": template})
    assert run["status"] == "failed", run
    assert any("getenv" in error for _, error in errors(run)), errors(run)
    bucket = cloud.settings.site_buckets["staging"]
    assert not cloud.services.s3.list_objects_v2(Bucket=bucket, Prefix=f"{site.name}/").get("Contents")


def test_presslift_up_packaged_serves_the_package_under_api_and_stops_on_ctrl_c(package_dir, tmp_path):
    aws_port, api_port = free_port(), free_port()
    env = {**os.environ, "PRESSLIFT_AWS_PORT": str(aws_port), "PRESSLIFT_API_PORT": str(api_port)}
    command = [sys.executable, "-m", "presslift.cli", "up", "--packaged", "--state-dir", str(tmp_path / "s")]
    proc = subprocess.Popen(
        [*command, "--package-dir", str(package_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        lines = []
        while line := proc.stdout.readline():
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        banner = "".join(lines)
        assert "(packaged)" in banner and "IAM is enforced" in banner, banner
        key_id, secret = re.search(r"AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)", banner).groups()
        assert http(f"http://127.0.0.1:{api_port}/api/runs")[0] == 403  # operators only
        operator = ApiClient(f"http://127.0.0.1:{api_port}/api", credentials=Credentials(key_id, secret))
        assert operator.request("GET", "/runs")[0] == 200  # signed with the keys the banner prints
        assert http(f"http://127.0.0.1:{api_port}/runs")[0] == 403  # API Gateway's answer off the stage
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0  # a bound for a hang, not a timing assert
    finally:
        if proc.poll() is None:
            proc.kill()


def test_presslift_up_packaged_without_a_package_says_what_to_run(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "presslift.cli",
            "up",
            "--packaged",
            "--package-dir",
            str(tmp_path / "none"),
            "--state-dir",
            str(tmp_path / "s"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PRESSLIFT_AWS_PORT": str(free_port()), "PRESSLIFT_API_PORT": str(free_port())},
        timeout=120,
    )
    assert done.returncode == 2
    assert "make package" in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_the_build_runner_is_a_function_whose_role_can_do_nothing(cloud):
    """The runner's own credentials (what repository code could reach there) are refused everything."""
    from botocore.exceptions import ClientError

    keys = cloud.function_credentials("BuildRunner")
    session = boto3.session.Session(
        aws_access_key_id=keys.access_key_id,
        aws_secret_access_key=keys.secret_access_key,
        aws_session_token=keys.session_token or None,
        region_name="us-east-1",
    )
    endpoint = cloud.options.aws_url
    settings = cloud.settings
    assert settings is not None
    attempts = {
        "s3": lambda c: c.list_objects_v2(Bucket=settings.artifacts_bucket),
        "sqs": lambda c: c.get_queue_url(QueueName=settings.queues["build"]),
        "dynamodb": lambda c: c.get_item(TableName=settings.table, Key={"pk": {"S": "x"}, "sk": {"S": "x"}}),
        "ssm": lambda c: c.get_parameter(Name="/presslift/github/token", WithDecryption=True),
    }
    for service, attempt in attempts.items():
        with pytest.raises(ClientError) as refused:
            attempt(session.client(service, endpoint_url=endpoint))
        # moto answers SQS's JSON protocol with its XML error, so the code may read as the status
        assert "AccessDenied" in str(refused.value.response), (service, refused.value.response)


def test_the_runner_function_builds_through_the_invoke_api_with_nothing_in_its_environment(cloud, tmp_path):
    """The packaged runner function, invoked as the build function invokes it on AWS: the job's URLs
    (a stand-in for presigned S3 URLs) are all it reaches; a template reading a key finds none."""
    from tests.functional.test_build_runner import SITE, Bucket, job, source_tarball

    template = '{{ getenv "AWS_SECRET_ACCESS_KEY" }}|{{ getenv "HUGO_ENVIRONMENT" }}'
    served = Bucket(source_tarball(tmp_path, {**SITE, "layouts/home.html": template}))
    try:
        client = boto3.client("lambda", endpoint_url=cloud._invoke.url, region_name="us-east-1")
        reply = client.invoke(FunctionName="BuildRunner", Payload=job(served).to_json().encode())
        result = json.loads(reply["Payload"].read())
        assert "FunctionError" not in reply, result
        assert result["ok"] is False and "security.funcs.getenv" in result["log_tail"]
        assert b"== failed" in served.put["log"][1]
        good = Bucket(source_tarball(tmp_path / "good", SITE))
        reply = client.invoke(FunctionName="BuildRunner", Payload=job(good).to_json().encode())
        result = json.loads(reply["Payload"].read())
        assert result["ok"] is True, result
        assert "trees" in good.put
        good.server.shutdown()
    finally:
        served.server.shutdown()
    runner_env = cloud.pools["BuildRunner"].launch.environment
    assert not [name for name in runner_env if name.startswith("PRESSLIFT_")]


def test_a_pushed_environ_mount_fails_in_the_runner_function(cloud, api, outside):
    github, _ = outside
    repo = "acme/packaged-hostile"
    github.add_repo(repo, tokens=[TOKEN])
    site = Site("pkghostile", repo=repo)
    SECRETS[site.name] = register(cloud.services, site)
    mount = b'[[module.mounts]]\nsource = "/proc/self/environ"\ntarget = "static/env.txt"\n'
    run = push(api, github, site, {"hugo.toml": mount, "content/a.md": b"---\ntitle: A\n---\nA\n"})
    assert run["status"] == "failed", run
    assert any("module.mounts.source = '/proc/self/environ' is an absolute path" in e for _, e in errors(run))
    for value in (SECRETS[site.name], TOKEN):
        assert value not in json.dumps(run)


def test_a_replayed_or_stale_push_builds_nothing_in_the_packaged_functions(cloud, api, outside):
    """A captured signed body replayed with a new delivery id neither builds nor supersedes the newer
    run; a push that is no longer the branch head builds nothing and says why."""
    github, _ = outside
    repo = "acme/packaged-replay"
    github.add_repo(repo, tokens=[TOKEN])
    site = Site("pkgreplay", repo=repo)
    SECRETS[site.name] = register(cloud.services, site)

    def page(title: str) -> dict[str, bytes]:
        return {"hugo.toml": b'title = "R"\n', "content/_index.md": f"---\ntitle: {title}\n---\n".encode()}

    jobs = runner_jobs(cloud)
    assert_a_replayed_push_builds_nothing(api, github, repo, site.name, SECRETS[site.name], page)
    # The first push and the newer one (each staging's tree, then prod's), not the replay
    assert runner_jobs(cloud) == jobs + 4
    assert_a_stale_push_builds_nothing(api, github, repo, SECRETS[site.name], page)
    assert runner_jobs(cloud) == jobs + 4  # the stale push built nothing


def test_a_check_that_prints_the_environment_shows_no_key_in_the_packaged_functions(cloud, api, outside):
    github, _ = outside
    repo = "acme/packaged-check"
    github.add_repo(repo, tokens=[TOKEN])
    site = Site("pkgcheck", repo=repo, kind="code", code_app="pkgcheck")
    SECRETS[site.name] = register(cloud.services, site)
    run = push(api, github, site, {"presslift.toml": PRINTS_ITS_ENVIRONMENT, "app.py": b"X = 1\n"})
    assert run["status"] == "failed", run
    failed = next(stage for stage in run["stages"] if stage["status"] == "failed")
    assert "the check command" in failed["error"]
    seen = json.dumps(run) + run_logs(api, run)
    assert "PYTHONPATH=" in seen  # the check's output is kept, so a leak would show: it printed an env
    assert cloud.operator is not None and cloud.stack is not None
    keys = [cloud.operator, *(cloud.function_credentials(s.name) for s in cloud.stack.functions.values())]
    secrets = [
        *SECRETS.values(),
        TOKEN,
        *(k.secret_access_key for k in keys),
        *(k.session_token for k in keys),
    ]
    assert leaks(secrets, seen.encode()) == []


def test_sites_sharing_a_prefix_or_a_code_app_are_refused_in_packaged_mode(cloud, monkeypatch):
    """`presslift site add` as the operator against the packaged stack: the claims' transaction
    (TransactWriteItems, under IAM enforcement) refuses a shared prefix or code app."""
    monkeypatch.setenv(resources.SITE_OWNED_BUCKETS.name, "acme-pkg-web")  # the operator allows the bucket
    shop = Site(
        "pkgshop", repo="acme/pkgshop", targets={"prod": Target(bucket="acme-pkg-web", prefix="shop")}
    )
    register(cloud.services, shop)
    sale = Site(
        "pkgsale", repo="acme/pkgsale", targets={"prod": Target(bucket="acme-pkg-web", prefix="shop/sale")}
    )
    with pytest.raises(ConflictError, match="overlaps site pkgshop's prod target s3://acme-pkg-web/shop/"):
        register(cloud.services, sale)
    with pytest.raises(ConflictError, match="code app 'worker' is already site worker's"):
        register(cloud.services, Site("pkgcron", repo="acme/pkgcron", kind="code", code_app="worker"))
    # An operator whose check read the sites before pkgshop was written: the claims still refuse it.
    racing = SiteStore(cloud.services.dynamodb, cloud.settings.table)
    racing.list = lambda: []
    with pytest.raises(ConflictError, match="target s3://acme-pkg-web/shop/ was just claimed"):
        racing.add(sale)
    assert {"pkgsale", "pkgcron"}.isdisjoint(site.name for site in cloud.services.sites.list())


def test_the_dashboard_rollback_without_its_csrf_token_is_refused_in_packaged_mode(cloud, api):
    """The packaged API function serves the dashboard to a signed operator; its rollback form without
    the form's token (or with another's) changes nothing."""
    from tests.e2e.test_api_paths import Page
    from tests.e2e.test_operator_auth import form, send

    assert cloud.operator is not None
    operator = Credentials(cloud.operator.access_key_id, cloud.operator.secret_access_key)
    dashboard = send("GET", f"{api.base_url}/", signer=operator)
    assert dashboard.status == 200, dashboard.body
    cookie = dashboard.headers["set-cookie"].split(";", 1)[0]
    forms = {f.action: f for f in Page(dashboard.body).forms}
    action = f"{api.base_url}/sites/demo/prod/rollback"
    other_token = forms[f"{api.base_url}/sites/demo/staging/rollback"].fields["csrf"]
    before = [run["id"] for run in api.runs("demo")]
    for fields in ({"confirm": "yes"}, {"csrf": other_token, "confirm": "yes"}):
        body, headers = form(fields)
        reply = send("POST", action, body, {**headers, "Cookie": cookie}, signer=operator)
        assert reply.status == 403 and not reply.from_api_gateway, (fields, reply.status)
        assert "Rollback refused" in reply.body and "token" in reply.body
    assert [run["id"] for run in api.runs("demo")] == before


def test_the_build_function_handed_every_build_to_the_runner_function_and_ran_none_itself(cloud):
    """The build function has no Hugo (no layer, none in its package) and invoked the runner; the
    runner, which reached S3 only through the job's presigned URLs, made no AWS call of its own."""
    assert cloud.stack is not None
    build = cloud.stack.function_by_handler("app.build")
    launch = cloud.pools[build.logical_id].launch
    assert shutil.which("hugo", path=launch.environment["PATH"]) is None
    task = Path(launch.environment["LAMBDA_TASK_ROOT"])
    assert not [path for path in task.rglob("hugo") if path.is_file()]
    assert resources.BUILD_RUNNER.name in launch.environment
    calls = cloud.aws_calls()
    assert "lambda:Invoke" in calls[build.name]
    runner = cloud.pools[RUNNER].launch
    assert runner_jobs(cloud) >= 4  # the imports and pushes above
    assert runner.name not in calls  # no AWS client call: only the presigned URLs
    log = cloud.function_log(runner.name).read_text(errors="replace")
    assert log.count("START RequestId") == runner_jobs(cloud)


def test_no_function_was_refused_anything(cloud):
    """Last in this file: every function did its work with its own role and nothing more."""
    assert cloud.aws_errors() == {}
    calls = cloud.aws_calls()
    assert calls, "the functions' logs record no AWS call: the tracer saw nothing"
    for function, made in calls.items():
        assert made, function
