"""Dropping a bundle onto EFS as a new release, rolling back, and pruning: the operations the
codedrop stage and the rollback CLI/API call.

A drop plans (pure), writes the release beside the live one, switches `current` in one rename, then
prunes. It never writes into the release `current` points at, and a failure before the switch
leaves `current` as it was. Rollback is the switch alone.
"""

from __future__ import annotations

import time
from pathlib import Path

from chalicelib.codedrop.layout import AppTree, Release, check_name
from chalicelib.codedrop.plan import DropPlan, plan_release
from chalicelib.codedrop.release import (
    remove_release,
    remove_stale_scratch,
    touch_release,
    write_release,
)
from chalicelib.codedrop.result import DropResult
from chalicelib.codedrop.switch import switch_current
from chalicelib.errors import ConflictError, InputError, NotFoundError, PublishError
from chalicelib.manifest import Manifest

DEFAULT_KEEP = 5


def plan_drop(mount: Path, stage: str, app: str, run_id: str, manifest: Manifest) -> DropPlan:
    """What dropping `manifest` would do now; reads only the current release's manifest."""
    tree = AppTree(mount, stage, app)
    check_name("run id", run_id)
    current_run = tree.current_run()
    current = tree.manifest(current_run) if current_run is not None else None
    return plan_release(run_id, manifest, current, current_run)


def drop_release(
    mount: Path,
    stage: str,
    app: str,
    run_id: str,
    bundle: Path,
    manifest: Manifest,
    *,
    keep: int = DEFAULT_KEEP,
    force: bool = False,
    plan: DropPlan | None = None,
) -> DropResult:
    """Make `releases/<run_id>` from `bundle`, switch `current` to it, keep the newest `keep`.

    `plan` is one made earlier from the same manifest; it is carried out only while it links from the
    release that is current now (releases never change), else the drop plans again."""
    started = time.perf_counter()
    if keep < 1:
        raise InputError(f"keep must be at least 1 release (got {keep})")
    tree = AppTree(mount, stage, app)
    previous = tree.current_run()
    if tree.has_release(run_id):
        return _drop_again(tree, run_id, manifest, previous, keep, started)
    if previous is not None and not tree.has_release(previous):
        raise PublishError(
            f"{tree.current_link} points at {previous}, which is not a complete release; "
            "switch it to a release with `presslift rollback` first"
        )
    _clear_leftovers(tree, run_id, previous)
    if plan is None or plan.run_id != run_id or plan.link_from != previous:
        plan = plan_drop(mount, stage, app, run_id, manifest)
    if plan.refusals and not force:
        raise PublishError(
            f"refusing to drop run {run_id} onto {tree.root}: {'; '.join(plan.refusals)}. "
            "Nothing was written; force the drop if this is intended."
        )
    stats = write_release(tree, plan, bundle, manifest)
    switch_seconds = switch_current(tree, run_id)
    pruned = prune(tree, keep)
    return DropResult(
        action="drop",
        stage=stage,
        app=app,
        run_id=run_id,
        release=tree.release_dir(run_id),
        previous=previous,
        files=len(manifest.files),
        files_copied=stats.files_copied,
        files_linked=stats.files_linked,
        bytes_written=stats.bytes_written,
        manifest_bytes=stats.manifest_bytes,
        seconds=time.perf_counter() - started,
        switch_seconds=switch_seconds,
        pruned=pruned,
        forced_past=plan.refusals,
    )


def rollback(mount: Path, stage: str, app: str, to_run: str | None = None) -> DropResult:
    """Switch `current` to `to_run`, or to the release dropped before the current one; one rename."""
    started = time.perf_counter()
    tree = AppTree(mount, stage, app)
    found = tree.releases()
    previous = tree.current_run()
    if to_run is None:
        to_run = _release_before(tree, found, previous)
    elif not tree.has_release(to_run):
        kept = ", ".join(release.run_id for release in found) or "none"
        raise NotFoundError(
            f"{app} on {stage} has no release {to_run} to roll back to (releases kept: {kept})"
        )
    switch_seconds = switch_current(tree, to_run)
    return _switch_only(tree, "rollback", to_run, previous, started, switch_seconds)


def releases(mount: Path, stage: str, app: str) -> list[Release]:
    """Complete releases of `app` on `stage`, newest (dropped last) first, marking the current one."""
    return AppTree(mount, stage, app).releases()


def prune(tree: AppTree, keep: int) -> tuple[str, ...]:
    """Remove releases past the newest `keep`; never the current one, wherever a rollback left it.

    A process that resolved `current` long ago may still be reading a pruned release; with a keep of
    5 that process has outlived five switches, and the fleet restarts onto `current` on such errors.
    """
    pruned = []
    for release in tree.releases()[keep:]:
        if not release.current:
            remove_release(tree, release.run_id)
            pruned.append(release.run_id)
    remove_stale_scratch(tree)
    return tuple(pruned)


def _drop_again(
    tree: AppTree, run_id: str, manifest: Manifest, previous: str | None, keep: int, started: float
) -> DropResult:
    """A retried message or a promotion of a release this stage already holds: switch, don't write."""
    existing = tree.manifest(run_id)
    if sorted(existing.files, key=lambda e: e.path) != sorted(manifest.files, key=lambda e: e.path):
        raise ConflictError(
            f"release {run_id} of {tree.app} on {tree.stage} already exists with other files; "
            "releases never change, so drop the new bundle under a new run id"
        )
    touch_release(tree, run_id)
    switch_seconds = switch_current(tree, run_id) if previous != run_id else 0.0
    pruned = prune(tree, keep)
    return _switch_only(tree, "redrop", run_id, previous, started, switch_seconds, pruned)


def _switch_only(
    tree: AppTree,
    action: str,
    run_id: str,
    previous: str | None,
    started: float,
    switch_seconds: float,
    pruned: tuple[str, ...] = (),
) -> DropResult:
    """The result of a rollback or a drop of a release already there: a switch, nothing written."""
    return DropResult(
        action=action,
        stage=tree.stage,
        app=tree.app,
        run_id=run_id,
        release=tree.release_dir(run_id),
        previous=previous,
        files=len(tree.manifest(run_id).files),
        files_copied=0,
        files_linked=0,
        bytes_written=0,
        manifest_bytes=0,
        seconds=time.perf_counter() - started,
        switch_seconds=switch_seconds,
        pruned=pruned,
    )


def _clear_leftovers(tree: AppTree, run_id: str, previous: str | None) -> None:
    """A folder or manifest of `run_id` without the other is a drop that died mid-way: clear it."""
    if run_id == previous:
        raise PublishError(f"{tree.current_link} points at {run_id}, which is incomplete; roll back first")
    if tree.release_dir(run_id).exists() or tree.manifest_path(run_id).exists():
        remove_release(tree, run_id)


def _release_before(tree: AppTree, found: list[Release], current: str | None) -> str:
    order = [release.run_id for release in found]
    if current is None or current not in order:
        raise NotFoundError(f"{tree.app} on {tree.stage} has no current release to roll back from")
    index = order.index(current)
    if index + 1 >= len(order):
        raise NotFoundError(
            f"{tree.app} on {tree.stage} has no release older than {current} to roll back to "
            f"(releases kept: {', '.join(order)})"
        )
    return order[index + 1]
