"""The language of a code block that a plugin keeps in the block's settings, on its `<pre>`.

WordPress's own code block names no language, and the plugins that add one keep it in the block's
comment, not in its HTML: SyntaxHighlighter Evolved's `<!-- wp:syntaxhighlighter/code {"language":
"python"} -->` around a bare `<pre class="wp-block-syntaxhighlighter-code">`, CodeMirror Blocks'
`{"mode": "shell"}`, Code Block Pro's and Enlighter's `{"language": ...}`; Simple Code Block writes it
as the `<pre>`'s `data-mode`. Dropping the block comments left a fence with no language (36 blocks
of one real blog). Before the comments go, the block's first `<pre>` gets the language as a
`language-x` class, which both Markdown writers read.

Never: touch a `<pre>` that names its language already, or take a value that is no plain word.
"""

from __future__ import annotations

import json
import re

#: A plugin block's opening comment (a block whose name says it holds code is looked at).
_CODE_BLOCK = re.compile(r"<!--\s*wp:([a-z][a-z0-9-]*/[a-z][a-z0-9-]*)(\s+\{[^>]*?\})?\s*-->")
_PRE = re.compile(r"<pre\b([^>]*)>", re.I)
_CLASS = re.compile(r"""\sclass\s*=\s*(["'])(.*?)\1""", re.I | re.S)
_DATA_LANGUAGE = re.compile(r"""\sdata-(?:mode|lang|language)\s*=\s*(["'])([\w+#.-]{1,30})\1""", re.I)
_NAMED = re.compile(r"""\slang\s*=|(?:^|\s)(?:language-|lang-|lang:|brush:)""", re.I)
_WORD = re.compile(r"[\w+#.-]{1,30}")
#: The settings a plugin keeps its language in, in the order they are looked at.
SETTINGS = ("language", "lang", "mode")


def with_code_languages(text: str) -> str:
    """`text` (a post's block HTML) with each plugin code block's language on its `<pre>`."""
    if "code" not in text or "<pre" not in text.lower():
        return text
    out: list[str] = []
    last = 0
    for block in _CODE_BLOCK.finditer(text):
        if "code" not in block.group(1):
            continue
        language = _setting(block.group(2) or "")
        end = text.find(f"<!-- /wp:{block.group(1)}", block.end())
        pre = _PRE.search(text, block.end(), end if end >= 0 else len(text))
        if pre is None or pre.start() < last:
            continue
        attributes = pre.group(1)
        if _NAMED.search(attributes) or _NAMED.search(_class(attributes)):
            continue
        if not language and (data := _DATA_LANGUAGE.search(attributes)):
            language = data.group(2)
        if not language:
            continue
        out.append(text[last : pre.start()])
        out.append(f"<pre{_with_class(attributes, 'language-' + language)}>")
        last = pre.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _setting(raw: str) -> str:
    """The language a block's settings (JSON, as WordPress writes it) name, or ""."""
    if not raw:
        return ""
    try:
        settings = json.loads(raw)
    except ValueError:
        return ""
    if not isinstance(settings, dict):
        return ""
    for key in SETTINGS:
        value = settings.get(key)
        if isinstance(value, str) and _WORD.fullmatch(value):
            return value.lower()
    return ""


def _class(attributes: str) -> str:
    found = _CLASS.search(attributes)
    return " " + found.group(2) if found else ""


def _with_class(attributes: str, name: str) -> str:
    found = _CLASS.search(attributes)
    if found is None:
        return f'{attributes} class="{name}"'
    quote, value = found.group(1), found.group(2)
    return f"{attributes[: found.start()]} class={quote}{value} {name}{quote}{attributes[found.end() :]}"
