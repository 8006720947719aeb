"""HTML and JSON views served by the API: the run listing and the approval confirm page.

Views render; they never decide. Deciding an approval is `pipeline.decide`, called only from a POST.
Templates are Jinja2 with autoescaping, in `chalicelib/templates/`. A page must never carry a link or
form action built from a bare route path: the API lives under its stage (`/api/...`), so every URL comes
from `config.ApiLinks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from chalice.app import Response

from chalicelib.config import ApiLinks
from chalicelib.errors import PipelineError
from chalicelib.runs import Run

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment() -> Any:
    import jinja2  # only the HTML views pay for it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def text(body: str | bytes | None) -> str:
    return body.decode("utf-8") if isinstance(body, bytes) else (body or "")


def html(body: str, status: int = 200) -> Response:
    """An HTML page that no cache keeps and that leaks no token through the Referer header."""
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }
    return Response(body=body, status_code=status, headers=headers)


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


def run_json(run: Run, run_url: str) -> dict[str, Any]:
    """The public shape of a run (the API contract); never includes the approval token's hash."""
    data = run.to_dict()
    approval = dict(data.pop("approval") or {})
    approval.pop("token_sha256", None)
    data["approval"] = approval
    data["links"] = {"self": run_url}
    return data


def dashboard(runs: list[Run], *, links: ApiLinks, now: str) -> str:
    """The runs page: runs grouped by site (sites ordered by their newest run), pending approvals first."""
    sites: dict[str, list[Run]] = {}
    for run in runs:
        sites.setdefault(run.site, []).append(run)
    pending = [run for run in runs if run.status == "awaiting_approval"]
    return render("dashboard.html", sites=list(sites.items()), pending=pending, links=links, now=now)
