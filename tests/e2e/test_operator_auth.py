"""Only operators operate, tried as an attacker would on the local cloud: anonymous, forged and stranger-
signed calls of the operator routes get API Gateway's 403 and change nothing; the webhook and the
approval pages still answer unsigned; the dashboard's rollback needs its CSRF token and a confirmation;
approvers' IP and user agent reach only operators; a browser gets the dashboard only through the
signing proxy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.credentials import Credentials

from presslift import signing
from presslift.api_client import ApiClient
from presslift.dashboard import SigningProxy
from presslift.localcloud import LocalCloud, local_identity
from standins.github.payloads import webhook_request
from tests.e2e.conftest import sample_awaiting_approval
from tests.e2e.test_api_paths import Page

pytestmark = pytest.mark.e2e

SITE = "auth"
APPROVER_AGENT = "Mozilla/5.0 (approver-7f3e secret agent)"
MISSING_TOKEN = {"message": "Missing Authentication Token"}


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def from_api_gateway(self) -> bool:
        """API Gateway's own refusal (the function never ran), not the app's answer."""
        return "x-amzn-errortype" in self.headers


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def send(
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    signer: Credentials | None = None,
) -> Reply:
    headers = dict(headers or {})
    if signer is not None:
        headers = signing.sign(signer, method, url, headers, body)
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=30) as response:
            status, got, data = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, got, data = exc.code, exc.headers, exc.read()
    return Reply(status, {k.lower(): v for k, v in got.items()}, data.decode("utf-8", "replace"))


def operator() -> Credentials:
    ((key_id, secret),) = local_identity().items()
    return Credentials(key_id, secret)


def form(fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    return urllib.parse.urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def awaiting(cloud: LocalCloud, api: ApiClient) -> dict[str, Any]:
    """A run of the sample export on staging, waiting for its approval."""
    return sample_awaiting_approval(cloud, api, SITE)


def operator_urls(base: str, run_id: str) -> list[str]:
    return [
        f"{base}/",
        f"{base}/runs",
        f"{base}/runs?site={SITE}",
        f"{base}/runs/{run_id}",
        f"{base}/runs/{run_id}/logs/build.log",
        f"{base}/runs/{run_id}/logs/x",
        f"{base}/runs/{run_id}/page",
        f"{base}/runs/no-such-run/page",
        f"{base}/sites",
    ]


def test_anonymous_reads_of_operator_routes_get_api_gateways_403(
    cloud: LocalCloud, awaiting: dict[str, Any]
) -> None:
    for url in operator_urls(cloud.options.api_url, awaiting["id"]):
        reply = send("GET", url)
        assert (reply.status, reply.json()) == (403, MISSING_TOKEN), url
        assert reply.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
        assert awaiting["id"] not in reply.body and SITE not in reply.body


def test_signed_reads_of_operator_routes_answer(cloud: LocalCloud, awaiting: dict[str, Any]) -> None:
    base = cloud.options.api_url
    for url in operator_urls(base, awaiting["id"]):
        reply = send("GET", url, signer=operator())
        assert not reply.from_api_gateway, (url, reply.status, reply.body[:200])
        expected = 404 if url.endswith(("/logs/x", "/no-such-run/page")) else 200
        assert reply.status == expected, (url, reply.body[:200])
    assert send("GET", f"{base}/runs/{awaiting['id']}", signer=operator()).json()["id"] == awaiting["id"]


@pytest.mark.parametrize(
    ("signer", "message", "error_type"),
    [
        (None, "Missing Authentication Token", "MissingAuthenticationTokenException"),
        (Credentials("AKIASTRANGER0000", "not-ours"), signing.UNKNOWN_KEY, "UnrecognizedClientException"),
        (
            Credentials(next(iter(local_identity())), "guessed"),
            signing.BAD_SIGNATURE,
            "InvalidSignatureException",
        ),
    ],
    ids=["anonymous", "unknown-key", "forged-signature"],
)
def test_a_rollback_not_signed_by_an_operator_is_refused_and_queues_nothing(
    cloud: LocalCloud,
    api: ApiClient,
    awaiting: dict[str, Any],
    signer: Credentials | None,
    message: str,
    error_type: str,
) -> None:
    before = [run["id"] for run in api.runs(SITE)]
    for stage in ("staging", "prod"):
        url = f"{cloud.options.api_url}/sites/{SITE}/{stage}/rollback"
        body = json.dumps({"run": awaiting["id"]}).encode()
        reply = send("POST", url, body, {"Content-Type": "application/json"}, signer=signer)
        assert (reply.status, reply.json()["message"]) == (403, message)
        assert reply.headers["x-amzn-errortype"] == error_type
    assert [run["id"] for run in api.runs(SITE)] == before
    assert api.run(awaiting["id"])["status"] == "awaiting_approval"


def test_a_signature_replayed_for_another_request_is_refused(cloud: LocalCloud, api: ApiClient) -> None:
    """A captured signature of a harmless GET does not authorize a rollback."""
    base = cloud.options.api_url
    captured = signing.sign(operator(), "GET", f"{base}/runs", {})
    before = [run["id"] for run in api.runs(SITE)]
    reply = send(
        "POST",
        f"{base}/sites/{SITE}/staging/rollback",
        b"{}",
        {**captured, "Content-Type": "application/json"},
    )
    assert (reply.status, reply.json()["message"]) == (403, signing.BAD_SIGNATURE)
    assert [run["id"] for run in api.runs(SITE)] == before


def test_the_webhook_is_reached_unsigned(cloud: LocalCloud) -> None:
    body, headers = webhook_request("ping", {"zen": "Keep it logically awesome."}, "not-the-secret")
    reply = send("POST", f"{cloud.options.api_url}/webhooks/github", body, headers)
    assert not reply.from_api_gateway, reply.body  # the app's own answer to a bad HMAC, not a 403 for SigV4
    assert reply.status != 200


def test_the_dashboard_rollback_needs_its_csrf_token_and_a_confirmation(
    cloud: LocalCloud, api: ApiClient, awaiting: dict[str, Any]
) -> None:
    base = cloud.options.api_url
    dashboard = send("GET", f"{base}/", signer=operator())
    cookie = dashboard.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    cookie = cookie.split(";", 1)[0]
    forms = {f.action: f for f in Page(dashboard.body).forms}
    action = f"{base}/sites/{SITE}/staging/rollback"
    token = forms[action].fields["csrf"]
    other_token = forms[f"{base}/sites/{SITE}/prod/rollback"].fields["csrf"]
    before = [run["id"] for run in api.runs(SITE)]

    attempts = {
        "no token": ({"confirm": "yes"}, cookie),
        "wrong token": ({"csrf": "0" * 64, "confirm": "yes"}, cookie),
        "another form's token": ({"csrf": other_token, "confirm": "yes"}, cookie),
        "no cookie": ({"csrf": token, "confirm": "yes"}, None),
        "another browser's cookie": ({"csrf": token, "confirm": "yes"}, "presslift_csrf=someone-else"),
    }
    for name, (fields, sent_cookie) in attempts.items():
        body, headers = form(fields)
        if sent_cookie:
            headers["Cookie"] = sent_cookie
        reply = send("POST", action, body, headers, signer=operator())
        assert reply.status == 403 and not reply.from_api_gateway, (name, reply.status)
        assert "Rollback refused" in reply.body and "token" in reply.body, name
    assert [run["id"] for run in api.runs(SITE)] == before

    # The right token without `confirm`: a confirm page that changes nothing and has no script.
    body, headers = form({"csrf": token})
    confirm = send("POST", action, body, {**headers, "Cookie": cookie}, signer=operator())
    assert confirm.status == 200 and "Nothing has changed yet" in confirm.body
    assert (
        "<script" not in confirm.body.lower()
        and "script-src" not in confirm.headers["content-security-policy"]
    )
    (second,) = Page(confirm.body).forms
    assert second.action == action and second.fields == {"csrf": token, "confirm": "yes"}
    assert [run["id"] for run in api.runs(SITE)] == before

    # Confirmed: the app acts (here it refuses: nothing was live on staging before this run).
    body, headers = form(second.fields)
    done = send("POST", action, body, {**headers, "Cookie": cookie}, signer=operator())
    assert not done.from_api_gateway and "Rollback refused" in done.body
    assert "token" not in done.body.split("Rollback refused", 1)[1].split("</div>", 1)[0]


def test_the_dashboard_through_the_signing_proxy(
    cloud: LocalCloud, dashboard: SigningProxy, awaiting: dict[str, Any]
) -> None:
    assert send("GET", cloud.options.api_url + "/").status == 403  # a browser alone gets nothing
    home = send("GET", dashboard.url)
    assert home.status == 200 and awaiting["id"] in home.body
    page = Page(home.body)
    api_links = [link for link in page.links if not urllib.parse.urlsplit(link).path.startswith("/sites/")]
    assert api_links and all(link.startswith(dashboard.origin + "/") for link in api_links)
    for link in api_links:
        assert send("GET", link).status == 200, link
    assert all(f.action.startswith(dashboard.origin + "/sites/") for f in page.forms)
    run = send("GET", f"{dashboard.origin}/runs/{awaiting['id']}").json()
    assert run["links"]["self"] == f"{dashboard.origin}/runs/{awaiting['id']}"


def test_the_signing_proxy_refuses_other_hosts_and_cross_origin_posts(
    cloud: LocalCloud, api: ApiClient, dashboard: SigningProxy
) -> None:
    rebound = send("GET", dashboard.url, headers={"Host": f"evil.example:{dashboard.port}"})
    assert rebound.status == 421 and "<html" not in rebound.body
    before = [run["id"] for run in api.runs(SITE)]
    body = json.dumps({}).encode()
    reply = send(
        "POST",
        f"{dashboard.origin}/sites/{SITE}/staging/rollback",
        body,
        {"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    assert reply.status == 403
    assert [run["id"] for run in api.runs(SITE)] == before


def test_approvers_ip_and_user_agent_reach_only_operators(
    cloud: LocalCloud, api: ApiClient, awaiting: dict[str, Any]
) -> None:
    run_id = awaiting["id"]
    email = cloud.wait_for_email(lambda e: run_id in e.body and "/approvals/" in e.body, timeout=30)
    link = next(link for link in email.links if "/approvals/" in link)
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    page = send("GET", link, headers={"User-Agent": APPROVER_AGENT})
    assert page.status == 200 and f"{cloud.options.api_url}/runs/" not in page.body
    body, headers = form({"token": token, "decision": "approve"})
    decided = send("POST", link.split("?", 1)[0], body, {**headers, "User-Agent": APPROVER_AGENT})
    assert decided.status == 200 and "Approved" in decided.body

    # The public pages, to anyone holding the link afterwards: neither the agent nor the address.
    for reply in (send("GET", link), decided):
        assert APPROVER_AGENT not in reply.body and "127.0.0.1" not in reply.body.replace(
            cloud.options.base_url, ""
        )
        assert f"{cloud.options.api_url}/runs/" not in reply.body
    # Operators see both.
    approval = api.run(run_id)["approval"]
    assert approval["user_agent"] == APPROVER_AGENT and approval["source_ip"] == "127.0.0.1"
    status, _ = ApiClient(cloud.options.api_url, credentials=Credentials("AKIASTRANGER0000", "x")).request(
        "GET", f"/runs/{run_id}"
    )
    assert status == 403


def test_presslift_dashboard_prints_a_url_that_serves_the_dashboard_signed(
    cloud: LocalCloud, awaiting: dict[str, Any]
) -> None:
    env = {**os.environ, "PRESSLIFT_API_PORT": str(cloud.options.api_port)}
    command = [sys.executable, "-m", "presslift.cli", "dashboard", "--local"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = []
        while line := proc.stdout.readline():
            lines.append(line)
            if "Ctrl-C" in line:
                break
        url = next((line.strip() for line in lines if line.startswith("http://127.0.0.1:")), None)
        assert url, "".join(lines)
        home = send("GET", url)
        assert home.status == 200 and awaiting["id"] in home.body
        links = [link for link in Page(home.body).links if link.startswith(url)]
        assert links and all(send("GET", link).status == 200 for link in links)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
