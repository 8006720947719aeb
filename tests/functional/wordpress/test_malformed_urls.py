"""One odd thing in one post (a URL Go cannot parse, backticks typed as text, braces that half look like
a Hugo shortcode) must not stop the whole site's build.

WordPress keeps whatever an author typed: a stray `%` ("50%-off"), a broken IPv6 host, a port that
is not a number, a control character. Browsers shrug; Hugo's `urls.Parse` fails the build, and every
link, image, embed and player goes through the theme's site-url partial."""

from __future__ import annotations

from pathlib import Path

from chalicelib.wordpress.converter import convert_export
from tests.functional.wordpress.wxr_items import item, write_export

MALFORMED = [
    "http://shop.example/50%-off",
    "/sale/100%",
    "http://[::1/x",
    "http://shop.example:port/",
    "http://shop.example/a\x7fb",
]


def test_links_images_and_embeds_with_malformed_urls_build_and_keep_their_url(
    tmp_path: Path, hugo_build
) -> None:
    body = "".join(
        f'<p><a href="{url}">link {n}</a> <img src="{url}" alt="image {n}"></p>\n[embed]{url}[/embed]\n'
        for n, url in enumerate(MALFORMED)
    )
    site = tmp_path / "site"
    convert_export(
        write_export(tmp_path / "export.xml", [item("Sale", post_id=1, slug="sale", content=body)]), site
    )
    page = (hugo_build(site, tmp_path) / "posts" / "sale" / "index.html").read_text()
    for n in range(len(MALFORMED)):
        assert f"link {n}</a>" in page and f'alt="image {n}"' in page
    # The URL as written, where the page writes it (Go's templates escape the stray "%" to "%25").
    assert 'href="http://shop.example/50%25-off"' in page and 'href="http://[::1/x"' in page


def test_backticks_typed_in_text_stay_text_and_the_site_builds(tmp_path: Path, hugo_build) -> None:
    # Three backticks at a line's start opened a fenced code block, and with a "{" after them one whose
    # attributes Goldmark could not parse: the whole build failed.
    body = "<p>```{config}</p>\n<p>Run `make` then ```python</p>\n<p>after</p>"
    site = tmp_path / "site"
    convert_export(
        write_export(tmp_path / "export.xml", [item("Ticks", post_id=1, slug="ticks", content=body)]), site
    )
    page = (hugo_build(site, tmp_path) / "posts" / "ticks" / "index.html").read_text()
    assert (
        "<p>```{config}</p>" in page and "<p>Run `make` then ```python</p>" in page and "<p>after</p>" in page
    )


def test_text_that_half_looks_like_a_hugo_shortcode_is_shown_and_the_site_builds(
    tmp_path: Path, hugo_build
) -> None:
    # "{{%{{< x >}}" was escaped to a comment form Hugo could not close: the whole build failed.
    body = "<p>a {{%{{< x >}} b</p>\n<p>c {{< y %}} d</p>\n<p>e {{< z */ w >}} f</p>\n<p>g {{< ok >}} h</p>"
    site = tmp_path / "site"
    convert_export(
        write_export(tmp_path / "export.xml", [item("Braces", post_id=1, slug="b", content=body)]), site
    )
    page = (hugo_build(site, tmp_path) / "posts" / "b" / "index.html").read_text()
    assert "{{&lt; x &gt;}}" in page and "{{&lt; ok &gt;}}" in page and "g " in page
