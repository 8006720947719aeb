"""The site registry, "latest wins" generations and webhook de-duplication, in the pipeline's table.

A site's registration is operator data: its targets, approval policy, code app, search credentials
and the branches that build live here (`presslift site add/update`), never in the repository's
presslift.toml. No two sites share a target (a bucket with one prefix inside the other, or a bucket
a site owns) or a code app: `add` and `update` refuse, naming the other site.

Same DynamoDB table as the runs (keys `pk`/`sk`), other item kinds:

- `SITE#<name>` / `SITE`: the site (`Site`; its settings as JSON, with a version for conditional
  updates), also on the `runs-by-time` index under `SITES` so listing is one query;
- `SITE#<name>` / `GENERATION`: a counter bumped atomically (`ADD`) for every push and import; a run
  remembers the generation it got. `released` is the set of generations whose import ended before it
  built (a file named like an export that is none): they supersede nobody;
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
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any, Protocol

from chalicelib import siteclaims
from chalicelib.config import Settings
from chalicelib.errors import ConfigError, ConflictError, InputError, NotFoundError
from chalicelib.runs import LIST_INDEX, utc_now
from chalicelib.secrets import Secrets, new_webhook_secret, webhook_secret_name
from chalicelib.sitemodel import (
    SETTINGS,
    STAGES,
    ApprovalPolicy,
    Site,
    check_site_owned,
    claims,
    conflict,
    site_from_dict,
)

SITES_PARTITION = "SITES"


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


def _unchanged_since(version: int) -> dict[str, Any]:
    """The condition that the site item is still at `version` (a write's optimistic lock)."""
    if not version:
        return {"ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(version)"}
    return {
        "ConditionExpression": "attribute_exists(pk) AND version = :v",
        "ExpressionAttributeValues": {":v": {"N": str(version)}},
    }


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
        put = {"TableName": self._table, "Item": self._item(site, version=1)}
        put["ConditionExpression"] = "attribute_not_exists(pk)"
        taken = f"a site named {site.name!r} already exists"
        self._write(site, put, claims(site), siteclaims.Claims(), shared_buckets, refused=taken)
        return site

    def update(self, name: str, *, shared_buckets: Iterable[str] = (), **changes: Any) -> Site:
        """Change operator-owned settings (`SETTINGS`, and a GitHub site's `repo`: renamed or
        transferred) of a registered site, checked as `add` checks; ConflictError if someone changed it
        at the same time (nothing is written then)."""
        unknown = set(changes) - {*SETTINGS, "repo"}
        if unknown:
            raise InputError(f"site {name}: {', '.join(sorted(unknown))} cannot be changed by update")
        item = self._item_of(name)
        current = _site(item)
        if "repo" in changes and current.source != "github":
            raise InputError(f"site {name} is built from WordPress exports, not a repository: no --repo")
        site = replace(current, **changes)
        self._check(site, shared_buckets)
        version = int(item.get("version", {}).get("N", "0"))
        put = {
            "TableName": self._table,
            "Item": self._item(site, version=version + 1),
            **_unchanged_since(version),
        }
        changed = f"site {name} was changed by someone else meanwhile; try again"
        self._write(site, put, claims(site), claims(current), shared_buckets, refused=changed)
        return site

    def remove(self, name: str) -> Site:
        """Unregister a site and release its claims, in one transaction; the site as it was. Its runs,
        generations and pushed heads stay (a site added again under the name carries on from them).
        ConflictError if someone changed it meanwhile (nothing is removed then)."""
        item = self._item_of(name)
        current = _site(item)
        version = int(item.get("version", {}).get("N", "0"))
        delete = {
            "TableName": self._table,
            "Key": self._key(name),
            **_unchanged_since(version),
        }
        try:
            siteclaims.write(
                self._db, self._table, name, delete, siteclaims.Claims(), claims(current), verb="Delete"
            )
        except siteclaims.ItemRefused as exc:
            raise ConflictError(f"site {name} was changed by someone else meanwhile; try again") from exc
        return current

    def _write(
        self,
        site: Site,
        put: dict[str, Any],
        new: siteclaims.Claims,
        old: siteclaims.Claims,
        shared_buckets: Iterable[str],
        *,
        refused: str,
    ) -> None:
        """The site's item (`put`, conditional) and its claims (`siteclaims`) in one transaction:
        ConflictError, with nothing written, if the item's condition fails (`refused` says why) or
        another site holds a claim (a registration that won a race `_check` could not see)."""
        try:
            siteclaims.write(self._db, self._table, site.name, put, new, old)
        except siteclaims.ItemRefused as exc:
            raise ConflictError(refused) from exc
        except siteclaims.ClaimTaken as exc:
            # The site that won now shows in the list: the same message as the check gives.
            reason = conflict(site, self.list(), shared_buckets)
            raise ConflictError(
                reason or f"site {site.name}: {exc} was just claimed by another site"
            ) from exc

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
                f"no site named {name!r}; register it with `presslift site add {name} --repo OWNER/REPO` "
                f"(built from GitHub) or `presslift site add {name}` (fed by WordPress exports)"
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

    def find_by_repo_id(self, repo_id: int) -> builtins.list[Site]:
        """The sites whose webhook deliveries came from GitHub's repository `repo_id` (`remember_repo_id`):
        a repository keeps its id when it is renamed or transferred, and its webhook with it."""
        found = self._db.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"REPOID#{repo_id}"}},
        ).get("Items", [])
        sites: builtins.list[Site] = []
        for item in found:
            try:
                sites.append(self.get(item["sk"]["S"].removeprefix("SITE#")))
            except NotFoundError:
                continue  # removed since
        return sites

    def remember_repo_id(self, site: str, repo_id: int) -> None:
        """That `site`'s deliveries come from GitHub's repository `repo_id` (see `find_by_repo_id`)."""
        self._db.put_item(
            TableName=self._table,
            Item={"pk": {"S": f"REPOID#{repo_id}"}, "sk": {"S": f"SITE#{site}"}, "seen_at": {"S": utc_now()}},
        )

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
        """The newest generation handed out and not released (0 before the first); a run with a lower
        one is superseded."""
        item = self._db.get_item(
            TableName=self._table, Key=self._key(site, "GENERATION"), ConsistentRead=True
        ).get("Item")
        if not item:
            return 0
        newest = int(item["generation"]["N"])
        released = {int(n) for n in item.get("released", {}).get("NS", [])}
        while newest in released:
            newest -= 1
        return newest

    def release_generation(self, site: str, generation: int) -> None:
        """The run that took `generation` ended before it built anything: it no longer supersedes the
        older runs in flight (a refused file named like an export cancelled the import before it)."""
        self._db.update_item(
            TableName=self._table,
            Key=self._key(site, "GENERATION"),
            UpdateExpression="ADD released :g",
            ExpressionAttributeValues={":g": {"NS": [str(generation)]}},
        )

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
