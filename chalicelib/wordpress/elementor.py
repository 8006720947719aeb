"""Elementor pages whose words are only in Elementor's own data, turned into the HTML they show.

Elementor keeps a page as a JSON tree of sections, columns, containers and widgets in the
`_elementor_data` meta, and writes a plain rendition of it into `post_content` when the page is
saved. Pages made by importing a theme's demo content, or saved by an Elementor that did not, have an
empty `post_content`: converted from it, they came out blank, with no word of warning. For those (and
only those: a rendition Elementor wrote is what WordPress shows without Elementor; `builderdata`
decides) the tree is walked and each widget gives the HTML it shows: headings, text, images,
buttons, videos (as their URL, which the conversion makes a player), lists, boxes, testimonials,
toggles and tabs (as `<details>`), galleries (as `[gallery]`), raw HTML and shortcodes. Widgets
that only work with Elementor running (forms, maps, post lists, menus, countdowns...) are left out,
and the item gets one `page-builder` warning naming them.

Values become HTML through `html.escape` where Elementor keeps text, and are taken as they are where
it keeps HTML (a text editor's, a heading's title); either way the result goes through the same scan
as any body. Never: run anything, fetch anything, or read more than `MAX_DEPTH` levels or
`MAX_BYTES` of data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
LAYOUT = frozenset(["section", "column", "container"])
HEADING_SIZE = re.compile(r"h[1-6]")
# Widgets that need Elementor (or a server) running, by the name the warning gives them.
LEFT_OUT = {
    "form": "form",
    "login": "login form",
    "google_maps": "map",
    "posts": "post list",
    "portfolio": "post list",
    "archive-posts": "post list",
    "nav-menu": "menu",
    "search-form": "search form",
    "sidebar": "sidebar",
    "countdown": "countdown",
    "share-buttons": "share buttons",
    "social-icons": "social icons",
    "global": "global widget",
}


def elementor_html(data: str, warn: Callable[[str, str], None]) -> str:
    """The HTML an Elementor page's `_elementor_data` shows (see the module's docstring); "" (and a
    `page-builder` warning) for data that cannot be read."""
    if len(data) > MAX_BYTES:
        warn("page-builder", f"Elementor's data is over {MAX_BYTES // 2**20} MB; the page is left empty")
        return ""
    try:
        tree = json.loads(data)
    except ValueError:
        warn("page-builder", "Elementor's data cannot be read (not JSON); the page is left empty")
        return ""
    left_out: dict[str, None] = {}
    out: list[str] = []
    _walk(tree, out, left_out, 0)
    if left_out:
        warn(
            "page-builder",
            f"Elementor page written from its data; left out: {', '.join(left_out)} (they need Elementor)",
        )
    return "\n".join(out)


def _walk(nodes: Any, out: list[str], left_out: dict[str, None], depth: int) -> None:
    if not isinstance(nodes, list) or depth > MAX_DEPTH:
        return
    for node in nodes:
        if not isinstance(node, dict):
            continue
        kind = node.get("elType")
        if kind in LAYOUT:
            _walk(node.get("elements"), out, left_out, depth + 1)
        elif kind == "widget":
            name = str(node.get("widgetType") or "")
            settings = node.get("settings")
            html = _widget(name, settings if isinstance(settings, dict) else {})
            if html is None:
                left_out[LEFT_OUT.get(name, name or "unnamed widget")] = None
            elif html:
                out.append(html)


def _text(settings: Mapping[str, Any], key: str) -> str:
    value = settings.get(key)
    return value if isinstance(value, str) else ""


def _url(settings: Mapping[str, Any], key: str) -> str:
    value = settings.get(key)
    url = value.get("url") if isinstance(value, dict) else value
    return url.strip() if isinstance(url, str) else ""


def _link(html: str, url: str) -> str:
    return f'<a href="{escape(url)}">{html}</a>' if url else html


def _image(settings: Mapping[str, Any]) -> str:
    src = _url(settings, "image")
    image = settings.get("image")
    alt = str(image.get("alt") or "") if isinstance(image, dict) else ""
    return f'<img src="{escape(src)}" alt="{escape(alt)}">' if src else ""


def _items(settings: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = settings.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _widget(name: str, s: Mapping[str, Any]) -> str | None:
    """The HTML a widget shows, "" for one that shows nothing (a spacer), None for one left out."""
    if name == "heading":
        size = _text(s, "header_size")
        tag = size if HEADING_SIZE.fullmatch(size) else "h2"
        title = _text(s, "title")
        return f"<{tag}>{_link(title, _url(s, 'link'))}</{tag}>" if title.strip() else ""
    if name == "text-editor":
        return _text(s, "editor")
    if name == "image":
        caption = escape(_text(s, "caption"))
        image = _link(_image(s), _url(s, "link"))
        return f"<figure>{image}<figcaption>{caption}</figcaption></figure>" if caption else image
    if name in ("button", "call-to-action"):
        text = escape(_text(s, "text") or _text(s, "button"))
        heading = f"<h3>{escape(_text(s, 'title'))}</h3>" if _text(s, "title") else ""
        body = f"<p>{_text(s, 'description')}</p>" if _text(s, "description") else ""
        button = f"<p>{_link(text, _url(s, 'link'))}</p>" if text else ""
        return heading + body + button
    if name == "video":
        kind = _text(s, "video_type") or "youtube"
        url = _url(s, "hosted_url") if kind == "hosted" else _text(s, f"{kind}_url")
        return f"\n{escape(url.strip())}\n" if url.strip() else ""  # alone on its line: an embed
    if name == "divider":
        return "<hr>"
    if name == "spacer":
        return ""
    if name == "icon-list":
        items = [
            f"<li>{_link(escape(_text(item, 'text')), _url(item, 'link'))}</li>"
            for item in _items(s, "icon_list")
            if _text(item, "text")
        ]
        return f"<ul>{''.join(items)}</ul>" if items else ""
    if name in ("icon-box", "image-box"):
        size = _text(s, "title_size")
        tag = size if HEADING_SIZE.fullmatch(size) else "h3"
        image = _image(s) if name == "image-box" else ""
        title = _text(s, "title_text")
        return (
            image
            + (f"<{tag}>{_link(escape(title), _url(s, 'link'))}</{tag}>" if title else "")
            + (f"<p>{_text(s, 'description_text')}</p>" if _text(s, "description_text") else "")
        )
    if name in ("testimonial", "blockquote"):
        words = _text(s, "testimonial_content") or _text(s, "blockquote_content")
        names = (_text(s, "testimonial_name") or _text(s, "author_name"), _text(s, "testimonial_job"))
        who = ", ".join(escape(name) for name in names if name)
        return f"<blockquote><p>{words}</p>{f'<cite>{who}</cite>' if who else ''}</blockquote>"
    if name in ("accordion", "toggle", "tabs"):
        return "".join(
            f"<details><summary>{escape(_text(tab, 'tab_title'))}</summary>{_text(tab, 'tab_content')}"
            "</details>"
            for tab in _items(s, "tabs")
        )
    if name == "alert":
        title, text = escape(_text(s, "alert_title")), _text(s, "alert_description")
        return f"<p><strong>{title}</strong> {text}</p>" if title else f"<p>{text}</p>"
    if name in ("image-gallery", "gallery"):
        images = _items(s, "wp_gallery") or _items(s, "gallery")
        ids = [str(image.get("id")) for image in images if str(image.get("id")).isdigit()]
        if ids and len(ids) == len(images):
            return f'[gallery ids="{",".join(ids)}"]'
        return "".join(_image({"image": image}) for image in images)
    if name == "html":
        return _text(s, "html")
    if name == "shortcode":
        return _text(s, "shortcode")
    if name == "animated-headline":
        # its rotating words are one a line: the first is what shows first
        parts = ("before_text", "highlighted_text", "rotating_text", "after_text")
        shown = [_text(s, key).split("\n")[0] for key in parts]
        return f"<h2>{escape(' '.join(part for part in shown if part))}</h2>"
    return None
