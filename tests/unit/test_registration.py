"""A site's registration: the operator's targets, approval policy, code app and search credentials,
and the rule that no two sites share a target or a code app."""

from __future__ import annotations

import pytest

from chalicelib.errors import InputError
from chalicelib.search.algolia import AlgoliaTarget, default_hosts
from chalicelib.sitemodel import ApprovalPolicy, SearchBackend, Site, Target, conflict, placement
from chalicelib.sites import approval_policy


def site(name: str, **settings: object) -> Site:
    return Site(name, repo=f"acme/{name}", **settings)  # type: ignore[arg-type]


def test_a_site_publishes_under_its_name_on_the_shared_bucket_by_default() -> None:
    place = placement(site("www"), "prod")
    assert (place.bucket, place.prefix, place.distribution) == (None, "www/", None)


def test_an_own_bucket_publishes_at_its_root_only_when_the_operator_says_it_is_the_sites() -> None:
    own = site("www", targets={"prod": Target(bucket="www-example-com", own_bucket=True)})
    assert placement(own, "prod").prefix == ""
    shared = site("www", targets={"prod": Target(bucket="www-example-com")})
    assert placement(shared, "prod").prefix == "www/"
    with pytest.raises(InputError, match="pass --own-bucket if the bucket is this site's alone"):
        site("www", targets={"prod": Target(bucket="www-example-com", prefix="")})


def test_on_the_shared_bucket_a_prefix_must_be_under_the_sites_name() -> None:
    assert placement(site("www", targets={"prod": Target(prefix="www/v2")}), "prod").prefix == "www/v2/"
    with pytest.raises(InputError, match="publishes under www/"):
        site("www", targets={"prod": Target(prefix="blog")})


CONFLICTS = [
    # (other site, this site, words in the refusal)
    (
        site("blog", targets={"prod": Target(bucket="acme-web", prefix="blog")}),
        site("www", targets={"prod": Target(bucket="acme-web", prefix="blog/2024")}),
        "overlaps site blog's prod target s3://acme-web/blog/",
    ),
    (
        site("blog", targets={"prod": Target(bucket="acme-web", prefix="blog/2024")}),
        site("www", targets={"prod": Target(bucket="acme-web", prefix="blog")}),
        "overlaps site blog's prod target",
    ),
    (
        site("blog", targets={"staging": Target(bucket="acme-web", prefix="x")}),
        site("www", targets={"prod": Target(bucket="acme-web", prefix="x")}),
        "overlaps site blog's staging target",
    ),
    (
        site("blog", targets={"prod": Target(bucket="acme-web", own_bucket=True)}),
        site("www", targets={"prod": Target(bucket="acme-web", prefix="www")}),
        "site blog owns it (--own-bucket)",
    ),
    (
        Site("billing", repo="acme/billing", kind="code"),
        Site("worker", repo="acme/worker", kind="code", code_app="billing"),
        "code app 'billing' is already site billing's",
    ),
]


@pytest.mark.parametrize(("other", "this", "words"), CONFLICTS)
def test_no_two_sites_share_a_target_or_a_code_app(other: Site, this: Site, words: str) -> None:
    reason = conflict(this, [other])
    assert reason is not None and words in reason


def test_neighbours_that_do_not_overlap_are_fine() -> None:
    blog = site("blog", targets={"prod": Target(bucket="acme-web", prefix="blog")})
    assert (
        conflict(site("www", targets={"prod": Target(bucket="acme-web", prefix="blogroll")}), [blog]) is None
    )
    assert conflict(site("www"), [site("ww")]) is None  # www/ and ww/ on the shared bucket


def test_the_shared_bucket_cannot_be_named_as_a_sites_own() -> None:
    own = site("www", targets={"prod": Target(bucket="presslift-site-prod", own_bucket=True)})
    assert "is the pipeline's shared bucket" in (conflict(own, [], ["presslift-site-prod"]) or "")


def test_the_approval_policy_is_the_registrations() -> None:
    assert approval_policy(None, site("www")).prod_needs_approval  # type: ignore[arg-type]
    relaxed = site("www", approval=ApprovalPolicy(prod=False, ttl_hours=8))
    assert not approval_policy(None, relaxed).prod_needs_approval  # type: ignore[arg-type]
    assert not ApprovalPolicy(auto_promote=True).prod_needs_approval


def test_algolia_credentials_are_checked_at_registration() -> None:
    with pytest.raises(InputError, match="needs --algolia-index-name"):
        site("www", search=SearchBackend("algolia", app_id="ABC"))
    with pytest.raises(InputError, match="--algolia-app-id must be letters and digits"):
        site(
            "www",
            search=SearchBackend(
                "algolia", "evil.example#", "www", "k", "/presslift/search/www/algolia-admin-key"
            ),
        )
    with pytest.raises(InputError, match="under /presslift/search/"):
        site("www", search=SearchBackend("algolia", "ABC", "www", "k", "/presslift/github/token"))


def test_algolia_hosts_come_from_the_app_id() -> None:
    assert default_hosts("ABCDEF1234") == (
        "ABCDEF1234-dsn.algolia.net",
        "ABCDEF1234.algolia.net",
        "ABCDEF1234-1.algolianet.com",
        "ABCDEF1234-2.algolianet.com",
        "ABCDEF1234-3.algolianet.com",
    )
    assert AlgoliaTarget("ABCDEF1234", "www", "key").addresses == default_hosts("ABCDEF1234")
    assert AlgoliaTarget("ABCDEF1234", "www", "key", ("http://127.0.0.1:9300",)).addresses == (
        "http://127.0.0.1:9300",
    )
