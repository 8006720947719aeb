"""WordPress's media players as the theme's `audio`, `video`, `playlist` and `embed` shortcodes.

What becomes a player, as WordPress shows one: `<audio>`/`<video>` elements (the block editor's
`wp:audio`/`wp:video`, or pasted) with their `<source>` and `<track>` children; the `[audio]`,
`[video]` and `[playlist]` shortcodes with WordPress's attributes; oEmbed (`wp:embed` blocks,
`[embed]`, a URL alone on its line) and `<iframe>`/`<object>` players of the providers in
`providers.py`; a podcast post's `enclosure`. Each player keeps a plain link to its media inside, so
a reader whose browser cannot play it can still follow it.

Every media URL has been through the conversion's rewrite (a local path only when the file is in the
site, otherwise its original URL) before it reaches a shortcode; what cannot become a player is
reported through `warn("lost-media", …)`, never dropped quietly.

This module must never fetch anything, and never build a player URL except through `providers.py`.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from chalicelib.wordpress.embedshortcodes import gist_url
from chalicelib.wordpress.fragment import parse_fragment, remove_node
from chalicelib.wordpress.links import url_host
from chalicelib.wordpress.mdescape import shortcode_param
from chalicelib.wordpress.media import AUDIO_SUFFIXES, VIDEO_SUFFIXES
from chalicelib.wordpress.providers import Player, iframe_player, player_for

#: WordPress's own source attributes, in the order it tries them (wp_audio_shortcode, wp_video_shortcode).
SOURCE_KEYS = {
    "audio": ("src", "mp3", "m4a", "ogg", "wav", "wma", "flac", "oga"),
    "video": ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov"),
}
MIME = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".wav": "audio/wav",
    ".wma": "audio/x-ms-wma",
    ".flac": "audio/flac",
    ".aac": "audio/aac",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".wmv": "video/x-ms-wmv",
    ".flv": "video/x-flv",
}
FLAGS = ("loop", "autoplay", "muted")
EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?\s+(\{.*?\})\s*-->(.*?)<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->",
    re.S,
)
FIGCAPTION = re.compile(r"<figcaption[^>]*>.*?</figcaption>", re.S | re.I)
CODE = re.compile(r"(<pre[\s>].*?</pre>|<code[\s>].*?</code>)", re.I | re.S)
BARE_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)


@dataclass
class PlayerContext:
    """What players need from the conversion."""

    rewrite_url: Callable[[str], str]
    attached_media: Callable[[list[int]], list[tuple[str, str]]]  # ids ([] = the post's) -> (url, title)
    warn: Callable[[str, str], None]
    remote_player: Callable[[str], None] = field(default=lambda url: None)  # a provider's player kept


def media_kind(url: str) -> str:
    """The kind of player a file needs by its extension: "audio", "video", or "" for neither."""
    try:
        suffix = posixpath.splitext(unquote(urlsplit(url.strip()).path))[1].lower()
    except ValueError:
        return ""
    return "audio" if suffix in AUDIO_SUFFIXES else "video" if suffix in VIDEO_SUFFIXES else ""


def _mime(url: str) -> str:
    try:
        return MIME.get(posixpath.splitext(urlsplit(url).path)[1].lower(), "")
    except ValueError:
        return ""


def _field(value: str) -> str:
    return " ".join(value.split()).replace("|", "/")


# The theme's shortcodes that read inner lines: Hugo wants those closed (or self-closed), the others not.
WITH_INNER = ("audio", "video", "playlist")


GIST_SCRIPT = re.compile(
    r"(?:https?:)?//gist\.github\.com/(?P<gist>(?:[\w-]+/)?[0-9a-f]+)\.js(?:\?file=(?P<file>[^&#]+))?$", re.I
)


def shortcode(name: str, params: dict[str, str], lines: list[str] | None = None) -> str:
    """A theme shortcode: closed around `lines`, self-closed when it reads inner lines but has none."""
    args = "".join(f" {k}={shortcode_param(v)}" for k, v in params.items() if v)
    if not lines:
        return "{{< " + name + args + (" />}}" if name in WITH_INNER else " >}}")
    return "{{< " + name + args + " >}}\n" + "\n".join(lines) + "\n{{< /" + name + " >}}"


@dataclass
class Media:
    """One audio or video player: its sources (first plays first), captions and settings."""

    kind: str
    sources: list[tuple[str, str]] = field(default_factory=list)  # (url, mime)
    tracks: list[tuple[str, str, str, str]] = field(default_factory=list)  # (url, kind, srclang, label)
    params: dict[str, str] = field(default_factory=dict)

    def markdown(self) -> str:
        src, mime = self.sources[0]
        lines = [f"source | {_field(u)} | {_field(t)}" for u, t in self.sources[1:]]
        lines += [f"track | {' | '.join(_field(v) for v in track)}" for track in self.tracks]
        return shortcode(self.kind, {"src": src, "type": mime, **self.params}, lines)


def _provider_embed(player: Player) -> str:
    provider = player.provider
    params = {"url": player.url, "provider": provider.slug, "title": provider.name, "player": player.player}
    return shortcode("embed", params)


def embed_markdown(url: str, ctx: PlayerContext) -> str:
    """An oEmbed URL: a provider's player, a player for a media file (as WordPress's own embed handlers
    make one), or a link."""
    url = url.strip()
    player = player_for(url)
    if player is not None:
        ctx.remote_player(url)
        return _provider_embed(player)
    kind = media_kind(url)
    if kind:
        new = ctx.rewrite_url(url)
        return Media(kind, [(new, _mime(new))]).markdown()
    return shortcode("embed", {"url": ctx.rewrite_url(url)})


def shortcode_player(name: str, attrs: dict[str, str], content: str, ctx: PlayerContext) -> str:
    """`[audio]` or `[video]` with WordPress's attributes; with no source, the post's first attached one."""
    urls = [attrs[k] for k in SOURCE_KEYS[name] if attrs.get(k, "").strip()]
    if not urls and attrs.get("0", "").startswith(("http://", "https://", "/")):
        urls = [attrs["0"]]
    if not urls:
        attached = [u for u, _ in ctx.attached_media([]) if media_kind(u) == name]
        if not attached:
            ctx.warn("lost-media", f"an [{name}] shortcode names no file and the post has no {name} attached")
            return ""
        urls = attached[:1]
        rewritten = urls
    else:
        if name == "video" and player_for(urls[0]) is not None:
            return embed_markdown(urls[0], ctx)
        rewritten = [ctx.rewrite_url(u) for u in dict.fromkeys(u.strip() for u in urls)]
    media = Media(name, [(u, _mime(u)) for u in rewritten])
    if name == "video":
        if attrs.get("poster"):
            media.params["poster"] = ctx.rewrite_url(attrs["poster"])
        for key in ("width", "height"):
            if attrs.get(key, "").isdigit():
                media.params[key] = attrs[key]
    for flag in FLAGS:
        if attrs.get(flag, "").strip().lower() in ("on", "1", "true", "yes"):
            media.params[flag] = "true"
    if attrs.get("preload", "") in ("none", "metadata", "auto"):
        media.params["preload"] = attrs["preload"]
    if content.strip():
        _add_children(parse_fragment(content), media, ctx.rewrite_url)
    return media.markdown()


def playlist(attrs: dict[str, str], ctx: PlayerContext) -> str:
    """`[playlist ids="…" type="audio|video"]`: the attachments it names (or the post's), in order."""
    kind = "video" if attrs.get("type", "audio").strip().lower() == "video" else "audio"
    ids = [int(x) for x in re.findall(r"\d+", attrs.get("ids", "") or attrs.get("include", ""))]
    tracks = [(u, t) for u, t in ctx.attached_media(ids) if media_kind(u) == kind]
    if not tracks:
        ctx.warn(
            "lost-media", f"a [playlist] names no {kind} this export has ({attrs.get('ids', 'attached')})"
        )
        return ""
    if ids and len(tracks) < len(ids):
        ctx.warn(
            "lost-media", f"a [playlist] names {len(ids)} files; {len(tracks)} are {kind} in this export"
        )
    return shortcode("playlist", {"type": kind}, [f"{_field(u)} | {_field(t)}" for u, t in tracks])


#: WordPress.com's (Jetpack's) media shortcodes: how each names its media, as a page URL.
JETPACK_URLS = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://vimeo.com/{}",
    "dailymotion": "https://www.dailymotion.com/video/{}",
    "wpvideo": "https://videopress.com/v/{}",
    "videopress": "https://videopress.com/v/{}",
    "spotify": "https://open.spotify.com/{}",
    "soundcloud": "{}",
    "ted": "https://www.ted.com/talks/view/id/{}",
}


def provider_shortcode(name: str, attrs: dict[str, str], content: str, ctx: PlayerContext) -> str:
    """`[youtube=URL&w=640]`, `[vimeo 123]`, `[dailymotion id=x]`, `[wpvideo GUID]`, `[soundcloud url=…]`,
    `[spotify id="spotify:track:…"]`, `[ted id=…]`: the provider's player (or its link)."""
    value = (content or attrs.get("url", "") or attrs.get("id", "") or attrs.get("0", "")).strip()
    value = value.lstrip("=").strip()
    if name == "youtube" and value.startswith("http"):
        value = value.split("&w=", 1)[0].split("&amp;w=", 1)[0]
        # As Jetpack reads it: any "?" after the first is an "&" (watch?v=p6K4iIMlouI?html5=1).
        head, mark, rest = value.partition("?")
        value = head + mark + rest.replace("?", "&")
    if name == "spotify" and value.startswith("spotify:"):
        value = "/".join(value.split(":")[1:3])
    if not value:
        ctx.warn("lost-media", f"a [{name}] shortcode names no media")
        return ""
    url = value if value.startswith(("http://", "https://")) else JETPACK_URLS[name].format(value)
    return embed_markdown(url, ctx)


def _add_children(node: Any, media: Media, rewrite: Callable[[str], str]) -> None:
    for child in node.iter("source", "track"):
        src = (child.get("src") or "").strip()
        if not src:
            continue
        if child.tag == "source":
            url = rewrite(src)
            if all(url != u for u, _ in media.sources):
                media.sources.append((url, (child.get("type") or "").split(";")[0].strip() or _mime(url)))
        else:
            url = rewrite(src)
            media.tracks.append(
                (url, child.get("kind") or "subtitles", child.get("srclang") or "", child.get("label") or "")
            )


def _as_written(url: str) -> str:
    """For an element's children, whose URLs the body's link rewrite has already set."""
    return url


def element_player(node: Any) -> str:
    """An `<audio>` or `<video>` element (its URLs already rewritten) as a player; "" when it has none."""
    media = Media(node.tag)
    src = (node.get("src") or "").strip()
    if src:
        media.sources.append((src, _mime(src)))
    _add_children(node, media, _as_written)
    if not media.sources:
        return ""
    if node.tag == "video":
        for key in ("poster", "width", "height"):
            value = (node.get(key) or "").strip()
            if value and (key == "poster" or value.isdigit()):
                media.params[key] = value
    for flag in FLAGS:
        if flag in node.attrib:
            media.params[flag] = "true"
    if node.get("preload") in ("none", "metadata", "auto"):
        media.params["preload"] = node.get("preload") or ""
    return media.markdown()


def _replace(node: Any, text: str) -> None:
    """`node` gives way to `text` (a placeholder block, parsed as HTML) or to nothing."""
    fragment = parse_fragment(text.strip()) if text.strip() else None
    for new in list(fragment) if fragment is not None else []:
        node.addprevious(new)
    remove_node(node)


def elements_to_players(root: Any, add: Callable[[str], str], ctx: PlayerContext) -> None:
    """Every `<audio>`, `<video>` and `<iframe>` below `root` becomes a player placeholder (`add`)."""
    for node in list(root.iter("audio", "video")):
        provider = player_for(node.get("src") or "")
        if provider is not None and provider.player:
            # A <video src> that names a provider's page (it never plays): that provider's player.
            ctx.remote_player(provider.url)
            _replace(node, add(_provider_embed(provider)))
            continue
        markdown = element_player(node)
        if not markdown:
            ctx.warn("lost-media", f"an <{node.tag}> element has no source")
        _replace(node, add(markdown) if markdown else "")
    for node in list(root.iter("iframe")):
        src = (node.get("src") or "").strip()
        _swallowed(node, src, ctx)
        if not src:
            _replace(node, "")
            continue
        player = iframe_player(src)
        if player is not None:
            ctx.remote_player(src)
            markdown = _provider_embed(player)
        else:
            # The site loads no frames but known players' (its frame-src): a map, a CodePen or a
            # chart is a link to what it showed, and the report says so.
            markdown = shortcode("embed", {"url": ctx.rewrite_url(src)})
            ctx.warn("embed-link", f"an <iframe> of {url_host(src) or src[:80]} is a link to it now")
        _replace(node, add(markdown))


#: Words inside an <iframe> past which they are the post's own text, taken in by an unclosed tag.
SWALLOWED_WORDS = 12


def _swallowed(node: Any, src: str, ctx: PlayerContext) -> None:
    """Warn when an `<iframe>` holds the post's text: left unclosed (a code sample's `<iframe src=...>`
    written as HTML), it takes everything after it, which browsers hid too; the embed replaces it
    with the text inside. Eight pages of a docs site kept 70 of 967 words, said only "a link now"."""
    words = len(" ".join(node.itertext()).split())
    if words > SWALLOWED_WORDS:
        ctx.warn(
            "iframe-text",
            f"an <iframe> of {url_host(src) or src[:80] or 'no address'} held {words} words of the post "
            "(an unclosed <iframe> takes in all that follows it): they are left out; close the <iframe>, "
            "or write a code sample's tags as &lt;iframe&gt;",
        )


def gist_scripts(root: Any, add: Callable[[str], str], ctx: PlayerContext) -> None:
    """A gist embedded by its script (`<script src="https://gist.github.com/ann/123.js">`, as GitHub's
    "Embed" button gives it) becomes a link to the gist, before the scan strips scripts: the site runs
    no third-party script, and the code was lost with nothing said but "script stripped"."""
    for node in list(root.iter("script")):
        found = GIST_SCRIPT.match((node.get("src") or "").strip())
        url = gist_url(found.group("gist"), unquote(found.group("file") or "")) if found else ""
        if url:
            ctx.warn("embed-link", f"a gist's <script> is a link to the gist now ({url})")
            _replace(node, add(shortcode("embed", {"url": url})))


def plugin_players(root: Any, add: Callable[[str], str], ctx: PlayerContext) -> None:
    """Old `<object>`/`<embed>` video code of a known provider (YouTube's and Vimeo's before 2010)
    becomes its player, or a link to it for a provider the site links to (Bandcamp), before the scan
    strips plugin tags; any other plugin content is left for the scan."""
    for node in list(root.iter("object", "embed")):
        if node.getparent() is None:
            continue
        urls = [node.get("src") or "", node.get("data") or ""]
        urls += [
            p.get("value") or ""
            for p in node.iter("param")
            if (p.get("name") or "").lower() in ("movie", "src")
        ]
        urls += [e.get("src") or "" for e in node.iter("embed")]
        known = [p for p in map(player_for, filter(None, urls)) if p is not None]
        player = next((p for p in known if p.player), None)
        if player is not None:
            ctx.remote_player(player.url)
            _replace(node, add(embed_markdown(player.url, ctx)))
        elif known:  # a provider the site shows as a link (Bandcamp's Flash player of 2010)
            ctx.warn("embed-link", f"an <{node.tag}> of {known[0].provider.name} is a link to it now")
            _replace(node, add(shortcode("embed", {"url": ctx.rewrite_url(known[0].url)})))


def embed_blocks(text: str, add: Callable[[str], str], ctx: PlayerContext) -> str:
    """`wp:embed` blocks (and WordPress 5.0's `wp:core-embed/<provider>`) by the URL their attributes name."""

    def replace(m: re.Match[str]) -> str:
        try:
            attrs = json.loads(m.group(1))
        except ValueError:
            return m.group(0)
        url = attrs.get("url") if isinstance(attrs, dict) else None
        if not isinstance(url, str) or not url.strip():
            return m.group(0)
        caption = FIGCAPTION.search(m.group(2))
        # The editor may keep the address HTML-escaped (`\u0026amp;t=1s`): a link to `&amp;t=1s` lost
        # the video's start time.
        return add(embed_markdown(html.unescape(url), ctx)) + (caption.group(0) if caption else "")

    return EMBED_BLOCK.sub(replace, text)


def bare_embeds(text: str, add: Callable[[str], str], ctx: PlayerContext) -> str:
    """A URL alone on its line is an embed in WordPress (autoembed): a provider's, or a media file's."""

    def replace(m: re.Match[str]) -> str:
        url = m.group(1).replace("&amp;", "&")
        player = player_for(url)
        if (player is not None and player.player) or media_kind(url):
            return add(embed_markdown(url, ctx))
        return m.group(0)

    if "://" not in text:  # no URL, nothing to embed
        return text
    # Code is shown as written: a URL on its own line inside <pre> or <code> stays text.
    parts = CODE.split(text)
    return "".join(part if i % 2 else BARE_LINE.sub(replace, part) for i, part in enumerate(parts))


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    type: str


def enclosure(value: str) -> Enclosure | None:
    """A podcast post's `enclosure` meta ("URL\\nlength\\nmime[\\nextra]") or None when it is not one."""
    lines = [line.strip() for line in value.replace("\r", "\n").split("\n") if line.strip()]
    if not lines or not re.match(r"https?://[^\s<>\"]+$", lines[0]):
        return None
    length = int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else 0
    mime = lines[2] if len(lines) > 2 and re.fullmatch(r"[\w.+-]+/[\w.+-]+", lines[2]) else ""
    return Enclosure(lines[0], length, mime.lower())


def enclosure_player(found: Enclosure, rewrite_url: Callable[[str], str]) -> tuple[str, dict[str, Any]]:
    """The player for an enclosure and its front matter (`enclosure: {url, length, type}`)."""
    url = rewrite_url(found.url)
    kind = (
        found.type.split("/")[0]
        if found.type.startswith(("audio/", "video/"))
        else media_kind(url) or "audio"
    )
    markdown = Media(kind, [(url, found.type or _mime(url))]).markdown()
    meta = {"url": url, "length": found.length, "type": found.type or _mime(url)}
    return markdown, meta
