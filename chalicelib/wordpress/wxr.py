"""Stream a WordPress export (WXR 1.0, 1.1, 1.2) into typed records: the site, its authors and terms,
and one `Item` per `<item>` (posts, pages, attachments, menu items, custom types) with comments.

Elements are matched by namespace URI, never by prefix, so any prefix (or a default namespace) bound
to WordPress's URIs reads the same. Namespace names are opaque strings as XML Namespaces 1.0 says: a
URI libxml2 finds "not valid" (non-ASCII, spaces) is accepted, as expat and WordPress accept it; every
other parse error is still refused. The parse is incremental and each `<item>` is freed once read, so
memory stays flat however large the export is.

This module must never resolve entities, load a DTD, touch the network, or write anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree

from chalicelib.errors import ConversionError
from chalicelib.wordpress.encoding import utf8_source
from chalicelib.wordpress.wxrelements import CONTENT_NS as CONTENT_NS
from chalicelib.wordpress.wxrelements import (
    EXCERPT_NAMESPACES,
    WP_NAMESPACES,
    element_text,
    local_name,
    read_author,
    read_item,
    read_term,
    wp_fields,
)
from chalicelib.wordpress.wxrelements import RSS_NAMESPACES as RSS_NAMESPACES
from chalicelib.wordpress.wxrelements import UNTYPED as UNTYPED
from chalicelib.wordpress.wxrelements import as_int as as_int
from chalicelib.wordpress.wxrrecords import Author as Author
from chalicelib.wordpress.wxrrecords import Comment as Comment
from chalicelib.wordpress.wxrrecords import Item as Item
from chalicelib.wordpress.wxrrecords import Site as Site
from chalicelib.wordpress.wxrrecords import Term as Term
from chalicelib.wordpress.xmlrepair import StrictXmlStream

CANONICAL_WP = "http://wordpress.org/export/1.2/"
# libxml2 reports a namespace name that is not a valid (or not an absolute) URI as an error; XML
# Namespaces 1.0 treats namespace names as strings compared character by character, so these are not.
# A prefix nothing declares is read as part of the element's name, as WordPress's importer reads it
# (DOMDocument loads the file with a warning): WordPress.com's exports of 2007-2012 write the channel's
# `<atom:link>` without declaring `atom`. Such an element matches nothing here and is passed over; a
# `wp:` left undeclared still fails, for want of a `<wp:wxr_version>`, as it fails the importer.
TOLERATED_ERRORS = frozenset({"WAR_NS_URI", "WAR_NS_URI_RELATIVE", "NS_ERR_UNDEFINED_NAMESPACE"})
XML_DOMAINS = frozenset({"PARSER", "NAMESPACE", "IO", "I18N", "MEMORY"})
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
DECLARE_WP = 'add xmlns:wp="http://wordpress.org/export/1.2/" to its <rss> tag'  # WordPress's own binding
T = TypeVar("T")
VERSION_SHAPE = re.compile(r"^\d+\.\d+$")
#: WordPress's item fields, as a tool that dropped their `wp:` prefix writes them.
WP_FIELDS_BARE = frozenset({"post_id", "post_type", "post_name", "post_date", "status", "post_parent"})


# The channel's children that are read; everything else in the channel is dropped unread.
CHANNEL_FIELDS = (
    "item",
    "title",
    "link",
    "description",
    "language",
    "wxr_version",
    "base_site_url",
    "base_blog_url",
    "author",
    "category",
    "tag",
    "term",
)


def _prefix_aliases(nsmap: dict[str | None, str]) -> dict[str, str]:
    """Namespace URIs to read as WordPress's because the root binds them to `wp:` or `excerpt:`.

    WordPress's importer takes the `wp` and `excerpt` namespaces from whatever URIs the document binds
    those prefixes to (SimpleXML's getDocNamespaces), so an exporter that wrote, say, a version without
    the trailing slash still imports; content: and dc: it reads by their fixed URIs only.
    """
    aliases: dict[str, str] = {}
    wp = nsmap.get("wp") or ""
    if wp and wp not in WP_NAMESPACES:
        aliases[wp] = CANONICAL_WP
    excerpt = nsmap.get("excerpt") or ""
    if excerpt and excerpt not in EXCERPT_NAMESPACES and excerpt not in aliases:
        aliases[excerpt] = CANONICAL_WP + "excerpt/"
    return aliases


def _rename(node: Any, aliases: dict[str, str]) -> None:
    tag = node.tag
    if isinstance(tag, str) and tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        if ns in aliases:
            node.tag = f"{{{aliases[ns]}}}{name}"


def _first_real_error(error: etree.XMLSyntaxError) -> Any:
    """The first logged XML error that is not a tolerated namespace-name complaint, or None.

    The log is lxml's per-thread one (cleared when a parse starts); HTML fragment parses that run
    between two items log there too, so only the XML parser's own domains count.
    """
    for entry in error.error_log:
        if (
            entry.domain_name in XML_DOMAINS
            and entry.level >= etree.ErrorLevels.ERROR
            and entry.type_name not in TOLERATED_ERRORS
        ):
            return entry
    return None


def _close(parser: Any) -> Any:
    """The document's root (None when libxml2 only complained about namespace names at the end)."""
    # libxml2 reports namespace-name complaints when the document closes, after every event was read.
    try:
        return parser.close()
    except etree.XMLSyntaxError as error:
        if _first_real_error(error) is not None or not len(error.error_log):
            raise
        return None


class ExportReader:
    """Reads one export: `site` fills in as the channel is read, `items()` yields each item once.

    Items are yielded as soon as they end; the channel fields a WXR file writes before its items
    (title, version, authors, terms) are therefore known by the time the first item arrives.
    """

    def __init__(self, path: Path, *, nested_cdata: bool = False) -> None:
        self.path = path
        self.site = Site()
        self.repairs = 0
        self.repaired = ""  # what the repairs were, by kind (StrictXmlStream.describe)
        self.nested_cdata = nested_cdata  # see StrictXmlStream
        self.suspect_closes = 0  # after a failed read: read again with nested_cdata when there are any
        self.version_assumed = False  # no <wp:wxr_version>, but items in WordPress's namespace
        self._aliases: dict[str, str] = {}

    def _fail(self, message: str, line: int | None) -> ConversionError:
        return ConversionError(message, line=line, source=self.path.name)

    def _check_version(self, line: int | None, item: Any = None) -> None:
        """Refuses an export without a supported `<wp:wxr_version>` (`item`: the first item, if any)."""
        version = self.site.wxr_version
        if not version and item is not None and {"post_id", "post_type"} <= wp_fields(item):
            # Its items are WordPress's, in WordPress's namespace: only the version line is missing (a
            # real export cut by hand). Read as 1.2, with a warning; the importer refuses it.
            self.site.wxr_version, self.version_assumed = "1.2", True
            return
        if not version:
            writes_wp = item is not None and any(str(child.tag).startswith("wp:") for child in item)
            undeclared = f" (it writes wp: without declaring it: {DECLARE_WP})" if writes_wp else ""
            bare = {str(child.tag) for child in item} & WP_FIELDS_BARE if item is not None else set()
            if bare:
                # Re-serialized by a tool that dropped the prefixes: `<post_type>`, `<wxr_version>`.
                first = sorted(bare)[0]
                undeclared = (
                    f" (its items have WordPress's fields without their wp: prefix, <{first}>: a tool "
                    "rewrote the file; export it again with Tools > Export in WordPress's admin)"
                )
            elif item is not None and not writes_wp and any(str(child.tag) == "pubDate" for child in item):
                undeclared = (
                    " (it reads like the site's RSS feed, which holds only its latest posts: export the "
                    "whole site with Tools > Export in WordPress's admin)"
                )
            raise self._fail(
                f"this does not appear to be a WordPress export (WXR): no <wp:wxr_version>{undeclared}", line
            )
        if not VERSION_SHAPE.match(version):
            raise self._fail(
                f"this does not appear to be a WordPress export (WXR): invalid WXR version {version!r}", line
            )
        if version not in SUPPORTED_VERSIONS:
            raise self._fail(
                f"WXR version {version} is not supported (supported: {', '.join(SUPPORTED_VERSIONS)})", line
            )

    def items(self) -> Iterator[Item]:
        parser = etree.XMLPullParser(
            events=("end",),
            # Only the channel's fields and items are read: libxml2 skips the events for the rest
            # (hundreds of thousands of elements inside items), and any namespace matches, so a `wp:`
            # bound to another URI is still seen (then renamed, see _prefix_aliases).
            tag=[f"{{*}}{name}" for name in CHANNEL_FIELDS],
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=True,
            remove_comments=True,
            remove_pis=True,
            strip_cdata=True,
        )
        if self.path.stat().st_size == 0:
            raise self._fail("the export is empty (0 bytes)", 1)
        etree.clear_error_log()
        stream_line = 1
        root: Any = None
        checked = False
        # The root is checked as soon as its start tag is in, so another document is refused before it
        # is read through: by a parser of its own, as the main one reports no start events.
        peek = etree.XMLPullParser(
            events=("start",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
        )
        with self.path.open("rb") as handle:
            source = utf8_source(handle, name=self.path.name)
            stream = StrictXmlStream(source, name=self.path.name, nested_cdata=self.nested_cdata)
            try:
                for chunk in stream.chunks():
                    if not checked:
                        checked = self._root_checked_early(peek, chunk)
                    stream_line += chunk.count(b"\n")
                    parser.feed(chunk)
                    for _event, el in parser.read_events():
                        if root is None:
                            root = el.getroottree().getroot()
                            if not checked:
                                checked = self._check_root(root)
                        parent = el.getparent()
                        # Only the channel's own children are read: their parent's parent is the root.
                        if parent is not None and parent.getparent() is root:
                            item = self._on_end(el)
                            if item is not None:
                                yield item
                ended = _close(parser)
            except etree.XMLSyntaxError as error:
                self.suspect_closes = stream.suspect_closes
                raise self._syntax_error(error, stream_line) from None
            self.repairs, self.repaired = stream.repairs, stream.describe()
        if not checked:
            if ended is None:
                raise self._fail("the export is empty", 1)
            self._check_root(ended)
        self._check_version(stream_line)

    def _root_checked_early(self, peek: Any, chunk: bytes) -> bool:
        """Feeds `peek` until the root's start tag is in, and checks it."""
        peek.feed(chunk)
        for _event, el in peek.read_events():
            return self._check_root(el)
        return False

    def _check_root(self, root: Any) -> bool:
        """Refuses a root that is not WXR's `<rss>`; reads its namespaces for aliases."""
        if local_name(root) != ("", "rss"):
            raise self._fail(
                "this does not appear to be a WordPress export (WXR): the root "
                f"element is <{local_name(root)[1]}>, not <rss>",
                root.sourceline,
            )
        self._aliases = _prefix_aliases(root.nsmap)
        return True

    def _on_end(self, el: Any) -> Item | None:
        """Reads one of the channel's children, then drops it and those before it from the tree."""
        if self._aliases:
            for node in el.iter():
                _rename(node, self._aliases)
        ns, name = local_name(el)
        item: Item | None = None
        if ns == "" and name == "item":
            self._check_version(el.sourceline, el)
            item = read_item(el)
        elif ns == "":
            if name in ("title", "link", "description", "language"):
                setattr(self.site, name, element_text(el).strip())
        elif ns in WP_NAMESPACES:
            self._on_wp_channel_field(el, name)
        el.clear(keep_tail=False)
        parent = el.getparent()
        if parent is not None:
            # Drop the siblings already read so the tree never holds more than one item.
            while el.getprevious() is not None:
                del parent[0]
        return item

    def _on_wp_channel_field(self, el: Any, name: str) -> None:
        if name == "wxr_version":
            self.site.wxr_version = element_text(el).strip()
        elif name == "base_site_url":
            self.site.base_site_url = element_text(el).strip()
        elif name == "base_blog_url":
            self.site.base_blog_url = element_text(el).strip()
        elif name == "author":
            author = read_author(el)
            if author.login:
                self.site.authors[author.login] = author
        elif name in ("category", "tag", "term"):
            term = read_term(el, name)
            if term is not None and term.slug:
                self.site.terms.append(term)

    def _syntax_error(self, error: etree.XMLSyntaxError, stream_line: int) -> ConversionError:
        entry = _first_real_error(error)
        if entry is not None:
            line, message = entry.line or stream_line, entry.message.strip()
        else:
            line, message = error.lineno or stream_line, str(error.msg or error)
        # libxml2 quotes what it could not read, text of a post and its newlines included: one line.
        message = re.sub(r",? line \d+, column \d+$", "", message.splitlines()[0] if message else "")[:200]
        lowered = message.lower()
        if "encoding" in lowered or "utf-8" in lowered or "char out of range" in lowered:
            reason = f"the export is not valid in its declared encoding ({message})"
        elif (
            "premature end" in lowered
            or "end of data" in lowered
            or "not closed" in lowered
            or "not finished" in lowered
            or ("extra content" not in lowered and "eof" in lowered)
        ):
            reason = f"the export is truncated or unfinished ({message})"
        elif "document is empty" in lowered or "start tag expected" in lowered:
            reason = f"the export is not XML ({message})"
        elif "entity" in lowered:
            reason = f"the export uses an undeclared or refused entity ({message})"
        elif marker := _merge_conflict_line(self.path, line):
            reason = (
                f"the export holds a Git merge conflict marker ({marker!r}): it was saved in the middle "
                "of a merge; resolve the conflict, or export the site again"
            )
        elif re.search(r"tag mismatch: channel line \d+ and item", message):
            # A hand-edited export with an item's <item> start tag gone: its </item> closes nothing.
            reason = (
                f"the export is not well-formed XML ({message}): the item that ends here with </item> "
                "has lost its <item> start tag; put it back before the item's <title>"
            )
        else:
            reason = f"the export is not well-formed XML ({message})"
        return self._fail(reason, line)


MERGE_MARKERS = ("<<<<<<< ", "=======", ">>>>>>> ")


def _merge_conflict_line(path: Path, line: int | None) -> str:
    """The Git conflict marker that starts line `line` of the file at `path` ("" when none is there)."""
    if not line or not path.is_file():
        return ""
    try:
        with path.open("rb") as stream:
            for number, text in enumerate(stream, start=1):
                if number == line:
                    shown = text.decode("utf-8", "replace").rstrip("\r\n")
                    return shown[:40] if shown.startswith(MERGE_MARKERS) or shown == "<<<<<<<" else ""
    except OSError:
        return ""
    return ""


def read_as_importer(path: Path, use: Callable[[ExportReader], T]) -> T:
    """`use(reader)` on the export read as XML, as WordPress's importer reads it first; once more with
    nested CDATA sections repaired (its last-resort reading) when that failed where a `]]>` had text
    after it. `use` must start afresh each time: it may be called twice."""
    reader = ExportReader(path)
    try:
        return use(reader)
    except ConversionError:
        if not reader.suspect_closes:
            raise
    return use(ExportReader(path, nested_cdata=True))
