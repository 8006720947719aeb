"""Shortcodes that embed another site's content: Jetpack's (`[gist]`, `[slideshare]`, `[scribd]`,
`[googleapps]`, `[googlemaps]`, `[tweet]`, `[instagram]`, `[facebook]`, `[pinterest]`, `[flickr]`,
`[kickstarter]`, `[twitchtv]`, `[polldaddy]`/`[crowdsignal]` polls, on every WordPress.com blog),
`[jsfiddle]`, and the Dewplayer plugin's `[dewplayer:FILE.mp3]`.

The site loads no third-party frames or scripts but the players it chose, so each becomes what it
showed: a link to the gist, the slides, the fiddle or the document (the report says so, as for a
pasted `<iframe>`), and Dewplayer's MP3 the site's own audio player. Without this, their tags were
kept as text and the report called them unknown.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Jetpack's shortcodes for another site's post, poll or video, by the hosts its address may be on.
SOCIAL_HOSTS = {
    "tweet": ("twitter.com", "x.com"),
    "instagram": ("instagram.com", "instagr.am"),
    "facebook": ("facebook.com",),
    "pinterest": ("pinterest.com",),
    "kickstarter": ("kickstarter.com",),
    "flickr": ("flickr.com", "flic.kr"),
    "twitchtv": ("twitch.tv",),
}
POLLS = frozenset({"polldaddy", "crowdsignal"})
EMBED_SHORTCODES = frozenset(
    {
        "gist",
        "slideshare",
        "scribd",
        "jsfiddle",
        "googleapps",
        "googlemaps",
        "dewplayer",
        *SOCIAL_HOSTS,
        *POLLS,
    }
)
_TWEET = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:#!/)?(\w{1,20})/status(?:es)?/(\d+)")
_GIST_ID = re.compile(r"^(?:[\w-]+/)?[0-9a-f]+$", re.I)
_DOCUMENT_ID = re.compile(r"^\d+")  # SlideShare's and Scribd's
_GOOGLE_DOMAIN = re.compile(r"^[a-z]+$")
_GOOGLE_PATH = re.compile(r"^[\w./-]+$")
# The maps Jetpack's [googlemaps] frames (its own test of the address, modules/shortcodes/googlemaps.php).
_GOOGLE_MAPS = re.compile(
    r"^https?://(?:www|maps|mapsengine)\.google(?:\.co|\.com)?(?:\.[a-z]+)?/[^?#\s]*\?\S+$", re.I
)
_MAP_SIZE_KEYS = frozenset({"w", "h", "hq"})  # the frame's width and height, and a key Jetpack drops


def embed_url(name: str, attrs: dict[str, str], content: str, raw_attrs: str) -> str:
    """The address the shortcode `name` showed, or "" when it names none this can read.

    `[gist id=123 file=a.js]`, `[gist]123[/gist]`, `[gist https://gist.github.com/u/123]`;
    `[slideshare id=123&doc=...]`; `[jsfiddle url="..."]`; `[googleapps domain="docs" dir="..."
    query="..."]` (as Jetpack builds its frame); `[dewplayer:https://.../a.mp3]` (raw_attrs: ":https:...").
    """
    given = content or attrs.get("url", "") or attrs.get("id", "") or attrs.get("0", "")
    given = html.unescape(given).strip()
    if name == "gist":
        return gist_url(given, attrs.get("file", ""))
    if name == "slideshare":
        found = _DOCUMENT_ID.match(html.unescape(attrs.get("id", "")))
        return f"https://www.slideshare.net/slideshow/embed_code/{found.group(0)}" if found else ""
    if name == "scribd":  # [scribd id=80196960 key=key-1yf mode=list]
        found = _DOCUMENT_ID.match(attrs.get("id", "").strip())
        return f"https://www.scribd.com/doc/{found.group(0)}" if found else ""
    if name == "jsfiddle":
        return given if given.startswith(("http://", "https://")) else ""
    if name == "googleapps":
        return _google_apps(attrs)
    if name == "googlemaps":  # [googlemaps https://www.google.com/maps/d/embed?mid=...&w=640&h=480]
        return google_map_url(html.unescape(attrs.get("0", "")).lstrip("="))
    if name in SOCIAL_HOSTS:
        return _social_url(name, attrs)
    if name in POLLS:  # [polldaddy poll=9541291]: Crowdsignal's page of the poll
        poll = attrs.get("poll", "").strip()
        return f"https://poll.fm/{poll}" if poll.isdigit() else ""
    if name == "dewplayer":
        first = html.unescape(raw_attrs).strip().lstrip(":").split("|")[0].strip()
        return first if first.startswith(("http://", "https://", "/")) else ""
    return ""


def gist_url(given: str, file: str = "") -> str:
    """The gist a shortcode or script names by URL or id (`ann/123`, `123`), at `file` if given; "" else."""
    if given.startswith(("http://", "https://")):
        return given
    if not _GIST_ID.match(given):
        return ""
    # GitHub's anchor for one file of a gist: "file-" and its name, lowercased, with "." as "-".
    anchor = "#file-" + re.sub(r"[^\w-]", "-", file.lower()) if file.strip() else ""
    return f"https://gist.github.com/{given}{anchor}"


def _google_apps(attrs: dict[str, str]) -> str:
    domain = attrs.get("domain", "").strip().lower()
    path = attrs.get("dir", "").strip().strip("/")
    if not _GOOGLE_DOMAIN.match(domain) or not _GOOGLE_PATH.match(path) or ".." in path:
        return ""
    query = html.unescape(attrs.get("query", "")).strip().lstrip("?")
    return f"https://{domain}.google.com/{path}" + (f"?{query}" if query else "")


def google_map_url(embed: str) -> str:
    """The page of the map a `[googlemaps]` frame showed ("" for any other address): the frame's size
    taken off, a My Maps frame's `/embed` as its `/viewer`, a classic map without `output=embed`
    (which shows it bare, as in the frame)."""
    embed = embed.strip().replace("&amp;", "&")
    if not _GOOGLE_MAPS.match(embed):
        return ""
    parts = urlsplit(embed)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _MAP_SIZE_KEYS]
    query = [(k, v) for k, v in query if (k, v) != ("output", "embed")]
    path = re.sub(r"^(/maps/d/(?:u/\d+/)?)embed$", r"\1viewer", parts.path)
    return urlunsplit(("https", parts.netloc.lower(), path, urlencode(query, safe=":/,!"), ""))


def _social_url(name: str, attrs: dict[str, str]) -> str:
    """`[tweet https://twitter.com/jack/status/20]` (or its id alone), `[instagram url=...]`,
    `[flickr photo=...]`, `[twitchtv channel=...]`...: the post's address, on its site's hosts only."""
    if name == "twitchtv" and re.fullmatch(r"\w{1,40}", channel := attrs.get("channel", "").strip()):
        return f"https://www.twitch.tv/{channel}"
    keys = {"tweet": ("tweet", "0"), "flickr": ("photo", "video", "0")}.get(name, ("url", "0"))
    given = html.unescape(next((attrs[k] for k in keys if attrs.get(k, "").strip()), "")).strip().lstrip("=")
    if name == "tweet":
        if given.isdigit():
            return f"https://twitter.com/i/status/{given}"
        found = _TWEET.match(given)
        return f"https://twitter.com/{found.group(1)}/status/{found.group(2)}" if found else ""
    parts = urlsplit(given)
    host = (parts.hostname or "").lower()
    on_site = any(host == h or host.endswith("." + h) for h in SOCIAL_HOSTS[name])
    return given if parts.scheme in ("http", "https") and on_site else ""
