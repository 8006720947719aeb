"""Approved comments of a post, threaded, as the data file the default theme renders.

Approved pingbacks and trackbacks are kept too, marked with their `type`: WordPress lists them with
the comments ("Pingback: <the linking post>"), so a migration that dropped them would lose what the
old page showed. WooCommerce's product reviews are comments of type `review`: kept as comments, with
their stars (`rating`), as the product page showed them (a shop's 27 approved reviews were dropped).
Comment bodies are visitor input from a site that may have been attacked: they are reduced to a
small allow-list of tags and attributes, and their links are marked `nofollow ugc`.
This module must never keep unapproved comments or any markup outside the allow-list.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

from chalicelib.wordpress.dates import iso_date
from chalicelib.wordpress.fragment import inner_html, parse_fragment, remove_node, text_content, unwrap
from chalicelib.wordpress.html import wpautop
from chalicelib.wordpress.scan import has_spam_words, scan
from chalicelib.wordpress.writer import records_json
from chalicelib.wordpress.wxr import Comment

ALLOWED_TAGS = frozenset(
    "a p br em strong b i u s code pre blockquote ul ol li q cite abbr del ins".split()  # noqa: SIM905
)
DROPPED_TAGS = frozenset(["script", "style", "iframe", "object", "embed"])
SAFE_SCHEMES = ("http://", "https://", "mailto:", "/")
#: What the scan reports that makes an approved comment spam or injected, outside code the visitor
#: quoted (`pre`, `code`): links to spam or hidden ones, an obfuscated payload, a script or frame. A
#: form is a code sample's as often (the HTML parser here closes a `<pre>` at a `<form>`, which
#: browsers do not): `sanitise` keeps its text, and nothing of it can be sent.
#: The rest (an event handler, a `javascript:` link, an old Flash player) `sanitise` takes out, and
#: the comment is kept: a blog's jQuery tips lost five approved comments whose code had `onChange`.
SPAM_KINDS = frozenset({"spam-links", "hidden-link", "payload", "script", "iframe", "base", "meta", "link"})
#: Where a comment quotes code: WordPress shows its text, and so does `sanitise`.
QUOTED_CODE = frozenset({"pre", "code"})
#: Comment types a WordPress theme shows with the comments: the notices other sites sent, and comments.
NOTICES = frozenset({"pingback", "trackback"})
SHOWN_TYPES = frozenset({"", "comment", "review"}) | NOTICES
#: A plugin's own type of visitors' reviews (a booking theme's `ts_reviews`, a listing's, a course's):
#: shown on the page like comments, and kept; any other type of a plugin's may be private (an order's
#: notes, an action log, an editor's notes), never published, and named in a warning instead.
REVIEW_TYPE = re.compile(r"review|rating|testimonial", re.IGNORECASE)


def is_shown_type(comment_type: str) -> bool:
    """Whether an approved comment of `comment_type` is one visitors saw on the page."""
    return comment_type in SHOWN_TYPES or bool(REVIEW_TYPE.search(comment_type))


def unshown_types(comments: list[Comment]) -> dict[str, int]:
    """Approved comments of a plugin's own types that are not kept, counted by type."""
    found: dict[str, int] = {}
    for c in comments:
        if c.approved == "1" and not is_shown_type(c.type):
            found[c.type] = found.get(c.type, 0) + 1
    return found


def sanitise(html_text: str) -> str:
    root = parse_fragment(wpautop(html_text))
    for node in list(root.iterdescendants()):
        if not isinstance(node.tag, str):
            remove_node(node)  # comments and PHP
            continue
        if node.tag in DROPPED_TAGS:
            if _in_quoted_code(node):  # a code sample's <script>: its text is the sample
                unwrap(node)
            else:
                remove_node(node)  # children of a removed node go with it
            continue
        if node.tag not in ALLOWED_TAGS:
            unwrap(node)
            continue
        href = node.get("href") or "" if node.tag == "a" else ""
        node.attrib.clear()
        if node.tag == "a":
            if href.strip().lower().startswith(SAFE_SCHEMES):
                node.set("href", href.strip())
            node.set("rel", "nofollow ugc")
    return inner_html(root).strip()


def spam_reason(comment: Comment) -> str:
    """Why an approved comment is spam or injected content ("" when it is not).

    Comments are held to a stricter rule than posts: one link about pills or casinos is enough.
    """
    root = parse_fragment(comment.content)
    for code in [node for node in root.iter(*QUOTED_CODE) if not _in_quoted_code(node)]:
        remove_node(code)  # quoted code is text to read, whatever tags it spells
    findings = scan(root, allowed_iframe_hosts=(), strip=False)
    spammy = [
        a.get("href") or ""
        for a in root.iter("a")
        if has_spam_words(text_content(a)) or has_spam_words(a.get("href") or "")
    ]
    if has_spam_words(comment.author_url):
        spammy.append(comment.author_url)
    if spammy:
        return "spam links: " + ", ".join(sorted(set(spammy)))[:120]
    return "; ".join(f"{f.kind}: {f.detail}" for f in findings if f.kind in SPAM_KINDS)


def _in_quoted_code(node: Any) -> bool:
    return any(parent.tag in QUOTED_CODE for parent in node.iterancestors())


def screen(comments: list[Comment]) -> tuple[list[Comment], list[tuple[Comment, str]]]:
    """The comments to keep, and the spam ones with the reason each was left out."""
    kept: list[Comment] = []
    spam: list[tuple[Comment, str]] = []
    for comment in comments:
        reason = spam_reason(comment) if comment.approved == "1" else ""
        if reason:
            spam.append((comment, reason))
        else:
            kept.append(comment)
    return kept, spam


def threaded(comments: list[Comment], fallback_offset: str) -> list[dict[str, Any]]:
    """Approved comments in thread order: each followed by its replies, oldest first; each once.

    The export's ids are not trusted: a comment that names itself, or a loop of comments that name
    each other, as parent would otherwise be walked forever. A comment whose parent is not shown
    before it (one of such a loop, or a reply to a comment left out) is shown as a comment of its own.
    """
    approved = [c for c in comments if c.approved == "1" and is_shown_type(c.type)]
    # A comment without an id (0: WordPress's own start at 1) or with one another comment of the post
    # already has gets a new one, so that none is lost and none answers itself; one no comment has or
    # names as parent, so no reply to a comment left out lands under it.
    next_id = max([0, *(c.id for c in comments), *(c.parent for c in comments)]) + 1
    kept: dict[int, Comment] = {}
    for c in approved:
        if c.id <= 0 or c.id in kept:
            c, next_id = replace(c, id=next_id), next_id + 1
        kept[c.id] = c
    children: dict[int | None, list[Comment]] = {}
    for c in kept.values():
        children.setdefault(c.parent if c.parent in kept and c.parent != c.id else None, []).append(c)
    for replies in children.values():
        replies.sort(key=_thread_order)
    ordered: list[dict[str, Any]] = []
    shown: set[int] = set()
    for root in [*children.get(None, []), *sorted(kept.values(), key=_thread_order)]:
        stack = [root]
        while stack:
            c = stack.pop()
            if c.id in shown:
                continue
            shown.add(c.id)
            ordered.append(
                {
                    "id": c.id,
                    "parent": c.parent if c.parent in shown and c.parent != c.id else 0,
                    # WordPress keeps a pingback's title as HTML (`&#8211;`) and shows it so: the theme
                    # escapes it once more, so it is read here.
                    "author": html.unescape(c.author),
                    "author_url": c.author_url if c.author_url.startswith(("http://", "https://")) else "",
                    "date": iso_date(c.date, c.date_gmt, fallback_offset),
                    "content": sanitise(c.content),
                    **({"type": c.type} if c.type in NOTICES else {}),
                    **({"rating": c.rating} if c.rating else {}),
                }
            )
            stack.extend(reversed(children.get(c.id, [])))
    return ordered


def _thread_order(c: Comment) -> tuple[str, int]:
    return (c.date_gmt or c.date, c.id)


def comments_json(entries: list[dict[str, Any]]) -> str:
    return records_json(entries)
