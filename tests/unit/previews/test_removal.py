"""Removing a preview against moto: exactly its folder goes (never a sibling pull request's, never the
site's own staging files), its publish state goes, CloudFront forgets it, and again is harmless."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.errors import InputError
from chalicelib.previews.naming import preview_target
from chalicelib.previews.removal import apply_removal, plan_removal
from chalicelib.publish.target import PublishTarget
from chalicelib.services import Services
from chalicelib.sitemodel import Site, Target
from presslift.localcloud.provision import distribution_config
from tests.unit.previews.conftest import branch_preview, preview

SITE = Site("quayside", repo="harbour/quayside")
#: What must stay: sibling previews (one whose number starts like 12), the site's own staging files,
#: another site whose name starts like this one, and the publish records of all of them.
KEPT = (
    "quayside/index.html",
    "quayside/previews/index.html",
    "quayside/posts/previews/pr-12/index.html",
    "quayside/previews/pr-1/index.html",
    "quayside/previews/pr-120/index.html",
    "quayside/branches/pr-12/index.html",
    "quaysidex/previews/pr-12/index.html",
    ".presslift/published/quayside.json.gz",
    ".presslift/published/quayside/previews/pr-1.json.gz",
)
PREVIEW = ("quayside/previews/pr-12/index.html", "quayside/previews/pr-12/css/site.css")
STATE = (
    ".presslift/published/quayside/previews/pr-12.json.gz",
    ".presslift/applying/quayside/previews/pr-12.json",
)


def staging(svc: Services) -> str:
    return svc.settings.site_buckets["staging"]


def put(svc: Services, *keys: str, size: int = 600) -> None:
    for key in keys:
        svc.s3.put_object(Bucket=staging(svc), Key=key, Body=b"x" * size)


def keys(svc: Services) -> set[str]:
    pages = svc.s3.get_paginator("list_objects_v2").paginate(Bucket=staging(svc))
    return {obj["Key"] for page in pages for obj in page.get("Contents", [])}


def with_distribution(svc: Services, origin_path: str = "") -> str:
    config = distribution_config("preview-tests", staging(svc), origin_path=origin_path)
    created: dict[str, Any] = svc.cloudfront.create_distribution(DistributionConfig=config)
    return str(created["Distribution"]["Id"])


def invalidated(svc: Services, distribution: str) -> list[list[str]]:
    listing = svc.cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    paths = []
    for item in listing.get("Items", []):
        batch = svc.cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])
        paths.append(batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"])
    return paths


def test_the_plan_lists_the_preview_folder_only_and_changes_nothing(svc: Services) -> None:
    put(svc, *KEPT, *PREVIEW, *STATE)
    target = preview_target(svc, SITE, "previews/pr-12/")
    plan = plan_removal(svc.s3, target)
    assert set(plan.keys) == set(PREVIEW) and plan.bytes == 1200
    assert plan.state_keys == STATE and plan.path == "previews/pr-12/"
    assert plan.describe() == (
        f"delete 2 objects (1.2 kB) under s3://{staging(svc)}/quayside/previews/pr-12/, "
        f"and its publish record {STATE[0]}"
    )
    assert keys(svc) == {*KEPT, *PREVIEW, *STATE}


@pytest.mark.parametrize("prefix", ["", "quayside/", "quayside/previews/", "quayside/posts/pr-1/", "pr-1/"])
def test_a_target_that_is_no_preview_folder_is_refused_before_anything_is_listed(
    svc: Services, prefix: str
) -> None:
    put(svc, *KEPT)
    with pytest.raises(InputError, match="is not a preview"):
        plan_removal(svc.s3, PublishTarget(staging(svc), prefix, None))


def test_removal_deletes_the_folder_and_its_state_and_nothing_else(svc: Services) -> None:
    put(svc, *KEPT, *PREVIEW, *STATE)
    svc.previews.save(preview())
    removed = apply_removal(svc, SITE, preview(), "pull request closed")
    assert keys(svc) == set(KEPT)
    assert removed.summary == "removed previews/pr-12/: 2 objects (1.2 kB) deleted"
    assert (removed.objects, removed.bytes, removed.already_removed) == (2, 1200, False)
    assert removed.detail()["where"] == f"s3://{staging(svc)}/quayside/previews/pr-12/"
    stored = svc.previews.get("quayside", "previews/pr-12/")
    assert stored is not None and (stored.status, stored.reason) == ("removed", "pull request closed")
    assert stored.updated_at == "2026-11-30T12:00:00.000Z"  # the services' clock
    assert svc.previews.list("quayside") == []


def test_removal_deletes_more_objects_than_one_delete_request_takes(svc: Services) -> None:
    many = [f"quayside/previews/pr-12/page-{n:04}/index.html" for n in range(1234)]
    put(svc, *KEPT, *many, size=1)
    svc.previews.save(preview())
    removed = apply_removal(svc, SITE, preview(), "no push for 14 days")
    assert removed.objects == 1234 and removed.bytes == 1234
    assert keys(svc) == set(KEPT)


def test_removing_again_is_harmless_and_says_so(svc: Services) -> None:
    put(svc, *KEPT, *PREVIEW)
    svc.previews.save(preview())
    apply_removal(svc, SITE, preview(), "pull request closed")
    again = apply_removal(svc, SITE, preview(), "branch deleted")
    assert again.summary == "previews/pr-12/ was already removed: no objects to delete"
    assert again.already_removed and again.objects == 0 and again.invalidated == ()
    stored = svc.previews.get("quayside", "previews/pr-12/")
    assert stored is not None and stored.reason == "pull request closed"  # the first reason stays
    assert keys(svc) == set(KEPT)


def test_a_preview_with_no_objects_is_removed_and_says_so(svc: Services) -> None:
    svc.previews.save(preview(status="not built", reason="a fork"))
    distribution = with_distribution(svc)
    svc.settings = replace(svc.settings, distributions={"staging": distribution})
    removed = apply_removal(svc, SITE, preview(), "pull request closed")
    assert removed.summary == "removed previews/pr-12/: no objects to delete"
    assert invalidated(svc, distribution) == []  # nothing was served: nothing to invalidate (paths cost)
    stored = svc.previews.get("quayside", "previews/pr-12/")
    assert stored is not None and stored.status == "removed"


def test_a_preview_never_recorded_is_recorded_as_removed(svc: Services) -> None:
    put(svc, *PREVIEW)
    removed = apply_removal(svc, SITE, preview(), "pull request closed")
    assert removed.objects == 2 and not removed.already_removed
    stored = svc.previews.get("quayside", "previews/pr-12/")
    assert stored is not None and stored.status == "removed"


def test_removal_invalidates_the_folder_on_the_shared_staging_distribution(svc: Services) -> None:
    distribution = with_distribution(svc)
    svc.settings = replace(svc.settings, distributions={"staging": distribution})
    put(svc, *PREVIEW)
    svc.previews.save(preview())
    removed = apply_removal(svc, SITE, preview(), "pull request closed")
    assert removed.summary == "removed previews/pr-12/: 2 objects (1.2 kB) deleted; CloudFront invalidated"
    assert invalidated(svc, distribution) == [["/quayside/previews/pr-12/*"]]
    assert removed.detail()["invalidated"] == ["/quayside/previews/pr-12/*"]


def test_the_invalidation_path_leaves_out_the_sites_origin_path(svc: Services) -> None:
    distribution = with_distribution(svc, origin_path="/quayside")
    site = replace(SITE, targets={"staging": Target(distribution=distribution, origin_path="/quayside")})
    put(svc, *PREVIEW)
    svc.previews.save(preview())
    removed = apply_removal(svc, site, preview(), "pull request closed")
    assert invalidated(svc, distribution) == [["/previews/pr-12/*"]]
    assert removed.distribution == distribution


def test_a_branch_preview_is_removed_from_its_own_folder(svc: Services) -> None:
    branch = branch_preview()
    put(svc, *KEPT, "quayside/branches/feature-x/index.html", "quayside/branches/feature-xy/index.html")
    svc.previews.save(branch)
    removed = apply_removal(svc, SITE, branch, "branch deleted")
    assert removed.objects == 1 and keys(svc) == {*KEPT, "quayside/branches/feature-xy/index.html"}


def test_a_preview_of_another_site_is_refused(svc: Services) -> None:
    put(svc, *PREVIEW)
    with pytest.raises(InputError, match="is of site other, not quayside"):
        apply_removal(svc, SITE, preview(site="other"), "closed")
    assert set(PREVIEW) <= keys(svc)
