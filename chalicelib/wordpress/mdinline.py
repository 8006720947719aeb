"""Markdown pieces that both writers (`markdown`, `rare_markdown`) and the body's passes share: a link's
destination, a superscript or subscript, the links of a `<pre>` under its code block, and text that
looks like a Hugo shortcode, shown and never run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from chalicelib.wordpress.mdescape import LINK_TEXT, backslashed, inline

BLOCK_GAP = "\n\n"
# What a bare Markdown link destination cannot hold as it is: spaces and controls, parentheses (fine
# when balanced), a backslash (it would escape what follows).
UNSAFE_IN_DESTINATION = re.compile(r"[\x00-\x20\x7f()\\{}<>]")
# Percent-encoded in a destination: what ends it (spaces, controls), and what Hugo or Markdown would read
# there (`{{<` opens a shortcode; `<` and `>` are not URL characters, browsers send them encoded).
CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f{}<>]")


def pre_links(links: Iterable[tuple[str, str]]) -> str:
    """The links of a `<pre>` (href, text), as a line under its code block, which holds no links: a
    blog that set prose in a `<pre>` lost every link in it. "" for a `<pre>` with none."""
    shown = [
        f"[{LINK_TEXT.sub(backslashed, ' '.join(text.split()) or href)}]({destination(href)})"
        for href, text in links
        if href.strip() and not href.startswith(("#", "javascript:"))
    ]
    return f"→ {' · '.join(dict.fromkeys(shown))}{BLOCK_GAP}" if shown else ""


# `{{< … >}}` and `{{% … %}}` with nothing inside that would end Hugo's comment form early or start
# another shortcode ("*/", "{{"); any other opening is broken instead.
HUGO_SHORTCODE = re.compile(
    r"\{\{<((?:(?!\{\{|\*/).)*?)>\}\}|\{\{%((?:(?!\{\{|\*/).)*?)%\}\}|\{\{(?=[<%])", re.S
)


def escape_hugo_shortcodes(markdown: str) -> str:
    """Text that looks like a Hugo shortcode (a post about Hugo, say) is shown, never run.

    `{{< x >}}` becomes Hugo's comment form `{{</* x */>}}`, which Hugo shows as `{{< x >}}` (in code
    blocks too). An opening with no end of its own (none, the other kind, or another opening or a `*/`
    before it) has no such form and is broken to `{ {<`.
    """

    def escape(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return f"{{{{</*{m.group(1)}*/>}}}}"
        if m.group(2) is not None:
            return f"{{{{%/*{m.group(2)}*/%}}}}"
        return "{ {"  # an opening with no end of its own: break it so Hugo does not look for one

    if "{{" not in markdown:  # every match starts with it
        return markdown
    return HUGO_SHORTCODE.sub(escape, markdown)


def script(mark: str, text: str, href: str = "") -> str:
    """`<sup>`/`<sub>` as Hugo's `^x^`/`~x~`, which hold plain text only: inner formatting is dropped,
    and a superscript link (a classic footnote marker) becomes a link around the mark, `[^1^](#fn1)`."""
    plain = inline(" ".join(text.split()))
    if not plain:
        return ""
    marked = f"{mark}{plain}{mark}"
    return f"[{marked}]({destination(href)})" if href else marked


def destination(url: str) -> str:
    """`url` as a Markdown link destination that CommonMark reads back as `url`: spaces, controls,
    braces and angle brackets percent-encoded, a backslash doubled, parentheses escaped unless they
    pair up."""
    if not UNSAFE_IN_DESTINATION.search(url):
        return url
    url = url.strip(" \t\n\r\f")
    url = CONTROL_OR_SPACE.sub(lambda found: f"%{ord(found.group()):02X}", url).replace("\\", "\\\\")
    depth = 0
    for char in url:
        depth += 1 if char == "(" else -1 if char == ")" else 0
        if depth < 0:
            break
    if depth != 0:
        url = url.replace("(", "\\(").replace(")", "\\)")
    return url
