"""The Events Calendar's list of events (/events/, /events/list/, /events/month/, ...) leads to the
converted site's events, where their pages kept the plugin's /event/<slug>/; not when the new site
has something of its own at /events/."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.conftest import build
from tests.functional.wordpress.exports import Post, write_export


def event(post_id: int, slug: str) -> Post:
    start = {"_EventStartDate": "2024-07-01 10:00:00", "_EventEndDate": "2024-07-01 12:00:00"}
    post = Post(post_id, slug, "<p>Come along.</p>", title=slug.title(), type="tribe_events", meta=start)
    return post


def export(tmp_path: Path, posts: list[Post]) -> Path:
    path = write_export(tmp_path / "export.xml", posts)
    # The plugin serves each event below /event/: the export's links say so.
    text = path.read_text()
    for post in posts:
        if post.type == "tribe_events":
            text = text.replace(
                f"https://old.example/{post.slug}/", f"https://old.example/event/{post.slug}/"
            )
    path.write_text(text)
    return path


def test_the_old_list_of_events_leads_to_the_events_section(tmp_path: Path) -> None:
    posts = [event(10, "summer-fair"), event(11, "open-day"), Post(12, "hello", "<p>Hi.</p>")]
    site = tmp_path / "site"
    convert_export(export(tmp_path, posts), site)
    index = frontmatter.load(site / "content/event/_index.md")
    assert index["aliases"][:4] == ["/events/", "/events/list/", "/events/month/", "/events/day/"]
    public = build(site, tmp_path)
    for old in ("events", "events/list", "events/month", "events/today"):
        assert 'url=https://old.example/event/"' in (public / old / "index.html").read_text()
    assert "summer-fair" in (public / "event/index.html").read_text()


def test_a_page_of_the_sites_own_at_events_keeps_its_address(tmp_path: Path) -> None:
    posts = [event(10, "summer-fair"), Post(12, "events", "<p>Our events page.</p>", type="page")]
    site = tmp_path / "site"
    convert_export(export(tmp_path, posts), site)
    assert not (site / "content/event/_index.md").exists()
    assert "Our events page." in (build(site, tmp_path) / "events/index.html").read_text()


def test_events_elsewhere_take_no_list_address(tmp_path: Path) -> None:
    site = tmp_path / "site"
    convert_export(write_export(tmp_path / "export.xml", [event(10, "summer-fair")]), site)  # at /<slug>/
    assert not (site / "content/event/_index.md").exists()
