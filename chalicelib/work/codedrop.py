"""Code sites: build a bundle from the fetched source (in the build runner: the repository's check
command is its code), and drop it onto the EFS mount for a stage.

The bundle is the artifact (one tarball plus its manifest, like a site's stage tree); every stage gets
the same bundle. Dropping writes a new release beside the live one and switches `current` in one
rename (`chalicelib.codedrop`), so machines reading the mount never see a half-written release.

Never: touch prod before `clearance` has read from the run records that the run may go there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib import clearance
from chalicelib.artifacts import log_key, tree_key
from chalicelib.budget import TimeBudget
from chalicelib.manifest import Manifest
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.siteconfig import CodeConfig
from chalicelib.usage import Usage
from chalicelib.work import artifacts, site_config, work_dir

if TYPE_CHECKING:
    from chalicelib.bundle import BundleSpec
    from chalicelib.codedrop import AppTree, DropPlan, DropResult

# Bundling and dropping are imported inside the functions: only the build and code-drop functions use
# them (wheel installation pulls in `installer` and `packaging`), and the pipeline imports this module
# in every function.

BUNDLE = "code"
#: How long the mount function's presigned GET of a bundle lasts: its Lambda timeout, and no more.
BUNDLE_URL_SECONDS = 900


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


@dataclass(frozen=True)
class BundleResult:
    """What a code build stored: the bundle of `app` as run `artifact_run`'s artifact."""

    app: str
    artifact_run: str
    log_key: str
    files: int
    bytes: int

    def detail(self) -> dict[str, Any]:
        return {
            "app": self.app,
            "artifact_run": self.artifact_run,
            "log_key": self.log_key,
            "trees": {BUNDLE: {"files": self.files, "bytes": self.bytes}},
            "summary": f"bundle of {self.app}: {self.files} files, {self.bytes / 1e6:.1f} MB",
        }

    def usage(self) -> Usage:
        return Usage(bytes_stored=self.bytes)


@dataclass(frozen=True)
class CodeDropPlan:
    """What dropping a run's bundle onto `target` will do, from the bundle's manifest (no bundle is
    downloaded) and the target's current release: the mount's, when this function has the mount, else
    the release the run records show was last made live there. `apply_codedrop` carries it out."""

    target: str
    app: str
    artifact_run: str
    drop: DropPlan
    current_run: str | None
    compared_with: str
    on_mount: bool
    manifest: Manifest = field(repr=False, compare=False)

    @property
    def text(self) -> str:
        """The plan's lines, as the approval page and email show them."""
        return f"{self.app} on {self.target}: {self.drop.describe()}\n  compared with {self.compared_with}"

    def describe(self) -> str:
        """One line for a run record's summary."""
        s = self.drop.summary()
        refused = f"; REFUSED: {'; '.join(self.drop.refusals)}" if self.drop.refusals else ""
        return (
            f"release {self.artifact_run} of {self.app} on {self.target}: copy {s['copy']} files, "
            f"link {s['link']}, leave out {s['removed']} (against {self.compared_with}){refused}"
        )

    def summary(self) -> dict[str, Any]:
        return {**self.drop.summary(), "target": self.target, "compared_with": self.compared_with}


@dataclass(frozen=True)
class CodeDropResult:
    """What a drop or a rollback did on one target, with the plan a drop carried out (re-planned, with
    why in `replanned`, when the target's current release changed since planning)."""

    result: DropResult
    cleared: str | None
    plan: CodeDropPlan | None = None
    replanned: str = ""
    since_approval: str = ""

    def detail(self) -> dict[str, Any]:
        """The detail the run record keeps (`clearance.live_artifact` reads `drop.run_id`)."""
        detail: dict[str, Any] = {
            "drop": self.result.summary(),
            "summary": self.result.describe(),
            "release": str(self.result.release),
            "cleared": self.cleared,
        }
        if self.plan is not None:
            detail["plan_text"] = self.plan.text
        if self.replanned:
            detail["replanned"] = self.replanned
            detail["summary"] += f"\n  re-planned: {self.replanned}"
        if self.since_approval:
            detail["since_approval"] = self.since_approval
            detail["summary"] += f"\n  {self.since_approval}"
        return detail


def build(svc: Services, run: Run, source_key: str, budget: TimeBudget) -> BundleResult:
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
    return BundleResult(
        app, run.id, log_key(run.site, run.id, "build.log"), len(manifest.files), manifest.total_bytes
    )


def _artifact_run(run: Run) -> str:
    return run.artifact.artifact_run or run.id


def plan_codedrop(svc: Services, run: Run, target: str) -> CodeDropPlan:
    """What dropping the run's bundle onto `target` would do: from the bundle's manifest alone (no
    bundle is downloaded) and the target's current release. Where the mount is absent (the approval
    can run outside the VPC) the current release is the one the run records last show live on
    `target`, compared by its manifest in the artifacts bucket. Reads, never writes."""
    from chalicelib.codedrop import AppTree, plan_release

    manifest = artifacts(svc).get_manifest(run.site, _artifact_run(run), BUNDLE)
    mount, app = Path(svc.settings.efs_mount), app_name(svc, run)
    if mount.is_dir():
        current_run, current, compared_with = _mounted_release(AppTree(mount, target, app))
    else:
        current_run, current, compared_with = _recorded_release(svc, run, target)
    drop = plan_release(manifest.run_id, manifest, current, current_run)
    return CodeDropPlan(
        target, app, _artifact_run(run), drop, current_run, compared_with, mount.is_dir(), manifest
    )


def _mounted_release(tree: AppTree) -> tuple[str | None, Manifest | None, str]:
    """The release `current` points at on the mount, its manifest, and a phrase saying so."""
    current_run = tree.current_run()
    if current_run is None:
        return None, None, f"no release on the mount ({tree.root} has none)"
    return current_run, tree.manifest(current_run), f"the current release {current_run} on the mount"


def _recorded_release(svc: Services, run: Run, target: str) -> tuple[str | None, Manifest | None, str]:
    """The release the run records last show live on `target`, its bundle's manifest, and a phrase."""
    history = clearance.live_history([r for r in svc.runs.each(site=run.site) if r.id != run.id], target)
    if not history:
        return None, None, f"no release recorded on {target} (the mount is not reachable here)"
    earlier, release = history[0]
    manifest = artifacts(svc).get_manifest(run.site, release, BUNDLE)
    return (
        release,
        manifest,
        f"release {release}, live on {target} by run {earlier.id} (the run records)",
    )


def apply_codedrop(svc: Services, run: Run, plan: CodeDropPlan, *, force: bool = False) -> CodeDropResult:
    """Carry out `plan` through the mount function: it fetches the bundle and drops it as a new release.
    Clearance comes first; the mount function plans against the release current on the mount, and
    when that is another than `plan` compared with (another drop or a rollback since, or a plan made
    from the run records), the plan is made again here from that release's manifest, and the result
    says so."""
    from chalicelib.codemount.invoke import checked
    from chalicelib.codemount.job import MountJob

    cleared = clearance.check(svc, run, plan.target)
    mount = svc.codedrop_mount  # one name, one value: the grant analysis follows it to the mount function
    store = artifacts(svc)
    key = tree_key(run.site, plan.artifact_run, BUNDLE)
    with work_dir() as tmp:
        if mount.shares_disk:
            archive = Path(tmp) / "bundle.tar.gz"
            store.get_object_file(key, archive, f"the bundle of run {plan.artifact_run}")
            url = archive.as_uri()
        else:
            url = store.presign_get(key, BUNDLE_URL_SECONDS)
        job = MountJob(
            "drop",
            plan.target,
            plan.app,
            release=plan.manifest.run_id,
            manifest=plan.manifest.to_json(),
            bundle_url=url,
            expected_current=plan.current_run,
            keep=code_config(run).keep,
            force=force,
            run_id=run.id,
        )
        reply = checked(mount.run(job))
    replanned = ""
    if reply.current_run != plan.current_run:
        replanned = (
            f"{plan.target}'s current release is {reply.current_run or 'none'}, "
            f"the plan compared with {plan.compared_with}"
        )
        plan = _replan(svc, run, plan, reply.current_run)
    return CodeDropResult(reply.drop_result(), cleared, plan, replanned)


def _replan(svc: Services, run: Run, plan: CodeDropPlan, current_run: str | None) -> CodeDropPlan:
    """`plan` made again against `current_run`, as the mount function did (releases never change, so
    the release's manifest in the artifacts bucket is the one on the mount)."""
    from chalicelib.codedrop import plan_release
    from chalicelib.errors import NotFoundError

    compared_with = (
        f"the current release {current_run} on the mount" if current_run else "no release on the mount"
    )
    try:
        current = artifacts(svc).get_manifest(run.site, current_run, BUNDLE) if current_run else None
    except NotFoundError:
        # The drop is done; only its record's plan cannot be shown again (the bundle's artifacts went).
        return replace(plan, current_run=current_run, compared_with=compared_with, on_mount=True)
    drop = plan_release(plan.manifest.run_id, plan.manifest, current, current_run)
    return replace(plan, drop=drop, current_run=current_run, compared_with=compared_with, on_mount=True)


def drop(svc: Services, run: Run, stage: str, *, force: bool = False) -> CodeDropResult:
    """Plan, then apply, the drop of the run's bundle onto the `stage` target (the pipeline's code-drop
    step). A refused run is refused before anything is read."""
    clearance.check(svc, run, stage)
    result = apply_codedrop(svc, run, plan_codedrop(svc, run, stage), force=force)
    return replace(result, since_approval=since_approval(run, result.plan))


def since_approval(run: Run, plan: CodeDropPlan | None) -> str:
    """How prod's drop differs from the one the approver was shown ("" when it does not, or none was):
    another drop or a rollback on prod in between changes what this drop links from and copies."""
    if plan is None or plan.target != clearance.GUARDED or run.approval is None:
        return ""
    shown = run.approval.plan
    if "link_from" not in shown:
        return ""
    if shown["link_from"] == plan.drop.link_from:
        return ""
    was, now = shown["link_from"] or "(none)", plan.drop.link_from or "no release"
    return f"prod changed since the approval: it showed a drop against release {was}, the drop found {now}"


def rollback(svc: Services, run: Run, stage: str, to_run: str | None) -> CodeDropResult:
    """Switch `stage` back to `to_run`'s release (default: the one dropped before the current); on prod
    only to a release that the run records show was live there before. The mount function lists the
    releases and switches; clearance is checked here, between the two."""
    from chalicelib.codemount.invoke import checked
    from chalicelib.codemount.job import MountJob

    mount = svc.codedrop_mount  # one name, one value: the grant analysis follows it to the mount function
    app = app_name(svc, run)
    if to_run is None:
        found = checked(mount.run(MountJob("releases", stage, app, run_id=run.id))).releases
        to_run = _release_before_current(list(found))
    cleared = clearance.check_release_live(svc, run, stage, to_run) if to_run else None
    reply = checked(mount.run(MountJob("rollback", stage, app, release=to_run or "", run_id=run.id)))
    return CodeDropResult(reply.drop_result(), cleared)


def _release_before_current(found: list[tuple[str, bool]]) -> str | None:
    """The release dropped just before the current one (newest first), or None to let the switch say
    why there is none."""
    order = [run_id for run_id, _ in found]
    current = next((run_id for run_id, is_current in found if is_current), None)
    if current is None or order.index(current) + 1 >= len(order):
        return None
    return order[order.index(current) + 1]
