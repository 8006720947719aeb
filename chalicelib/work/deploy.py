"""Deploy: publish one stage tree of a run's artifact to that stage's target, and sync its search.

The target and the search credentials are the site's registration (`presslift site add/update`),
never its presslift.toml: the site's own bucket and distribution when its operator gave them, else the
pipeline's bucket for the stage with a prefix per site. Publishing plans first (`publish`), so a dry run
(the approval's "what will change") shows exactly what the real deploy will do.

Never: change prod before `clearance.check` has read, from the run record, that the run may go there
(approved by a person, promoted by the site's policy, or restoring what prod had before).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib import clearance
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.siteconfig import SiteConfig
from chalicelib.sitemodel import Site, check_site_owned, placement
from chalicelib.work import artifacts, site_config, work_dir

if TYPE_CHECKING:
    from chalicelib.publish import PublishOptions, PublishTarget

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
    )


def options(
    config: SiteConfig, *, force: bool = False, allow_deletes: bool = False, verify: bool = False
) -> PublishOptions:
    """The site's Cache-Control rules (globs in presslift.toml) first, then the defaults."""
    from chalicelib.publish import DEFAULT_CACHE_RULES, CacheRule, PublishOptions

    rules = tuple(CacheRule(rule.regex(), rule.cache_control) for rule in config.cache)
    return PublishOptions(
        force=force, allow_deletes=allow_deletes, verify=verify, cache_rules=rules + DEFAULT_CACHE_RULES
    )


def deploy(
    svc: Services,
    run: Run,
    stage: str,
    *,
    artifact_run: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    verify: bool = False,
) -> dict[str, Any]:
    """Publish `artifact_run`'s tree for `stage` (by default the run's own build).

    `verify` lists the bucket instead of trusting the record of the last publish; rollbacks and
    publishes always do, so a restore is exact even after someone edited the bucket by hand. The delete
    limits (at most so many deletes, no gutting the site) hold for them too, unless the operator who
    asked passed `allow_deletes` (recorded on the run's trigger).
    """
    from chalicelib.publish import publish_tree

    # Before anything is read or written: a dry run changes nothing, so only a real deploy is checked.
    cleared = None if dry_run else clearance.check(svc, run, stage)
    config = site_config(run)
    restoring = run.trigger.get("type") in clearance.RESTORING
    allow_deletes = restoring and bool(run.trigger.get("allow_deletes"))
    site = svc.sites.registration(run.site)
    artifact_run = artifact_run or str(run.artifact.get("artifact_run") or run.id)
    publish_to = target(svc, site, stage)
    with work_dir() as tmp:
        tree = Path(tmp) / "tree"
        manifest = artifacts(svc).get_tree(run.site, artifact_run, stage, tree)
        result = publish_tree(
            s3=svc.s3,
            cloudfront=svc.cloudfront if publish_to.distribution_id else None,
            tree=tree,
            manifest=manifest,
            target=publish_to,
            options=options(config, force=force, allow_deletes=allow_deletes, verify=verify or restoring),
            dry_run=dry_run,
        )
    assert result.plan is not None, "publish_tree always returns its plan"
    detail: dict[str, Any] = {
        "publish": result.to_dict(),
        "plan_text": result.plan.describe(),
        "plan_files": result.plan.files(),
        "artifact_run": artifact_run,
        "url": svc.settings.site_url(run.site, stage),
        "summary": (
            f"{result.uploaded} uploaded, {result.deleted} deleted, "
            f"{result.summary.get('unchanged', 0)} unchanged"
            + (f"; invalidation {result.invalidation_id}" if result.invalidation_id else "")
        ),
    }
    if dry_run:  # every file for whoever asked (`publish --dry-run --list`): a run record has no room
        detail["all_files"] = result.plan.files(limit=len(result.plan.uploads) + len(result.plan.deletes))
    if cleared:
        detail["cleared"] = cleared
    if site.search.backend == "algolia":
        detail["search"] = sync_search(svc, run, stage, site, artifact_run, dry_run=dry_run)
        detail["summary"] += f"; search {detail['search']['describe']}"
    return detail


def algolia_index(site: Site, stage: str) -> str:
    """Prod uses the registered index; other stages get their own beside it."""
    assert site.search.index_name
    return site.search.index_name if stage == "prod" else f"{site.search.index_name}_{stage}"


def sync_search(
    svc: Services, run: Run, stage: str, site: Site, artifact_run: str, *, dry_run: bool
) -> dict[str, Any]:
    """Make the stage's Algolia index hold the artifact's records (only the differences are sent)."""
    from chalicelib.search.algolia import AlgoliaTarget, sync_index
    from chalicelib.search.records import index_settings, load_records

    search = site.search
    assert search.app_id and search.admin_key_parameter
    records = load_records(artifacts(svc).get_records(run.site, artifact_run, stage))
    index = AlgoliaTarget(
        app_id=search.app_id,
        index_name=algolia_index(site, stage),
        admin_key=svc.secrets.get(search.admin_key_parameter),
        hosts=svc.settings.algolia_hosts,
    )
    if dry_run:
        return {"records": len(records), "describe": f"{len(records)} records for index {index.index_name}"}
    result = sync_index(index, records, settings=index_settings())
    return {**result.summary(), "describe": result.describe()}
