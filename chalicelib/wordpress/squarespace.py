"""What Squarespace's export (its "WordPress" XML) writes where WordPress keeps text of its own.

Squarespace exports each image as an attachment whose excerpt (WordPress's caption) and content
(its description) hold a placeholder made of the image's id, `exc-5134cbefe4b0c6fb04df8065` and
`img-5134cbefe4b0c6fb04df8065`, not text anyone wrote: read as a caption, it showed that id under
every featured image of a site moved from Squarespace.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"(?:exc|img)-[0-9a-f]{24}")


def written_text(text: str) -> str:
    """`text`, or "" when it is one of Squarespace's id placeholders."""
    return "" if _PLACEHOLDER.fullmatch(text) else text
