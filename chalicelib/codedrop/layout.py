"""Where a code site's releases live on an EFS mount, and how to read that tree.

    <mount>/<stage>/<app>/current                  -> releases/<run>   (relative symlink)
    <mount>/<stage>/<app>/releases/<run>/          one immutable release: the bundle's files
    <mount>/<stage>/<app>/releases/<run>.manifest.json   that release's manifest (paths, md5s, sizes)

A release exists once its folder and its manifest both exist; folders and files starting with a dot
are work in progress or trash and are never listed. Release order is the manifest file's mtime, which
the writer makes strictly increasing, so "newest" means "dropped last" whatever the run ids look like.
This module only reads the tree and names paths; it never writes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from chalicelib.errors import InputError, NotFoundError
from chalicelib.manifest import Manifest

CURRENT = "current"
RELEASES = "releases"
MANIFEST_SUFFIX = ".manifest.json"

# One path segment: no slashes, no leading dot (dot names are our scratch space), no "..".
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$")


def check_name(kind: str, value: str) -> str:
    if not _NAME.match(value) or ".." in value:
        raise InputError(
            f"{kind} {value!r} cannot name a folder on EFS: use letters, digits, '-', '_', '.', '+' "
            "(at most 128, not starting with '.')"
        )
    return value


@dataclass(frozen=True)
class Release:
    """One complete release of an app on a stage; `current` says whether `current` points at it."""

    run_id: str
    path: Path
    dropped_at_ns: int
    current: bool

    def summary(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "path": str(self.path),
            "dropped_at_ns": self.dropped_at_ns,
            "current": self.current,
        }


@dataclass(frozen=True)
class AppTree:
    """The folder of one app on one stage of an EFS mount."""

    mount: Path
    stage: str
    app: str

    def __post_init__(self) -> None:
        check_name("stage", self.stage)
        check_name("app", self.app)

    @property
    def root(self) -> Path:
        return self.mount / self.stage / self.app

    @property
    def releases_dir(self) -> Path:
        return self.root / RELEASES

    @property
    def current_link(self) -> Path:
        return self.root / CURRENT

    def release_dir(self, run_id: str) -> Path:
        return self.releases_dir / check_name("run id", run_id)

    def manifest_path(self, run_id: str) -> Path:
        return self.releases_dir / (check_name("run id", run_id) + MANIFEST_SUFFIX)

    def link_target(self, run_id: str) -> str:
        """What `current` holds: relative, so the tree works wherever EFS is mounted."""
        return f"{RELEASES}/{check_name('run id', run_id)}"

    def current_run(self) -> str | None:
        """The run `current` points at, or None before the first drop."""
        try:
            target = os.readlink(self.current_link)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise InputError(f"{self.current_link} is not a symlink ({exc}); move it aside") from exc
        prefix = RELEASES + "/"
        if not target.startswith(prefix):
            raise InputError(f"{self.current_link} points at {target!r}, outside {self.releases_dir}")
        return target[len(prefix) :]

    def manifest(self, run_id: str) -> Manifest:
        path = self.manifest_path(run_id)
        try:
            return Manifest.from_json(path.read_bytes())
        except FileNotFoundError:
            raise NotFoundError(
                f"no release {run_id} of {self.app} on {self.stage} ({path} is missing)"
            ) from None

    def has_release(self, run_id: str) -> bool:
        return self.release_dir(run_id).is_dir() and self.manifest_path(run_id).is_file()

    def releases(self) -> list[Release]:
        """Complete releases, newest first."""
        current = self.current_run()
        found: list[Release] = []
        try:
            entries = list(os.scandir(self.releases_dir))
        except FileNotFoundError:
            return []
        folders = {entry.name for entry in entries if entry.is_dir(follow_symlinks=False)}
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(MANIFEST_SUFFIX):
                continue
            run_id = entry.name[: -len(MANIFEST_SUFFIX)]
            if run_id not in folders:
                continue
            found.append(
                Release(
                    run_id=run_id,
                    path=self.releases_dir / run_id,
                    dropped_at_ns=entry.stat(follow_symlinks=False).st_mtime_ns,
                    current=run_id == current,
                )
            )
        found.sort(key=lambda release: (release.dropped_at_ns, release.run_id), reverse=True)
        return found
