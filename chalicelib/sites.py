"""The site registry, "latest wins" generations and webhook de-duplication, in the pipeline's table.

Same DynamoDB table as the runs (keys `pk`/`sk`), other item kinds:

- `SITE#<name>` / `SITE`: the site (`Site`), also on the `runs-by-time` index under `SITES` so listing
  is one query;
- `SITE#<name>` / `GENERATION`: a counter bumped atomically (`ADD`) for every push; a run remembers the
  generation it got;
- `SITE#<name>` / `DEPLOYED#<stage>`: the newest generation that deployed to a stage. `claim_deploy` is
  a conditional write that succeeds only when no newer generation has deployed there, so an older run
  that finishes late never overwrites a newer one;
- `DELIVERY#<id>` / `DELIVERY`: a webhook delivery we have seen, with `expires_at` as the table's TTL.

Never: decide what happens to a run here (that is `pipeline.py`), or read-then-write without a
condition (two Lambdas run at once).
"""

from __future__ import annotations

import builtins
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from chalicelib import resources
from chalicelib.errors import ConfigError, ConflictError, InputError, NotFoundError
from chalicelib.runs import LIST_INDEX, utc_now

SITES_PARTITION = "SITES"
SOURCES = ("github", "import")
KINDS = ("hugo", "code")

_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_BRANCH = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)(?!.*@\{)[^\s~^:?*\[\\\x00-\x1f\x7f]+(?<![/.])$")


@dataclass(frozen=True)
class Site:
    name: str
    repo: str | None = None
    branch: str = "main"
    kind: str = "hugo"
    created_at: str = field(default_factory=utc_now)
    source: str = "github"

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SiteStore:
    """Sites, generations, deploy claims and delivery records in one DynamoDB table."""

    def __init__(self, dynamodb: Any, table: str, *, clock: Callable[[], float] = time.time) -> None:
        self._db = dynamodb
        self._table = table
        self._clock = clock

    # Sites.

    @staticmethod
    def _key(name: str, sort: str = "SITE") -> dict[str, Any]:
        return {"pk": {"S": f"SITE#{name}"}, "sk": {"S": sort}}

    def add(self, site: Site) -> Site:
        """Register `site`; ConflictError if the name is taken."""
        item = {
            **self._key(site.name),
            "list_pk": {"S": SITES_PARTITION},
            "list_sk": {"S": site.name},
            "name": {"S": site.name},
            "branch": {"S": site.branch},
            "kind": {"S": site.kind},
            "created_at": {"S": site.created_at},
            "source": {"S": site.source},
        }
        if site.repo:
            item["repo"] = {"S": site.repo}
            # GitHub treats OWNER/REPO case-insensitively, so lookups by repository do too.
            item["repo_key"] = {"S": site.repo.lower()}
        try:
            self._db.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )
        except self._db.exceptions.ConditionalCheckFailedException as exc:
            raise ConflictError(f"a site named {site.name!r} already exists") from exc
        return site

    def get(self, name: str) -> Site:
        item = self._db.get_item(TableName=self._table, Key=self._key(name), ConsistentRead=True).get("Item")
        if not item:
            raise NotFoundError(
                f"no site named {name!r}; register it with `presslift site add {name} --repo ...`"
            )
        return _site(item)

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


def _site(item: dict[str, Any]) -> Site:
    return Site(
        name=item["name"]["S"],
        repo=item["repo"]["S"] if "repo" in item else None,
        branch=item["branch"]["S"],
        kind=item["kind"]["S"],
        created_at=item["created_at"]["S"],
        source=item["source"]["S"],
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
                f"site {site}: [targets.{stage}] {what} {value!r} "
                f"is not one the stack may deploy to (allowed: {', '.join(allowed) or 'none'}); "
                f"add it to the stack parameter {parameter} and deploy the stack again"
            )
