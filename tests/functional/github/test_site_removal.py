"""`presslift site remove`: plan, then apply; only the site's own registration, claims, secret and (when
asked) published files go, and nothing of another site's."""

from __future__ import annotations

import pytest

from chalicelib.errors import ConflictError, InputError, NotFoundError
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.secrets import webhook_secret_name
from chalicelib.sitemodel import Site
from chalicelib.siteremoval import apply_removal, plan_removal
from chalicelib.sites import register


def publish(svc, bucket: str, keys: list[str]) -> None:
    for key in keys:
        svc.s3.put_object(Bucket=bucket, Key=key, Body=b"<p>x</p>")


def listed(svc, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in svc.s3.list_objects_v2(Bucket=bucket).get("Contents", []))


@pytest.fixture
def two_sites(provisioned):
    register(provisioned, Site("blog", repo="acme/blog"))
    register(provisioned, Site("blog-two", repo="acme/blog-two"))
    for stage in ("staging", "prod"):
        bucket = provisioned.settings.site_buckets[stage]
        publish(provisioned, bucket, ["blog/index.html", "blog/posts/a/index.html", "blog-two/index.html"])
    return provisioned


def test_the_plan_names_what_goes_and_what_stays_and_changes_nothing(two_sites) -> None:
    plan = plan_removal(two_sites, "blog", delete_files=False)
    text = plan.describe()
    assert "Remove site blog:" in text and webhook_secret_name("blog") in text
    assert "keeps: its published files on staging, prod (pass --delete-files to delete them)" in text
    assert plan.files == []
    with_files = plan_removal(two_sites, "blog", delete_files=True)
    assert [(f.stage, f.prefix, len(f.keys)) for f in with_files.files] == [
        ("staging", "blog/", 2),
        ("prod", "blog/", 2),
    ]
    assert "staging: delete 2 published object(s) under s3://" in with_files.describe()
    assert two_sites.sites.get("blog").name == "blog"  # planning changed nothing


def test_removing_with_files_leaves_the_other_site_whole_and_frees_the_prefix(two_sites) -> None:
    done = apply_removal(two_sites, plan_removal(two_sites, "blog", delete_files=True))
    assert done == {"site": "blog", "secret_removed": True, "deleted": {"staging": 2, "prod": 2}}
    for stage in ("staging", "prod"):
        assert listed(two_sites, two_sites.settings.site_buckets[stage]) == ["blog-two/index.html"]
    with pytest.raises(NotFoundError):
        two_sites.sites.get("blog")
    assert two_sites.secrets.get_optional(webhook_secret_name("blog")) is None
    assert two_sites.secrets.get_optional(webhook_secret_name("blog-two")) is not None
    # The claims went with it: the name and the prefix can be registered again.
    register(two_sites, Site("blog", repo="acme/blog-reborn"))
    assert two_sites.sites.get("blog").repo == "acme/blog-reborn"


def test_removing_without_files_keeps_what_was_published(two_sites) -> None:
    apply_removal(two_sites, plan_removal(two_sites, "blog", delete_files=False))
    assert "blog/index.html" in listed(two_sites, two_sites.settings.site_buckets["prod"])


def test_a_site_with_a_run_in_progress_is_not_removed(two_sites) -> None:
    two_sites.runs.create(
        Run(id=new_run_id(), site="blog", kind="hugo", trigger=Trigger("import"), stages=[Stage("build")])
    )
    with pytest.raises(ConflictError, match="has a run in progress"):
        plan_removal(two_sites, "blog", delete_files=True)


def waiting_run(services) -> Run:
    """A run of blog's that awaits approval to publish to prod."""
    run = Run(
        id=new_run_id(),
        site="blog",
        kind="hugo",
        trigger=Trigger("import"),
        stages=[Stage("build", "succeeded"), Stage("approval")],
        status="awaiting_approval",
    )
    services.runs.create(run)
    return run


def test_a_site_with_a_run_awaiting_approval_is_not_removed(two_sites) -> None:
    # A CLI sweep: removed while its run awaited approval, the run was then approved and deployed to
    # prod for a site that no longer existed.
    run = waiting_run(two_sites)
    with pytest.raises(ConflictError, match=f"has a run awaiting approval \\({run.id}\\): reject it"):
        plan_removal(two_sites, "blog", delete_files=True)


def test_a_code_sites_releases_are_named_not_deleted(provisioned) -> None:
    register(provisioned, Site("worker", repo="acme/worker", kind="code"))
    assert (
        "keeps: its releases on EFS (app worker)"
        in plan_removal(provisioned, "worker", delete_files=False).describe()
    )
    with pytest.raises(InputError, match="code site"):
        plan_removal(provisioned, "worker", delete_files=True)


def test_an_unknown_site_is_named(provisioned) -> None:
    with pytest.raises(NotFoundError, match="no site named 'ghost'"):
        plan_removal(provisioned, "ghost", delete_files=False)


def test_prod_does_not_move_under_a_run_awaiting_approval(two_sites) -> None:
    """A CLI sweep: `site update --prod-bucket` while a run awaited approval, and the approved deploy
    went to the new bucket, not where the approver was shown it would."""
    from chalicelib.sitemodel import Target
    from presslift.sitecommands import refuse_moving_prod_under_approval

    site = two_sites.sites.get("blog")
    moved = {"targets": {**site.targets, "prod": Target(bucket="elsewhere", prefix="")}}
    refuse_moving_prod_under_approval(two_sites, site, moved)  # nothing waits: it may move
    run = waiting_run(two_sites)
    with pytest.raises(
        ConflictError, match=f"run {run.id} awaits approval to publish to prod where it is now"
    ):
        refuse_moving_prod_under_approval(two_sites, site, moved)
    refuse_moving_prod_under_approval(two_sites, site, {"branch": "trunk"})  # anything else may change
