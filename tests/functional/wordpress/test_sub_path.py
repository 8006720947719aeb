"""Converted sites work when served below a sub-path baseURL, as the pipeline serves them.

Every href/src of the built site reaches a file of the site, old `?p=ID` links are sent on by the
home page's script, and the demo builds with no Hugo warning.
"""

import json
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import frontmatter
import pytest

from chalicelib.wordpress import convert_export
from tests.functional.wordpress.conftest import build_with_log
from tests.functional.wordpress.linkcheck import broken_links
from tests.functional.wordpress.wxr_items import item, write_export

BASE_URL = "http://127.0.0.1:8000/sites/demo/staging/"
BASE_PATH = urlsplit(BASE_URL).path


def missing_media_urls(report):
    return {f"{BASE_PATH}wp-content/uploads/{w.item}" for w in report.warnings if w.code == "missing-media"}


def test_demo_under_a_sub_path_has_no_broken_link_and_no_warning(tmp_path, demo, demo_uploads):
    site = tmp_path / "site"
    convert_export(demo / "export.xml", site, uploads=demo_uploads)
    public, log = build_with_log(site, tmp_path, BASE_URL)
    assert [line for line in log.splitlines() if "WARN" in line] == []
    assert broken_links(public, BASE_URL) == []
    home = (public / "index.html").read_text()
    assert f'href="{BASE_PATH}css/' in home and "./sites/" not in home


def test_theme_unit_test_under_a_sub_path_has_no_broken_link(wxr, tmp_path):
    site = tmp_path / "site"
    report = convert_export(wxr / "wptrt-themeunittestdata.wordpress.xml", site)
    public, _ = build_with_log(site, tmp_path, BASE_URL)
    # With no uploads archive the media files are missing (and reported); their links must still
    # carry the sub-path, so they work once the files are there.
    missing = missing_media_urls(report)
    broken = [b for b in broken_links(public, BASE_URL) if urlsplit(b.split(": ", 1)[1]).path not in missing]
    assert broken == []
    assert missing


@pytest.mark.parametrize(
    ("shortcode", "expected"),
    [
        (
            '{{< caption src="/wp-content/uploads/a.png" alt="A" link="/wp-content/uploads/a.png" '
            'caption="Cap" >}}',
            [
                f'src="{BASE_PATH}wp-content/uploads/a.png"',
                f'href="{BASE_PATH}wp-content/uploads/a.png"',
                "<figcaption>Cap</figcaption>",
            ],
        ),
        (
            "{{< gallery >}}\n/wp-content/uploads/a.png | A | Cap\n{{< /gallery >}}",
            [f'src="{BASE_PATH}wp-content/uploads/a.png"', f'href="{BASE_PATH}wp-content/uploads/a.png"'],
        ),
        (
            '{{< video src="/wp-content/uploads/v.mp4" poster="/wp-content/uploads/a.png" />}}',
            [f'src="{BASE_PATH}wp-content/uploads/v.mp4"', f'poster="{BASE_PATH}wp-content/uploads/a.png"'],
        ),
        ('{{< audio src="/wp-content/uploads/s.mp3" />}}', [f'src="{BASE_PATH}wp-content/uploads/s.mp3"']),
        ('{{< audio src="https://cdn.example/s.mp3" />}}', ['src="https://cdn.example/s.mp3"']),
    ],
)
def test_media_shortcodes_put_site_paths_under_the_sub_path(tmp_path, demo, shortcode, expected):
    site = tmp_path / "site"
    convert_export(demo / "export.xml", site)
    page = site / "content/posts/shortcode-check/index.md"
    page.parent.mkdir(parents=True)
    page.write_text(f"---\ntitle: Shortcode check\n---\n\n{shortcode}\n")
    public, _ = build_with_log(site, tmp_path, BASE_URL)
    html = (public / "posts/shortcode-check/index.html").read_text()
    for fragment in expected:
        assert fragment in html


def redirect_target(public, query: str) -> str:
    """Runs the home page's redirect script file in Node with `query` as the location's search string,
    `fetch` answering from the built site; the URL it sends the visitor to, or ""."""
    home = (public / "index.html").read_text()
    tag = re.search(
        r'<script src="([^"]+)"[^>]*data-map="([^"]+)" data-keys="([^"]+)" data-base="([^"]+)"'
        r'(?: data-search="([^"]+)")?></script>',
        home,
    )
    assert tag, "the home page does not load the redirect script"
    src, map_url, keys, base, search = tag.groups()
    assert src.startswith(BASE_PATH) and map_url.startswith(BASE_PATH) and base == BASE_PATH
    assert search == f"{BASE_PATH}search/"
    script = (public / src[len(BASE_PATH) :]).read_text()
    mapping = (public / map_url[len(BASE_PATH) :]).read_text()
    attributes = json.dumps(
        {"data-map": map_url, "data-keys": keys, "data-base": base, "data-search": search}
    )
    stub = (
        "var sent = null, asked = [];"
        f"var attributes = {attributes};"
        "var document = {currentScript: {getAttribute: function (n) { return attributes[n]; }}};"
        f"var window = {{location: {{search: {json.dumps(query)}, hash: '#c1',"
        " replace: function (u) { sent = u; }}};"
        "function fetch(url) { asked.push(url);"
        f" return Promise.resolve({{ok: true, json: function () {{ return {mapping}; }}}}); }}"
    )
    report = "setTimeout(function () { console.log(JSON.stringify({sent: sent, asked: asked})); }, 0);"
    result = subprocess.run(
        ["node", "-e", stub + script + ";" + report], capture_output=True, text=True, timeout=30, check=True
    )
    outcome = json.loads(result.stdout)
    # The map is fetched only for an address that carries an old ID key (a search needs none).
    assert outcome["asked"] == ([map_url] if query and not query.startswith("?s=") else [])
    return outcome["sent"] or ""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the redirect script")
@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("?p=11", f"{BASE_PATH}posts/harbour-sourdough-recipe/#c1"),
        ("?page_id=20", f"{BASE_PATH}about/#c1"),
        ("?attachment_id=105", f"{BASE_PATH}about/our-team/#c1"),
        ("?p=20", f"{BASE_PATH}about/#c1"),  # WordPress answers ?p= for pages too
        ("?cat=2", f"{BASE_PATH}categories/news/#c1"),
        ("?tag=rye", f"{BASE_PATH}tags/rye/#c1"),
        ("?author=2", f"{BASE_PATH}authors/sam-okafor/#c1"),
        ("?feed=rss2&utm_source=x", f"{BASE_PATH}index.xml#c1"),
        ("?p=999999", ""),
        ("", ""),
        ("?s=rye+bread", f"{BASE_PATH}search/?q=rye%20bread"),  # an old search: the search page
    ],
)
def test_old_id_links_are_sent_on_under_the_sub_path(tmp_path, demo, query, target):
    site = tmp_path / "site"
    convert_export(demo / "export.xml", site)
    public, _ = build_with_log(site, tmp_path, BASE_URL)
    sent = redirect_target(public, query)
    assert sent == target
    if sent:
        path = public / sent[len(BASE_PATH) :].split("#")[0].split("?")[0]
        assert path.is_file() or (path / "index.html").is_file()


def test_a_menus_own_path_on_the_old_site_is_served_below_the_sub_path(tmp_path):
    """A custom link `/blog/type/audio/` on a site at /blog (a post format's archive, which no page
    here answers by name) was written as is, and Hugo put the baseURL's path before it again:
    `/blog/blog/type/audio/`, a 404 in the header of twelve real theme demos."""
    meta = (
        ("_menu_item_type", "custom"),
        ("_menu_item_object", "custom"),
        ("_menu_item_object_id", "9"),
        ("_menu_item_menu_item_parent", "0"),
        ("_menu_item_url", "/blog/type/audio/#top"),
    )
    items = [
        item("Audio", post_id=9, post_type="nav_menu_item", terms=(("nav_menu", "main", "Main"),), meta=meta),
        item("Hello", post_id=1, slug="hello", link="https://old.example/blog/hello/"),
    ]
    site = tmp_path / "site"
    convert_export(write_export(tmp_path / "export.xml", items, site="https://old.example/blog"), site)
    assert 'url = "/type/audio/#top"' in (site / "hugo.toml").read_text()
    public, _ = build_with_log(site, tmp_path, BASE_URL)
    assert f'href="{BASE_PATH}type/audio/#top"' in (public / "index.html").read_text()


def test_links_to_the_old_home_archives_and_feeds_of_a_site_at_a_path_lead_to_the_new_ones(tmp_path):
    """A site at https://old.example/blog: its home, month archives, feed, later pages and searches,
    linked in posts and menus, stayed links to the old site (its posts' links were rewritten)."""
    old = "https://old.example/blog"
    links = [("", "home"), ("2024/05/", "May"), ("feed/", "feed"), ("page/2/", "older"), ("?s=rye", "search")]
    body = "<p>" + " ".join(f'<a href="{old}/{path}">{text}</a>' for path, text in links)
    body += ' <a href="https://old.example/other/">other</a></p>'
    items = [item("Hello", post_id=1, slug="hello", link="https://old.example/blog/hello/", content=body)]
    site = tmp_path / "site"
    convert_export(write_export(tmp_path / "export.xml", items, site="https://old.example/blog"), site)
    written = (site / "content/posts/hello/index.md").read_text()
    for link in ("[home](/)", "[May](/archives/2024-05/)", "[feed](/feed/)", "[older](/page/2/)"):
        assert link in written, link
    assert "[search](/?s=rye)" in written
    assert "[other](https://old.example/other/)" in written  # outside the site: as written


def test_archives_under_the_permalinks_front_answer_and_are_linked_to(tmp_path):
    """With /blog/%postname%/ WordPress puts the front before the archives too (/blog/category/x/,
    /blog/tag/x/, /blog/author/x/): a theme's 8 categories, 16 tags and 2 authors answered nothing
    there, and links to them stayed links to the old host."""
    old = "https://old.example"
    links = [("blog/category/news/", "news"), ("blog/tag/foo/", "foo"), ("blog/author/ann/", "ann")]
    body = "<p>" + " ".join(f'<a href="{old}/{path}">{text}</a>' for path, text in links) + "</p>"
    terms = (("category", "news", "News"), ("post_tag", "foo", "Foo"))
    items = [
        item("Hello", post_id=1, slug="hello", link=f"{old}/blog/hello/", content=body, terms=terms),
        item("Two", post_id=2, slug="two", link=f"{old}/blog/two/"),
    ]
    site = tmp_path / "site"
    convert_export(write_export(tmp_path / "export.xml", items), site)
    written = (site / "content/posts/hello/index.md").read_text()
    for link in ("[news](/categories/news/)", "[foo](/tags/foo/)", "[ann](/authors/ann/)"):
        assert link in written, link
    news = frontmatter.load(site / "content/categories/news/_index.md")
    assert {"/category/news/", "/blog/category/news/"} <= set(news["aliases"])


def test_a_menus_link_to_the_front_controller_leads_to_the_new_home(tmp_path):
    """`index.php/#about` (a one-page theme's menu) led to /index.php/ on every page of the new site."""
    meta = (
        ("_menu_item_type", "custom"),
        ("_menu_item_object", "custom"),
        ("_menu_item_object_id", "9"),
        ("_menu_item_menu_item_parent", "0"),
        ("_menu_item_url", "index.php/#about"),
    )
    items = [
        item("About", post_id=9, post_type="nav_menu_item", terms=(("nav_menu", "main", "Main"),), meta=meta)
    ]
    site = tmp_path / "site"
    convert_export(write_export(tmp_path / "export.xml", items), site)
    assert 'url = "/#about"' in (site / "hugo.toml").read_text()
