"""WordPress shortcodes to Hugo shortcodes.

`[caption]`, `[gallery]`, `[audio]`, `[video]` and `[embed]` become the
default theme's shortcodes of the same names; YouTube and Vimeo become Hugo's `youtube` and `vimeo`;
`[code]`/`[sourcecode]` become fenced code blocks. Any other shortcode is kept verbatim and reported.

Each shortcode is swapped for a placeholder token before the HTML is converted, and the token for
the finished Markdown after, so the converter never escapes or reflows them.

This module must never fetch anything, run a shortcode, or emit HTML that the scan has not seen.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from chalicelib.wordpress.fragment import inner_html, parse_fragment, remove_node
from chalicelib.wordpress.markdown import escape_hugo_shortcodes, fenced_code

KNOWN = (
    "caption",
    "wp_caption",
    "gallery",
    "audio",
    "video",
    "embed",
    "code",
    "sourcecode",
    "playlist",
    "youtube",
    "vimeo",
)
# A shortcode name as WordPress allows it; the closing form must repeat it.
SHORTCODE = re.compile(
    r"\[(?P<esc>\[?)(?P<name>[A-Za-z][\w-]*)(?![\w-])(?P<attrs>[^\]/]*(?:/(?!\])[^\]/]*)*?)"
    r"(?:(?P<self>/)\]|\](?:(?P<content>[^\[]*+(?:\[(?!/(?P=name)\])[^\[]*+)*+)\[/(?P=name)\])?)"
    r"(?P<esc2>\]?)"
)
ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
YOUTUBE = re.compile(r"^(?:https?:)?//(?:www\.|m\.)?(?:youtube\.com|youtube-nocookie\.com|youtu\.be)/", re.I)
VIMEO = re.compile(r"^(?:https?:)?//(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d+)", re.I)
BARE_EMBED_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.M)
TOKEN = "ZQXSHORTCODE{}ZQX"
TOKEN_RE = re.compile(r"ZQXSHORTCODE(\d+)ZQX")
MEDIA_KEYS = {
    "audio": ("src", "mp3", "m4a", "ogg", "wav", "wma", "flac"),
    "video": ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mov"),
}


@dataclass
class GalleryImage:
    src: str
    alt: str = ""
    caption: str = ""


@dataclass
class ShortcodeContext:
    """What the converter needs from the rest of the conversion."""

    rewrite_url: Callable[[str], str]
    gallery_images: Callable[[list[int]], list[GalleryImage]]
    inline_markdown: Callable[[str], str]
    warn: Callable[[str, str], None]
    parent_id: int = 0


@dataclass
class Placeholders:
    """Token -> finished Markdown, filled while extracting and used after conversion."""

    values: list[str] = field(default_factory=list)

    def add(self, markdown: str, *, block: bool) -> str:
        token = TOKEN.format(len(self.values))
        self.values.append(markdown)
        return f"\n\n{token}\n\n" if block else token

    def restore(self, text: str) -> str:
        return TOKEN_RE.sub(lambda m: self.values[int(m.group(1))], text)


def parse_attrs(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    positional = 0
    text = html.unescape(text.replace("\u00a0", " ").replace("\u200b", ""))
    for m in ATTR.finditer(text):
        if m.group(1):
            attrs[m.group(1).lower()] = m.group(2)
        elif m.group(3):
            attrs[m.group(3).lower()] = m.group(4)
        elif m.group(5):
            attrs[m.group(5).lower()] = m.group(6)
        else:
            value = next(g for g in (m.group(7), m.group(8), m.group(9)) if g is not None)
            attrs[str(positional)] = value
            positional += 1
    return attrs


def inert(text: str) -> str:
    """Text for a shortcode parameter or gallery line: Hugo ends a shortcode at the first `>}}` even
    inside quotes and has no escape there, so braces pairs get an invisible zero-width space."""
    return text.replace("{{", "{\u200b{").replace("}}", "}\u200b}") if "{{" in text or "}}" in text else text


def quote(value: str) -> str:
    """A Hugo shortcode parameter value, double-quoted."""
    value = inert(" ".join(value.split()))
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hugo_shortcode(name: str, params: dict[str, str], inner: str | None = None) -> str:
    args = " ".join(f"{k}={quote(v)}" for k, v in params.items() if v)
    opening = "{{< " + name + (" " + args if args else "") + " >}}"
    if inner is None:
        return opening
    return f"{opening}\n{inner}\n{{{{< /{name} >}}}}"


def embed_markdown(url: str, ctx: ShortcodeContext) -> str:
    url = url.strip()
    if YOUTUBE.match(url):
        video_id = youtube_id(url)
        if video_id:
            return hugo_shortcode("youtube", {"id": video_id})
    vimeo = VIMEO.match(url)
    if vimeo:
        return hugo_shortcode("vimeo", {"id": vimeo.group(1)})
    return hugo_shortcode("embed", {"url": ctx.rewrite_url(url)})


def youtube_id(url: str) -> str:
    parts = urlsplit(url if "//" in url[:8] else "https:" + url)
    host = (parts.hostname or "").lower()
    if host.endswith("youtu.be"):
        candidate = parts.path.strip("/").split("/")[0]
    elif parts.path.startswith(("/embed/", "/v/", "/shorts/", "/live/")):
        candidate = parts.path.split("/")[2]
    else:
        candidate = parse_qs(parts.query).get("v", [""])[0]
    return candidate if re.fullmatch(r"[\w-]{6,20}", candidate) else ""


def _caption(attrs: dict[str, str], content: str, ctx: ShortcodeContext) -> str:
    root = parse_fragment(content)
    img = root.find(".//img")
    params: dict[str, str] = {}
    if img is not None:
        params["src"] = ctx.rewrite_url(img.get("src") or "")
        params["alt"] = img.get("alt") or ""
        link = next((a for a in img.iterancestors("a")), None)
        if link is not None and link.get("href"):
            params["link"] = ctx.rewrite_url(link.get("href") or "")
        remove_node(link if link is not None else img)
    caption_html = attrs.get("caption") or inner_html(root).strip()
    params["caption"] = ctx.inline_markdown(caption_html)
    align = attrs.get("align", "")
    if align:
        params["class"] = align
    if attrs.get("width", "").isdigit():
        params["width"] = attrs["width"]
    if not params.get("src"):
        return params["caption"]
    # The theme's own `caption`, not Hugo's `figure`: `figure` leaves "/wp-content/…" unprefixed under a
    # sub-path baseURL.
    return hugo_shortcode("caption", params)


def _gallery(attrs: dict[str, str], ctx: ShortcodeContext) -> str:
    ids = [int(x) for x in re.findall(r"\d+", attrs.get("ids", "") or attrs.get("include", ""))]
    images = ctx.gallery_images(ids)
    if not images:
        ctx.warn("missing-media", "a [gallery] lists no images this export has; it was left out")
        return ""
    return gallery_markdown(images, attrs.get("columns", "3"), attrs.get("link", ""))


def gallery_markdown(images: list[GalleryImage], columns: str = "3", link: str = "") -> str:
    """The theme's `gallery` shortcode: one "src | alt | caption" line per image."""
    lines = [
        " | ".join(inert(" ".join(part.replace("|", "/").split())) for part in (i.src, i.alt, i.caption))
        for i in images
    ]
    columns = columns if columns.isdigit() and 0 < int(columns) <= 9 else "3"
    return hugo_shortcode("gallery", {"columns": columns, "link": link}, "\n".join(lines))


def _media(name: str, attrs: dict[str, str], ctx: ShortcodeContext) -> str:
    src = next((attrs[k] for k in MEDIA_KEYS[name] if attrs.get(k)), attrs.get("0", ""))
    if not src:
        ctx.warn("unknown-shortcode", f"an [{name}] shortcode without a source was left out")
        return ""
    params = {"src": ctx.rewrite_url(src)}
    if name == "video":
        if YOUTUBE.match(src) or VIMEO.match(src):
            return embed_markdown(src, ctx)
        params.update(
            {
                "poster": ctx.rewrite_url(attrs["poster"]) if attrs.get("poster") else "",
                "width": attrs.get("width", ""),
                "height": attrs.get("height", ""),
            }
        )
    for flag in ("loop", "autoplay"):
        if attrs.get(flag) in ("on", "1", "true"):
            params[flag] = "true"
    return hugo_shortcode(name, params)


def _code(attrs: dict[str, str], content: str) -> str:
    language = attrs.get("language") or attrs.get("lang") or attrs.get("0", "")
    language = re.sub(r"[^\w+#-]", "", language)
    return escape_hugo_shortcodes(fenced_code(html.unescape(content).strip("\n"), language))


def convert_shortcodes(text: str, ctx: ShortcodeContext, placeholders: Placeholders) -> str:
    """Replaces every shortcode in `text` with a placeholder token; unknown ones are kept verbatim."""

    def replace(m: re.Match[str]) -> str:
        whole = m.group(0)
        name = m.group("name").lower()
        if m.group("esc") and m.group("esc2"):
            # [[name]] is WordPress's way of writing a literal [name], but only for a registered
            # shortcode: any other [[text]] (a wiki link, a Bash test) is left exactly as written.
            return placeholders.add(
                escape_hugo_shortcodes(whole[1:-1] if name in KNOWN else whole), block=False
            )
        attrs = parse_attrs(m.group("attrs") or "")
        content = m.group("content") or ""
        if name in ("caption", "wp_caption"):
            return placeholders.add(_caption(attrs, content, ctx), block=True)
        if name == "gallery":
            return placeholders.add(_gallery(attrs, ctx), block=True)
        if name in ("audio", "video"):
            return placeholders.add(_media(name, attrs, ctx), block=True)
        if name == "embed":
            return placeholders.add(
                embed_markdown(html.unescape(content or attrs.get("0", "")), ctx), block=True
            )
        if name in ("youtube", "vimeo"):
            url = content or attrs.get("0", "") or attrs.get("id", "")
            if name == "youtube" and not url.startswith("http"):
                url = f"https://www.youtube.com/watch?v={url}"
            elif name == "vimeo" and url.isdigit():
                url = f"https://vimeo.com/{url}"
            return placeholders.add(embed_markdown(html.unescape(url), ctx), block=True)
        if name in ("code", "sourcecode"):
            return placeholders.add(_code(attrs, content), block=True)
        if not attrs and m.group("content") is None and not m.group("self"):
            # "[note]" with no attributes and no closing tag is ordinary bracketed text.
            return whole
        ctx.warn("unknown-shortcode", f"[{name}] is not a shortcode Presslift knows; kept as written")
        return placeholders.add(escape_hugo_shortcodes(whole), block=False)

    return SHORTCODE.sub(replace, text)


def convert_bare_embeds(text: str, ctx: ShortcodeContext, placeholders: Placeholders) -> str:
    """A YouTube or Vimeo URL alone on its line is an embed in WordPress (oEmbed); so it is here."""

    def replace(m: re.Match[str]) -> str:
        url = html.unescape(m.group(1))
        if (YOUTUBE.match(url) and youtube_id(url)) or VIMEO.match(url):
            return placeholders.add(embed_markdown(url, ctx), block=True)
        return m.group(0)

    return BARE_EMBED_LINE.sub(replace, text)
