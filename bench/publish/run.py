"""`make bench-publish`: Presslift's publish vs `aws s3 sync --delete` vs `hugo deploy`, on one moto server.

A generated Hugo site (5,000 posts by default) is built twice: as is, and after a one-post edit. For each
tool and repetition, on a fresh bucket: publish the first build, then the edited build. Presslift's edit
is timed twice: as the pipeline runs it (planned from the record of its last publish) and with
`verify` (planned from a listing of the bucket, as the peers always are), after putting the first build
back. The tools take turns going first from one repetition to the next. We count the requests and
request bytes the server received and time each step, take medians (and the median of each
repetition's ratio), and write everything to bench/results/publish.json. Benchmark-only code: never
imported by chalicelib.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import moto

from bench.publish import peers, site
from chalicelib.manifest import Manifest
from chalicelib.publish import PublishOptions, PublishTarget, publish_tree
from chalicelib.services import make_client
from presslift.localcloud.provision import distribution_config

WORK = site.ROOT / "bench" / "work" / "publish"
RESULTS = site.ROOT / "bench" / "results" / "publish.json"
TOOLS = ("presslift", "aws_s3_sync", "hugo_deploy")
#: Presslift's first publish may take at most this share of hugo deploy's (issue 19, point 5).
FIRST_PUBLISH_TARGET = 0.8
# (ratio name, peer, the peer's phase, Presslift's phase, figure): every ratio is the peer's over ours.
RATIOS = (
    ("first_seconds", "hugo_deploy", "first", "first", "seconds_median"),
    ("edit_seconds", "hugo_deploy", "edit", "edit", "seconds_median"),
    ("edit_verified_seconds", "hugo_deploy", "edit", "edit_verified", "seconds_median"),
    ("first_seconds", "aws_s3_sync", "first", "first", "seconds_median"),
    ("edit_seconds", "aws_s3_sync", "edit", "edit", "seconds_median"),
    ("edit_bytes", "aws_s3_sync", "edit", "edit", "bytes_median"),
)


class BenchServer:
    """The counting moto server (bench/publish/server.py) in its own process."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.publish.server", "--port", str(port)],
            cwd=site.ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        if not self.process.stdout.readline().startswith("ready"):
            raise RuntimeError("the benchmark's moto server did not start")
        self.endpoint = f"http://127.0.0.1:{port}"

    def call(self, path: str, method: str = "GET") -> dict[str, Any]:
        request = urllib.request.Request(
            self.endpoint + path, method=method, data=b"" if method == "POST" else None
        )
        with urllib.request.urlopen(request) as response:
            body = response.read()
        return json.loads(body) if path.startswith("/_bench") else {}

    def cpu_seconds(self) -> float:
        """The server process's user and system CPU so far (Linux /proc; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def clients(endpoint: str, concurrency: int) -> tuple[Any, Any]:
    """The clients the pipeline passes in (its own factory): a connection per worker, standard retries."""
    credentials = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench", "region_name": "us-east-1"}
    return (
        make_client("s3", max_pool_connections=concurrency, endpoint_url=endpoint, **credentials),
        make_client("cloudfront", max_pool_connections=concurrency, endpoint_url=endpoint, **credentials),
    )


def create_distribution(cloudfront: Any, bucket: str) -> str:
    config = distribution_config(bucket, bucket)
    return str(cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"])


def measure(server: BenchServer, step: Callable[[], Any]) -> tuple[dict[str, Any], Any]:
    """Time `step`, with the CPU seconds the tool (this process, or the peer's) and the server spent."""
    server.call("/_bench/reset", "POST")
    server_cpu, client_cpu = server.cpu_seconds(), _own_and_children_cpu()
    started = time.perf_counter()
    outcome = step()
    seconds = time.perf_counter() - started
    cpu = {
        "client_cpu_seconds": round(_own_and_children_cpu() - client_cpu, 2),
        "server_cpu_seconds": round(server.cpu_seconds() - server_cpu, 2),
    }
    stats = server.call("/_bench/stats")
    return {"seconds": round(seconds, 3), **cpu, **stats}, outcome


def _own_and_children_cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def one_repetition(
    server: BenchServer, rep: int, v1: site.BuiltSite, v2: site.BuiltSite, concurrency: int
) -> dict[str, Any]:
    server.call("/moto-api/reset", "POST")
    s3, cloudfront = clients(server.endpoint, concurrency)
    runs: dict[str, Any] = {}
    for tool in TOOLS[rep % len(TOOLS) :] + TOOLS[: rep % len(TOOLS)]:
        bucket = f"bench-{tool.replace('_', '-')}-{rep}"
        s3.create_bucket(Bucket=bucket)
        step = publisher(tool, server.endpoint, bucket, s3, cloudfront, concurrency)
        first, _ = measure(server, partial(step, v1))
        touch(v2.tree)
        edit, outcome = measure(server, partial(step, v2))
        runs[tool] = {"first": first, "edit": edit}
        if tool == "presslift":
            runs[tool]["edit_uploads"] = outcome.uploaded
            runs[tool]["edit_invalidation_paths"] = outcome.summary["invalidation_paths"]
            runs[tool]["edit_compared_with"] = outcome.summary["compared_with"]
            runs[tool]["bucket_matches_edit"] = bucket_matches(s3, bucket, v2.manifest)
            step(v1)  # back to the first build, untimed
            verified, outcome = measure(server, partial(step, v2, verify=True))
            runs[tool]["edit_verified"] = verified
            runs[tool]["edit_verified_uploads"] = outcome.uploaded
            runs[tool]["bucket_matches_edit"] &= bucket_matches(s3, bucket, v2.manifest)
        print(
            f"  run {rep + 1} {tool}: first {first['seconds']} s, edit {edit['seconds']} s"
            + (f", edit verified {runs[tool]['edit_verified']['seconds']} s" if tool == "presslift" else ""),
            file=sys.stderr,
        )
    return runs


def publisher(
    tool: str, endpoint: str, bucket: str, s3: Any, cloudfront: Any, concurrency: int
) -> Callable[..., Any]:
    """How `tool` publishes a build to `bucket`."""
    if tool == "aws_s3_sync":
        return lambda built: peers.aws_s3_sync(endpoint, bucket, built.tree, WORK)
    if tool == "hugo_deploy":
        return lambda built: peers.hugo_deploy(endpoint, bucket, built.tree, WORK)
    target = PublishTarget(bucket, "", create_distribution(cloudfront, bucket))

    def presslift(built: site.BuiltSite, verify: bool = False) -> Any:
        options = PublishOptions(concurrency=concurrency, verify=verify)
        return publish_tree(
            s3=s3,
            cloudfront=cloudfront,
            tree=built.tree,
            manifest=built.manifest,
            target=target,
            options=options,
        )

    return presslift


def touch(tree: Path) -> None:
    """Make the edited build newer than the first publish, as a build that follows a publish is."""
    now = time.time()
    for path in tree.rglob("*"):
        os.utime(path, (now, now))


def bucket_matches(s3: Any, bucket: str, manifest: Manifest) -> bool:
    """Every file of the build is in the bucket with its MD5 as ETag, and nothing else (but the record)."""
    listed = {
        item["Key"]: item["ETag"].strip('"')
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
        if not item["Key"].startswith(".presslift/")
    }
    return listed == {entry.path: entry.md5 for entry in manifest.files}


def changed_files(old: Manifest, new: Manifest) -> int:
    before = {entry.path: entry.md5 for entry in old.files}
    after = {entry.path: entry.md5 for entry in new.files}
    return sum(1 for path, md5 in after.items() if before.get(path) != md5) + len(
        before.keys() - after.keys()
    )


def summarise(runs: list[dict[str, Any]], tool: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for phase in ("first", "edit", "edit_verified") if tool == "presslift" else ("first", "edit"):
        samples = [run[tool][phase] for run in runs]
        out[phase] = {
            "seconds_median": round(statistics.median(s["seconds"] for s in samples), 3),
            "seconds_all": [s["seconds"] for s in samples],
            "client_cpu_seconds_median": statistics.median(s["client_cpu_seconds"] for s in samples),
            "server_cpu_seconds_median": statistics.median(s["server_cpu_seconds"] for s in samples),
            "requests_median": statistics.median(s["requests"] for s in samples),
            "bytes_median": statistics.median(s["bytes"] for s in samples),
            "by_method_last": samples[-1]["by_method"],
        }
    return out


def build_sites(pages: int, images: int) -> tuple[site.BuiltSite, site.BuiltSite]:
    WORK.mkdir(parents=True, exist_ok=True)
    site.generate(WORK / "source", pages, images)
    v1 = site.build(WORK / "source", WORK / "site-v1", WORK)
    site.edit_one_post(WORK / "source", post=pages - 1)
    v2 = site.build(WORK / "source", WORK / "site-v2", WORK)
    return v1, v2


def report(
    v1: site.BuiltSite, v2: site.BuiltSite, runs: list[dict[str, Any]], concurrency: int, pages: int
) -> dict[str, Any]:
    tools = {tool: summarise(runs, tool) for tool in TOOLS}
    press, hugo = tools["presslift"], tools["hugo_deploy"]
    changed = changed_files(v1.manifest, v2.manifest)
    edit_uploads = [run["presslift"]["edit_uploads"] for run in runs]
    verified_uploads = [run["presslift"]["edit_verified_uploads"] for run in runs]
    paired = {
        phase: _paired(runs, "hugo_deploy", "presslift", phase)
        for phase in ("first", "edit", "edit_verified")
    }
    targets = {
        "edit_uploads_exactly_the_changed_files": all(n == changed for n in edit_uploads + verified_uploads),
        "bucket_matches_the_edited_build": all(run["presslift"]["bucket_matches_edit"] for run in runs),
        "edit_faster_than_hugo_deploy": press["edit"]["seconds_median"] < hugo["edit"]["seconds_median"],
        # Issue 19, point 5: the first publish takes at most 0.8x hugo deploy's, medians of this run.
        "first_publish_at_most_0.8x_hugo_deploy": press["first"]["seconds_median"]
        <= FIRST_PUBLISH_TARGET * hugo["first"]["seconds_median"],
    }
    return {
        "site": {
            "posts": pages,
            "files": len(v1.manifest.files),
            "bytes": v1.manifest.total_bytes,
            "files_changed_by_the_edit": changed,
            "theme": v1.theme,
            "hugo_build_seconds": [round(v1.build_seconds, 1), round(v2.build_seconds, 1)],
        },
        "environment": {
            "python": platform.python_version(),
            "moto": moto.__version__,
            "cpus": _cpus(),
            "presslift_concurrency": concurrency,
            "aws_s3_sync_concurrency": 10,
            "hugo_deploy_workers": 10,
            **peers.versions(),
        },
        "repetitions": len(runs),
        "tools": tools,
        "presslift_edit": {
            "uploads": edit_uploads,
            "uploads_when_verified": verified_uploads,
            "compared_with": runs[-1]["presslift"]["edit_compared_with"],
            "invalidation_paths": runs[-1]["presslift"]["edit_invalidation_paths"],
        },
        "paired_ratios_hugo_deploy_over_presslift": paired,
        # How far one tool's own first publishes spread: differences inside it are noise, not speed.
        "first_spread_of_hugo_deploy": _spread(hugo["first"]["seconds_all"]),
        "first_spread_of_presslift": _spread(press["first"]["seconds_all"]),
        "ratios": {
            f"{name}_{peer}_over_presslift": _ratio(tools[peer][peer_phase][figure], press[phase][figure])
            for name, peer, peer_phase, phase, figure in RATIOS
        },
        "first_publish_share_of_hugo_deploy": _ratio(
            press["first"]["seconds_median"], hugo["first"]["seconds_median"]
        ),
        "targets": targets,
        "target_met": all(targets.values()),
        "notes": [
            "Presslift is timed around publish_tree with clients already created (a warm Lambda); the peers "
            "are timed as processes, start-up included (aws ~0.5 s of Python start, hugo ~0.1 s).",
            "Presslift's figures include its publish state (the record: 1 GET, 1 PUT; the in-progress "
            "marker: 1 HEAD, 1 PUT, 1 DELETE) and one CloudFront invalidation on moto; the peers "
            "invalidate nothing and set no Cache-Control.",
            "Presslift's 'edit' is planned from the record of its last publish, as the pipeline does; "
            "'edit_verified' lists the bucket first (publish --verify, rollbacks, and once a day), as "
            "the peers always do.",
            "Tools take turns going first; paired ratios are the median of each repetition's "
            "hugo deploy / Presslift.",
            "Presslift's manifest is made by the build stage (hashing is not in its time); hugo deploy "
            "hashes the tree itself on every run.",
            "Requests and bytes are counted by the moto server (bytes = request payloads).",
            "CPU seconds: the tool's (Presslift's own process; the peer's process) and the moto server's "
            "during the step. The server is the local cloud's (presslift up): HTTP/1.1 connections stay "
            "open between requests, as S3's do, for every tool alike.",
        ],
        "runs": runs,
    }


def print_table(result: dict[str, Any]) -> None:
    site_info = result["site"]
    print(
        f"\nPublish benchmark: {site_info['files']} files, {site_info['bytes'] / 1e6:.1f} MB; the edit "
        f"changes {site_info['files_changed_by_the_edit']} files; medians of {result['repetitions']} runs\n"
    )
    print(f"{'tool':<22}{'first s':>9}{'requests':>10}{'MB':>8}   {'edit s':>9}{'requests':>10}{'MB':>8}")
    for tool, figures in result["tools"].items():
        first, edit = figures["first"], figures["edit"]
        print(f"{tool:<22}{_row(first, 1)}   {_row(edit, 2)}")
        if "edit_verified" in figures:
            print(f"{'  edit with --verify':<22}{'':>27}   {_row(figures['edit_verified'], 2)}")
    print()
    paired = result["paired_ratios_hugo_deploy_over_presslift"]
    print(
        "hugo deploy / Presslift, median of paired runs: "
        + ", ".join(f"{phase} {ratio}x" for phase, ratio in paired.items())
    )
    print(
        f"first publishes of one tool spread by {result['first_spread_of_hugo_deploy']:.0%} (hugo deploy) "
        f"and {result['first_spread_of_presslift']:.0%} (Presslift) from run to run"
    )
    print(f"Presslift's first publish takes {result['first_publish_share_of_hugo_deploy']}x hugo deploy's")
    print()
    for name, met in result["targets"].items():
        print(f"  {'ok  ' if met else 'MISS'} {name}")
    print(f"\ntarget_met: {result['target_met']}  (written to {RESULTS.relative_to(site.ROOT)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    print(
        f"building {args.posts} posts twice with Hugo (about a minute each)...", file=sys.stderr, flush=True
    )
    v1, v2 = build_sites(args.posts, args.images)
    server = BenchServer()
    try:
        runs = [one_repetition(server, rep, v1, v2, args.concurrency) for rep in range(args.reps)]
    finally:
        server.stop()
    result = report(v1, v2, runs, args.concurrency, args.posts)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print_table(result)
    return 0 if result["target_met"] else 1


def _row(phase: dict[str, Any], digits: int) -> str:
    megabytes = phase["bytes_median"] / 1e6
    return f"{phase['seconds_median']:>9.2f}{phase['requests_median']:>10.0f}{megabytes:>8.{digits}f}"


def _paired(runs: list[dict[str, Any]], peer: str, tool: str, phase: str) -> float | None:
    peer_phase = "edit" if phase == "edit_verified" else phase
    ratios = [run[peer][peer_phase]["seconds"] / run[tool][phase]["seconds"] for run in runs]
    return round(statistics.median(ratios), 2) if ratios else None


def _spread(seconds: list[float]) -> float:
    """(slowest - fastest) / median."""
    return round((max(seconds) - min(seconds)) / statistics.median(seconds), 2)


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def _cpus() -> int | None:
    return os.cpu_count()


if __name__ == "__main__":
    raise SystemExit(main())
