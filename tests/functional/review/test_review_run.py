"""The change review of a run against moto: the builds the run records name, read where they are
published (or from their tarballs), and only the files whose checksums differ."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalicelib.artifacts import tree_key
from chalicelib.errors import InputError, NotFoundError
from chalicelib.review import AssetKind, review_run
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services
from tests.functional.review.seed import SITE, Seeded, publish, seed, store_build


def get_object_keys(svc: Services) -> list[str]:
    """Every key the pipeline's S3 client GETs from now on."""
    keys: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        keys.append(f"{params['Bucket']}/{params['Key']}")

    svc.s3.meta.events.register("provide-client-params.s3.GetObject", record)
    return keys


@pytest.fixture
def seeded(provisioned: Services, tmp_path: Path) -> Seeded:
    return seed(provisioned, tmp_path)


def test_the_review_lists_the_edited_post_and_reads_only_changed_files(
    provisioned: Services, seeded: Seeded
) -> None:
    svc = provisioned
    gets = get_object_keys(svc)
    review = review_run(svc, seeded.new.id)
    assert review.against == f"prod (run {seeded.live.id}'s build)"
    (changed,) = review.changed
    assert changed.url == "https://harbour.example/posts/p3/"
    assert changed.staging_url == "https://staging.harbour.example/posts/p3/"
    assert [(c.removed, c.added) for c in changed.changes] == [
        (("Words of post 3.",), ("Words of post 3, corrected.",))
    ]
    assert review.changed_site_wide_only == 8  # the home page and 7 posts: only the stylesheet link
    assert [c.change for c in review.assets[AssetKind.STYLESHEETS]] == ["replaced"]
    assert [r.path for r in review.redirects] == ["old-p3/index.html"]

    new_prod = seeded.manifests[(seeded.new.id, "prod")].by_path()
    old_prod = seeded.manifests[(seeded.live.id, "prod")].by_path()
    changed_paths = {p for p in new_prod if p not in old_prod or new_prod[p].md5 != old_prod[p].md5}
    staging, prod = svc.settings.site_buckets["staging"], svc.settings.site_buckets["prod"]
    site_reads = [key for key in gets if not key.endswith(".manifest.json")]
    assert site_reads, "the review read no page"
    for key in site_reads:
        bucket, _, rest = key.partition("/")
        assert bucket in (staging, prod), key  # published files, never a tarball here
        assert rest.removeprefix(f"{SITE}/") in changed_paths, key
    assert len(site_reads) == review.files_read == 8  # the edited post and 3 sampled pages, each side
    sides = {reading.side: reading for reading in review.read_from}
    assert sides["new"].where.startswith(f"s3://{staging}/{SITE}/ (staging")
    assert sides["old"].where.startswith(f"s3://{prod}/{SITE}/ (prod")


def test_a_build_no_target_holds_any_more_is_read_from_its_tarball(
    provisioned: Services, seeded: Seeded, tmp_path: Path
) -> None:
    svc = provisioned
    later = new_run_id()
    publish(svc, tmp_path, store_build(svc, tmp_path, later, edited=False)["staging"])
    svc.runs.create(
        Run(
            later,
            SITE,
            "hugo",
            Trigger("push"),
            [Stage("deploy-staging", "succeeded", finished_at="2026-11-30T12:00:00Z")],
        )
    )
    gets = get_object_keys(svc)
    review = review_run(svc, seeded.new.id)
    assert [page.path for page in review.changed] == ["posts/p3/index.html"]
    sides = {reading.side: reading for reading in review.read_from}
    tarball = tree_key(SITE, seeded.new.id, "prod")
    assert sides["new"].where == f"s3://{svc.settings.artifacts_bucket}/{tarball}"
    assert sides["new"].files_read == 4 and sides["new"].requests == 1
    assert gets.count(f"{svc.settings.artifacts_bucket}/{tarball}") == 1


def test_against_another_run_compares_with_that_runs_build(provisioned: Services, seeded: Seeded) -> None:
    review = review_run(provisioned, seeded.live.id, seeded.new.id)
    assert review.against == f"run {seeded.new.id}"
    (changed,) = review.changed
    assert [(c.removed, c.added) for c in changed.changes] == [
        (("Words of post 3, corrected.",), ("Words of post 3.",))
    ]
    assert [(r.old, r.new) for r in review.redirects] == [("https://harbour.example/posts/p3/", None)]


def test_a_run_live_on_prod_is_compared_with_the_build_before_it(
    provisioned: Services, seeded: Seeded
) -> None:
    svc = provisioned

    def went_to_prod(run: Run) -> None:
        run.stages.append(Stage("deploy-prod", "succeeded", finished_at="2026-11-30T13:00:00Z"))

    svc.runs.update(seeded.new.id, went_to_prod)
    review = review_run(svc, seeded.new.id)
    assert review.against == f"prod before this build (run {seeded.live.id}'s build)"
    assert [page.path for page in review.changed] == ["posts/p3/index.html"]


def test_a_first_build_adds_every_page(provisioned: Services, tmp_path: Path) -> None:
    first = new_run_id()
    store_build(provisioned, tmp_path, first, edited=False)
    provisioned.runs.create(Run(first, SITE, "hugo", Trigger("push"), [Stage("build", "succeeded")]))
    review = review_run(provisioned, first)
    assert review.against == "prod (nothing live on prod yet)"
    assert len(review.added) == 9 and not review.changed
    assert review.added[0].title == "Home · Blog"


def test_unknown_runs_and_runs_of_other_sites_are_refused(provisioned: Services, seeded: Seeded) -> None:
    with pytest.raises(NotFoundError, match="no run with id 'nope'"):
        review_run(provisioned, "nope")
    other = provisioned.runs.create(Run(new_run_id(), "elsewhere", "hugo", Trigger("push"), []))
    with pytest.raises(InputError, match=f"run {other.id} is of site elsewhere, not {SITE}"):
        review_run(provisioned, seeded.new.id, other.id)
    code = provisioned.runs.create(Run(new_run_id(), "worker", "code", Trigger("push"), []))
    with pytest.raises(InputError, match="code site's run"):
        review_run(provisioned, code.id)


def test_a_published_file_of_another_build_is_not_taken_for_this_ones(
    provisioned: Services, seeded: Seeded, tmp_path: Path
) -> None:
    """Staging was re-published behind the run records' back: every page there fails the MD5 check,
    and the review reads the build's own tarball instead."""
    svc = provisioned
    publish(svc, tmp_path, seeded.manifests[(seeded.live.id, "staging")])
    review = review_run(svc, seeded.new.id)
    assert [(c.removed, c.added) for c in review.changed[0].changes] == [
        (("Words of post 3.",), ("Words of post 3, corrected.",))
    ]
    sides = {reading.side: reading for reading in review.read_from}
    assert (
        sides["new"].where == f"s3://{svc.settings.artifacts_bucket}/{tree_key(SITE, seeded.new.id, 'prod')}"
    )
    assert sides["new"].files_read == 4
    assert sides["new"].requests == 4 + 1  # four GETs refused by their MD5, then the one tarball
