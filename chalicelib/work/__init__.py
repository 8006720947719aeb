"""The work of each stage: convert, fetch, build, deploy. Each takes a run and returns its result.

These functions do one stage's job through the collaborators in `Services` and return a typed result
whose `detail()` is a small, JSON-ready dict for the run record (with a one-line `summary`). They never
move a run from stage to stage: that is `pipeline`'s job.
"""

from __future__ import annotations

import tempfile

from chalicelib.artifacts import ArtifactStore
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.siteconfig import SiteConfig, parse_site_config


def artifacts(svc: Services) -> ArtifactStore:
    return ArtifactStore(svc.s3, svc.settings.artifacts_bucket)


def work_dir() -> tempfile.TemporaryDirectory[str]:
    # Lambda's only writable place is /tmp, where the default temporary directory is.
    return tempfile.TemporaryDirectory(prefix="presslift-")


def site_config(run: Run) -> SiteConfig:
    """The site's presslift.toml as the run's source had it (the defaults for imports and repos without)."""
    text = run.artifact.presslift_toml
    return parse_site_config(text) if text else SiteConfig()
