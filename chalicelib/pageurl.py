"""A page's `.URL`, which Hugo removed, read as `.RelPermalink`, which Hugo named to replace it.

Old themes link each post with `{{ .URL }}` (Even's post summary, lists, prev and next links); Hugo
deprecated a page's URL for `.RelPermalink` and removed it, and every build of such a theme fails
("can't evaluate field URL in type *hugolib.pageState"), as with plain Hugo. A menu entry's `.URL`
and a pager's are still Hugo's, often in the same template, and which one a `.URL` reads is known only
as the template runs. So nothing is rewritten ahead: where Hugo fails on a page's `.URL`, every `.URL`
of that template becomes a call of a partial the build adds, `presslift/url.html`, which gives a
page's `.RelPermalink` and anything else's own `.URL` (it tells them apart by their Go type), and the
build runs again; each template rewritten is a warning on the run. One rewrite covers a template, so a
theme with many such templates needs a few builds, not one per use.

This module reads Hugo's log and rewrites one template below the site's folder, and adds the partial.
"""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.removedauthor import WHERE
from chalicelib.themelayouts import ACTION, MAX_TEMPLATE_BYTES

PARTIAL = "presslift/url.html"
PARTIAL_FILE = Path("layouts/_partials") / PARTIAL
#: A page's (or a page embedded in a WeightedPage's) `.RelPermalink`; a menu entry's, a pager's or a
#: map's own `.URL`.
PARTIAL_TEXT = """{{- /* Presslift: .URL as old Hugo gave it (a page's is now .RelPermalink) */ -}}
{{- $type := printf "%T" . -}}
{{- $url := "" -}}
{{- if or (strings.Contains $type "hugolib.") (strings.HasSuffix $type "WeightedPage") -}}
  {{- $url = .RelPermalink -}}
{{- else -}}
  {{- $url = .URL -}}
{{- end -}}
{{- return $url -}}
"""
_FAILED = re.compile(
    r"at <(?:\$\w*|\.\w+)?(?:\.\w+)*?\.URL(?:\.\w+)*>: "
    r"can't evaluate field URL in type (?:\*hugolib\.pageState|page\.Page)\b"
)
#: `.URL` by any receiver: the dot, `$`, a variable, a field chain (`$.Page.URL`, `$element.URL`).
_USE = re.compile(rb"((?:\$\w*|(?<![\w)\]$]))(?:\.\w+)*)\.URL\b")


def give_page_url(log: str, source: Path) -> str:
    """Rewrite the template whose page `.URL` `log` (Hugo's, with the site's own paths) failed on; the
    warning naming it, or "" when there is none to rewrite."""
    failed = _FAILED.search(log)
    places = list(WHERE.finditer(log, max(0, failed.start() - 4000), failed.start())) if failed else []
    if not failed or not places:
        return ""
    name = places[-1].group(1)
    if not _rewrite(source / name, source) or not _add_partial(source):
        return ""
    return (
        f"{name} uses a page's .URL, which Hugo no longer has: built with .RelPermalink for pages (a menu "
        "entry's and a pager's .URL are their own still) (update the theme to a release for this Hugo)"
    )


def rewrite(text: bytes) -> bytes:
    """`text` with every `.URL` inside a template action given by the partial."""

    def use(found: re.Match[bytes]) -> bytes:
        return b'(partial "' + PARTIAL.encode() + b'" ' + (found.group(1) or b".") + b")"

    return ACTION.sub(lambda action: _USE.sub(use, action.group(0)), text)


def _rewrite(path: Path, source: Path) -> bool:
    root = source.resolve()
    if path.is_symlink() or not path.resolve().is_relative_to(root) or not path.resolve().is_file():
        return False
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            return False
        text = path.read_bytes()
        fixed = rewrite(text)
        if fixed == text:
            return False
        path.write_bytes(fixed)
    except OSError:  # Hugo's failure stands, with its hint
        return False
    return True


def _add_partial(source: Path) -> bool:
    path = source / PARTIAL_FILE
    if path.is_file() and not path.is_symlink():
        return True
    try:
        if any(part.is_symlink() for part in (source / "layouts", source / "layouts/_partials")):
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PARTIAL_TEXT, encoding="utf-8")
    except OSError:
        return False
    return True
