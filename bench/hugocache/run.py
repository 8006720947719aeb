"""`make bench-hugocache`: a cold build of a photo blog (300 posts, a photo each, two sizes made of
every photo) against a rebuild after a one-post edit with the site's kept Hugo cache restored, both
through the build stage itself (`chalicelib.work.build.build`: the runner as a child process, the
real Hugo and Pagefind, staging's tree stored in moto's S3), medians of 3 rounds. Prod's tree is the
`build-prod` stage's, after staging is live; it reads the cache staging's build left.

The peer is what a user would run on a fresh CI checkout: `hugo` alone, one target, with empty cache
and resource folders (nothing kept between builds). Everything goes to bench/results/hugocache.json.
Benchmark-only code: never imported by chalicelib.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from moto import mock_aws

from bench.hugocache import site
from chalicelib import hugo
from chalicelib.artifacts import ArtifactStore, cache_key
from chalicelib.budget import TimeBudget
from chalicelib.config import Settings
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.work.build import build

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / "work" / "hugocache"
RESULTS = ROOT / "bench" / "results" / "hugocache.json"
SITE = "photos"
TARGET_RATIO = 3.0
# The runner's log line for each target's Hugo run: "== staging (https://...) in 12.34 s".
HUGO_LINE = re.compile(r"^== (\w+) \(\S+\) in ([\d.]+) s$", re.MULTILINE)


def presslift_build(svc: Services, source: Path) -> tuple[float, dict[str, Any]]:
    """One build stage of `source`, timed from its upload as a run's source to its stored trees."""
    run = svc.runs.create(
        Run(id=new_run_id(), site=SITE, kind="hugo", trigger=Trigger("push"), stages=[Stage("build")])
    )
    store = ArtifactStore(svc.s3, svc.settings.artifacts_bucket)
    started = time.perf_counter()
    key = store.put_source(SITE, run.id, source)
    detail = build(svc, run, key, TimeBudget.starting_now(1800)).detail()
    seconds = time.perf_counter() - started
    log, _ = store.get_log(SITE, run.id, "build.log")
    detail["hugo_seconds"] = {target: float(s) for target, s in HUGO_LINE.findall(log)}
    return seconds, detail


def peer_build(source: Path) -> float:
    """`hugo` on a fresh checkout: empty cache and resource folders, one target."""
    with tempfile.TemporaryDirectory(prefix="bench-hugocache-peer-") as tmp:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": tmp,
            "HUGO_CACHEDIR": f"{tmp}/cache",
            "HUGO_RESOURCEDIR": f"{tmp}/resources",
        }
        started = time.perf_counter()
        subprocess.run(
            [str(hugo.find_hugo()), "build", "--source", str(source), "--destination", f"{tmp}/public"],
            check=True,
            capture_output=True,
            env=env,
        )
        return time.perf_counter() - started


def rounds(svc: Services, source: Path, count: int) -> list[dict[str, Any]]:
    """Each round: forget the kept cache, cold build, edit one post, rebuild with the cache restored."""
    store = ArtifactStore(svc.s3, svc.settings.artifacts_bucket)
    done: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        svc.s3.delete_object(Bucket=store.bucket, Key=cache_key(SITE))
        site.edit_post(source, 0)
        cold, cold_detail = presslift_build(svc, source)
        site.edit_post(source, n)
        rebuild, rebuild_detail = presslift_build(svc, source)
        done.append(
            {
                "cold_seconds": round(cold, 2),
                "rebuild_seconds": round(rebuild, 2),
                "cold_hugo_seconds": cold_detail["hugo_seconds"],
                "rebuild_hugo_seconds": rebuild_detail["hugo_seconds"],
                "cold_cache": cold_detail["cache"],
                "rebuild_cache": rebuild_detail["cache"],
                "load_average_1min": round(os.getloadavg()[0], 1),
            }
        )
        print(f"round {n}: {json.dumps(done[-1])}", flush=True)
    site.edit_post(source, 0)
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    source = site.write_site(WORK / f"source-{args.posts}", args.posts)
    for name, value in (("AWS_ACCESS_KEY_ID", "bench"), ("AWS_SECRET_ACCESS_KEY", "bench")):
        os.environ.setdefault(name, value)  # moto's, in this process only
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        settings = Settings.from_env({})
        svc = Services(settings)
        from presslift.localcloud.provision import provision

        provision(
            settings, {name: getattr(svc, name) for name in ("s3", "sqs", "sns", "dynamodb", "cloudfront")}
        )
        svc.sites.add(Site(SITE, repo="bench/photos", kind="hugo"))
        measured = rounds(svc, source, args.rounds)
    peers = [round(peer_build(source), 2) for _ in range(args.rounds)]
    cold = statistics.median(r["cold_seconds"] for r in measured)
    rebuild = statistics.median(r["rebuild_seconds"] for r in measured)
    peer = statistics.median(peers)
    ratio = round(cold / rebuild, 2)
    result = {
        "site": {
            "posts": args.posts,
            "photos": args.posts,
            "photo_size": f"{site.WIDTH}x{site.HEIGHT}",
            "sizes_made_per_photo": 2,
            "targets": ["staging"],
        },
        "presslift": {
            "path": "chalicelib.work.build.build: runner as a child process, Hugo and Pagefind for staging, "
            "the tree hashed and stored in moto S3",
            "cold_seconds_median": cold,
            "rebuild_with_cache_seconds_median": rebuild,
            "rounds": measured,
        },
        "peer": {
            "command": "hugo build on a fresh checkout (empty cacheDir and resourceDir), one target",
            "seconds_median": peer,
            "seconds_all": peers,
        },
        "ratio_cold_to_rebuild": ratio,
        "ratio_peer_to_rebuild": round(peer / rebuild, 2),
        "target": f"a rebuild after a one-post edit at least {TARGET_RATIO:g}x faster than a cold build",
        "target_met": ratio >= TARGET_RATIO,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "hugo": hugo.hugo_version()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("ratio_cold_to_rebuild", "target_met")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
