"""The API as API Gateway serves it: under the stage prefix `/api/...`, with every link and form action
that pages and emails emit followed through the local front door, as a person (or a mail client) would.
Operator routes are called signed with the local cloud's own identity; the approval pages unsigned, as an
approver's browser calls them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from botocore.credentials import Credentials

from presslift import signing
from presslift.localcloud import LocalCloud, local_identity
from presslift.localcloud.server import ApiServer, app_routes, in_process
from tests.conftest import free_port
from tests.e2e.conftest import sample_awaiting_approval

pytestmark = pytest.mark.e2e

SITE = "api-paths"
MISSING_TOKEN = {"message": "Missing Authentication Token"}


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class Page(HTMLParser):
    """The links and forms of one HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif tag == "input" and a.get("type") == "hidden" and self.forms:
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "button" and self.forms and a.get("name"):
            self.forms[-1].buttons.append((a["name"], a.get("value", "")))


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def is_html(self) -> bool:
        return self.headers.get("content-type", "").startswith("text/html")

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def operator() -> Credentials:
    ((key_id, secret),) = local_identity().items()
    return Credentials(key_id, secret)


def http(
    method: str,
    url: str,
    form: dict[str, str] | None = None,
    *,
    signed: bool = False,
    cookie: str | None = None,
) -> Reply:
    """One request as a browser would send it (no redirects followed, errors returned, not raised);
    `signed`, as the operator's signing proxy sends it."""
    data = urllib.parse.urlencode(form).encode() if form is not None else b""
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
    if cookie:
        headers["Cookie"] = cookie
    if signed:
        headers = signing.sign(operator(), method, url, headers, data)
    req = urllib.request.Request(url, data=data or None, method=method, headers=headers)
    req.add_header("User-Agent", "Mozilla/5.0 (api-paths test)")
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(req, timeout=30) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, exc.headers, exc.read()
    return Reply(status, {k.lower(): v for k, v in headers.items()}, body.decode("utf-8", "replace"))


def submit(
    form: Form, button: tuple[str, str] | None = None, *, signed: bool = False, cookie: str | None = None
) -> Reply:
    """Submit `form` as the browser does: to its own action, with its hidden fields and the pressed button."""
    fields = dict(form.fields)
    if button:
        fields[button[0]] = button[1]
    return http(form.method.upper(), form.action, fields, signed=signed, cookie=cookie)


def follow_links(cloud: LocalCloud, links: list[str], *, signed: bool = False) -> dict[str, Reply]:
    """GET every link of the API and of the published sites; each must be absolute and answer (unsigned
    unless `signed`: an approver's page may link only to what an approver can open)."""
    replies = {}
    for link in links:
        assert link.startswith(("http://", "https://")), f"a relative link misses the stage: {link}"
        if link.startswith(cloud.options.api_url + "/"):
            replies[link] = reply = http("GET", link, signed=signed)
            assert reply.status == 200, f"{link} -> {reply.status} {reply.body[:200]}"
        elif "/staging/" in link:
            replies[link] = reply = http("GET", link)
            assert reply.status == 200, f"{link} -> {reply.status}"
        else:
            assert link.startswith(cloud.options.base_url + "/sites/"), f"a link outside the API: {link}"
    return replies


@pytest.fixture(scope="module")
def awaiting(cloud: LocalCloud, api: Any) -> dict[str, Any]:
    """A run of the sample export on staging, waiting for its approval."""
    return sample_awaiting_approval(cloud, api, SITE)


def test_the_local_api_url_carries_the_stage(cloud: LocalCloud, api: Any) -> None:
    assert cloud.options.api_url == f"http://127.0.0.1:{cloud.options.api_port}/api"
    assert cloud.settings.api_url == cloud.options.api_url
    assert api.base_url == cloud.options.api_url


def test_the_front_doors_root_redirects_to_the_dashboard(cloud: LocalCloud) -> None:
    reply = http("GET", cloud.options.base_url + "/")
    assert reply.status == 302 and reply.headers["location"] == "/api/"
    assert http("GET", cloud.options.base_url + "/api/", signed=True).is_html


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/runs"),  # the routes without their stage
        ("GET", "/approvals/20260101-000000-abc"),
        ("POST", "/webhooks/github"),
        ("GET", "/api/api/runs"),  # the old doubled prefix
        ("GET", "/api/nothing-here"),
        ("GET", "/dashboard"),
        ("DELETE", "/api/runs"),  # a method the API does not define
        ("GET", "/api/sites/www/prod/rollback"),
    ],
)
def test_paths_the_api_does_not_define_get_api_gateways_403(
    cloud: LocalCloud, method: str, path: str
) -> None:
    reply = http(method, cloud.options.base_url + path, {} if method == "POST" else None)
    assert reply.status == 403
    assert reply.json() == MISSING_TOKEN
    assert reply.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_every_dashboard_link_and_form_answers_under_the_stage(
    cloud: LocalCloud, api: Any, awaiting: dict[str, Any]
) -> None:
    reply = http("GET", api.base_url + "/", signed=True)
    assert reply.status == 200 and reply.is_html
    cookie = reply.headers["set-cookie"].split(";", 1)[0]
    page = Page(reply.body)
    base = cloud.options.api_url
    run_id = awaiting["id"]
    run_page = f"{base}/runs/{run_id}/page"
    assert run_page in page.links
    replies = follow_links(cloud, page.links, signed=True)
    assert replies[run_page].is_html and run_id in replies[run_page].body
    # The run page in turn links the raw log, under the stage too.
    inner = follow_links(cloud, Page(replies[run_page].body).links, signed=True)
    assert "== staging" in inner[f"{base}/runs/{run_id}/logs/build.log"].body

    actions = {form.action for form in page.forms}
    assert actions == {f"{base}/sites/{SITE}/{stage}/rollback" for stage in ("staging", "prod")}
    for form in page.forms:
        assert form.method == "post" and set(form.fields) == {"csrf"}
        confirm = submit(form, signed=True, cookie=cookie)
        assert confirm.status == 200 and "Nothing has changed yet" in confirm.body, confirm.body[:300]
        (second,) = Page(confirm.body).forms
        assert second.action == form.action and second.fields["confirm"] == "yes"
        follow_links(cloud, Page(confirm.body).links, signed=True)
        reply = submit(second, signed=True, cookie=cookie)
        # Nothing earlier to roll back to: the app's own refusal page, not API Gateway's 403.
        assert reply.is_html and "Rollback refused" in reply.body, (
            form.action,
            reply.status,
            reply.body[:300],
        )
        back = Page(reply.body).links
        assert back == [f"{base}/"]
        follow_links(cloud, back, signed=True)
    assert api.run(run_id)["status"] == "awaiting_approval"


def test_the_emailed_link_opens_the_page_whose_own_form_approves(
    cloud: LocalCloud, api: Any, awaiting: dict[str, Any]
) -> None:
    run_id = awaiting["id"]
    email = cloud.wait_for_email(lambda e: run_id in e.body and "/approvals/" in e.body, timeout=30)
    link = next(link for link in email.links if "/approvals/" in link)
    assert link.startswith(f"{cloud.options.api_url}/approvals/{run_id}?token=")
    follow_links(cloud, [other for other in email.links if other != link], signed=True)

    reply = http("GET", link)
    assert reply.status == 200 and reply.is_html and "Opening this page changed nothing" in reply.body
    page = Page(reply.body)
    follow_links(cloud, page.links)
    (form,) = page.forms
    assert form.method == "post" and form.action == f"{cloud.options.api_url}/approvals/{run_id}"
    assert set(form.fields) == {"token"} and ("decision", "approve") in form.buttons
    assert api.run(run_id)["status"] == "awaiting_approval"

    reply = submit(form, ("decision", "approve"))
    assert reply.status == 200 and reply.is_html and "Approved" in reply.body
    follow_links(cloud, Page(reply.body).links)
    run = api.wait_for_run(run_id, lambda r: r["status"] not in ("running", "awaiting_approval"), timeout=180)
    assert run["status"] == "succeeded", run
    assert run["approval"]["user_agent"] == "Mozilla/5.0 (api-paths test)"

    # The same link and form once decided: the app's error page, reached under the stage.
    for reply in (http("GET", link), submit(form, ("decision", "approve"))):
        assert reply.status == 409 and reply.is_html and "already decided" in reply.body
        follow_links(cloud, Page(reply.body).links)

    deployed = cloud.wait_for_email(lambda e: run_id in e.body and "deployed to prod" in e.subject, 60)
    follow_links(
        cloud, [link for link in deployed.links if link.startswith(cloud.options.api_url)], signed=True
    )


def test_a_forged_token_gets_the_apps_error_page(cloud: LocalCloud, awaiting: dict[str, Any]) -> None:
    url = f"{cloud.options.api_url}/approvals/{awaiting['id']}?token=forged"
    reply = http("GET", url)
    assert reply.status == 401 and reply.is_html and "not valid" in reply.body
    follow_links(cloud, Page(reply.body).links)


def test_the_failure_emails_link_answers(cloud: LocalCloud, api: Any) -> None:
    cloud.services.s3.put_object(
        Bucket=cloud.settings.ingest_bucket, Key="imports/api-broken/export.xml", Body=b"<rss><channel>"
    )
    run = api.wait_for_new_run("api-broken", set(), timeout=60)
    run = api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=120)
    assert run["status"] == "failed", run
    email = cloud.wait_for_email(lambda e: run["id"] in e.body and "failed" in e.subject, timeout=30)
    (details,) = email.links
    assert details == f"{cloud.options.api_url}/runs/{run['id']}/page"
    page = follow_links(cloud, [details], signed=True)[details]
    assert page.is_html and "failed" in page.body and run["id"] in page.body


def test_the_app_gets_api_gateways_event_and_builds_its_links_from_it(
    cloud: LocalCloud, awaiting: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the packaged API function does: no API URL in its environment, the request tells it."""
    from presslift.localcloud import load_app

    app = load_app()
    events: list[dict[str, Any]] = []
    invoke = in_process(app)

    def recording(event: dict[str, Any]) -> dict[str, Any]:
        events.append(event)
        return invoke(event)

    port = free_port()
    server = ApiServer(
        recording,
        app_routes(app),
        cloud.settings,
        cloud.services.s3,
        "127.0.0.1",
        port,
        identities=local_identity(),
    )
    server.start()
    monkeypatch.delenv("PRESSLIFT_API_URL")
    try:
        base = f"http://127.0.0.1:{port}/api"
        reply = http("GET", f"{base}/runs?site={SITE}", signed=True)
        assert reply.status == 200
        (event,) = events
        context = event["requestContext"]
        assert context["stage"] == "api" and context["domainName"] == f"127.0.0.1:{port}"
        assert (event["resource"], event["path"], context["path"]) == ("/runs", "/runs", "/api/runs")
        assert event["queryStringParameters"] == {"site": SITE}
        assert event["headers"]["X-Forwarded-Proto"] == "http"
        ((key_id, _),) = local_identity().items()
        assert context["identity"]["accessKey"] == key_id and context["identity"]["userArn"].endswith(key_id)
        assert [run["links"]["self"] for run in reply.json()["runs"]] == [f"{base}/runs/{awaiting['id']}"]

        page = Page(http("GET", f"{base}/", signed=True).body)
        assert page.links and all(
            link.startswith((f"{base}/", cloud.options.base_url + "/sites/")) for link in page.links
        )
        assert all(form.action.startswith(f"{base}/sites/") for form in page.forms)
    finally:
        server.stop()
