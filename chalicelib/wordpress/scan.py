"""The hacked-site scan: finds what an attacker typically injects into WordPress content.

Injected `<script>`, plugin objects, iframes to hosts not on the allow-list, links hidden with CSS,
event-handler attributes and `javascript:` URLs, `eval`/base64 payloads, PHP, and spam link farms.
Depending on the policy each finding is stripped, stripped and quarantined, or only reported.

This module must never execute, fetch or decode a payload; it only looks at the markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Tag

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
SPAM_WORDS = re.compile(
    r"viagra|cialis|levitra|casino|payday|porn|xanax|replica watches|pharmacy|"
    r"online pills|escort|hacked by|bitcoin doubler|essay writing service",
    re.I,
)
PLUGIN_TAGS = ("script", "object", "embed", "applet", "base", "meta", "link", "form")
SPAM_LINKS_THRESHOLD = 2


@dataclass(frozen=True)
class Finding:
    kind: str  # "script", "iframe", "hidden-link", "event-handler", "payload", "spam-links", ...
    detail: str


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_removed(node: Tag) -> bool:
    """True once `node` was removed with its parent; bs4 clears such nodes, so look at their dict."""
    return bool(node.__dict__.get("_decomposed")) or "attrs" not in node.__dict__


def _in_code(node: Tag) -> bool:
    return node.find_parent(["pre", "code"]) is not None


def _allowed_iframe(src: str, allowed_hosts: Iterable[str]) -> bool:
    host = url_host(src if "//" in src[:8] else "https:" + src)
    return any(host == h.removeprefix("www.") or host.endswith("." + h.removeprefix("www."))
               for h in allowed_hosts)


def scan(soup: BeautifulSoup, *, allowed_iframe_hosts: Iterable[str], strip: bool) -> list[Finding]:
    """Finds injected content in `soup`, removing it from the tree when `strip` is true."""
    findings: list[Finding] = []
    allowed = tuple(allowed_iframe_hosts)

    def remove(node: Tag, finding: Finding) -> None:
        findings.append(finding)
        if strip:
            node.decompose()

    # One walk of the tree; every check below works on this list.
    nodes = list(soup.descendants)
    for node in nodes:
        if isinstance(node, Comment):
            # Comments left in a body are invisible to readers and a favourite hiding place.
            node.extract()
    tags = [n for n in nodes if isinstance(n, Tag)]
    for node in [t for t in tags if t.name in PLUGIN_TAGS]:
        if is_removed(node):
            continue
        detail = node.get("src") or node.get("data") or node.get_text() or str(node)[:80]
        remove(node, Finding("script" if node.name == "script" else node.name, _short(str(detail))))
    for node in [t for t in tags if t.name == "iframe" and not is_removed(t)]:
        src = str(node.get("src") or "")
        if not _allowed_iframe(src, allowed):
            remove(node, Finding("iframe", f"iframe to a host not on the allow-list: {_short(src)}"))
    for node in [t for t in tags if "style" in t.__dict__.get("attrs", {})]:
        if is_removed(node) or not HIDDEN_STYLE.search(str(node.get("style"))):
            continue
        if node.name == "a" or node.find("a") is not None:
            links = [str(a.get("href") or "") for a in ([node] if node.name == "a" else node.find_all("a"))]
            remove(node, Finding("hidden-link", "links hidden with CSS: " + _short(", ".join(links))))
    for node in tags:
        if is_removed(node):
            continue
        for attr in list(node.attrs):
            value = node.attrs[attr]
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                findings.append(Finding("event-handler", f"{attr} on <{node.name}>: {_short(text)}"))
                if strip:
                    del node.attrs[attr]
            elif attr.lower() in ("href", "src", "action", "formaction", "xlink:href") and \
                    re.match(r"\s*(?:javascript|vbscript|data:text/html)", text, re.I):
                findings.append(Finding("script-url", f"{attr} on <{node.name}>: {_short(text)}"))
                if strip:
                    del node.attrs[attr]
    for text_node in soup.find_all(string=PAYLOAD):
        parent = text_node.parent
        if parent is None or _in_code(parent):
            continue
        detail = "script or encoded payload in the text: " + _short(str(text_node))
        findings.append(Finding("payload", detail))
        if strip:
            text_node.extract()
    spam = [a for a in tags if a.name == "a" and not is_removed(a) and
            (SPAM_WORDS.search(a.get_text()) or SPAM_WORDS.search(str(a.get("href") or "")))]
    if len(spam) >= SPAM_LINKS_THRESHOLD:
        hosts = sorted({url_host(str(a.get("href") or "")) for a in spam})
        findings.append(Finding("spam-links", f"{len(spam)} spam links to {', '.join(hosts)[:120]}"))
        if strip:
            for a in spam:
                a.decompose()
    return findings
