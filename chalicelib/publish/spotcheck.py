"""Which of the publish record's objects a deploy looks at before trusting the record, and what it found.

The record stands in for a listing (basis.py), which is what makes an edit cheap; but a record that
is wrong about an object means the plan skips it and the site stays broken until the next listing.
So before trusting the record a deploy HEADs a few of its objects and compares ETag and size:

- every object the site's entry points need: `index.html`, `index.xml`, `sitemap.xml`, `404.html`,
  and the stylesheets, scripts, fonts and icons the new home page links (from the artifact's own
  `index.html`, the only page parsed, capped at `MAX_HOME_ASSETS`), since a missing one breaks every
  visit;
- a random sample of the rest (`PublishOptions.spot_check_sample`, 16 by default), seeded by the
  run and the target, so a test or a re-run of the same deploy checks the same objects.

Any object missing or different makes the deploy list the bucket instead. Pure: no I/O; the HEADs are
bucket.py's.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import unquote, urljoin, urlsplit

from chalicelib.publish.remote import RecordEntry
from chalicelib.publish.target import PublishTarget

ENTRY_POINTS = ("index.html", "index.xml", "sitemap.xml", "404.html")
# A home page links a handful of stylesheets and scripts; a bound keeps a pathological one (hundreds
# of preloads) from turning the check into a listing's worth of requests.
MAX_HOME_ASSETS = 64
# `<link rel=...>` values that name a file the page needs (not a link to another page or a feed).
ASSET_RELS = frozenset(
    {"stylesheet", "preload", "modulepreload", "icon", "apple-touch-icon", "manifest", "mask-icon"}
)
# What Presslift names in a reason: the first few finds, then a count.
NAMED_FINDINGS = 3

Finding = Literal["missing", "changed"]


@dataclass(frozen=True)
class Seen:
    """What a HEAD of one object returned: its ETag (unquoted) and size."""

    etag: str
    size: int


@dataclass(frozen=True)
class SpotCheck:
    """The outcome of checking `checked` objects against the record: `findings` maps the path of each
    object that is missing or differs to which."""

    checked: int
    findings: Mapping[str, Finding]

    @property
    def passed(self) -> bool:
        return not self.findings

    def describe(self) -> str:
        """A few words for the plan's "compared with" line."""
        if not self.checked:
            return "no object to check"
        if self.passed:
            return f"{self.checked} of its objects checked now, all as recorded"
        named = [f"{path} {finding}" for path, finding in sorted(self.findings.items())[:NAMED_FINDINGS]]
        if len(self.findings) > NAMED_FINDINGS:
            named.append(f"{len(self.findings) - NAMED_FINDINGS} more")
        verb = "differs" if len(self.findings) == 1 else "differ"
        return f"{len(self.findings)} of {self.checked} checked objects {verb} ({', '.join(named)})"


def needed_paths(paths: Collection[str], home_html: str | None, base_url: str) -> list[str]:
    """What every visit needs, of an artifact holding `paths`: its entry points, then what the home
    page (`home_html`, None when the tree is not at hand) links."""
    needed = [path for path in ENTRY_POINTS if path in paths]
    if home_html is not None:
        needed += [path for path in home_assets(home_html, base_url, paths) if path not in needed]
    return needed


def home_assets(html: str, base_url: str, paths: Collection[str]) -> list[str]:
    """The artifact paths of the files the home page links (stylesheets, scripts, fonts, icons), in
    page order; a reference that leaves the site or names no file of `paths` is ignored."""
    parser = _AssetLinks()
    parser.feed(html)
    parser.close()
    found: list[str] = []
    for reference in parser.references:
        path = _artifact_path(reference, base_url)
        if path is not None and path in paths and path not in found:
            found.append(path)
    return found[:MAX_HOME_ASSETS]


def keys_to_check(
    record: Mapping[str, RecordEntry],
    target: PublishTarget,
    needed_paths: Iterable[str],
    sample: int,
    seed: str,
) -> list[str]:
    """The record's keys to HEAD: every needed path the record holds, and `sample` others at random."""
    needed = sorted({key for key in map(target.key_for, needed_paths) if key in record})
    others = sorted(set(record) - set(needed))
    picked = random.Random(seed).sample(others, min(sample, len(others)))
    return needed + sorted(picked)


def compare(
    record: Mapping[str, RecordEntry], target: PublishTarget, seen: Mapping[str, Seen | None]
) -> SpotCheck:
    """What the HEADs of `seen` (None: not found) say about the record's entries for those keys."""
    findings: dict[str, Finding] = {}
    for key, head in seen.items():
        entry = record[key]
        if head is None:
            findings[target.path_of(key)] = "missing"
        elif head.etag != entry.etag or head.size != entry.size:
            findings[target.path_of(key)] = "changed"
    return SpotCheck(len(seen), findings)


def _artifact_path(reference: str, base_url: str) -> str | None:
    """The tree path a reference on the home page names, if it is on this site; "x/" is x/index.html."""
    home = base_url if base_url.endswith("/") else base_url + "/"
    base, url = urlsplit(home), urlsplit(urljoin(home, reference.strip()))
    if url.scheme not in ("", "http", "https") or (url.netloc and url.netloc != base.netloc):
        return None
    path, base_path = unquote(url.path), base.path or "/"
    if not path.startswith(base_path):
        return None  # above the site's root: not a file this site serves
    path = path[len(base_path) :]
    return path + "index.html" if path == "" or path.endswith("/") else path


class _AssetLinks(HTMLParser):
    """Collects `<link rel=stylesheet|preload|icon… href>` and `<script src>` references."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and values.get("src"):
            self.references.append(values["src"])
        elif tag == "link" and values.get("href"):
            rels = set(values.get("rel", "").lower().split())
            if rels & ASSET_RELS:
                self.references.append(values["href"])
