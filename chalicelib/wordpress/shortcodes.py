"""WordPress shortcodes to Hugo shortcodes.

`[caption]` and `[gallery]` become the default theme's shortcodes of the same names; `[audio]`,
`[video]`, `[playlist]`, `[embed]`, `[youtube]` and `[vimeo]` become players (see `players.py`);
`[code]`, `[sourcecode]`, SyntaxHighlighter's language shortcodes (`[bash]...[/bash]`) and
CodeColorer's (`[cc lang="php"]`, `[ccnLe_java]`; see `syntaxshortcodes.py`) become fenced code
blocks; contact-form plugins' forms (`CONTACT_FORMS`) become the theme's `form-contact`,
table-of-contents plugins' (`[toc]`, `[ez-toc]`...) its `toc`; Jetpack's embeds (`[gist]`,
`[slideshare]`...) links or players (`embedshortcodes.py`). Page builders' shortcodes were
unwrapped before (`pagebuilders.py`); any other shortcode is kept as
WordPress shows it without its plugin (its tags as text, what it encloses converted) and reported.

Each shortcode is swapped for a placeholder token before the HTML is converted, and the token for
the finished Markdown after, so the converter never escapes or reflows them.

This module must never fetch anything, run a shortcode, or emit HTML that the scan has not seen.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.wordpress.codeblock import fenced_code
from chalicelib.wordpress.embedshortcodes import EMBED_SHORTCODES, embed_url
from chalicelib.wordpress.fragment import inner_html, parse_fragment, remove_node
from chalicelib.wordpress.mdescape import inert, shortcode_param
from chalicelib.wordpress.mdinline import escape_hugo_shortcodes
from chalicelib.wordpress.players import (
    JETPACK_URLS,
    PlayerContext,
    embed_markdown,
    playlist,
    provider_shortcode,
    shortcode_player,
)
from chalicelib.wordpress.shoppages import SHOP_PAGE, SHOP_PAGES, shop_note
from chalicelib.wordpress.syntaxshortcodes import CODE_SHORTCODES, code_span, codecolorer, fence_language

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
    *JETPACK_URLS,
)
# Contact-form plugins' shortcodes (Contact Form 7, Jetpack, WPForms, Gravity Forms, Ninja Forms,
# Formidable, Caldera, Fluent Forms, Forminator, Everest Forms): a static site has no form handler, so
# each becomes the theme's own plain contact form, which posts where the site's params say.
CONTACT_FORMS = frozenset(
    {
        "contact-form-7",
        "contact-form",
        "wpforms",
        "gravityform",
        "gravityforms",
        "ninja_form",
        "ninja_forms",
        "formidable",
        "caldera_form",
        "fluentform",
        "forminator_form",
        "everest_form",
    }
)
CONTACT_FORM = "{{< form-contact >}}"
# Video quicktags plugins' shortcodes for a file of the site's (Viper's Video Quicktags, Embedded Video):
# [quicktime]/wp-content/uploads/talk.mov[/quicktime], as WordPress's own [video].
VIDEO_FILE_SHORTCODES = frozenset({"quicktime", "videofile", "flv", "mp4", "webm"})
# Table-of-contents plugins' shortcodes: the theme's `toc`, Hugo's own from the page's headings.
TABLES_OF_CONTENTS = frozenset({"toc", "ez-toc", "lwptoc", "table-of-contents", "wp-toc", "simple-toc"})
TABLE_OF_CONTENTS = "{{< toc >}}"


# Newsletter sign-up forms: Jetpack's (every WordPress.com blog's "Subscribe"), Mailchimp for WP's,
# MailPoet's (3, and 2 as Wysija), The Newsletter Plugin's, Brevo's and Kit's (ConvertKit).
SIGNUP_FORMS = frozenset(
    {
        "jetpack_subscription_form",
        "blog_subscription_form",
        "mc4wp_form",
        "mailpoet_form",
        "wysija_form",
        "newsletter_form",
        "sibwp_form",
        "convertkit",
        "convertkit_form",
    }
)


#: What Jetpack's [archives] lists: posts, or its weekly, daily, monthly or yearly archive pages.
ARCHIVE_TYPES = frozenset({"postbypost", "monthly", "yearly", "weekly", "daily"})


def contact_form_note(what: str) -> str:
    return (
        f"{what} became the theme's contact form (name, email, message; its own fields were not kept): "
        "set params.contact_form_action (a form service's address) or params.email in hugo.toml so it sends"
    )


# A shortcode name as WordPress allows it; the closing form must repeat it.
# Attributes hold no "[": WordPress matches only the names of registered shortcodes, so the text
# "[CRL is not yet valid for /CN" before a post's [text] code block is no shortcode, and must not take
# the "[text" that follows as its attributes (the block came out as paragraphs).
SHORTCODE = re.compile(
    r"\[(?P<esc>\[?)(?P<name>[A-Za-z][\w-]*)(?![\w-])(?P<attrs>[^\]/\[]*(?:/(?!\])[^\]/\[]*)*?)"
    r"(?:(?P<self>/)\]|\](?:(?P<content>[^\[]*+(?:\[(?!/(?P=name)\])[^\[]*+)*+)\[/(?P=name)\])?)"
    r"(?P<esc2>\]?)"
)
ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
# A `<pre>` that a code plugin highlights (WP-Syntax's `lang="python"`, SyntaxHighlighter's
# `class="brush: php"`, Crayon's `lang:php`): the plugin sets its text aside before shortcodes run, so
# `re.sub(r'\[code.*?\]', ...)` in a post's Python is code, never a [code] shortcode.
PLUGIN_PRE = re.compile(
    r"(<pre\b[^>]*?(?:\slang\s*=|\sclass\s*=\s*[\"'][^\"']*(?:brush:|lang:))[^>]*>.*?</pre\s*>)", re.S | re.I
)
TOKEN = "ZQXSHORTCODE{}ZQX"
#: Unknown shortcodes nested in one another whose content is still converted.
MAX_NESTING = 20
TOKEN_RE = re.compile(r"ZQXSHORTCODE(\d+)ZQX")
# What may stand before a block's token on its line: quote marks, list markers and their spaces.
CONTAINER_PREFIX = re.compile(r"(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$)[ \t]?)*[ \t]*")
LIST_MARKER = re.compile(r"[-*+]|\d{1,9}[.)]")


@dataclass
class GalleryImage:
    src: str
    alt: str = ""
    caption: str = ""


#: Themes' spacing and divider shortcodes (`[spacing desktop_height="90"]`, `[divider color="#eee"]`):
#: layout only. Shown as written they put their code on the page (1,348 times on one theme's demo).
THEME_SPACING = frozenset({"spacing", "spacer", "space", "gap", "clear", "clearfix", "empty_space", "vspace"})
THEME_DIVIDERS = frozenset({"divider", "separator", "hr", "line", "divider_line", "sep"})


@dataclass
class ShortcodeContext:
    """What the converter needs from the rest of the conversion."""

    rewrite_url: Callable[[str], str]
    gallery_images: Callable[[list[int]], list[GalleryImage]]
    inline_markdown: Callable[[str], str]
    warn: Callable[[str, str], None]
    players: PlayerContext
    parent_id: int = 0
    #: Names called from the block editor's Shortcode blocks: shortcodes even when bare (`[name]`).
    named: frozenset[str] = frozenset()


@dataclass
class Placeholders:
    """Token -> finished Markdown, filled while extracting and used after conversion."""

    values: list[str] = field(default_factory=list)

    def add(self, markdown: str, *, block: bool) -> str:
        token = TOKEN.format(len(self.values))
        self.values.append(markdown)
        # A block token stands in its own <div>, so the Markdown writer gives it a paragraph of its own
        # in block-editor bodies too (there, no wpautop separates paragraphs).
        return f"\n\n<div>{token}</div>\n\n" if block else token

    def restore(self, text: str) -> str:
        if "ZQXSHORTCODE" not in text:  # no token to put back
            return text

        def value(m: re.Match[str]) -> str:
            markdown = self.values[int(m.group(1))]
            if "\n" not in markdown:
                return markdown
            # A block inside a quote or a list item ("> " or "- " before its token) continues there:
            # each of its lines gets the quote's marks and the item's indent, or a code block in a
            # quote ended at its first line and its code came out as text and raw HTML.
            line_start = text.rfind("\n", 0, m.start()) + 1
            prefix = CONTAINER_PREFIX.fullmatch(text, line_start, m.start())
            if prefix is None or not prefix.group(0):
                return markdown
            going_on = LIST_MARKER.sub(lambda marker: " " * len(marker.group(0)), prefix.group(0))
            return markdown.replace("\n", "\n" + going_on)

        return TOKEN_RE.sub(value, text)


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


def hugo_shortcode(name: str, params: dict[str, str], inner: str | None = None) -> str:
    args = " ".join(f"{k}={shortcode_param(v)}" for k, v in params.items() if v)
    opening = "{{< " + name + (" " + args if args else "") + " >}}"
    if inner is None:
        return opening
    return f"{opening}\n{inner}\n{{{{< /{name} >}}}}"


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


def _code(name: str, attrs: dict[str, str], content: str) -> str:
    language = fence_language(name, attrs)
    return escape_hugo_shortcodes(fenced_code(html.unescape(_unwrapped(content)).strip("\n"), language))


# A code shortcode whose tags an editor made bold line by line (`<strong>[sourcecode]</strong>` and
# `<strong>$a = 1;</strong>`): its content begins by closing that element and ends by opening it.
_WRAPPED = re.compile(r"\s*</(strong|b|em|i|span|u|code)>.*<\1(?:\s[^>]*)?>\s*", re.S)


def _unwrapped(content: str) -> str:
    """The code of a code shortcode, without the formatting an editor put around its lines (see
    _WRAPPED): those tags were not the code's, and the code block swallowed the rest of the post."""
    if (found := _WRAPPED.fullmatch(content)) is None:
        return content
    return re.sub(rf"</?{found.group(1)}(?:\s[^>]*)?>", "", content).rstrip()


def _embed(name: str, attrs: dict[str, str], content: str, raw_attrs: str, ctx: ShortcodeContext) -> str:
    url = embed_url(name, attrs, content, raw_attrs)
    if not url:
        ctx.warn("lost-media", f"a [{name}] shortcode names nothing this can show; left out")
        return ""
    if name == "dewplayer":
        return shortcode_player("audio", {"src": url}, "", ctx.players)
    ctx.warn("embed-link", f"a [{name}] shortcode is a link to what it showed now ({url[:120]})")
    return embed_markdown(url, ctx.players)


def _inside_code(text: str, at: int) -> bool:
    """Whether position `at` of `text` is inside a `<pre>` or `<code>` element (C#'s
    `[HtmlTargetElement("time")]` in a code sample is no shortcode to report)."""
    before = text[:at].lower()
    for tag in ("pre", "code"):
        opened = max(before.rfind(f"<{tag}>"), before.rfind(f"<{tag} "))
        if opened != -1 and before.find(f"</{tag}", opened) == -1:
            return True
    return False


def convert_shortcodes(text: str, ctx: ShortcodeContext, placeholders: Placeholders, depth: int = 0) -> str:
    """Replaces every shortcode in `text` with a placeholder token. An unknown one is kept as written,
    as WordPress shows it without its plugin: its tags as text, and what it encloses converted like
    the rest of the body (up to `MAX_NESTING` unknown shortcodes deep; deeper, kept whole)."""

    def replace(m: re.Match[str]) -> str:
        whole = m.group(0)
        # As WordPress matches names, exactly: "[Video: a caption][1]" and "[Flickr announced][2]" (a
        # Markdown reference link's text) are no [video] or [flickr], which took the text away. Code
        # shortcodes are read in any case, as SyntaxHighlighter reads them ([HTML]...[/HTML]).
        name = m.group("name")
        if (lower := name.lower()) in CODE_SHORTCODES:
            name = lower
        if m.group("esc") and m.group("esc2"):
            # [[name]] is WordPress's way of writing a literal [name], but only for a registered
            # shortcode: any other [[text]] (a wiki link, a Bash test) is left exactly as written.
            known = name in KNOWN or name in CODE_SHORTCODES
            return placeholders.add(escape_hugo_shortcodes(whole[1:-1] if known else whole), block=False)
        attrs = parse_attrs(m.group("attrs") or "")
        content = m.group("content") or ""
        if name in ("caption", "wp_caption"):
            return placeholders.add(_caption(attrs, content, ctx), block=True)
        if name in ("gallery", "slideshow"):  # Jetpack's slideshow: the same images, one at a time
            return placeholders.add(_gallery(attrs, ctx), block=True)
        if name in ("audio", "video"):
            return placeholders.add(shortcode_player(name, attrs, content, ctx.players), block=True)
        if name in VIDEO_FILE_SHORTCODES and content.strip().startswith(("http://", "https://", "/")):
            file: dict[str, str] = {key: attrs[key] for key in ("width", "height") if key in attrs}
            file["src"] = html.unescape(content.strip())
            return placeholders.add(shortcode_player("video", file, "", ctx.players), block=True)
        if name == "playlist":
            return placeholders.add(playlist(attrs, ctx.players), block=True)
        if name == "embed":
            url = html.unescape(content or attrs.get("src", "") or attrs.get("0", ""))
            return placeholders.add(embed_markdown(url, ctx.players), block=True)
        if name in JETPACK_URLS:
            return placeholders.add(provider_shortcode(name, attrs, content, ctx.players), block=True)
        if name in ("code", "sourcecode") or (name in CODE_SHORTCODES and m.group("content") is not None):
            return placeholders.add(_code(name, attrs, content), block=True)
        if m.group("content") is not None and (colorer := codecolorer(m.group("name"), attrs)) is not None:
            language, escaped, inline = colorer
            code = html.unescape(content) if escaped else content
            if inline:
                return placeholders.add(escape_hugo_shortcodes(code_span(code)), block=False)
            block = fenced_code(code.strip("\n"), language)
            return placeholders.add(escape_hugo_shortcodes(block), block=True)
        bare = m.group("content") is None and not m.group("self") and not (m.group("attrs") or "").strip()
        if name in EMBED_SHORTCODES and not bare:
            return placeholders.add(_embed(name, attrs, content, m.group("attrs") or "", ctx), block=True)
        if name in CONTACT_FORMS:
            ctx.warn("contact-form", contact_form_note(f"[{name}]"))
            return placeholders.add(CONTACT_FORM, block=True)
        if name == "archives":  # Jetpack's list of the blog's posts (or of its month archives)
            kept = {key: attrs.get(key, "") for key in ("type", "limit", "showcount")}
            kept["type"] = kept["type"].lower() if kept["type"].lower() in ARCHIVE_TYPES else ""
            kept["limit"] = kept["limit"] if kept["limit"].isdigit() else ""
            return placeholders.add(hugo_shortcode("archives", kept), block=True)
        if name in SHOP_PAGES:
            ctx.warn(SHOP_PAGE, shop_note(name))
            return placeholders.add("", block=True)
        if name in SIGNUP_FORMS:
            ctx.warn(
                "signup-form",
                f"[{name}] (a newsletter sign-up form) is left out: a static site keeps no list of "
                "subscribers; link to your mailing service's sign-up page instead",
            )
            return placeholders.add("", block=True)
        if name in TABLES_OF_CONTENTS:
            return placeholders.add(TABLE_OF_CONTENTS, block=True)
        layout = name in THEME_SPACING or name in THEME_DIVIDERS
        if layout and not (m.group("content") or "").strip():  # a theme's layout, without content
            divider = name in THEME_DIVIDERS
            said = "divider) is drawn as a plain rule" if divider else "spacing) is left out"
            ctx.warn("theme-layout", f"[{name}] (the old theme's {said}")
            return placeholders.add("---" if divider else "", block=True)
        named = "=" in (m.group("attrs") or "") or "://" in (m.group("attrs") or "") or name in ctx.named
        if m.group("content") is None and not m.group("self") and not named:
            # Neither a closing tag nor a named attribute nor an address: "[note]", "[sic]", an editor's
            # "[the master]", a Markdown link's "[the nice progress][6]", code's "dp[i - 1]", a link
            # whose text is "[gist]". Ordinary bracketed text, kept as written and not reported (one
            # Markdown blog had 694 such notes).
            return whole
        attributes = m.group("attrs") or ""
        # In a <pre> or <code>: code's own brackets; so is a name run into a tag or with tags among
        # its "attributes" (highlighted code outside a <pre>: `nf_hooks[reg</span><span style=...>`).
        if not _inside_code(m.string, m.start()) and not attributes[:1].strip() and "<" not in attributes:
            ctx.warn("unknown-shortcode", f"[{name}] is not a shortcode Presslift knows; kept as written")
        # Its tags stay in the body's HTML as the text WordPress shows, for the Markdown writer to
        # escape like any text (as a token, a tag spanning paragraphs kept their markup as source).
        if m.group("content") is None or depth >= MAX_NESTING:
            return whole
        source = m.string
        opening = source[m.start() : m.start("content")]
        closing = source[m.end("content") : m.end()]
        return opening + convert_shortcodes(content, ctx, placeholders, depth + 1) + closing

    if depth == 0 and "<pre" in text:  # a code plugin's own block is code, whatever it holds
        parts = PLUGIN_PRE.split(text)
        return "".join(part if n % 2 else SHORTCODE.sub(replace, part) for n, part in enumerate(parts))
    return SHORTCODE.sub(replace, text)
