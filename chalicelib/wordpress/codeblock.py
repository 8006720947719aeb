"""A `<pre>` as a fenced code block whose text survives byte for byte, on both Markdown writers.

The block's text is what a browser shows (`pre_text`: `<br>` as a newline, the newline right after
`<pre>` dropped); its language is what the `<pre>` or its `<code>` names (`code_language`). Code lines
that are blank or end in white space carry a `KEEP` mark, so the clean-ups that squeeze blank lines
and trailing spaces (markdown.py, html.py) leave them alone; `release` takes the marks out last.

This module must never change the tree it is given.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.wordpress.syntaxshortcodes import class_language, pre_language

# U+FFFF can never come from an export (XML 1.0 forbids the character): it ends each code line that is
# blank or ends in whitespace, so the clean-ups that squeeze blank lines and trailing spaces leave
# code alone. `release` takes the marks out once the Markdown is final.
KEEP = "\uffff"
SAFE_LANGUAGE = re.compile(r"[^\w+#.-]")
# SyntaxHighlighter's `<pre class="brush: php; gutter: false">` (with or without the space).
BRUSH = re.compile(r"(?:^|[\s;])brush:\s*([\w+#.-]+)")


def fenced_code(code: str, language: str = "") -> str:
    """A fenced code block that renders exactly `code` (trailing newlines are invisible in a <pre>)."""
    code = code.replace(KEEP, "").rstrip("\n")
    fence = "```"
    while fence in code:
        fence += "`"
    lines = [line + KEEP if not line.strip() or line[-1].isspace() else line for line in code.split("\n")]
    return f"{fence}{SAFE_LANGUAGE.sub('', language)}\n" + "\n".join(lines) + f"\n{fence}"


def release(markdown: str) -> str:
    """The Markdown without the `KEEP` marks that protected code lines from clean-ups."""
    return markdown.replace(KEEP, "")


def pre_text(el: Any) -> str:
    """The text a browser shows for a `<pre>`: `<br>` as a newline, a newline right after `<pre>` dropped."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        parts.append(node.text or "")
        for child in node:
            if child.tag == "br":
                parts.append("\n")
            elif isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    text = "".join(parts)
    return text[1:] if (el.text or "").startswith("\n") else text


def code_language(el: Any) -> str:
    """The language a `<pre>` names: its or its `<code>`'s class (`language-x`, `lang-x`, Crayon's
    `lang:x`, SyntaxHighlighter's `brush: x; gutter: false`), else WP-Syntax's `lang` attribute."""
    for node in (el, el.find("code")):
        if node is None:
            continue
        classes = node.get("class") or ""
        if brush := BRUSH.search(classes):
            return class_language(brush.group(1))
        for cls in classes.split():
            for prefix in ("language-", "lang-", "lang:"):
                if cls.startswith(prefix) and len(cls) > len(prefix):
                    return class_language(cls[len(prefix) :])
    return pre_language(el.get("lang") or "")
