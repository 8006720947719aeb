"""Registration claims: what makes "no two sites share a target prefix or a code app" race-free.

`sitemodel.conflict` over every site and compares, so two operators registering at the same moment
could both pass it. A registration therefore also writes claim items, in the same DynamoDB
transaction as the site's own item, each with a condition that fails when another site holds it:

- `CLAIM#app#<name>`: a code site's EFS app; its `owner` is the site.
- `CLAIM#target#<bucket>/<prefix>`: one item per level of a target's path. The target's own level
  has the site as its `owner`; every level above it (the bucket's root `<bucket>/`, and `<bucket>/a/`
  for `a/b/`) lists the site in `below`. A level may have an owner or sites below it, but never
  both from two different sites: `shop/` and `shop/sale/` meet on the level `shop/`, whichever is
  written second is refused. A site that owns its bucket (`own_bucket`) owns the root level.

An update claims what the site's new targets need and releases what they no longer need, in the same
transaction as the site's new item. A lost race cancels the whole transaction: nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import InputError

#: DynamoDB's limit of operations in one transaction (the site's item is one of them).
MAX_OPERATIONS = 100
SORT = "CLAIM"
_NAMES = {"#owner": "owner", "#below": "below"}  # OWNER is one of DynamoDB's reserved words


@dataclass(frozen=True)
class Place:
    """Where one stage of a site lands, as claims see it (`sitemodel.Placement`, a named bucket only)."""

    bucket: str
    prefix: str  # "" (the root) or "a/b/"
    own_bucket: bool = False


@dataclass(frozen=True)
class Claims:
    """The claim keys a site holds: those it owns, and the levels it has targets below."""

    owned: frozenset[str] = frozenset()
    below: frozenset[str] = frozenset()

    @property
    def keys(self) -> frozenset[str]:
        return self.owned | self.below


def target_claim(bucket: str, prefix: str) -> str:
    return f"CLAIM#target#{bucket}/{prefix}"


def app_claim(app: str) -> str:
    return f"CLAIM#app#{app}"


def describe(key: str) -> str:
    """A claim key in the operator's words: `target s3://b/p/` or `code app 'x'`."""
    kind, _, value = key.removeprefix("CLAIM#").partition("#")
    return f"code app {value!r}" if kind == "app" else f"target s3://{value}"


def claims_for(places: Iterable[Place], app: str | None) -> Claims:
    """What a site with these places (and code app, for a code site) must hold."""
    owned: set[str] = set()
    below: set[str] = set()
    for place in places:
        if place.own_bucket:
            owned.add(target_claim(place.bucket, ""))
            continue
        owned.add(target_claim(place.bucket, place.prefix))
        levels = [level for level in place.prefix.split("/") if level]
        for depth in range(len(levels)):
            below.add(target_claim(place.bucket, "".join(f"{level}/" for level in levels[:depth])))
    if app:
        owned.add(app_claim(app))
    return Claims(frozenset(owned), frozenset(below))


def operations(table: str, site: str, new: Claims, old: Claims = Claims()) -> list[dict[str, Any]]:
    """TransactWriteItems operations moving `site` from holding `old` to holding `new` (one per
    claim item, as a transaction allows), each refused if another site holds what it claims."""
    found: list[dict[str, Any]] = []
    for key in sorted(new.keys | old.keys):
        sets, removes, adds, deletes, conditions = [], [], [], [], []
        if key in new.owned:
            sets.append("#owner = :me")
            conditions.append("(attribute_not_exists(#owner) OR #owner = :me)")
            conditions.append(
                "(attribute_not_exists(#below) OR (size(#below) = :one AND contains(#below, :me)))"
            )
        elif key in old.owned:
            removes.append("#owner")
            conditions.append("(attribute_not_exists(#owner) OR #owner = :me)")
        if key in new.below:
            adds.append("#below :us")
            if key not in new.owned:
                conditions.append("(attribute_not_exists(#owner) OR #owner = :me)")
        elif key in old.below:
            deletes.append("#below :us")
        if not (sets or removes or adds or deletes):
            continue
        clauses = [
            f"{verb} {', '.join(parts)}"
            for verb, parts in (("SET", sets), ("REMOVE", removes), ("ADD", adds), ("DELETE", deletes))
            if parts
        ]
        values = {":me": {"S": site}, ":us": {"SS": [site]}, ":one": {"N": "1"}}
        expression = " ".join(clauses)
        condition = " AND ".join(dict.fromkeys(conditions))  # each once
        used = {name: value for name, value in values.items() if name in expression or name in condition}
        update: dict[str, Any] = {
            "TableName": table,
            "Key": {"pk": {"S": key}, "sk": {"S": SORT}},
            "UpdateExpression": expression,
            "ExpressionAttributeNames": {
                name: value for name, value in _NAMES.items() if name in expression or name in condition
            },
            "ExpressionAttributeValues": used,
        }
        if condition:
            update["ConditionExpression"] = condition
        found.append({"Update": update})
    return found


class ItemRefused(Exception):
    """The site item's own condition failed (the name is taken, or someone changed the site)."""


class ClaimTaken(Exception):
    """Another site holds a claim the registration needs; the message describes the claim."""


def write(
    db: Any,
    table: str,
    site: str,
    put: dict[str, Any],
    new: Claims,
    old: Claims = Claims(),
    *,
    verb: str = "Put",
) -> None:
    """The site's item (`put`, a conditional Put; with `verb="Delete"`, its removal) and its claims in
    one TransactWriteItems, all or nothing: ItemRefused or ClaimTaken when a condition fails."""
    transaction = [{verb: put}, *operations(table, site, new, old)]
    if len(transaction) > MAX_OPERATIONS:
        raise InputError(
            f"site {site}: its targets' prefixes are too deep to claim "
            f"({len(transaction) - 1} levels; at most {MAX_OPERATIONS - 1})"
        )
    try:
        db.transact_write_items(TransactItems=transaction)
    except db.exceptions.TransactionCanceledException as exc:
        reasons = list(exc.response.get("CancellationReasons") or [])
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            raise ItemRefused() from exc
        lost = lost_claim(reasons, transaction)
        if lost is None:
            raise
        raise ClaimTaken(describe(lost)) from exc


def lost_claim(reasons: list[dict[str, Any]], transaction: list[dict[str, Any]]) -> str | None:
    """The claim key whose condition cancelled `transaction` (from its CancellationReasons), if any."""
    for reason, operation in zip(reasons, transaction, strict=False):
        if reason.get("Code") == "ConditionalCheckFailed" and "Update" in operation:
            key = str(operation["Update"]["Key"]["pk"]["S"])
            if key.startswith("CLAIM#"):
                return key
    return None
