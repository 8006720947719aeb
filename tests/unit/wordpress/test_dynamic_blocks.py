"""Blocks with no HTML of their own: social links become links, what WordPress builds at view time is
named in one warning, and everything else is left for the usual block handling."""

from __future__ import annotations

from chalicelib.wordpress.html import BodyContext, convert_body


def body(text: str, terms: dict[int, str] | None = None) -> tuple[str, list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    categories = terms or {}
    result = convert_body(
        text,
        BodyContext(
            rewrite_url=lambda url: url,
            gallery_images=lambda ids: [],
            warn=lambda code, message: warnings.append((code, message)),
            iframe_hosts=(),
            term_value=lambda taxonomy, term_id: (
                categories.get(term_id, "") if taxonomy == "category" else ""
            ),
        ),
    )
    return result.markdown, warnings


def test_social_links_keep_their_addresses() -> None:
    markdown, warnings = body(
        '<!-- wp:social-links --><ul class="wp-block-social-links">'
        '<!-- wp:social-link {"url":"https://github.com/acme","service":"github"} /-->'
        '<!-- wp:social-link {"url":"https://example.org/feed","service":"feed","label":"Our feed"} /-->'
        '<!-- wp:social-link {"service":"x"} /--><!-- wp:social-link {"url":"javascript:alert(1)"} /-->'
        "</ul><!-- /wp:social-links -->"
    )
    assert (
        "- [GitHub](https://github.com/acme)" in markdown
        and "- [Our feed](https://example.org/feed)" in markdown
    )
    assert "javascript" not in markdown and warnings == []


def test_what_wordpress_builds_when_viewed_is_named_once() -> None:
    markdown, warnings = body(
        "<!-- wp:paragraph --><p>News</p><!-- /wp:paragraph -->"
        '<!-- wp:calendar /--><!-- wp:rss {"feedURL":"https://example.org/feed"} /--><!-- wp:calendar /-->'
        '<!-- wp:query {"queryId":1,"query":{"inherit":true}} --><div class="wp-block-query">'
        "<!-- wp:post-template --><!-- wp:post-title /--><!-- /wp:post-template --></div><!-- /wp:query -->"
    )
    assert markdown.strip() == "News"
    assert warnings == [
        (
            "dynamic-block",
            "left out what WordPress builds when the page is viewed: query, calendar, rss",
        )
    ]


def test_the_lists_the_theme_builds_become_its_shortcodes() -> None:
    """Archives, Latest Posts, Categories, Tag Cloud and Search are built from the new site's own
    posts and terms, with the block's settings or WordPress's defaults."""
    markdown, warnings = body(
        "<!-- wp:paragraph --><p>News</p><!-- /wp:paragraph -->"
        '<!-- wp:latest-posts {"postsToShow":3,"displayPostDate":true,"displayPostContent":true,'
        '"excerptLength":20,"categories":[{"id":8,"value":"Articles"},{"id":9,"name":"Long reads"}]} /-->'
        '<!-- wp:archives {"type":"yearly","showPostCounts":true} /--><!-- wp:archives /-->'
        '<!-- wp:categories {"showPostCounts":true} /--><!-- wp:tag-cloud {"numberOfTags":10} /-->'
        '<!-- wp:search {"label":"Find \\"it\\"","buttonPosition":"no-button","showLabel":false} /-->'
        '<!-- wp:page-list /--><!-- wp:page-list {"parentPageID":1234,"isNested":true} /-->'
    )
    assert markdown.strip().split("\n\n") == [
        "News",
        '{{< latest-posts count="3" orderby="date" order="desc" categories="Articles|Long reads" date="true"'
        ' content="excerpt" words="20" >}}',
        '{{< archives type="yearly" showcount="true" >}}',
        '{{< archives type="monthly" >}}',
        '{{< terms taxonomy="categories" showcount="true" >}}',
        '{{< terms taxonomy="tags" cloud="true" limit="10" >}}',
        '{{< search-form label=`Find "it"` >}}',
        "{{< page-list >}}",
        '{{< page-list parent="1234" >}}',
    ]
    assert warnings == []


def test_a_list_the_theme_cannot_build_as_wordpress_did_is_said() -> None:
    markdown, warnings = body(
        '<!-- wp:latest-posts {"categories":"3","postsToShow":"lots"} /-->'
        '<!-- wp:tag-cloud {"taxonomy":"genre"} /--><!-- wp:archives {"type":5} /-->'
    )
    assert '{{< latest-posts count="5" orderby="date" order="desc" >}}' in markdown
    assert '{{< archives type="monthly" >}}' in markdown and "terms" not in markdown
    assert warnings == [
        (
            "dynamic-block",
            "latest posts: its categories are not in the export; it lists every category's posts",
        ),
        ("dynamic-block", "left out what WordPress builds when the page is viewed: tag-cloud"),
    ]


def test_classic_bodies_and_ordinary_blocks_are_untouched() -> None:
    markdown, warnings = body("<p>Not a block: a/--> b</p>")
    assert "Not a block: a/--" in markdown and warnings == []
    markdown, warnings = body('<!-- wp:separator --><hr class="wp-block-separator"/><!-- /wp:separator -->')
    assert "---" in markdown and warnings == []


def test_an_open_block_is_never_read_as_one_with_a_later_self_closing_block() -> None:
    markdown, warnings = body(
        '<!-- wp:comments {"className":"x"} --><div><p>Kept text</p></div><!-- /wp:comments -->'
        '<!-- wp:social-link {"url":"https://github.com/acme","service":"github"} /-->'
    )
    assert "Kept text" in markdown and "[GitHub](https://github.com/acme)" in markdown
    assert warnings == []


def test_a_query_loop_of_posts_is_a_latest_posts_list_showing_what_its_template_shows() -> None:
    loop = (
        '<!-- wp:query {"queryId":3,"query":{"perPage":4,"postType":"post","order":"asc","orderBy":"title",'
        '"inherit":false,"taxQuery":{"category":[7,8]}},"displayLayout":{"type":"flex","columns":2}} -->'
        '<div class="wp-block-query"><!-- wp:post-template --><!-- wp:post-featured-image /-->'
        '<!-- wp:post-title {"isLink":true} /--><!-- wp:post-date /-->'
        '<!-- wp:post-excerpt {"excerptLength":12} /-->'
        "<!-- /wp:post-template --><!-- wp:query-pagination --><!-- wp:query-pagination-next /-->"
        "<!-- /wp:query-pagination --></div><!-- /wp:query -->"
    )
    markdown, warnings = body(loop, {7: "News", 8: "Long reads"})
    assert markdown.strip() == (
        '{{< latest-posts count="4" orderby="title" order="asc" categories="News|Long reads" date="true"'
        ' image="true" content="excerpt" words="12" grid="2" >}}'
    )
    assert warnings == []
    markdown, warnings = body(loop.replace('"query":{', '"query":{"author":"3","search":"x",'), {7: "News"})
    assert 'categories="News"' in markdown
    assert warnings == [
        (
            "dynamic-block",
            "query loop: lists the newest posts, not narrowed by its terms, author, search as WordPress did",
        )
    ]
    markdown, warnings = body(loop.replace('"postType":"post"', '"postType":"page"'))
    assert "latest-posts" not in markdown and warnings == [
        ("dynamic-block", "left out what WordPress builds when the page is viewed: query")
    ]


def test_a_plugins_block_that_saved_no_html_is_named_too() -> None:
    """WordPress.com's `a8c/blog-posts` (a "Related Post" section, a timeline's entries) vanished from
    seven pages without a word."""
    markdown, warnings = body(
        "<!-- wp:paragraph --><p>Living the dream</p><!-- /wp:paragraph -->"
        '<!-- wp:a8c/blog-posts {"specificPosts":["1338"],'
        '"sectionHeader":"\\u003cstrong\\u003eRelated\\u003c/strong\\u003e"} /-->'
        "<!-- wp:jetpack/related-posts /-->"
    )
    assert markdown.strip() == "Living the dream"
    assert warnings == [
        (
            "dynamic-block",
            "left out what WordPress builds when the page is viewed: a8c/blog-posts, jetpack/related-posts",
        )
    ]


def test_a_themes_pattern_or_template_part_is_named_with_its_slug() -> None:
    """A block theme's `wp:pattern` (12 on a real site's home and service pages) and `wp:template-part`
    hold only a slug: their HTML is in the theme's files. They vanished with "no warnings"."""
    markdown, warnings = body(
        "<!-- wp:paragraph --><p>Intro</p><!-- /wp:paragraph -->"
        '<!-- wp:pattern {"slug":"alvaro-ia-theme/hero"} /-->'
        '<!-- wp:template-part {"slug":"cta-banner","theme":"mytheme"} /-->'
        "<!-- wp:pattern /-->"
    )
    assert markdown.strip() == "Intro"
    assert warnings == [
        (
            "dynamic-block",
            "left out what WordPress builds when the page is viewed: pattern alvaro-ia-theme/hero "
            "(the theme's), template-part cta-banner (the theme's), pattern (the theme's)",
        )
    ]
