"""The media providers whose players a converted site shows: one table, read by the converter (which
URLs become players), the hacked-site scan (which iframes are not injected) and the sites' security
headers (which frames a page may load).

A provider is known by the hosts of its page URLs (what WordPress's oEmbed and a bare URL on its own
line use) and by the hosts of its iframe players (what a pasted embed code uses). A player URL is
only ever built here, from the table, or taken from an iframe whose host is one of the provider's
player hosts: never from anything else the content says.

This module must never fetch anything (no oEmbed discovery): a provider not in the table is a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit


@dataclass(frozen=True)
class Provider:
    slug: str  # WordPress's providerNameSlug ("youtube", "soundcloud")
    name: str
    hosts: tuple[str, ...]  # page URL hosts, subdomains included
    player_hosts: tuple[str, ...]  # iframe player hosts, exactly
    player: Callable[[str], str]  # page URL -> player URL ("" when the URL is not one it can play)


@dataclass(frozen=True)
class Player:
    provider: Provider
    url: str  # the page (or player) URL the reader can follow: the link fallback
    player: str  # the iframe URL ("" when only a link can be shown)


def _parts(url: str) -> tuple[str, str, dict[str, list[str]]]:
    try:
        split = urlsplit(url if "//" in url[:8] else "https:" + url)
    except ValueError:
        return "", "", {}
    return (split.hostname or "").lower(), split.path, parse_qs(split.query)


def _matches(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def youtube_id(url: str) -> str:
    host, path, query = _parts(url)
    if host.endswith("youtu.be"):
        candidate = path.strip("/").split("/")[0]
    elif path.startswith(("/embed/", "/v/", "/shorts/", "/live/")):
        candidate = path.split("/")[2]
    else:
        candidate = query.get("v", [""])[0]
    # YouTube's Flash player before 2010 took its options after an "&" with no "?" before it
    # (www.youtube.com/v/dABo_DCIdpM&hl=ro_RO&fs=1), and WordPress.com's [youtube] after a second "?"
    # (watch?v=p6K4iIMlouI?html5=1), which Jetpack reads as "&".
    candidate = re.split(r"[&?]", candidate, maxsplit=1)[0]
    return candidate if re.fullmatch(r"[\w-]{6,20}", candidate) else ""


def _youtube(url: str) -> str:
    video = youtube_id(url)
    return f"https://www.youtube-nocookie.com/embed/{video}{_youtube_times(url)}" if video else ""


_SECONDS = re.compile(r"(?:(\d{1,2})h)?(?:(\d{1,3})m)?(?:(\d{1,5})s?)?")


def _youtube_times(url: str) -> str:
    """Where the player starts and ends (`?start=39&end=72`): YouTube's `start`/`end`, or `t` (`t=90`,
    `t=1m30s`), also in WordPress.com's `watch?v=ID?start=39&end=72`; "" for neither."""
    _, _, query = _parts(url.replace("?", "&").replace("&", "?", 1))
    found: dict[str, int] = {}
    for name in ("start", "t", "end"):
        value = query.get(name, [""])[0].strip()
        if not value or not (parts := _SECONDS.fullmatch(value)) or not any(parts.groups()):
            continue
        hours, minutes, seconds = (int(part or 0) for part in parts.groups())
        key = "end" if name == "end" else "start"
        found.setdefault(key, hours * 3600 + minutes * 60 + seconds)
    shown = [f"{key}={found[key]}" for key in ("start", "end") if found.get(key)]
    return "?" + "&".join(shown) if shown else ""


def _moogaloop_clip(path: str, query: dict[str, list[str]]) -> str:
    """The video Vimeo's Flash player before 2011 played (vimeo.com/moogaloop.swf?clip_id=ID), or ""."""
    clip = query.get("clip_id", [""])[0]
    return clip if path.endswith("/moogaloop.swf") and re.fullmatch(r"\d{3,12}", clip) else ""


def _vimeo(url: str) -> str:
    _, path, query = _parts(url)
    if clip := _moogaloop_clip(path, query):
        return f"https://player.vimeo.com/video/{clip}"
    m = re.search(
        r"/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/)?(\d{5,12})(?:/([0-9a-f]{6,}))?/?$", path
    )
    if not m:
        return ""
    # An unlisted video's page URL carries its privacy hash after the id; its player needs it as ?h=.
    secret = m.group(2) or query.get("h", [""])[0]
    return f"https://player.vimeo.com/video/{m.group(1)}" + (
        f"?h={secret}" if re.fullmatch(r"[0-9a-f]+", secret) else ""
    )


def _dailymotion(url: str) -> str:
    host, path, _ = _parts(url)
    m = re.search(r"/(?:embed/)?video/([a-zA-Z0-9]+)", path) or (
        re.fullmatch(r"/([a-zA-Z0-9]+)", path) if host == "dai.ly" else None
    )
    return f"https://www.dailymotion.com/embed/video/{m.group(1)}" if m else ""


def _ted(url: str) -> str:
    m = re.search(r"/talks/(?!view/)([\w-]+)", _parts(url)[1])
    return f"https://embed.ted.com/talks/{m.group(1)}" if m else ""


def _videopress(url: str) -> str:
    m = re.search(r"/(?:v|embed)/([A-Za-z0-9]{6,})", _parts(url)[1])
    return f"https://videopress.com/embed/{m.group(1)}" if m else ""


def _soundcloud(url: str) -> str:
    host, path, _ = _parts(url)
    if host == "w.soundcloud.com" or len([p for p in path.split("/") if p]) < 1:
        return ""
    # An API URL (WordPress.com's [soundcloud url=…]) is what the player takes as it is.
    api = "api." if host == "api.soundcloud.com" else ""
    page = f"https://{api}soundcloud.com{path.rstrip('/')}"
    return "https://w.soundcloud.com/player/?url=" + quote(page, safe="")


def _spotify(url: str) -> str:
    m = re.search(r"/(?:embed/)?(track|album|playlist|episode|show|artist)/([A-Za-z0-9]+)", _parts(url)[1])
    return f"https://open.spotify.com/embed/{m.group(1)}/{m.group(2)}" if m else ""


def _mixcloud(url: str) -> str:
    path = _parts(url)[1]
    if path.startswith("/widget/") or path.strip("/").count("/") != 1:
        return ""
    return "https://www.mixcloud.com/widget/iframe/?feed=" + quote(path, safe="")


def _link_only(url: str) -> str:
    return ""


PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "youtube",
        "YouTube",
        ("youtube.com", "youtu.be", "youtube-nocookie.com"),
        ("www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "youtube-nocookie.com"),
        _youtube,
    ),
    Provider("vimeo", "Vimeo", ("vimeo.com",), ("player.vimeo.com",), _vimeo),
    Provider(
        "dailymotion",
        "Dailymotion",
        ("dailymotion.com", "dai.ly"),
        ("www.dailymotion.com", "geo.dailymotion.com"),
        _dailymotion,
    ),
    Provider("ted", "TED", ("ted.com",), ("embed.ted.com",), _ted),
    Provider("soundcloud", "SoundCloud", ("soundcloud.com",), ("w.soundcloud.com",), _soundcloud),
    Provider("spotify", "Spotify", ("open.spotify.com",), ("open.spotify.com",), _spotify),
    Provider(
        "mixcloud",
        "Mixcloud",
        ("mixcloud.com",),
        ("www.mixcloud.com", "player-widget.mixcloud.com"),
        _mixcloud,
    ),
    Provider("libsyn", "Libsyn", ("libsyn.com",), ("html5-player.libsyn.com",), _link_only),
    Provider(
        "anchor",
        "Anchor",
        ("anchor.fm", "podcasters.spotify.com"),
        ("anchor.fm", "podcasters.spotify.com"),
        _link_only,
    ),
    Provider("podbean", "Podbean", ("podbean.com",), ("www.podbean.com",), _link_only),
    Provider("buzzsprout", "Buzzsprout", ("buzzsprout.com",), ("www.buzzsprout.com",), _link_only),
    Provider("simplecast", "Simplecast", ("simplecast.com",), ("player.simplecast.com",), _link_only),
    Provider("captivate", "Captivate", ("captivate.fm",), ("player.captivate.fm",), _link_only),
    Provider("transistor", "Transistor", ("transistor.fm",), ("share.transistor.fm",), _link_only),
    Provider("megaphone", "Megaphone", ("megaphone.fm",), ("playlist.megaphone.fm",), _link_only),
    Provider(
        "apple-podcasts", "Apple Podcasts", ("podcasts.apple.com",), ("embed.podcasts.apple.com",), _link_only
    ),
    Provider("bandcamp", "Bandcamp", ("bandcamp.com",), ("bandcamp.com",), _link_only),
    Provider(
        "videopress",
        "VideoPress",
        ("videopress.com", "video.wordpress.com"),
        ("videopress.com", "video.wordpress.com"),
        _videopress,
    ),
    Provider("wordpress-tv", "WordPress.tv", ("wordpress.tv",), (), _link_only),
    Provider("twitch", "Twitch", ("twitch.tv",), (), _link_only),  # its player needs the site's own host
)

#: Every iframe player host of the table: what the scan allows and the security headers' frame-src.
PLAYER_HOSTS: tuple[str, ...] = tuple(dict.fromkeys(h for p in PROVIDERS for h in p.player_hosts))


def provider_of(url: str) -> Provider | None:
    """The provider whose page URLs `url` is one of."""
    host = _parts(url.strip())[0]
    return next((p for p in PROVIDERS if host and _matches(host, p.hosts)), None)


def player_for(url: str) -> Player | None:
    """The player of a provider's page URL (oEmbed, a bare line, [embed]), or None for an unknown host."""
    url = url.strip()
    provider = provider_of(url)
    if provider is None or not url.lower().startswith(("http://", "https://", "//")):
        return None
    return Player(provider, _flash_page(provider.slug, url) or url, provider.player(url))


def _flash_page(slug: str, url: str) -> str:
    """The page of the video an old Flash player's URL plays (its own URL is no page a reader can
    open any more): YouTube's /v/ID, Vimeo's moogaloop.swf?clip_id=ID; "" for any other URL."""
    _, path, query = _parts(url)
    if slug == "youtube" and path.startswith("/v/") and (video := youtube_id(url)):
        return f"https://www.youtube.com/watch?v={video}"
    if slug == "vimeo" and (clip := _moogaloop_clip(path, query)):
        return f"https://vimeo.com/{clip}"
    return ""


def iframe_player(src: str) -> Player | None:
    """The player of a pasted `<iframe src>`: its own URL when its host is a provider's player host."""
    src = src.strip()
    host, _, _ = _parts(src)
    if not src.lower().startswith(("http://", "https://", "//")):
        return None
    for provider in PROVIDERS:
        if host in provider.player_hosts:
            player = "https:" + src.split(":", 1)[1] if not src.startswith("//") else "https:" + src
            # A YouTube or Vimeo frame plays through the table's own URL (privacy-enhanced, no tracking).
            rebuilt = provider.player(player)
            video = youtube_id(player) if provider.slug == "youtube" else ""
            page = f"https://www.youtube.com/watch?v={video}" if video else player
            return Player(provider, page, rebuilt or player)
    return None
