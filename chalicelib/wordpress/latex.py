"""Mathematics as WordPress sites wrote it, kept as TeX that Hugo renders to MathML when it builds.

Math blogs wrote formulas in Jetpack's `$latex e^{i\\pi}+1=0$` (with its `&bg=`, `&fg=` and `&s=`
options, which were for the image it made) or `[latex]...[/latex]` (WP LaTeX's `display="true"` a
display formula), or for the MathJax plugins between `\\(` `\\)`, `\\[` `\\]` or `$$` `$$`.
As text they would come out as stray dollar signs and
backslashes, with the Markdown writer escaping their `_` and `^`. Each becomes Hugo's passthrough
`\\(TeX\\)` (inline) or `\\[TeX\\]` (display, a paragraph of its own), set aside from the Markdown
writer like a player; the site's hugo.toml turns on Goldmark's passthrough for these delimiters, and
a render hook (`_markup/render-passthrough.html`, in Presslift's theme and copied into a site with
another) renders it with `transform.ToMath` to MathML: no script, nothing fetched.

WordPress 6.9's own math block (`<!-- wp:math {"latex": ...} -->` around the MathML it made) and
inline math format (`<math data-latex="...">`) keep their TeX in the markup: it is read from there
(or from a MathML `<annotation encoding="application/x-tex">`, as MathJax and KaTeX write it), and
the MathML, which Markdown cannot hold, is made again by Hugo. MathML without TeX is left as it is.

Code is never read as math: `<pre>` and `<code>` elements and `[code]`/`[sourcecode]` shortcodes are
left as they are. `$$` pairs count only around something TeX-like (a backslash, `^`, `_` or `{`),
so prices ("$$ to $$$") stay text. This module never fetches anything.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

HAS_MATH = re.compile(r"\$latex\s|\[latex[\]\s]|\\\(|\\\[|\$\$|<math\b|wp:math\s")
_CODE = re.compile(r"(<pre\b.*?</pre\s*>|<code\b.*?</code\s*>|\[(code|sourcecode)\b.*?\[/\2\])", re.S | re.I)
_SPAN = re.compile(
    r"\$latex\s+(?P<jetpack>[^$]+?)\$"
    r"|\[latex(?P<short_attrs>\s[^\]]*)?\](?P<short>.*?)\[/latex\]"
    r"|\\\((?P<inline>.+?)\\\)"
    r"|\\\[(?P<display>.+?)\\\]"
    r"|\$\$(?P<dollars>[^$]*?[\\^_{][^$]*?)\$\$"
    r"|<!--\s*wp:math\s+(?P<block_attrs>\{.*?\})\s*-->.*?<!--\s*/wp:math\s*-->"
    r"|<math\b(?P<math_attrs>[^>]*)>(?P<mathml>.*?)</math\s*>",
    re.S | re.I,
)
_JETPACK_OPTIONS = re.compile(r"(?:&(?:amp;)?(?:bg|fg|s)=[^&$]*)+\s*$", re.I)
_TAG = re.compile(r"<[^>]*>")
_DATA_LATEX = re.compile(r"""\bdata-latex\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_DISPLAY_TRUE = re.compile(r"""\bdisplay\s*=\s*["']?(?:true|block|yes|1)\b""", re.I)
_DISPLAY_BLOCK = re.compile(r"""\bdisplay\s*=\s*["']?block\b""", re.I)
_TEX_ANNOTATION = re.compile(
    r"<annotation\b[^>]*encoding\s*=\s*[\"']application/x-tex[\"'][^>]*>(.*?)</annotation", re.S | re.I
)


def _tex(raw: str) -> str:
    """TeX as written in the HTML source: tags an editor put inside dropped, entities read."""
    return html.unescape(_TAG.sub(" ", raw)).replace("\u00a0", " ").strip()


def _block_latex(attributes: str) -> str:
    """The math block's `latex` attribute (from its comment's JSON, as the editor serialized it)."""
    try:
        value = json.loads(attributes).get("latex")
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


def _mathml_latex(attributes: str, mathml: str) -> tuple[str, bool]:
    """The TeX a `<math>` element carries (its `data-latex`, or a TeX annotation), and whether it is
    a display formula."""
    block = bool(_DISPLAY_BLOCK.search(attributes))
    found = _DATA_LATEX.search(attributes)
    if found:
        return found.group(1) if found.group(1) is not None else found.group(2), block
    annotation = _TEX_ANNOTATION.search(mathml)
    return (annotation.group(1) if annotation else ""), block


def math_to_passthrough(text: str, add: Callable[[str, bool], str]) -> tuple[str, int]:
    """`text` with each formula outside code replaced by `add(markdown, block)`'s token; how many."""
    count = 0

    def one(found: re.Match[str]) -> str:
        nonlocal count
        if found.group("block_attrs") is not None:  # TeX as the editor stored it: not HTML
            tex, block = _block_latex(found.group("block_attrs")).strip(), True
        elif found.group("math_attrs") is not None:  # an attribute's or annotation's text: entities only
            tex, block = _mathml_latex(found.group("math_attrs"), found.group("mathml"))
            tex = html.unescape(tex).strip()
        elif found.group("jetpack") is not None:
            tex, block = _JETPACK_OPTIONS.sub("", found.group("jetpack")), False
        elif found.group("short") is not None:  # WP LaTeX's `[latex display="true"]` is a display formula
            tex, block = found.group("short"), bool(_DISPLAY_TRUE.search(found.group("short_attrs") or ""))
        elif found.group("inline") is not None:
            tex, block = found.group("inline"), False
        else:
            tex, block = found.group("display") or found.group("dollars") or "", True
        if found.group("block_attrs") is None and found.group("math_attrs") is None:
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
