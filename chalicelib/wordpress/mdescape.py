"""Text that Markdown would read as markup, escaped so that it shows as the text WordPress showed.

A post's text was text in WordPress: a paragraph that starts "1986. A great year." or "- a dash", a
tutorial that writes about `&lt;div&gt;`, a line "[1]: see below". Goldmark reads each as markup (a
list numbered from 1986, a bullet, raw HTML that the site drops, a link reference definition that
swallows the line), so the text was lost or changed. Two sets of escapes, both backslashes, which
CommonMark removes before any ASCII punctuation (an escape too many is harmless; one too few loses
text):

- `inline`, anywhere in text: `*`, `_` (but between two letters or digits, where it is no emphasis),
  `^`, `~` and backticks (emphasis, Hugo's superscript and subscript, code); a run of `=` or `+` that
  could open Hugo's `==mark==` or `++insert++` (`x==y`, `++i`: all but its first character; `C++` and `a
  == b` can only close one, and stay as written); `<` before what could open a tag, comment or autolink,
  and the `<` or `%` of a Hugo shortcode's opening (`{{<`, which Hugo would run); `&` before what reads
  as an entity; `]` before `(` or `:` (a link, a link reference definition); a backslash before
  punctuation, a space or at the text's end (it would escape what follows, show nothing with the
  space (mdflank.py), or make a line break).
- `heading`, for a heading's text: a `{...}` that ends it (Goldmark would take it for the
  heading's attributes) and a closing run of `#`.
- `line_start`, for text that begins a line: `#` of a heading, `>` of a quote, `-`/`+` bullets,
  `1.`/`1)` numbers, `:` of a definition, a line of `=` or `-` (a heading's underline), `{` of a
  block's attributes (`{.note}` after a paragraph; `{{` is left for escape_hugo_shortcodes), and a
  list item's `[ ]` or `[x]` (a task list's checkbox).

Text in other places Markdown or Hugo reads has its own rules here: a link's text and an image's alt
(`LINK_TEXT`: brackets too), a link's or image's title (`title_text`), an excerpt written to front
matter (`markdown_text`: Hugo renders a summary as Markdown), and a shortcode parameter
(`shortcode_param`, which follows how Hugo reads quoted values, measured).

Both writers (markdown.py, rare_markdown.py) use these, so a body reads the same whichever wrote it.
"""

from __future__ import annotations

import re

# What may need an escape, for one cheap search before the substitution (most texts have none).
MAY_NEED = re.compile(r"[*_^~`<&\]\\{]|==|\+\+")
INLINE = re.compile(
    r"[*_^~`]"
    # a backslash before punctuation would escape it (markup may follow); before a space it is the
    # converted site's escaped space, which shows nothing (mdflank.py)
    r"|\\(?=[!-/:-@\[-`{-~ ]|$)"
    r"|<(?=[A-Za-z/!?])"
    # and a shortcode's opening, `{{<` or `{{%`, which Hugo would run (code is left to
    # escape_hugo_shortcodes' comment form, which Hugo writes out as it is: `{{<b>}}` would be a tag)
    r"|(?<=\{\{)[<%]"
    r"|&(?=#?[A-Za-z0-9]+;)"
    r"|\](?=[(:])"
    r"|={2,}|\+{2,}"  # Hugo's ==mark== and ++insert++ (see `backslashed`)
)
# In a link's text, every bracket too: an unpaired one would end the text or open another link.
LINK_TEXT = re.compile(f"{INLINE.pattern}|[\\[\\]]")
# At a line's start (after at most one space: the writers collapse runs of them).
LIST_NUMBER = re.compile(r" ?\d{1,9}(?=[.)](?:[ \t]|$))")
BLOCK_MARK = re.compile(r" ?(?=#{1,6}(?:[ \t]|$)|>|[-+:](?:[ \t]|$)|=+ *$|-+ *$|\{(?!\{)|\[[ xX]\])")
# The first character of a text that `line_start` may change (after a leading space).
LINE_MARKS = frozenset("#>-+:={[0123456789")


def backslashed(found: re.Match[str]) -> str:
    text = found.group()
    if text == "_" and _intraword(found):
        return text
    return "\\" + text if len(text) == 1 else _doubled(found)


def _intraword(found: re.Match[str]) -> bool:
    """Whether the `_` found has a letter or digit on both sides: by CommonMark's flanking rules it
    can then neither open nor close emphasis (`snake_case`, `x86_64`), and it is left as written. An
    escape there also cut a bare URL short: Hugo's linkify ends the link at the backslash
    (an escaped `LarKC_Platform.pdf` linked only `.../LarKC`)."""
    text, start = found.string, found.start()
    return 0 < start < len(text) - 1 and text[start - 1].isalnum() and text[start + 1].isalnum()


def _doubled(found: re.Match[str]) -> str:
    """A run of `=` or `+` (Hugo's `==mark==`, `++insert++`), with all but its first character escaped
    where it could open one. By CommonMark's rule for such runs (left-flanking), it cannot when a space
    follows it, or punctuation (or the text's end) follows it right after a letter or digit: `a == b`,
    `C++`, `C++.`; a mark needs an opening run, so those are left as written."""
    run, text = found.group(), found.string
    after = text[found.end() : found.end() + 1]
    before = text[found.start() - 1 : found.start()] if found.start() else ""
    if after.isspace() or (before.isalnum() and (not after or after in ASCII_PUNCTUATION)):
        return run
    return run[0] + "".join("\\" + char for char in run[1:])


ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def inline(text: str) -> str:
    """`text` with what Markdown would read as inline markup escaped."""
    return INLINE.sub(backslashed, text) if MAY_NEED.search(text) else text


def line_start(text: str) -> str:
    """`text`, which begins a line, with what Markdown would read as the start of a block escaped."""
    first = text[1:2] if text[:1] == " " else text[:1]
    if first not in LINE_MARKS:
        return text
    found = LIST_NUMBER.match(text) or BLOCK_MARK.match(text)
    return f"{text[: found.end()]}\\{text[found.end() :]}" if found else text


HEADING_ATTRIBUTES = re.compile(r"\{(?=[^{}]*\}\s*$)")
CLOSING_HASHES = re.compile(r"(?:^|(?<=\s))(?=#+\s*$)")


def heading(text: str) -> str:
    """A heading's text with what Goldmark would take from its end escaped: a `{...}` (attributes,
    `## Use {.x}`) and a run of `#` after a space (the closing sequence, `## Issue #`)."""
    if text.endswith("}"):
        return HEADING_ATTRIBUTES.sub(r"\\{", text)
    return CLOSING_HASHES.sub(r"\\", text, count=1) if text.endswith("#") else text


def image_text(alt: str) -> str:
    """An image's alt text for `![...]`, which Markdown reads as inline text (entities, escapes,
    brackets): escaped like a link's text, so the alt attribute is the text as written."""
    return LINK_TEXT.sub(backslashed, alt)


# In a link or image title ("..."): Markdown reads backslash escapes and entities there, not markup.
TITLE = re.compile(r'"|\\(?=[!-/:-@\[-`{-~]|$)|&(?=#?[A-Za-z0-9]+;)|(?<=\{\{)[<%]')


def title_text(title: str) -> str:
    """A link's or image's title for `"..."`, read back by Markdown as written."""
    return TITLE.sub(backslashed, title)


def markdown_text(text: str) -> str:
    """Plain text (one line: an excerpt) as the Markdown that shows it as it is."""
    return line_start(inline(text))


def every_line_start(text: str) -> str:
    """`line_start` for the start of `text` and of each line in it."""
    if "\n" not in text:
        return line_start(text)
    return "\n".join(line_start(line) for line in text.split("\n"))


def inert(text: str) -> str:
    """Text for a shortcode parameter or gallery line: Hugo ends a shortcode at the first `>}}` even
    inside quotes and has no escape there, so braces pairs get an invisible zero-width space."""
    return text.replace("{{", "{\u200b{").replace("}}", "}\u200b}") if "{{" in text or "}}" in text else text


def shortcode_param(value: str) -> str:
    """`value` as a Hugo shortcode parameter that `.Get` returns exactly (measured with Hugo 0.168).

    In double quotes Hugo keeps every backslash as it is, unless the value has an escaped quote, when
    it reads them all as escapes (`\\*` turns into `*`): so a value with a quote is a raw string in
    backticks instead, which Hugo takes as it is. A value with both (rare) has its quotes as `&quot;`,
    which Markdown reads back. A backslash that would end a quoted value (and escape its closing
    quote) gets a zero-width space after it.
    """
    value = inert(" ".join(value.split()))
    if '"' in value:
        if "`" not in value:
            return f"`{value}`"
        value = value.replace('"', "&quot;")
    return f'"{value}\u200b"' if value.endswith("\\") else f'"{value}"'
