"""Which two builds a run's change review compares, and where each is read: from run records.

A run's build is its prod tree (`artifacts/<site>/<run>/prod.manifest.json`): trees for different
targets carry different base URLs, so like is compared with like, and an unchanged page has the same
checksum in both. By default it is compared with the build live on prod (the last run whose prod deploy
succeeded, clearance.live_history); when that is the run's own build, with the build live before it.
`against` may also name another run of the same site.

A build is read where the run records say it is published (prod, or staging for a build that staging
holds: its own pages there differ from its prod tree only in base URL, not in visible text), checked
object by object against the build's manifest, else out of its tarball. Never: write anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib import clearance
from chalicelib.artifacts import ArtifactStore, tree_key
from chalicelib.errors import InputError, NotFoundError
from chalicelib.manifest import Manifest
from chalicelib.review.review import ChangeReview, Side, review_builds
from chalicelib.review.sources import EitherSource, PublishedPages, TarballPages
from chalicelib.runs import Run
from chalicelib.services import Services

#: The tree a review compares: the one prod serves.
TREE = "prod"
AGAINST_PROD = "prod"


@dataclass(frozen=True)
class Build:
    """One site build: the run that made it (`artifact`), and the targets that hold it now."""

    site: str
    artifact: str
    live_on: tuple[str, ...]


def review_run(svc: Services, run_id: str, against: str = AGAINST_PROD) -> ChangeReview:
    """The change review of run `run_id`'s build against prod's (or run `against`'s)."""
    run = svc.runs.get(run_id)
    if run.kind != "hugo":
        raise InputError(f"run {run.id} is a {run.kind} site's run: the change review is for Hugo sites")
    history = list(svc.runs.each(site=run.site))
    live = {stage: _live(history, stage) for stage in ("prod", "staging")}
    build = _build(run, live)
    label, old = _against(svc, run, build, against, history, live)
    store = ArtifactStore(svc.s3, svc.settings.artifacts_bucket)
    new_manifest = _manifest(store, run.id, build, TREE)
    old_manifest = (
        _manifest(store, old.artifact, old, TREE)
        if old is not None
        else Manifest(run.site, "", TREE, new_manifest.base_url)
    )
    staging = _manifest_or_none(store, build, "staging")
    return review_builds(
        site=run.site,
        run=run.id,
        against=label,
        against_run=old.artifact if old else None,
        old=Side(old_manifest, _source(svc, store, old, old_manifest)),
        new=Side(
            new_manifest,
            _source(svc, store, build, new_manifest, staging),
            staging.base_url if staging is not None and "staging" in build.live_on else "",
        ),
    )


def _live(history: list[Run], stage: str) -> list[str]:
    """The builds that were live on `stage`, the one live now first."""
    return [artifact for _, artifact in clearance.live_history(history, stage)]


def _build(run: Run, live: dict[str, list[str]]) -> Build:
    artifact = run.artifact.artifact_run or run.id
    on = tuple(stage for stage, builds in live.items() if builds and builds[0] == artifact)
    return Build(run.site, artifact, on)


def _against(
    svc: Services, run: Run, build: Build, against: str, history: list[Run], live: dict[str, list[str]]
) -> tuple[str, Build | None]:
    """What the review compares with, in words, and that build (None: prod has none yet)."""
    if against != AGAINST_PROD:
        other = svc.runs.get(against)
        if other.site != run.site:
            raise InputError(
                f"run {other.id} is of site {other.site}, not {run.site}: compare runs of one site"
            )
        return f"run {other.id}", _build(other, live)
    earlier = [artifact for artifact in live["prod"] if artifact != build.artifact]
    if not earlier:
        return "prod (nothing live on prod yet)", None
    old = Build(run.site, earlier[0], ("prod",) if live["prod"][0] == earlier[0] else ())
    if live["prod"][0] == build.artifact:
        return f"prod before this build (run {old.artifact}'s build)", old
    return f"prod (run {old.artifact}'s build)", old


def _manifest(store: ArtifactStore, named: str, build: Build, tree: str) -> Manifest:
    try:
        return store.get_manifest(build.site, build.artifact, tree)
    except NotFoundError as exc:
        raise NotFoundError(f"run {named} has no {tree} build to review: {exc}") from exc


def _manifest_or_none(store: ArtifactStore, build: Build, tree: str) -> Manifest | None:
    try:
        return store.get_manifest(build.site, build.artifact, tree)
    except NotFoundError:
        return None


def _source(
    svc: Services,
    store: ArtifactStore,
    build: Build | None,
    manifest: Manifest,
    staging: Manifest | None = None,
) -> EitherSource:
    """Where `build`'s files are read: the target that holds it, else its tarball."""
    from chalicelib.work.deploy import target

    tarball = TarballPages(svc.s3, store.bucket, tree_key(manifest.site, manifest.run_id, TREE))
    if build is None:
        return EitherSource(None, tarball)
    # The prod tree itself when prod holds it; else the staging tree, same text under another base URL.
    published_tree = manifest if "prod" in build.live_on else staging if "staging" in build.live_on else None
    if published_tree is None:
        return EitherSource(None, tarball)
    where = target(svc, svc.sites.registration(build.site), published_tree.stage)
    md5s = {entry.path: entry.md5 for entry in published_tree.files}
    label = f"{published_tree.stage}, run {build.artifact}'s build"
    return EitherSource(PublishedPages(svc.s3, where.bucket, where.prefix, md5s, label), tarball)
