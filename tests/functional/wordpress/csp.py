"""What a Content-Security-Policy would block in a page, found by reading the page (no browser).

Covers what a static Hugo page can carry: inline `<script>` and `<style>` elements, `on*=` event
handler and `style=` attributes, `javascript:` URLs, and the sources of scripts, styles, images,
media and frames. Inline code passes only with `'unsafe-inline'` or, for elements, a matching
`'sha256-…'` hash, as browsers decide.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html

# Where a directive falls back to when the policy does not name it.
FALLBACK = {"frame-src": ("child-src", "default-src")}
# Script types a browser does not run, so no policy applies (JSON-LD, templates, ...).
RUNNABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
SOURCES = {
    "script": ("src", "script-src"),
    "img": ("src", "img-src"),
    "audio": ("src", "media-src"),
    "video": ("src", "media-src"),
    "source": ("src", "media-src"),
    "iframe": ("src", "frame-src"),
}


def parse_policy(text: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in text.split(";"):
        words = part.split()
        if words:
            policy.setdefault(words[0].lower(), words[1:])
    return policy


def sources(policy: dict[str, list[str]], directive: str) -> list[str]:
    for name in (directive, *FALLBACK.get(directive, ()), "default-src"):
        if name in policy:
            return policy[name]
    return ["*"]


def _inline_allowed(allowed: list[str], code: str, *, element: bool) -> bool:
    if "'unsafe-inline'" in allowed and not any(s.startswith(("'sha", "'nonce-")) for s in allowed):
        return True
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    return element and f"'sha256-{digest}'" in allowed


def url_allowed(allowed: list[str], url: str, page_url: str) -> bool:
    absolute = urlsplit(urljoin(page_url, url))
    origin = urlsplit(page_url)
    for source in allowed:
        if source == "*" and absolute.scheme in ("http", "https"):
            return True
        if source == "'self'" and (absolute.scheme, absolute.netloc) == (origin.scheme, origin.netloc):
            return True
        if source.endswith(":") and not source.startswith("'") and absolute.scheme == source[:-1]:
            return True
        if "://" in source:
            scheme, host = source.split("://", 1)
            host = host.split("/", 1)[0]
            matches = absolute.netloc == host or (
                host.startswith("*.") and absolute.netloc.endswith(host[1:])
            )
            if absolute.scheme == scheme and matches:
                return True
    return False


def _element(tag: str, element: Any, policy: dict[str, list[str]], page_url: str) -> list[str]:
    script_src, style_src = sources(policy, "script-src"), sources(policy, "style-src")
    code = element.text or ""
    runnable = (element.get("type") or "").lower() in RUNNABLE_TYPES
    if (
        tag == "script"
        and not element.get("src")
        and runnable
        and not _inline_allowed(script_src, code, element=True)
    ):
        return [f"inline <script>: {code.strip()[:60]!r}"]
    if tag == "style" and not _inline_allowed(style_src, code, element=True):
        return ["inline <style>"]
    stylesheet = tag == "link" and "stylesheet" in (element.get("rel") or "").split()
    if stylesheet and not url_allowed(style_src, element.get("href") or "", page_url):
        return [f"stylesheet {element.get('href')}"]
    if tag in SOURCES:
        attribute, directive = SOURCES[tag]
        url = element.get(attribute)
        if url and not url_allowed(sources(policy, directive), url, page_url):
            return [f"<{tag} {attribute}={url}> ({directive})"]
    return []


def _attributes(tag: str, element: Any, policy: dict[str, list[str]]) -> list[str]:
    script_src, style_src = sources(policy, "script-src"), sources(policy, "style-src")
    found = []
    for name, value in element.attrib.items():
        name = name.lower()
        script_url = name in ("href", "src", "action") and value.strip().lower().startswith("javascript:")
        if (name.startswith("on") or script_url) and not _inline_allowed(script_src, value, element=False):
            found.append(
                f"<{tag} {name}=javascript:...>" if script_url else f"<{tag} {name}=...> event handler"
            )
        if name == "style" and not _inline_allowed(style_src, value, element=False):
            found.append(f"<{tag} style=...>")
    return found


def violations(html: str, csp: str, page_url: str) -> list[str]:
    """What `csp` would block in `html` served at `page_url`, one line each."""
    policy = parse_policy(csp)
    found: list[str] = []
    for element in lxml.html.fromstring(html).iter():
        if isinstance(element.tag, str):
            tag = element.tag.lower()
            found += _element(tag, element, policy, page_url) + _attributes(tag, element, policy)
    return found
