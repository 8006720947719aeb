"""The manifest of a built tree: every file with its MD5, size and content type.

A manifest is the contract between build and publish: publish never re-reads the bucket's contents to
decide what changed, it compares this manifest with the bucket's listing. Pure data and hashing only;
no AWS calls here.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from chalicelib.contenttypes import content_type_for

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ManifestEntry:
    """One file of a built tree; `path` is relative, with forward slashes, no leading slash."""

    path: str
    md5: str
    size: int
    content_type: str


@dataclass
class Manifest:
    """What one stage tree of an artifact holds.

    `redirects` maps a path (relative, like an entry's) to the URL it should redirect to: Hugo's alias
    pages, published as S3 website redirects. `text_md5` maps each HTML page to the MD5 of its title
    and visible main text (chalicelib/review/pages.py), so the change review reads only pages whose
    text changed, not every page a new stylesheet fingerprint touched (empty in older manifests).
    """

    site: str
    run_id: str
    stage: str
    base_url: str
    files: list[ManifestEntry] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    text_md5: dict[str, str] = field(default_factory=dict)
    cache_rules: list[tuple[str, str]] = field(default_factory=list)
    header_rules: list[tuple[str, str, str]] = field(default_factory=list)
    #: Each page with inline scripts -> their digests (`sha256-...`, chalicelib/scripthashes.py).
    script_hashes: dict[str, list[str]] = field(default_factory=dict)
    #: The other hosts its pages load scripts, stylesheets and frames from; None where not recorded
    #: (a manifest written before it was).
    loads: list[str] | None = None

    @property
    def total_bytes(self) -> int:
        return sum(entry.size for entry in self.files)

    def by_path(self) -> dict[str, ManifestEntry]:
        return {entry.path: entry for entry in self.files}

    def to_json(self) -> str:
        data = asdict(self)
        data["version"] = MANIFEST_VERSION
        return json.dumps(data, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        data = json.loads(text)
        data.pop("version", None)
        files = [ManifestEntry(**entry) for entry in data.pop("files")]
        rules = [(str(pattern), str(value)) for pattern, value in data.pop("cache_rules", [])]
        headers = [
            (str(pattern), str(name), str(value)) for pattern, name, value in data.pop("header_rules", [])
        ]
        return cls(files=files, cache_rules=rules, header_rules=headers, **data)


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def scan_tree(root: Path) -> list[ManifestEntry]:
    """Every regular file under `root`, sorted by path, hashed. Links are not followed."""
    entries: list[ManifestEntry] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            full = Path(dirpath) / name
            if full.is_symlink() or not full.is_file():
                continue
            rel = full.relative_to(root).as_posix()
            entries.append(ManifestEntry(rel, file_md5(full), full.stat().st_size, content_type_for(rel)))
    entries.sort(key=lambda entry: entry.path)
    return entries
