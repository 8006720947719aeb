"""HTML and JSON views served by the API: the run listing and the approval confirm page.

Views render; they never decide. Deciding an approval is `pipeline.decide`, called only from a POST.
Templates are Jinja2 with autoescaping, in `chalicelib/templates/`. A page must never carry a link or
form action built from a bare route path: the API lives under its stage (`/api/...`), so every URL comes
from `config.ApiLinks`.

State-changing dashboard forms (rollback) are protected against cross-site requests with a double-submit
token: the dashboard sets a random secret in an `HttpOnly; SameSite=Strict` cookie, and each form
carries the HMAC of its own action under that secret; a POST whose token does not match its cookie is
refused with 403 before the pipeline is called. A form's first POST only shows a confirm page; the
change happens on the confirm page's own POST (`confirm=yes`). No page may carry inline script: the
sites' CSP forbids it and the dashboard follows the same rule. The approval pages (public, behind a
token) must never show what only operators see: the approvers' IP and user agent, the run's JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from chalice.app import Response

from chalicelib import runview
from chalicelib.config import ApiLinks
from chalicelib.errors import InputError, PipelineError
from chalicelib.previews import listing as preview_listing
from chalicelib.previews.registry import Preview
from chalicelib.runs import Run

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Any:
    import jinja2  # only the HTML views pay for it

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Every page reads runs the same way: times, durations, status lines (see runview).
    environment.globals["view"] = runview
    return environment


def text(body: str | bytes | None) -> str:
    """A request body as text. Forms are ASCII (percent-encoded); bytes that are not UTF-8 become
    U+FFFD, which no token or choice matches, so a mangled form is refused like a wrong one, not a 500."""
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")


#: Operators' pages with forms: their URLs hold no token, and a POST from them must carry its Origin
#: (with `no-referrer` browsers send `Origin: null`, which the signing proxy cannot tell from a hostile
#: sandboxed page's).
OPERATOR_REFERRER = "same-origin"


def html(
    body: str, status: int = 200, *, cookie: str | None = None, referrer: str = "no-referrer"
) -> Response:
    """An HTML page that no cache keeps, no other site frames, and that by default leaks no token
    through the Referer header; `cookie`, a `Set-Cookie` value."""
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Referrer-Policy": referrer,
        # The dashboard's own rule, as the sites': no script at all, inline or not; no framing.
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'; base-uri 'none'",
        "X-Frame-Options": "DENY",
    }
    if cookie:
        headers["Set-Cookie"] = cookie
    return Response(body=body, status_code=status, headers=headers)


# --- cross-site request forgery ------------------------------------------------------------------------

#: The cookie that holds the dashboard's CSRF secret (one per browser, random, never shown in a page).
CSRF_COOKIE = "presslift_csrf"
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class FormGuard:
    """The browser's CSRF secret; `new` when this request set it (the page then sends the cookie)."""

    secret: str
    new: bool = False

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> FormGuard:
        found = _cookie(headers, CSRF_COOKIE)
        return cls(found, False) if found else cls(secrets.token_urlsafe(32), True)

    def token(self, action: str) -> str:
        """The token of the form whose action is `action`: valid for that action only."""
        return hmac.new(self.secret.encode(), action.encode(), hashlib.sha256).hexdigest()

    def cookie(self) -> str | None:
        """The `Set-Cookie` value when this request chose the secret; None when the browser has it."""
        if not self.new:
            return None
        # No Path (the page's own directory covers /api/... and a proxy's /...), no Secure: the browser
        # reaches the dashboard over the loopback proxy's plain http.
        return f"{CSRF_COOKIE}={self.secret}; HttpOnly; SameSite=Strict; Max-Age=43200"


def form_fields(body: str) -> dict[str, str]:
    """A form's fields by name; InputError (400) for a field sent twice, empty or not: an approval was
    decided by whichever of `decision=approve&decision=maybe` (or `&decision=`) came first."""
    fields = parse_qs(body, keep_blank_values=True)
    if twice := sorted(key for key, values in fields.items() if len(values) > 1):
        raise InputError(f"the form sends {', '.join(twice)} more than once: nothing was decided or changed")
    return {key: values[0] for key, values in fields.items()}


def csrf_valid(headers: Mapping[str, str], action: str, token: str | None) -> bool:
    """Whether `token` is the one the dashboard gave this browser for the form posting to `action`."""
    secret = _cookie(headers, CSRF_COOKIE)
    if not secret or not token:
        return False
    return hmac.compare_digest(FormGuard(secret).token(action), token)


def _cookie(headers: Mapping[str, str], name: str) -> str | None:
    raw = next((value for key, value in headers.items() if key.lower() == "cookie"), "")
    try:
        morsel = SimpleCookie(raw).get(name)
    except CookieError:
        return None
    return morsel.value if morsel is not None and morsel.value else None


def error_page(exc: PipelineError, title: str, *, home_url: str | None = None) -> Response:
    page = render("message.html", title=title, message=str(exc), tone="bad", run=None, home_url=home_url)
    return html(page, exc.http_status)


def request_base_url(context: Mapping[str, Any], headers: Mapping[str, str]) -> str | None:
    """The API's URL as the request reached it: `{X-Forwarded-Proto}://{domainName}/{stage}` (https when
    API Gateway's header is missing); None for an event without a domain or stage."""
    domain, stage = context.get("domainName"), context.get("stage")
    if not domain or not stage:
        return None
    proto = (headers.get("x-forwarded-proto") or "https").split(",", 1)[0].strip()
    return f"{proto}://{domain}/{stage}"


def json_error(exc: PipelineError) -> Response:
    return Response(body={"error": type(exc).__name__, "message": str(exc)}, status_code=exc.http_status)


def render(template: str, **context: Any) -> str:
    return str(_environment().get_template(template).render(**context))


def run_json(run: Run, run_url: str, *, listed: bool = False) -> dict[str, Any]:
    """The operators' shape of a run (the API contract; with the approver's IP and user agent, which
    only operator routes may show); never includes the approval token's hash. `listed` (in a listing
    of runs) leaves out the plans' file lists: up to 200 runs must fit one Lambda response (6 MB),
    and the run's own URL has them."""
    data = run.to_dict()
    approval = dict(data.pop("approval") or {})
    approval.pop("token_sha256", None)
    data["approval"] = approval
    if listed:
        approval.pop("plan_files", None)
        for stage in data["stages"]:
            stage["detail"].pop("plan_files", None)
    data["links"] = {"self": run_url}
    data["cost_line"] = runview.cost_line(run)  # what the run's stages used, at list prices
    return data


#: Seconds between reloads of the dashboard while a run is unfinished (a meta refresh: no script).
REFRESH_SECONDS = 5


def dashboard(
    runs: list[Run],
    *,
    links: ApiLinks,
    now: datetime,
    guard: FormGuard | None = None,
    previews: Mapping[str, list[Preview]] | None = None,
) -> str:
    """The runs page: runs grouped by site (sites ordered by their newest run), pending approvals first,
    each site's previews (`previews`, by site) above its runs; each rollback form carries `guard`'s
    token for its action. It reloads itself while a run is running (not while one only waits for a
    person: nothing changes until they decide)."""

    sites: dict[str, list[Run]] = {}
    for run in runs:
        sites.setdefault(run.site, []).append(run)
    pending = [run for run in runs if run.status == "awaiting_approval"]
    guard = guard or FormGuard(secrets.token_urlsafe(32))
    active = any(run.status == "running" for run in runs)
    return render(
        "dashboard.html",
        sites=list(sites.items()),
        pending=pending,
        links=links,
        now=now,
        guard=guard,
        refresh=REFRESH_SECONDS if active else None,
        previews=previews or {},
        preview_tones=preview_listing.TONES,
    )


def approval_page(
    run: Run,
    *,
    token: str | None,
    action: str,
    now: datetime,
    review: Mapping[str, Any] | None = None,
    note: str = "",
) -> str:
    """The approver's confirm page (public, behind its token): what goes to prod; it changes nothing.
    `review`, the change review (`ChangeReview.to_dict()`'s shape, whole or in brief); `note`, what is
    missing from it (or why there is none)."""

    plan = runview.approval_plan(run)
    return render(
        "approval.html", run=run, token=token, action=action, now=now, plan=plan, review=review, note=note
    )


def rollback_guard(
    headers: Mapping[str, str], fields: Mapping[str, str], *, site: str, stage: str, links: ApiLinks
) -> Response | None:
    """What a dashboard rollback POST gets before anything changes: 403 without its form's token, the
    confirm page until it carries `confirm=yes`; None when the rollback may go ahead."""
    action = links.rollback(site, stage)
    token = fields.get(CSRF_FIELD)
    if not csrf_valid(headers, action, token):
        page = render(
            "message.html",
            title="Rollback refused",
            message="This form is not one the dashboard gave you (its token is missing or wrong), so "
            "nothing was changed. Open the dashboard again and use its button.",
            tone="bad",
            run=None,
            home_url=links.dashboard(),
        )
        return html(page, 403)
    if fields.get("confirm") != "yes":
        page = render(
            "confirm_rollback.html",
            site=site,
            stage=stage,
            run_id=fields.get("run") or "",
            action=action,
            token=token,
            home_url=links.dashboard(),
        )
        return html(page, referrer=OPERATOR_REFERRER)
    return None


def rollback_fields(body: Any) -> dict[str, str]:
    """A scripted rollback's JSON body, `{"run": "<run id>", "allow_deletes": true}` (both optional),
    as the form's fields; InputError (400) for anything else, so a script learns what to send."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise InputError('the rollback body must be a JSON object such as {"run": "<run id>"}')
    run = body.get("run")
    if run is not None and not isinstance(run, str):
        raise InputError(f'"run" must be a run id (a string), not {type(run).__name__}')
    allow = body.get("allow_deletes", False)
    # "yes" was taken as false without a word: a script asking to lift the limits learnt nothing.
    if not isinstance(allow, bool) and str(allow).lower() not in ("true", "false"):
        raise InputError(f'"allow_deletes" must be true or false, not {str(allow)[:40]!r}')
    return {"run": run or "", "allow_deletes": str(allow)}


def listing_limit(params: dict[str, str]) -> int:
    """`?limit=` of a listing: a whole number from 1 (at most 200 are listed), 50 when absent."""
    raw = params.get("limit", "50")
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise InputError(f"?limit= must be a whole number of runs, 1 or more, not {raw[:40]!r}")
    return min(int(raw), 200)


def decided_page(run: Run, *, approved: bool) -> str:
    """What an approver sees after deciding (no link to the run's JSON: it is operators')."""
    message = (
        f"Approved: run {run.id} is being deployed to prod ({run.urls.get('prod')})."
        if approved
        else f"Rejected: run {run.id} will not be deployed."
    )
    return render(
        "message.html",
        title="Approved" if approved else "Rejected",
        message=message,
        tone="ok" if approved else "bad",
        run=run,
        run_url=None,  # the run's JSON is operators' (it shows approvers' IP and user agent)
    )


def rollback_queued_page(run: Run, site: str, target: str, links: ApiLinks) -> str:
    """What the dashboard's rollback form answers once the rollback is queued."""
    return render(
        "message.html",
        title="Rollback queued",
        message=f"Rollback of {site} {target} queued as run {run.id}: {run.trigger.summary}.",
        tone="ok",
        run=run,
        run_url=links.run_page(run.id),
        home_url=links.dashboard(),
    )
