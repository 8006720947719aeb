"""Media become players in the built site: block and pasted <audio>/<video> with sources and captions,
[audio]/[video]/[playlist], oEmbed blocks, bare URLs, [embed], known providers' iframes and podcast
enclosures; each with a link to its media; unknown iframes stay flagged; nothing is lost."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import frontmatter

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.wxr_builder import Post, write_export

SITE = "https://old.example"
UP = f"{SITE}/wp-content/uploads/2024/01"
EPISODE = f"{UP}/episode.mp3"
LOCAL = "/wp-content/uploads/2024/01"

# Post bodies as WordPress stores them: a block-editor post, and a classic one (wpautop's input).
BODIES = Path(__file__).parent / "media"

FILES = [
    "2024/01/poster.jpg",
    "2024/01/clip.mp4",
    "2024/01/clip-en.vtt",
    "2024/01/song.mp3",
    "2024/01/raw.webm",
    "2024/01/raw.mp4",
    "2024/01/talk.mp3",
    "2024/01/talk.ogg",
    "2024/01/film.mp4",
    "2024/01/film.webm",
    "2024/01/one.mp3",
    "2024/01/two.mp3",
    "2024/01/episode.mp3",
]


def media_export(tmp_path):
    posts = [
        Post(10, "blocks", (BODIES / "blocks.html").read_text(), "Blocks"),
        Post(11, "classic", (BODIES / "classic.html").read_text(), "Classic"),
        Post(
            12,
            "episode-1",
            "<p>Show notes.</p>",
            "Episode 1",
            meta={"enclosure": f"{UP}/episode.mp3\n123456\naudio/mpeg\n"},
        ),
        Post(41, "one", "", "Track One", type="attachment", parent=11, attachment_url=f"{UP}/one.mp3"),
        Post(42, "two", "", "Track Two", type="attachment", parent=11, attachment_url=f"{UP}/two.mp3"),
    ]
    export = write_export(tmp_path / "export.xml", SITE, posts)
    archive = tmp_path / "uploads.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for rel in FILES:
            zf.writestr(f"wp-content/uploads/{rel}", b"media " + rel.encode())
        # A multisite-era subsite's files, as its blogs.dir folder holds them.
        zf.writestr("wp-content/blogs.dir/3/files/2010/05/old.jpg", b"jpeg")
    return export, archive


def test_every_player_is_in_the_built_site_with_a_link(tmp_path, hugo_build):
    export, archive = media_export(tmp_path)
    site = tmp_path / "site"
    report = convert_export(export, site, uploads=archive)
    public = hugo_build(site, tmp_path)
    blocks = (public / "posts/blocks/index.html").read_text()
    assert '<video controls preload="metadata" poster="/wp-content/uploads/2024/01/poster.jpg"' in blocks
    assert '<source src="/wp-content/uploads/2024/01/clip.mp4" type="video/mp4">' in blocks
    assert (
        '<track src="/wp-content/uploads/2024/01/clip-en.vtt" kind="captions" srclang="en" label="English">'
        in blocks
    )
    assert "Harbour at dawn" in blocks and "The talk" in blocks
    assert '<source src="/wp-content/uploads/2024/01/song.mp3" type="audio/mpeg">' in blocks
    assert '<a href="/wp-content/uploads/2024/01/song.mp3">song.mp3</a>' in blocks  # the fallback link
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in blocks
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in blocks
    assert '<iframe src="https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk"' in blocks
    assert '<a href="https://twitter.com/WordPress/status/1" rel="noopener">' in blocks  # unknown: a link

    classic = (public / "posts/classic/index.html").read_text()
    assert '<source src="/wp-content/uploads/2024/01/raw.webm" type="video/webm">' in classic
    assert '<source src="/wp-content/uploads/2024/01/raw.mp4" type="video/mp4">' in classic
    assert 'width="640" height="360"' in classic
    assert re.search(r"<audio controls preload=\"none\" loop>", classic)
    assert '<source src="/wp-content/uploads/2024/01/talk.ogg" type="audio/ogg">' in classic
    assert '<source src="/wp-content/uploads/2024/01/film.webm" type="video/webm">' in classic
    assert 'src="/wp-content/uploads/2024/01/one.mp3"' in classic and "Track Two" in classic
    assert (
        '<iframe src="https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fartist%2Fa-track"'
        in classic
    )
    assert '<iframe src="https://player.vimeo.com/video/76979871"' in classic
    assert '<iframe src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in classic
    assert '<iframe src="https://html5-player.libsyn.com/embed/episode/id/123/"' in classic
    assert "evil.example" not in classic
    assert 'src="/wp-content/uploads/2010/05/old.jpg"' in classic
    assert (public / "wp-content/uploads/2010/05/old.jpg").read_bytes() == b"jpeg"

    episode = (public / "posts/episode-1/index.html").read_text()
    assert '<source src="/wp-content/uploads/2024/01/episode.mp3" type="audio/mpeg">' in episode
    post = frontmatter.load(site / "content/posts/episode-1/index.md")
    assert post["enclosure"] == {
        "url": "/wp-content/uploads/2024/01/episode.mp3",
        "length": 123456,
        "type": "audio/mpeg",
    }

    flagged = [w.message for w in report.warnings if w.code == "stripped-content"]
    assert flagged == ["iframe: iframe to a host not on the allow-list: https://evil.example/miner.html"]
    assert report.media.lost == 0 and report.media.found == report.media.kept
    assert (report.media.local, report.media.remote) == (15, 6)  # 15 files in the site; 6 providers


def test_a_player_without_a_source_is_reported_not_dropped_quietly(tmp_path):
    export = write_export(
        tmp_path / "export.xml", SITE, [Post(10, "empty", '[audio]\n\n[playlist ids="999"]')]
    )
    report = convert_export(export, tmp_path / "site")
    lost = [w.message for w in report.warnings if w.code == "lost-media"]
    assert len(lost) == 2 and report.media.lost == 2
    assert "[audio]" in lost[0] and "[playlist]" in lost[1]


def test_without_an_archive_media_keep_their_original_urls(tmp_path, hugo_build):
    export, _ = media_export(tmp_path)
    site = tmp_path / "site"
    report = convert_export(export, site)
    public = hugo_build(site, tmp_path)
    assert not (site / "static/wp-content/uploads").exists()
    for page in (site / "content").rglob("*.md"):
        assert "/wp-content/uploads/" not in page.read_text().replace(f"{SITE}/wp-content/uploads/", "")
    blocks = (public / "posts/blocks/index.html").read_text()
    assert f'<source src="{UP}/clip.mp4" type="video/mp4">' in blocks
    classic = (public / "posts/classic/index.html").read_text()
    assert f'src="{SITE}/files/2010/05/old.jpg"' in classic
    assert report.media.local == 0 and report.media.lost == 0 and report.media.remote == report.media.found
    missing = {w.item for w in report.warnings if w.code == "missing-media"}
    assert {"2024/01/one.mp3", "2024/01/two.mp3"} <= missing


def test_the_theme_unit_test_data_loses_no_media(wxr, tmp_path, hugo_build):
    site = tmp_path / "site"
    report = convert_export(wxr / "wptrt-themeunittestdata.wordpress.xml", site)
    public = hugo_build(site, tmp_path)
    assert report.media.found > 400 and report.media.lost == 0 and report.media.kept == report.media.found
    assert not [w for w in report.warnings if w.code in ("lost-media", "stripped-content")]
    audio = (public / "posts/post-format-audio/index.html").read_text()
    stlouis = (
        "https://wpthemetestdata.files.wordpress.com/2008/06/"
        "originaldixielandjazzbandwithalbernard-stlouisblues.mp3"
    )
    assert f'<source src="{stlouis}" type="audio/mpeg">' in audio and f'<a href="{stlouis}">' in audio
    youtube = (public / "posts/post-format-video-youtube/index.html").read_text()
    assert '<iframe src="https://www.youtube-nocookie.com/embed/' in youtube
    embeds = (public / "posts/blocks-embeds/index.html").read_text()
    assert '<iframe src="https://www.youtube-nocookie.com/embed/ex8fMxXJDJw"' in embeds
    for link in (
        "https://twitter.com/WordPress/status/",
        "https://www.facebook.com/",
        "https://wordpress.tv/",
    ):
        assert f'href="{link}' in embeds  # providers with no player here: a link each
    # With no archive nothing points into the site's uploads folder.
    assert not list(public.glob("wp-content/uploads/**/*.*"))
    for page in (site / "content").rglob("index.md"):
        assert "](/wp-content/uploads/" not in page.read_text()
