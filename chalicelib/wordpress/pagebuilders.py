"""Page-builder layouts (Divi, WPBakery, Avada) unwrapped into the HTML they stand for.

Divi (`[et_pb_*]`), WPBakery (`[vc_*]`) and Avada's Fusion Builder (`[fusion_*]`) store a page as
shortcodes nested in `post_content`, as, on a smaller scale, do Shortcodes Ultimate (`[su_*]`) and
the column shortcodes of many themes (`[one_half]`, `[two_thirds_last]`); without the plugin,
WordPress itself shows them as raw text. The
page's words and pictures are inside them, so each is turned into what it shows: layout wrappers
(sections, rows, columns, text blocks) give their content; images, buttons, headings, videos, tabs,
toggles, testimonials and galleries give the HTML (or the `[gallery]`/video URL the rest of the
conversion already knows) they render, and a builder's contact form the theme's own form (as a
contact-form plugin's shortcode does); modules that only work with the plugin running (blog feeds,
maps, counters, sign-ups, sidebars, scripts) are left out, and the item gets one `page-builder`
warning naming the builder and what was left out. Anything else of the builder keeps its content.

Values become HTML through `html.escape`, and the result goes through the same scan as any body, so a
builder's raw-HTML module (base64 in WPBakery and Avada) is no way around it. Never: run a builder's
script module, or fetch anything.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from chalicelib.wordpress.shortcodes import (
    CONTACT_FORM,
    SHORTCODE,
    GalleryImage,
    Placeholders,
    contact_form_note,
    parse_attrs,
)

BUILDERS = {"et_pb_": "Divi", "vc_": "WPBakery", "fusion_": "Avada", "su_": "Shortcodes Ultimate"}
#: Column shortcodes many themes define (`[one_half]`, `[two_thirds_last]`): layout only.
THEME_COLUMNS = re.compile(
    r"^(?:one|two|three|four|five)_(?:half|thirds?|fourths?|fifths?|sixths?)(?:_last)?$"
)
#: Builders' own contact forms: the theme's contact form, as a contact-form plugin's shortcode becomes.
BUILDER_FORMS = frozenset({"et_pb_contact_form", "fusion_form"})
_HAS_BUILDER = re.compile(
    r"\[(?:et_pb_|vc_|fusion_|su_)[a-z0-9_]|\[(?:one|two|three|four|five)_(?:half|third|fourth|fifth|sixth)",
    re.I,
)
MAX_DEPTH = 40
#: Modules that show what only the running plugin or site can (forms, feeds, maps, counters, scripts).
DYNAMIC = re.compile(
    r"^(?:et_pb_(?:contact_field|signup|search|blog|portfolio|filterable_portfolio|"
    r"fullwidth_portfolio|post_slider|fullwidth_post_slider|map|map_pin|fullwidth_map|countdown_timer|"
    r"number_counter|circle_counter|bar_counters|bar_counter|sidebar|comments|post_nav|login|shop|"
    r"social_media_follow|social_media_follow_network|post_title|fullwidth_post_title|menu|"
    r"fullwidth_menu|icon)|"
    r"vc_(?:raw_js|widget_sidebar|wp_[a-z_]+|posts_grid|basic_grid|masonry_grid|media_grid|"
    r"masonry_media_grid|gmaps|progress_bar|pie|round_chart|line_chart|flickr|facebook|tweetmeme|"
    r"googleplus|pinterest|icon|zigzag|gitem[a-z_]*)|"
    r"su_(?:posts|feed|gmap|animate|qrcode|slider|carousel|custom_gallery|menu|siblings|subpages|"
    r"permalink|user|post|meta|template|members|guests|private|tooltip|lightbox|lightbox_content|"
    r"frame|expand|scheduler|dummy_text|dummy_image|document|image_carousel)|"
    r"fusion_(?:blog|recent_posts|portfolio|google_map|map|countdown|counters_box|counter_box|"
    r"counters_circle|counter_circle|progress|social_links|sharing|widget_area|woo_[a-z_]+|"
    r"login|register|lost_password|modal|modal_text_link|menu_anchor|postcards|"
    r"fontawesome|events|tb_[a-z_]+))$"
)


@dataclass
class Unwrapped:
    """What one body's builders were: by builder, the modules left out (a name once each)."""

    placeholders: Placeholders
    builders: set[str] = field(default_factory=set)
    left_out: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)  # the builder's contact forms: the theme's form now

    def message(self) -> str:
        names = " and ".join(sorted(self.builders))
        if not self.left_out:
            return f"{names} layout unwrapped into its text, images and links"
        return (
            f"{names} layout unwrapped into its text, images and links; left out what only the plugin "
            f"shows: {', '.join(sorted(set(self.left_out)))}"
        )


def has_page_builder(text: str) -> bool:
    return bool(_HAS_BUILDER.search(text))


def unwrap_page_builders(
    text: str,
    images: Callable[[list[int]], list[GalleryImage]],
    warn: Callable[[str, str], None],
    placeholders: Placeholders,
) -> str:
    """`text` with every builder shortcode replaced by what it shows (see the module's docstring)."""
    if not has_page_builder(text):
        return text
    found = Unwrapped(placeholders)
    out = _unwrap(text, images, found, 0)
    if found.builders:
        warn("page-builder", found.message())
    for form in dict.fromkeys(found.forms):
        warn("contact-form", contact_form_note(f"[{form}]"))
    return out


def _unwrap(
    text: str, images: Callable[[list[int]], list[GalleryImage]], found: Unwrapped, depth: int
) -> str:
    if depth > MAX_DEPTH or not has_page_builder(text):
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group("name").lower()
        builder = next((label for prefix, label in BUILDERS.items() if name.startswith(prefix)), None)
        if builder is None and THEME_COLUMNS.match(name):
            builder = "theme columns"
        if builder is None or (match.group("esc") and match.group("esc2")):
            return match.group(0)
        found.builders.add(builder)
        if name in BUILDER_FORMS:
            found.forms.append(name)
            return found.placeholders.add(CONTACT_FORM, block=True)
        if DYNAMIC.match(name):
            found.left_out.append(name)
            return "\n\n"
        attrs = {key: _divi_value(value) for key, value in parse_attrs(match.group("attrs") or "").items()}
        inner = _unwrap(match.group("content") or "", images, found, depth + 1)
        return _module(name, attrs, inner, images)

    return SHORTCODE.sub(replace, text)


def _module(
    name: str, attrs: dict[str, str], inner: str, images: Callable[[list[int]], list[GalleryImage]]
) -> str:
    """The HTML one builder module shows; its content for a layout wrapper or anything unknown."""
    short = re.sub(r"^(?:et_pb_|vc_|fusion_|su_)", "", name).removesuffix("_inner")
    get = attrs.get
    if short in ("image", "fullwidth_image"):
        return _block(_image(get("src", ""), get("alt", ""), get("url", "")))
    if short == "single_image":
        chosen = images([int(get("image", "0"))]) if get("image", "").isdigit() else []
        link = get("link", "") if get("onclick", "") in ("custom_link", "") else ""
        return _block(_image(chosen[0].src, get("alt", "") or chosen[0].alt, link) if chosen else "")
    if short in ("button", "btn", "button2"):
        url, label = get("button_url") or get("url") or "", get("button_text") or get("title") or inner
        if name.startswith("vc_"):
            url = _vc_link(get("link", ""))
        elif name.startswith("fusion_"):
            url = get("link", "")
        return _block(_link(url, label))
    if short in ("custom_heading", "title", "text_separator", "fancy_text"):
        level = _heading_level(get("font_container", "") or f"tag:h{get('size', '2')}")
        given = get("text") or get("title")
        return _block(f"<h{level}>{html.escape(_plain(given)) if given else inner.strip()}</h{level}>")
    if short in ("spacer", "empty_space"):
        return "\n\n"
    if short == "quote":
        cite = f"<p>— {html.escape(_plain(get('cite', '')))}</p>" if get("cite", "").strip() else ""
        return f"\n\n<blockquote>{inner}{cite}</blockquote>\n\n"
    if short in ("video", "youtube", "vimeo", "fullwidth_video", "youtube_advanced", "vimeo_advanced"):
        url = get("src") or get("link") or get("url") or ""
        if name == "fusion_youtube" and get("id"):
            url = f"https://www.youtube.com/watch?v={get('id')}"
        elif name == "fusion_vimeo" and get("id"):
            url = f"https://vimeo.com/{get('id')}"
        return f"\n\n{url.strip()}\n\n" if url.strip().startswith(("https://", "http://")) else "\n\n"
    if short in ("gallery", "images_carousel"):
        ids = re.findall(r"\d+", get("gallery_ids") or get("images") or "")
        return f'\n\n[gallery ids="{",".join(ids)}"]\n\n' if ids else inner
    if short == "divider" or short == "separator":
        return "\n\n<hr>\n\n"
    titled = ("blurb", "cta", "slide", "tab", "tta_section", "toggle", "accordion_item", "team_member")
    if short in (*titled, "box", "spoiler"):
        title = get("title") or get("heading") or get("name") or get("h2") or ""
        picture = _image(get("image") or get("image_url") or "", get("alt", ""), "")
        target = get("button_url") or get("button_link") or _vc_link(get("btn_link", ""))
        action = _link(target, get("button_text") or get("btn_title") or "")
        heading = f"<h3>{html.escape(_plain(title))}</h3>" if title.strip() else ""
        return _block(heading + picture) + inner + _block(action)
    if short == "testimonial":
        who = ", ".join(filter(None, (get("author"), get("job_title"), get("company_name"))))
        cite = f"<p>— {html.escape(_plain(who))}</p>" if who else ""
        return f"\n\n<blockquote>{inner}{cite}</blockquote>\n\n"
    if short == "fullwidth_header":
        title, subhead = get("title", ""), get("subhead", "")
        head = (f"<h1>{html.escape(_plain(title))}</h1>" if title else "") + (
            f"<p>{html.escape(_plain(subhead))}</p>" if subhead else ""
        )
        buttons = _link(get("button_one_url", ""), get("button_one_text", "")) + _link(
            get("button_two_url", ""), get("button_two_text", "")
        )
        return _block(head) + inner + _block(buttons)
    if short in ("raw_html", "code") and name != "et_pb_code":
        return _block(_decoded(inner))
    # Layout wrappers (sections, rows, columns, text blocks) and anything else: what they hold, after
    # their background image (an author's picture, as backgrounds.py keeps a style's).
    picture = _block(_image(background, "", "")) if (background := _background(attrs)) else ""
    return picture + (f"\n\n{inner.strip()}\n\n" if inner.strip() else "\n\n")


#: WPBakery's design options (`css=".vc_custom_1{background-image: url(…?id=1919) !important;}"`).
_CSS_BACKGROUND = re.compile(r"""background(?:-image)?\s*:[^;{}]*?url\(\s*['"]?([^'")\s]+)""", re.I)


def _background(attrs: dict[str, str]) -> str:
    """A wrapper's background image: Divi's and Avada's `background_image`, WPBakery's in its `css`."""
    url = attrs.get("background_image") or attrs.get("bg_image") or ""
    if not url and (found := _CSS_BACKGROUND.search(attrs.get("css", ""))):
        url = re.sub(r"\?id=\d+$", "", found.group(1))  # WPBakery's attachment id after the address
    return url.strip() if url.strip().startswith(("http://", "https://", "/")) else ""


def _image(src: str, alt: str, link: str) -> str:
    if not src.strip():
        return ""
    tag = f'<img src="{html.escape(src.strip())}" alt="{html.escape(_plain(alt))}">'
    return f'<a href="{html.escape(link.strip())}">{tag}</a>' if link.strip() else tag


def _link(url: str, label: str) -> str:
    label = _plain(label)
    if not url.strip() or not label:
        return f"<p>{html.escape(label)}</p>" if label else ""
    return f'<p><a href="{html.escape(url.strip())}">{html.escape(label)}</a></p>'


def _block(markup: str) -> str:
    return f"\n\n{markup}\n\n" if markup else "\n\n"


def _plain(text: str) -> str:
    return " ".join(re.sub(r"<[^>]*>", " ", html.unescape(text)).split())


def _heading_level(font_container: str) -> int:
    found = re.search(r"tag:h([1-6])", font_container)
    return int(found.group(1)) if found else 2


def _vc_link(value: str) -> str:
    """WPBakery's link attribute, `url:https%3A%2F%2F…|title:…|target:…`: its URL."""
    for part in value.split("|"):
        key, _, raw = part.partition(":")
        if key == "url":
            return unquote(raw)
    return value if value.startswith(("http://", "https://", "/")) else ""


def _divi_value(value: str) -> str:
    """Divi writes quotes and brackets inside attribute values as %22, %91 and %93."""
    return value.replace("%22", '"').replace("%91", "[").replace("%93", "]") if "%" in value else value


def _decoded(content: str) -> str:
    """A raw-HTML module's content: base64 of URL-encoded HTML (WPBakery, Avada), or plain HTML."""
    squeezed = "".join(content.split())
    if squeezed and re.fullmatch(r"[A-Za-z0-9+/=]+", squeezed):
        try:
            return unquote(base64.b64decode(squeezed, validate=True).decode("utf-8"))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
    return content
