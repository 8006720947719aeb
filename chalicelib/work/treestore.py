"""The runner's returned archive into a stored stage tree, in one pass and without a file on disk.

The build runner returns one tar.gz of `<stage>/...` trees. Unpacking it, hashing every file, parsing
every page and packing the tree again cost more than rendering it did (on a 2,000-page site: 4,673
files created, read twice, and their folders removed one by one). Here each member is read once from
the stream: hashed into the manifest, its page text digested for the change review, its search records
made when the site searches with Algolia, and copied into the stored tree's archive. The runner's
output is checked, never trusted: only regular files under the stage's folder, at normal relative
paths, each once, are kept; anything else fails the build or (links, which a manifest never lists) is
left out.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from chalicelib.artifacts import ALIAS_MAX_BYTES, alias_target
from chalicelib.contenttypes import content_type_for
from chalicelib.errors import BuildError
from chalicelib.headerrules import FILE as HEADERS_FILE
from chalicelib.headerrules import MAX_BYTES as HEADERS_MAX_BYTES
from chalicelib.headerrules import read_header_rules
from chalicelib.manifest import Manifest, ManifestEntry
from chalicelib.pageloads import external_hosts
from chalicelib.publish.headers import HeaderRule, site_headers_for
from chalicelib.redirectrules import FILE as REDIRECTS_FILE
from chalicelib.redirectrules import MAX_BYTES as REDIRECTS_MAX_BYTES
from chalicelib.redirectrules import (
    MAX_PATTERN_PAGES,
    MAX_PATTERN_RULES,
    PatternRule,
    Rule,
    expand,
    read_rules,
    redirect_page,
)
from chalicelib.review.pages import read_page
from chalicelib.scripthashes import MAX_HASHES, inline_script_hashes
from chalicelib.targz import write_tar_gz

#: Pages up to this size are read whole (for their text digest and search records); a larger one is
#: hashed and stored like any other file, and reads as changed in a review.
PAGE_MAX_BYTES = 16 * 1024 * 1024
_CHUNK = 1 << 20


#: Other hosts collected from a tree's pages, at most (a warning names the first twenty).
MAX_LOADS = 200


@dataclass
class StoredTree:
    """What one pass over a stage's tree made: its manifest and (for Algolia) its search records."""

    manifest: Manifest
    records: list[dict[str, Any]] = field(default_factory=list)
    #: From the site's `_redirects` file: the redirects made, and the rules that could not be.
    redirect_rules: int = 0
    redirect_notes: list[str] = field(default_factory=list)
    #: From its `_headers` file: what was not kept (its Cache-Control rules go into the manifest).
    header_notes: list[str] = field(default_factory=list)
    script_notes: list[str] = field(default_factory=list)
    #: Files left out for a name no address can hold as written (a line break in a static file's name).
    name_notes: list[str] = field(default_factory=list)
    #: Files a web server runs or reads (PHP, .htaccess), left out: S3 would serve their source.
    server_files: list[str] = field(default_factory=list)
    #: The other hosts its pages load scripts, stylesheets and frames from (`pageloads`).
    loads: set[str] = field(default_factory=set)


class _Hashing(io.RawIOBase):
    """A reader that hashes what passes through it (a member copied into the stored archive)."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.md5 = hashlib.md5(usedforsecurity=False)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.md5.update(data)
        return data


#: Characters a published file's name may not hold: C0 controls and DEL (a line break above all).
UNPUBLISHABLE = re.compile(r"[\x01-\x1f\x7f]")
#: What a web server runs or reads, never a visitor: published, S3 served a contact form's PHP (and its
#: mail password) as a download, and an .htpasswd's hashes. Left out, and named (`server_note`).
SERVER_FILE = re.compile(
    r"(^|/)(\.ht(access|passwd|digest|group|dbm)|\.user\.ini|web\.config)$"  # Apache's files
    r"|\.(php\d*|phtml|pht|phps|phar|inc)$"  # what PHP runs, and its includes
    r"|\.(php\d*|inc)(\.(bak|old|orig|save|swp|dist|txt)|~)$",  # and their copies: wp-config.php.orig
    re.IGNORECASE,
)


def tree_path(name: str, stage: str) -> str | None:
    """The path within `stage`'s tree of an archive member named `name`, or None when the member is
    another stage's; BuildError for a name that is not a plain relative path."""
    prefix = f"{stage}/"
    if not name.startswith(prefix):
        return None
    path = name[len(prefix) :]
    parts = path.split("/")
    if (
        not path
        or "\x00" in path
        or "\\" in path
        or posixpath.normpath(path) != path
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise BuildError(f"the build runner returned an unsafe path in the {stage} tree: {name!r}")
    return path


def store_stream(
    archive: Path,
    into: Path,
    manifest: Manifest,
    *,
    transform: Callable[[str, bytes], bytes] | None = None,
    page_records: Callable[[str, bytes], list[dict[str, Any]]] | None = None,
    each_page: Callable[[str, bytes, str], None] | None = None,
) -> StoredTree:
    """Read the runner's `archive` once and write `manifest.stage`'s tree as the tar.gz `into`, filling
    `manifest` (files, redirects, page text digests). `transform` may rewrite a page before it is hashed
    (a preview's noindex tag); `page_records` makes a page's search records (None: the site has none);
    `each_page` is given each page (not an alias) with its text digest (prod's, checked against staging's)."""
    stage = manifest.stage
    seen: set[str] = set()
    stored = StoredTree(manifest)
    redirects: bytes | None = None
    pages: dict[str, bytes] = {}
    try:
        with (
            tarfile.open(archive, mode="r|gz") as source,
            write_tar_gz(into) as out,  # images are stored, not deflated again
        ):
            for member in source:
                path = tree_path(member.name, stage)
                if path is None or not member.isreg():
                    if path is not None and not (member.isdir() or member.issym() or member.islnk()):
                        raise BuildError(
                            f"the build runner returned a special file in the {stage} tree: {path}"
                        )
                    continue
                if UNPUBLISHABLE.search(path):
                    # a line break or another control character: no link can name it, and the deploy
                    # failed on it halfway (a real site's static note, its title over three lines)
                    stored.name_notes.append(
                        f"{path!r} is left out: its name holds a line break or a control character, which "
                        "no address can hold (rename the file)"
                    )
                    continue
                if SERVER_FILE.search(path):
                    stored.server_files.append(path)
                    continue
                if path in seen:
                    raise BuildError(f"the build runner returned {path} twice in the {stage} tree")
                seen.add(path)
                handle = source.extractfile(member)
                assert handle is not None  # a regular member always has data
                if path == REDIRECTS_FILE:  # Netlify's rules: redirects below, the file never published
                    redirects = handle.read(REDIRECTS_MAX_BYTES + 1)
                    continue
                if path == HEADERS_FILE:  # Netlify's headers: Cache-Control rules, the file never published
                    headers = read_header_rules(handle.read(HEADERS_MAX_BYTES + 1))
                    manifest.cache_rules, manifest.header_rules = headers.cache, headers.headers
                    stored.header_notes.extend(headers.notes)
                    continue
                info = tarfile.TarInfo(path)
                info.mtime, info.mode = member.mtime, 0o644
                if path.endswith(".html") and member.size <= PAGE_MAX_BYTES:
                    data = handle.read()
                    if transform is not None:
                        data = transform(path, data)
                    info.size = len(data)
                    out.add(info, io.BytesIO(data))
                    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
                    pages[path] = data
                else:
                    info.size = member.size
                    hashing = _Hashing(handle)
                    out.add(info, hashing)
                    digest = hashing.md5.hexdigest()
                manifest.files.append(ManifestEntry(path, digest, info.size, content_type_for(path)))
                if path in pages:
                    page = pages.pop(path)
                    if hashes := inline_script_hashes(page):
                        manifest.script_hashes[path] = hashes
                    if len(stored.loads) < MAX_LOADS:
                        stored.loads |= external_hosts(page)
                    _read_page(stored, path, page, page_records)
                    if each_page is not None and path in manifest.text_md5:
                        each_page(path, page, manifest.text_md5[path])
            if redirects is not None:
                _add_redirects(out, stored, redirects, seen)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BuildError(f"the build runner's output cannot be read: {exc}") from exc
    if not seen:
        raise BuildError(f"the build runner returned no {stage} tree")
    stored.script_notes.extend(_too_many_scripts(manifest))
    stored.header_notes.extend(_over_budget(manifest))
    manifest.files.sort(key=lambda entry: entry.path)
    stored.records.sort(key=lambda record: str(record["objectID"]))
    return stored


def _too_many_scripts(manifest: Manifest) -> list[str]:
    """A note naming the pages whose inline scripts are too many to allow by digest: they keep the
    stack's policy as it is, so their inline scripts do not run."""
    crowded = sorted(path for path, hashes in manifest.script_hashes.items() if len(hashes) > MAX_HASHES)
    for path in crowded:
        del manifest.script_hashes[path]
    if not crowded:
        return []
    return [
        f"{len(crowded)} page{'s' * (len(crowded) != 1)} (first {crowded[0]}) "
        f"{'has' if len(crowded) == 1 else 'have'} more than {MAX_HASHES} "
        "inline scripts, more than the Content-Security-Policy can allow by digest: they do not run; "
        "move them into script files"
    ]


def _over_budget(manifest: Manifest) -> list[str]:
    """A note naming the files whose own headers pass S3's metadata budget (the publish leaves the
    last ones by name out, see `site_headers_for`)."""
    notes: list[str] = []
    if not manifest.header_rules:
        return notes
    rules = [HeaderRule(*rule) for rule in manifest.header_rules]
    over = {
        entry.path: site_headers_for(entry.path, rules, manifest.script_hashes.get(entry.path, ())).left_out
        for entry in manifest.files
    }
    over = {path: names for path, names in over.items() if names}
    if over:
        first, names = next(iter(sorted(over.items())))
        notes.append(
            f"{HEADERS_FILE}: {len(over)} file{'s' * (len(over) != 1)} (first {first}) set more headers than "
            f"the 2 KB S3 keeps with a file; {', '.join(names)} left out"
        )
    return notes


def _add_redirects(out: Any, stored: StoredTree, data: bytes, seen: set[str]) -> None:
    """The site's `_redirects` rules as redirect pages in the tree (see `redirectrules`): a rule for a
    path the site builds yields to the page (a forced one is named); the first rule for a path wins.
    A rule for a path no folder can hold (below a file of the tree) is a redirect of the manifest only."""
    manifest = stored.manifest
    rules = read_rules(data, manifest.base_url)
    stored.redirect_notes.extend(rules.skipped)
    built = sorted(seen - {REDIRECTS_FILE, HEADERS_FILE})
    made: set[str] = set()
    folders = {path.rsplit("/", n)[0] for path in seen for n in range(1, path.count("/") + 1)}
    patterns = 0
    for rule in rules.rules:
        if isinstance(rule, PatternRule):
            patterns += 1
            if patterns > MAX_PATTERN_RULES:
                stored.redirect_notes.append(f"{rule.line}: not kept, past {MAX_PATTERN_RULES} pattern rules")
                continue
            if len(made) >= MAX_PATTERN_PAGES:
                stored.redirect_notes.append(
                    f"{rule.line}: not kept, {MAX_PATTERN_PAGES} redirects made already"
                )
                continue
            before = len(made)
            for page in expand(rule, built, manifest.base_url):
                _add_redirect(out, stored, page, seen, made, folders)
                if len(made) >= MAX_PATTERN_PAGES:
                    stored.redirect_notes.append(f"{rule.line}: stopped at {MAX_PATTERN_PAGES} redirects")
                    break
            if len(made) == before:
                stored.redirect_notes.append(f"{rule.line}: no file the site builds matches its new address")
        else:
            _add_redirect(out, stored, rule, seen, made, folders)
    stored.redirect_rules = len(made)


def _add_redirect(
    out: Any, stored: StoredTree, rule: Rule, seen: set[str], made: set[str], folders: set[str]
) -> None:
    if rule.path in made:
        return
    if rule.path in seen:  # the site builds that page: it stays, as on Netlify without `!`
        if rule.forced:
            stored.redirect_notes.append(
                f"{REDIRECTS_FILE}: the forced rule for /{rule.path} is not kept: the site builds it"
            )
        return
    made.add(rule.path)
    stored.manifest.redirects[rule.path] = rule.target
    parts = rule.path.split("/")
    above = ["/".join(parts[:n]) for n in range(1, len(parts))]
    if rule.path in folders or any(path in seen or path in made for path in above):
        # A folder of the tree, or inside one of its files (`post.html/photo/index.html` below a
        # post's `post.html`): no folder can hold it, a bucket can (a key is not a folder). The
        # publish step makes the redirect from the manifest alone; the tree has no file for it.
        return
    page = redirect_page(rule.target)
    info = tarfile.TarInfo(rule.path)
    info.size, info.mode = len(page), 0o644
    out.add(info, io.BytesIO(page))
    digest = hashlib.md5(page, usedforsecurity=False).hexdigest()
    stored.manifest.files.append(ManifestEntry(rule.path, digest, len(page), content_type_for(rule.path)))
    folders.update(above)


def _read_page(
    stored: StoredTree,
    path: str,
    data: bytes,
    page_records: Callable[[str, bytes], list[dict[str, Any]]] | None,
) -> None:
    """A page's part of the manifest (alias redirect or text digest) and its search records."""
    manifest = stored.manifest
    target = alias_target(data) if len(data) <= ALIAS_MAX_BYTES else None
    if target is not None:
        manifest.redirects[path] = target
        return
    manifest.text_md5[path] = read_page(data).digest
    if page_records is not None:
        stored.records.extend(page_records(path, data))


def server_note(paths: list[str]) -> str:
    """The warning for the server's files a tree left out ("" for none)."""
    if not paths:
        return ""
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    return (
        f"left out of the published site: {shown}. S3 serves files as they are, so PHP would not run and "
        "its source (a form's mail password too) would be public: a form needs a form service; "
        ".htaccess Redirect lines are kept as redirects, other server settings go in static/_redirects "
        "and static/_headers"
    )
