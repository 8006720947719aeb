"""Choices a site owner can make about a conversion, with the defaults in one place.

This module must never read the environment or files: options are passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.wordpress.fetchmedia import FetchLimits
from chalicelib.wordpress.privatetypes import NEVER_PAGES
from chalicelib.wordpress.providers import PLAYER_HOSTS

# The media providers' players (shown as players), and maps and documents (shown as links).
DEFAULT_IFRAME_HOSTS = (
    *PLAYER_HOSTS,
    "www.google.com",
    "maps.google.com",
    "docs.google.com",
    "player.twitch.tv",
)


@dataclass(frozen=True)
class ConvertOptions:
    """How to convert.

    `hacked_content`: what to do with injected scripts, hidden links, foreign iframes and payloads:
    "strip" removes them (default), "quarantine" also keeps the item out of the site (draft) for a
    person to review, "keep" only reports them.
    `custom_types`: post type -> content section; types not listed get a section named after them.
    `skip_types`: post types never written as content (WordPress internals).
    `fetch_missing_media`: download media missing from the uploads archive (or all of it, with no
    archive) from the hosts the export names, within `fetch_limits`, through the cache folder
    `fetch_cache_dir` ("" for none). `fetch_private_hosts`: hosts allowed to resolve to private or
    loopback addresses, for tests that serve media on 127.0.0.1; never set it for a real site.
    """

    hacked_content: str = "strip"
    iframe_hosts: tuple[str, ...] = DEFAULT_IFRAME_HOSTS
    custom_types: dict[str, str] = field(default_factory=dict)
    skip_types: tuple[str, ...] = NEVER_PAGES  # WordPress internals and plugins' records (privatetypes.py)
    posts_section: str = "posts"
    main_menu: str = ""
    fetch_missing_media: bool = False
    fetch_limits: FetchLimits = field(default_factory=FetchLimits)
    fetch_cache_dir: str = ""
    fetch_private_hosts: tuple[str, ...] = ()
    theme: str = "presslift"
