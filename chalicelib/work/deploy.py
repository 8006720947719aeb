"""Deploy: publish one stage tree of a run's artifact to that stage's target, and sync its search.

The target and the search credentials are the site's registration (`presslift site add/update`),
never its presslift.toml: the site's own bucket and distribution when its operator gave them, else the
pipeline's bucket for the stage with a prefix per site. Plan, then apply, as `publish/` does:
`plan_deploy` reads the artifact's manifest and the target (no tarball), which is what the approval and
`presslift publish --dry-run` show; `apply_deploy` downloads the tree, re-checks the target and carries
the plan out (re-planning, and saying so, when the target changed since).

Never: change prod before `clearance.check` has read, from the run record, that the run may go there
(approved by a person, promoted by the site's policy, or restoring what prod had before).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib import clearance
from chalicelib.errors import NotFoundError, PipelineError
from chalicelib.previews.naming import PREVIEW, kept_folders, preview_target, preview_url
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.siteconfig import SiteConfig
from chalicelib.sitemodel import Site, check_site_owned, placement
from chalicelib.usage import Usage
from chalicelib.work import artifacts, site_config, work_dir

if TYPE_CHECKING:
    from chalicelib.manifest import Manifest
    from chalicelib.publish import BucketReading, PublishOptions, PublishPlan, PublishResult, PublishTarget
    from chalicelib.search.apply import SyncResult
    from chalicelib.search.plan import SearchPlan

# The publish machinery is imported inside the functions: only the deploy function uses it, and every
# other function's cold start would pay for it (this module is imported by the pipeline everywhere).


def target(svc: Services, site: Site, stage: str) -> PublishTarget:
    """Where `site` publishes `stage`, from its registration."""
    from chalicelib.publish import PublishTarget

    place = placement(site, stage)
    # A site's own bucket must be one the stack grants, or the deploy would end in AccessDenied.
    check_site_owned(site.name, stage, place.bucket, place.distribution)
    return PublishTarget(
        bucket=place.bucket or svc.settings.site_buckets[stage],
        prefix=place.prefix,
        distribution_id=place.distribution or svc.settings.distributions.get(stage) or None,
        origin_path=place.origin_path,
        # Staging's previews live in folders of its own prefix: the site's publish leaves them alone.
        kept=kept_folders(site) if stage == "staging" else (),
    )


def options(
    config: SiteConfig,
    *,
    force: bool = False,
    allow_deletes: bool = False,
    verify: bool = False,
    site_rules: Sequence[tuple[str, str]] = (),
    site_headers: Sequence[tuple[str, str, str]] = (),
    script_hashes: Mapping[str, Sequence[str]] | None = None,
    page_hosts: tuple[str, ...] = (),
) -> PublishOptions:
    """The site's Cache-Control rules (globs in presslift.toml), then its `_headers` file's
    (`site_rules`, from the manifest), then the defaults; the file's other headers (`site_headers`),
    each page's inline-script digests (`script_hashes`, from the manifest too) and the hosts the
    site's operator lets its pages load from (`page_hosts`, from its registration)."""
    from chalicelib.publish import DEFAULT_CACHE_RULES, CacheRule, PublishOptions
    from chalicelib.publish.headers import HeaderRule

    rules = tuple(CacheRule(rule.regex(), rule.cache_control) for rule in config.cache)
    rules += tuple(CacheRule(pattern, value) for pattern, value in site_rules)
    return PublishOptions(
        force=force,
        allow_deletes=allow_deletes,
        verify=verify,
        cache_rules=rules + DEFAULT_CACHE_RULES,
        header_rules=tuple(HeaderRule(*rule) for rule in site_headers),
        script_hashes=script_hashes or {},
        page_hosts=page_hosts,
    )


@dataclass(frozen=True)
class DeployPlan:
    """What deploying `artifact_run`'s `stage` tree will do, read from its manifest and the target alone
    (no tarball is downloaded); `apply_deploy` carries it out."""

    stage: str
    artifact_run: str
    target: PublishTarget
    publish: PublishPlan
    search: SearchPlan | None
    url: str
    manifest: Manifest = field(repr=False, compare=False)
    options: PublishOptions = field(repr=False, compare=False)
    reading: BucketReading = field(repr=False, compare=False)

    @property
    def summary(self) -> str:
        s = self.publish.summary()
        text = f"{s['uploads']} to upload, {s['deletes']} to delete, {s['unchanged']} unchanged"
        return text + (f"; search {self.search.describe()}" if self.search else "")

    @property
    def text(self) -> str:
        """The plan's lines, as the approval page and `publish --dry-run` show them."""
        return self.publish.describe() + (f"\n  search: {self.search.describe()}" if self.search else "")

    def files(self, limit: int | None = None) -> dict[str, Any]:
        """The changes file by file (`PublishPlan.files`); every one when `limit` is None."""
        every = len(self.publish.uploads) + len(self.publish.deletes)
        return self.publish.files(limit=every if limit is None else limit)

    def to_dict(self) -> dict[str, Any]:
        """The plan as a dry run, a run record or an approval stores it (the keys `deploy` records)."""
        detail: dict[str, Any] = {
            "publish": {"summary": self.publish.summary(), "dry_run": True},
            "plan_text": self.text,
            "plan_files": self.publish.files(),
            "artifact_run": self.artifact_run,
            "url": self.url,
            "summary": self.summary,
        }
        if self.search is not None:
            detail["search"] = self.search.to_dict()
        return detail


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did: the plan it applied (a fresh one when the target changed since planning,
    with why in `replanned`), the publish's figures and the search sync's; `since_approval` says how
    prod's plan differed from the one its approver was shown."""

    plan: DeployPlan
    publish: PublishResult
    search: SyncResult | None
    cleared: str
    replanned: str = ""
    since_approval: str = ""

    def detail(self) -> dict[str, Any]:
        """The detail the run record, the dashboard (runview.py) and the tests read."""
        result = self.publish
        detail: dict[str, Any] = {
            "publish": result.to_dict(),
            "plan_text": self.plan.publish.describe(),
            "plan_files": self.plan.publish.files(),
            "artifact_run": self.plan.artifact_run,
            "url": self.plan.url,
            "summary": (
                f"{result.uploaded} uploaded, {result.deleted} deleted, "
                f"{result.summary.get('unchanged', 0)} unchanged"
                + (f"; invalidation {result.invalidation_id}" if result.invalidation_id else "")
            ),
        }
        if self.cleared:
            detail["cleared"] = self.cleared
        if self.replanned:
            detail["replanned"] = self.replanned
            detail["summary"] += f"; re-planned: {self.replanned}"
        if self.search is not None:
            detail["search"] = {**self.search.summary(), "describe": self.search.describe()}
            detail["summary"] += f"; search {self.search.describe()}"
        if self.since_approval:
            detail["since_approval"] = self.since_approval
            detail["summary"] += f"; {self.since_approval}"
        return detail

    def usage(self) -> Usage:
        """The paths it invalidated and the search sync's record operations (its S3 requests, uploads
        and the reads that planned them, are counted as they are sent: see `requestcount`)."""
        publish = self.publish
        paths = len(publish.plan.invalidations) if publish.plan is not None and publish.invalidation_id else 0
        return Usage(
            invalidation_paths=paths,
            algolia_operations=self.search.plan.operations if self.search is not None else None,
        )


def plan_deploy(
    svc: Services,
    run: Run,
    stage: str,
    *,
    artifact_run: str | None = None,
    verify: bool = False,
    allow_deletes: bool | None = None,
) -> DeployPlan:
    """The plan for deploying `artifact_run`'s tree for `stage` (by default the run's own build), from
    its manifest and the target's state: reads, never writes, and downloads no tarball.

    `verify` lists the bucket instead of trusting the record of the last publish; rollbacks and
    publishes always do, so a restore is exact even after someone edited the bucket by hand. The delete
    limits (at most so many deletes, no gutting the site) hold for them too, unless the operator who
    asked passed `allow_deletes` (recorded on the run's trigger; given here, it is what a publish the
    operator is about to ask for would carry: the dry run of `publish --allow-deletes` said REFUSED).
    """
    from chalicelib.publish import read_bucket

    config = site_config(run)
    restoring = run.trigger.restoring
    if allow_deletes is None:
        allow_deletes = restoring and run.trigger.allow_deletes
    site = svc.sites.registration(run.site)
    artifact_run = artifact_run or run.artifact.artifact_run or run.id
    if stage == PREVIEW:  # the preview's folder on staging, searched by its own Pagefind index only
        publish_to, url = (
            preview_target(svc, site, run.trigger.preview),
            preview_url(svc, site, run.trigger.preview),
        )
    else:
        publish_to, url = target(svc, site, stage), svc.settings.site_url(site, stage)
    manifest = artifacts(svc).get_manifest(run.site, artifact_run, stage)
    publish_options = options(
        config,
        allow_deletes=allow_deletes,
        verify=verify or restoring,
        site_rules=manifest.cache_rules,
        site_headers=manifest.header_rules,
        script_hashes=manifest.script_hashes,
        page_hosts=site.page_hosts,
    )
    reading = read_bucket(svc.s3, manifest, publish_to, publish_options, None)
    return DeployPlan(
        stage=stage,
        artifact_run=artifact_run,
        target=publish_to,
        publish=reading.plan,
        search=None if stage == PREVIEW else plan_search(svc, run, stage, site, artifact_run),
        url=url,
        manifest=manifest,
        options=publish_options,
        reading=reading,
    )


def apply_deploy(svc: Services, run: Run, plan: DeployPlan) -> DeployResult:
    """Carry out `plan`: download the tree, re-check the target (re-plan, and say so, if it changed
    since planning), upload, delete and invalidate, then sync search. Clearance comes first."""
    from chalicelib.publish import apply_reading, recheck
    from chalicelib.publish.notfound import ensure_not_found_page
    from chalicelib.publish.treefiles import ArchiveFiles

    # Before anything is downloaded or written: prod only for a run that may go there.
    cleared = clearance.check(svc, run, plan.stage)
    with work_dir() as tmp:
        packed = Path(tmp) / "tree.tar.gz"
        artifacts(svc).download_tree_archive(run.site, plan.artifact_run, plan.stage, packed)
        # Read in place: only what the plan uploads is read, and no file of the tree is written.
        with ArchiveFiles(packed, Path(tmp) / "tree.tar") as tree:
            packed.unlink()
            reading, replanned = recheck(svc.s3, plan.manifest, plan.options, plan.reading, tree)
            result = apply_reading(
                s3=svc.s3,
                cloudfront=svc.cloudfront if plan.target.distribution_id else None,
                tree=tree,
                manifest=plan.manifest,
                options=plan.options,
                reading=reading,
            )
    if plan.target.prefix and plan.target.bucket in svc.settings.site_buckets.values():
        # The stack's distribution answers a missing address with the bucket's root page (notfound).
        ensure_not_found_page(svc.s3, plan.target.bucket)
    applied = replace(plan, publish=reading.plan, reading=reading) if replanned else plan
    search = None
    if plan.search is not None:
        search = sync_search(svc, svc.sites.registration(run.site), plan.search)
    return DeployResult(applied, result, search, cleared, replanned)


def deploy(
    svc: Services, run: Run, stage: str, *, artifact_run: str | None = None, verify: bool = False
) -> DeployResult:
    """Plan, then apply, the deploy of `artifact_run`'s `stage` tree (the pipeline's deploy step). A
    refused run is refused before anything is read."""
    clearance.check(svc, run, stage)
    plan = plan_deploy(svc, run, stage, artifact_run=artifact_run, verify=verify)
    return replace(apply_deploy(svc, run, plan), since_approval=since_approval(run, plan))


def since_approval(run: Run, plan: DeployPlan) -> str:
    """How prod's plan differs from the one the approver was shown ("" when it does not, or none was):
    another publish to prod in between changes what this deploy uploads and deletes."""
    shown = run.approval.plan if run.approval and plan.stage == clearance.GUARDED else None
    if not isinstance(shown, dict) or "uploads" not in shown:
        return ""
    now = plan.publish.summary()
    figures = ("uploads", "deletes")
    if all(shown.get(name) == now[name] for name in figures):
        return ""
    return (
        f"prod changed since the approval: it showed {shown.get('uploads')} uploads and "
        f"{shown.get('deletes')} deletes, the deploy found {now['uploads']} and {now['deletes']}"
    )


def algolia_index(site: Site, stage: str) -> str:
    """Prod uses the registered index; other stages get their own beside it."""
    assert site.search.index_name
    return site.search.index_name if stage == "prod" else f"{site.search.index_name}_{stage}"


def plan_search(svc: Services, run: Run, stage: str, site: Site, artifact_run: str) -> SearchPlan | None:
    """The records a deploy will sync to the stage's Algolia index (None for a site without Algolia),
    with the diff expected against the records of the build last deployed to `stage`, when the run
    records name one: Algolia is not asked, so the sync checks that against the live index."""
    from chalicelib.search.plan import LiveIndex, SearchPlan, plan_sync
    from chalicelib.search.records import index_settings, load_records

    if site.search.backend != "algolia":
        return None
    store = artifacts(svc)
    try:
        records = load_records(store.get_records(run.site, artifact_run, stage))
    except NotFoundError as exc:  # built while the site searched with Pagefind only
        raise PipelineError(
            f"run {artifact_run} was built before {run.site} searched with Algolia, so it has no search "
            "records: push again (or import again) to deploy a build that has them"
        ) from exc
    plan = SearchPlan(algolia_index(site, stage), tuple(records))
    last = next(iter(clearance.live_history(list(svc.runs.each(site=run.site)), stage)), None)
    if last is None:
        return plan
    try:
        synced = load_records(store.get_records(run.site, last[1], stage))
        expected = plan_sync(records, LiveIndex.of_records(synced, index_settings()), index_settings())
    except PipelineError:
        return plan  # those records are gone or broken: the sync will say what the live index needs
    return replace(plan, expected=expected, compared_with=f"the records of run {last[1]}, live on {stage}")


def sync_search(svc: Services, site: Site, plan: SearchPlan) -> SyncResult:
    """Make the stage's Algolia index hold the plan's records (only the differences are sent)."""
    from chalicelib.search.algolia import AlgoliaTarget
    from chalicelib.search.apply import sync_index
    from chalicelib.search.records import index_settings

    search = site.search
    assert search.app_id and search.admin_key_parameter
    index = AlgoliaTarget(
        app_id=search.app_id,
        index_name=plan.index_name,
        admin_key=svc.secrets.get(search.admin_key_parameter),
        hosts=svc.settings.algolia_hosts,
    )
    return sync_index(index, list(plan.records), settings=index_settings(), expected=plan.expected)
