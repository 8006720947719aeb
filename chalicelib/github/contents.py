"""A site's presslift.toml at one commit, read with GitHub's contents API (one small request).

The webhook must answer within a few hundred milliseconds, too soon to download the whole tarball,
yet its decision needs the site's watch paths as of the pushed commit. GitHub
answers 404 both for a missing file and for a repository the token cannot see; we read both as
"no presslift.toml" (defaults), because the fetch stage downloads the repository next and reports
an unreadable one clearly there.
Never: cache a config across commits here, or put the token in a message.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import quote

from chalicelib.errors import ConfigError, NotFoundError
from chalicelib.github.api import api_base, check_repo, headers, open_url
from chalicelib.siteconfig import FILE_NAME, SiteConfig, parse_site_config

RAW = "application/vnd.github.raw+json"
# A config file is a few hundred bytes; a huge one is a mistake, not a reason to fill memory.
MAX_CONFIG_BYTES = 256 * 1024


def fetch_site_config(
    api: str | None,
    repo: str,
    ref: str,
    *,
    token: str | None = None,
    timeout: float = 5.0,
) -> SiteConfig:
    """The `SiteConfig` of `repo` at `ref`: parsed presslift.toml, or the defaults when it has none."""
    check_repo(repo)
    url = f"{(api or api_base()).rstrip('/')}/repos/{repo}/contents/{FILE_NAME}?ref={quote(ref, safe='')}"
    request = urllib.request.Request(url, headers={**headers(token), "Accept": RAW}, method="GET")
    what = f"{FILE_NAME} of {repo} at {ref[:12]}"
    try:
        with open_url(request, timeout=timeout, what=what) as response:
            raw = response.read(MAX_CONFIG_BYTES + 1)
    except NotFoundError:
        return SiteConfig()
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{what} is over {MAX_CONFIG_BYTES} bytes; a site's config is a few lines")
    return parse_site_config(raw, source=f"{FILE_NAME} at {ref[:7]}")
