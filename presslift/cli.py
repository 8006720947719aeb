"""The `presslift` command: operate the pipeline from a terminal.

Each command parses its arguments, calls one library function, and turns library errors into a
message and an exit code at the edge. Commands that act on a pipeline talk to the local cloud unless
told otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from rich.markup import escape

from presslift import LOCAL_STATE_DIR
from presslift.terminal import console, err


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both stop the local cloud cleanly, even when started in the background."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def cmd_up(args: argparse.Namespace) -> int:
    from presslift.localcloud import LocalCloud, LocalCloudOptions, dashboard_port
    from presslift.localcloud.outbox import Email

    def show(email: Email) -> None:  # its text is the pipeline's, from names a repository or upload chose
        console.print(f"[bold]✉ {escape(email.subject)}[/bold]  ({escape(str(email.path))})")
        for link in email.links:
            console.print(f"   {escape(link)}", highlight=False)

    unused = [name for name, given in (("--fresh", args.fresh), ("--github", args.github)) if given]
    if args.packaged and unused:
        # They were dropped without a word: no local GitHub started, and the banner named GitHub's own.
        what = f"{unused[0]} is an option" if len(unused) == 1 else f"{' and '.join(unused)} are options"
        err.print(
            f"[red]error:[/red] {what} of the local cloud, which --packaged does not run: "
            "start the local cloud without --packaged to use them",
            highlight=False,
        )
        return 2
    _stop_on_signals()
    if args.packaged:
        from presslift.localcloud.packaged.cloud import PackagedCloud, PackagedOptions

        cloud: LocalCloud = PackagedCloud(
            PackagedOptions(state_dir=args.state_dir, package_dir=args.package_dir), on_email=show
        )
    else:
        options = LocalCloudOptions(
            state_dir=args.state_dir,
            fresh=args.fresh,
            github_dir=args.github,
            dashboard_port=dashboard_port(),
        )
        cloud = LocalCloud(options, on_email=show)
    cloud.start()
    print(cloud.banner(), flush=True)
    console.print("Press Ctrl-C to stop.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        console.print("Stopping…")
    finally:
        cloud.stop()
        console.print("Stopped.")
    _leave_work_in_flight()
    return 0


def _leave_work_in_flight() -> None:
    """End the process now if a function's work is still running (a build's upload pool, say):
    Python would otherwise wait for it at exit, retrying against the stopped local AWS. Its queue
    message was never deleted, so the saved state hands it out again when the local cloud next starts,
    as SQS does when a Lambda function is cut off."""
    busy = [
        t for t in threading.enumerate() if t is not threading.main_thread() and t.is_alive() and not t.daemon
    ]
    if not busy:
        return
    console.print(
        f"Left {len(busy)} task(s) in flight: their messages are handed out again at the next start."
    )
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(0)


def cmd_push(args: argparse.Namespace) -> int:
    from presslift.localpush import push
    from presslift.target import pipeline_services

    pushed = push(pipeline_services(args), args.state_dir, args.site, args.commit)
    if pushed.head and pushed.sha != pushed.head:
        err.print(
            f"[yellow]note:[/yellow] {pushed.sha[:7]} is not the head of {pushed.branch} "
            f"({pushed.head[:7]}): "
            "the run will end superseded, as on GitHub",
            highlight=False,
        )
    where = f"{pushed.repo}@{pushed.sha[:7]} to {pushed.branch} of site {pushed.site}"
    if pushed.status >= 300:
        reason = pushed.answer.get("message") or pushed.answer.get("Message") or ""
        err.print(
            f"[red]error:[/red] the API refused the push of {where}: {pushed.status} {reason}",
            highlight=False,
        )
        return 1
    if pushed.answer.get("run_id"):
        run_id = pushed.answer["run_id"]
        console.print(f"Pushed {where}: run {run_id}", highlight=False)
        # The webhook's answer links the API, which wants a signed request: what an operator runs instead.
        console.print(f"  follow it: presslift watch, or presslift show {run_id}", highlight=False)
    else:
        console.print(f"Pushed {where}: nothing builds ({pushed.answer.get('ignored', '')})", highlight=False)
    return 0


def cmd_pr(args: argparse.Namespace) -> int:
    from presslift.localpr import pull_request
    from presslift.target import pipeline_services

    outcome = pull_request(
        pipeline_services(args),
        args.state_dir,
        args.site,
        branch=args.branch,
        title=args.title,
        close=args.close,
        reopen=args.reopen,
        fork=args.fork,
    )
    if outcome.refused:
        err.print(f"[red]error:[/red] {escape(outcome.line())}", highlight=False, soft_wrap=True)
        return 1
    console.print(outcome.line(), highlight=False, soft_wrap=True)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from presslift.demo import run_demo

    _stop_on_signals()
    return run_demo(approve=args.approve, exit_when_live=args.exit, state_dir=args.state_dir)


def cmd_convert(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from chalicelib.wordpress import ConvertOptions, convert_export

    if args.report:
        check_report_path(args.report, args.export)
    options = ConvertOptions(
        fetch_missing_media=args.fetch_media,
        fetch_cache_dir=str(args.media_cache) if args.fetch_media else "",
        theme=args.theme,
    )
    with Progress(
        TextColumn("converting {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(args.export[0].name, total=None)
        report = convert_export(
            args.export,
            args.out,
            uploads=args.uploads,
            options=options,
            progress=lambda done: progress.update(task, completed=done),
            force=args.force,
        )
    console.print(escape(report.summary()), highlight=False)  # names an export chose: shown as written
    if args.report:
        try:
            args.report.write_text(report.to_json(), encoding="utf-8")
        except OSError as exc:
            from chalicelib.errors import InputError

            raise InputError(
                f"--report {args.report}: {(exc.strerror or str(exc)).lower()}; the site was written to "
                f"{args.out}, convert again with another --report"
            ) from exc
    shown = shlex.quote(str(args.out))
    console.print(
        f"Hugo site written to {escape(shown)} (build it with: hugo --source {escape(shown)})",
        highlight=False,
    )
    if args.theme != "presslift":
        console.print(
            f"It names the theme {args.theme!r}: put it in {args.out / 'themes' / args.theme} "
            "or add it as a Hugo module."
        )
    return 0


def a_path(value: str) -> Path:
    """A path given on the command line; an empty one (`--out ""`) is refused: it meant the current
    folder, where a conversion wrote its site."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty path: give a folder or file name")
    return Path(value)


def check_report_path(report: Path, exports: list[Path]) -> None:
    """Refuse a `--report` path before anything is converted: one naming an export (the report written
    over the export was the export lost), a folder, or a file in a folder that does not exist."""
    from chalicelib.errors import InputError

    if any(report.resolve() == export.resolve() for export in exports):
        raise InputError(f"--report {report} is the export itself: give the report another file name")
    if report.is_dir():
        raise InputError(f"--report {report} is a folder: give a file name, such as {report / 'report.json'}")
    if report.resolve().parent.exists() and not report.resolve().parent.is_dir():
        raise InputError(f"--report {report}: {report.parent} is a file, not a folder")
    if not report.resolve().parent.is_dir():
        raise InputError(f"--report {report}: the folder {report.parent} does not exist; create it first")


def api_url(text: str) -> str:
    """An API's https (or local http) URL from the command line: a dashboard started on anything else
    answered every request with an empty reply and a traceback on the terminal."""
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not the API's URL: give it whole, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/api/"
        )
    return text


def port_number(text: str) -> int:
    """A TCP port from the command line (0: a free one)."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def cmd_read(args: argparse.Namespace) -> int:
    """`runs`, `show`, `logs`, `watch`: read-only views of the runs (`presslift.runlog`)."""
    from presslift.target import pipeline_services

    return int(args.read(args, pipeline_services(args), console))


def cmd_imports(args: argparse.Namespace) -> int:
    from presslift.rejected import rejected, waiting
    from presslift.target import pipeline_services

    svc = pipeline_services(args)
    bucket = svc.settings.ingest_bucket
    pending, failed = waiting(svc), rejected(svc)
    if args.json:
        from dataclasses import asdict

        listing = {
            "bucket": bucket,
            "waiting": [asdict(d) for d in pending],
            "rejected": [asdict(d) for d in failed],
        }
        print(json.dumps(listing, indent=2))
        return 0
    taken = sum(1 for item in pending if item.run)
    console.print(
        f"Under s3://{bucket}/imports/: {len(pending) or 'nothing'}"
        + (f" ({len(pending) - taken} waiting, {taken} imported by a run)" if pending else ""),
        highlight=False,
    )
    for item in pending:
        # Keys are what an uploader chose: as written, never as markup (`[link=...]` hid the real one).
        state = f"imported by run {item.run} ({item.run_status})" if item.run else "waiting"
        console.print(
            f"  {item.modified[:16]}  {item.key}  ({item.size} bytes)  {state}", highlight=False, markup=False
        )
    console.print(f"Rejected, in s3://{bucket}/imports-failed/: {len(failed) or 'nothing'}", highlight=False)
    for item in failed:
        console.print(f"  {item.modified[:16]}  {item.key}", highlight=False, markup=False)
        console.print(f"      {item.reason}", highlight=False, markup=False)
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard on 127.0.0.1 through a proxy that signs every request as the operator."""
    from presslift import signing
    from presslift.dashboard import SigningProxy, api_url_of_stack

    if not args.local and (args.api_url or args.aws_stage or args.profile):
        credentials = signing.session_credentials(args.profile)
        upstream = args.api_url
        if not upstream:
            stack = os.environ.get("PRESSLIFT_STACK", f"presslift-{args.aws_stage or 'prod'}")
            upstream = api_url_of_stack(stack)
            if not upstream:
                err.print(f"[red]error:[/red] cannot read the API URL of stack {stack}; pass --api-url")
                return 2
        region = (
            args.region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or signing.REGION
        )
    else:
        from botocore.credentials import Credentials

        from presslift.localoptions import LocalCloudOptions, local_identity

        ((key_id, secret),) = local_identity().items()
        credentials, upstream, region = (
            Credentials(key_id, secret),
            LocalCloudOptions().api_url,
            signing.REGION,
        )
    if credentials is None:
        err.print("[red]error:[/red] no AWS credentials found (environment, profile): the API needs them")
        return 2
    proxy = SigningProxy(upstream, credentials, region=region, port=args.port).start()
    _stop_on_signals()
    console.print(f"Dashboard of {upstream}, signed as {credentials.access_key}:", highlight=False)
    print(proxy.url, flush=True)
    console.print("Open it in your browser. Press Ctrl-C to stop.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()
    return 0


def cmd_completion(args: argparse.Namespace) -> int:
    from presslift.completion import bash_script

    print(bash_script(args.parser), end="")
    return 0


class _VersionAction(argparse.Action):
    """`--version`, looking the version up only when asked (importlib.metadata costs 20 ms a start)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show program's version number and exit")
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from presslift import __version__

        print(f"presslift {__version__}")  # on stdout, as argparse's own version action writes it
        parser.exit()


def _top_parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="presslift", description=__doc__.splitlines()[0] if __doc__ else None)
    top.add_argument("-v", "--verbose", action="store_true", help="log what the pipeline does")
    top.add_argument("--debug", action="store_true", help="show the full traceback when a command fails")
    top.add_argument("--version", action=_VersionAction)
    return top


def convert_parser() -> argparse.ArgumentParser:
    """`presslift convert` alone: an import runs offline, so it is spared the local cloud's imports
    (half a second and 12 MB before the first item is read)."""
    top = _top_parser()
    _add_convert(top.add_subparsers(dest="command", required=True))
    return top


def _add_convert(sub: Any) -> None:
    convert = sub.add_parser(
        "convert", help="import a WordPress export (WXR) as a Hugo site, offline (no pipeline, no AWS)"
    )
    convert.add_argument(
        "export",
        type=Path,
        nargs="+",
        help="the WXR file (WordPress: Tools > Export), or all the parts `wp export` split it into "
        "(site.wordpress.*.000.xml, .001.xml, ...), a .zip of them (WordPress.com's export) or an .xml.gz",
    )
    convert.add_argument("--out", type=a_path, required=True, help="the folder to write the Hugo site into")
    convert.add_argument("--uploads", type=Path, help="a .zip or .tar.gz of wp-content/uploads")
    convert.add_argument("--report", type=a_path, help="also write the import report as JSON here")
    convert.add_argument(
        "--fetch-media",
        action="store_true",
        help="fetch media the uploads archive lacks (or all, with none) from the hosts the export names",
    )
    convert.add_argument(
        "--media-cache",
        type=Path,
        default=Path.home() / ".cache" / "presslift" / "media",
        help="where fetched media are kept for the next run (default: ~/.cache/presslift/media)",
    )
    convert.add_argument(
        "--theme",
        default="presslift",
        help="the Hugo theme the site names: presslift (default, written in) or one you put in themes/",
    )
    convert.add_argument(
        "--force",
        action="store_true",
        help="import into a non-empty --out, replacing only the files an earlier import wrote there",
    )
    convert.set_defaults(func=cmd_convert)


def parser() -> argparse.ArgumentParser:
    from presslift import costcommand, releasecommands, reviewcommand, runlog, sitecommands
    from presslift.previewcommand import add_parsers as add_preview_parsers
    from presslift.target import add_target_options

    top = _top_parser()
    sub = top.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start the local cloud and keep it running until Ctrl-C")
    up.add_argument("--state-dir", type=a_path, default=LOCAL_STATE_DIR, help="where local state lives")
    up.add_argument(
        "--packaged",
        action="store_true",
        help="run what `make package` wrote: each function in its own Python 3.12 process, under its "
        "own role, with IAM enforced",
    )
    up.add_argument(
        "--package-dir",
        type=Path,
        default=Path("build/package/prod"),
        help="the packaged stack to run with --packaged (default: build/package/prod)",
    )
    up.add_argument(
        "--fresh",
        action="store_true",
        help="start empty; the saved state is set aside as cloud.state.previous in the state dir",
    )
    up.add_argument(
        "--github",
        type=Path,
        metavar="DIR",
        help="serve the git repositories in DIR (or the repository DIR) through a local GitHub, as "
        "local/<folder name>; then presslift push SITE sends GitHub's push webhook",
    )
    up.set_defaults(func=cmd_up)

    push = sub.add_parser(
        "push", help="send a signed GitHub push webhook for a commit served by presslift up --github"
    )
    push.add_argument("site", help="the registered site (presslift site add SITE --repo local/<folder>)")
    push.add_argument("--commit", help="the commit, branch or tag to push (default: the site's branch head)")
    push.add_argument("--state-dir", type=a_path, default=LOCAL_STATE_DIR, help="the local cloud's state dir")
    push.set_defaults(func=cmd_push, aws_stage=None, profile=None)

    pr = sub.add_parser(
        "pr",
        help="open, update, close or reopen a pull request on the local GitHub of presslift up --github, "
        "and send GitHub's signed pull_request webhook",
    )
    pr.add_argument("site", help="the registered site (presslift site add SITE --repo local/<folder>)")
    pr.add_argument("--branch", help="the branch to propose (default: the repository's current branch)")
    pr.add_argument("--title", help="the pull request's title (default: the head commit's subject)")
    change = pr.add_mutually_exclusive_group()
    change.add_argument("--close", action="store_true", help="close the open pull request from BRANCH")
    change.add_argument("--reopen", action="store_true", help="reopen the closed pull request from BRANCH")
    pr.add_argument("--fork", metavar="OWNER", help="make it a pull request from OWNER's fork")
    pr.add_argument("--state-dir", type=a_path, default=LOCAL_STATE_DIR, help="the local cloud's state dir")
    pr.set_defaults(func=cmd_pr, aws_stage=None, profile=None)

    demo = sub.add_parser("demo", help="run the sample WordPress export through the whole pipeline locally")
    demo.add_argument("--state-dir", type=a_path, default=LOCAL_STATE_DIR)
    demo.add_argument(
        "--approve", action="store_true", help="approve the prod deploy without waiting for a click"
    )
    demo.add_argument("--exit", action="store_true", help="stop once prod is live instead of serving")
    demo.set_defaults(func=cmd_demo)

    _add_convert(sub)

    dash = sub.add_parser(
        "dashboard",
        help="serve the dashboard on 127.0.0.1 through a local proxy that signs as you (kubectl proxy-style)",
    )
    dash.add_argument("--local", action="store_true", help="the local cloud's API (the default)")
    dash.add_argument(
        "--api-url", type=api_url, help="the API's URL with its stage (default: the stack's EndpointURL)"
    )
    dash.add_argument("--region", help="the API's region (default: us-east-1)")
    dash.add_argument("--port", type=port_number, default=0, help="the local port (default: a free one)")
    add_target_options(dash)
    dash.set_defaults(func=cmd_dashboard)

    complete = sub.add_parser(
        "completion", help="print shell completion: source <(presslift completion bash)"
    )
    complete.add_argument(
        "shell", choices=("bash", "zsh"), help="zsh: after autoload -U bashcompinit && bashcompinit"
    )
    complete.set_defaults(func=cmd_completion, parser=top)

    releasecommands.add_parsers(sub, add_target_options)
    sitecommands.add_parsers(sub, add_target_options)
    runlog.add_parsers(sub, add_target_options)
    reviewcommand.add_parsers(sub, add_target_options)
    costcommand.add_parsers(sub, add_target_options)
    add_preview_parsers(sub, add_target_options)
    for name in ("runs", "show", "logs", "watch", "diff", "cost", "previews"):
        sub.choices[name].set_defaults(func=cmd_read)

    imports = sub.add_parser(
        "imports", help="WordPress exports waiting in the import bucket, and those refused with the reason"
    )
    imports.add_argument("--json", action="store_true", help="the listing as JSON")
    add_target_options(imports)
    imports.set_defaults(func=cmd_imports)
    return top


#: The options of `presslift` itself, taken wherever they are given: `presslift show RUN --debug` was
#: refused as an unrecognized argument.
GLOBAL_FLAGS = frozenset({"-v", "--verbose", "--debug"})


def _global_flags_first(words: list[str]) -> list[str]:
    """`words` with `GLOBAL_FLAGS` moved before the command (none after a `--`)."""
    cut = words.index("--") if "--" in words else len(words)
    flags = [word for word in words[:cut] if word in GLOBAL_FLAGS]
    return [*flags, *(word for word in words[:cut] if word not in GLOBAL_FLAGS), *words[cut:]]


def main(argv: list[str] | None = None) -> int:
    from presslift.failures import explain

    words = _global_flags_first(sys.argv[1:] if argv is None else argv)
    command = next((word for word in words if word not in GLOBAL_FLAGS), None)
    args = (convert_parser() if command == "convert" else parser()).parse_args(words)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except BrokenPipeError:  # the reader stopped early (`| head -1`): nothing more to say to it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        failure = explain(exc)
        if failure is None or args.debug:
            raise
        err.print(f"[red]error:[/red] {escape(failure.message)}", highlight=False, soft_wrap=True)
        return failure.exit_code


if __name__ == "__main__":
    sys.exit(main())
