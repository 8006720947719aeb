"""The code shortcodes of SyntaxHighlighter Evolved, the plugin WordPress.com runs on every blog.

Besides `[code]`, `[sourcecode]` and `[source]` (with `language="..."`), it registers one shortcode per
language alias, so `[bash]...[/bash]` or `[php]...[/php]` is a code block on those blogs; without it,
the code was kept as text and every `array[i]` in it reported as a shortcode. Each alias is written as
the fence language Hugo's highlighter (Chroma) knows it by.
"""

from __future__ import annotations

import re

#: Each alias SyntaxHighlighter Evolved takes (its `syntaxhighlighter_brushes`), as a fence's language.
LANGUAGES = {
    "as3": "actionscript3",
    "actionscript3": "actionscript3",
    "arduino": "arduino",
    "bash": "bash",
    "shell": "bash",
    "coldfusion": "cfm",
    "cf": "cfm",
    "clojure": "clojure",
    "clj": "clojure",
    "cpp": "cpp",
    "c": "c",
    "c-sharp": "csharp",
    "csharp": "csharp",
    "css": "css",
    "delphi": "pascal",
    "pas": "pascal",
    "pascal": "pascal",
    "diff": "diff",
    "patch": "diff",
    "erl": "erlang",
    "erlang": "erlang",
    "fsharp": "fsharp",
    "go": "go",
    "golang": "go",
    "groovy": "groovy",
    "haskell": "haskell",
    "java": "java",
    "jfx": "javafx",
    "javafx": "javafx",
    "js": "javascript",
    "jscript": "javascript",
    "javascript": "javascript",
    "latex": "latex",
    "tex": "latex",
    "matlab": "matlab",
    "matlabkey": "matlab",
    "objc": "objective-c",
    "obj-c": "objective-c",
    "perl": "perl",
    "pl": "perl",
    "php": "php",
    "plain": "text",
    "text": "text",
    "ps": "powershell",
    "powershell": "powershell",
    "py": "python",
    "python": "python",
    "r": "r",
    "splus": "r",
    "rails": "ruby",
    "rb": "ruby",
    "ror": "ruby",
    "ruby": "ruby",
    "scala": "scala",
    "sql": "sql",
    "swift": "swift",
    "vb": "vb.net",
    "vbnet": "vb.net",
    "xml": "xml",
    "xhtml": "xml",
    "xslt": "xml",
    "html": "html",
    "yaml": "yaml",
    "yml": "yaml",
}
#: GeSHi's names that WP-Syntax's `<pre lang="...">` takes and Chroma spells otherwise.
GESHI_NAMES = {"java5": "java", "html4strict": "html", "html5": "html", "txt": "text", "lisp": "common-lisp"}
#: Short `lang` values that are code, not a natural language (`<pre lang="en">` is English text).
SHORT_CODE_NAMES = frozenset({*LANGUAGES, "ini", "lua", "tcl", "vim", "sql", "txt", "css", "json", "ocaml"})
_NATURAL_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
#: The shortcodes that hold code: the plugin's own three and every alias but `latex` and `r` (which it
#: leaves out as shortcodes: one collides with LaTeX plugins, the other is too short).
CODE_SHORTCODES = frozenset({"code", "sourcecode", "source", *LANGUAGES}) - {"latex", "r"}
_NOT_A_LANGUAGE = re.compile(r"[^\w+#.-]")


def fence_language(name: str, attrs: dict[str, str]) -> str:
    """The fence language of the code shortcode `name`: its own for an alias, else its `language`
    (or `lang`, or first bare) attribute, read as the plugin reads aliases."""
    return class_language(
        name if name in LANGUAGES else attrs.get("language") or attrs.get("lang") or attrs.get("0", "")
    )


def pre_language(value: str) -> str:
    """The fence language of a `<pre lang="...">` (WP-Syntax's form), or "" when the attribute names a
    natural language (`en`, `zh-CN`) rather than code."""
    value = value.strip().lower()
    if not value or (value not in SHORT_CODE_NAMES and _NATURAL_LANGUAGE.match(value)):
        return ""
    return class_language(value)


def class_language(value: str) -> str:
    """A language as a code block's class or attribute names it (`js`, `java5`), as Chroma knows it."""
    value = value.strip().lower()
    return LANGUAGES.get(value) or GESHI_NAMES.get(value) or _NOT_A_LANGUAGE.sub("", value)


# CodeColorer's shortcodes: `[cc lang="php"]`, or `cc` with its modes and a language, `[ccnLe_php]`
# (n: line numbers, L: no links, e: the code is HTML-escaped, i: inline; upper case turns one off).
CODECOLORER = re.compile(r"cc(?P<modes>[iesnbwlIESNBWL]*)(?:_(?P<lang>[^\s\]]+))?")
CODECOLORER_LANGUAGES = {"c#": "csharp", "cs": "csharp", "c++": "cpp", "f#": "fsharp", "fs": "fsharp"}
_ON = ("true", "1", "yes", "on")


def codecolorer(name: str, attrs: dict[str, str]) -> tuple[str, bool, bool] | None:
    """The fence language of a CodeColorer shortcode named `name` (as written: its modes' case
    matters), whether its code is HTML-escaped and whether it is inline; None for another shortcode.
    Without `e` the code is the post's text as written, which CodeColorer shows as it is."""
    found = CODECOLORER.fullmatch(name)
    if found is None:
        return None
    modes = found.group("modes")
    escaped = "e" in modes or attrs.get("escaped", "").strip().lower() in _ON
    inline = "i" in modes or attrs.get("inline", "").strip().lower() in _ON
    given = (found.group("lang") or attrs.get("lang", "")).strip().lower()
    return class_language(CODECOLORER_LANGUAGES.get(given, given)) if given else "", escaped, inline


def code_span(code: str) -> str:
    """`code` as one Markdown code span: fenced by more backticks than any run inside it."""
    code = " ".join(code.strip("\n").split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{'`' * (longest + 1)}{pad}{code}{pad}{'`' * (longest + 1)}"
