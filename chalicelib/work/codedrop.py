"""Code sites: build a bundle from the fetched source (in the build runner: the repository's check
command is its code), and drop it onto the EFS mount for a stage.

The bundle is the artifact (one tarball plus its manifest, like a site's stage tree); every stage gets
the same bundle. Dropping writes a new release beside the live one and switches `current` in one
rename (`chalicelib.codedrop`), so machines reading the mount never see a half-written release.

Never: touch prod before `clearance` has read from the run records that the run may go there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib import clearance
from chalicelib.artifacts import log_key
from chalicelib.budget import TimeBudget
from chalicelib.manifest import Manifest
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.siteconfig import CodeConfig
from chalicelib.work import artifacts, site_config, work_dir

if TYPE_CHECKING:
    from chalicelib.bundle import BundleSpec

# Bundling and dropping are imported inside the functions: only the build and code-drop functions use
# them (wheel installation pulls in `installer` and `packaging`), and the pipeline imports this module
# in every function.

BUNDLE = "code"


def code_config(run: Run) -> CodeConfig:
    """How the bundle is built: the repository's [code] table (the defaults without one)."""
    return site_config(run).code or CodeConfig()


def app_name(svc: Services, run: Run) -> str:
    """The code site's folder on the EFS mount points: its operator's choice, never the repository's."""
    return svc.sites.registration(run.site).app


def spec(code: CodeConfig) -> BundleSpec:
    from chalicelib.bundle import BundleSpec

    defaults = BundleSpec()
    return BundleSpec(
        include=code.include or defaults.include,
        exclude=defaults.exclude + code.exclude,
        requirements=code.requirements,
        wheelhouse=code.wheelhouse,
        check=code.check or None,
        check_timeout=code.check_timeout,
    )


def build(svc: Services, run: Run, source_key: str, budget: TimeBudget) -> dict[str, Any]:
    """Have the build runner bundle the source (globs, wheelhouse, the check command within `budget`),
    then hash what it returned, here, and store it as the run's artifact."""
    from dataclasses import asdict

    from chalicelib.buildrunner.job import BundleSettings
    from chalicelib.manifest import scan_tree
    from chalicelib.work.build import hand_off

    code, app = code_config(run), app_name(svc, run)
    store = artifacts(svc)
    with work_dir() as tmp:
        out = Path(tmp) / "bundle"
        settings = BundleSettings(**asdict(spec(code)))
        hand_off(svc, run, source_key, budget, out, kind="bundle", bundle=settings)
        manifest = Manifest(site=run.site, run_id=run.id, stage=BUNDLE, base_url="", files=scan_tree(out))
        store.put_tree(out, manifest)
    return {
        "app": app,
        "artifact_run": run.id,
        "log_key": log_key(run.site, run.id, "build.log"),
        "trees": {BUNDLE: {"files": len(manifest.files), "bytes": manifest.total_bytes}},
        "summary": f"bundle of {app}: {len(manifest.files)} files, {manifest.total_bytes / 1e6:.1f} MB",
    }


def _artifact_run(run: Run) -> str:
    return run.artifact.artifact_run or run.id


def _bundle(svc: Services, run: Run, into: Path) -> Manifest:
    return artifacts(svc).get_tree(run.site, _artifact_run(run), BUNDLE, into)


def drop(svc: Services, run: Run, stage: str, *, force: bool = False) -> dict[str, Any]:
    from chalicelib.codedrop import drop_release

    cleared = clearance.check(svc, run, stage)
    code = code_config(run)
    with work_dir() as tmp:
        bundle = Path(tmp) / "bundle"
        manifest = _bundle(svc, run, bundle)
        result = drop_release(
            Path(svc.settings.efs_mount),
            stage,
            app_name(svc, run),
            manifest.run_id,
            bundle,
            manifest,
            keep=code.keep,
            force=force,
        )
    return {
        "drop": result.summary(),
        "summary": result.describe(),
        "release": str(result.release),
        "cleared": cleared,
    }


def plan(svc: Services, run: Run, stage: str) -> str:
    """What dropping the run's bundle onto `stage` would do (the approval email shows it): from the
    bundle's manifest and the mount's current release alone, so no bundle is downloaded."""
    from chalicelib.codedrop import plan_drop

    manifest = artifacts(svc).get_manifest(run.site, _artifact_run(run), BUNDLE)
    return plan_drop(
        Path(svc.settings.efs_mount), stage, app_name(svc, run), manifest.run_id, manifest
    ).describe()


def rollback(svc: Services, run: Run, stage: str, to_run: str | None) -> dict[str, Any]:
    """Switch `stage` back to `to_run`'s release (default: the one dropped before the current); on prod
    only to a release that the run records show was live there before."""
    from chalicelib.codedrop import releases
    from chalicelib.codedrop import rollback as switch_back

    mount, app = Path(svc.settings.efs_mount), app_name(svc, run)
    if to_run is None:
        to_run = _release_before_current([(r.run_id, r.current) for r in releases(mount, stage, app)])
    cleared = clearance.check_release_live(svc, run, stage, to_run) if to_run else None
    result = switch_back(mount, stage, app, to_run)
    return {
        "drop": result.summary(),
        "summary": result.describe(),
        "release": str(result.release),
        "cleared": cleared,
    }


def _release_before_current(found: list[tuple[str, bool]]) -> str | None:
    """The release dropped just before the current one (newest first), or None to let the switch say
    why there is none."""
    order = [run_id for run_id, _ in found]
    current = next((run_id for run_id, is_current in found if is_current), None)
    if current is None or order.index(current) + 1 >= len(order):
        return None
    return order[order.index(current) + 1]
