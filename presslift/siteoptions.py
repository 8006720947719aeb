"""The operator-owned settings of a site as `presslift site add/update` options, to and from `Site`.

One table of options, read the same way by `add` (starting from the defaults) and `update` (starting
from the registration): where it publishes per stage, who approves, the code app, the search backend
and its credentials, and the branches and tags that build. The checks themselves are the library's
(`chalicelib.sites`); this only turns options into values.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from chalicelib.errors import InputError
from chalicelib.sitemodel import STAGES, ApprovalPolicy, SearchBackend, Site, Target, placement

_TARGET_FIELDS = ("bucket", "prefix", "distribution", "origin_path", "url")
_SEARCH_FIELDS = ("app_id", "index_name", "search_key", "admin_key_parameter")


class OneSide(argparse.BooleanOptionalAction):
    """`--x` / `--no-x`, refusing both at once: the last one given used to win without a word, and
    `--prod-approval --no-prod-approval` turned prod approval off."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: str | None = None) -> None:
        before = getattr(namespace, self.dest, None)
        super().__call__(parser, namespace, values, option_string)
        if before is not None and getattr(namespace, self.dest) != before:
            parser.error(
                f"{self.option_strings[0]} and {self.option_strings[1]} ask opposite things: give one"
            )


def add_site_options(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    parser.add_argument(
        "--branch", default="main" if adding else None, help="the branch a push fetches by default (main)"
    )
    parser.add_argument(
        "--branches", help="comma-separated branches (globs) whose pushes build (default: --branch)"
    )
    parser.add_argument("--tags", help="comma-separated tag patterns whose pushes build (default: none)")
    for stage in STAGES:
        parser.add_argument(
            f"--{stage}-bucket", help=f"the site's own {stage} bucket ('' for the pipeline's)"
        )
        parser.add_argument(f"--{stage}-prefix", help=f"the {stage} prefix (default <site>/)")
        parser.add_argument(
            f"--{stage}-distribution", help=f"the site's own {stage} CloudFront distribution id"
        )
        parser.add_argument(f"--{stage}-origin-path", help=f"the {stage} distribution's origin path")
        parser.add_argument(
            f"--{stage}-url",
            help=f"where {stage} is served, e.g. https://www.example.org/ (its own domain; the base URL "
            "the site is built with); '' for the pipeline's distribution",
        )
    parser.add_argument(
        "--own-bucket",
        action=OneSide,
        default=None,
        help="the site's buckets are its alone: it may publish at their root and no other site may use them",
    )
    parser.add_argument(
        "--prod-approval",
        action=OneSide,
        default=None,
        help="prod waits for a person (the default)",
    )
    parser.add_argument(
        "--auto-promote",
        action=OneSide,
        default=None,
        help="staging goes on to prod with no one asked",
    )
    parser.add_argument("--approval-ttl-hours", type=int, help="how long an approval link stays open (72)")
    parser.add_argument("--code-app", help="a code site's folder on the EFS mount points (default: its name)")
    parser.add_argument(
        "--fetch-media",
        action=OneSide,
        default=None,
        help="an imported export's media missing from its uploads archive are fetched from its old host",
    )
    parser.add_argument(
        "--previews",
        action=OneSide,
        default=None,
        help="pull requests into the site's branches get a preview of their own on staging (on)",
    )
    parser.add_argument(
        "--preview-forks",
        choices=("allow", "refuse"),
        help="build pull requests from forks too, in the keyless build runner (refuse)",
    )
    parser.add_argument(
        "--preview-branches", help="comma-separated branch globs whose pushes publish a branch preview (none)"
    )
    parser.add_argument(
        "--preview-idle-days", type=int, help="days without a push before a preview is removed (14)"
    )
    parser.add_argument(
        "--build-segments",
        type=int,
        help="render the site in this many Hugo segments, each in its own build runner at once (1 to 16; 1)",
    )
    parser.add_argument(
        "--remote-hosts",
        help="comma-separated hosts the site's build may fetch from over https (resources.GetRemote; "
        "'' for none, the default)",
    )
    parser.add_argument(
        "--page-hosts",
        help="comma-separated hosts the site's pages may load scripts, styles, fonts, frames and requests "
        "from, added to their Content-Security-Policy ('' for none, the default)",
    )
    parser.add_argument(
        "--private-sources",
        help="comma-separated private repositories (OWNER/REPO, or OWNER/* for all of an owner's) the "
        "fetch may read with the pipeline's token for the site's submodules and Hugo modules, beside "
        "its own ('' for none, the default: others are fetched as public)",
    )
    parser.add_argument("--search", choices=("pagefind", "algolia"), help="the search backend (pagefind)")
    for name in _SEARCH_FIELDS:
        parser.add_argument(f"--algolia-{name.replace('_', '-')}")


def settings_from_args(args: argparse.Namespace, current: Site | None) -> dict[str, Any]:
    """The settings the options give: for `add` (no `current`) all of them, for `update` the changed."""
    base = current or Site("placeholder", source="import")
    changes: dict[str, Any] = {}
    if args.branch is not None and args.branch != base.branch:
        changes["branch"] = args.branch
    if args.branches is not None:
        changes["branches"] = _list(args.branches)
    if args.tags is not None:
        changes["tags"] = _list(args.tags)
    targets = {stage: _target(args, stage, base.target(stage)) for stage in STAGES}
    targets = {stage: target for stage, target in targets.items() if target != Target()}
    if targets != dict(base.targets):
        changes["targets"] = targets
    approval = base.approval
    # One question, two flags: prod waits for a person, or staging goes on to it. Asked both ways at
    # once is refused (it was settled silently on the side that asks no one); --prod-approval on a site
    # that auto-promotes turns auto-promotion off (it said "nothing to change", and prod stayed open).
    if args.prod_approval and args.auto_promote:
        raise InputError("--prod-approval and --auto-promote ask opposite things: give one")
    if args.prod_approval is not None:
        approval = replace(approval, prod=args.prod_approval)
        if args.prod_approval:
            approval = replace(approval, auto_promote=False)
    if args.auto_promote is not None:
        approval = replace(approval, auto_promote=args.auto_promote)
    if args.approval_ttl_hours is not None:
        approval = replace(approval, ttl_hours=args.approval_ttl_hours)
    if approval != base.approval:
        changes["approval"] = approval
    if args.code_app is not None:
        changes["code_app"] = args.code_app or None
    if args.fetch_media is not None and args.fetch_media != base.fetch_media:
        changes["fetch_media"] = args.fetch_media
    previews = base.previews
    if args.previews is not None:
        previews = replace(previews, pull_requests=args.previews)
    if args.preview_forks is not None:
        previews = replace(previews, forks=args.preview_forks == "allow")
    if args.preview_branches is not None:
        previews = replace(previews, branches=_list(args.preview_branches))
    if args.preview_idle_days is not None:
        previews = replace(previews, idle_days=args.preview_idle_days)
    if previews != base.previews:
        changes["previews"] = previews
    if args.build_segments is not None and args.build_segments != base.build_segments:
        changes["build_segments"] = args.build_segments
    if args.remote_hosts is not None:
        changes["remote_hosts"] = tuple(host.lower() for host in _list(args.remote_hosts))
    if args.page_hosts is not None:
        changes["page_hosts"] = tuple(host.lower() for host in _list(args.page_hosts))
    if args.private_sources is not None:
        changes["private_sources"] = tuple(_list(args.private_sources))
    search = base.search
    if args.search is not None:
        search = replace(search, backend=args.search)
    given = {name: getattr(args, f"algolia_{name}") for name in _SEARCH_FIELDS}
    search = SearchBackend(
        backend=search.backend,
        **{name: getattr(search, name) if given[name] is None else (given[name] or None) for name in given},
    )
    if search.backend == "pagefind" and search != SearchBackend():
        search = SearchBackend()  # pagefind needs no credentials; keep none around
    if search != base.search:
        changes["search"] = search
    return changes if current else {"branch": args.branch or "main", **changes}


def _target(args: argparse.Namespace, stage: str, target: Target) -> Target:
    values = {name: getattr(target, name) for name in _TARGET_FIELDS}
    for name in _TARGET_FIELDS:
        given = getattr(args, f"{stage}_{name.replace('-', '_')}")
        if given is None:
            continue
        # An empty prefix is a bucket's root (it needs --own-bucket); empty elsewhere means "the default".
        values[name] = given if name == "prefix" else (given or None)
        if name == "url" and given and not given.endswith("/"):
            values[name] = given + "/"
    own = target.own_bucket if args.own_bucket is None else args.own_bucket
    return Target(**values, own_bucket=bool(own and values["bucket"]))


def _previews(site: Site) -> str:
    policy = site.previews
    if not policy.pull_requests and not policy.branches:
        return "off"
    kinds = []
    if policy.pull_requests:
        kinds.append("pull requests" + (" (forks too)" if policy.forks else " (not from forks)"))
    if policy.branches:
        kinds.append(f"branches {', '.join(policy.branches)}")
    return f"{' and '.join(kinds)}; removed after {policy.idle_days} idle days"


def _list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def describe(site: Site, shared_buckets: Mapping[str, str] | None = None) -> str:
    """The registration as an operator reads it (never a secret: the admin key is a parameter name);
    `shared_buckets`, the pipeline's bucket of each stage, named where the site publishes to it."""
    lines = [
        f"  repo {site.repo or '(imports)'}, kind {site.kind}, branches {', '.join(site.allowed_branches)}"
    ]
    if site.tags:
        lines.append(f"  tags {', '.join(site.tags)}")
    for stage in STAGES:
        place = placement(site, stage)
        bucket = place.bucket or (shared_buckets or {}).get(stage) or "(the pipeline's bucket)"
        own = " (its own)" if place.own_bucket else ""
        cdn = f", distribution {place.distribution}" if place.distribution else ""
        url = site.target(stage).url
        served = f", served at {url}" if url else ""
        lines.append(f"  {stage}: s3://{bucket}/{place.prefix}{own}{cdn}{served}")
    policy: ApprovalPolicy = site.approval
    # Links only open when a person decides: "none (auto-promote), links open 72 h" said both.
    lines.append(
        f"  prod approval: a person decides, links open {policy.ttl_hours} h"
        if policy.prod_needs_approval
        else "  prod approval: none (auto-promote)"
    )
    if site.kind == "code":
        lines.append(f"  code app: {site.app}")
    else:
        lines.append(f"  previews: {_previews(site)}")
    if site.build_segments > 1:
        lines.append(f"  build: {site.build_segments} Hugo segments, each in its own build runner")
    if site.fetch_media:
        lines.append("  media: fetched from the old host when the uploads archive lacks them")
    if site.remote_hosts:
        lines.append(f"  build may fetch from: {', '.join(site.remote_hosts)} (https, GET)")
    if site.page_hosts:
        lines.append(f"  pages may load from: {', '.join(site.page_hosts)} (https)")
    if site.private_sources:
        lines.append(f"  private submodules and modules from: {', '.join(site.private_sources)}")
    if site.search.backend == "algolia":
        lines.append(
            f"  search: algolia app {site.search.app_id}, index {site.search.index_name}, "
            f"admin key in SSM {site.search.admin_key_parameter}"
        )
    return "\n".join(lines)
