"""Mathematics as WordPress sites wrote it, kept as TeX that Hugo renders to MathML when it builds.

Math blogs wrote formulas in Jetpack's `$latex e^{i\\pi}+1=0$` (with its `&bg=`, `&fg=` and `&s=`
options, which were for the image it made) or `[latex]...[/latex]`, or for the MathJax plugins
between `\\(` `\\)`, `\\[` `\\]` or `$$` `$$`. As text they would come out as stray dollar signs and
backslashes, with the Markdown writer escaping their `_` and `^`. Each becomes Hugo's passthrough
`\\(TeX\\)` (inline) or `\\[TeX\\]` (display, a paragraph of its own), set aside from the Markdown
writer like a player; the site's hugo.toml turns on Goldmark's passthrough for these delimiters, and
a render hook (`_markup/render-passthrough.html`, in Presslift's theme and copied into a site with
another) renders it with `transform.ToMath` to MathML: no script, nothing fetched.

Code is never read as math: `<pre>` and `<code>` elements and `[code]`/`[sourcecode]` shortcodes are
left as they are. `$$` pairs count only around something TeX-like (a backslash, `^`, `_` or `{`),
so prices ("$$ to $$$") stay text. This module never fetches anything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

HAS_MATH = re.compile(r"\$latex\s|\[latex\]|\\\(|\\\[|\$\$")
_CODE = re.compile(r"(<pre\b.*?</pre\s*>|<code\b.*?</code\s*>|\[(code|sourcecode)\b.*?\[/\2\])", re.S | re.I)
_SPAN = re.compile(
    r"\$latex\s+(?P<jetpack>[^$]+?)\$"
    r"|\[latex\](?P<short>.*?)\[/latex\]"
    r"|\\\((?P<inline>.+?)\\\)"
    r"|\\\[(?P<display>.+?)\\\]"
    r"|\$\$(?P<dollars>[^$]*?[\\^_{][^$]*?)\$\$",
    re.S | re.I,
)
_JETPACK_OPTIONS = re.compile(r"(?:&(?:amp;)?(?:bg|fg|s)=[^&$]*)+\s*$", re.I)
_TAG = re.compile(r"<[^>]*>")


def _tex(raw: str) -> str:
    """TeX as written in the HTML source: tags an editor put inside dropped, entities read."""
    return html.unescape(_TAG.sub(" ", raw)).replace("\u00a0", " ").strip()


def math_to_passthrough(text: str, add: Callable[[str, bool], str]) -> tuple[str, int]:
    """`text` with each formula outside code replaced by `add(markdown, block)`'s token; how many."""
    count = 0

    def one(found: re.Match[str]) -> str:
        nonlocal count
        if found.group("jetpack") is not None:
            tex, block = _JETPACK_OPTIONS.sub("", found.group("jetpack")), False
        elif found.group("short") is not None:
            tex, block = found.group("short"), False
        elif found.group("inline") is not None:
            tex, block = found.group("inline"), False
        else:
            tex, block = found.group("display") or found.group("dollars") or "", True
        tex = _tex(tex)
        if not tex:
            return found.group(0)
        count += 1
        if block:
            return add(f"\\[{tex}\\]", True)
        return add(f"\\({' '.join(tex.split())}\\)", False)

    parts = _CODE.split(text)
    # split() with two groups gives [text, code, name, text, code, name, ...]: only the text is read.
    out = [_SPAN.sub(one, part) if index % 3 == 0 else part or "" for index, part in enumerate(parts)]
    return "".join(p for index, p in enumerate(out) if index % 3 != 2), count
