"""The switch: point `current` at a release in one rename(2), so a reader sees the old or the new
release and never anything between.

A new relative symlink is made under a temporary name beside `current`, then renamed onto it;
rename replaces the old link atomically on a local disk and on NFS (EFS) alike. Readers resolve
`current` once and read everything through the resolved path. This module never writes a release.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time

from chalicelib.codedrop.layout import AppTree
from chalicelib.errors import NotFoundError


def switch_current(tree: AppTree, run_id: str) -> float:
    """Point `current` at `run_id`; returns the seconds from making the link to the rename."""
    if not tree.has_release(run_id):
        raise NotFoundError(
            f"cannot switch {tree.current_link} to {run_id}: there is no such complete release"
        )
    temporary = tree.root / f"{tree.current_link.name}.tmp-{secrets.token_hex(6)}"
    started = time.perf_counter()
    os.symlink(tree.link_target(run_id), temporary)
    try:
        os.replace(temporary, tree.current_link)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    _sync_folder(tree)
    return seconds


def _sync_folder(tree: AppTree) -> None:
    """Make the rename durable before reporting success; not every file system can fsync a folder."""
    descriptor = os.open(tree.root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
