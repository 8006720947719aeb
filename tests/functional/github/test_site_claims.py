"""Registration claims against moto: two registrations racing for one target prefix or code app
cannot both win, even when each read the list of sites before the other wrote.

A race is played out exactly: the second registration's check reads the sites as they were before the
first one was written (`stale`), so only the claims written in its transaction can refuse it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import siteclaims
from chalicelib.errors import ConflictError
from chalicelib.services import Services
from chalicelib.sitemodel import Site, Target, claims
from chalicelib.sites import SiteStore


@pytest.fixture
def store(provisioned: Services) -> SiteStore:
    return SiteStore(provisioned.dynamodb, provisioned.settings.table)


@pytest.fixture
def racing(provisioned: Services) -> Iterator[SiteStore]:
    """A second operator's store whose check reads the sites as they were before the other
    registration was written (the race `_check` alone would lose); later reads are current."""
    store = SiteStore(provisioned.dynamodb, provisioned.settings.table)
    before = store.list()
    reads: list[int] = []
    current = store.list

    def listing() -> list[Site]:
        reads.append(1)
        return before if len(reads) == 1 else current()

    store.list = listing  # type: ignore[method-assign]
    yield store


def at(bucket: str, prefix: str | None = None, **kwargs: Any) -> dict[str, Target]:
    return {"prod": Target(bucket=bucket, prefix=prefix, **kwargs)}


def claim_items(provisioned: Services) -> dict[str, dict[str, Any]]:
    table = provisioned.settings.table
    items = provisioned.dynamodb.scan(TableName=table)["Items"]
    return {item["pk"]["S"]: item for item in items if item["pk"]["S"].startswith("CLAIM#")}


@pytest.mark.parametrize(
    ("first", "second", "words"),
    [
        ("shop", "shop", "overlaps site shop's prod target s3://acme-web/shop/"),
        ("shop", "shop/sale", "overlaps site shop's prod target s3://acme-web/shop/"),
        ("shop/sale", "shop", "overlaps site shop's prod target s3://acme-web/shop/sale/"),
    ],
)
def test_a_racing_registration_of_an_overlapping_prefix_loses(
    store: SiteStore, racing: SiteStore, first: str, second: str, words: str
) -> None:
    store.add(Site("shop", repo="acme/shop", targets=at("acme-web", first)))
    with pytest.raises(ConflictError, match=words):
        racing.add(Site("sale", repo="acme/sale", targets=at("acme-web", second)))
    assert [site.name for site in store.list()] == ["shop"]


def test_a_racing_registration_of_a_code_app_loses_and_writes_nothing(
    provisioned: Services, store: SiteStore, racing: SiteStore
) -> None:
    store.add(Site("jobs", repo="acme/jobs", kind="code", code_app="jobs"))
    held = claim_items(provisioned)
    with pytest.raises(ConflictError, match="code app 'jobs' is already site jobs's"):
        racing.add(Site("cron", repo="acme/cron", kind="code", code_app="jobs"))
    assert [site.name for site in store.list()] == ["jobs"]
    assert claim_items(provisioned) == held  # the loser's transaction wrote none of its claims


def test_a_site_owning_its_bucket_and_a_prefix_in_it_cannot_race_each_other(
    store: SiteStore, provisioned: Services
) -> None:
    store.add(Site("brochure", repo="acme/brochure", targets=at("acme-brochure", own_bucket=True)))
    late = SiteStore(provisioned.dynamodb, provisioned.settings.table)
    late.list = lambda: []  # type: ignore[method-assign]  # it never sees the owner in the list
    with pytest.raises(ConflictError, match="target s3://acme-brochure/ was just claimed by another site"):
        late.add(Site("leaflet", repo="acme/leaflet", targets=at("acme-brochure", "leaflet")))
    store.add(Site("flyer", repo="acme/flyer", targets=at("acme-flyer", "flyer")))
    with pytest.raises(ConflictError, match="just claimed"):
        late.add(Site("pamphlet", repo="acme/pamphlet", targets=at("acme-flyer", own_bucket=True)))


def test_an_update_releases_what_the_site_no_longer_needs(store: SiteStore, provisioned: Services) -> None:
    store.add(Site("blog", repo="acme/blog", targets=at("acme-web", "blog/en")))
    store.update("blog", targets=at("acme-web", "journal"))
    held = claim_items(provisioned)
    assert held["CLAIM#target#acme-web/journal/"]["owner"] == {"S": "blog"}
    assert "owner" not in held["CLAIM#target#acme-web/blog/en/"]
    assert "below" not in held["CLAIM#target#acme-web/blog/"]
    late = SiteStore(provisioned.dynamodb, provisioned.settings.table)
    late.list = lambda: []  # type: ignore[method-assign]
    late.add(Site("news", repo="acme/news", targets=at("acme-web", "blog")))  # free again
    with pytest.raises(ConflictError, match="target s3://acme-web/journal/"):
        late.add(Site("diary", repo="acme/diary", targets=at("acme-web", "journal/2026")))


def test_one_site_may_nest_its_own_stages_and_update_without_refusing_itself(store: SiteStore) -> None:
    targets = {
        "staging": Target(bucket="acme-web", prefix="docs"),
        "prod": Target(bucket="acme-web", prefix="docs/live"),
    }
    store.add(Site("docs", repo="acme/docs", targets=targets))
    store.update("docs", branch="release")
    assert store.get("docs").branch == "release"


def test_a_site_claims_its_target_and_every_level_above_it() -> None:
    site = Site("sale", repo="acme/sale", kind="code", code_app="sale", targets=at("acme-web", "shop/sale"))
    assert claims(site) == siteclaims.Claims(
        owned=frozenset({"CLAIM#target#acme-web/shop/sale/", "CLAIM#app#sale"}),
        below=frozenset({"CLAIM#target#acme-web/", "CLAIM#target#acme-web/shop/"}),
    )
    assert claims(Site("www", repo="acme/www")) == siteclaims.Claims()  # the pipeline's buckets: by name
