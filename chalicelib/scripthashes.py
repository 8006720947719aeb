"""A page's own inline scripts, allowed to run by their hashes and nothing else.

Every site is served with the stack's Content-Security-Policy, whose `script-src 'self'` runs only
the site's script files: an inline `<script>` does not run. Many themes have one (PaperMod's theme
toggle, Stack's colour scheme, Book's menu state), and on the published site they silently did
nothing. The build reads each page's inline scripts and keeps their SHA-256 digests with the page
(S3 metadata `x-amz-meta-script-hashes`); the stack's viewer-response function adds them to the
policy's `script-src` for that page alone (`'sha256-...'`), as the local site server does
(`with_script_hashes`). An event handler attribute (`<link onload="this.rel='stylesheet'">`) is
allowed the same way, by its code's digest after `'unsafe-hashes'`, which lets CSP run exactly the
handlers it lists. A script injected later, or changed by one byte, still does not run; nothing
else in the policy changes, and `unsafe-inline` is never added.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

#: The metadata key (x-amz-meta-script-hashes) the viewer-response function reads.
METADATA_KEY = "script-hashes"
#: A page with more inline scripts than this keeps the stack's policy as it is (S3 keeps 2 KB of
#: metadata per object; each digest takes 52 bytes of it).
MAX_HASHES = 20
_OPEN = re.compile(rb"<script\b([^<>]*)>", re.IGNORECASE)
_CLOSE = re.compile(rb"</script\s*>", re.IGNORECASE)
_SRC = re.compile(rb"\ssrc\s*=", re.IGNORECASE)
_TYPE = re.compile(rb"""\stype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_DIGEST = re.compile(r"^sha256-[A-Za-z0-9+/]{43}=$")
_TAG = re.compile(rb"<[a-zA-Z][^<>]*>")
_ANY_HANDLER = re.compile(rb"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
_HANDLER = re.compile(rb"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
#: The keyword that lets CSP run an event handler attribute whose digest it lists (and no other).
UNSAFE_HASHES = "unsafe-hashes"
_SCRIPT_SRC = re.compile(r"(^|;\s*)script-src(?=[\s;]|$)")


def inline_script_hashes(page: bytes) -> list[str]:
    """The digests (`sha256-...`) of the page's inline scripts, each once, in page order, then those
    of its event handler attributes (`onload="this.rel='stylesheet'"`) after `unsafe-hashes`, which
    CSP needs before it runs a handler by digest; a data block (`application/ld+json`, any JSON type)
    is not run, so it needs none."""
    found: list[str] = []
    outside: list[bytes] = []  # the page without its scripts' text, which is not markup
    at = 0
    # Each script's end is found with one search from its start, so a page of unclosed script tags
    # costs one pass, not one per tag.
    while (opening := _OPEN.search(page, at)) is not None:
        closing = _CLOSE.search(page, opening.end())
        if closing is None:  # the rest of the page is that script's text
            outside.append(page[at : opening.start()])
            at = len(page)
            break
        outside.append(page[at : opening.start()])
        at = closing.end()
        attributes, body = opening.group(1), page[opening.end() : closing.start()]
        kind = _TYPE.search(attributes)
        if _SRC.search(attributes) or (kind and kind.group(1).lower().endswith(b"json")):
            continue
        _add(found, body)
    outside.append(page[at:])
    if _ANY_HANDLER.search(page):
        handlers: list[str] = []
        for tag in _TAG.finditer(b"".join(outside)):
            for handler in _HANDLER.finditer(tag.group(0)):
                code = handler.group(1) if handler.group(1) is not None else handler.group(2)
                _add(handlers, html.unescape(code.decode("utf-8", "replace")).encode())
        handlers = [digest for digest in handlers if digest not in found]
        found += [UNSAFE_HASHES, *handlers] if handlers else []
    return found


def _add(found: list[str], code: bytes) -> None:
    # The browser hashes the script as its HTML parser reads it: every CR LF, and any other CR, is LF
    # (a theme's templates saved with Windows line ends would not match otherwise).
    code = code.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    digest = "sha256-" + base64.b64encode(hashlib.sha256(code).digest()).decode("ascii")
    if digest not in found:
        found.append(digest)


def with_script_hashes(policy: str, hashes: str) -> str:
    """The Content-Security-Policy `policy` with the page's digests (space-separated, as kept in its
    metadata) in its `script-src`; unchanged when it has none, or any digest is malformed."""
    digests = hashes.split()
    if not digests or not all(_DIGEST.match(digest) or digest == UNSAFE_HASHES for digest in digests):
        return policy
    quoted = " ".join(f"'{digest}'" for digest in digests)
    return _SCRIPT_SRC.sub(lambda m: f"{m.group(1)}script-src {quoted}", policy, count=1)
