"""The other hosts a site's pages load scripts, stylesheets, fonts and frames from, and which of them
the sites' Content-Security-Policy refuses.

A theme that links a script or stylesheet from a CDN (cdn.jsdelivr.net, fonts.googleapis.com) or
frames another service works under `hugo server` and is refused on the published site, where
the stack's policy loads them from the site only (frames also from the known media players), unless
the site's operator names the host (`--page-hosts`, `chalicelib.pagehosts`). The build reads each
page's `<script src>`, `<link href>` (stylesheets, and what is preloaded) and `<iframe src>` hosts
(`external_hosts`), and the build stage names the refused ones in one warning with the command that
allows them (`refused_hosts`, `allow_command`). Images and media may come from any https host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from chalicelib.wordpress.providers import PLAYER_HOSTS

_TAG = re.compile(rb"<(script|link|iframe)\b([^<>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""\s(src|href|rel|as)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_LOADED = {b"stylesheet", b"preload", b"modulepreload"}
#: Hosts one page may name in the warning; more are counted, not named.
MAX_HOSTS = 20
#: What a page loading from the first host also needs: Google Fonts' stylesheet loads its fonts from
#: fonts.gstatic.com, and Google's tag sends to Google Analytics' regional hosts.
COMPANIONS = {
    "fonts.googleapis.com": "fonts.gstatic.com",
    "www.googletagmanager.com": "*.google-analytics.com",
}


def external_hosts(page: bytes) -> set[str]:
    """The hosts the page loads a script, stylesheet, font or frame from over http(s)."""
    found: set[str] = set()
    if b"//" not in page:
        return found
    for tag in _TAG.finditer(page):
        name = tag.group(1).lower()
        attributes = {
            match.group(1).lower(): next(g for g in match.group(2, 3, 4) if g is not None)
            for match in _ATTRIBUTE.finditer(tag.group(2))
        }
        if name == b"link":
            if not _LOADED & set(attributes.get(b"rel", b"").lower().split()):
                continue
            address = attributes.get(b"href", b"")
        else:
            address = attributes.get(b"src", b"")
        host = _host(address)
        if host:
            found.add(host)
    return found


def _host(address: bytes) -> str:
    text = address.decode("utf-8", "replace").strip()
    if not text.lower().startswith(("http://", "https://", "//")):
        return ""
    try:
        return (urlsplit(text if not text.startswith("//") else "https:" + text).hostname or "").lower()
    except ValueError:
        return ""


def refused_hosts(hosts: Iterable[str], allowed: Iterable[str], site_host: str = "") -> list[str]:
    """The `hosts` the policy refuses: not the site's own, not one its operator allowed (`*.x` for
    x's subdomains), not a known media player's (which the policy frames)."""
    allowed = tuple(allowed)
    players = set(PLAYER_HOSTS)
    refused = []
    for host in sorted(set(hosts)):
        if host == site_host or host in players or _allowed(host, allowed):
            continue
        refused.append(host)
    return refused


def _allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == name or (name.startswith("*.") and host.endswith(name[1:])) for name in allowed)


def allow_command(site: str, allowed: Iterable[str], refused: Iterable[str]) -> str:
    """The command that allows `refused` beside what is allowed now (the option replaces the list),
    with the hosts those need in turn (`COMPANIONS`)."""
    hosts = list(dict.fromkeys([*allowed, *refused]))
    hosts += [COMPANIONS[h] for h in refused if h in COMPANIONS and COMPANIONS[h] not in hosts]
    return f"presslift site update {site} --page-hosts {','.join(hosts)}"
