"""Old URLs Hugo cannot write as aliases, taken off the pages before any content is written.

Hugo writes each alias as a redirect page: a folder's `index.html`, or a file of its own name when it
ends in `.html`. Three kinds of old URL cannot be written so. One over a file the site serves (an
upload, a feed) and one too long for a folder are left out and reported. One inside an alias Hugo
writes as a file (a post's `/2012/01/post.html` and its attachment pages' `/2012/01/post.html/photo/`)
made Hugo fail the whole build ("not a directory"); a build folder cannot hold both, but a bucket can
(a key is not a folder). So each of those becomes a line of the site's `_redirects` file
(`nested_rules`), which Presslift publishes as an S3 redirect beside the `.html` one and Netlify and
Cloudflare Pages serve as they are. One that such a line cannot spell (a space, `:`, `*`) is reported.

This module must never write files: it edits the plan and spells the rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from chalicelib.wordpress.oldurls import collides_with_file, under_a_file
from chalicelib.wordpress.plan import Placement, Plan
from chalicelib.wordpress.slugs import fits_as_folder
from chalicelib.wordpress.terms import TermPage

#: What a `_redirects` line can hold as a plain path: no spaces (the fields' separator), no `:` or `*`
#: (placeholders and splats), no query or fragment.
_RULE_PATH = re.compile(r"/[^\s:*?#]*")
HEADER = "# Old addresses below a page's .html address (attachment pages), kept by presslift convert."


def drop_aliases_over_files(plan: Plan, present: set[str]) -> None:
    """Drops each alias that would be written over a file the site serves: an upload it has (by its
    uploads-relative path in `present`) or a feed; an upload the site lacks keeps its alias, so its
    old URL still leads to the page that showed it. Then moves each alias inside a `.html` one to the
    plan's `nested_aliases` (alias, whose, the page's URL), for `nested_rules`."""
    folders = {rel.rsplit("/", n)[0] for rel in present for n in range(1, rel.count("/") + 1)}
    over = _drop(plan, lambda alias: collides_with_file(alias, present, folders))
    plan.dropped_aliases += [(alias, whose) for alias, whose, _ in over]
    pages: list[Placement | TermPage] = [*plan.placements.values(), *plan.term_pages.values()]
    plan.nested_aliases += _drop(
        plan, under_a_file([*plan.home_aliases, *(alias for page in pages for alias in page.aliases)])
    )


def drop_aliases_too_long(plan: Plan) -> None:
    """Drops each old URL too long to be a folder (see `fits_as_folder`): Hugo could not write its
    redirect, and one such alias fails the whole build."""
    too_long = _drop(plan, lambda alias: not fits_as_folder(alias))
    plan.long_aliases += [(alias, whose) for alias, whose, _ in too_long]


def nested_rules(plan: Plan) -> tuple[list[str], list[tuple[str, str]]]:
    """The `_redirects` lines for the plan's nested aliases (each to its published page), and the
    (alias, whose) of those no line can hold or whose page is not published."""
    lines: list[str] = []
    left_out: list[tuple[str, str]] = []
    for alias, whose, url in plan.nested_aliases:
        if url and _RULE_PATH.fullmatch(alias) and _RULE_PATH.fullmatch(url):
            lines.append(f"{alias} {url} 301")
        else:
            left_out.append((alias, whose))
    return lines, left_out


def nested_block(plan: Plan) -> str:
    """The lines `nested_rules` spells, under a comment saying what they are ("" for none)."""
    lines = nested_rules(plan)[0]
    return "\n".join([HEADER, *lines]) + "\n" if lines else ""


def _drop(plan: Plan, refused: Callable[[str], bool]) -> list[tuple[str, str, str]]:
    """Takes every alias `refused` says no to off the pages, the home page and the term pages; each
    as (alias, whose, the URL of its page when that page is published, else "")."""
    dropped: list[tuple[str, str, str]] = []

    def kept(aliases: list[str], whose: str, url: str) -> list[str]:
        over = [alias for alias in aliases if refused(alias)]
        dropped.extend((alias, whose, url) for alias in over)
        return [alias for alias in aliases if alias not in over] if over else aliases

    for item_id, placement in plan.placements.items():
        url = placement.url if placement.status == "published" else ""
        placement.aliases = kept(placement.aliases, f"{placement.type} {item_id}", url)
    plan.home_aliases = kept(plan.home_aliases, "the home page", "/")
    for page in plan.term_pages.values():
        page.aliases = kept(page.aliases, f"{page.taxonomy} {page.folder}", "")
    return dropped
