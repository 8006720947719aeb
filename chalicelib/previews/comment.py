"""The pull-request comment of a preview: its URL, its commit and run, and the change review against
prod, in GitHub-flavoured Markdown (`chalicelib.github.comments.upsert_comment` keeps it on GitHub).

The first line is the marker `<!-- presslift-preview:<site> -->` that finds the comment again. Then a
heading with the preview's status and URL, the commit and a link to its run, the review's own summary
line, a table of the first `MAX_PAGES` pages (changed, added, removed; each linked to the preview's
page, a changed or removed one also to prod's), the text changes of the changed pages in collapsed
`<details>` blocks, what changed site-wide, redirects and assets. The whole body stays under
`MAX_CHARS`; what does not fit is left to the run page, and the comment says so.

Everything a page brings (titles, text, paths, redirect targets) is hostile: in Markdown every mark
that means something inline is backslash-escaped (so no `|`, `[`, `<`, backtick or `*` in a title
means anything), in HTML it is entity-escaped, and text changes sit in code fences longer than any run of
backticks they contain. `@` is followed by a zero-width space, so a title never mentions anyone.

Pure functions of their arguments: nothing here talks to GitHub or AWS.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from chalicelib.errors import InputError
from chalicelib.github.comments import fit_body
from chalicelib.review.text import asset_line, redirect_line
from chalicelib.runview import plural
from chalicelib.search.records import page_url

if TYPE_CHECKING:
    from chalicelib.review.review import ChangeReview, PageChange

#: Pages listed in the table (changed first, then added, then removed); the rest are on the run page.
MAX_PAGES = 20
#: The whole comment stays under this (GitHub takes 65,536 characters).
MAX_CHARS = 60_000
#: Diff lines of one page shown in its `<details>` block.
MAX_DIFF_LINES = 80
#: Characters of diff lines in one `<details>` block.
MAX_BLOCK = 5_000
#: Characters kept of one title, line or reason.
MAX_TEXT = 300
#: Room kept for what follows the page diffs (site-wide changes, redirects, assets, the footer).
TAIL_ROOM = 12_000
HEADINGS = {
    "building": "Building the preview",
    "live": "Preview live",
    "failed": "Preview failed",
    "not built": "Preview not built",
    "removed": "Preview removed",
}
#: What means something inline in GitHub's Markdown: escapes, code, emphasis, links and images,
#: autolinks and HTML, entities, table cells, strikethrough. (Text never starts a line here.)
_MARKDOWN = re.compile(r"([\\`*_\[\]<>&|~])")
_BACKTICKS = re.compile(r"`+")
_SHA = re.compile(r"^[0-9a-f]{7,40}$")
_SITE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"
_ZERO_WIDTH = "&#8203;"


class PreviewFacts(Protocol):
    """What the comment reads of a preview (`chalicelib.previews.registry.Preview` has these)."""

    @property
    def site(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def head_sha(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def number(self) -> int | None: ...
    @property
    def branch(self) -> str: ...
    @property
    def reason(self) -> str: ...


def marker(site: str) -> str:
    """`<!-- presslift-preview:<site> -->`: the first line of a site's preview comment."""
    return f"<!-- presslift-preview:{_marker_safe(site)} -->"


def comment_body(
    preview: PreviewFacts,
    review: ChangeReview | None,
    *,
    run_url: str,
    staging_url: str,
    prod_url: str,
    note: str = "",
) -> str:
    """The comment for `preview` as it stands now, with `review` (its build against prod) and `note`
    (one line, shown under the heading); without a review, the note is the line that says why (else
    what the preview's status implies)."""
    lines = [*_head(preview, run_url)]
    if preview.reason and preview.status in ("failed", "not built"):
        lines += ["", f"**Why:** {_md(preview.reason)}"]
    if review is None:
        lines += ["", f"_{_md(note)}_" if note else f"_No change review: {_no_review(preview.status)}_"]
    else:
        if note:
            lines += ["", f"_{_md(note)}_"]
        lines += _review(preview, review, run_url=run_url, prod_url=prod_url)
    lines += ["", _footer(staging_url, prod_url)]
    return fit_body("\n".join(lines) + "\n", MAX_CHARS)


def removed_body(preview: PreviewFacts, reason: str) -> str:
    """The comment once the preview is gone: its objects deleted, and why (`closed`, idle...)."""
    lines = [
        marker(preview.site),
        f"### {HEADINGS['removed']}",
        "",
        f"The preview of {_md(preview.site)} at {_md(preview.url)} was removed: "
        f"{_md(reason) if reason else 'no reason given'}.",
        f"It last showed commit {_sha(preview.head_sha)}.",
    ]
    return "\n".join(lines) + "\n"


def _head(preview: PreviewFacts, run_url: str) -> list[str]:
    heading = HEADINGS.get(preview.status, f"Preview {_md(preview.status)}")
    of = f"pull request #{preview.number}" if preview.number else f"branch {_md(preview.branch)}"
    url = _link(preview.url, preview.url) if preview.status != "removed" else _md(preview.url)
    facts = [f"site {_md(preview.site)}", of, f"commit {_sha(preview.head_sha)}", _link("run", run_url)]
    return [marker(preview.site), f"### {heading}: {url}", "", " · ".join(facts)]


def _review(preview: PreviewFacts, review: ChangeReview, *, run_url: str, prod_url: str) -> list[str]:
    lines = ["", f"#### Changes against {_md(review.against)}", "", _md(review.summary())]
    pages = [("changed", p) for p in review.changed]
    pages += [("added", p) for p in review.added] + [("removed", p) for p in review.removed]
    shown = pages[:MAX_PAGES]
    if shown:
        lines += ["", "| Change | Page | On prod |", "| --- | --- | --- |"]
        lines += [_row(change, page, preview.url, prod_url) for change, page in shown]
    if len(shown) < len(pages):
        lines += ["", f"And {len(pages) - len(shown)} more: {_link('see the run page', run_url)}."]
    tail = _site_wide(review) + _redirects(review) + _assets(review)
    room = MAX_CHARS - TAIL_ROOM - sum(len(line) + 1 for line in lines)
    diffs = [page for change, page in shown if change == "changed" and page.diff_lines()]
    for number, page in enumerate(diffs):
        block = _details(f"{_title(page, markdown=False)}: text changes", page.diff_lines(), page.truncated)
        if len(block) + 1 > room:
            left = len(diffs) - number
            lines += ["", f"The text changes of {left} more pages are on {_link('the run page', run_url)}."]
            break
        lines += ["", block]
        room -= len(block) + 1
    return lines + tail


def _row(change: str, page: PageChange, preview_url: str, prod_url: str) -> str:
    title = _title(page)
    if page.old_title and page.old_title != page.title:
        title += f" (was {_md(page.old_title[:MAX_TEXT])})"
    here = page_url(preview_url, page.path) if change != "removed" else ""
    prod = page_url(prod_url, page.path) if prod_url else page.url
    shown = _link_md(title, here) if here else title
    on_prod = _link("prod", prod) if change != "added" else "new"
    return f"| {change} | {shown} | {on_prod} |"


def _title(page: PageChange, *, markdown: bool = True) -> str:
    """The page's title, or its path when it has none: Markdown-escaped, or as plain text."""
    title = (page.title or "/" + page.path.removesuffix("index.html"))[:MAX_TEXT]
    return _md(title) if markdown else title


def _site_wide(review: ChangeReview) -> list[str]:
    diff: list[str] = []
    for where in review.site_wide:
        diff.append(f"  {where.where}, on {plural(where.pages, 'page')}:")
        diff += [f"- {line}" for line in where.removed] + [f"+ {line}" for line in where.added]
    if review.site_wide_assets:
        diff.append("  the theme's stylesheets, scripts or fonts (every page loads them):")
        diff += [asset_line(c.path, c.change, c.old_path) for c in review.site_wide_assets]
    if not diff:
        return []
    return ["", _details("Site-wide changes (told once, not on every page)", diff, False)]


def _redirects(review: ChangeReview) -> list[str]:
    if not review.redirects:
        return []
    title = f"Redirects ({len(review.redirects)})"
    return ["", _details(title, [redirect_line(change) for change in review.redirects], False)]


def _assets(review: ChangeReview) -> list[str]:
    groups = [f"{kind.value} {len(group)}" for kind, group in review.assets.items() if group]
    return ["", f"**Assets:** {_md(', '.join(groups))}"] if groups else []


def _details(summary: str, diff_lines: list[str], truncated: bool) -> str:
    """A collapsed block: `summary` (plain text, entity-escaped here: an HTML block reads no Markdown)
    over a diff fence of `diff_lines`."""
    kept: list[str] = []
    size = 0
    for line in diff_lines[:MAX_DIFF_LINES]:
        line = _one_line(line)[: MAX_TEXT * 4]
        size += len(line) + 1
        if size > MAX_BLOCK:
            break
        kept.append(line)
    if truncated or len(kept) < len(diff_lines):
        kept.append("  ... (more changes on the run page)")
    fence = _fence(kept)
    # A blank line after <summary> lets GitHub read the fence as Markdown inside the HTML block.
    return "\n".join(
        [
            "<details>",
            f"<summary>{_html(summary)}</summary>",
            "",
            f"{fence}diff",
            *kept,
            fence,
            "",
            "</details>",
        ]
    )


def _fence(lines: Iterable[str]) -> str:
    """Backticks enough that no run of backticks in `lines` closes the fence (CommonMark's rule)."""
    longest = max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)
    return "`" * max(3, longest + 1)


def _footer(staging_url: str, prod_url: str) -> str:
    where = [f"staging {_link(staging_url, staging_url)}" if staging_url else ""]
    where.append(f"prod {_link(prod_url, prod_url)}" if prod_url else "")
    shown = " · ".join(part for part in where if part)
    return f"<sub>Presslift keeps this comment up to date on every push. {shown}</sub>".rstrip()


def _no_review(status: str) -> str:
    return {
        "building": "it comes when the build is done",
        "failed": "the build failed",
        "not built": "nothing was built",
        "removed": "the preview was removed",
    }.get(status, "it could not be computed")


def _md(text: str) -> str:
    """`text` as literal Markdown inline text: one line, punctuation escaped, no mentions."""
    escaped = _MARKDOWN.sub(r"\\\1", _one_line(text)[: MAX_TEXT * 2])
    return escaped.replace("@", "@" + _ZERO_WIDTH)


def _html(text: str) -> str:
    """`text` as literal HTML text: one line, entity-escaped, no mentions."""
    return html.escape(_one_line(text)[: MAX_TEXT * 2]).replace("@", "@" + _ZERO_WIDTH)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _link(text: str, url: str) -> str:
    return _link_md(_md(text), url)


def _link_md(markdown: str, url: str) -> str:
    """`[markdown](url)` for an http(s) URL (percent-encoded so no `)`, `|` or space ends it early);
    the text alone for anything else."""
    safe = _safe_url(url)
    return f"[{markdown}]({safe})" if safe else markdown


def _safe_url(url: str) -> str:
    url = str(url).strip()
    if not url.lower().startswith(("https://", "http://")):
        return ""
    return quote(url, safe=_URL_SAFE)


def _sha(sha: str) -> str:
    return f"`{sha[:7]}`" if _SHA.match(sha or "") else _md(sha[:12] or "unknown")


def _marker_safe(site: str) -> str:
    """The site's name, checked: nothing else may sit in the HTML comment (a `-->` would end it)."""
    if not isinstance(site, str) or not _SITE.match(site) or "--" in site:
        raise InputError(f"a preview comment needs a site name like 'quayside', not {site!r}")
    return site
