"""The old site's XML sitemaps lead to the new one: search engines keep fetching the addresses they
were given.

A WordPress site's sitemap was WordPress's own (5.5 and later: `/wp-sitemap.xml`, split into
`/wp-sitemap-posts-post-1.xml` and the like, 2,000 entries each) or an SEO plugin's (Yoast and Rank
Math: `/sitemap_index.xml`, `/post-sitemap.xml`, `/post-sitemap2.xml`, ... 1,000 entries each). The
export does not say which, and a site owner has registered one of them with Google and Bing. Hugo
writes one `/sitemap.xml`; each of those addresses becomes a 301 to it, as rules of a `_redirects`
file (`static/_redirects`), which Presslift publishes as S3 redirects and Netlify and Cloudflare
Pages read as they are: a sitemap's address is a file, which Hugo's aliases (folders) cannot be.

This module must never write files or read the clock: it only spells the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

TARGET = "/sitemap.xml"
CORE_PER_SITEMAP = 2000  # WordPress core's wp_sitemaps_get_max_urls()
PLUGIN_PER_SITEMAP = 1000  # Yoast's and Rank Math's default
TERM_TAXONOMIES = ("category", "post_tag")
POST_TYPE = re.compile(r"[a-z0-9_-]{1,20}")  # what register_post_type accepts


def _pages(count: int, per_sitemap: int) -> int:
    return max(1, -(-count // per_sitemap))


def sitemap_paths(published: Mapping[str, int], taxonomies: Iterable[str] = TERM_TAXONOMIES) -> list[str]:
    """The sitemap addresses the old site may have had, for `published` items by post type."""
    paths = ["/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml.gz", "/wp-sitemap-users-1.xml"]
    paths.append("/author-sitemap.xml")
    for kind, count in sorted(published.items()):
        if count <= 0 or not POST_TYPE.fullmatch(kind):
            continue
        paths += [f"/wp-sitemap-posts-{kind}-{n}.xml" for n in range(1, _pages(count, CORE_PER_SITEMAP) + 1)]
        paths.append(f"/{kind}-sitemap.xml")
        paths += [f"/{kind}-sitemap{n}.xml" for n in range(2, _pages(count, PLUGIN_PER_SITEMAP) + 1)]
    for taxonomy in taxonomies:
        paths += [f"/wp-sitemap-taxonomies-{taxonomy}-1.xml", f"/{taxonomy}-sitemap.xml"]
    return list(dict.fromkeys(path for path in paths if path != TARGET))


def redirects_file(published: Mapping[str, int], taxonomies: Iterable[str] = TERM_TAXONOMIES) -> str:
    """`static/_redirects`: each old sitemap address to Hugo's, one 301 a line."""
    lines = ["# The old site's sitemaps lead to Hugo's (written by presslift convert)."]
    lines += [f"{path} {TARGET} 301" for path in sitemap_paths(published, taxonomies)]
    return "\n".join(lines) + "\n"
