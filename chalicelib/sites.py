"""The site registry, "latest wins" generations and webhook de-duplication, in the pipeline's table.

A site's registration is operator data: its targets, approval policy, code app, search credentials
and the branches that build live here (`presslift site add/update`), never in the repository's
presslift.toml. No two sites share a target (a bucket with one prefix inside the other, or a bucket
a site owns) or a code app: `add` and `update` refuse, naming the other site.

Same DynamoDB table as the runs (keys `pk`/`sk`), other item kinds:

- `SITE#<name>` / `SITE`: the site (`Site`; its settings as JSON, with a version for conditional
  updates), also on the `runs-by-time` index under `SITES` so listing is one query;
- `SITE#<name>` / `GENERATION`: a counter bumped atomically (`ADD`) for every push; a run remembers the
  generation it got;
- `SITE#<name>` / `DEPLOYED#<stage>`: the newest generation that deployed to a stage. `claim_deploy` is
  a conditional write that succeeds only when no newer generation has deployed there, so an older run
  that finishes late never overwrites a newer one;
- `SITE#<name>` / `HEAD#<ref>`: the newest push of a ref the site accepted (commit and GitHub's
  `pushed_at`), so a replayed or stale push builds nothing;
- `DELIVERY#<id>` / `DELIVERY`: a webhook delivery we have seen, with `expires_at` as the table's TTL.

Never: decide what happens to a run here (that is `pipeline`), or read-then-write without a
condition (two Lambdas run at once).
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from chalicelib import resources
from chalicelib.config import Settings
from chalicelib.errors import ConfigError, ConflictError, InputError, NotFoundError
from chalicelib.runs import LIST_INDEX, utc_now
from chalicelib.secrets import Secrets, new_webhook_secret, webhook_secret_name

SITES_PARTITION = "SITES"
SOURCES = ("github", "import")
KINDS = ("hugo", "code")
STAGES = ("staging", "prod")
SEARCH_BACKENDS = ("pagefind", "algolia")

_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_BRANCH = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)(?!.*@\{)[^\s~^:?*\[\\\x00-\x1f\x7f]+(?<![/.])$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DISTRIBUTION = re.compile(r"^[A-Z0-9]{10,20}$")
_APP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Algolia application ids are upper-case letters and digits; the hosts are derived from them.
_APP_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")


@dataclass(frozen=True)
class Target:
    """Where one stage of a site publishes. Unset fields fall back to the pipeline's own bucket and
    distribution for the stage, under the prefix `<site>/`.

    `own_bucket`: the operator says the bucket is this site's alone, so the site may publish at its root
    (an empty prefix) and no other site may use the bucket.
    """

    bucket: str | None = None
    prefix: str | None = None
    distribution: str | None = None
    origin_path: str | None = None
    own_bucket: bool = False


@dataclass(frozen=True)
class ApprovalPolicy:
    """Whether prod waits for a person, and for how long an approval stays open.

    `prod = False` or `auto_promote = True`: staging goes on to prod with no one asked.
    """

    prod: bool = True
    auto_promote: bool = False
    ttl_hours: int = 72

    @property
    def prod_needs_approval(self) -> bool:
        return self.prod and not self.auto_promote


@dataclass(frozen=True)
class SearchBackend:
    """The search service and its credentials. The admin key itself is in SSM, under the stack's
    search keys path; only the parameter's name is here."""

    backend: str = "pagefind"
    app_id: str | None = None
    index_name: str | None = None
    search_key: str | None = None
    admin_key_parameter: str | None = None


@dataclass(frozen=True)
class Site:
    """A registered site: what the operator decided (never read from the site's repository).

    `branch` is the branch a push fetches by default; `branches` and `tags` (globs) are the refs whose
    pushes build (`branches` defaults to `branch`). `code_app` is a code site's folder on the EFS
    mount points (default: the site's name).
    """

    name: str
    repo: str | None = None
    branch: str = "main"
    kind: str = "hugo"
    created_at: str = field(default_factory=utc_now)
    source: str = "github"
    branches: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    targets: Mapping[str, Target] = field(default_factory=dict)
    approval: ApprovalPolicy = field(default_factory=ApprovalPolicy)
    code_app: str | None = None
    search: SearchBackend = field(default_factory=SearchBackend)
    # An imported site's media missing from its uploads archive are fetched from the old host (the
    # hosts its export names only, within the converter's caps): the operator's call, since it makes
    # the pipeline reach out to a server it does not run.
    fetch_media: bool = False

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise InputError(
                f"site name must be lowercase letters, digits and '-' (at most 63), not {self.name!r}"
            )
        if self.source not in SOURCES:
            raise InputError(
                f"site {self.name}: source must be one of {', '.join(SOURCES)}, not {self.source!r}"
            )
        if self.kind not in KINDS:
            raise InputError(f"site {self.name}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.source == "github" and not self.repo:
            raise InputError(f"site {self.name}: a GitHub site needs --repo OWNER/REPO")
        if self.repo is not None and (not _REPO.match(self.repo) or ".." in self.repo):
            raise InputError(f"site {self.name}: repo must look like OWNER/REPO, not {self.repo!r}")
        if not _BRANCH.match(self.branch):
            raise InputError(f"site {self.name}: {self.branch!r} is not a valid branch name")
        validate(self)

    @property
    def allowed_branches(self) -> tuple[str, ...]:
        return self.branches or (self.branch,)

    @property
    def app(self) -> str:
        """A code site's folder on the EFS mount points."""
        return self.code_app or self.name

    def target(self, stage: str) -> Target:
        return self.targets.get(stage, Target())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def settings_dict(self) -> dict[str, Any]:
        """The operator-owned settings, JSON-ready (what `update` may change)."""
        data = self.to_dict()
        return {key: data[key] for key in SETTINGS}


#: The operator-owned settings beside name, repo, kind and source.
SETTINGS = ("branch", "branches", "tags", "targets", "approval", "code_app", "search", "fetch_media")


def validate(site: Site) -> None:
    """InputError naming the `presslift site` option that is wrong."""
    where = f"site {site.name}"
    for stage, target in site.targets.items():
        if stage not in STAGES:
            raise InputError(f"{where}: targets are for {', '.join(STAGES)}, not {stage!r}")
        _validate_target(site.name, stage, target)
    for pattern in (*site.branches, *site.tags):
        if not pattern.strip() or any(ch in pattern for ch in " \t\n\x00"):
            raise InputError(f"{where}: {pattern!r} is not a branch or tag pattern")
    if not 1 <= site.approval.ttl_hours <= 24 * 30:
        raise InputError(
            f"{where}: --approval-ttl-hours must be between 1 and 720, not {site.approval.ttl_hours}"
        )
    if site.code_app is not None:
        if site.kind != "code":
            raise InputError(f"{where}: --code-app is only for kind code sites")
        if not _APP_NAME.match(site.code_app):
            raise InputError(
                f"{where}: --code-app must be letters, digits, '.', '_' or '-', not {site.code_app!r}"
            )
    _validate_search(where, site.search)


def _validate_target(site: str, stage: str, target: Target) -> None:
    option = f"--{stage}"
    if target.bucket is not None and not _BUCKET.match(target.bucket):
        raise InputError(f"site {site}: {option}-bucket must be an S3 bucket name, not {target.bucket!r}")
    if target.distribution is not None and not _DISTRIBUTION.match(target.distribution):
        raise InputError(
            f"site {site}: {option}-distribution must be a CloudFront distribution id like "
            f"E2QWRUHAPOMQZL, not {target.distribution!r}"
        )
    if target.origin_path and (
        not target.origin_path.startswith("/")
        or target.origin_path.endswith("/")
        or ".." in target.origin_path.split("/")
    ):
        raise InputError(
            f"site {site}: {option}-origin-path must start with '/' and not end with one, "
            f"not {target.origin_path!r}"
        )
    prefix = target.prefix
    if prefix is not None and (prefix.startswith("/") or ".." in prefix.split("/") or "//" in prefix):
        raise InputError(f"site {site}: {option}-prefix must be a relative path, not {prefix!r}")
    if target.own_bucket and target.bucket is None:
        raise InputError(f"site {site}: --own-bucket needs {option}-bucket (the bucket the site owns)")
    if target.bucket is None:
        # On the pipeline's shared bucket every site publishes under its own name, so no two meet.
        if prefix is not None and not _under(normal_prefix(prefix), f"{site}/"):
            raise InputError(
                f"site {site}: {option}-prefix {prefix!r} is on the pipeline's shared bucket, where a site "
                f"publishes under {site}/; give the site a bucket of its own to choose another prefix"
            )
    elif prefix == "" and not target.own_bucket:
        raise InputError(
            f"site {site}: an empty {option}-prefix publishes at the root of {target.bucket}, which would "
            "delete whatever else is there; pass --own-bucket if the bucket is this site's alone"
        )


def _validate_search(where: str, search: SearchBackend) -> None:
    if search.backend not in SEARCH_BACKENDS:
        raise InputError(
            f"{where}: --search must be one of {', '.join(SEARCH_BACKENDS)}, not {search.backend!r}"
        )
    if search.backend != "algolia":
        return
    for name in ("app_id", "index_name", "search_key", "admin_key_parameter"):
        if not getattr(search, name):
            raise InputError(f"{where}: --search algolia needs --algolia-{name.replace('_', '-')}")
    assert search.app_id and search.admin_key_parameter
    if not _APP_ID.match(search.app_id):
        raise InputError(f"{where}: --algolia-app-id must be letters and digits, not {search.app_id!r}")
    check_search_key_parameter(where, search.admin_key_parameter)


def check_search_key_parameter(where: str, name: str, env: Mapping[str, str] | None = None) -> None:
    """InputError unless `name` is an SSM parameter under the stack's search keys path (the only one
    the deploy function may read)."""
    env = os.environ if env is None else env
    path = env.get(resources.SEARCH_KEYS_PATH.name) or resources.SEARCH_KEYS_PATH.default
    prefix = path.rstrip("/") + "/"
    if name.startswith("secretsmanager:"):
        raise InputError(
            f"{where}: --algolia-admin-key-parameter is in Secrets Manager, which is not supported: "
            f"store the key in SSM under {prefix}"
        )
    if not name.startswith(prefix) or ".." in name.split("/"):
        raise InputError(
            f"{where}: --algolia-admin-key-parameter must name an SSM parameter under {prefix} "
            f"(the only path granted), not {name!r}"
        )


def normal_prefix(prefix: str) -> str:
    """`a/b` → `a/b/`; the empty prefix (a bucket's root) stays empty."""
    stripped = prefix.strip("/")
    return f"{stripped}/" if stripped else ""


def _under(prefix: str, parent: str) -> bool:
    return prefix.startswith(parent)


@dataclass(frozen=True)
class Placement:
    """Where one stage of a site lands: `bucket=None` is the pipeline's shared bucket for the stage."""

    bucket: str | None
    prefix: str
    distribution: str | None
    origin_path: str
    own_bucket: bool


def placement(site: Site, stage: str) -> Placement:
    """The site's effective target for `stage` (the one rule for defaults)."""
    target = site.target(stage)
    if target.prefix is not None:
        prefix = normal_prefix(target.prefix)
    else:
        prefix = "" if target.bucket and target.own_bucket else f"{site.name}/"
    return Placement(
        bucket=target.bucket,
        prefix=prefix,
        distribution=target.distribution,
        origin_path=target.origin_path or "",
        own_bucket=target.own_bucket,
    )


def conflict(site: Site, others: Iterable[Site], shared_buckets: Iterable[str] = ()) -> str | None:
    """Why `site` may not be registered beside `others`, or None: no two sites share a target (the same
    bucket with one prefix inside the other, or a bucket one of them owns) or a code app."""
    shared = set(shared_buckets)
    mine = [(stage, placement(site, stage)) for stage in STAGES]
    for stage, place in mine:
        if place.bucket is not None and place.bucket in shared:
            return (
                f"site {site.name}: --{stage}-bucket {place.bucket} is the pipeline's shared bucket; leave "
                "the bucket unset to publish there under the site's name"
            )
    for other in others:
        if other.name == site.name:
            continue
        if site.kind == "code" and other.kind == "code" and site.app == other.app:
            return f"site {site.name}: code app {site.app!r} is already site {other.name}'s; choose another"
        for stage, place in mine:
            for their_stage, theirs in ((s, placement(other, s)) for s in STAGES):
                if place.bucket is None or place.bucket != theirs.bucket:
                    continue
                if place.own_bucket or theirs.own_bucket:
                    owner = other.name if theirs.own_bucket else site.name
                    return (
                        f"site {site.name}: {stage} bucket {place.bucket} is also site {other.name}'s "
                        f"({their_stage}), and site {owner} owns it (--own-bucket)"
                    )
                if _under(place.prefix, theirs.prefix) or _under(theirs.prefix, place.prefix):
                    return (
                        f"site {site.name}: {stage} target s3://{place.bucket}/{place.prefix} overlaps "
                        f"site {other.name}'s {their_stage} target s3://{theirs.bucket}/{theirs.prefix}; "
                        "a deploy of one would delete the other's files"
                    )
    return None


def site_from_dict(data: Mapping[str, Any]) -> Site:
    """A `Site` from its `to_dict()` form (the table keeps the settings as JSON)."""
    targets = {stage: Target(**value) for stage, value in (data.get("targets") or {}).items()}
    return Site(
        name=data["name"],
        repo=data.get("repo"),
        branch=data.get("branch") or "main",
        kind=data.get("kind") or "hugo",
        created_at=data.get("created_at") or utc_now(),
        source=data.get("source") or "github",
        branches=tuple(data.get("branches") or ()),
        tags=tuple(data.get("tags") or ()),
        targets=targets,
        approval=ApprovalPolicy(**(data.get("approval") or {})),
        code_app=data.get("code_app"),
        search=SearchBackend(**(data.get("search") or {})),
        fetch_media=bool(data.get("fetch_media", False)),
    )


class _HasSites(Protocol):
    @property
    def sites(self) -> SiteStore: ...


class _Operator(Protocol):
    @property
    def sites(self) -> SiteStore: ...

    @property
    def secrets(self) -> Secrets: ...

    @property
    def settings(self) -> Settings: ...


def register(svc: _Operator, site: Site) -> str:
    """Register `site` and give it its own webhook secret; returns the secret (shown once).

    The site is written first: a refused registration (name taken, shared target) never touches an
    existing site's secret. If writing the secret fails, `rotate_webhook_secret` makes a new one.
    """
    svc.sites.add(site, shared_buckets=svc.settings.site_buckets.values())
    return rotate_webhook_secret(svc, site.name)


def update(svc: _Operator, name: str, **changes: Any) -> Site:
    """Change a registered site's operator-owned settings, checked as `register` checks them."""
    return svc.sites.update(name, shared_buckets=svc.settings.site_buckets.values(), **changes)


def rotate_webhook_secret(svc: _Operator, name: str) -> str:
    """A new webhook secret for a registered site; the old one stops working at once on this
    function (other API instances see the new one within the secrets cache's TTL)."""
    svc.sites.get(name)  # NotFoundError for a site nobody registered
    secret = new_webhook_secret()
    svc.secrets.store(webhook_secret_name(name), secret)
    return secret


def approval_policy(svc_or_store: SiteStore | _HasSites, site: str | Site) -> ApprovalPolicy:
    """The site's approval policy, as its operator registered it (the one place it is read).

    A site with no registration (a WordPress import nobody registered) gets the default: prod waits for
    a person. Never read from a repository's presslift.toml.
    """
    if isinstance(site, Site):
        return site.approval
    store = svc_or_store if isinstance(svc_or_store, SiteStore) else svc_or_store.sites
    return store.registration(site).approval


class SiteStore:
    """Sites, generations, deploy claims, pushed heads and delivery records in one DynamoDB table."""

    def __init__(self, dynamodb: Any, table: str, *, clock: Callable[[], float] = time.time) -> None:
        self._db = dynamodb
        self._table = table
        self._clock = clock

    # Sites.

    @staticmethod
    def _key(name: str, sort: str = "SITE") -> dict[str, Any]:
        return {"pk": {"S": f"SITE#{name}"}, "sk": {"S": sort}}

    def add(self, site: Site, *, shared_buckets: Iterable[str] = ()) -> Site:
        """Register `site`; ConflictError if the name is taken or it would share a target or code app
        with another site (the message names that site). `shared_buckets`: the pipeline's own site
        buckets, which no site may name as its own."""
        self._check(site, shared_buckets)
        try:
            self._db.put_item(
                TableName=self._table,
                Item=self._item(site, version=1),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except self._db.exceptions.ConditionalCheckFailedException as exc:
            raise ConflictError(f"a site named {site.name!r} already exists") from exc
        return site

    def update(self, name: str, *, shared_buckets: Iterable[str] = (), **changes: Any) -> Site:
        """Change operator-owned settings (`SETTINGS`) of a registered site, checked as `add` checks;
        ConflictError if someone changed it at the same time (nothing is written then)."""
        unknown = set(changes) - set(SETTINGS)
        if unknown:
            raise InputError(f"site {name}: {', '.join(sorted(unknown))} cannot be changed by update")
        item = self._item_of(name)
        current = _site(item)
        site = replace(current, **changes)
        self._check(site, shared_buckets)
        version = int(item.get("version", {}).get("N", "0"))
        try:
            self._db.put_item(
                TableName=self._table,
                Item=self._item(site, version=version + 1),
                ConditionExpression="attribute_exists(pk) AND "
                + ("version = :v" if version else "attribute_not_exists(version)"),
                **({"ExpressionAttributeValues": {":v": {"N": str(version)}}} if version else {}),
            )
        except self._db.exceptions.ConditionalCheckFailedException as exc:
            raise ConflictError(f"site {name} was changed by someone else meanwhile; try again") from exc
        return site

    def _check(self, site: Site, shared_buckets: Iterable[str]) -> None:
        for stage in STAGES:
            target = site.target(stage)
            try:
                check_site_owned(site.name, stage, target.bucket, target.distribution)
            except ConfigError as exc:
                raise InputError(str(exc)) from None
        reason = conflict(site, self.list(), shared_buckets)
        if reason:
            raise ConflictError(reason)

    def _item(self, site: Site, *, version: int) -> dict[str, Any]:
        item = {
            **self._key(site.name),
            "list_pk": {"S": SITES_PARTITION},
            "list_sk": {"S": site.name},
            "name": {"S": site.name},
            "branch": {"S": site.branch},
            "kind": {"S": site.kind},
            "created_at": {"S": site.created_at},
            "source": {"S": site.source},
            "settings": {"S": json.dumps(site.settings_dict(), sort_keys=True)},
            "version": {"N": str(version)},
        }
        if site.repo:
            item["repo"] = {"S": site.repo}
            # GitHub treats OWNER/REPO case-insensitively, so lookups by repository do too.
            item["repo_key"] = {"S": site.repo.lower()}
        return item

    def _item_of(self, name: str) -> dict[str, Any]:
        item = self._db.get_item(TableName=self._table, Key=self._key(name), ConsistentRead=True).get("Item")
        if not item:
            raise NotFoundError(
                f"no site named {name!r}; register it with `presslift site add {name} --repo ...`"
            )
        return dict(item)

    def get(self, name: str) -> Site:
        return _site(self._item_of(name))

    def registration(self, name: str) -> Site:
        """The site's registration; for a site nobody registered (a WordPress import), the defaults."""
        try:
            return self.get(name)
        except NotFoundError:
            return Site(name, source="import")

    def list(self) -> list[Site]:
        """Every site, by name."""
        return [_site(item) for item in self._sites()]

    def find_by_repo(self, repo: str) -> builtins.list[Site]:
        """The sites built from `repo` (OWNER/REPO, any case); one repository may feed several sites."""
        wanted = repo.lower()
        return [_site(item) for item in self._sites() if item.get("repo_key", {}).get("S") == wanted]

    def _sites(self) -> Iterable[dict[str, Any]]:
        pages = self._db.get_paginator("query").paginate(
            TableName=self._table,
            IndexName=LIST_INDEX,
            KeyConditionExpression="list_pk = :pk",
            ExpressionAttributeValues={":pk": {"S": SITES_PARTITION}},
        )
        for page in pages:
            yield from page.get("Items", [])

    # Pushed heads: a replayed or stale push builds nothing.

    def accept_push(self, site: str, ref: str, sha: str, pushed_at: int | None) -> str | None:
        """Record `sha` as the newest push of `ref` that `site` builds; None when accepted, else why not.

        A push is refused when it is older than the one recorded (GitHub's `repository.pushed_at`,
        which a replayed body carries unchanged) or is the same commit at the same time (a replay of
        the very push that was built). The write is conditional, so two deliveries at once cannot both
        pass.
        """
        values: dict[str, Any] = {":sha": {"S": sha}, ":at": {"S": utc_now()}}
        if pushed_at is None:
            condition = "attribute_not_exists(sha) OR sha <> :sha"
            update = "SET sha = :sha, accepted_at = :at REMOVE pushed_at"
        else:
            values[":p"] = {"N": str(pushed_at)}
            condition = (
                "attribute_not_exists(sha) OR attribute_not_exists(pushed_at) OR pushed_at < :p "
                "OR (pushed_at = :p AND sha <> :sha)"
            )
            update = "SET sha = :sha, pushed_at = :p, accepted_at = :at"
        try:
            self._db.update_item(
                TableName=self._table,
                Key=self._key(site, f"HEAD#{ref}"),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            last = self.last_push(site, ref) or {}
            if last.get("sha") == sha:
                return f"{ref} at {sha[:7]} is the push {site} last built (a replay); nothing to build"
            return (
                f"the push of {sha[:7]} to {ref} is older than {str(last.get('sha', ''))[:7]}, the newest "
                f"push {site} has built (pushed at {last.get('pushed_at')}); a stale or replayed push "
                "builds nothing"
            )
        return None

    def forget_push(self, site: str, ref: str, sha: str) -> None:
        """Undo `accept_push` when the run could not be started, so GitHub's retry is not refused."""
        # A newer push recorded meanwhile fails the condition, and is kept.
        with contextlib.suppress(self._db.exceptions.ConditionalCheckFailedException):
            self._db.delete_item(
                TableName=self._table,
                Key=self._key(site, f"HEAD#{ref}"),
                ConditionExpression="sha = :sha",
                ExpressionAttributeValues={":sha": {"S": sha}},
            )

    def last_push(self, site: str, ref: str) -> dict[str, Any] | None:
        """The newest push of `ref` the site accepted: {sha, pushed_at, accepted_at}, or None."""
        item = self._db.get_item(
            TableName=self._table, Key=self._key(site, f"HEAD#{ref}"), ConsistentRead=True
        ).get("Item")
        if not item:
            return None
        return {
            "sha": item["sha"]["S"],
            "pushed_at": int(item["pushed_at"]["N"]) if "pushed_at" in item else None,
            "accepted_at": item.get("accepted_at", {}).get("S"),
        }

    # Latest wins.

    def next_generation(self, site: str) -> int:
        """A new generation for `site`, larger than every one handed out before (atomic ADD)."""
        response = self._db.update_item(
            TableName=self._table,
            Key=self._key(site, "GENERATION"),
            UpdateExpression="ADD generation :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["generation"]["N"])

    def current_generation(self, site: str) -> int:
        """The newest generation handed out (0 before the first); a run with a lower one is superseded."""
        item = self._db.get_item(
            TableName=self._table, Key=self._key(site, "GENERATION"), ConsistentRead=True
        ).get("Item")
        return int(item["generation"]["N"]) if item else 0

    def claim_deploy(self, site: str, stage: str, generation: int) -> bool:
        """Record that `generation` deploys to `stage`; False if a newer generation already did.

        The same generation may claim again (a retried deploy message), so the check is `<=`.
        """
        try:
            self._db.update_item(
                TableName=self._table,
                Key=self._key(site, f"DEPLOYED#{stage}"),
                UpdateExpression="SET generation = :g, claimed_at = :at",
                ConditionExpression="attribute_not_exists(generation) OR generation <= :g",
                ExpressionAttributeValues={":g": {"N": str(generation)}, ":at": {"S": utc_now()}},
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def deployed_generation(self, site: str, stage: str) -> int:
        """The newest generation that claimed `stage` (0 if none)."""
        item = self._db.get_item(
            TableName=self._table, Key=self._key(site, f"DEPLOYED#{stage}"), ConsistentRead=True
        ).get("Item")
        return int(item["generation"]["N"]) if item else 0

    # Webhook deliveries.

    def remember_delivery(self, delivery_id: str, ttl_seconds: int = 7 * 24 * 3600) -> bool:
        """True the first time `delivery_id` is seen (within its TTL); False for a redelivery."""
        if not delivery_id or len(delivery_id) > 200:
            raise InputError(f"a webhook delivery id must be 1 to 200 characters, not {len(delivery_id)}")
        now = int(self._clock())
        try:
            self._db.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": f"DELIVERY#{delivery_id}"},
                    "sk": {"S": "DELIVERY"},
                    "seen_at": {"N": str(now)},
                    "expires_at": {"N": str(now + ttl_seconds)},
                },
                # DynamoDB deletes expired items lazily (up to days later), so an expired record
                # that is still there must not count as seen.
                ConditionExpression="attribute_not_exists(pk) OR expires_at < :now",
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def forget_delivery(self, delivery_id: str) -> None:
        """Undo `remember_delivery` when enqueuing failed, so GitHub's retry is not dropped as a repeat."""
        self._db.delete_item(
            TableName=self._table, Key={"pk": {"S": f"DELIVERY#{delivery_id}"}, "sk": {"S": "DELIVERY"}}
        )


def _site(item: Mapping[str, Any]) -> Site:
    settings = json.loads(item["settings"]["S"]) if "settings" in item else {}
    return site_from_dict(
        {
            **settings,
            "name": item["name"]["S"],
            "repo": item["repo"]["S"] if "repo" in item else None,
            "branch": item["branch"]["S"],
            "kind": item["kind"]["S"],
            "created_at": item["created_at"]["S"],
            "source": item["source"]["S"],
        }
    )


def check_site_owned(
    site: str, stage: str, bucket: str | None, distribution: str | None, env: Mapping[str, str] | None = None
) -> None:
    """ConfigError unless the stack allows a site's own bucket and distribution. The stack grants the
    deploy function only the buckets and distributions listed in its SiteOwnedBuckets and
    SiteOwnedDistributions parameters (given to the functions as environment variables); where the
    variables are unset (the local cloud), every bucket and distribution is allowed."""
    env = os.environ if env is None else env
    for what, value, variable, parameter in (
        ("bucket", bucket, resources.SITE_OWNED_BUCKETS, "SiteOwnedBuckets"),
        ("distribution", distribution, resources.SITE_OWNED_DISTRIBUTIONS, "SiteOwnedDistributions"),
    ):
        if not value or variable.name not in env:
            continue
        allowed = [item.strip() for item in env[variable.name].split(",") if item.strip()]
        if value not in allowed:
            raise ConfigError(
                f"site {site}: --{stage}-{what} {value!r} "
                f"is not one the stack may deploy to (allowed: {', '.join(allowed) or 'none'}); "
                f"add it to the stack parameter {parameter} and deploy the stack again"
            )
