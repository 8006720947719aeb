"""The change review an approver sees: computed when a Hugo run's approval opens, kept whole as an
artifact (`artifacts/<site>/<run>/review.json`) and in brief on the approval record.

The run record is one DynamoDB item (400 KB at most), so the approval keeps only the review's summary,
the first `BRIEF_PAGES` pages of each list (each with at most `BRIEF_LINES` lines of text changes) and
the email's text (at most `TEXT_CHARS` characters); the approval page reads the whole review from the
artifact. A review that cannot be computed or stored never blocks the approval: the brief then says
why (`{"unavailable": reason}`), and the approver still sees prod's deploy plan.

Never: fail the approval stage, or change anything but the review's own artifact.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from chalicelib.artifacts import ArtifactStore, review_key
from chalicelib.errors import NotFoundError
from chalicelib.review.builds import review_run
from chalicelib.runs import Run
from chalicelib.services import Services

log = logging.getLogger(__name__)

#: Pages of each list (changed, added, removed) in the email and on the approval record.
BRIEF_PAGES = 5
#: Lines of text changes kept per page on the approval record.
BRIEF_LINES = 20
#: Characters of the email's review text kept on the approval record.
TEXT_CHARS = 16_000


def review_for_approval(svc: Services, run: Run) -> dict[str, Any]:
    """The brief of `run`'s change review against prod, its whole review stored as an artifact; or
    `{"unavailable": reason}` when it cannot be computed or stored (the approval goes on without it)."""
    try:
        review = review_run(svc, run.id)
    except Exception as exc:  # whatever broke, the approver can still decide from the plan
        log.exception("the change review of run %s cannot be computed", run.id)
        return {"unavailable": _reason(exc)}
    whole = review.to_dict()
    brief = _brief(whole, review.text(max_pages=BRIEF_PAGES))
    key = review_key(run.site, run.id)
    try:
        ArtifactStore(svc.s3, svc.settings.artifacts_bucket).put_review(key, json.dumps(whole).encode())
    except Exception as exc:
        log.exception("the change review of run %s cannot be stored", run.id)
        brief["stored"] = f"only the first pages are shown: the whole review could not be stored ({exc})"
        return brief
    brief["key"] = key
    return brief


def stored_review(svc: Services, run: Run) -> tuple[dict[str, Any] | None, str]:
    """The review to show on `run`'s approval page, and a note: the whole review from its artifact; the
    brief on the record when the artifact cannot be read (the note says so); (None, reason) when the
    review was unavailable; (None, "") for a run without one (a code site's, or an older run's)."""
    brief = run.approval.review if run.approval is not None else {}
    if not brief:
        return None, ""
    if "unavailable" in brief:
        return None, f"review unavailable: {brief['unavailable']}"
    key = str(brief.get("key") or "")
    if not key:
        return brief, str(brief.get("stored") or "")
    try:
        whole = json.loads(ArtifactStore(svc.s3, svc.settings.artifacts_bucket).get_review(key))
    except (NotFoundError, ValueError) as exc:
        return brief, f"only the first pages are shown: the whole review cannot be read ({exc})"
    if not isinstance(whole, dict):
        return brief, "only the first pages are shown: the stored review is not a JSON object"
    return whole, ""


def _brief(whole: dict[str, Any], text: str) -> dict[str, Any]:
    pages = whole.get("pages", {})
    brief_pages: dict[str, Any] = {"changed_site_wide_only": pages.get("changed_site_wide_only", 0)}
    counts: dict[str, int] = {}
    for kind in ("changed", "added", "removed"):
        listed = pages.get(kind, [])
        counts[kind] = len(listed)
        brief_pages[kind] = [_brief_page(page) for page in listed[:BRIEF_PAGES]]
    if len(text) > TEXT_CHARS:
        text = text[:TEXT_CHARS].rsplit("\n", 1)[0] + "\n... (the rest is on the approval page)"
    return {
        "summary": whole.get("summary", ""),
        "against": whole.get("against", ""),
        "counts": counts,
        "pages": brief_pages,
        "text": text,
    }


def _brief_page(page: dict[str, Any]) -> dict[str, Any]:
    if "changes" not in page:
        return page
    kept: list[dict[str, Any]] = []
    lines = 0
    for change in page["changes"]:
        lines += len(change["removed"]) + len(change["added"])
        if lines > BRIEF_LINES:
            return {**page, "changes": kept, "truncated": True}
        kept.append(change)
    return page


def _reason(exc: Exception) -> str:
    """One line saying why: the error's message (its type when it has none)."""
    message = " ".join(str(exc).split())
    return (message or type(exc).__name__)[:500]
