"""markdownify, set up for Hugo's Goldmark: the writer for the rare markup `markdown.py` does not handle.

`html.markdown_of` sends a body here only when `markdown.can_convert` says no (forms,
SVG…); the choices match markdown.py's, so a body reads the same whichever path wrote it. This module
is imported only when such a body comes: BeautifulSoup and markdownify cost time and memory.

This module must never fetch anything or decide what is safe: the hacked-content scan has already run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString
from markdownify import MarkdownConverter

from chalicelib.wordpress.codeblock import fenced_code
from chalicelib.wordpress.htmlstyle import (
    inline_mark,
    list_attributes,
    quoted,
    says_emphasis,
    script_tag,
    styled_emphasis,
)
from chalicelib.wordpress.mdescape import (
    LINK_TEXT,
    backslashed,
    every_line_start,
    heading,
    image_text,
    inline,
)
from chalicelib.wordpress.mdflank import MARKS, flanked
from chalicelib.wordpress.mdinline import pre_links, script
from chalicelib.wordpress.mdtidy import breaks_outside, without_dangling_breaks, without_final_break


def _code_language(el: Any) -> str:
    for node in (el, el.find("code")):
        if node is None:
            continue
        for cls in node.get("class") or []:
            for prefix in ("language-", "lang-", "brush:"):
                if cls.startswith(prefix):
                    return str(cls[len(prefix) :])
    return ""


def _script(mark: str, el: Any) -> str:
    children = el.find_all(True, recursive=False)
    outside = "".join(el.find_all(string=True, recursive=False)).strip()
    link = children[0] if len(children) == 1 and children[0].name == "a" and not outside else None
    return script(mark, el.get_text(), str(link.get("href") or "") if link is not None else "")


def _chomped(mark: str, text: str) -> str:
    """markdownify's way with emphasis: spaces outside the marks, nothing for nothing."""
    inner = text.strip()
    if not inner:
        return text
    prefix = " " if text[:1] == " " else ""
    suffix = " " if text[-1:] == " " else ""
    return f"{prefix}{mark}{inner}{mark}{suffix}"


Convert = Callable[[Any, Any, str, set[str]], str]


def _breaks_outside(convert: Convert) -> Convert:
    """`convert` (a link's or emphasis's), with the line breaks that begin or end its text written
    outside its marks, as markdown.py writes them (see mdtidy.breaks_outside)."""

    def converted(self: Any, el: Any, text: str, parent_tags: set[str]) -> str:
        if "\\\n" not in text or "_noformat" in parent_tags:
            return convert(self, el, text, parent_tags)
        lead, inner, trail = breaks_outside(text)
        if not inner:
            return lead or trail
        return lead + convert(self, el, inner, parent_tags) + trail

    return converted


def _beside(node: Any, after: bool) -> str:
    """The text right before (or after) `node` among its siblings; empty at its parent's edge."""
    sibling = node.next_sibling if after else node.previous_sibling
    if sibling is None or isinstance(sibling, Comment):
        return ""
    return str(sibling) if isinstance(sibling, NavigableString) else str(sibling.get_text())


#: The inline tags whose Markdown is text between marks (`**Note:**`), as the fast path's are.
MARKED = frozenset(["b", "strong", "em", "i", "mark", "ins", "u", "del", "s", "strike", "sup", "sub", "span"])

# Where a text follows other Markdown on its line: a heading's `#`s, a cell's `|`.
NOT_LINE_STARTS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6", "td", "th"])


class HugoMarkdown(MarkdownConverter):
    """markdownify, with the choices that suit Hugo's Goldmark."""

    def __init__(self, **options: Any) -> None:
        super().__init__(
            heading_style="atx",
            bullets="-",
            newline_style="backslash",
            code_language_callback=_code_language,
            table_infer_header=True,
            escape_misc=False,
            **options,
        )

    def convert_figcaption(self, el: Any, text: str, parent_tags: set[str] | None = None) -> str:
        return f"\n\n{text.strip()}\n\n" if text.strip() else ""

    def convert_pre(self, el: Any, text: str, parent_tags: set[str] | None = None) -> str:
        # The same block as the fast path writes, so code survives byte for byte on both paths.
        code = text[1:] if text.startswith("\n") else text
        links = pre_links((str(a.get("href") or ""), a.get_text()) for a in el.find_all("a"))
        return f"\n\n{fenced_code(code, _code_language(el))}\n\n{links}" if code.strip("\n") else ""

    # The fast path's choices for the same tags, so a body reads the same whichever path wrote it.
    def convert_q(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return quoted(text)

    def convert_tt(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self.convert_code(el, text, parent_tags)

    def convert_td(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return str(super().convert_td(el, text.replace("|", "\\|"), parent_tags))  # type: ignore[misc]

    def convert_th(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return str(super().convert_th(el, text.replace("|", "\\|"), parent_tags))  # type: ignore[misc]

    def convert_hN(self, n: int, el: Any, text: str, parent_tags: set[str]) -> str:
        if el.find("pre") is not None:  # code pasted into a heading: its blocks, as markdown.py writes
            return f"\n\n{text.strip(chr(10))}\n\n"
        return str(super().convert_hN(n, el, heading(" ".join(text.split())), parent_tags))  # type: ignore[misc]

    def convert_li(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # A line break that ends an item would show as a backslash (see mdtidy.without_final_break).
        return str(super().convert_li(el, without_final_break(text), parent_tags))  # type: ignore[misc]

    def _styled(self, el: Any, text: str, parent_tags: set[str], tag: str) -> str | None:
        style = str(el.get("style") or "")
        if "_noformat" in parent_tags or not says_emphasis(style):
            return None
        return styled_emphasis(tag, style, text, _chomped)

    @_breaks_outside
    def convert_b(self, el: Any, text: str, parent_tags: set[str]) -> str:
        styled = self._styled(el, text, parent_tags, "b")
        return styled if styled is not None else str(super().convert_b(el, text, parent_tags))  # type: ignore[misc]

    convert_strong = convert_b

    @_breaks_outside
    def convert_em(self, el: Any, text: str, parent_tags: set[str]) -> str:
        styled = self._styled(el, text, parent_tags, "em")
        return styled if styled is not None else str(super().convert_em(el, text, parent_tags))  # type: ignore[misc]

    convert_i = convert_em

    @_breaks_outside
    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]

    def convert_span(self, el: Any, text: str, parent_tags: set[str]) -> str:
        raised = script_tag(str(el.get("style") or ""))
        if raised and "_noformat" not in parent_tags:
            return _script("^" if raised == "sup" else "~", el)
        styled = self._styled(el, text, parent_tags, "span")
        return styled if styled is not None else text

    convert_font = convert_span

    def convert_mark(self, el: Any, text: str, parent_tags: set[str]) -> str:
        classes = el.get("class") or []
        mark = inline_mark(el.name, str(el.get("style") or ""), " ".join(classes))
        return _chomped(mark, text) if mark and "_noformat" not in parent_tags else text

    convert_ins = convert_u = convert_mark

    def convert_ol(self, el: Any, text: str, parent_tags: set[str]) -> str:
        written = str(super().convert_list(el, text, parent_tags))  # type: ignore[misc]
        attributes = list_attributes(el)
        if not attributes:
            return written
        # The attribute line right after the list's last item (see markdown.list_attributes).
        body = written.rstrip("\n")
        return body + "\n" + attributes + written[len(body) :]

    def convert_tr(self, el: Any, text: str, parent_tags: set[str]) -> str:
        footer = el.parent
        if (
            footer is not None
            and footer.name == "tfoot"
            and footer.find_previous_sibling(["thead", "tbody", "tr"])
        ):
            # markdownify takes a footer's first row for a table's first and underlines it as a
            # header: a `| --- |` row in the middle of the table. A footer row is a row.
            return f"|{text}\n"
        return str(super().convert_tr(el, text, parent_tags))  # type: ignore[misc]

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if el.get("alt"):
            el["alt"] = image_text(" ".join(str(el["alt"]).split()))
        # markdownify writes only the alt text of an image in a heading or a table cell (`_inline`):
        # the photo was lost, and counted as kept. Goldmark shows an image there as anywhere else.
        return str(super().convert_img(el, text, parent_tags - {"_inline"}))  # type: ignore[misc]

    def convert_code(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "pre" not in parent_tags and "\\\n" in text:  # lines in a <code>: a block, as markdown.py
            code = text.replace("\\\n", "\n").strip("\n")
            return f"\n\n{fenced_code(code, '')}\n\n"
        return str(super().convert_code(el, text, parent_tags))  # type: ignore[misc]

    def convert_br(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "pre" in parent_tags:
            return "\n"
        return str(super().convert_br(el, text, parent_tags))  # type: ignore[misc]

    def convert_video(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return text  # a player's fallback text is what Markdown keeps of it (the fast path does the same)

    convert_audio = convert_video

    def convert_sup(self, el: Any, text: str, parent_tags: set[str] | None = None) -> str:
        return _script("^", el)

    def convert_sub(self, el: Any, text: str, parent_tags: set[str] | None = None) -> str:
        return _script("~", el)

    def process_tag(self, node: Any, parent_tags: set[str] | None = None) -> str:
        written = str(super().process_tag(node, parent_tags))  # type: ignore[misc]
        if node.name not in MARKED or written[:1] not in MARKS or written[-1:] not in MARKS:
            return written
        if parent_tags and "_noformat" in parent_tags:
            return written
        return flanked(_beside(node, after=False), written, _beside(node, after=True))  # see mdflank

    def process_text(self, el: Any, parent_tags: set[str] | None = None) -> str:
        text = str(super().process_text(el, parent_tags))  # type: ignore[misc]  # not in its stub
        following = el.next_sibling
        if text.endswith("!") and not text.endswith("\\!") and getattr(following, "name", None) == "a":
            return text[:-1] + "\\!"  # "Much better!" before a link: no image (as the fast path)
        return text

    def escape(self, text: str, parent_tags: set[str]) -> str:
        # The fast path's escapes (mdescape). A text here is not known to begin a line, so the marks of
        # a block are escaped at the start of every text and line, except in headings and cells.
        if not text or "_noformat" in parent_tags:
            return text
        text = LINK_TEXT.sub(backslashed, text) if "a" in parent_tags else inline(text)
        return text if parent_tags & NOT_LINE_STARTS else every_line_start(text)


_CONVERTER = HugoMarkdown()


def rare_markdown(html_text: str) -> str:
    """The Markdown of an HTML fragment, with code lines still marked (see markdown.release)."""
    return without_dangling_breaks(str(_CONVERTER.convert_soup(BeautifulSoup(html_text, "lxml"))))
