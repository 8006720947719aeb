"""`make bench-scale`: every stage of the push road (fetch, build, deploy-staging) and of the import road
(convert) on a large generated site and export, each held to its function's packaged limits.

The pipeline runs against the counting moto server of bench/publish (its own process), with the local
cloud's own provisioning, the local GitHub stand-in serving the generated site and a signed push
webhook handled by the app's webhook code. This process then plays Lambda's event source mapping: it
takes each message the pipeline queues and runs the function's real handler for it in a child process
(`bench.scale.function`) with a scratch folder of its own as TMPDIR, sampling the peak RSS of the
child's whole process tree (the build runner's Hugo and Pagefind included) and the peak bytes in that
folder. Each figure is reported against the function's memory size and ephemeral storage in
.chalice/config.json and Lambda's 900 s; headroom = 1 - used / limit, the target is >= 30% for every one.

Side by side, the script a user would otherwise run: `hugo && hugo deploy` in one shell against the
same moto server, timed the same way; push -> staging must be no slower.

Then Hugo's kept caches (bench/scale/cacheroad.py): a 2,000-image site pushed cold and again after a
one-post edit, three rounds; the rebuild's build stage must be at least 3x faster than the cold one.

`--scale small` (2,000 pages, 100 images, 10,000 items) runs here in a few minutes; `--scale full`
(50,000 pages, 2,000 images, 300,000 items) is issue 19's size. The JSON records which scale ran:
figures of a small run are measured at that size only and are never the full-size figures.
Benchmark-only code: writes under bench/work/scale and bench/results/scale.json only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.convert.generate import generate as generate_export
from bench.publish import peers
from bench.publish.run import BenchServer
from bench.publish.site import HUGO, ROOT
from bench.scale import measure, site
from bench.scale.cacheroad import cache_road
from chalicelib import events, resources, webhooks
from chalicelib.config import Settings
from chalicelib.github.api import API_ENV as GITHUB_API_ENV
from chalicelib.github.webhook import NULL_SHA
from chalicelib.secrets import github_token_name
from chalicelib.services import Services, use_services
from chalicelib.sitemodel import Site
from chalicelib.sites import register as register_site
from presslift.localcloud import LocalCloudOptions, client_environment
from presslift.localcloud.provision import Provisioned, provision
from standins.github import LocalGitHub
from standins.github.payloads import push_payload, webhook_request

WORK = ROOT / "bench" / "work" / "scale"
RESULTS = ROOT / "bench" / "results" / "scale.json"  # the full size writes scale-full.json beside it
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"
WXR_SOURCE = ROOT.parent / "shared" / "fixtures" / "wxr" / "wptrt-themeunittestdata.wordpress.xml"
LAMBDA_SECONDS = 900
HEADROOM_TARGET = 0.30
REPO = "bench/scale-site"
SITE = "scale"
IMPORT_SITE = "scale-import"
TOKEN = "bench-scale-github-token"
ACCOUNT = "123456789012"  # moto's account
#: The function each stage runs in (app.py's handlers).
FUNCTIONS = {
    "fetch": "build",
    "build": "build",
    "deploy-staging": "deploy",
    "build-prod": "build",
    "ask-approval": "deploy",
    "convert": "convert",
}
#: The queue role each function takes messages from (Settings.queues).
QUEUE_OF = {"build": "build", "deploy": "deploy", "convert": "ingest"}


@dataclass(frozen=True)
class Scale:
    pages: int
    images: int
    items: int


SCALES = {"small": Scale(2_000, 100, 10_000), "full": Scale(50_000, 2_000, 300_000)}


def limits(function: str) -> dict[str, int]:
    """The function's memory (MB), ephemeral storage (MB; Lambda's default 512) and timeout (s)."""
    config = json.loads(CHALICE_CONFIG.read_text())["stages"]["prod"]["lambda_functions"][function]
    return {
        "memory_mb": int(config["lambda_memory_size"]),
        "tmp_mb": int(config.get("ephemeral_storage", 512)),
        "timeout_seconds": int(config.get("lambda_timeout", 60)),
    }


def held_to(function: str) -> measure.Limits:
    """The limits an invocation of `function` is stopped at (the runner's are build_runner's)."""
    own = limits(function)
    return measure.Limits(own["memory_mb"], limits("build_runner")["memory_mb"], own["tmp_mb"])


def headroom(used: float, limit: float) -> float:
    return round(1 - used / limit, 3)


def stage_figures(name: str, function: str, measured: measure.Measured) -> dict[str, Any]:
    """A whole invocation's figures against its function's limits."""
    return window_figures(
        name, function, measured.figures(), ok=measured.returncode == 0 and not measured.stopped
    )


def window_figures(name: str, function: str, figures: dict[str, Any], *, ok: bool) -> dict[str, Any]:
    limit = limits(function)
    runner = figures.get("peak_runner_rss_mb", 0)
    if runner:  # the runner's processes are a function of their own on AWS, with their own memory
        limit["runner_memory_mb"] = limits("build_runner")["memory_mb"]
    memory = headroom(figures.get("peak_stage_rss_mb", figures["peak_rss_mb"]), limit["memory_mb"])
    room = {
        "memory": min(memory, headroom(runner, limit["runner_memory_mb"])) if runner else memory,
        "tmp": headroom(figures["peak_tmp_mb"], limit["tmp_mb"]),
        "time": headroom(figures["seconds"], LAMBDA_SECONDS),
    }
    return {
        "stage": name,
        "function": function,
        **figures,
        "limits": limit,
        "seconds_left_of_900": round(LAMBDA_SECONDS - figures["seconds"], 1),
        "headroom": room,
        "headroom_target_met": ok and all(v >= HEADROOM_TARGET for v in room.values()),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Pipeline:
    """The pipeline's resources on the bench moto server, and this process as its event source mapping."""

    def __init__(self, server: BenchServer) -> None:
        port = int(server.endpoint.rsplit(":", 1)[1])
        options = LocalCloudOptions(state_dir=WORK / "state", aws_port=port, api_port=free_port())
        os.environ.update(client_environment(options))
        os.environ[resources.RETRY_BACKOFF.name] = "2"
        os.environ[resources.EFS_MOUNT.name] = str(WORK / "efs")
        import boto3

        session = boto3.session.Session()
        self.clients = {
            name: session.client(name) for name in ("s3", "sqs", "sns", "dynamodb", "cloudfront", "ssm")
        }
        self.provisioned: Provisioned = provision(
            Settings.from_env(), self.clients, secrets={github_token_name(): TOKEN}
        )
        for stage, distribution in self.provisioned.distributions.items():
            os.environ[resources.DISTRIBUTIONS[stage].name] = distribution
        self.settings = Settings.from_env()
        self.svc = Services(self.settings)
        use_services(self.svc)

    def next_message(self, function: str, wait: float = 30.0) -> dict[str, Any] | None:
        url = self.provisioned.queue_urls[QUEUE_OF[function]]
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            got = self.clients["sqs"].receive_message(
                QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1, AttributeNames=["All"]
            )
            if got.get("Messages"):
                message: dict[str, Any] = got["Messages"][0]
                return message
        return None

    def invoke(self, function: str, message: dict[str, Any], tmp: Path) -> measure.Measured:
        """The function's handler for this one message, in a child process measured as it runs."""
        queue = self.settings.queues[QUEUE_OF[function]]
        message_file = WORK / f"message-{tmp.name}.json"  # invocations may run side by side
        message_file.write_text(json.dumps(message))
        shutil.rmtree(tmp, ignore_errors=True)
        measured = measure.run(
            [
                sys.executable,
                "-m",
                "bench.scale.function",
                function,
                f"arn:aws:sqs:us-east-1:{ACCOUNT}:{queue}",
                str(message_file),
            ],
            env=dict(os.environ),
            tmp=tmp,
            cwd=ROOT,
            timeout=limits(function)["timeout_seconds"],
            limits=held_to(function),
        )
        logs = WORK / "logs"
        logs.mkdir(exist_ok=True)
        (logs / f"{tmp.name}.log").write_text(measured.stdout + "\n--- stderr ---\n" + measured.stderr)
        if measured.returncode == 0:
            self.clients["sqs"].delete_message(
                QueueUrl=self.provisioned.queue_urls[QUEUE_OF[function]],
                ReceiptHandle=message["ReceiptHandle"],
            )
        return measured


def label(body: str) -> str:
    message = events.decode(body)
    if isinstance(message, events.FetchRequest):
        return "fetch"
    if isinstance(message, events.BuildRequest):
        return "build"
    if isinstance(message, events.DeployRequest):
        return f"deploy-{message.stage}"
    if isinstance(message, events.ProdBuildRequest):
        return "build-prod"
    if isinstance(message, events.ApprovalRequest):
        return "ask-approval"
    return type(message).__name__


def push_road(pipeline: Pipeline, github: LocalGitHub, files: dict[str, bytes]) -> dict[str, Any]:
    """A signed push of the generated site, through fetch, build and deploy-staging (push -> staging),
    then prod's tree and the approval it asks for (measured against their limits, not in that time)."""
    secret = register_site(pipeline.svc, Site(SITE, repo=REPO))
    sha = github.add_commit(REPO, files)
    payload = push_payload(REPO, "refs/heads/main", NULL_SHA, sha, sorted(files), private=True)
    body, headers = webhook_request("push", payload, secret)
    started = time.perf_counter()
    reply = webhooks.github_webhook(pipeline.svc, headers, body)
    if reply.status != 202:
        raise SystemExit(f"the push webhook was answered {reply.status}: {reply.body}")
    run_id = str(reply.body["run_id"])
    invocations: list[dict[str, Any]] = []
    stages: list[dict[str, Any]] = []
    failure = ""
    seconds = 0.0
    aside: list[threading.Thread] = []
    # The fetch message's invocation of the build function fetches and then builds (flow.fetch).
    for expected, covers in (
        ("fetch", ("fetch", "build")),
        ("deploy-staging", ("deploy-staging",)),
        ("build-prod", ("build-prod",)),
        ("ask-approval", ("approval",)),
    ):
        function = FUNCTIONS[expected]
        message = pipeline.next_message(function)
        while message is not None and label(message["Body"]) != expected:
            # A commit status on the deploy queue is the deploy function's too, but not a stage. It is
            # in a message group of its own (notify.hand_over_status), so Lambda runs it beside the
            # stage's invocation, not before it: so does this event source mapping.
            other = WORK / "tmp" / f"other-{len(aside)}"
            aside.append(threading.Thread(target=pipeline.invoke, args=(function, message, other)))
            aside[-1].start()
            message = pipeline.next_message(function)
        if message is None:
            failure = f"{expected}: no message arrived on the {QUEUE_OF[function]} queue"
            break
        print(f"  {' + '.join(covers)} ({function} function)...", file=sys.stderr, flush=True)
        measured = pipeline.invoke(function, message, WORK / "tmp" / expected)
        invocations.append(stage_figures(" + ".join(covers), function, measured))
        stages.extend(split(pipeline, run_id, covers, function, measured))
        if measured.stopped:
            failure = f"{expected} was stopped, over its function's limit of {measured.stopped}"
            break
        if measured.returncode != 0:
            failure = f"{expected} failed: {measured.stderr.strip()[-1500:]}"
            break
        if expected == "deploy-staging":
            seconds = time.perf_counter() - started
    for thread in aside:
        thread.join()
    run = pipeline.svc.runs.get(run_id)
    return {
        "run_id": run_id,
        "run_status": run.status,
        "run_stages": {stage.name: stage.status for stage in run.stages},
        "push_to_staging_seconds": round(seconds, 2),
        "invocations": invocations,
        "stages": stages,
        "failure": failure or None,
    }


def split(
    pipeline: Pipeline, run_id: str, names: tuple[str, ...], function: str, measured: measure.Measured
) -> list[dict[str, Any]]:
    """Each stage's share of one invocation, by the stage's start and end in the run record."""
    run = pipeline.svc.runs.get(run_id)
    out = []
    for stage in run.stages:
        if stage.name in names and stage.started_at and stage.finished_at:
            window = measured.window(_epoch(stage.started_at), _epoch(stage.finished_at))
            out.append(
                window_figures(stage.name, function, window, ok=stage.status == "succeeded")
                | {"status": stage.status, "error": stage.error}
            )
    return out


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def peer(pipeline: Pipeline, source: Path) -> dict[str, Any]:
    """`hugo && hugo deploy` in one shell, on the same site and the same moto server."""
    bucket = "scale-peer"
    pipeline.clients["s3"].create_bucket(Bucket=bucket)
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    deploy = WORK / "peer-deploy.toml"
    url = f"s3://{bucket}?region=us-east-1&endpoint={endpoint}&use_path_style=true&disable_https=true"
    deploy.write_text(f'[deployment]\n[[deployment.targets]]\nname = "bench"\nurl = "{url}"\n')
    public = WORK / "peer-public"
    shutil.rmtree(public, ignore_errors=True)
    tmp = WORK / "tmp" / "peer"
    config = f"{source / 'hugo.toml'},{deploy}"
    common = f"--source {source} --config {config} --noBuildLock"
    script = (
        f"{HUGO} {common} --destination {public} --cacheDir {tmp / 'hugo-cache'} --quiet && "
        f"{HUGO} deploy {common} --destination {public} --target bench"
    )
    shutil.rmtree(tmp, ignore_errors=True)
    measured = measure.run(
        ["sh", "-c", script], env=peers.dummy_aws_env(WORK), tmp=tmp, cwd=WORK, timeout=3 * LAMBDA_SECONDS
    )
    if measured.returncode != 0:
        raise SystemExit(f"the peer failed: {measured.stderr[-1500:]}")
    return {"command": "hugo && hugo deploy", "script": script, **measured.figures()}


def import_road(pipeline: Pipeline, items: int) -> dict[str, Any]:
    """A K-item export put in the ingest bucket, converted by the convert function."""
    if not WXR_SOURCE.is_file():
        return {"skipped": f"the theme-unit-test export is not at {WXR_SOURCE} (shared fixtures)"}
    export = WORK / "export.xml"
    count, size = generate_export(WXR_SOURCE, export, min_items=items, min_bytes=0)
    register_site(pipeline.svc, Site(IMPORT_SITE, source="import"))
    key = f"imports/{IMPORT_SITE}/export.xml"
    pipeline.clients["s3"].upload_file(
        str(export), pipeline.settings.ingest_bucket, key
    )  # untimed: the user's upload
    message = pipeline.next_message("convert")
    while message is not None and "s3:TestEvent" in message["Body"]:
        # S3's s3:TestEvent (sent when the notification was set up): Lambda would get it too, untimed here.
        pipeline.clients["sqs"].delete_message(
            QueueUrl=pipeline.provisioned.queue_urls["ingest"], ReceiptHandle=message["ReceiptHandle"]
        )
        message = pipeline.next_message("convert")
    if message is None:
        return {"items": count, "bytes": size, "failure": "no S3 notification arrived on the ingest queue"}
    print(f"  convert of {count} items (convert function)...", file=sys.stderr, flush=True)
    measured = pipeline.invoke("convert", message, WORK / "tmp" / "convert")
    figures = stage_figures("convert", "convert", measured)
    failure = None if measured.returncode == 0 else measured.stderr.strip()[-1500:]
    if measured.stopped:
        failure = f"convert was stopped, over its function's limit of {measured.stopped}"
    runs = pipeline.svc.runs.list(site=IMPORT_SITE)
    converted = [stage for run in runs for stage in run.stages if stage.name == "convert"]
    if not failure and not (converted and converted[0].status == "succeeded"):
        failure = f"the import run's convert stage is {converted[0].status if converted else 'missing'}"
    return {
        "items": count,
        "bytes": size,
        "convert_summary": converted[0].detail.get("summary") if converted else None,
        "invocations": [figures],
        "failure": failure,
    }


def report(
    scale_name: str,
    scale: Scale,
    push: dict[str, Any],
    peer_run: dict[str, Any],
    imports: dict[str, Any],
    cache: dict[str, Any],
) -> dict[str, Any]:
    cache_invocations = [i for r in cache["rounds"] for i in r["invocations"]]
    stages = push["stages"] + push["invocations"] + imports.get("invocations", []) + cache_invocations
    ratio = round(push["push_to_staging_seconds"] / peer_run["seconds"], 2) if peer_run["seconds"] else None
    targets = {
        "push_road_reached_staging": push["failure"] is None
        and push["run_stages"].get("deploy-staging") == "succeeded",
        "import_road_converted": bool(imports.get("invocations")) and imports.get("failure") is None,
        "every_stage_30_percent_headroom": bool(stages) and all(s["headroom_target_met"] for s in stages),
        "push_to_staging_no_slower_than_peer": ratio is not None and ratio <= 1.0,
        "rebuild_after_one_post_edit_3x_faster": bool(cache["target_met"]),
    }
    return {
        "scale_run": scale_name,
        "scale": {"pages": scale.pages, "images": scale.images, "export_items": scale.items},
        "full_scale": vars(SCALES["full"]),
        "measured_at_full_scale": scale_name == "full",
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            **peers.versions(),
        },
        "headroom_target": HEADROOM_TARGET,
        "lambda_seconds": LAMBDA_SECONDS,
        "push_road": push,
        "peer": peer_run,
        "push_to_staging_over_peer": ratio,
        "import_road": imports,
        "hugo_cache": cache,
        "targets": targets,
        "target_met": all(targets.values()),
        "notes": [
            "Each stage is the app's own handler for the message the pipeline queued, run in a fresh child "
            "process (a cold start: interpreter start and imports are in its time) against the bench moto "
            "server; moto's own work is AWS's and is in no stage's CPU or memory.",
            "Peak RSS is the sum over the child's process tree, sampled every 50 ms; for build it includes "
            "the build runner's Hugo and Pagefind, which on AWS run in the build_runner function: "
            "peak_runner_rss_mb (the runner's processes) is held to build_runner's memory and "
            "peak_stage_rss_mb (the rest) to the stage's function's.",
            "Peak /tmp is the sampled sum of file sizes in the child's own TMPDIR (every 250 ms): a "
            "short-lived peak between samples can be missed.",
            "Each invocation is held to its function's limits as Lambda holds it: its whole process tree "
            "is stopped at the first sample over its memory (the build runner's processes against "
            "build_runner's) or its /tmp, or at its timeout, and the road reports which limit; a spike "
            "shorter than the sampling interval can pass unseen (RLIMIT_AS is no substitute: Go binaries "
            "reserve far more address space than they use).",
            "The build stage renders staging's tree (with Pagefind's search index) and hashes and stores it; "
            "build-prod renders prod's once staging is live. The peer builds one tree and indexes nothing "
            "for search. push_to_staging_seconds runs from the webhook call to the end of deploy-staging "
            "and includes each stage's cold start.",
            "Push -> staging is measured on a cold first build (no kept Hugo cache), as is the peer's. "
            "hugo_cache is a separate site of its own (photos, each resized twice by Hugo): the build "
            "stage's seconds on a cold build and on a rebuild after a one-post edit with the kept cache.",
            "A commit status message is in a message group of its own, which Lambda polls while the "
            "build runs (batch size 1); here it is invoked beside deploy-staging, in parallel, when the "
            "deploy queue is read after the build, and it is in no stage's figures.",
            "fetch and build run in one invocation of the build function (flow.fetch hands straight on to "
            "build), so the 900 s apply to their sum: see invocations; stages splits it by the run "
            "record's stage start and end times.",
            "The peer's /tmp figure is not comparable: Hugo writes its image cache to the site's "
            "resources/_gen, outside the peer's TMPDIR.",
            "Figures are measured at scale_run's size only; nothing here is a full-size figure unless "
            "measured_at_full_scale is true. The machine is shared (see load_average_at_end).",
        ],
    }


def results_path(result: dict[str, Any]) -> Path:
    """Where a run's figures go: each size keeps its own, so a quick small run never hides the full one."""
    name = str(result["scale_run"]).replace(" (overridden)", "-overridden")
    return RESULTS if name == "small" else RESULTS.with_name(f"scale-{name}.json")


def print_table(result: dict[str, Any]) -> None:
    scale = result["scale"]
    print(
        f"\nScale benchmark ({result['scale_run']}: {scale['pages']} pages, {scale['images']} images, "
        f"{result['import_road'].get('items', '-')} export items); measured at this size only\n"
    )
    print(
        f"{'stage':<16}{'function':<9}{'wall s':>8}{'cpu s':>8}{'RSS MB':>14}{'/tmp MB':>16}"
        f"{'900s left':>10}  headroom mem/tmp/time"
    )
    rows = [*result["push_road"]["invocations"], *result["import_road"].get("invocations", [])]
    rows += [i for r in result["hugo_cache"]["rounds"] for i in r["invocations"]]
    rows += [
        {**s, "stage": "  " + s["stage"]}
        for s in result["push_road"]["stages"]
        if s["stage"] != "deploy-staging"
    ]
    for stage in rows:
        limit, room = stage["limits"], stage["headroom"]
        runner = stage.get("peak_runner_rss_mb", 0)
        print(
            f"{stage['stage']:<16}{stage['function']:<9}"
            f"{stage['seconds']:>8.1f}{stage['cpu_seconds']:>8.1f}"
            f"{stage.get('peak_stage_rss_mb', stage['peak_rss_mb']):>8.0f}/{limit['memory_mb']:<5}"
            f"{stage['peak_tmp_mb']:>9.0f}/{limit['tmp_mb']:<6}{stage['seconds_left_of_900']:>10.0f}"
            f"  {room['memory']:.0%}/{room['tmp']:.0%}/{room['time']:.0%}"
            + ("" if stage["headroom_target_met"] else "  MISS")
            + (f"  (runner {runner:.0f}/{limit['runner_memory_mb']} MB)" if runner else "")
        )
    peer_run = result["peer"]
    print(
        f"{'peer':<16}{'sh':<9}{peer_run['seconds']:>8.1f}{peer_run['cpu_seconds']:>8.1f}"
        f"{peer_run['peak_rss_mb']:>8.0f}{'':6}{peer_run['peak_tmp_mb']:>9.0f}"
    )
    print(
        f"\npush -> staging {result['push_road']['push_to_staging_seconds']} s; hugo && hugo deploy "
        f"{peer_run['seconds']} s; ratio {result['push_to_staging_over_peer']}"
    )
    for name, met in result["targets"].items():
        print(f"  {'ok  ' if met else 'MISS'} {name}")
    cache = result["hugo_cache"]
    print(
        f"  Hugo cache ({cache['site']['photos']} images): "
        f"build {cache['cold_build_seconds_median']} s cold, "
        f"{cache['rebuild_build_seconds_median']} s after a one-post edit ({cache['ratio_cold_to_rebuild']}x)"
    )
    if result["import_road"].get("convert_summary"):
        print(f"  convert: {result['import_road']['convert_summary']}")
    for road in ("push_road", "import_road", "hugo_cache"):
        if result[road].get("failure"):
            print(f"  {road} failure: {result[road]['failure']}")
    print(f"\ntarget_met: {result['target_met']}  (written to {results_path(result).relative_to(ROOT)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--pages", type=int, help="override the scale's page count")
    parser.add_argument("--images", type=int, help="override the scale's image count")
    parser.add_argument("--items", type=int, help="override the scale's export item count")
    parser.add_argument("--photos", type=int, default=2_000, help="images of the Hugo-cache check's site")
    parser.add_argument("--cache-rounds", type=int, default=3, help="cold/rebuild rounds of the cache check")
    args = parser.parse_args(argv)
    base = SCALES[args.scale]
    scale = Scale(args.pages or base.pages, args.images or base.images, args.items or base.items)
    if min(*vars(scale).values(), args.photos, args.cache_rounds) <= 0:
        parser.error("--pages, --images, --items, --photos and --cache-rounds must be positive")
    name = args.scale if scale == base else f"{args.scale} (overridden)"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    print(f"generating {scale.pages} pages and {scale.images} images...", file=sys.stderr, flush=True)
    site.generate(WORK / "site", scale.pages, scale.images)
    files = site.files(WORK / "site")
    server = BenchServer()
    try:
        pipeline = Pipeline(server)
        with LocalGitHub() as github:
            github.add_repo(REPO, private=True, tokens=[TOKEN])
            os.environ[GITHUB_API_ENV] = github.url
            push = push_road(pipeline, github, files)
            print("  peer: hugo && hugo deploy...", file=sys.stderr, flush=True)
            peer_run = peer(pipeline, WORK / "site")
            imports = import_road(pipeline, scale.items)
            cache = cache_road(pipeline, github, TOKEN, args.photos, args.cache_rounds)
    finally:
        server.stop()
    result = report(name, scale, push, peer_run, imports, cache)
    result["site"] = {"files": len(files), "bytes": sum(map(len, files.values()))}
    written = results_path(result)
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(json.dumps(result, indent=1) + "\n")
    print_table(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
