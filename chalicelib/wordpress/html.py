"""A WordPress post body (classic or block editor HTML with shortcodes) to Hugo Markdown.

The steps, in order: drop Gutenberg block comments, keep `<!--more-->` as Hugo's summary divider,
unwrap page builders' layouts (Divi, WPBakery, Avada: `pagebuilders.py`), swap shortcodes and bare
video URLs for placeholders, apply WordPress's paragraph rules (wpautop) to classic-editor bodies,
give lazy-loaded images their real address (lazyimages.py), scan for injected content, rewrite links
and media to their new homes, turn block galleries and footnotes into placeholders too (blocks.py),
keep in-page anchors (anchors.py), convert to Markdown, escape text that Hugo would read as a
shortcode, and put the Hugo shortcodes in place of the placeholders.
`<pre>` text is kept byte for byte all the way (codeblock.KEEP).

This module must never fetch anything or write files; what it finds goes to the callbacks it is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from chalicelib.wordpress.adjacentmarks import join_adjacent_marks
from chalicelib.wordpress.anchors import keep_anchors
from chalicelib.wordpress.backgrounds import HAS_URL, backgrounds_to_images
from chalicelib.wordpress.blocks import footnotes_to_markdown, galleries_to_shortcodes, spaced_file_blocks
from chalicelib.wordpress.codeblock import release
from chalicelib.wordpress.codeblocklang import with_code_languages
from chalicelib.wordpress.codetables import code_tables_as_definitions
from chalicelib.wordpress.details import details_to_shortcodes
from chalicelib.wordpress.dynamicblocks import attribute_only_blocks, has_attribute_only_blocks
from chalicelib.wordpress.emoji import emoji_images_to_text, may_have_emoji_images
from chalicelib.wordpress.figures import captioned_images_to_shortcodes
from chalicelib.wordpress.fragment import inner_html, parse_fragment, text_content
from chalicelib.wordpress.latex import HAS_MATH, math_to_passthrough
from chalicelib.wordpress.lazyimages import unlazy_images
from chalicelib.wordpress.markdown import can_convert, to_markdown
from chalicelib.wordpress.mdinline import escape_hugo_shortcodes
from chalicelib.wordpress.mdtidy import squeeze_blank_lines
from chalicelib.wordpress.pagebuilders import has_page_builder, unwrap_page_builders
from chalicelib.wordpress.players import (
    PlayerContext,
    bare_embeds,
    elements_to_players,
    embed_blocks,
    gist_scripts,
    plugin_players,
)
from chalicelib.wordpress.preimages import code_markup_as_text, images_in_pre_as_paragraphs
from chalicelib.wordpress.scan import PAYLOAD, Finding, scan
from chalicelib.wordpress.shoppages import without_shop_blocks
from chalicelib.wordpress.shortcodes import Placeholders, ShortcodeContext, convert_shortcodes

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->\n?")
SHORTCODE_BLOCK = re.compile(r"<!--\s*wp:shortcode\s*-->(.*?)<!--\s*/wp:shortcode\s*-->", re.S)
SHORTCODE_NAME = re.compile(r"\[([A-Za-z][\w-]*)")
# A code plugin that highlights on the server (WP-Syntax's `<pre lang="java">`, Crayon's `lang:`) reads
# what is inside as code: a sample's `<?php`, `<!--`, `<form>`, `<script>` or `</body>` is code, not
# markup to parse (a `</body>` ended the <pre>, the rest of the code came out as escaped text). The
# inline formatting a tool wrapped the code in (`<code>`, `<span>`, `<br>`) stays markup.
SERVER_PRE = re.compile(
    r"(<pre\b[^>]*?(?:\slang\s*=|\sclass\s*=\s*[\"'][^\"']*lang:)[^>]*>)(.*?)(</pre\s*>)", re.S | re.I
)
RAW_TAG = re.compile(
    r"<(?=[!?]|/?(?!(?:code|span|b|strong|i|em|br|a|font|u|tt|kbd|samp|var|sup|sub|s|strike|del|ins|small"
    r"|big|mark|abbr|cite|q|wbr)\b)[A-Za-z])",
    re.I,
)
# CodeColorer's other form beside `[cc]`: `<code lang="php">` holds the code as typed, markup and all
# (a sample's `<?php`, `<form>`, `echo '<b>hi</b>'`), and shows it as a block where it runs over lines.
CODECOLORER = re.compile(r"<code\b([^>]*?\slang\s*=[^>]*)>(.*?)</code\s*>", re.S | re.I)
WHOLE_PRE = re.compile(r"(<pre\b.*?</pre\s*>)", re.S | re.I)
BLOCK_IN_PRE = re.compile(r"\n\n<div>(ZQXSHORTCODE\d+ZQX)</div>\n\n")
CODE_TAG = re.compile(r"</?code\b[^>]*>", re.I)
MORE = re.compile(r"<!--\s*more\b.*?-->", re.S)
NEXTPAGE = re.compile(r"<!--\s*nextpage\s*-->")
MORE_TOKEN = "ZQXMOREZQX"
BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    "blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
    "footer|nav|figure|figcaption|details|menu|summary|iframe|audio|video|object|script"
)


def prefix_tree(names: list[str]) -> str:
    """A regex alternation of `names` with shared prefixes factored out ("col|colgroup|caption" as
    "c(?:aption|ol(?:group)?)"): it matches the same strings, and re tries a handful of branches at
    each position instead of every name."""
    groups: dict[str, list[str]] = {}
    for name in names:
        if name:
            groups.setdefault(name[0], []).append(name[1:])
    branches = [re.escape(first) + prefix_tree(rests) for first, rests in sorted(groups.items())]
    if not branches:
        return ""
    alternation = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in names:  # one name ends here: what follows is optional
        return alternation + "?" if alternation.startswith("(?:") else f"(?:{alternation})?"
    return alternation


BLOCK_TAG_NAMES = [
    name
    for tag in BLOCK_TAGS.split("|")
    for name in ([f"h{n}" for n in range(1, 7)] if tag == "h[1-6]" else [tag])
]
_BLOCK_NAME = prefix_tree(BLOCK_TAG_NAMES)
BLOCK_OPEN = re.compile(rf"(<{_BLOCK_NAME}[\s/>])", re.I)
BLOCK_CLOSE = re.compile(rf"(</{_BLOCK_NAME}>)", re.I)
STARTS_WITH_BLOCK = re.compile(rf"^\s*</?{_BLOCK_NAME}[\s/>]", re.I)
PRE = re.compile(r"(<pre(?:\s[^>]*)?>)(.*?)(</pre\s*>)", re.I | re.S)  # opening tag, content, closing tag
# WordPress's line breaks around block tags: none just after one, nor just before these.
BR_AFTER_BLOCK = re.compile(rf"(</?{_BLOCK_NAME}(?:[\s/][^>]*)?>)<br />\n", re.I)
BR_BEFORE_BLOCK = re.compile(r"<br />\n(?=</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[\s/>])", re.I)
TEXT_BLOCK_START = re.compile(
    r"\s*<(?:p|li|h[1-6]|td|th|dd|dt|blockquote|address|caption|figcaption|summary|legend)[\s>]", re.I
)
SCRIPT_OR_STYLE = re.compile(r"<(?:script|style|svg|math)[\s>]", re.I)
PROTECTED_TOKEN = "ZQXPRE{}ZQX"
URL_ATTRS = {
    "a": ("href",),
    "img": ("src",),
    "source": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
}

# Compiled once: wpautop and convert_body run for every page.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
PROTECTED_ONLY = re.compile(r"\s*ZQXPRE\d+ZQX\s*")
PROTECTED_AT = re.compile(r"ZQXPRE(\d+)ZQX")
#: A newline that is a line break: not one right after a `<br />`, which is one already (WordPress's
#: rule, after it writes every `<br>` and `<br/>` as `<br />`; `BR`).
LINE_BREAK = re.compile(r"(?<!<br />)\s*\n\s*")
BR = re.compile(r"<br\s*/?>", re.I)
HAS_ANCHOR = re.compile(r"\s(?:id|name)\s*=", re.I)
#: A tag or comment written over several lines (`<img class="thumb"\n data-src=...>`, as Squarespace and
#: hand-formatted HTML have): WordPress keeps its newlines out of the paragraph rules. Neither part
#: runs past the next "<", so a body of unclosed tags costs a linear scan, never a quadratic one.
TAG_OVER_LINES = re.compile(r"<(?:!--[^<]{0,8000}?-->|[A-Za-z/!?][^<>\n]{0,2000}\n[^<>]{0,4000}>)")
#: What a newline inside a tag is while the rules run: whitespace to them (`<div\x1fclass=...>` still
#: opens a block), never in an export's text (XML 1.0 has no such character).
NEWLINE_IN_TAG = "\x1f"


def _blank_line_before(m: re.Match[str]) -> str:
    return "\n\n" + m.group(0)


def _blank_line_after(m: re.Match[str]) -> str:
    return m.group(0) + "\n\n"


def wpautop(text: str) -> str:
    """WordPress's paragraph rules: blank lines separate paragraphs, a single newline is a line break
    (but not inside a tag, nor inside <pre>)."""
    if not text.strip():
        return ""
    protected: list[str] = []

    def protect(m: re.Match[str]) -> str:
        protected.append(m.group(0))
        return "\n\n" + PROTECTED_TOKEN.format(len(protected) - 1) + "\n\n"

    text = PRE.sub(protect, text.replace("\r\n", "\n").replace("\r", "\n"))
    if "<" in text and "\n" in text:
        text = TAG_OVER_LINES.sub(_newlines_kept, text)
    # Functions, not "\\1" templates: Python 3.11 expands a template in Python code for every match.
    text = BLOCK_OPEN.sub(_blank_line_before, text)
    text = BLOCK_CLOSE.sub(_blank_line_after, text)
    out: list[str] = []
    for chunk in PARAGRAPH_BREAK.split(text):
        chunk = chunk.strip("\n")
        if not chunk.strip():
            continue
        if PROTECTED_ONLY.fullmatch(chunk):
            out.append(chunk)
        elif STARTS_WITH_BLOCK.match(chunk):
            # A newline inside a block of text is a line break too (`<p>one\ntwo</p>` shows two lines),
            # but not next to a block's own tag, nor inside a script or a style: as WordPress's $br
            # rules. Layout blocks (div, figure, section...) keep theirs: there a newline is the
            # markup's own indentation, whose breaks would only scatter empty lines around images.
            text_block = "\n" in chunk.strip() and TEXT_BLOCK_START.match(chunk)
            out.append(_block_line_breaks(chunk) if text_block else chunk)
        else:
            chunk = chunk.strip()
            out.append(
                "<p>"
                + (LINE_BREAK.sub("<br />\n", BR.sub("<br />", chunk)) if "\n" in chunk else chunk)
                + "</p>"
            )
    result = "\n\n".join(out).replace(NEWLINE_IN_TAG, "\n")
    return PROTECTED_AT.sub(lambda m: protected[int(m.group(1))], result)


def _block_line_breaks(chunk: str) -> str:
    if SCRIPT_OR_STYLE.search(chunk):
        return chunk
    chunk = LINE_BREAK.sub("<br />\n", BR.sub("<br />", chunk.strip()))
    return BR_BEFORE_BLOCK.sub("\n", BR_AFTER_BLOCK.sub(_tag_then_newline, chunk))


def _tag_then_newline(m: re.Match[str]) -> str:
    return m.group(1) + "\n"


def _newlines_kept(m: re.Match[str]) -> str:
    return m.group(0).replace("\n", NEWLINE_IN_TAG)


def markdown_of(root: Any, *, marked: bool = False, attributes: bool = False) -> str:
    """Markdown of the lxml element `root`: our own fast writer, or markdownify for rare markup.

    With `marked`, code lines keep their marks for the caller's clean-ups (see markdown.release);
    with `attributes`, the fast writer keeps paragraphs' and headings' alignment (see to_markdown).
    """
    join_adjacent_marks(root)  # `<b>Friday</b><b>, May 1</b>` is one run of bold
    if can_convert(root):
        return to_markdown(root, marked=marked, attributes=attributes)
    # Imported here: BeautifulSoup and markdownify cost a conversion time and memory only when a body
    # needs them.
    from chalicelib.wordpress.rare_markdown import rare_markdown

    text = rare_markdown(inner_html(root))
    return text if marked else release(text)


@dataclass
class BodyContext:
    rewrite_url: Callable[[str], str]
    gallery_images: Callable[[list[int]], Any]
    warn: Callable[[str, str], None]
    iframe_hosts: Iterable[str]
    strip: bool = True
    # The item's `footnotes` meta: the block editor's JSON list of {"id", "content"}.
    footnotes: str = ""
    remote_player: Callable[[str], None] = field(default=lambda url: None)
    findings: list[Finding] = field(default_factory=list)
    #: The body with its synced patterns' content in place of their references (`patterns.py`).
    inline_patterns: Callable[[str], str] = field(default=lambda html: html)
    #: A term's name as the posts' front matter has it, by taxonomy and WordPress id ("" if unknown).
    term_value: Callable[[str, int], str] = field(default=lambda taxonomy, term_id: "")


@dataclass
class Body:
    markdown: str
    findings: list[Finding]
    has_more: bool
    formulas: int = 0  # TeX kept for Hugo's passthrough (latex.py)


def _rewrite_links(root: Any, rewrite: Callable[[str], str]) -> None:
    for node in root.iter(*URL_ATTRS):
        for attr in URL_ATTRS[node.tag]:
            value = node.get(attr)
            if value and value.strip():
                node.set(attr, rewrite(value))
        if node.tag == "img":
            # Resized variants in srcset point at the old host; the one src is enough.
            for attr in ("srcset", "sizes"):
                node.attrib.pop(attr, None)


def clean_title(title_html: str, *, iframe_hosts: Iterable[str], strip: bool) -> tuple[str, list[Finding]]:
    """A title as plain text, and what the scan found in it (an injected `<script>` loses its text too)."""
    if "<" not in title_html and not PAYLOAD.search(title_html):
        return " ".join(unescape(title_html).split()), []
    root = parse_fragment(title_html)
    findings = scan(root, allowed_iframe_hosts=iframe_hosts, strip=strip)
    return " ".join(text_content(root).split()), findings


def _pre_split_at_blocks(m: re.Match[str]) -> str:
    """A `<pre>` holding code shortcodes as its texts' `<pre>`s with the code blocks between them:
    fenced inside its fence, the fences crossed and the rest of the post swapped code for text. One
    alone in a `<pre>` (Windows Live Writer's code plugin, `<code>` around it or not) is just its
    block; prose with `[c]` samples in one `<pre>` (a style guide's) is split around them."""
    start, inner, end = m.groups()
    if "ZQXSHORTCODE" not in inner:
        return m.group(0)
    out = []
    for n, part in enumerate(BLOCK_IN_PRE.split(inner)):  # text, block token, text, ...
        if n % 2:
            out.append(f"\n\n<div>{part}</div>\n\n")
        elif CODE_TAG.sub("", part).strip():  # not just the `<code>` tags around the block
            out.append(f"{start}{part}{end}")
    return "".join(out)


def server_highlighted_as_code(text: str) -> str:
    """`text` with the markup inside each server-highlighted `<pre>` (see `SERVER_PRE`) as text, and
    each of CodeColorer's `<code lang>` as code (see `CODECOLORER`)."""
    if "lang" not in text:
        return text
    text = SERVER_PRE.sub(lambda m: m.group(1) + RAW_TAG.sub("&lt;", m.group(2)) + m.group(3), text)
    if "<code" not in text and "<CODE" not in text:
        return text
    # A `<code lang>` inside a `<pre>` is that `<pre>`'s, and stays as it is.
    parts = WHOLE_PRE.split(text)
    parts[::2] = [CODECOLORER.sub(_codecolorer, part) for part in parts[::2]]
    return "".join(parts)


def _codecolorer(match: re.Match[str]) -> str:
    """One of CodeColorer's `<code lang=...>`: a `<pre>` naming its language where the code runs over
    lines (read as WP-Syntax's), else inline code; every `<` inside is the code's."""
    attributes, code = match.group(1), match.group(2).replace("<", "&lt;")
    if "\n" not in code.strip("\n"):
        return f"<code>{code}</code>"
    return f"<pre{attributes}>{code.strip(chr(10))}</pre>"


def _name_drawings(root: Any, warn: Callable[[str, str], None]) -> None:
    """Says what no Markdown can hold: a drawing written into the post (an inline `<svg>`, a
    `<canvas>` a script drew on), which Hugo's Markdown leaves out. An icon its author hid from
    screen readers (aria-hidden, role=presentation: a page builder's list bullet, the logo beside
    "Facebook") is decoration, not content, and is left out unreported."""
    drawings = [
        el
        for el in root.iter("svg", "canvas")
        if not any(up.tag == "svg" for up in el.iterancestors()) and not _decoration(el)
    ]
    if not drawings:
        return
    names = ", ".join(sorted({f"<{el.tag}>" for el in drawings}))
    several = len(drawings) > 1
    warn(
        "drawing-not-kept",
        f"{f'{len(drawings)} drawings' if several else 'a drawing'} written into the post ({names}) "
        f"cannot be Markdown and {'are' if several else 'is'} left out; "
        f"save {'each' if several else 'it'} as an image file and add that instead",
    )


def _decoration(el: Any) -> bool:
    """Whether `el` is hidden from assistive technology as decoration: it or an element around it is
    aria-hidden, or it has the role presentation (which, unlike aria-hidden, is not inherited)."""
    if str(el.get("role", "")).strip().lower() in ("presentation", "none"):
        return True
    return any(
        str(node.get("aria-hidden", "")).strip().lower() == "true" for node in (el, *el.iterancestors())
    )


def shortcode_blocks(text: str) -> tuple[str, frozenset[str]]:
    """The block editor's Shortcode blocks as WordPress renders them, each its own paragraphs (its
    content through wpautop: two blocks ran into one line), and the names they call: a bare `[name]`
    there is a shortcode, never bracketed text (`[sticky_cta]` on seven pages went without a word)."""
    names: set[str] = set()

    def rendered(match: re.Match[str]) -> str:
        names.update(SHORTCODE_NAME.findall(match.group(1)))
        return f"\n\n{wpautop(match.group(1))}\n\n"

    return SHORTCODE_BLOCK.sub(rendered, text), frozenset(names)


def convert_body(html_text: str, ctx: BodyContext) -> Body:
    placeholders = Placeholders()
    findings: list[Finding] = []

    def inline_markdown(fragment: str) -> str:
        root = parse_fragment(fragment)
        findings.extend(scan(root, allowed_iframe_hosts=ctx.iframe_hosts, strip=ctx.strip))
        _rewrite_links(root, ctx.rewrite_url)
        return " ".join(markdown_of(root).split())

    def attached_media(ids: list[int]) -> list[tuple[str, str]]:
        return [(image.src, image.alt) for image in ctx.gallery_images(ids)]

    def add_player(markdown: str) -> str:
        return placeholders.add(markdown, block=True)

    pc = PlayerContext(ctx.rewrite_url, attached_media, ctx.warn, ctx.remote_player)
    text = ctx.inline_patterns(html_text).replace("\r\n", "\n").replace("\r", "\n")
    text, in_blocks = shortcode_blocks(text) if "wp:shortcode" in text else (text, frozenset[str]())
    sc = ShortcodeContext(ctx.rewrite_url, ctx.gallery_images, inline_markdown, ctx.warn, pc, named=in_blocks)
    formulas = 0
    if ("$" in text or "\\" in text or "[latex" in text or "math" in text) and HAS_MATH.search(text):
        text, formulas = math_to_passthrough(
            text, lambda markdown, block: placeholders.add(markdown, block=block)
        )
    is_blocks = "<!-- wp:" in text
    if is_blocks and has_attribute_only_blocks(text):  # social links; latest posts and the like
        text = attribute_only_blocks(
            text, ctx.warn, lambda shortcode: placeholders.add(shortcode, block=True), ctx.term_value
        )
    text = embed_blocks(text, add_player, pc)
    if is_blocks:
        text = with_code_languages(without_shop_blocks(text, ctx.warn))
    has_more = False
    if "<!--" in text:  # what each of these patterns looks for starts with it
        text = BLOCK_COMMENT.sub("", text)
        has_more = bool(MORE.search(text))
        text = MORE.sub(f"\n\n{MORE_TOKEN}\n\n", text, count=1)
        text = MORE.sub("", text)
        text = NEXTPAGE.sub("", text)
    if has_page_builder(text):  # Divi, WPBakery, Avada: the page is inside their shortcodes
        text = unwrap_page_builders(text, ctx.gallery_images, ctx.warn, placeholders)
    text = convert_shortcodes(text, sc, placeholders)
    if "ZQXSHORTCODE" in text:
        text = PRE.sub(_pre_split_at_blocks, text)
    if "<pre" in text and "<img" in text:  # HTML in code's strings (`"<img src=x>"`): the code's text
        text = code_markup_as_text(text)
    text = server_highlighted_as_code(text)
    text = bare_embeds(text, add_player, pc)
    if not is_blocks:
        text = wpautop(text)
    root = parse_fragment(text)
    if "<pre" in text and "<img" in text:
        images_in_pre_as_paragraphs(root)
    if "<table" in text and "<pre" in text:
        code_tables_as_definitions(root)
    if "data-" in text:  # a lazy-loaded image keeps its address in a data- attribute
        unlazy_images(root)
    if may_have_emoji_images(text):
        emoji_images_to_text(root)
    plugin_players(root, add_player, pc)
    if "gist.github" in text:
        gist_scripts(root, add_player, pc)
    findings.extend(scan(root, allowed_iframe_hosts=ctx.iframe_hosts, strip=ctx.strip))
    if "<svg" in text or "<canvas" in text or "<SVG" in text or "<CANVAS" in text:
        _name_drawings(root, ctx.warn)
    if ("rl(" in text or "RL(" in text) and HAS_URL.search(text):  # a style's background image
        backgrounds_to_images(root)
    _rewrite_links(root, ctx.rewrite_url)
    elements_to_players(root, add_player, pc)
    galleries_to_shortcodes(root, placeholders, markdown_of)
    if "<figcaption" in text or "align" in text:  # captioned images, and aligned ones (figures.py)
        captioned_images_to_shortcodes(root, placeholders, markdown_of)
    if "<details" in text or "<DETAILS" in text:
        details_to_shortcodes(root, placeholders, markdown_of)
    if "wp-block-file" in text:
        spaced_file_blocks(root)
    notes = footnotes_to_markdown(root, ctx.footnotes, placeholders, inline_markdown)
    if HAS_ANCHOR.search(text):  # an id or a name anywhere (most bodies have neither)
        keep_anchors(root, lambda markdown: placeholders.add(markdown, block=False))
    # Alignment is looked for only where the body names one (every form WordPress writes says "align").
    markdown = escape_hugo_shortcodes(markdown_of(root, marked=True, attributes="align" in text))
    markdown = markdown.replace(MORE_TOKEN, "<!--more-->")
    markdown = placeholders.restore(markdown + (f"\n\n{notes}\n" if notes else ""))
    markdown = squeeze_blank_lines(markdown).strip() + "\n"
    return Body(release(markdown), findings, has_more, formulas)
