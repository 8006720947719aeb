"""`POST /sites/{site}/{stage}/rollback`: a script's JSON or the dashboard's form, to a queued rollback.

A script (SigV4-signed) sends `{"run": "<run id>", "allow_deletes": false}`, both optional, and gets
the run as JSON or a one-line JSON error; the dashboard's form acts only with its CSRF token and once
confirmed (web.rollback_guard), and gets a page back either way. The confirmation names the build it
puts back, and the confirmed form carries it: a form sent again (a double click, a browser's "resend")
put back the build before that one each time, moving staging or prod to builds nobody confirmed.
"""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import pipeline, web
from chalicelib.errors import PipelineError
from chalicelib.services import Services


def rollback_route(request: Request, svc: Services, site: str, stage: str) -> Response:
    from_form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    try:
        fields = (
            web.form_fields(web.text(request.raw_body))
            if from_form
            else web.rollback_fields(request.json_body)
        )
    except PipelineError as exc:
        return web.json_error(exc)
    if from_form and not fields.get("run"):
        target = pipeline.rollback_target(svc, site, stage)
        if target is not None:  # confirm this build by name, whatever the form said
            fields = {**fields, "run": target, "confirm": ""}
    if from_form:
        refused_or_confirm = web.rollback_guard(
            request.headers, fields, site=site, stage=stage, links=svc.settings.links
        )
        if refused_or_confirm is not None:
            return refused_or_confirm
    try:
        run = pipeline.rollback(
            svc,
            site,
            stage,
            fields.get("run") or None,
            who="dashboard" if from_form else "API",
            # JSON true, or a checked form box ("on")
            allow_deletes=str(fields.get("allow_deletes", "")).lower() in ("true", "on", "1"),
        )
    except PipelineError as exc:
        if from_form:
            return web.error_page(exc, "Rollback refused", home_url=svc.settings.links.dashboard())
        return web.json_error(exc)
    if from_form:
        return web.html(web.rollback_queued_page(run, site, stage, svc.settings.links), 202)
    return Response(body=web.run_json(run, svc.settings.run_url(run.id)), status_code=202)
