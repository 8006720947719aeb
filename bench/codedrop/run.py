"""Benchmark: Presslift's code drop against `rsync -a --delete` into a live tree (issue 8).

A generated bundle of 5,000 files (~36 MB of text and binary files of varied sizes) is dropped once,
then "rebuilt": a fresh tree with every file rewritten (new mtimes, as a build makes them) and one file
changed, and dropped again. rsync (Debian's /usr/bin/rsync) does the same into a live folder. Each step
is timed as the median of several repetitions; bytes written are counted by Presslift itself and taken
from rsync's --stats. The switch time is measured for bundles of 500 and 5,000 files.

    .venv/bin/python -m bench.codedrop.run [--reps 5] [--files 5000] [--megabytes 36]

Writes bench/results/codedrop.json and prints a table. Work files go to bench/work/codedrop/.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from chalicelib.codedrop import drop_release, rollback
from chalicelib.manifest import Manifest, scan_tree

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / "work" / "codedrop"
RESULTS = ROOT / "bench" / "results" / "codedrop.json"
RSYNC = "/usr/bin/rsync"
SPEEDUP_TARGET = 2.0
SWITCH_GROWTH_LIMIT = 2.0  # the 5,000-file switch may take at most twice the 500-file one ...
SWITCH_NOISE_FLOOR = 0.001  # ... or anything under a millisecond, where timer noise dominates
CHANGED_FILE = 1234  # which file the rebuild changes
ROLLBACK_SWITCHES = 10  # rollback and roll forward this often per repetition: switch times are tiny


def file_sizes(count: int, total: int, seed: int) -> list[int]:
    """Mostly small source files, some medium, a few large assets, scaled to `total` bytes."""
    rng = random.Random(seed)
    raw = [
        rng.choice(
            [rng.randint(200, 4_000)] * 6 + [rng.randint(4_000, 20_000)] * 3 + [rng.randint(20_000, 60_000)]
        )
        for _ in range(count)
    ]
    scale = total / sum(raw)
    return [max(1, int(size * scale)) for size in raw]


def file_path(index: int) -> str:
    kind = "bin" if index % 4 == 0 else "py"
    return f"pkg{index % 25:02d}/sub{index % 7}/mod{index:05d}.{kind}"


def file_bytes(index: int, size: int, seed: int) -> bytes:
    if index % 4 == 0:
        return random.Random(seed * 100_003 + index).randbytes(size)
    line = f"def function_{index}(value):  # generated module {index}\n    return value * {index}\n".encode()
    return (line * (size // len(line) + 1))[:size]


def write_tree(root: Path, count: int, total: int, *, changed: int | None = None) -> None:
    """A freshly built tree: every file written now; `changed` gets one different line."""
    shutil.rmtree(root, ignore_errors=True)
    for index, size in enumerate(file_sizes(count, total, seed=count)):
        path = root / file_path(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = file_bytes(index, size, seed=count)
        if index == changed:
            data += b"\n# rebuilt with one change\n"
        path.write_bytes(data)


def timed_drop(mount: Path, run_id: str, tree: Path, keep: int = 5) -> dict[str, float | int]:
    started = time.perf_counter()
    manifest = Manifest("bench", run_id, "code", "", scan_tree(tree))
    scanned = time.perf_counter()
    result = drop_release(mount, "prod", "bench", run_id, tree, manifest, keep=keep)
    finished = time.perf_counter()
    return {
        "seconds": finished - scanned,
        "manifest_seconds": scanned - started,
        "switch_seconds": result.switch_seconds,
        "files_copied": result.files_copied,
        "files_linked": result.files_linked,
        "bytes_written": result.bytes_written,
        "manifest_bytes": result.manifest_bytes,
        "releases_pruned": len(result.pruned),
    }


def timed_rsync(source: Path, live: Path) -> dict[str, float | int]:
    started = time.perf_counter()
    completed = subprocess.run(
        [RSYNC, "-a", "--delete", "--stats", f"{source}/", f"{live}/"],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "files_transferred": _stat(completed.stdout, r"Number of regular files transferred: ([\d,]+)"),
        "bytes_written": _stat(completed.stdout, r"Total transferred file size: ([\d,]+)"),
    }


def _stat(text: str, pattern: str) -> int:
    match = re.search(pattern, text)
    return int(match.group(1).replace(",", "")) if match else -1


def run_once(count: int, total: int, rep: int) -> dict[str, dict[str, float | int]]:
    work = WORK / f"{count}-files"
    shutil.rmtree(work, ignore_errors=True)
    first, rebuilt = work / "build-1", work / "build-2"
    write_tree(first, count, total)
    # A rebuild comes later than the first build: make sure no mtime can equal the first tree's, as
    # rsync would then skip files on equal size and mtime, which a real rebuild never allows.
    time.sleep(1.1)
    write_tree(rebuilt, count, total, changed=CHANGED_FILE % count)
    mount, live = work / "efs", work / "live"
    live.mkdir(parents=True)
    results: dict[str, dict[str, float | int]] = {
        "changed_file": {"bytes": (rebuilt / file_path(CHANGED_FILE % count)).stat().st_size}
    }
    # Alternate who goes first so neither always meets the colder page cache.
    order = ["presslift", "rsync"] if rep % 2 == 0 else ["rsync", "presslift"]
    for tool in order:
        if tool == "presslift":
            results["presslift_first"] = timed_drop(mount, f"r{rep}-1", first)
            results["presslift_rebuild"] = timed_drop(mount, f"r{rep}-2", rebuilt)
            # Steady state: every drop also prunes the release that falls past `keep` (after the
            # switch, so readers never wait for it). Drop the first tree again with keep=2.
            results["presslift_drop_and_prune"] = timed_drop(mount, f"r{rep}-3", first, keep=2)
            switches = []
            for _ in range(ROLLBACK_SWITCHES):
                switches.append(rollback(mount, "prod", "bench").switch_seconds)
                switches.append(rollback(mount, "prod", "bench", f"r{rep}-3").switch_seconds)
            results["presslift_rollback"] = {"switch_seconds": statistics.median(switches)}
        else:
            results["rsync_first"] = timed_rsync(first, live)
            results["rsync_rebuild"] = timed_rsync(rebuilt, live)
    shutil.rmtree(work, ignore_errors=True)
    return results


def medians(runs: list[dict[str, dict[str, float | int]]]) -> dict[str, dict[str, float]]:
    return {
        step: {key: statistics.median(run[step][key] for run in runs) for key in runs[0][step]}
        for step in runs[0]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--megabytes", type=float, default=36)
    args = parser.parse_args(argv)
    if not Path(RSYNC).exists():
        print(f"{RSYNC} is missing: apt-get install -y rsync", file=sys.stderr)
        return 2
    sizes = {}
    for count in sorted({args.files // 10, args.files}):
        total = int(args.megabytes * 1_000_000 * count / args.files)
        runs = [run_once(count, total, rep) for rep in range(args.reps)]
        sizes[str(count)] = {"files": count, "bytes": total, "median": medians(runs), "runs": runs}
    report = build_report(sizes, args)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n")
    print_table(report)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 0


def build_report(sizes: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    big, small = sizes[str(args.files)]["median"], sizes[str(args.files // 10)]["median"]
    changed_size = int(big["changed_file"]["bytes"])
    speedup = big["rsync_rebuild"]["seconds"] / big["presslift_rebuild"]["seconds"]
    # The switch is the same symlink and rename in a drop and a rollback; the rollbacks give
    # 2 x ROLLBACK_SWITCHES samples per repetition instead of one.
    switch_big = big["presslift_rollback"]["switch_seconds"]
    switch_small = small["presslift_rollback"]["switch_seconds"]
    checks = {
        "rebuild_writes_only_the_changed_file": big["presslift_rebuild"]["bytes_written"] == changed_size,
        "rebuild_at_least_2x_faster_than_rsync": speedup >= SPEEDUP_TARGET,
        "switch_does_not_grow_with_the_bundle": switch_big
        <= max(SWITCH_GROWTH_LIMIT * switch_small, SWITCH_NOISE_FLOOR),
    }
    return {
        "benchmark": "codedrop",
        "command": ".venv/bin/python -m bench.codedrop.run " + " ".join(sys.argv[1:]),
        "rsync": subprocess.run([RSYNC, "--version"], capture_output=True, text=True).stdout.splitlines()[0],
        "repetitions": args.reps,
        "changed_file_bytes": changed_size,
        "sizes": sizes,
        "ratios": {
            "rebuild_speedup_vs_rsync": speedup,
            "first_drop_speedup_vs_rsync": big["rsync_first"]["seconds"] / big["presslift_first"]["seconds"],
            "rebuild_bytes_rsync_over_presslift": big["rsync_rebuild"]["bytes_written"]
            / max(1, big["presslift_rebuild"]["bytes_written"]),
            "switch_seconds_large_over_small": switch_big / switch_small if switch_small else None,
        },
        "targets": {
            "rebuild_bytes_written": f"== {changed_size} (the changed file only)",
            "rebuild_speedup_vs_rsync": f">= {SPEEDUP_TARGET}",
            "switch_growth": f"<= {SWITCH_GROWTH_LIMIT}x from the small to the large bundle, "
            f"or under {SWITCH_NOISE_FLOOR} s (medians of {2 * ROLLBACK_SWITCHES} switches per repetition)",
        },
        "checks": checks,
        "target_met": all(checks.values()),
        "notes": [
            "seconds for Presslift are the drop alone; manifest_seconds (hashing the built tree) is part of "
            "the build, which produces the manifest once per run, and is reported beside it",
            "bytes_written counts file contents; manifest_bytes is the release's manifest file",
            "rsync bytes are --stats 'Total transferred file size'",
        ],
    }


def print_table(report: dict[str, Any]) -> None:
    rows = [("step", "files", "seconds", "bytes written", "files written", "switch ms")]
    for count, size in report["sizes"].items():
        median = size["median"]
        for step in (
            "presslift_first",
            "rsync_first",
            "presslift_rebuild",
            "rsync_rebuild",
            "presslift_drop_and_prune",
        ):
            values = median[step]
            written = values.get("files_copied", values.get("files_transferred", 0))
            switch = f"{values['switch_seconds'] * 1000:.3f}" if "switch_seconds" in values else "-"
            rows.append(
                (
                    step,
                    count,
                    f"{values['seconds']:.3f}",
                    f"{values['bytes_written']:,.0f}",
                    f"{written:,.0f}",
                    switch,
                )
            )
        rows.append(
            (
                "presslift_rollback",
                count,
                "-",
                "0",
                "0",
                f"{median['presslift_rollback']['switch_seconds'] * 1000:.3f}",
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)))
    ratios = report["ratios"]
    print(
        f"\nrebuild: Presslift {ratios['rebuild_speedup_vs_rsync']:.1f}x faster than rsync, "
        f"{ratios['rebuild_bytes_rsync_over_presslift']:,.0f}x fewer bytes written; "
        f"switch time large/small bundle: {ratios['switch_seconds_large_over_small']:.2f}"
    )
    for name, ok in report["checks"].items():
        print(f"  {'ok  ' if ok else 'MISS'} {name}")
    print(f"target_met: {report['target_met']}")


if __name__ == "__main__":
    raise SystemExit(main())
