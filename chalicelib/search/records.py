"""Search records from the built HTML of one stage tree, split by headings, each under a size cap.

A record is one section of one page (the text before the first heading, or a heading and what follows
it up to the next heading), DocSearch-style: `hierarchy.lvl0` is the section of the site, `lvl1` the
page title, `lvl2`..`lvl6` the headings above the text. Its `objectID` is the page's path plus the
heading's anchor, so it stays the same from build to build while the section exists; a section too
large for one record is split into parts `~2`, `~3`, ... Every record's JSON stays under
`max_record_bytes` (Algolia refuses larger ones). This module reads files and returns data: it never
talks to Algolia, never writes into the tree, and never reads the site's Markdown.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

import lxml.html
from lxml.etree import ParserError, _Element

from chalicelib.errors import InputError
from chalicelib.manifest import Manifest

DEFAULT_MAX_RECORD_BYTES = 10_000
# Below this many bytes of room for text a record is all metadata: trim the metadata first.
_MIN_TEXT_BYTES = 400
_MAX_SUMMARY_CHARS = 300
_MAX_OBJECT_ID_BYTES = 200
HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# Elements whose text is never searched: chrome, scripts, and whatever a theme marks as not content.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "nav", "form", "button", "iframe"})
_SKIP_ATTRS = ("data-pagefind-ignore", "data-search-ignore")
# Where a page's own content lives, most specific first; the first that matches wins.
_CONTENT_XPATHS = (
    "//*[@data-pagefind-body]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
    "//article",
    "//main",
    "//body",
)
_PAGINATION = re.compile(r"(^|/)page/\d+/index\.html$")
_NOT_CONTENT_KINDS = ("kind-taxonomy", "kind-term", "kind-section", "kind-home", "kind-404")
_SPACE = re.compile(r"\s+")


@dataclass
class _Section:
    """Text gathered under one heading (or the page's intro) while walking a page."""

    anchor: str
    level: int
    headings: dict[int, str]
    words: list[str] = field(default_factory=list)


def build_records(
    tree: Path, manifest: Manifest, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> list[dict[str, Any]]:
    """Every search record of the stage tree at `tree`, sorted by objectID.

    Pages are the manifest's HTML files minus alias redirects, list pages (home, sections, terms,
    pagination), the 404 page and pages marked `noindex`. Raises InputError when a page cannot be
    parsed or `max_record_bytes` is too small to hold a record.
    """
    if max_record_bytes < 2 * _MIN_TEXT_BYTES:
        raise InputError(f"search record size limit {max_record_bytes} bytes is too small (minimum 800)")
    records: list[dict[str, Any]] = []
    for path in searchable_paths(manifest):
        records.extend(page_records(tree / path, path, manifest.base_url, max_record_bytes))
    records.sort(key=lambda record: record["objectID"])
    return records


def searchable_paths(manifest: Manifest) -> list[str]:
    """The manifest's HTML pages worth searching, by path alone (page content is checked later)."""
    return [
        entry.path
        for entry in manifest.files
        if entry.path not in manifest.redirects and is_searchable_path(entry.path)
    ]


def is_searchable_path(path: str) -> bool:
    """Whether a page at `path` may hold search records (not a redirect: the caller knows those)."""
    return (
        path.endswith(".html")
        and path != "404.html"
        and not path.startswith("pagefind/")
        and not _PAGINATION.search(path)
    )


def content_pages(tree: Path) -> list[str]:
    """The tree's pages that records are made from (same rules as build_records), without a manifest.

    Pagefind indexes these too, so both search backends find the same pages.
    """
    paths = sorted(
        file.relative_to(tree).as_posix() for file in tree.rglob("*.html") if not file.is_symlink()
    )
    kept: list[str] = []
    for path in paths:
        if path == "404.html" or path.startswith("pagefind/") or _PAGINATION.search(path):
            continue
        try:
            root = lxml.html.fromstring((tree / path).read_bytes())
        except (ParserError, ValueError):
            continue  # Pagefind reads what it can; records report a broken page
        if _is_content_page(root):
            kept.append(path)
    return kept


def page_url(base_url: str, path: str) -> str:
    """The public URL of a page file: `posts/a/index.html` -> `<base>posts/a/`."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    if path == "index.html":
        return base
    if path.endswith("/index.html"):
        return base + path[: -len("index.html")]
    return base + path


def page_records(file: Path, path: str, base_url: str, max_record_bytes: int) -> list[dict[str, Any]]:
    """The records of one page file, or none when the page is not content (a list, noindex, empty)."""
    return records_of_page(file.read_bytes(), path, base_url, max_record_bytes)


def records_of_page(html: bytes, path: str, base_url: str, max_record_bytes: int) -> list[dict[str, Any]]:
    """The records of one page's HTML (see `page_records`)."""
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError) as exc:
        raise InputError(f"{path}: cannot parse the page for search records: {exc}") from exc
    if not _is_content_page(root):
        return []
    url = page_url(base_url, path)
    page = _page_fields(root, path, url)
    body = _content_root(root)
    if body is None:
        return []
    records: list[dict[str, Any]] = []
    for position, section in enumerate(_sections(body, page["title"])):
        text = " ".join(section.words)
        hierarchy: dict[str, str | None] = {f"lvl{level}": None for level in range(7)}
        hierarchy["lvl0"] = page["section_title"]
        hierarchy["lvl1"] = page["title"]
        for level, heading in section.headings.items():
            hierarchy[f"lvl{level}"] = heading
        base_id = _object_id(path, section.anchor)
        record: dict[str, Any] = {
            "objectID": base_id,
            "url": url + (f"#{section.anchor}" if section.anchor else ""),
            "url_without_anchor": url,
            "anchor": section.anchor or None,
            "title": page["title"],
            "section": page["section"],
            "lang": page["lang"],
            "tags": page["tags"],
            "categories": page["categories"],
            "date": page["date"],
            "date_timestamp": page["date_timestamp"],
            "summary": page["summary"],
            "hierarchy": hierarchy,
            "level": section.level,
            "position": position,
            "content": text,
        }
        records.extend(fit_record(record, max_record_bytes))
    return records


def record_bytes(record: dict[str, Any]) -> int:
    """The size Algolia counts: the record's JSON in UTF-8."""
    return len(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def record_hash(record: dict[str, Any]) -> str:
    """A digest of a record's attributes (Algolia's `_` attributes aside), for the sync's diff."""
    visible = {key: value for key, value in record.items() if not key.startswith("_")}
    text = json.dumps(visible, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fit_record(record: dict[str, Any], max_record_bytes: int) -> list[dict[str, Any]]:
    """`record` as one or more records under `max_record_bytes`, splitting `content` by words."""
    if record_bytes(record) <= max_record_bytes:
        return [record]
    shell = {**record, "content": "", "objectID": record["objectID"] + "~99999", "position": 99999}
    if max_record_bytes - record_bytes(shell) < _MIN_TEXT_BYTES:
        record = _trim_metadata(record, max_record_bytes)
        shell = {**record, "content": "", "objectID": record["objectID"] + "~99999", "position": 99999}
    room = max_record_bytes - record_bytes(shell)
    parts = list(_split_words(record["content"], room))
    fitted: list[dict[str, Any]] = []
    for number, text in enumerate(parts, start=1):
        part = {**record, "content": text}
        if number > 1:
            part["objectID"] = f"{record['objectID']}~{number}"
        fitted.append(part)
    return fitted


def _trim_metadata(record: dict[str, Any], max_record_bytes: int) -> dict[str, Any]:
    """Shorten summary, tags and headings so that text fits beside them; refuse if it cannot."""
    budget = max_record_bytes // 4
    trimmed = {**record, "summary": _truncate_bytes(record["summary"] or "", budget // 2) or None}
    trimmed["tags"] = _fit_list(record["tags"], budget // 4)
    trimmed["categories"] = _fit_list(record["categories"], budget // 4)
    trimmed["hierarchy"] = {
        level: (_truncate_bytes(text, budget // 8) if text else text)
        for level, text in record["hierarchy"].items()
    }
    trimmed["title"] = _truncate_bytes(record["title"], budget // 8)
    shell = {**trimmed, "content": "", "objectID": record["objectID"] + "~99999"}
    if max_record_bytes - record_bytes(shell) < _MIN_TEXT_BYTES:
        raise InputError(
            f"{record['url']}: the page's metadata alone is larger than the search record limit "
            f"of {max_record_bytes} bytes"
        )
    return trimmed


def _fit_list(values: list[str], budget: int) -> list[str]:
    kept: list[str] = []
    used = 0
    for value in values:
        used += len(value.encode("utf-8")) + 3
        if used > budget:
            break
        kept.append(value)
    return kept


def _truncate_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[: max(limit - 3, 0)].decode("utf-8", "ignore").rstrip() + "…"


def _json_len(text: str) -> int:
    """Bytes of `text` inside a JSON string (escapes included): the C encoder, called per word."""
    return len(encode_basestring(text).encode("utf-8")) - 2


def _split_words(text: str, room: int) -> Iterator[str]:
    """Pieces of `text`, each at most `room` bytes once JSON-escaped, cut between words.

    Works on the escaped bytes: a space is never part of an escape sequence or of a multi-byte
    character, so cutting there is always safe, and one pass over the text is enough.
    """
    escaped = encode_basestring(text)[1:-1].encode("utf-8")
    start, size = 0, len(escaped)
    while start < size:
        if size - start <= room:
            yield _unescape(escaped[start:])
            return
        cut = escaped.rfind(b" ", start, start + room + 1)
        if cut > start:
            yield _unescape(escaped[start:cut])
            start = cut + 1
            continue
        # One "word" longer than a whole record (a URL, a base64 blob): cut it by characters.
        word_end = escaped.find(b" ", start)
        word_end = size if word_end < 0 else word_end
        yield from _split_characters(_unescape(escaped[start:word_end]), room)
        start = word_end + 1


def _unescape(escaped: bytes) -> str:
    return str(json.loads(b'"' + escaped + b'"'))


def _split_characters(word: str, room: int) -> Iterator[str]:
    while word:
        cut = len(word)
        while _json_len(word[:cut]) > room:
            cut = max(1, cut * room // _json_len(word[:cut]) - 1)
        yield word[:cut]
        word = word[cut:]


def _object_id(path: str, anchor: str) -> str:
    """`posts/a/#setup` for a section, `posts/a/` for a page's intro; long ones become a digest."""
    page = path[: -len("index.html")] if path.endswith("index.html") else path
    object_id = f"{page}#{anchor}" if anchor else (page or "/")
    if len(object_id.encode("utf-8")) > _MAX_OBJECT_ID_BYTES:
        digest = hashlib.sha256(object_id.encode("utf-8")).hexdigest()[:32]
        object_id = f"{page[:100]}~{digest}"
    return object_id


def _is_content_page(root: _Element) -> bool:
    for meta in _head_metas(root):
        if (meta.get("name") or "").lower() == "robots" and "noindex" in (meta.get("content") or "").lower():
            return False
        if (meta.get("http-equiv") or "").lower() == "refresh":
            return False
    body = root.find("body")
    classes = (body.get("class") or "").split() if body is not None else []
    if any(kind in classes for kind in _NOT_CONTENT_KINDS):
        return False
    return not root.xpath("//*[@data-search-ignore-page]")


def _head_metas(root: _Element) -> list[_Element]:
    """The page's <meta> elements; only the head's, so a long body is not walked for each lookup."""
    head = root.find("head")
    return list(head.iter("meta")) if head is not None else []


def _text(element: _Element | None) -> str:
    if element is None:
        return ""
    return _SPACE.sub(" ", element.text_content()).strip()


def _meta(root: _Element, attribute: str, name: str) -> str:
    for meta in _head_metas(root):
        if meta.get(attribute) == name:
            return (meta.get("content") or "").strip()
    return ""


def _page_fields(root: _Element, path: str, url: str) -> dict[str, Any]:
    h1 = next(iter(root.iter("h1")), None)
    title = _meta(root, "property", "og:title") or _text(h1) or _text(root.find(".//title")) or path
    section = path.split("/", 1)[0] if "/" in path else ""
    body = root.find("body")
    for css_class in (body.get("class") or "").split() if body is not None else []:
        if css_class.startswith("section-"):
            section = css_class[len("section-") :]
    date = _meta(root, "property", "article:published_time")
    if not date:
        time_element = next(iter(root.xpath("//article//time[@datetime]")), None)
        date = time_element.get("datetime", "") if time_element is not None else ""
    summary = _meta(root, "name", "description") or _meta(root, "property", "og:description")
    return {
        "title": title,
        "section": section or None,
        "section_title": section.replace("-", " ").title() if section else None,
        "lang": root.get("lang") or None,
        "tags": _terms(root, "tags"),
        "categories": _terms(root, "categories"),
        "date": date or None,
        "date_timestamp": _timestamp(date),
        "summary": _truncate_bytes(summary, _MAX_SUMMARY_CHARS * 2) or None,
    }


def _terms(root: _Element, taxonomy: str) -> list[str]:
    """A page's terms of one taxonomy: `article:tag` metas, or links into `/<taxonomy>/<term>/`."""
    found: list[str] = []
    if taxonomy == "tags":
        found.extend(_meta_all(root, "property", "article:tag"))
    pattern = re.compile(rf"/{taxonomy}/[^/]+/?$")
    for link in root.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]"):
        if pattern.search(link.get("href") or ""):
            found.append(_text(link))
    return list(dict.fromkeys(term for term in found if term))


def _meta_all(root: _Element, attribute: str, name: str) -> Iterable[str]:
    for meta in _head_metas(root):
        if meta.get(attribute) == name and meta.get("content"):
            yield meta.get("content", "").strip()


def _timestamp(date: str) -> int | None:
    if not date:
        return None
    try:
        return int(datetime.fromisoformat(date.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _content_root(root: _Element) -> _Element | None:
    for xpath in _CONTENT_XPATHS:
        found = root.xpath(xpath)
        if found:
            return found[0]
    return None


def _skipped(element: _Element) -> bool:
    if not isinstance(element.tag, str) or element.tag in _SKIP_TAGS:
        return True
    if any(attribute in element.attrib for attribute in _SKIP_ATTRS):
        return True
    return element.tag == "h1"


def _sections(body: _Element, title: str) -> list[_Section]:
    """The page's intro and one section per h2..h6 heading, in document order."""
    intro = _Section(anchor="", level=1, headings={})
    sections = [intro]
    used_anchors: set[str] = set()

    def walk(element: _Element) -> None:
        for child in element:
            if _skipped(child):
                if child.tail:
                    sections[-1].words.extend(child.tail.split())
                continue
            if child.tag in HEADINGS:
                level = int(child.tag[1])
                heading = _text(child)
                above = {lvl: text for lvl, text in sections[-1].headings.items() if lvl < level}
                anchor = _unique_anchor(child.get("id") or _slug(heading), used_anchors)
                sections.append(_Section(anchor=anchor, level=level, headings={**above, level: heading}))
            else:
                if child.text:
                    sections[-1].words.extend(child.text.split())
                walk(child)
            if child.tail:
                sections[-1].words.extend(child.tail.split())

    if body.text:
        intro.words.extend(body.text.split())
    walk(body)
    # An empty intro adds nothing when the page has sections: its title is on every section record.
    if not intro.words and len(sections) > 1:
        sections.remove(intro)
    return sections


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "section"


def _unique_anchor(anchor: str, used: set[str]) -> str:
    candidate, number = anchor, 1
    while candidate in used:
        number += 1
        candidate = f"{anchor}-{number}"
    used.add(candidate)
    return candidate


def index_settings() -> dict[str, Any]:
    """The Algolia index settings these records are built for: one hit per page (`distinct`)."""
    return {
        "searchableAttributes": [
            "unordered(title)",
            "unordered(hierarchy.lvl2)",
            "unordered(hierarchy.lvl3)",
            "unordered(hierarchy.lvl4)",
            "unordered(hierarchy.lvl5)",
            "unordered(hierarchy.lvl6)",
            "tags",
            "categories",
            "summary",
            "content",
        ],
        "attributesForFaceting": ["searchable(tags)", "searchable(categories)", "section", "lang"],
        "attributeForDistinct": "url_without_anchor",
        "distinct": True,
        "customRanking": ["asc(level)", "asc(position)", "desc(date_timestamp)"],
        "attributesToSnippet": ["content:30", "summary:30"],
        "attributesToHighlight": ["title", "hierarchy", "content"],
        "highlightPreTag": "<mark>",
        "highlightPostTag": "</mark>",
    }


def records_json(records: list[dict[str, Any]]) -> bytes:
    """Records as stored with the artifact (one JSON array), so a rollback restores its search."""
    return json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_records(data: bytes | str) -> list[dict[str, Any]]:
    """Records stored by `records_json`; InputError when they are not a list of objects with IDs."""
    try:
        records = json.loads(data)
    except ValueError as exc:
        raise InputError(f"stored search records are not JSON: {exc}") from exc
    if not isinstance(records, list) or not all(
        isinstance(record, dict) and isinstance(record.get("objectID"), str) for record in records
    ):
        raise InputError("stored search records must be a JSON list of objects, each with an objectID")
    return records
