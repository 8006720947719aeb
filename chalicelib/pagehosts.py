"""Hosts a site's pages may load from, beyond the site itself: the operator's call, never the
repository's.

The stack's Content-Security-Policy lets a page load scripts, styles, fonts, frames and requests from
the site only (and a few known players and Algolia). A theme that loads Google Fonts, or a site with
an analytics or comments service, needs more. The operator names such hosts per site
(`presslift site update SITE --page-hosts fonts.googleapis.com,fonts.gstatic.com`); each page is
published with them in its metadata (`x-amz-meta-page-hosts`), and the stack's viewer-response
function adds `https://<host>` to that page's `script-src`, `style-src`, `font-src`, `connect-src` and
`frame-src` (the local site server does the same, `with_page_hosts`). Nothing else changes: no
keyword such as `unsafe-inline` can be given, only host names.
"""

from __future__ import annotations

import re

#: The metadata key (x-amz-meta-page-hosts) the viewer-response function reads.
METADATA_KEY = "page-hosts"
MAX_PAGE_HOSTS = 20
#: A host name, or all of a domain's (`*.example.com`).
HOST = re.compile(
    r"^(?=.{1,253}$)(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)
#: The directives a host joins; one the policy lacks is added with 'self' (it fell back to default-src).
DIRECTIVES = ("script-src", "style-src", "font-src", "connect-src", "frame-src")


def with_page_hosts(policy: str, hosts: str) -> str:
    """The Content-Security-Policy `policy` with `https://<host>` for each of `hosts` (space-separated,
    as kept in a page's metadata) in each of `DIRECTIVES`; unchanged when any host is malformed."""
    names = hosts.split()
    if not names or len(names) > MAX_PAGE_HOSTS or not all(HOST.match(name) for name in names):
        return policy
    sources = " ".join(f"https://{name}" for name in names)
    parts = [part.strip() for part in policy.split(";") if part.strip()]
    for directive in DIRECTIVES:
        for index, part in enumerate(parts):
            if part == directive or part.startswith(directive + " "):
                parts[index] = f"{part} {sources}"
                break
        else:
            parts.append(f"{directive} 'self' {sources}")
    return "; ".join(parts)
