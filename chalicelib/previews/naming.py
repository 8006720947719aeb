"""Where a preview lives: its path within the site (`previews/pr-12/`, `branches/<slug>/`), its target
(the site's staging bucket and distribution, under that path) and its URL. Pure names, no AWS calls."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from chalicelib.errors import InputError

if TYPE_CHECKING:
    from chalicelib.publish.target import PublishTarget
    from chalicelib.services import Services
    from chalicelib.sitemodel import Site

#: The target and tree name of a preview (a run's stage `deploy-preview`).
PREVIEW = "preview"
PULL_REQUESTS_FOLDER = "previews/"
BRANCHES_FOLDER = "branches/"
MAX_SLUG = 48
_UNSAFE = re.compile(r"[^a-z0-9]+")
_PATH = re.compile(r"^(previews/pr-[1-9][0-9]{0,9}|branches/[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)/$")


def pull_request_path(number: int) -> str:
    """`previews/pr-12/`: the path of pull request 12's preview within its site."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InputError(f"a pull request number must be a positive integer, not {number!r}")
    return f"{PULL_REQUESTS_FOLDER}pr-{number}/"


def branch_slug(branch: str) -> str:
    """A branch name as one URL path segment: lowercase letters, digits and '-', at most 48 characters,
    with a short hash of the name when it had to be changed (so `Feature/A` and `feature-a` differ)."""
    if not branch.strip():
        raise InputError("a branch preview needs a branch name")
    slug = _UNSAFE.sub("-", branch.lower()).strip("-")
    if slug == branch and len(slug) <= MAX_SLUG:
        return slug
    digest = hashlib.sha256(branch.encode("utf-8")).hexdigest()[:6]
    return f"{slug[: MAX_SLUG - 7].strip('-')}-{digest}".lstrip("-")


def branch_path(branch: str) -> str:
    """`branches/<slug>/`: the path of a branch's preview within its site."""
    return f"{BRANCHES_FOLDER}{branch_slug(branch)}/"


def check_path(path: str) -> str:
    """`path` when it is a preview's path; InputError otherwise (it comes from a URL or a message)."""
    if not _PATH.match(path):
        raise InputError(f"{path!r} is not a preview (previews/pr-N/ or branches/<slug>/)")
    return path


def kept_folders(site: Site) -> tuple[str, ...]:
    """The folders of staging that the site's own publish leaves alone: its previews live there."""
    return (f"{PULL_REQUESTS_FOLDER}pr-", *((BRANCHES_FOLDER,) if site.previews.branches else ()))


def preview_target(svc: Services, site: Site, path: str) -> PublishTarget:
    """The site's staging target, narrowed to the preview's folder."""
    from chalicelib.work.deploy import target

    staging = target(svc, site, "staging")
    return replace(staging, prefix=staging.prefix + check_path(path))


def preview_url(svc: Services, site: Site, path: str) -> str:
    """The preview's public URL: the site's staging URL and the preview's path."""
    return svc.settings.site_url(site, "staging") + check_path(path)
