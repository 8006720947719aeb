"""Root-relative addresses in a site served below a path, made to lead inside the site.

A stage is served below a path when the site shares the pipeline's distribution
(`https://d1.cloudfront.net/<site>/`) and for every preview (`.../previews/pr-7/`). A theme or a post
that writes an address from the root then leads out of the site, to a 404: `{{ "/fonts/icons.woff2" |
relURL }}` (relURL keeps a leading slash as written, the commonest theme bug of all), a hand-written
`<link href="/favicon.svg">`, `[About](/about/)` in Markdown, `url(/fonts/x.woff2)` in a stylesheet.

After Hugo renders, each such address in a page's `href`, `src`, `srcset`, `poster`, `action`,
`xlink:href`, `data-src` or `data-srcset`, or in a stylesheet's or a `style` attribute's `url(...)`,
that names a file the site built gets the site's path in front; so does one written absolute on the
stage's own host (`{{ absLangURL "/" }}`: Hugo gives a leading slash the host's root, not the
site's). Nothing else is touched: addresses already under the site's path, other hosts, addresses of
files the site lacks, and scripts. (Hugo's `canonifyURLs` would rewrite these too, but it also drops
the path from every relURL that is not an `href` or `src`, such as a search script's data attribute,
which breaks themes that work today: measured with this project's own theme.)
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Attributes that hold an address: HTML's own, an SVG sprite's `xlink:href` (`<use
#: xlink:href="/icons.svg#x">`), and the `data-src`/`data-srcset` lazy loaders move into `src` (LoveIt,
#: FixIt and DoIt write every image so); and `style`, whose `url(...)`s are a stylesheet's (a theme's
#: hero, `style="background-image: url('{{ .Params.image }}')"`).
_ATTRIBUTE = re.compile(
    rb"""(?P<lead>\s(?P<name>(?:xlink:)?href|src|poster|srcset|action|data-src|data-srcset|style)\s*=\s*)"""
    rb"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+))""",
    re.IGNORECASE,
)
_SRCSETS = (b"srcset", b"data-srcset")
#: A tag, its quoted values whole (`title="a > b"`): attributes are read inside tags only, never in a
#: page's text (`<pre>&lt;img src="/img/logo.png"&gt;</pre>`, a textarea's sample, which changed).
_TAG = re.compile(rb"""<[A-Za-z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""")
#: A refresh's address (`<meta http-equiv="refresh" content="0; url=/about/">`, Hugo's alias pages'
#: form), which led out of a site served below a path.
_REFRESH = re.compile(rb"""(\scontent\s*=\s*["']\s*\d+\s*;\s*url\s*=\s*)(/[^"'\s>]*)""", re.IGNORECASE)
# A script's or inline style's content (the opening tag's own attributes are fixed like any other).
_SCRIPT_OR_STYLE = re.compile(rb"<(script|style)\b[^>]*>", re.IGNORECASE)
_CSS_URL = re.compile(rb"""url\(\s*(?P<q>["']?)(?P<url>/[^)"'\s]*)(?P=q)\s*\)""")
#: Files larger than this are left alone (no page or stylesheet is; an archive named .html might be).
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class RootLinks:
    """What `fix_root_links` changed: the addresses, and the files they were in."""

    addresses: int = 0
    files: int = 0

    def describe(self, base_path: str) -> str:
        if not self.addresses:
            return ""
        return (
            f"{self.addresses} root-relative address{'es' * (self.addresses != 1)} in {self.files} "
            f"file{'s' * (self.files != 1)} now lead{'s' * (self.addresses == 1)} inside {base_path}"
        )


def base_path_of(base_url: str) -> str:
    """The path a stage is served below ("/harbour/"), or "/" at a root."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def fix_root_links(
    tree: Path, base_url: str, coming: tuple[str, ...] = (), *, below_path: bool = True
) -> RootLinks:
    """Give each root-relative address in `tree`'s pages and stylesheets that names a file of `tree`
    the site's path (`/fonts/x.woff2` -> `/harbour/fonts/x.woff2`); nothing of that for a site at a
    root, or with `below_path` off (a URL the operator gave, where the root may be another site's).
    `coming` are folders (`pagefind/`) a later step of the build fills: an address into one counts as
    a file of the site (a theme's own `<script src="/pagefind/pagefind-ui.js">`, written before
    Pagefind runs).

    Always, wherever the site is served: an address that doubles the slash after the site's path
    (`{{ .Site.BaseURL }}/css/x.css` writes `https://host/harbour//css/x.css`) loses the extra slash
    when the file it then names is the site's. A web server may fold the two slashes; S3 never does,
    and the stylesheet would not load. And a stylesheet changed here keeps its pages' Subresource
    Integrity: the `integrity` values that named its old bytes name the new ones, or the browser would
    refuse it."""
    base_path = base_path_of(base_url) if below_path else "/"
    files = _files(tree)
    origin = _origin(base_url)
    own_path = base_path_of(base_url).encode()
    # Most pages write every address under the site's path already: one search in C finds whether a
    # page has another root-relative one (`="/x`, `=/x`, `url(/x`, `="https://host/x`), or a doubled
    # slash after the site's path; only those pages are rewritten.
    doubled_slash = re.escape(own_path) + b"/(?!/)"
    if base_path == "/":
        suspect = re.compile(rb"(?:" + re.escape(origin) + rb"|=\s*[\"']?|url\(\s*[\"']?)" + doubled_slash)
        if own_path == b"/":
            suspect = re.compile(re.escape(origin) + doubled_slash)  # `//x` alone is another host's
    else:
        suspect = re.compile(
            rb"""(?:=\s*["']?|url\(\s*["']?)(?:"""
            + re.escape(origin)
            + rb""")?/(?!/|"""
            + re.escape(base_path[1:].encode())
            + rb")|"
            + doubled_slash
        )
    # A site with relativeURLs: Hugo writes each address from the page to the root, and relURL's
    # include the site's path, which then comes twice (`../../harbour/book/` from /harbour/post/a/).
    climbing = (
        re.compile(rb"""=\s*["']?(?:\./|(?:\.\./)+)""" + re.escape(base_path[1:].encode()))
        if base_path != "/"
        else None
    )
    addresses = changed = 0
    integrity: dict[bytes, bytes] = {}  # a changed stylesheet's old SRI values -> its new ones
    # Stylesheets first: the pages that link them then get their new integrity values.
    for path in sorted(files, key=lambda name: not name.endswith(".css")):
        if not path.endswith((".html", ".htm", ".css")):
            continue
        file = tree / path
        if file.is_symlink():
            continue
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            continue
        linked = bool(integrity) and b"integrity" in data  # a page that may link a changed stylesheet
        if (
            not linked
            and suspect.search(data) is None
            and (climbing is None or climbing.search(data) is None)
        ):
            continue
        fix = _fixer(base_path, files, origin, coming, depth=path.count("/"), own_path=own_path)
        if path.endswith(".css"):
            new, count = _in_stylesheet(data, fix)
            if count:
                integrity.update(sri_values(data, new))
        else:
            new, count = _in_page(data, fix)
            if integrity and b"integrity" in new:
                new = _with_integrity(new, integrity)
        if count or new != data:
            file.write_bytes(new)
            addresses += count
            changed += 1
    return RootLinks(addresses, changed)


#: The hash functions Subresource Integrity names (`sha384-<base64>`).
SRI_HASHES = ("sha256", "sha384", "sha512")


def sri_values(old: bytes, new: bytes) -> dict[bytes, bytes]:
    """Each SRI value of a file's `old` bytes -> the same hash's value of its `new` bytes."""
    return {_sri(name, old): _sri(name, new) for name in SRI_HASHES}


def _sri(name: str, data: bytes) -> bytes:
    return name.encode() + b"-" + base64.b64encode(hashlib.new(name, data).digest())


_INTEGRITY = re.compile(rb"""(\sintegrity\s*=\s*["']?)([^"'\s>]+(?:\s+[^"'\s>]+)*)""", re.IGNORECASE)


def _with_integrity(page: bytes, values: dict[bytes, bytes]) -> bytes:
    """The page with each `integrity` value that names a changed file's old bytes naming its new ones."""

    def value(match: re.Match[bytes]) -> bytes:
        tokens = [values.get(token, token) for token in match.group(2).split()]
        return match.group(1) + b" ".join(tokens)

    return _INTEGRITY.sub(value, page)


def _files(tree: Path) -> set[str]:
    found: set[str] = set()
    for folder, _, names in os.walk(tree):
        relative = os.path.relpath(folder, tree)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
    return found


def _origin(base_url: str) -> bytes:
    """The stage's scheme and host (`https://d1.cloudfront.net`), as an absolute address begins."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}".encode()


def _fixer(
    base_path: str,
    files: set[str],
    origin: bytes = b"",
    coming: tuple[str, ...] = (),
    *,
    depth: int = 0,
    own_path: bytes | None = None,
) -> Callable[[bytes], bytes | None]:
    """The address with the site's path in front, or None when it needs none (or leads nowhere). An
    absolute address on the stage's own host (`absURL "/x"` writes one) is fixed as its path is. In a
    page `depth` folders down, an address that climbs to the root and names the site's path (Hugo's
    relativeURLs of a relURL) loses that path, which the climb already left it in."""
    base = base_path.encode()
    own = base if own_path is None else own_path  # where the site is served (base: where it is moved)
    climb = b"../" * depth if depth else b"./"

    def names_file(address: bytes) -> bool:
        try:
            written = address.decode("utf-8")
            # An attribute's value is HTML: `fbm&amp;ylh.jpg` names the file fbm&ylh.jpg.
            written = html.unescape(written) if "&" in written else written
            path = unquote(urlsplit(written).path, errors="strict").lstrip("/")
        except (UnicodeDecodeError, ValueError):
            return False
        folder = path.rstrip("/")
        if path in files or (folder + "/index.html" if folder else "index.html") in files:
            return True
        return bool(coming and path.startswith(coming) and ".." not in path.split("/"))

    def undoubled(address: bytes, *, absolute: bool) -> bytes | None:
        """`/harbour//css/x.css` -> `/harbour/css/x.css` (at a root only after the host: `//css/...`
        alone is an address on the host `css`)."""
        if not address.startswith(own + b"/") or (own == b"/" and not absolute):
            return None
        rest = address[len(own) :].lstrip(b"/")
        return own + rest if rest and names_file(b"/" + rest) else None

    def fix(address: bytes, *, absolute: bool = False) -> bytes | None:
        if (collapsed := undoubled(address, absolute=absolute)) is not None:
            return collapsed
        if address.startswith(climb + base[1:]) and base != b"/":
            rest = address[len(climb) + len(base) - 1 :]
            target = rest.split(b"?", 1)[0].split(b"#", 1)[0]
            return climb + rest if fix(b"/" + target) is not None or not target else None
        if origin and address.startswith(origin + b"/"):
            fixed = fix(address[len(origin) :], absolute=True)
            return None if fixed is None else origin + fixed
        if base == b"/" or not address.startswith(b"/") or address.startswith((b"//", base)):
            return None
        return base + address[1:] if names_file(address) else None

    return fix


def _in_page(data: bytes, fix: Callable[[bytes], bytes | None]) -> tuple[bytes, int]:
    """Fix the page's attributes and inline stylesheets; scripts are left as written."""
    count = 0

    def attribute(match: re.Match[bytes]) -> bytes:
        nonlocal count
        name = match.group("lead")
        quote = b'"' if match.group("dq") is not None else b"'" if match.group("sq") is not None else b""
        value = next(group for group in match.group("dq", "sq", "bare") if group is not None)
        if match.group("name").lower() == b"style":
            new, fixed_urls = _in_stylesheet(value, fix)
            if not fixed_urls:
                return match.group(0)
            count += fixed_urls
        elif match.group("name").lower() in _SRCSETS:
            parts = []
            for candidate in value.split(b","):
                url = (candidate.split() or [b""])[0]
                fixed = fix(url)
                if fixed is not None:
                    count += 1
                    candidate = candidate.replace(url, fixed, 1)
                parts.append(candidate)
            new = b",".join(parts)
        else:
            fixed = fix(value)
            if fixed is None:
                return match.group(0)
            count += 1
            new = fixed
        return name + quote + new + quote

    def refresh(match: re.Match[bytes]) -> bytes:
        nonlocal count
        fixed = fix(match.group(2))
        if fixed is None:
            return match.group(0)
        count += 1
        return match.group(1) + fixed

    def in_tag(match: re.Match[bytes]) -> bytes:
        tag = _ATTRIBUTE.sub(attribute, match.group(0))
        if tag[:5].lower() == b"<meta" and b"refresh" in tag.lower():
            tag = _REFRESH.sub(refresh, tag)
        return tag

    out: list[bytes] = []
    last = 0
    lower = data.lower()
    # Each block's end is found with one find, so a page of unclosed <script> tags costs one pass.
    while (block := _SCRIPT_OR_STYLE.search(data, last)) is not None:
        tag = block.group(1).lower()
        start = block.end()
        end = lower.find(b"</" + tag, start)
        end = len(data) if end < 0 else end
        out.append(_TAG.sub(in_tag, data[last:start]))
        content = data[start:end]
        if tag == b"style":
            content, fixed = _in_stylesheet(content, fix)
            count += fixed
        out.append(content)
        last = end
    out.append(_TAG.sub(in_tag, data[last:]))
    return (b"".join(out), count) if count else (data, 0)


def _in_stylesheet(data: bytes, fix: Callable[[bytes], bytes | None]) -> tuple[bytes, int]:
    count = 0

    def url(match: re.Match[bytes]) -> bytes:
        nonlocal count
        fixed = fix(match.group("url"))
        if fixed is None:
            return match.group(0)
        count += 1
        quote = match.group("q")
        return b"url(" + quote + fixed + quote + b")"

    new = _CSS_URL.sub(url, data) if b"url(" in data else data
    return new, count
