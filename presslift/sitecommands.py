"""`presslift site`: register, change, re-key, list and remove the sites built from GitHub (operators
only; each command talks to the pipeline `presslift.target` names).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from presslift.terminal import confirm, console, err

if TYPE_CHECKING:
    from chalicelib.services import Services
    from chalicelib.sitemodel import Site


def cmd_site_add(args: argparse.Namespace) -> int:
    from chalicelib.sitemodel import Site
    from chalicelib.sites import register
    from presslift.siteoptions import settings_from_args
    from presslift.target import pipeline_services

    svc = pipeline_services(args)
    settings = settings_from_args(args, None)
    if args.repo is None:
        return _add_import_site(svc, Site(args.name, source="import", kind=args.kind, **settings))
    site = Site(args.name, repo=args.repo, kind=args.kind, **settings)
    if imported := svc.runs.list(site=site.name, limit=1):
        # A GitHub site under an imported site's name replaced its pages and refused its next export.
        from chalicelib.errors import InputError

        raise InputError(
            f"site {site.name} already has runs from WordPress exports (the newest {imported[0].id}): "
            "a site built from GitHub under its name would replace its pages; choose another name"
        )
    secret = register(svc, site)
    console.print(
        f"Site {site.name} added: pushes to {site.repo} ({', '.join(site.allowed_branches)}) build it.",
        highlight=False,
    )
    _print_webhook(args, svc, site.name, secret)
    return 0


def _add_import_site(svc: Services, site: Site) -> int:
    """Register a site fed by WordPress exports (no repository, no webhook secret), so its settings
    (`--fetch-media`, its targets, its approval) are the operator's to set; an unregistered one runs
    with the defaults."""
    from chalicelib.errors import InputError

    if site.kind == "code":
        raise InputError(f"site {site.name}: a code site is built from its repository: add --repo OWNER/REPO")
    svc.sites.add(site, shared_buckets=svc.settings.site_buckets.values())
    console.print(
        f"Site {site.name} added for WordPress imports: drop its export under "
        f"s3://{svc.settings.ingest_bucket}/imports/{site.name}/ (`presslift site update {site.name}` "
        "changes its settings).",
        highlight=False,
        soft_wrap=True,
    )
    return 0


def cmd_site_update(args: argparse.Namespace) -> int:
    from chalicelib.sites import update
    from presslift.siteoptions import describe, settings_from_args
    from presslift.target import pipeline_services

    svc = pipeline_services(args)
    current = svc.sites.get(args.name)
    changes = settings_from_args(args, current)
    if args.repo is not None and args.repo != current.repo:  # renamed or transferred on GitHub
        changes["repo"] = args.repo
    if not changes:
        err.print(
            "[red]error:[/red] nothing to change: give at least one option (see presslift site update -h)"
        )
        return 2
    refuse_moving_prod_under_approval(svc, current, changes)
    site = update(svc, args.name, **changes)
    console.print(f"Site {site.name} updated:", highlight=False)
    console.print(describe(site, svc.settings.site_buckets), highlight=False)
    if "page_hosts" in changes:  # published with each page: live pages change when they are published
        console.print(
            f"The pages' hosts apply from the next deploy; `presslift publish {site.name} staging` (and "
            "prod) applies them to the live pages now.",
            highlight=False,
        )
    return 0


def cmd_site_rotate_secret(args: argparse.Namespace) -> int:
    from chalicelib.sites import rotate_webhook_secret
    from presslift.target import pipeline_services

    svc = pipeline_services(args)
    secret = rotate_webhook_secret(svc, args.name)
    console.print(f"Site {args.name} has a new webhook secret; the old one no longer verifies pushes.")
    _print_webhook(args, svc, args.name, secret)
    return 0


def _print_webhook(args: argparse.Namespace, svc: Any, site: str, secret: str) -> None:
    from chalicelib.secrets import webhook_secret_name

    webhook = svc.settings.links.webhook()
    if getattr(args, "aws_stage", None) or getattr(args, "profile", None):
        from presslift.dashboard import api_url_of_stack

        # On AWS the deployed stack knows its API's URL (its EndpointURL output), the settings do not.
        stack = os.environ.get("PRESSLIFT_STACK", f"presslift-{args.aws_stage or 'prod'}")
        api = api_url_of_stack(stack)
        webhook = (
            f"{api.rstrip('/')}/webhooks/github"
            if api
            else f"<API>/webhooks/github (stack {stack} has no EndpointURL output to read: use its API URL)"
        )
    console.print(f"Point the repository's webhook at POST {webhook}", highlight=False, soft_wrap=True)
    console.print(
        "(content type application/json; the push event, and pull requests for previews) with this "
        "secret, shown once and kept as the SSM "
        f"SecureString {webhook_secret_name(site)} (`presslift site rotate-secret {site}` makes a new one):",
        highlight=False,
        soft_wrap=True,
    )
    # Never folded: a secret copied off two lines of a narrow terminal is another secret (a 401 on push).
    console.print(f"  {secret}", highlight=False, soft_wrap=True)


def cmd_site_remove(args: argparse.Namespace) -> int:
    from chalicelib.siteremoval import apply_removal, plan_removal
    from presslift.target import pipeline_services

    svc = pipeline_services(args)
    plan = plan_removal(svc, args.name, delete_files=args.delete_files)
    console.print(plan.describe(), highlight=False, soft_wrap=True)
    if args.dry_run:
        console.print("(dry run, nothing changed)")
        return 0
    if not args.yes and not confirm(f"Remove site {args.name}?"):
        return 2
    done = apply_removal(svc, plan)
    files = ", ".join(f"{n} object(s) deleted from {stage}" for stage, n in done["deleted"].items())
    console.print(f"Site {args.name} removed" + (f"; {files}" if files else "") + ".", highlight=False)
    return 0


def cmd_site_list(args: argparse.Namespace) -> int:
    from presslift.target import pipeline_services

    sites = pipeline_services(args).sites.list()
    if args.json:
        print(json.dumps([site.to_dict() for site in sites], indent=2, default=str))
        return 0
    if not sites:
        console.print("No sites registered yet: presslift site add NAME --repo OWNER/REPO")
    for site in sites:
        console.print(
            f"{site.name:<24} {site.kind:<5} {site.repo or '(imports)':<40} {site.branch}", highlight=False
        )
    return 0


def add_parsers(sub: Any, add_target_options: Callable[[argparse.ArgumentParser], None]) -> None:
    from presslift.siteoptions import add_site_options

    site = sub.add_parser("site", help="register and list sites built from GitHub")
    site_sub = site.add_subparsers(dest="site_command", required=True)
    add = site_sub.add_parser(
        "add",
        help="register a site whose pushes build it (prints its own webhook secret, once), or, without "
        "--repo, one fed by WordPress exports",
    )
    add.add_argument("name", help="the site's name: lower-case letters, digits and dashes")
    add.add_argument(
        "--repo", help="OWNER/REPO on GitHub; without it, a site fed by WordPress exports (its settings only)"
    )
    add.add_argument(
        "--kind",
        choices=("hugo", "code"),
        default="hugo",
        help="hugo (default): a Hugo site built and published to S3; code: a bundle dropped onto EFS "
        "(dev, stage, prod), with --code-app naming its app",
    )
    add_site_options(add, adding=True)
    add_target_options(add)
    add.set_defaults(func=cmd_site_add)
    update = site_sub.add_parser("update", help="change a site's operator-owned settings")
    update.add_argument("name", help="the registered site")
    update.add_argument("--repo", help="OWNER/REPO on GitHub: its new name, once renamed or transferred")
    add_site_options(update, adding=False)
    add_target_options(update)
    update.set_defaults(func=cmd_site_update)
    rotate = site_sub.add_parser(
        "rotate-secret", help="give a site a new webhook secret (printed once); the old one stops working"
    )
    rotate.add_argument("name", help="the registered site")
    add_target_options(rotate)
    rotate.set_defaults(func=cmd_site_rotate_secret)
    remove = site_sub.add_parser("remove", help="unregister a site; its published files stay unless asked")
    remove.add_argument("name")
    remove.add_argument(
        "--delete-files", action="store_true", help="also delete what it published on staging and prod"
    )
    remove.add_argument("--dry-run", action="store_true", help="only print what would be removed")
    remove.add_argument("--yes", action="store_true", help="remove without asking")
    add_target_options(remove)
    remove.set_defaults(func=cmd_site_remove)

    listing = site_sub.add_parser("list", help="the registered sites")
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_target_options(listing)
    listing.set_defaults(func=cmd_site_list)


def refuse_moving_prod_under_approval(svc: Services, current: Site, changes: dict[str, Any]) -> None:
    """ConflictError for a change of where prod publishes while a run awaits approval to publish
    there: its approver was shown the plan for prod where it is, and the approved deploy went where
    nobody had looked (a CLI sweep)."""
    from chalicelib.errors import ConflictError

    if "targets" not in changes or changes["targets"].get("prod") == current.targets.get("prod"):
        return
    waiting = [run.id for run in svc.runs.open_runs(site=current.name) if run.status == "awaiting_approval"]
    if waiting:
        raise ConflictError(
            f"run {waiting[0]} awaits approval to publish to prod where it is now: approve or reject it "
            f"first (presslift reject {waiting[0]}), then change where prod publishes"
        )
