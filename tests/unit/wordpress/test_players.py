"""Players from the provider table, podcast enclosures, multisite upload paths, and the scan's view of
provider iframes: table-driven, as WordPress writes each of them."""

from __future__ import annotations

import pytest

from chalicelib.wordpress.fragment import parse_fragment
from chalicelib.wordpress.links import uploads_relative
from chalicelib.wordpress.media import uploads_key
from chalicelib.wordpress.options import DEFAULT_IFRAME_HOSTS
from chalicelib.wordpress.players import enclosure
from chalicelib.wordpress.providers import iframe_player, player_for
from chalicelib.wordpress.scan import scan
from presslift.packaging.security_headers import CSP_DIRECTIVES
from tests.unit.wordpress.test_body import body


@pytest.mark.parametrize(
    ("url", "provider", "player"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ?t=42",
            "youtube",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42",  # where the link started it
        ),
        (
            "https://www.youtube.com/shorts/abcdefghijk",
            "youtube",
            "https://www.youtube-nocookie.com/embed/abcdefghijk",
        ),
        (
            "https://vimeo.com/channels/staffpicks/76979871",
            "vimeo",
            "https://player.vimeo.com/video/76979871",
        ),
        (
            "https://vimeo.com/76979871/8a6b3c2d1e",
            "vimeo",
            "https://player.vimeo.com/video/76979871?h=8a6b3c2d1e",
        ),
        (
            "https://www.dailymotion.com/video/x7tgad0",
            "dailymotion",
            "https://www.dailymotion.com/embed/video/x7tgad0",
        ),
        (
            "https://www.ted.com/talks/ken_robinson_do_schools",
            "ted",
            "https://embed.ted.com/talks/ken_robinson_do_schools",
        ),
        (
            "https://open.spotify.com/show/5CfCWKI5pZ28U0uOzXkDHe",
            "spotify",
            "https://open.spotify.com/embed/show/5CfCWKI5pZ28U0uOzXkDHe",
        ),
        (
            "https://www.mixcloud.com/someone/a-mix/",
            "mixcloud",
            "https://www.mixcloud.com/widget/iframe/?feed=%2Fsomeone%2Fa-mix%2F",
        ),
        ("https://wordpress.tv/2018/10/14/a-talk/", "wordpress-tv", ""),
        ("https://www.youtube.com/user/someone", "youtube", ""),  # a channel: a link, not a player
    ],
)
def test_provider_urls_become_their_players(url, provider, player):
    found = player_for(url)
    assert found is not None and (found.provider.slug, found.player) == (provider, player)


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/watch?v=dQw4w9WgXcQ", "https://youtube.com.evil.example/x", "javascript:alert(1)"],
)
def test_other_urls_are_not_players(url):
    assert player_for(url) is None and iframe_player(url) is None


@pytest.mark.parametrize(
    ("src", "player"),
    [
        ("//www.youtube.com/embed/dQw4w9WgXcQ?rel=0", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("http://player.vimeo.com/video/123456", "https://player.vimeo.com/video/123456"),
        ("https://w.soundcloud.com/player/?url=x", "https://w.soundcloud.com/player/?url=x"),
        (
            "https://www.buzzsprout.com/1/2?client_source=small_player",
            "https://www.buzzsprout.com/1/2?client_source=small_player",
        ),
    ],
)
def test_pasted_provider_iframes_keep_playing(src, player):
    found = iframe_player(src)
    assert found is not None and found.player == player


def test_the_scan_lets_provider_players_through_and_flags_the_rest():
    root = parse_fragment(
        '<iframe src="https://html5-player.libsyn.com/embed/episode/id/1/"></iframe>'
        '<iframe src="https://player.simplecast.com/abc"></iframe>'
        '<iframe src="https://ads.evil.example/x" width="0" height="0"></iframe>'
        '<iframe src="https://charts.example/c/1" width="600" height="400"></iframe>'
    )
    findings = scan(root, allowed_iframe_hosts=DEFAULT_IFRAME_HOSTS, strip=True)
    assert [f.detail for f in findings] == [
        "iframe to a host not on the allow-list: https://ads.evil.example/x"
    ]
    assert len(root.findall(".//iframe")) == 3  # the visible chart stays, to become a link


def test_every_player_host_is_a_frame_the_sites_may_load():
    frames = set(CSP_DIRECTIVES["frame-src"])
    for src in (
        "https://www.youtube-nocookie.com/embed/a",
        "https://html5-player.libsyn.com/embed/episode/id/1/",
    ):
        found = iframe_player(src)
        assert found is not None
        origin = "https://" + found.player.split("/")[2]
        assert origin in frames


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "https://cdn.example/ep1.mp3\n123456\naudio/mpeg\n",
            ("https://cdn.example/ep1.mp3", 123456, "audio/mpeg"),
        ),
        (
            'https://a.example/e.m4a\r\n99\r\naudio/x-m4a\r\na:1:{s:8:"duration";s:5:"12:00";}',
            ("https://a.example/e.m4a", 99, "audio/x-m4a"),
        ),
        ("https://a.example/v.mp4", ("https://a.example/v.mp4", 0, "")),
        ("not a url\n1\naudio/mpeg", None),
        ("", None),
    ],
)
def test_enclosure_meta_is_read_as_wordpress_writes_it(value, expected):
    found = enclosure(value)
    assert (found.url, found.length, found.type) == expected if expected else found is None


@pytest.mark.parametrize(
    ("url", "rel"),
    [
        ("https://a.org/files/2010/05/x.jpg", "2010/05/x.jpg"),
        ("https://a.org/sub/files/2010/05/x.mp3", "2010/05/x.mp3"),
        ("https://a.org/wp-content/blogs.dir/3/files/2010/05/x.jpg", "2010/05/x.jpg"),
        ("https://a.org/wp-content/uploads/sites/4/2020/01/x.jpg", "2020/01/x.jpg"),
        ("https://a.org/files/2010/05/a-page", ""),
        ("https://a.org/files/report.pdf", ""),
    ],
)
def test_multisite_paths_are_uploads(url, rel):
    assert uploads_relative(url) == rel


@pytest.mark.parametrize(
    ("entry", "rel"),
    [
        ("wp-content/blogs.dir/3/files/2010/05/x.jpg", "2010/05/x.jpg"),
        ("blogs.dir/3/files/2010/05/x.jpg", "2010/05/x.jpg"),
        ("wp-content/uploads/sites/4/2020/01/x.jpg", "2020/01/x.jpg"),
        ("sites/4/2020/01/x.jpg", "2020/01/x.jpg"),
        ("../blogs.dir/3/files/2010/05/x.jpg", None),
    ],
)
def test_multisite_archive_entries_are_uploads(entry, rel):
    assert uploads_key(entry) == rel


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "https://old.example/wp-content/uploads/a.mp3",
            '{{< audio src="/wp-content/uploads/a.mp3" type="audio/mpeg" />}}',
        ),
        (
            '<object><param name="movie" value="http://www.youtube.com/v/dQw4w9WgXcQ"></object>',
            "youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (  # as YouTube's "embed" code gave it in 2009: the player's options after "&", no "?"
            '<object width="540" height="290"><param name="movie" value="http://www.youtube.com/v/'
            'dABo_DCIdpM&hl=ro_RO&feature=player_embedded&version=3"></param><embed src="http://www.'
            'youtube.com/v/dABo_DCIdpM&hl=ro_RO&feature=player_embedded&version=3" type="application/'
            'x-shockwave-flash" width="540" height="290"></embed></object>',
            'url="https://www.youtube.com/watch?v=dABo_DCIdpM" provider="youtube"',
        ),
        (
            '<object width="400" height="225"><param name="movie" value="http://vimeo.com/moogaloop.swf?'
            'clip_id=8709313&amp;server=vimeo.com&amp;show_title=0"><embed src="http://vimeo.com/moogaloop'
            '.swf?clip_id=8709313&amp;server=vimeo.com" type="application/x-shockwave-flash"></embed>'
            "</object>",
            'url="https://vimeo.com/8709313" provider="vimeo" title="Vimeo" '
            'player="https://player.vimeo.com/video/8709313"',
        ),
        ('[video src="https://youtu.be/dQw4w9WgXcQ"]', 'provider="youtube"'),
        ("[embed]https://example.org/some/page[/embed]", '{{< embed url="https://example.org/some/page" >}}'),
    ],
)
def test_bare_media_urls_and_old_object_embeds_become_players(html, expected):
    markdown, findings, _ = body(html)
    assert expected in markdown and not findings


def test_a_url_alone_on_its_line_in_code_stays_text():
    markdown, _, _ = body(
        "<pre>\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n</pre>\n\nhttps://youtu.be/dQw4w9WgXcQ"
    )
    assert "```\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n```" in markdown
    assert markdown.count("{{< embed") == 1


@pytest.mark.parametrize(
    ("shortcode", "player"),
    [
        (
            "[youtube=http://www.youtube.com/watch?v=JaNH56Vpg-A&w=640&h=385]",
            "www.youtube-nocookie.com/embed/JaNH56Vpg-A",
        ),
        ("[youtube JaNH56Vpg-A]", "www.youtube-nocookie.com/embed/JaNH56Vpg-A"),
        # WordPress.com's html5=1 after a second "?" (VincentTam's export), which Jetpack reads as "&".
        (
            "[youtube http://www.youtube.com/watch?v=p6K4iIMlouI?html5=1]",
            "www.youtube-nocookie.com/embed/p6K4iIMlouI",
        ),
        ("[vimeo 141358]", "player.vimeo.com/video/141358"),
        ("[vimeo http://vimeo.com/141358]", "player.vimeo.com/video/141358"),
        ("[dailymotion id=x8oma9]", "www.dailymotion.com/embed/video/x8oma9"),
        ("[wpvideo OcobLTqC w=640]", "videopress.com/embed/OcobLTqC"),
        (
            '[soundcloud url="https://api.soundcloud.com/tracks/156661852" params="auto_play=false"]',
            "w.soundcloud.com/player/?url=https%3A%2F%2Fapi.soundcloud.com%2Ftracks%2F156661852",
        ),
        (
            '[spotify id="spotify:track:4bz7uB4edifWKJXSDxwHcs"]',
            "open.spotify.com/embed/track/4bz7uB4edifWKJXSDxwHcs",
        ),
    ],
)
def test_wordpress_com_media_shortcodes_become_players(shortcode, player):
    markdown, _, warnings = body(shortcode)
    assert f'player="https://{player}"' in markdown and not warnings
    assert "?html5" not in markdown  # the page's link as Jetpack reads it too


def test_a_ted_talk_by_number_is_a_link():
    markdown, _, warnings = body("[ted id=981]")
    assert '{{< embed url="https://www.ted.com/talks/view/id/981" provider="ted"' in markdown
    assert "player=" not in markdown and not warnings


def test_a_video_element_naming_a_provider_page_becomes_its_player():
    markdown, _, _ = body('<video src="https://www.youtube.com/watch?v=dQw4w9WgXcQ" controls></video>')
    assert 'player="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in markdown


@pytest.mark.parametrize(
    "shortcode",
    [
        "[quicktime]https://old.example/wp-content/uploads/2009/04/talk.mov[/quicktime]",
        '[videofile width="640" height="360"]https://old.example/wp-content/uploads/2009/04/talk.mov[/videofile]',
        "[flv]https://old.example/wp-content/uploads/2009/04/talk.mov[/flv]",
    ],
)
def test_video_quicktags_for_a_file_become_the_video_player(shortcode):
    markdown, _, warnings = body(shortcode)
    assert '{{< video src="/wp-content/uploads/2009/04/talk.mov"' in markdown  # the site's own file
    assert 'type="video/quicktime"' in markdown and "[quicktime]" not in markdown and not warnings


def test_an_old_object_of_a_provider_shown_as_a_link_is_a_link_to_it():
    # Bandcamp's 2010 Flash player: the song was stripped with the plugin tags and nothing kept.
    markdown, _, warnings = body(
        '<p>Rough mix:</p><object data="http://bandcamp.com/EmbeddedPlayer/track=1479657139/size=venti//" '
        'type="text/html" width="400" height="100"><param name="movie" value="http://bandcamp.com/'
        'EmbeddedPlayer/track=1479657139/size=venti//"></object>'
    )
    assert '{{< embed url="http://bandcamp.com/EmbeddedPlayer/track=1479657139/size=venti//" >}}' in markdown
    assert [code for code, _ in warnings] == ["embed-link"]


@pytest.mark.parametrize(
    ("url", "player"),
    [
        # WordPress.com's [youtube] writes the options after a second "?" (a real blog's post)
        (
            "https://www.youtube.com/watch?v=tak2JxBsjLM?start=39&end=72&controls=0",
            "tak2JxBsjLM?start=39&end=72",
        ),
        ("https://youtu.be/dQw4w9WgXcQ?t=1m30s", "dQw4w9WgXcQ?start=90"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90", "dQw4w9WgXcQ?start=90"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ?start=5", "dQw4w9WgXcQ?start=5"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=soon", "dQw4w9WgXcQ"),
    ],
)
def test_a_youtube_players_start_and_end_are_kept(url: str, player: str) -> None:
    from chalicelib.wordpress.providers import _youtube

    assert _youtube(url) == f"https://www.youtube-nocookie.com/embed/{player}"


def test_an_embed_blocks_escaped_address_is_read_as_its_address():
    """A WordPress.com page's `wp:embed {"url":"...\\u0026amp;t=1s"}`: the link led to `&amp;t=1s`,
    and the video's start time was lost."""
    block = (
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=yrwyYvR9XEA\\u0026amp;t=90s","type":"video",'
        '"providerNameSlug":"youtube"} --><figure class="wp-block-embed">'
        '<div class="wp-block-embed__wrapper">'
        "https://www.youtube.com/watch?v=yrwyYvR9XEA&amp;t=90s</div></figure><!-- /wp:embed -->"
    )
    markdown, _, _ = body(block)
    assert 'url="https://www.youtube.com/watch?v=yrwyYvR9XEA&t=90s"' in markdown
    assert "embed/yrwyYvR9XEA?start=90" in markdown
