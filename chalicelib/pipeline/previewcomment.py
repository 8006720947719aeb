"""The one pull-request comment a preview keeps up to date: created on the first publish, edited on
every later one (and when the preview is removed), with the preview's URL and the change review of its
build against prod. A courtesy like the commit status: a comment that cannot be posted is logged and
never fails the preview. The deploy function posts it; only it reads the GitHub token.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from chalicelib.errors import PipelineError
from chalicelib.github.api import api_base
from chalicelib.github.comments import upsert_comment
from chalicelib.previews.comment import comment_body, marker, removed_body
from chalicelib.previews.registry import Preview
from chalicelib.review.builds import review_run
from chalicelib.review.review import ChangeReview
from chalicelib.runs import Run
from chalicelib.services import Services

log = logging.getLogger(__name__)


def post_comment(svc: Services, run: Run, preview: Preview, *, note: str = "") -> None:
    """Create or edit the preview's comment with its URL and its change review (`note`: why there is
    none)."""
    review: ChangeReview | None = None
    if not note:
        try:
            review = review_run(svc, run.id)
        except PipelineError as exc:
            note = f"The change review is unavailable: {exc}"
    site = svc.sites.registration(run.site)
    body = comment_body(
        preview,
        review,
        run_url=svc.settings.links.run_page(run.id),
        staging_url=svc.settings.site_url(site, "staging"),
        prod_url=svc.settings.site_url(site, "prod"),
        note=note,
    )
    _upsert(svc, preview, body)


def post_removed(svc: Services, preview: Preview, reason: str) -> None:
    """Edit the preview's comment to say it was removed, and why."""
    _upsert(svc, preview, removed_body(preview, reason))


def _upsert(svc: Services, preview: Preview, body: str) -> None:
    if preview.number is None:
        return
    token = svc.github_token()
    if not token:
        log.info("no GitHub token: the comment on pull request #%s is not posted", preview.number)
        return
    try:
        comment_id = upsert_comment(
            api_base(),
            preview.repository,
            preview.number,
            body,
            token=token,
            comment_id=preview.comment_id,
            marker=marker(preview.site),
        )
    except Exception:
        log.exception("could not post the preview comment on %s#%s", preview.repository, preview.number)
        return
    if comment_id != preview.comment_id:
        svc.previews.update(
            preview.site, preview.path, lambda p: replace(p, comment_id=comment_id) if p is not None else None
        )
