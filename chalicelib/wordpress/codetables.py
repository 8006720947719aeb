"""Tables whose cells hold code of several lines, written so that the lines survive.

A Markdown table cell holds one line, so an online judge's problem copied into a post (a table of
sample inputs and outputs, each a `<pre>` in its cell) came out with each sample's lines run together
in one code span. Such a table is written row by row instead: under a header, each cell's column name
as a term and the cell as its definition (a definition keeps a code block's lines); without one, each
cell as a block of its own.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from chalicelib.wordpress.codeblock import pre_text
from chalicelib.wordpress.fragment import text_content


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
