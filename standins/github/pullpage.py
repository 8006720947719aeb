"""The page a pull request's `html_url` opens on the local GitHub: its title, state and head, the
statuses posted on its head commit and its comments, for an operator to see locally what GitHub would
show. Everything shown comes from requests (titles, comments, status URLs) and is escaped; only http(s)
status URLs become links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from standins.github.pulls import Comment

if TYPE_CHECKING:
    from standins.github.server import Status


def pull_page(pr: Mapping[str, Any], statuses: Iterable[Status], comments: Iterable[Comment]) -> str:
    head, base = pr["head"], pr["base"]
    rows = "".join(
        f"<li><b>{escape(s.state)}</b> {escape(s.context)}: {escape(s.description or '')} "
        f"{_link(s.target_url)}</li>"
        for s in statuses
    )
    notes = "".join(
        f'<article id="issuecomment-{c.id}"><h3>{escape(c.user)} <small>{escape(c.updated_at)}</small></h3>'
        f"<pre>{escape(c.body)}</pre></article>"
        for c in comments
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(pr['title'])} #{pr['number']}</title></head><body>"
        f"<h1>{escape(pr['title'])} <small>#{pr['number']}</small></h1>"
        f"<p><b>{escape(pr['state'])}</b> {escape(head['label'])} → {escape(base['label'])}, "
        f"head <code>{escape(head['sha'])}</code> (from {escape(head['repo']['full_name'])})</p>"
        f"<h2>Statuses</h2><ul>{rows or '<li>none</li>'}</ul>"
        f"<h2>Comments</h2>{notes or '<p>none</p>'}</body></html>"
    )


def _link(url: str | None) -> str:
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return escape(url or "")
    return f'<a href="{escape(url, quote=True)}" rel="nofollow">{escape(url)}</a>'
