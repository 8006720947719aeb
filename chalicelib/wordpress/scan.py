"""The hacked-site scan: finds what an attacker typically injects into WordPress content.

Injected `<script>`, plugin objects, hidden iframes to hosts not on the allow-list, links hidden with CSS,
event-handler attributes and `javascript:` URLs, obfuscated `eval`/base64 payloads, PHP, and spam link farms.
Depending on the policy each finding is stripped, stripped and quarantined, or only reported.

This module must never execute, fetch or decode a payload; it only looks at the markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from chalicelib.wordpress.fragment import remove_node, text_content
from chalicelib.wordpress.links import url_host

HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:px|pt|em)?\s*(?:;|$)"
    r"|(?:left|top|text-indent)\s*:\s*-\d{3,}|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$)",
    re.I,
)
PAYLOAD = re.compile(
    r"\beval\s*\(|base64_decode\s*\(|\batob\s*\(|String\.fromCharCode\s*\(|document\.write\s*\(|"
    r"\bunescape\s*\(|gzinflate\s*\(|str_rot13\s*\(|<\?php|[A-Za-z0-9+/]{300,}={0,2}",
)
# PAYLOAD's calls without their word boundaries, and its long run alone: separately, the regex engine
# skips ahead to where they can start, which the combined pattern keeps it from doing. What OBFUSCATED
# can find, these find: `<?php` written out is the author's text, not a payload, and starts no walk.
PAYLOAD_HINT = re.compile(
    r"(?:eval|base64_decode|atob|String\.fromCharCode|document\.write|unescape|gzinflate|str_rot13)\s*\("
)
LONG_RUN = re.compile(r"[A-Za-z0-9+/]{300}")
# What makes a text that names PAYLOAD's calls a payload: the obfuscated data it carries, which is a
# decoder given a string, eval of a decoder or of JavaScript's packer, a string built from character
# codes, or a long run of base64. A text is inert (a raw `<?php` is a processing instruction, found
# apart), so a call on a variable (`eval($filterdata);`) or PHP written out (`&lt;?php echo $q; ?&gt;`),
# a security blog's samples, is the author's text, and was being cut.
OBFUSCATED = re.compile(
    r"(?:base64_decode|\batob|\bunescape|gzinflate|str_rot13)\s*\(\s*['\"]"
    r"|\beval\s*\(\s*(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|atob|unescape|"
    r"function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k)"
    r"|String\.fromCharCode\s*\(\s*\d+\s*,\s*\d+"
    r"|[A-Za-z0-9+/]{300,}"
)
#: Elements whose text the author set apart as quoted or as code: never a payload.
QUOTED = frozenset({"pre", "code", "blockquote", "q", "kbd", "samp", "tt", "var"})
WORD = re.compile(r"[^\W\d_]{2,}")
PROSE_WORDS = 8
SPAM_WORDS = re.compile(
    r"viagra|cialis|levitra|casino|payday|porn|xanax|replica watches|pharmacy|"
    r"online pills|escort|hacked by|bitcoin doubler|essay writing service",
    re.I,
)
# SPAM_WORDS's own pattern (all lower case) without re.I, for ASCII text lowered first: for ASCII text
# and an ASCII pattern, case-insensitive matching is exactly that, and re finds the first letters of a
# case-sensitive alternation several times faster (link texts and URLs are read once per link).
SPAM_WORDS_LOWER = re.compile(SPAM_WORDS.pattern)
SCRIPT_URL = re.compile(r"\s*(?:javascript|vbscript|data:text/html)", re.I)
PLUGIN_TAGS = ("script", "object", "embed", "applet", "base", "meta", "link", "form")
SPAM_LINKS_THRESHOLD = 2


@dataclass(frozen=True)
class Finding:
    kind: str  # "script", "iframe", "hidden-link", "event-handler", "payload", "spam-links", ...
    detail: str


def has_spam_words(text: str) -> bool:
    """Whether SPAM_WORDS finds anything in `text`."""
    if text.isascii():
        return SPAM_WORDS_LOWER.search(text.lower()) is not None
    return SPAM_WORDS.search(text) is not None


def _plugin_movie(node: Any) -> str:
    """The file an `<object>` plays: its `<param name="movie">` or its inner `<embed src>`, or ""."""
    for child in node.iter("param", "embed"):
        if child.tag == "embed" and child.get("src"):
            return str(child.get("src"))
        named = (child.get("name") or "").lower()
        if child.tag == "param" and named in ("movie", "src") and child.get("value"):
            return str(child.get("value"))
    return ""


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _attached(node: Any, root: Any) -> bool:
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _quoted(node: Any) -> bool:
    """Whether `node` is in an element the author set apart as quoted or as code (`QUOTED`)."""
    while node is not None:
        if node.tag in QUOTED:
            return True
        node = node.getparent()
    return False


def _allowed_iframe(src: str, allowed_hosts: Iterable[str]) -> bool:
    host = url_host(src if "//" in src[:8] else "https:" + src)
    return any(
        host == h.removeprefix("www.") or host.endswith("." + h.removeprefix("www.")) for h in allowed_hosts
    )


# A frame a visitor cannot see: no more than 2 pixels high or wide, or no height at all.
TINY = re.compile(r"\s*[0-2](?:\.\d*)?\s*(?:px)?\s*")
TINY_HEIGHT = re.compile(
    r"(?:^|;)\s*(?:max-)?height\s*:\s*[0-2](?:\.\d*)?\s*(?:px)?\s*(?:!important\s*)?(?:;|$)", re.I
)
IP_HOST = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-f:]*:[0-9a-f:]*\]?")


def _looks_injected(node: Any, src: str) -> bool:
    """Whether an iframe from a host not on the allow-list has the marks of an injected one: hidden
    (by style, the `hidden` attribute, or a size of a pixel or two), or loading a bare IP address or
    something other than a web page. A visible frame of another host (a CodePen, a chart, a form) is
    an author's embed: it is kept, and becomes a link like every frame of a host the site does not
    play (players.elements_to_players)."""
    style = node.get("style") or ""
    if node.get("hidden") is not None or HIDDEN_STYLE.search(style) or TINY_HEIGHT.search(style):
        return True
    if any(TINY.fullmatch(node.get(attr) or "x") for attr in ("width", "height")):
        return True
    address = src.strip().lower()
    if not address.startswith(("https://", "http://", "//")):
        return True
    return IP_HOST.fullmatch(url_host(address if "//" in address[:8] else "https:" + address)) is not None


# What PAYLOAD_HINT's calls start with: each is followed by optional whitespace and "(".
HINT_CALLS = (
    "eval",
    "base64_decode",
    "atob",
    "String.fromCharCode",
    "document.write",
    "unescape",
    "gzinflate",
    "str_rot13",
)
# A LONG_RUN match (300 characters) covers at least one of the text's 150-character blocks that start
# at a multiple of 150, whole.
RUN_BLOCK = 150
LONG_RUN_BLOCK = re.compile(r"[A-Za-z0-9+/]{150}")


def _may_hold_payload(text: str) -> bool:
    """Whether PAYLOAD_HINT or LONG_RUN finds anything in `text`, read without running either regex
    over the whole text: the calls are looked for before each "(" only, and a long run only where one
    of the aligned blocks is a run itself."""
    paren = text.find("(")
    while paren >= 0:
        end = paren
        while end and text[end - 1].isspace():  # \s* before the "(" (re's \s is str.isspace)
            end -= 1
        if text.endswith(HINT_CALLS, 0, end):
            return True
        paren = text.find("(", paren + 1)
    for start in range(0, len(text) - RUN_BLOCK + 1, RUN_BLOCK):
        if LONG_RUN_BLOCK.fullmatch(text, start, start + RUN_BLOCK):
            return LONG_RUN.search(text) is not None
    return False


def _payload_texts(root: Any) -> list[tuple[Any, str]]:
    """(element, "text" or "tail") for every text of the tree that looks like a payload."""
    # Most bodies have none: one quick search of all the texts first, for a looser form of PAYLOAD
    # (anything PAYLOAD finds, it finds). The texts are read joined up, as XPath's string() gives them
    # in one call: what is in one text is in the whole, and a match across two only costs the walk.
    if not _may_hold_payload(text_content(root)):
        return []
    found = []
    for el in root.iter():
        text = el.text
        if text and OBFUSCATED.search(text) and isinstance(el.tag, str) and not _reads_as_prose(text):
            found.append((el, "text"))
        if el is not root and el.tail and OBFUSCATED.search(el.tail) and not _reads_as_prose(el.tail):
            found.append((el, "tail"))
    return found


def _reads_as_prose(text: str) -> bool:
    """A sentence that names a payload's call ("the values are then used in a document.write()
    statement", a security blog's explanation): eight words or more besides it. An injected payload is
    code alone, or with a link or two; text is inert either way, and a post's prose was being cut."""
    return len(WORD.findall(PAYLOAD.sub(" ", text))) >= PROSE_WORDS


# Elements with any attribute, in document order (root included).
WITH_ATTRIBUTES = etree.XPath("descendant-or-self::*[@*]")


def _microdata(node: Any) -> bool:
    """A `<meta itemprop content>` or `<link itemprop href>`: a product card's price currency or
    stock, read by search engines, shown to no one and running nothing (48 false warnings on one
    Elementor shop page). One that also refreshes the page or loads a stylesheet is not."""
    if node.tag == "meta":
        return node.get("itemprop") is not None and node.get("http-equiv") is None
    return node.tag == "link" and node.get("itemprop") is not None and node.get("rel") is None


def scan(root: Any, *, allowed_iframe_hosts: Iterable[str], strip: bool) -> list[Finding]:
    """Finds injected content below the lxml element `root`, removing it when `strip` is true."""
    findings: list[Finding] = []
    allowed = tuple(allowed_iframe_hosts)

    def remove(node: Any, finding: Finding) -> None:
        findings.append(finding)
        if strip:
            remove_node(node)

    # Comments left in a body are invisible to readers and a favourite hiding place; a processing
    # instruction in HTML is PHP that an attacker wrote into the post.
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity)):
        if isinstance(node, etree._ProcessingInstruction):
            findings.append(Finding("payload", "script or encoded payload in the text: " + _short(str(node))))
        remove_node(node)
    # Each pass lists what is still in the tree when it starts; what an earlier step of the same pass
    # removed (with its descendants) is skipped by `_attached`.
    for node in list(root.iter(*PLUGIN_TAGS)):
        if _attached(node, root) and not _microdata(node):
            detail = (
                node.get("src")
                or node.get("data")
                or _plugin_movie(node)  # an <object>'s Flash file, in its <param> or inner <embed>
                or text_content(node).strip()  # a line break alone named nothing ("object: ")
                or etree.tostring(node, encoding="unicode", with_tail=False)[:80]
            )
            remove(node, Finding("script" if node.tag == "script" else node.tag, _short(str(detail))))
    for node in list(root.iter("iframe")):
        if _attached(node, root):
            src = node.get("src") or ""
            if not _allowed_iframe(src, allowed) and _looks_injected(node, src):
                remove(node, Finding("iframe", f"iframe to a host not on the allow-list: {_short(src)}"))
    # One XPath walk serves both passes below: the styled elements are among those with attributes,
    # and what the first pass removes the second skips (`_attached`), as a second walk would.
    attributed = WITH_ATTRIBUTES(root)
    for node in attributed:
        style = node.get("style")
        if style is None or not HIDDEN_STYLE.search(style) or not _attached(node, root):
            continue
        links = [node] if node.tag == "a" else list(node.iter("a"))
        if links:
            hrefs = [a.get("href") or "" for a in links]
            remove(node, Finding("hidden-link", "links hidden with CSS: " + _short(", ".join(hrefs))))
    for node in attributed:
        if not _attached(node, root):
            continue
        for attr, text in node.items():
            name = attr.lower()
            if name.startswith("on") and len(name) > 4:  # no event is named "e" ("one": a stray "<")
                findings.append(Finding("event-handler", f"{attr} on <{node.tag}>: {_short(text)}"))
                if strip:
                    del node.attrib[attr]
            elif name in ("href", "src", "action", "formaction", "xlink:href") and SCRIPT_URL.match(text):
                findings.append(Finding("script-url", f"{attr} on <{node.tag}>: {_short(text)}"))
                if strip:
                    del node.attrib[attr]
    for el, where in _payload_texts(root):
        holder = el if where == "text" else el.getparent()
        if holder is None or _quoted(holder) or not _attached(el, root):
            continue
        text = el.text if where == "text" else el.tail
        findings.append(Finding("payload", "script or encoded payload in the text: " + _short(text or "")))
        if strip:
            setattr(el, where, None)
    spam = [
        a for a in root.iter("a") if has_spam_words(text_content(a)) or has_spam_words(a.get("href") or "")
    ]
    if len(spam) >= SPAM_LINKS_THRESHOLD:
        hosts = sorted({url_host(a.get("href") or "") for a in spam})
        findings.append(Finding("spam-links", f"{len(spam)} spam links to {', '.join(hosts)[:120]}"))
        if strip:
            for a in spam:
                remove_node(a)
    return findings
