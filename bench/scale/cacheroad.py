"""bench-scale's Hugo-cache check: a 2,000-image site pushed cold, then again after a one-post edit.

Each round forgets the site's kept Hugo cache, pushes the photo site (bench/hugocache's: page bundles
with one 800x600 photo each, two sizes made of every photo) and runs the build function for the fetch
message as bench-scale runs every stage (a child process measured against the function's limits):
that is the cold build. Then one post's text changes, a second push with that one file in its payload
runs the same way with the cache the first build kept: the rebuild. The build stage's own seconds
(from the run record) are compared; fetch's are reported beside them, as the cache cannot help them.
Benchmark-only code.
"""

from __future__ import annotations

import statistics
import sys
from typing import TYPE_CHECKING, Any

from bench.hugocache import site as photo_site
from bench.scale import site as scale_site
from chalicelib import webhooks
from chalicelib.artifacts import cache_key
from chalicelib.github.webhook import NULL_SHA
from chalicelib.sitemodel import Site
from chalicelib.sites import register as register_site
from standins.github.payloads import push_payload, webhook_request

if TYPE_CHECKING:
    from bench.scale.run import Pipeline
    from standins.github import LocalGitHub

REPO = "bench/scale-photos"
SITE = "scale-photos"
TARGET_RATIO = 3.0
EDITED = "content/posts/post-0000/index.md"


def cache_road(
    pipeline: Pipeline, github: LocalGitHub, token: str, photos: int, rounds: int
) -> dict[str, Any]:
    """Cold build and one-post-edit rebuild of a `photos`-image site, `rounds` times; medians and ratio."""
    from bench.scale import run as bench

    source = photo_site.write_site(bench.WORK / "photos", photos)
    secret = register_site(pipeline.svc, Site(SITE, repo=REPO))
    github.add_repo(REPO, private=True, tokens=[token])
    files = scale_site.files(source)
    head = NULL_SHA
    done: list[dict[str, Any]] = []
    failure = None
    for n in range(1, rounds + 1):
        pipeline.clients["s3"].delete_object(Bucket=pipeline.settings.artifacts_bucket, Key=cache_key(SITE))
        figures: dict[str, dict[str, Any]] = {}
        for kind, edit in (("cold", 0), ("rebuild", n)):
            files[EDITED] = photo_site.post_text(0, edit).encode()
            print(
                f"  {photos}-image site, round {n}: {kind} build (build function)...",
                file=sys.stderr,
                flush=True,
            )
            head, figures[kind] = _push_and_build(pipeline, github, secret, files, head, f"cache {kind} {n}")
            if figures[kind]["failure"]:
                failure = f"round {n} {kind}: {figures[kind]['failure']}"
                break
        if failure:
            break
        done.append(
            {
                "cold_build_seconds": figures["cold"]["build_seconds"],
                "rebuild_build_seconds": figures["rebuild"]["build_seconds"],
                "cold_fetch_seconds": figures["cold"]["fetch_seconds"],
                "rebuild_fetch_seconds": figures["rebuild"]["fetch_seconds"],
                "cold_cache": figures["cold"]["cache"],
                "rebuild_cache": figures["rebuild"]["cache"],
                "invocations": [figures["cold"]["invocation"], figures["rebuild"]["invocation"]],
            }
        )
    cold = statistics.median(r["cold_build_seconds"] for r in done) if done else None
    rebuild = statistics.median(r["rebuild_build_seconds"] for r in done) if done else None
    ratio = round(cold / rebuild, 2) if cold and rebuild else None
    return {
        "site": {
            "photos": photos,
            "photo_size": f"{photo_site.WIDTH}x{photo_site.HEIGHT}",
            "sizes_per_photo": 2,
        },
        "rounds": done,
        "cold_build_seconds_median": cold,
        "rebuild_build_seconds_median": rebuild,
        "ratio_cold_to_rebuild": ratio,
        "target": f"the build after a one-post edit at least {TARGET_RATIO:g}x faster than a cold one",
        "target_met": ratio is not None and ratio >= TARGET_RATIO and failure is None,
        "failure": failure,
    }


def _push_and_build(
    pipeline: Pipeline, github: LocalGitHub, secret: str, files: dict[str, bytes], before: str, name: str
) -> tuple[str, dict[str, Any]]:
    """A signed push of `files` as a new commit (only the edited post in its payload after the first),
    the build function run for its fetch message; (the new head, the build's figures)."""
    from bench.scale import run as bench

    sha = github.add_commit(REPO, files)
    changed = sorted(files) if before == NULL_SHA else [EDITED]
    body, headers = webhook_request(
        "push", push_payload(REPO, "refs/heads/main", before, sha, changed), secret
    )
    reply = webhooks.github_webhook(pipeline.svc, headers, body)
    if reply.status != 202:
        return sha, {"failure": f"the push webhook was answered {reply.status}: {reply.body}"}
    run_id = str(reply.body["run_id"])
    message = pipeline.next_message("build")
    while message is not None and bench.label(message["Body"]) != "fetch":
        # The import road's converted site asks for its build: not measured here.
        pipeline.clients["sqs"].delete_message(
            QueueUrl=pipeline.provisioned.queue_urls["build"], ReceiptHandle=message["ReceiptHandle"]
        )
        message = pipeline.next_message("build")
    if message is None:
        return sha, {"failure": "no fetch message arrived on the build queue"}
    measured = pipeline.invoke("build", message, bench.WORK / "tmp" / name.replace(" ", "-"))
    invocation = bench.stage_figures(name, "build", measured)
    # Nothing more of this run is measured: its deploy message is dropped so later rounds start clean.
    queue = pipeline.provisioned.queue_urls["deploy"]
    while (left := pipeline.next_message("deploy", wait=2.0)) is not None:
        pipeline.clients["sqs"].delete_message(QueueUrl=queue, ReceiptHandle=left["ReceiptHandle"])
    run = pipeline.svc.runs.get(run_id)
    stages = {stage.name: stage for stage in run.stages}
    build = stages.get("build")
    if measured.stopped:
        return sha, {"failure": f"the build was stopped, over its function's limit of {measured.stopped}"}
    if measured.returncode != 0 or build is None or build.status != "succeeded":
        return sha, {"failure": f"the build did not succeed: {measured.stderr.strip()[-1000:]}"}
    seconds = {
        s["stage"]: s["seconds"] for s in bench.split(pipeline, run_id, ("fetch", "build"), "build", measured)
    }
    return sha, {
        "failure": None,
        "build_seconds": seconds["build"],
        "fetch_seconds": seconds["fetch"],
        "cache": build.detail.get("cache", {}),
        "invocation": invocation,
    }
