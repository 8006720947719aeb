"""`make bench-convert`: Presslift's `presslift convert` against wordpress-export-to-markdown 2.2.2.

Generates an export of at least 10,000 items and 25 MB from the WordPress theme-unit-test export,
runs both converters on it side by side (alternating, so both see the same machine load), measures
wall time, CPU time and peak RSS with GNU time, and writes the medians, the ratios and whether the
target of issue 19 is met to bench/results/convert.json: at least 3x the peer by CPU time and 30x by
wall time (medians of the same run), peak RSS at most 85 MB.

Run: `.venv/bin/python -m bench.convert.run [--repeat N]`. Works offline once the npm package is
installed (the first run installs it into bench/work/npm). This must never write outside
bench/work/ and bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.convert.generate import generate

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "fixtures" / "wxr" / "wptrt-themeunittestdata.wordpress.xml"
WORK = ROOT / "bench" / "work" / "convert"
NPM_PREFIX = ROOT / "bench" / "work" / "npm"
PEER = "wordpress-export-to-markdown@2.2.2"
PEER_SCRIPT = NPM_PREFIX / "node_modules" / "wordpress-export-to-markdown" / "index.js"
RESULTS = ROOT / "bench" / "results" / "convert.json"
TIME = Path("/usr/bin/time")
MIN_ITEMS = 10_000
MIN_BYTES = 25 * 1024 * 1024
TARGET_RATIO_CPU = 3.0
TARGET_RATIO_WALL = 30.0
TARGET_RSS_MB = 85.0
LAMBDA_SECONDS = 15 * 60


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    load_average_before: float


def timed(command: list[str], cwd: Path) -> Run:
    """Runs `command` under GNU time; fails loudly when it fails."""
    load = os.getloadavg()[0]
    with tempfile.NamedTemporaryFile("r", suffix=".time", dir=WORK) as out:
        result = subprocess.run(
            [str(TIME), "-f", "%e %U %S %M", "-o", out.name, *command],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(
                f"benchmark command failed ({result.returncode}): {' '.join(command)}\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            )
        wall, user, system, rss_kb = out.read().split()[-4:]
    return Run(float(wall), float(user) + float(system), int(rss_kb) / 1024, load)


def presslift_command(export: Path, out: Path) -> list[str]:
    script = Path(sys.executable).parent / "presslift"
    return [str(script), "convert", str(export), "--out", str(out)]


def peer_command(export: Path, out: Path) -> list[str]:
    # --wizard=false skips the prompts; image downloads off keeps it offline (as issue 3 measured it);
    # other types on, so it converts pages too, as Presslift does.
    return [
        "node",
        str(PEER_SCRIPT),
        "--wizard=false",
        f"--input={export}",
        f"--output={out}",
        "--save-attached-images=false",
        "--save-scraped-images=false",
        "--include-other-types=true",
    ]


def ensure_peer() -> None:
    if PEER_SCRIPT.is_file():
        return
    if shutil.which("npm") is None:
        sys.exit("npm is not installed: the benchmark needs it for the peer " + PEER)
    print(f"installing {PEER} into {NPM_PREFIX.relative_to(ROOT)} …", flush=True)
    subprocess.run(["npm", "install", "--prefix", str(NPM_PREFIX), PEER], check=True)


def remove_outputs(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def summary(runs: list[Run], items: int) -> dict[str, object]:
    seconds = statistics.median(r.seconds for r in runs)
    return {
        "runs": [asdict(r) for r in runs],
        "median_seconds": round(seconds, 3),
        "median_cpu_seconds": round(statistics.median(r.cpu_seconds for r in runs), 3),
        "items_per_second": round(items / seconds, 1),
        "peak_rss_mb": round(max(r.peak_rss_mb for r in runs), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each converter (medians are kept)")
    args = parser.parse_args(argv)
    if not SOURCE.is_file():
        print(
            f"skipped: the theme-unit-test export is not at {SOURCE} "
            "(it comes with the team's shared/fixtures folder)"
        )
        return 0
    if not TIME.is_file():
        sys.exit(f"GNU time is needed at {TIME} to measure peak RSS (Debian: apt-get install time)")
    WORK.mkdir(parents=True, exist_ok=True)
    remove_outputs(sorted(WORK.glob("out-*")))  # an interrupted run's, before the export is made
    ensure_peer()
    export = WORK / "export.xml"
    items, size = generate(SOURCE, export, min_items=MIN_ITEMS, min_bytes=MIN_BYTES)
    print(f"export: {items} items, {size / 2**20:.1f} MB ({export.relative_to(ROOT)})", flush=True)
    ours: list[Run] = []
    theirs: list[Run] = []
    outputs: list[Path] = []
    for n in range(1, args.repeat + 1):
        for name, runs, command in (("presslift", ours, presslift_command), ("peer", theirs, peer_command)):
            out = WORK / f"out-{name}-{n}"
            outputs.append(out)
            run = timed(command(export, out), ROOT)
            runs.append(run)
            print(
                f"  run {n} {name:9} {run.seconds:7.1f} s  cpu {run.cpu_seconds:7.1f} s  "
                f"{run.peak_rss_mb:6.1f} MB",
                flush=True,
            )
    # Each run writes its own folder, all removed only now: on ext4 without a journal (this machine's
    # disk), a new inode skips every inode freed in the last 60 s (300 s while its table block is
    # dirty), one block lookup each (fs/ext4/ialloc.c, recently_deleted). Removing one converter's
    # ~14,000 files and folders just before the other's run added 1-3 s of system time to that run.
    remove_outputs(outputs)
    presslift, peer = summary(ours, items), summary(theirs, items)
    ratio = float(presslift["items_per_second"]) / float(peer["items_per_second"])  # type: ignore[arg-type]
    wall_ratio = float(peer["median_seconds"]) / float(presslift["median_seconds"])  # type: ignore[arg-type]
    cpu_ratio = float(peer["median_cpu_seconds"]) / float(presslift["median_cpu_seconds"])  # type: ignore[arg-type]
    target_met = (
        cpu_ratio >= TARGET_RATIO_CPU
        and wall_ratio >= TARGET_RATIO_WALL
        and float(presslift["peak_rss_mb"]) <= TARGET_RSS_MB  # type: ignore[arg-type]
    )
    lambda_items = int(float(presslift["items_per_second"]) * LAMBDA_SECONDS)  # type: ignore[arg-type]
    result = {
        "export": {"items": items, "bytes": size, "generated_from": SOURCE.name},
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "repeat": args.repeat,
        "presslift": presslift,
        "peer": {"name": PEER, "command": " ".join(peer_command(Path("EXPORT"), Path("OUT"))), **peer},
        "peer_note": (
            "the peer waits 25 ms before each Markdown file it writes (settings.markdown_file_write_delay), "
            "so most of its wall time is that throttle; ratio_cpu_seconds compares the work done"
        ),
        "ratio_items_per_second": round(ratio, 2),
        "ratio_wall_seconds": round(wall_ratio, 2),
        "ratio_cpu_seconds": round(cpu_ratio, 2),
        "target": {
            "min_ratio_cpu": TARGET_RATIO_CPU,
            "min_ratio_wall": TARGET_RATIO_WALL,
            "max_peak_rss_mb": TARGET_RSS_MB,
        },
        "target_met": target_met,
        "lambda_15min": {"items": lambda_items, "megabytes": round(lambda_items * size / items / 2**20)},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(f"{'':12}{'items/s':>10}{'median s':>10}{'cpu s':>10}{'peak MB':>10}")
    for name, row in (("presslift", presslift), ("peer", peer)):
        print(
            f"{name:12}{row['items_per_second']:>10}{row['median_seconds']:>10}"
            f"{row['median_cpu_seconds']:>10}{row['peak_rss_mb']:>10}"
        )
    print(
        f"\nwall time ratio {wall_ratio:.1f}x (target {TARGET_RATIO_WALL:.0f}x), CPU time ratio "
        f"{cpu_ratio:.1f}x (target {TARGET_RATIO_CPU:.0f}x), peak {presslift['peak_rss_mb']} MB "
        f"(target <= {TARGET_RSS_MB:.0f} MB): {'met' if target_met else 'NOT met'}"
    )
    print(f"largest export in Lambda's 15 minutes at this rate: about {lambda_items} items")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
