"""One post body through the converter, for tests that look only at the Markdown it becomes."""

from __future__ import annotations

from chalicelib.wordpress.html import BodyContext, convert_body


def markdown_of(html: str) -> str:
    """The Markdown of `html`, its links left as they are and no gallery, player host or warning."""
    context = BodyContext(
        rewrite_url=lambda url: url, gallery_images=lambda ids: [], warn=lambda *a: None, iframe_hosts=()
    )
    return convert_body(html, context).markdown
