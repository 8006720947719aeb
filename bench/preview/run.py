"""`make bench-preview`: how soon a pull request's preview of a one-post change is live, against the
same change pushed to main and deployed to staging (issue 18: "a preview of a one-post change is live
no later than the same change on staging").

Everything runs on the in-process local cloud (`presslift.localcloud.LocalCloud`, a temporary state
folder, free ports), with the local GitHub stand-in serving the site's repository, as the end-to-end
tests drive it: a Hugo site of a few hundred generated posts (bench/publish's generator, built with the
pipeline's default theme) is pushed to main and runs to prod first. Then each round makes the same
kind of one-post edit twice: (a) a commit on main and its signed push delivery, timed from the delivery
to the end of the run's `deploy-staging` stage; (b) a commit on the pull request's branch and its signed
`pull_request` delivery (`opened` in the first round, `synchronize` after), timed from the delivery to
the end of the preview run's `deploy-preview` stage. Which goes first alternates between rounds, and
each run ends (prod included, for the push) before the next delivery. Medians, never single times, go
to bench/results/preview.json. Benchmark-only code: never imported by chalicelib.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.publish import site as generated
from chalicelib.github.api import API_ENV
from chalicelib.github.webhook import NULL_SHA
from chalicelib.sitemodel import ApprovalPolicy, Site
from chalicelib.sites import register
from presslift.api_client import ApiClient
from presslift.localcloud import LocalCloud, LocalCloudOptions
from standins.github import LocalGitHub
from standins.github.payloads import pull_request_payload, push_payload, webhook_request
from tests.conftest import free_port  # the e2e fixtures' ports: below the ephemeral range

RESULTS = generated.ROOT / "bench" / "results" / "preview.json"
REPO = "bench/preview-site"
SITE = "benchpreview"
BRANCH = "one-post-edit"
GITHUB_TOKEN = "bench-preview-github-token"
RUN_TIMEOUT = 300.0
#: The target: the preview's median latency over staging's (the issue: "no later than").
TARGET_RATIO = 1.0
STAGING, PREVIEW = "staging", "preview"
END_STAGE = {STAGING: "deploy-staging", PREVIEW: "deploy-preview"}


@dataclass
class Timing:
    """One delivery and the run it started: the latency to its end stage, and each stage's duration."""

    road: str  # "staging" or "preview"
    round: int
    action: str  # "push", "opened", "synchronize"
    post: str
    run_id: str
    latency_seconds: float
    run_seconds: float  # the delivery to the run's last stage's end (prod included for a push)
    stages: dict[str, float] = field(default_factory=dict)
    queued_seconds: float = 0.0  # the delivery to the fetch stage's start
    load_average: float = 0.0  # the machine's 1-minute load average when the delivery was sent
    said: dict[str, str] = field(default_factory=dict)  # each stage's summary ("18 uploaded, ...")

    def to_dict(self) -> dict[str, Any]:
        return {
            "road": self.road,
            "round": self.round,
            "action": self.action,
            "post": self.post,
            "run_id": self.run_id,
            "latency_seconds": round(self.latency_seconds, 3),
            "queued_seconds": round(self.queued_seconds, 3),
            "load_average_1min_at_delivery": round(self.load_average, 2),
            "run_seconds": round(self.run_seconds, 3),
            "stage_seconds": {name: round(s, 3) for name, s in self.stages.items()},
            "stage_summaries": self.said,
        }


def epoch(stamp: str) -> float:
    """A run record's time (`2026-11-30T21:09:06.123Z`) as Unix seconds."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def timing(
    road: str, round_: int, action: str, post: str, sent_at: tuple[float, float], run: dict[str, Any]
) -> Timing:
    """The figures of `run`, started by a delivery sent at `sent` (Unix seconds, and the load average
    then); a run that did not succeed, or whose end stage did not, is an error naming the run and what
    it said."""
    sent, load = sent_at
    stages = {stage["name"]: stage for stage in run["stages"]}
    end = stages.get(END_STAGE[road])
    if run["status"] != "succeeded" or end is None or end["status"] != "succeeded":
        said = "; ".join(f"{s['name']}: {s['status']} {s.get('error') or ''}".strip() for s in run["stages"])
        raise RuntimeError(f"{road} run {run['id']} ended {run['status']!r} ({said})")
    durations = {
        name: epoch(s["finished_at"]) - epoch(s["started_at"])
        for name, s in stages.items()
        if s.get("started_at") and s.get("finished_at")
    }
    ends = [epoch(s["finished_at"]) for s in run["stages"] if s.get("finished_at")]
    fetch = stages.get("fetch") or {}
    return Timing(
        road,
        round_,
        action,
        post,
        run["id"],
        latency_seconds=epoch(end["finished_at"]) - sent,
        run_seconds=max(ends) - sent,
        stages=durations,
        queued_seconds=epoch(fetch["started_at"]) - sent if fetch.get("started_at") else 0.0,
        load_average=load,
        said={
            name: str(s["detail"]["summary"])
            for name, s in stages.items()
            if isinstance(s.get("detail"), dict) and s["detail"].get("summary")
        },
    )


def median_of(values: list[float]) -> float:
    if not values:
        raise ValueError("no figures to take the median of")
    return statistics.median(values)


def summary(timings: list[Timing]) -> dict[str, Any]:
    """Medians by road (latency and each stage), the preview/staging ratio, and whether it meets the
    target (preview no later than staging)."""
    roads: dict[str, Any] = {}
    for road in (STAGING, PREVIEW):
        mine = [t for t in timings if t.road == road]
        names = sorted({name for t in mine for name in t.stages})
        roads[road] = {
            "latency_seconds_median": round(median_of([t.latency_seconds for t in mine]), 3),
            "latency_seconds_all": [round(t.latency_seconds, 3) for t in mine],
            "queued_seconds_median": round(median_of([t.queued_seconds for t in mine]), 3),
            "run_seconds_median": round(median_of([t.run_seconds for t in mine]), 3),
            "stage_seconds_median": {
                name: round(median_of([t.stages[name] for t in mine if name in t.stages]), 3)
                for name in names
            },
            "samples": len(mine),
        }
        actions = sorted({t.action for t in mine})
        if len(actions) > 1:  # a preview's first delivery (an empty folder) apart from its later pushes
            roads[road]["latency_seconds_median_by_action"] = {
                action: round(median_of([t.latency_seconds for t in mine if t.action == action]), 3)
                for action in actions
            }
    staging, preview = (
        median_of([t.latency_seconds for t in timings if t.road == road]) for road in (STAGING, PREVIEW)
    )
    ratio = preview / staging  # of the medians as measured, not as rounded for the record
    by_round: dict[int, dict[str, float]] = {}
    for t in timings:
        by_round.setdefault(t.round, {})[t.road] = t.latency_seconds
    paired = [r[PREVIEW] / r[STAGING] for _, r in sorted(by_round.items()) if len(r) == 2]
    return {
        "staging": roads[STAGING],
        "preview": roads[PREVIEW],
        "ratios": {
            "preview_over_staging_latency": round(ratio, 3),
            "same_round_preview_over_staging": [round(r, 3) for r in paired],
            "same_round_preview_over_staging_median": round(median_of(paired), 3) if paired else None,
        },
        "target": {"preview_over_staging_latency_at_most": TARGET_RATIO},
        "target_met": ratio <= TARGET_RATIO,
    }


def site_files(posts: int, work: Path) -> dict[str, bytes]:
    """bench/publish's generated blog (`posts` posts, no images, no theme of its own) as a commit's files."""
    source = work / "source"
    generated.generate(source, posts, images=0)
    return {str(p.relative_to(source)): p.read_bytes() for p in sorted(source.rglob("*")) if p.is_file()}


def edited(files: dict[str, bytes], path: str, note: str) -> dict[str, bytes]:
    """`files` with one post's body opened by `note` (an author fixing its first line)."""
    front, sep, body = files[path].decode().partition("---\n\n")
    if not sep:
        raise ValueError(f"{path}: no front matter to edit after")
    return {**files, path: f"{front}---\n\n{note} {body}".encode()}


def post_path(number: int) -> str:
    return f"content/posts/post-{number:05d}.md"


class Bench:
    """The local cloud, the local GitHub and the site's repository state, driven as GitHub would."""

    def __init__(self, cloud: LocalCloud, github: LocalGitHub, secret: str) -> None:
        self.cloud, self.github, self.secret = cloud, github, secret
        self.api = ApiClient(cloud.options.api_url)
        self.main_files: dict[str, bytes] = {}
        self.main_head = NULL_SHA
        self.pr_files: dict[str, bytes] = {}
        self.pr_head = ""
        self.number: int | None = None

    def deliver(self, event: str, payload: dict[str, Any]) -> tuple[tuple[float, float], str]:
        """POST a signed delivery to the webhook, as GitHub does: when it was sent (and the load average
        then), and its run's id."""
        body, headers = webhook_request(event, payload, self.secret)
        request = urllib.request.Request(
            self.api.base_url + "/webhooks/github", data=body, headers=headers, method="POST"
        )
        load = os.getloadavg()[0]
        sent = time.time()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer = response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, json.loads(exc.read() or b"{}")
        if status != 202 or "run_id" not in answer:
            raise RuntimeError(f"the {event} delivery was answered {status}: {answer}")
        return (sent, load), str(answer["run_id"])

    def finished(self, run_id: str) -> dict[str, Any]:
        return self.api.wait_for_run(run_id, lambda r: r["status"] != "running", timeout=RUN_TIMEOUT)

    def push_main(
        self, files: dict[str, bytes], changed: list[str]
    ) -> tuple[tuple[float, float], dict[str, Any]]:
        after = self.github.add_commit(REPO, files)
        payload = push_payload(REPO, "refs/heads/main", self.main_head, after, changed)
        sent, run_id = self.deliver("push", payload)
        self.main_files, self.main_head = files, after
        return sent, self.finished(run_id)

    def staging_round(self, round_: int, post: int) -> Timing:
        path = post_path(post)
        files = edited(self.main_files, path, f"Edited on main in round {round_}:")
        sent, run = self.push_main(files, [path])
        return timing(STAGING, round_, "push", path, sent, run)

    def preview_round(self, round_: int, post: int) -> Timing:
        """A commit on the pull request's branch (branched from main when the pull request opens, each
        commit editing one more post), then the pull request's delivery: `opened` the first time,
        `synchronize` after."""
        path = post_path(post)
        files = edited(
            self.pr_files or self.main_files, path, f"Edited in the pull request in round {round_}:"
        )
        before, head = self.pr_head, self.github.add_commit(REPO, files, branch=BRANCH)
        if self.number is None:
            self.number = self.github.open_pull_request(REPO, BRANCH, "main", title="One post edited")
            action = "opened"
        else:
            action = "synchronize"
        self.pr_files, self.pr_head = files, head
        pr = self.github.pull_request(REPO, self.number)
        payload = pull_request_payload(
            action, pr, REPO, "mira", before=before if action == "synchronize" else None, after=head
        )
        sent, run_id = self.deliver("pull_request", payload)
        figures = timing(PREVIEW, round_, action, path, sent, self.finished(run_id))
        self.wait_for_status(head)
        return figures

    def wait_for_status(self, sha: str, timeout: float = 60) -> None:
        """Until the preview's commit status is posted: the deploy function's last work for the run, so
        the next round starts on a quiet pipeline."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(
                s.context == "presslift/preview" and s.state != "pending"
                for s in self.github.statuses(REPO, sha)
            ):
                return
            time.sleep(0.2)
        raise RuntimeError(f"no preview status on {sha[:7]} within {timeout:.0f} s")


@contextmanager
def local_cloud(state_dir: Path) -> Iterator[tuple[LocalCloud, LocalGitHub]]:
    """The e2e `cloud` fixture's local cloud and `local_github`'s server, the pipeline pointed at it."""
    saved = dict(os.environ)
    options = LocalCloudOptions(
        state_dir=state_dir,
        aws_port=free_port(),
        api_port=free_port(),
        github_token=GITHUB_TOKEN,
        schedule_seconds=3600,
    )
    cloud = LocalCloud(options)
    cloud.start()
    # Every client the pipeline makes says where it found credentials: hundreds of lines that hide
    # the stages' own progress.
    logging.getLogger("botocore").setLevel(logging.WARNING)
    try:
        with LocalGitHub() as github:
            github.add_repo(REPO, tokens=[GITHUB_TOKEN])
            os.environ[API_ENV] = github.url
            yield cloud, github
    finally:
        cloud.stop()
        os.environ.clear()
        os.environ.update(saved)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }


def table(result: dict[str, Any]) -> str:
    rows: list[tuple[str, ...]] = [("", "staging (push to main)", "preview (pull request)")]
    staging, preview = result["staging"], result["preview"]
    rows.append(
        (
            "latency, median s",
            f"{staging['latency_seconds_median']:.2f}",
            f"{preview['latency_seconds_median']:.2f}",
        )
    )
    rows.append(
        (
            "latency, all s",
            " ".join(f"{s:.1f}" for s in staging["latency_seconds_all"]),
            " ".join(f"{s:.1f}" for s in preview["latency_seconds_all"]),
        )
    )
    rows.append(
        (
            "queued, median s",
            f"{staging['queued_seconds_median']:.2f}",
            f"{preview['queued_seconds_median']:.2f}",
        )
    )
    for name in ("fetch", "build", "deploy-staging", "deploy-preview", "deploy-prod"):
        values = [road["stage_seconds_median"].get(name) for road in (staging, preview)]
        if any(v is not None for v in values):
            rows.append((f"{name}, median s", *("-" if v is None else f"{v:.2f}" for v in values)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    ratio = result["ratios"]["preview_over_staging_latency"]
    met = "met" if result["target_met"] else "NOT met"
    lines.append(f"preview/staging latency {ratio:.3f} (target <= {TARGET_RATIO:.1f}): {met}")
    by_action = preview.get("latency_seconds_median_by_action", {})
    if by_action:
        lines.append(
            "preview latency by delivery, median s: "
            + ", ".join(f"{action} {seconds:.2f}" for action, seconds in by_action.items())
        )
    paired = result["ratios"]["same_round_preview_over_staging"]
    lines.append("preview/staging in the same round: " + " ".join(f"{r:.2f}" for r in paired))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5, help="one-post edits per road (default 5)")
    parser.add_argument("--posts", type=int, default=300, help="posts in the generated site (default 300)")
    args = parser.parse_args()
    if args.rounds < 1 or args.posts < 2 * args.rounds + 2:
        parser.error("--rounds must be at least 1 and --posts at least 2 x rounds + 2")
    started = time.monotonic()
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as temp:
        work = Path(temp)
        files = site_files(args.posts, work)
        with local_cloud(work / "state") as (cloud, github):
            assert cloud.services is not None
            secret = register(cloud.services, Site(SITE, repo=REPO, approval=ApprovalPolicy(prod=False)))
            bench = Bench(cloud, github, secret)
            print(
                f"pushing {args.posts} posts ({len(files)} files) to main, through to prod...",
                file=sys.stderr,
            )
            sent, first = bench.push_main(files, sorted(files))
            if first["status"] != "succeeded":
                raise RuntimeError(
                    f"the first run {first['id']} ended {first['status']!r}: {first['stages']}"
                )
            first_seconds = (
                max(epoch(s["finished_at"]) for s in first["stages"] if s.get("finished_at")) - sent[0]
            )
            for round_ in range(1, args.rounds + 1):
                # The newest posts (on the home page, the lists and the feeds), two different ones per round.
                newest = args.posts - 2 * round_
                roads = [("staging", newest + 1), ("preview", newest)]
                if round_ % 2 == 0:
                    roads.reverse()
                for road, post in roads:
                    measure = bench.staging_round if road == STAGING else bench.preview_round
                    figures = measure(round_, post)
                    timings.append(figures)
                    print(
                        f"round {round_}: {road} ({figures.action}) {figures.latency_seconds:.2f} s",
                        file=sys.stderr,
                    )
    result = {
        "site": {
            "posts": args.posts,
            "files": len(files),
            "first_push_to_prod_seconds": round(first_seconds, 2),
        },
        "rounds": args.rounds,
        **summary(timings),
        "peer": "Presslift's own staging road: the same kind of one-post edit pushed to main, to the end of "
        "its deploy-staging stage",
        "samples": [t.to_dict() for t in timings],
        "machine": machine(),
        "wall_seconds": round(time.monotonic() - started, 1),
        "notes": [
            "Latency: from the signed delivery's POST to the webhook to the finished_at of the run's "
            "deploy-staging (push) or deploy-preview (pull request) stage, both on this machine's clock.",
            "Each round edits two different posts among the newest (each on the home page, its lists and "
            "the feed). The pull request's branch leaves main when it opens, and each of its commits edits "
            "one more post, so every delivery on either road carries exactly one edited post. The first "
            "round's pull request delivery is `opened` (the preview's folder starts empty, so every file "
            "is uploaded), later ones `synchronize`. The order alternates between rounds.",
            "Every run ends before the next delivery: a push's run through deploy-prod (prod follows "
            "staging, no approval), a preview's through its commit status.",
            "In-process local cloud (moto on loopback, the real Hugo binary) on a shared 2-core machine.",
        ],
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(table(result))
    print(f"written to {RESULTS.relative_to(generated.ROOT)}", file=sys.stderr)
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
