"""Presslift's Lambda functions and API routes: wiring only.

Each handler adapts its event and calls one function in `chalicelib`; `PipelineError`s become HTTP
error responses or failed stages. Resource names come from environment variables (see
`chalicelib/resources.py`) that `.chalice/config.json` and the local cloud set.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from chalice.app import Chalice, CloudWatchEvent, IAMAuthorizer, Rate, Request, Response, SQSEvent

from chalicelib import buildrunner, codemount, logs, pipeline, queues, runpage, web, webhooks
from chalicelib.approvals import Decision
from chalicelib.artifacts import ArtifactStore
from chalicelib.config import Settings
from chalicelib.errors import PipelineError
from chalicelib.previews import listing as previews
from chalicelib.resources import API_URL
from chalicelib.review.approval import stored_review
from chalicelib.rollbackroute import rollback_route
from chalicelib.services import Services, services

logs.setup()  # JSON lines with the run id on Lambda, readable lines locally; secrets redacted
app = Chalice(app_name="presslift")
#: Operators only: the request must be SigV4-signed by an IAM principal of the account. The webhook
#: (its HMAC) and the approval pages (their token) are the only routes without it.
operators = IAMAuthorizer()
_settings = Settings.from_env()


@app.on_sqs_message(queue=_settings.queues["ingest"], batch_size=1)
def convert(event: SQSEvent) -> dict[str, Any]:
    return queues.batch(event.to_dict(), queues.ingest, event.context)


@app.on_sqs_message(queue=_settings.queues["build"], batch_size=1)
def build(event: SQSEvent) -> dict[str, Any]:
    return queues.batch(event.to_dict(), queues.build, event.context)


@app.on_sqs_message(queue=_settings.queues["deploy"], batch_size=1)
def deploy(event: SQSEvent) -> dict[str, Any]:
    return queues.batch(event.to_dict(), queues.deploy, event.context)


@app.on_sqs_message(queue=_settings.queues["codedrop"], batch_size=1)
def codedrop(event: SQSEvent) -> dict[str, Any]:
    return queues.batch(event.to_dict(), queues.codedrop, event.context)


@app.lambda_function(name=buildrunner.FUNCTION)
def build_runner(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Where a repository's Hugo config and templates run: no key, no setting; a job in, a result out."""
    from chalicelib.buildrunner.render import handle

    return handle(event)


@app.lambda_function(name=codemount.FUNCTION)
def codedrop_mount(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The one function in the VPC with the EFS mount: a mount job in, what it did out; no key, no call."""
    from chalicelib.codemount.work import handle

    return handle(event)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def expire_approvals(event: CloudWatchEvent) -> dict[str, Any]:
    """The scheduled sweep (`pipeline.sweep.scheduled_sweep`)."""
    return pipeline.scheduled_sweep(services())


def _request() -> Request:
    request = app.current_request
    assert request is not None, "a route handler always has a current request"
    return request


def _route_services() -> Services:
    """The services, with the API's own URL taken from the request when the environment has none (the
    packaged API function cannot be told its own URL: the API's definition refers to the function)."""
    svc = services()
    if not os.environ.get(API_URL.name):
        request = _request()
        api_url = web.request_base_url(request.context or {}, request.headers)
        if api_url:
            svc.settings = replace(svc.settings, api_url=api_url)
    return svc


def _query() -> dict[str, str]:
    return dict(_request().query_params or {})


@app.route("/", methods=["GET"], authorizer=operators)
def show_dashboard() -> Response:
    svc = _route_services()
    runs = svc.runs.list(limit=100)
    guard = web.FormGuard.from_headers(_request().headers)
    shown = previews.live_previews(svc, {run.site for run in runs})
    page = web.dashboard(runs, links=svc.settings.links, now=svc.clock(), guard=guard, previews=shown)
    return web.html(page, cookie=guard.cookie(), referrer=web.OPERATOR_REFERRER)


@app.route("/runs/{run_id}/logs/{name}", methods=["GET"], authorizer=operators)
def get_run_log(run_id: str, name: str) -> Response:
    svc = _route_services()
    try:
        run = svc.runs.get(run_id)
        body, content_type = ArtifactStore(svc.s3, svc.settings.artifacts_bucket).get_log(
            run.site, run.id, name
        )
    except PipelineError as exc:
        return web.json_error(exc)
    return Response(body=body, status_code=200, headers={"Content-Type": content_type})


@app.route("/runs/{run_id}/page", methods=["GET"], authorizer=operators)
def show_run(run_id: str) -> Response:
    svc = _route_services()
    try:
        run = svc.runs.get(run_id)
    except PipelineError as exc:
        return web.error_page(exc, "No such run", home_url=svc.settings.links.dashboard())
    reads = runpage.gather(ArtifactStore(svc.s3, svc.settings.artifacts_bucket), run)
    page = runpage.render(run, reads, links=svc.settings.links, now=svc.clock())
    return web.html(page, referrer=web.OPERATOR_REFERRER)


@app.route("/runs", methods=["GET"], authorizer=operators)
def list_runs() -> Any:
    params = _query()
    svc = _route_services()
    try:
        runs = svc.runs.list(limit=web.listing_limit(params), site=params.get("site"))
    except PipelineError as exc:
        return web.json_error(exc)
    return {"runs": [web.run_json(run, svc.settings.run_url(run.id), listed=True) for run in runs]}


@app.route("/runs/{run_id}", methods=["GET"], authorizer=operators)
def get_run(run_id: str) -> Any:
    svc = _route_services()
    try:
        return web.run_json(svc.runs.get(run_id), svc.settings.run_url(run_id))
    except PipelineError as exc:
        return web.json_error(exc)


@app.route("/approvals/{run_id}", methods=["GET"])
def show_approval(run_id: str) -> Response:
    svc = _route_services()
    token = _query().get("token")
    try:
        run = pipeline.check_approvable(svc, run_id, token)
    except PipelineError as exc:
        return web.error_page(exc, "This approval link cannot be used")
    action = svc.settings.links.approval(run_id)
    review, note = stored_review(svc, run)
    page = web.approval_page(run, token=token, action=action, now=svc.clock(), review=review, note=note)
    return web.html(page)


@app.route("/approvals/{run_id}", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def decide_approval(run_id: str) -> Response:
    request = _request()
    identity = (request.context or {}).get("identity", {})
    svc = _route_services()
    try:
        form = web.form_fields(web.text(request.raw_body))
        decision = Decision(
            form.get("decision", ""), identity.get("sourceIp", ""), request.headers.get("user-agent", "")
        )
        run = pipeline.decide(svc, run_id, form.get("token"), decision)
    except PipelineError as exc:
        return web.error_page(exc, "This approval cannot be decided")
    return web.html(web.decided_page(run, approved=decision.decision == "approve"))


@app.route(
    "/webhooks/github",
    methods=["POST"],
    content_types=["application/json", "application/x-www-form-urlencoded"],
)
def github_webhook() -> Response:
    request = _request()
    body = request.raw_body if isinstance(request.raw_body, bytes) else web.text(request.raw_body).encode()
    try:
        reply = webhooks.github_webhook(_route_services(), dict(request.headers), body)
    except PipelineError as exc:
        return web.json_error(exc)
    return Response(body=reply.body, status_code=reply.status)


@app.route("/sites", methods=["GET"], authorizer=operators)
def list_sites() -> Any:
    return {"sites": [site.to_dict() for site in _route_services().sites.list()]}


@app.route("/sites/{site}/previews", methods=["GET"], authorizer=operators)
def list_previews(site: str) -> Any:
    svc = _route_services()
    try:
        found = previews.site_previews(svc, site, include_removed=previews.wants_all(_query()))
    except PipelineError as exc:
        return web.json_error(exc)
    return previews.previews_json(site, found)


@app.route(
    "/sites/{site}/{stage}/rollback",
    methods=["POST"],
    authorizer=operators,
    content_types=["application/json", "application/x-www-form-urlencoded"],
)
def rollback(site: str, stage: str) -> Response:
    """JSON `{"run": id, "allow_deletes": false}` (both optional) from scripts (SigV4-signed); the
    dashboard's form gets a page back, and acts only with its CSRF token and once confirmed."""
    return rollback_route(_request(), _route_services(), site, stage)
