"""SiteStore against moto: the registry, generations for "latest wins", and delivery de-duplication."""

from __future__ import annotations

import pytest

from chalicelib.errors import ConflictError, InputError, NotFoundError
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, RunStore, Stage
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.sites import SiteStore


@pytest.fixture
def store(provisioned: Services) -> SiteStore:
    return SiteStore(provisioned.dynamodb, provisioned.settings.table)


def test_add_get_and_list(store: SiteStore) -> None:
    store.add(Site("blog", repo="Acme/Blog", branch="main"))
    store.add(Site("docs", repo="acme/docs", branch="gh-pages", kind="hugo"))
    store.add(Site("bakery", source="import"))
    assert store.get("blog").repo == "Acme/Blog"
    assert [site.name for site in store.list()] == ["bakery", "blog", "docs"]
    assert store.get("bakery").repo is None and store.get("bakery").source == "import"


def test_a_name_is_registered_once(store: SiteStore) -> None:
    store.add(Site("blog", repo="acme/blog"))
    with pytest.raises(ConflictError, match="'blog' already exists"):
        store.add(Site("blog", repo="acme/other"))
    assert store.get("blog").repo == "acme/blog"


def test_unknown_site_is_not_found(store: SiteStore) -> None:
    with pytest.raises(NotFoundError, match="presslift site add nope"):
        store.get("nope")


def test_find_by_repo_ignores_case_and_finds_every_site(store: SiteStore) -> None:
    store.add(Site("www", repo="Acme/Site", branch="main"))
    store.add(Site("www-next", repo="acme/site", branch="next"))
    store.add(Site("other", repo="acme/other"))
    assert sorted(s.name for s in store.find_by_repo("ACME/site")) == ["www", "www-next"]
    assert store.find_by_repo("acme/none") == []


def test_sites_do_not_show_up_as_runs(provisioned: Services, store: SiteStore) -> None:
    store.add(Site("blog", repo="acme/blog"))
    provisioned.runs.create(
        Run(
            id="20261129-000000-000-aaaaaa",
            site="blog",
            kind="hugo",
            trigger=Trigger("import"),
            stages=[Stage("build")],
        )
    )
    assert [run.id for run in RunStore(provisioned.dynamodb, provisioned.settings.table).list()] == [
        "20261129-000000-000-aaaaaa"
    ]
    assert [site.name for site in store.list()] == ["blog"]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"name": "Blog", "repo": "a/b"}, "lowercase"),
        ({"name": "-blog", "repo": "a/b"}, "lowercase"),
        ({"name": "blog"}, "needs --repo"),
        ({"name": "blog", "repo": "acme"}, "OWNER/REPO"),
        ({"name": "blog", "repo": "a/b", "branch": "bad..branch"}, "not a valid branch"),
        ({"name": "blog", "repo": "a/b", "branch": "with space"}, "not a valid branch"),
        ({"name": "blog", "repo": "a/b", "kind": "jekyll"}, "kind must be"),
        ({"name": "blog", "repo": "a/b", "source": "gitlab"}, "source must be"),
    ],
)
def test_invalid_sites_are_refused(kwargs: dict[str, str], words: str) -> None:
    with pytest.raises(InputError, match=words):
        Site(**kwargs)


# DynamoDB makes ADD and conditional writes atomic; moto's in-process backend does not serialise
# concurrent requests (run from threads, it hands out the same generation twice), so these tests
# check the sequence, not the race.
def test_generations_only_grow(store: SiteStore) -> None:
    assert store.current_generation("blog") == 0
    handed = [store.next_generation("blog") for _ in range(20)]
    assert handed == list(range(1, 21))
    assert store.current_generation("blog") == 20
    assert store.next_generation("docs") == 1  # per site


def test_an_older_generation_cannot_deploy_after_a_newer_one(store: SiteStore) -> None:
    older, newer = store.next_generation("blog"), store.next_generation("blog")
    assert store.claim_deploy("blog", "staging", newer)
    assert not store.claim_deploy("blog", "staging", older)
    assert store.deployed_generation("blog", "staging") == newer
    assert store.claim_deploy("blog", "staging", newer)  # a retried deploy of the same run
    assert store.claim_deploy("blog", "prod", older)  # stages are independent


def test_in_order_deploys_all_succeed(store: SiteStore) -> None:
    generations = [store.next_generation("blog") for _ in range(3)]
    assert all(store.claim_deploy("blog", "staging", g) for g in generations)


def test_a_delivery_is_remembered_once(store: SiteStore) -> None:
    assert store.remember_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958", 3600)
    assert not store.remember_delivery("72d3162e-cc78-11e3-81ab-4c9367dc0958", 3600)
    assert store.remember_delivery("another-delivery", 3600)


def test_redeliveries_let_exactly_one_through(store: SiteStore) -> None:
    results = [store.remember_delivery("same", 3600) for _ in range(16)]
    assert results.count(True) == 1 and results[0]


def test_an_expired_delivery_record_no_longer_counts(provisioned: Services) -> None:
    now = [1_000_000.0]
    store = SiteStore(provisioned.dynamodb, provisioned.settings.table, clock=lambda: now[0])
    assert store.remember_delivery("d1", ttl_seconds=60)
    now[0] += 30
    assert not store.remember_delivery("d1", ttl_seconds=60)
    now[0] += 61  # past expires_at, though DynamoDB may not have deleted the item yet
    assert store.remember_delivery("d1", ttl_seconds=60)
    item = provisioned.dynamodb.get_item(
        TableName=provisioned.settings.table, Key={"pk": {"S": "DELIVERY#d1"}, "sk": {"S": "DELIVERY"}}
    )["Item"]
    assert int(item["expires_at"]["N"]) == 1_000_091 + 60


def test_forgetting_a_delivery_lets_githubs_retry_through(store: SiteStore) -> None:
    assert store.remember_delivery("d2", 3600)
    store.forget_delivery("d2")
    assert store.remember_delivery("d2", 3600)


def test_the_registration_round_trips_through_the_table(store: SiteStore) -> None:
    from chalicelib.sitemodel import ApprovalPolicy, SearchBackend, Target

    site = Site(
        "www",
        repo="acme/www",
        branches=("main", "release/*"),
        tags=("v*",),
        targets={"prod": Target(bucket="www-example-com", distribution="E2ABCDEF123456", own_bucket=True)},
        approval=ApprovalPolicy(prod=False, ttl_hours=12),
        search=SearchBackend("algolia", "ABCDEF1234", "www", "search-only", "/presslift/search/www/admin"),
    )
    store.add(site)
    assert store.get("www") == site


def test_update_changes_only_what_it_is_given_and_refuses_a_shared_prefix(store: SiteStore) -> None:
    from chalicelib.sitemodel import ApprovalPolicy, Target

    store.add(Site("blog", repo="acme/blog", targets={"prod": Target(bucket="acme-web", prefix="blog")}))
    store.add(Site("www", repo="acme/www"))
    updated = store.update("www", approval=ApprovalPolicy(auto_promote=True))
    assert updated.approval.auto_promote and store.get("www").repo == "acme/www"
    with pytest.raises(ConflictError, match="overlaps site blog's prod target s3://acme-web/blog/"):
        store.update("www", targets={"prod": Target(bucket="acme-web", prefix="blog/www")})
    assert store.get("www").target("prod") == Target()
    with pytest.raises(ConflictError, match="site blog"):
        store.add(Site("news", repo="acme/news", targets={"prod": Target(bucket="acme-web", prefix="blog")}))


def test_two_code_sites_cannot_share_an_app(store: SiteStore) -> None:
    store.add(Site("billing", repo="acme/billing", kind="code"))
    with pytest.raises(ConflictError, match="code app 'billing' is already site billing's"):
        store.add(Site("worker", repo="acme/worker", kind="code", code_app="billing"))


def test_an_unregistered_site_gets_the_default_approval_policy(store: SiteStore) -> None:
    from chalicelib.sites import approval_policy

    assert approval_policy(store, "imported").prod_needs_approval


def test_a_replayed_or_older_push_is_refused(store: SiteStore) -> None:
    ref = "refs/heads/main"
    assert store.accept_push("www", ref, "a" * 40, 100) is None
    assert store.accept_push("www", ref, "b" * 40, 200) is None
    assert "older than bbbbbbb" in (store.accept_push("www", ref, "a" * 40, 100) or "")
    assert "a replay" in (store.accept_push("www", ref, "b" * 40, 200) or "")
    assert store.accept_push("www", ref, "c" * 40, 200) is None  # a second push in the same second
    assert store.accept_push("www", "refs/heads/dev", "a" * 40, 100) is None  # another branch
    store.forget_push("www", ref, "c" * 40)
    assert store.last_push("www", ref) is None
