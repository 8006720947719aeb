"""The commands that change what a target serves: `approve`/`reject`, `rollback` and `publish`. Each
shows what will change and asks before it touches prod (`--yes` for scripts); nothing new reaches prod
but through an approval.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from presslift.terminal import confirm, console

ALLOW_DELETES_HELP = (
    "lift the delete limits (at most 256 deletes, never most of the site) for this deploy; "
    "without it, a deploy that would delete that much is refused with nothing changed"
)


def cmd_decide(args: argparse.Namespace) -> int:
    import getpass

    from chalicelib import approvals, pipeline
    from chalicelib.approvals import Decision
    from presslift.target import pipeline_services

    svc = pipeline_services(args)
    if args.decision == "approve" and not args.yes:
        run = svc.runs.get(args.run)
        approvals.check_pending(run, svc.clock())  # before asking: a run with nothing to approve says so
        plan = (run.approval.plan_text if run.approval else "") or "(no plan recorded)"
        console.print(f"Approving run {run.id} of {run.site} puts this on prod:", highlight=False)
        console.print(plan, highlight=False, soft_wrap=True, markup=False)
        if not confirm(f"Approve run {run.id} for prod?"):
            return 2
    who = f"operator {getpass.getuser()} (presslift CLI)"
    run = pipeline.decide(svc, args.run, None, Decision(args.decision, "cli", who), operator=True)
    verb = "approved: the prod deploy is queued" if args.decision == "approve" else "rejected"
    console.print(f"Run {run.id} of {run.site} {verb}.")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    import getpass

    from chalicelib import pipeline
    from chalicelib.knownsites import check_known_site
    from presslift.target import pipeline_services

    svc = pipeline_services(args)
    if args.stage == "prod" and not args.yes:
        check_known_site(svc, args.site, svc.runs.list(site=args.site, limit=1))  # before asking
        target = f"run {args.run}'s build" if args.run else "the build it had before the current one"
        deletes = "; the delete limits are lifted" if args.allow_deletes else ""
        console.print(f"Roll {args.site} prod back to {target}{deletes}.", highlight=False)
        if not confirm(f"Roll {args.site} prod back?"):
            return 2
    run = pipeline.rollback(
        svc,
        args.site,
        args.stage,
        args.run,
        who=getpass.getuser(),
        allow_deletes=args.allow_deletes,
    )
    console.print(f"Rollback queued as run {run.id}: {run.trigger.summary}.", highlight=False)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    import getpass

    from chalicelib import pipeline
    from chalicelib.errors import ForbiddenError
    from chalicelib.work import deploy as deploy_work
    from presslift.target import pipeline_services

    if (args.json or args.list) and not args.dry_run:  # asking for the plan must not publish by it
        from chalicelib.errors import InputError

        flag = "--json" if args.json else "--list"
        raise InputError(f"{flag} prints the plan of a --dry-run and publishes nothing: add --dry-run")
    svc = pipeline_services(args)
    source, artifact = pipeline.publishable(svc, args.site, args.stage, args.run)
    what = f"run {source.id}'s build" + ("" if args.run else f" (what {args.stage} holds now)")
    if args.dry_run:
        plan = deploy_work.plan_deploy(
            svc,
            source,
            args.stage,
            artifact_run=artifact,
            verify=args.verify,
            allow_deletes=args.allow_deletes,
        )
        detail = plan.to_dict() | {"all_files": plan.files()}
        try:
            allowed: str | None = pipeline.check_publish(svc, source, artifact, args.stage)
            refusal = ""
        except ForbiddenError as exc:
            allowed, refusal = None, str(exc)
        if args.json:
            print(
                json.dumps(
                    {
                        "run": source.id,
                        "artifact_run": artifact,
                        "allowed": allowed,
                        "refused": refusal,
                        **detail,
                    },
                    default=str,
                    indent=2,
                )
            )
            return 0
        console.print(
            f"Publish {what} to {args.stage} (dry run, nothing changed):", highlight=False, soft_wrap=True
        )
        _print_plan(detail, listing=args.list)
        if refusal:
            console.print(f"Publishing it would be refused: {refusal}", highlight=False, soft_wrap=True)
        return 0
    why = pipeline.check_publish(svc, source, artifact, args.stage)  # refused before anything is asked
    if not args.yes:
        plan = deploy_work.plan_deploy(
            svc, source, args.stage, artifact_run=artifact, verify=True, allow_deletes=args.allow_deletes
        )
        detail = plan.to_dict() | {"all_files": plan.files()}
        if args.stage == "prod" or detail["publish"]["summary"].get("deletes"):
            console.print(f"Publish {what} to {args.stage} ({why}):", highlight=False, soft_wrap=True)
            _print_plan(detail, listing=args.list)
            if not confirm(f"Publish run {source.id}'s build to {args.stage}?"):
                return 2
    run = pipeline.publish(
        svc,
        args.site,
        args.stage,
        source.id,
        who=f"{getpass.getuser()} (presslift publish)",
        allow_deletes=args.allow_deletes,
    )
    console.print(f"Publish queued as run {run.id}: {run.trigger.summary}.", highlight=False)
    return 0


def _print_plan(detail: dict[str, Any], *, listing: bool) -> None:
    """The plan's lines; with `listing`, every file it changes and why (as `hugo deploy --dryRun`)."""
    from chalicelib.units import human_size

    # File names are the repository's: shown as written, never read as markup (`[b]x.txt` showed `x.txt`).
    console.print(detail["plan_text"], highlight=False, soft_wrap=True, markup=False)
    if listing:
        for row in detail.get("all_files", {}).get("files", []):
            size = human_size(row["size"]) if "size" in row else ""
            target = f" -> {row['redirect']}" if row.get("redirect") else ""
            console.print(
                f"  {row['reason']:<8} {size:>9}  {row['path']}{target}",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )


def add_parsers(sub: Any, add_target_options: Callable[[argparse.ArgumentParser], None]) -> None:
    for decision, text in (
        ("approve", "approve a run's prod deploy"),
        ("reject", "reject a run's prod deploy"),
    ):
        decide = sub.add_parser(decision, help=f"{text} (as an operator, without the emailed link)")
        decide.add_argument("run", help="the run id")
        if decision == "approve":
            decide.add_argument(
                "--yes", action="store_true", help="approve without showing the plan and asking"
            )
        add_target_options(decide)
        decide.set_defaults(func=cmd_decide, decision=decision)

    roll = sub.add_parser(
        "rollback", help="deploy an earlier artifact to a target again (only changed files move)"
    )
    roll.add_argument("site")
    roll.add_argument(
        "stage",
        metavar="target",
        choices=("staging", "prod", "dev", "stage"),
        help="where to roll back: staging or prod; dev, stage or prod for code sites",
    )
    roll.add_argument(
        "run",
        nargs="?",
        help="the run whose artifact to restore, one that was live on the target (default: the one before)",
    )
    roll.add_argument("--allow-deletes", action="store_true", help=ALLOW_DELETES_HELP)
    roll.add_argument("--yes", action="store_true", help="roll prod back without asking")
    add_target_options(roll)
    roll.set_defaults(func=cmd_rollback)

    publish = sub.add_parser(
        "publish",
        help="publish the build a target holds again (repairs hand edits); --dry-run shows the plan",
    )
    publish.add_argument("site")
    publish.add_argument("stage", metavar="target", choices=("staging", "prod"), help="staging or prod")
    publish.add_argument(
        "--run",
        help="the run whose build to publish (default: the one the target holds now, to repair drift); "
        "prod takes only a build that was approved for it or live on it before",
    )
    publish.add_argument("--dry-run", action="store_true", help="only print what would change")
    publish.add_argument("--list", action="store_true", help="list every file the plan changes, and why")
    publish.add_argument("--json", action="store_true", help="with --dry-run: the plan as JSON")
    publish.add_argument("--yes", action="store_true", help="publish to prod without asking")
    publish.add_argument("--allow-deletes", action="store_true", help=ALLOW_DELETES_HELP)
    publish.add_argument(
        "--verify",
        action="store_true",
        help="compare with a listing of the bucket, not the record of the last publish (finds hand edits)",
    )
    add_target_options(publish)
    publish.set_defaults(func=cmd_publish)
