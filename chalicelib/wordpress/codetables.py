"""Tables whose cells hold code of several lines, written so that the lines survive.

A Markdown table cell holds one line, so an online judge's problem copied into a post (a table of
sample inputs and outputs, each a `<pre>` in its cell) came out with each sample's lines run together
in one code span. Such a table is written row by row instead: under a header, each cell's column name
as a term and the cell as its definition (a definition keeps a code block's lines); without one, each
cell as a block of its own. A highlighter's gutter of line numbers beside the code (WP-Syntax's) is
left out: it was a code block of the numbers 1 to 74 above the code.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from chalicelib.wordpress.codeblock import pre_text
from chalicelib.wordpress.fragment import text_content
from chalicelib.wordpress.syntaxshortcodes import SHORT_CODE_NAMES


def code_tables_as_definitions(root: Any) -> None:
    """Each table below `root` with a multi-line `<pre>` in a cell, rewritten as described above."""
    for table in list(root.iter("table")):
        if not any("\n" in pre_text(pre).strip() for pre in table.iter("pre")):
            continue
        rows = [[c for c in tr if c.tag in ("th", "td")] for tr in table.iter("tr")]
        rows = [row for row in rows if row]
        header = rows[0] if rows and all(c.tag == "th" for c in rows[0]) else None
        names = [" ".join(text_content(c).split()) for c in header] if header is not None else []
        holder = etree.Element("dl" if names and all(names) else "div")
        for caption in table.iter("caption"):
            holder.append(_as(caption, "p" if holder.tag == "div" else "dt"))
        for row in rows[1:] if header is not None else rows:
            for n, cell in enumerate(row):
                if len(row) > 1 and _line_numbers(cell):
                    _name_languages(row)
                    continue  # a highlighter's gutter (WP-Syntax's `line_numbers` cell): not the code's
                if holder.tag == "dl":
                    term = etree.SubElement(holder, "dt")
                    term.text = names[n] if n < len(names) else ""
                holder.append(_as(cell, "dd" if holder.tag == "dl" else "div"))
        holder.tail = table.tail
        parent = table.getparent()
        if parent is not None:
            parent.replace(table, holder)


def _as(cell: Any, tag: str) -> Any:
    """A copy of `cell` as a `tag` element, its content kept and its attributes dropped."""
    copied = copy.deepcopy(cell)
    copied.tag = tag
    copied.attrib.clear()
    copied.tail = None
    return copied


def _line_numbers(cell: Any) -> bool:
    """Whether `cell` holds nothing but line numbers, one a line (a code highlighter's gutter)."""
    lines = text_content(cell).split()
    return len(lines) > 1 and all(line.isdigit() for line in lines) and lines[0] in ("0", "1")


def _name_languages(row: list[Any]) -> None:
    """Beside a gutter, GeSHi's `<pre class="bash">` (WP-Syntax's output) names the code's language:
    given as WP-Syntax's `lang`, which the writers read."""
    for pre in (pre for cell in row for pre in cell.iter("pre")):
        classes = (pre.get("class") or "").split()
        if len(classes) == 1 and classes[0].lower() in SHORT_CODE_NAMES and not pre.get("lang"):
            pre.set("lang", classes[0].lower())
