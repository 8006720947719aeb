"""Fetch: the repository at the pushed commit, from GitHub's tarball API, becomes a site source.

The tarball is extracted safely (no path outside the target, no links pointing out, caps on size and
file count); the site's `presslift.toml` is read and kept with the run, so every later stage uses the
settings of exactly this commit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chalicelib.budget import TimeBudget
from chalicelib.errors import ConfigError
from chalicelib.events import FetchRequest
from chalicelib.github import api_base, download_tarball
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.siteconfig import load_site_config
from chalicelib.work import artifacts, work_dir

CONFIG_FILE = "presslift.toml"
#: The longest a repository download may take, when the function has that much left.
DOWNLOAD_SECONDS = 60.0


def fetch(
    svc: Services, run: Run, request: FetchRequest, *, budget: TimeBudget | None = None
) -> dict[str, Any]:
    budget = budget or TimeBudget.from_context(None)
    with work_dir() as tmp:
        source = download_tarball(
            api_base(),
            request.repository,
            request.sha,
            Path(tmp) / "repo",
            token=svc.github_token(),
            timeout=budget.allow(f"downloading {request.repository}", cap=DOWNLOAD_SECONDS),
        )
        config = load_site_config(source.root)  # validates: errors name the key
        site_root = (source.root / config.source_dir).resolve()
        if not site_root.is_dir() or not site_root.is_relative_to(source.root.resolve()):
            raise ConfigError(
                f"{CONFIG_FILE}: source_dir {config.source_dir!r} is not a folder of the repository"
            )
        config_file = source.root / CONFIG_FILE
        toml = config_file.read_text(encoding="utf-8") if config_file.is_file() else ""
        source_key = artifacts(svc).put_source(run.site, run.id, site_root)
    return {
        "source_key": source_key,
        "commit": request.sha,
        "files": source.files,
        "bytes": source.bytes,
        "presslift_toml": toml,
        "summary": f"{request.repository}@{request.sha[:7]}: {source.files} files",
    }
