"""The drop plan: a pure diff of a bundle's manifest against the current release's manifest.

Every file of the new release is either linked (same path, md5 and size as in the current release,
so it is hard-linked from there) or copied from the bundle with its reason (new, changed). The safety
guards (an empty bundle, a bundle far smaller than the current release) become refusals that the drop
enforces unless forced. This module reads no files: the same plan feeds the approval email, a dry run
and the drop itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.errors import InputError
from chalicelib.manifest import Manifest, ManifestEntry
from chalicelib.runview import plural
from chalicelib.units import human_size

# "Far smaller": the new bundle has less than this share of the current release's files or bytes.
# Releases smaller than SHRINK_GUARD_MIN_FILES are not guarded, so a 3-file app may lose a file.
SHRINK_LIMIT = 0.5
SHRINK_GUARD_MIN_FILES = 10


class CopyReason(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    NO_CURRENT = "no current release"


@dataclass(frozen=True)
class Copy:
    entry: ManifestEntry
    reason: CopyReason


@dataclass(frozen=True)
class DropPlan:
    """What a drop will write: copies from the bundle, links from `link_from`, and why it may refuse."""

    run_id: str
    link_from: str | None
    copies: tuple[Copy, ...]
    links: tuple[ManifestEntry, ...]
    removed: tuple[str, ...]
    total_files: int
    total_bytes: int
    refusals: tuple[str, ...]

    @property
    def copy_bytes(self) -> int:
        return sum(copy.entry.size for copy in self.copies)

    def summary(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "link_from": self.link_from,
            "files": self.total_files,
            "bytes": self.total_bytes,
            "copy": len(self.copies),
            "copy_bytes": self.copy_bytes,
            "link": len(self.links),
            "removed": len(self.removed),
            "refusals": list(self.refusals),
        }

    def describe(self, *, sample: int = 10) -> str:
        """A few lines for people: the approval email and the run log."""
        new = sum(1 for copy in self.copies if copy.reason is CopyReason.NEW)
        changed = sum(1 for copy in self.copies if copy.reason is CopyReason.CHANGED)
        lines = [
            f"release {self.run_id}: {plural(self.total_files, 'file')}, {human_size(self.total_bytes)}",
            f"  copy {plural(len(self.copies), 'file')} ({human_size(self.copy_bytes)}): "
            f"{new} new, {changed} changed",
            f"  link {plural(len(self.links), 'unchanged file')} from "
            f"{self.link_from or '(no current release)'}",
            f"  leave out {plural(len(self.removed), 'file')} the current release has",
        ]
        for copy in self.copies[:sample]:
            lines.append(f"    + {copy.entry.path} ({copy.reason})")
        lines.extend(f"    - {path}" for path in self.removed[:sample])
        lines.extend(f"  refused: {reason}" for reason in self.refusals)
        return "\n".join(lines)


def check_paths(manifest: Manifest) -> None:
    """Manifest paths become paths under the release folder: refuse anything that could escape it."""
    seen: set[str] = set()
    for entry in manifest.files:
        path = entry.path
        if (
            not path
            or path.startswith("/")
            or "\\" in path
            or "\0" in path
            or any(part in ("", ".", "..") for part in path.split("/"))
        ):
            raise InputError(f"manifest of run {manifest.run_id}: path {path!r} is not a plain relative path")
        if entry.path in seen:
            raise InputError(f"manifest of run {manifest.run_id}: path {entry.path!r} is listed twice")
        seen.add(entry.path)
    folders = {path[:index] for path in seen for index, char in enumerate(path) if char == "/"}
    clashes = sorted(folders & seen)
    if clashes:
        raise InputError(
            f"manifest of run {manifest.run_id}: {clashes[0]!r} is listed as a file and as a folder "
            "of other files"
        )


def plan_release(
    run_id: str, new: Manifest, current: Manifest | None, current_run: str | None = None
) -> DropPlan:
    """Compare manifests only; never the live tree's contents."""
    check_paths(new)
    old = current.by_path() if current is not None else {}
    copies: list[Copy] = []
    links: list[ManifestEntry] = []
    for entry in sorted(new.files, key=lambda item: item.path):
        before = old.get(entry.path)
        if current is None:
            copies.append(Copy(entry, CopyReason.NO_CURRENT))
        elif before is None:
            copies.append(Copy(entry, CopyReason.NEW))
        elif (before.md5, before.size) != (entry.md5, entry.size):
            copies.append(Copy(entry, CopyReason.CHANGED))
        else:
            links.append(entry)
    new_paths = {entry.path for entry in new.files}
    removed = tuple(sorted(path for path in old if path not in new_paths))
    return DropPlan(
        run_id=run_id,
        link_from=current_run if current is not None else None,
        copies=tuple(copies),
        links=tuple(links),
        removed=removed,
        total_files=len(new.files),
        total_bytes=new.total_bytes,
        refusals=tuple(_refusals(new, current, current_run)),
    )


def _refusals(new: Manifest, current: Manifest | None, current_run: str | None) -> list[str]:
    if not new.files:
        return ["the bundle has no files (check the [code] include and exclude globs in presslift.toml)"]
    if current is None or len(current.files) < SHRINK_GUARD_MIN_FILES:
        return []
    reasons = []
    if len(new.files) < SHRINK_LIMIT * len(current.files):
        reasons.append(
            f"the bundle has {len(new.files)} files, less than {SHRINK_LIMIT:.0%} of the "
            f"{len(current.files)} in the current release {current_run}"
        )
    if new.total_bytes < SHRINK_LIMIT * current.total_bytes:
        reasons.append(
            f"the bundle holds {human_size(new.total_bytes)}, less than {SHRINK_LIMIT:.0%} of the "
            f"{human_size(current.total_bytes)} in the current release {current_run}"
        )
    return reasons
