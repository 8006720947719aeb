"""A converted site builds with a theme that has none of Presslift's shortcodes (the third-party
Ananke theme from the shared fixtures), and renders what the content calls."""

import re
import shutil

import frontmatter
import pytest

from chalicelib.errors import ConversionError
from chalicelib.wordpress import ConvertOptions, convert_export
from chalicelib.wordpress.outdir import MANIFEST
from tests.conftest import SHARED_FIXTURES
from tests.functional.wordpress.conftest import build_with_log

ANANKE = SHARED_FIXTURES / "hugo-themes" / "ananke"

# One post calling every shortcode the converter writes, two attachments for its gallery, and an old
# date permalink that becomes an alias.
EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Every shortcode</title><link>https://old.example</link>
<wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:wxr_version>1.2</wp:wxr_version>
<item><title>Everything</title><link>https://old.example/2024/01/02/everything/</link>
<dc:creator>ann</dc:creator><category domain="category" nicename="news"><![CDATA[News]]></category>
<content:encoded><![CDATA[[toc]
<p>Intro.</p>
<h2>The media</h2>
[caption id="attachment_11" align="aligncenter" width="300"]<img src="/wp-content/uploads/2024/01/one.jpg" \
alt="First" width="300" /> A caption under one[/caption]
[gallery ids="11,12" columns="2"]
[audio mp3="https://old.example/wp-content/uploads/2024/01/song.mp3"][/audio]
[video width="640" height="360" mp4="https://old.example/wp-content/uploads/2024/01/clip.mp4"][/video]
[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]
[embed]https://example.org/some/thing[/embed]
[contact-form-7 id="9" title="Contact"]
<details><summary>Show <em>more</em></summary><p>Hidden words.</p></details>
<h2 id="last-words">Outro</h2>
<p><a name="faq"></a>Outro, see <a href="#faq">here</a>.</p>]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date>2024-01-02 03:04:05</wp:post_date>
<wp:post_date_gmt>2024-01-02 03:04:05</wp:post_date_gmt>
<wp:post_name>everything</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>11</wp:meta_value></wp:postmeta>
</item>
<item><title>one</title><link>https://old.example/one/</link>
<wp:post_id>11</wp:post_id><wp:post_parent>5</wp:post_parent><wp:post_name>one</wp:post_name>
<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<excerpt:encoded><![CDATA[Caption one]]></excerpt:encoded>
<wp:attachment_url>https://old.example/wp-content/uploads/2024/01/one.jpg</wp:attachment_url>
</item>
<item><title>two</title><link>https://old.example/two/</link>
<wp:post_id>12</wp:post_id><wp:post_parent>5</wp:post_parent><wp:post_name>two</wp:post_name>
<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://old.example/wp-content/uploads/2024/01/two.jpg</wp:attachment_url>
</item>
</channel></rss>
"""


@pytest.fixture
def ananke(tmp_path):
    """Ananke in a throw-away themes folder (it is used from ../shared, never copied into the repo)."""
    if not (ANANKE / "theme.toml").is_file():
        pytest.skip(f"the Ananke theme is not at {ANANKE} (it comes with the team's shared/ folder)")
    themes = tmp_path / "themes"
    shutil.copytree(ANANKE, themes / "ananke")
    return themes


def build_with_ananke(site, themes, tmp_path):
    public, log = build_with_log(site, tmp_path, extra_args=("--themesDir", str(themes)))
    assert not re.search(r"(?i)shortcode .* not found|partial .* not found|failed to extract shortcode", log)
    return public


def test_every_shortcode_the_converter_writes_renders_with_ananke(tmp_path, ananke):
    export = tmp_path / "export.xml"
    export.write_text(EXPORT, encoding="utf-8")
    site = tmp_path / "site"
    convert_export(export, site, options=ConvertOptions(theme="ananke"))
    body = frontmatter.load(site / "content/posts/everything/index.md").content
    called = set(re.findall(r"\{\{< ([\w-]+)", body))
    assert {"caption", "gallery", "audio", "video", "embed", "toc", "form-contact", "anchor"} <= called
    assert {"details-open", "details-close"} <= called
    assert not (site / "themes").exists()  # Presslift's theme is not written under another's name

    public = build_with_ananke(site, ananke, tmp_path)

    page = (public / "posts/everything/index.html").read_text()
    assert '<figure class="wp-caption' in page and "A caption under one" in page
    assert page.count('class="wp-gallery-item"') == 2
    # No uploads archive: the media stay at their old URLs, in players with a link to each file.
    assert '<figure class="wp-audio"><audio controls preload="none">' in page
    assert 'src="https://old.example/wp-content/uploads/2024/01/song.mp3"' in page
    assert '<video controls preload="metadata" width="640" height="360"' in page
    assert 'src="https://old.example/wp-content/uploads/2024/01/clip.mp4"' in page
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert '<p class="wp-embed"><a href="https://example.org/some/thing"' in page
    assert '<nav class="toc" aria-label="Contents">' in page and 'href="#the-media"' in page
    assert '<form class="contact-form" method="post"' in page
    assert re.search(
        r"<details[^>]*>\s*<summary>Show <em>more</em></summary>\s*<p>Hidden words.</p>\s*</details>", page
    )
    # In-page anchors: the heading's own id (Goldmark's attribute) and a named anchor's element.
    assert re.search(r'<h2 id="last-words"[^>]*>Outro</h2>', page)
    assert '<span id="faq"></span>Outro, see <a href="#faq">here</a>' in page
    assert "ananke" in page.lower() or "tachyons" in page.lower() or "ph3 ph5-ns" in page  # Ananke's page
    alias = (public / "2024/01/02/everything/index.html").read_text()
    assert 'http-equiv="refresh"' in alias and "/posts/everything/" in alias
    home = (public / "index.html").read_text()
    assert re.search(r'<script src="/js/wordpress-redirects\.min\.[0-9a-f]+\.js"', home)
    assert "data-search" not in home  # Ananke has no search page for old /?s= searches to go to
    assert (
        "https://old.example/wp-content/uploads/2024/01/one.jpg" in page
    )  # the featured image, in Ananke's header


def test_only_the_shortcodes_the_content_calls_are_written(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(
        re.sub(
            r"\[toc\]\n|\[caption.*?\[/embed\]\n\[embed\][^\n]*\n\[contact-form-7[^\n]*\n<details>[^\n]*\n"
            r"|<p><a name=.*?</p>",
            "",
            EXPORT,
            flags=re.S,
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    convert_export(export, site)
    layouts = sorted(p.relative_to(site).as_posix() for p in (site / "layouts").rglob("*.html"))
    assert layouts == ["layouts/_shortcodes/wordpress-redirects.html"]
    assert (site / "assets/js/wordpress-redirects.js").is_file()
    assert "layouts/_shortcodes/wordpress-redirects.html" in (site / MANIFEST).read_text()


def test_partials_are_kept_apart_from_the_themes_own(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(EXPORT, encoding="utf-8")
    site = tmp_path / "site"
    convert_export(export, site)
    assert not (site / "layouts/_partials/site-url.html").exists()
    # what a copied partial calls is copied too, and called by its copy's name
    assert (site / "layouts/_partials/presslift/site-url.html").is_file()
    gallery = (site / "layouts/_shortcodes/gallery.html").read_text()
    assert 'partial "presslift/image-url.html"' in gallery and 'partial "image-url.html"' not in gallery
    image_url = (site / "layouts/_partials/presslift/image-url.html").read_text()
    assert 'partial "presslift/site-url.html"' in image_url


def test_the_theme_unit_test_data_builds_with_ananke(tmp_path, ananke, wxr):
    site = tmp_path / "site"
    convert_export(
        wxr / "wptrt-themeunittestdata.wordpress.xml", site, options=ConvertOptions(theme="ananke")
    )
    public = build_with_ananke(site, ananke, tmp_path)
    gallery = (public / "posts/post-format-gallery/index.html").read_text()
    assert 'class="wp-gallery-item"' in gallery
    caption = (public / "posts/post-format-image-caption/index.html").read_text()
    assert '<figure class="wp-caption' in caption
    aliases = [p for p in public.rglob("index.html") if 'http-equiv="refresh"' in p.read_text()[:600]]
    assert aliases


def test_the_default_theme_still_builds_the_same_content(tmp_path, hugo_build):
    export = tmp_path / "export.xml"
    export.write_text(EXPORT, encoding="utf-8")
    site = tmp_path / "site"
    convert_export(export, site)
    assert (site / "themes/presslift/theme.toml").is_file()
    public = hugo_build(site, tmp_path)
    page = (public / "posts/everything/index.html").read_text()
    assert page.count('class="wp-gallery-item"') == 2 and '<figure class="wp-caption' in page
    assert re.search(r'<h2 id="last-words"[^>]*>Outro</h2>', page) and '<span id="faq"></span>' in page
    assert 'data-search="/search/"' in (public / "index.html").read_text()  # where old /?s= searches go


@pytest.mark.parametrize("theme", ["", "../outside", "/abs", 'a"b', "x/../../y"])
def test_a_theme_name_that_is_not_one_is_refused(tmp_path, theme):
    export = tmp_path / "export.xml"
    export.write_text(EXPORT, encoding="utf-8")
    with pytest.raises(ConversionError, match="is not a theme name"):
        convert_export(export, tmp_path / "site", options=ConvertOptions(theme=theme))
    assert not (tmp_path / "site").exists()
