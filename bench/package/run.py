"""Benchmark: what `make package` ships and what a cold start pays to import it (issue 9).

Reports the deployment package's and the Hugo layer's sizes (zipped and unzipped, against Lambda's
250 MB unzipped limit for a function and its layers), the largest entries of the package, and the
import time of the handler module `app` under Python 3.12 from the unpacked package, as Lambda
imports it: `python -X importtime`, no bytecode written (Lambda's /var/task is read-only), median of
several runs; once as deployed (with the .pyc that `make package` adds) and once from the sources
alone (as Chalice ships it: compiled on every cold start).

    .venv/bin/python -m bench.package.run [--stage prod] [--reps 15] [--no-package]

Writes bench/results/package.json and prints a table. Work files go to bench/work/package/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / "work" / "package"
RESULTS = ROOT / "bench" / "results" / "package.json"
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)$")


def python312() -> str:
    """An interpreter of Lambda's version, found as packaging finds it."""
    from presslift.packaging.bytecode import find_python312

    found = find_python312()
    if found is None:
        raise SystemExit("no Python 3.12 found: set PRESSLIFT_PYTHON312 to one")
    return found


def lambda_runtime_sdk(python: str, target: Path) -> Path:
    """boto3 and botocore as the Lambda runtime provides them (the pins in requirements-dev.txt),
    on the path after the package as in /var/runtime; they are not in the package."""
    if (target / "botocore").is_dir():
        return target
    pins = [
        line.strip()
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if line.startswith(("boto3==", "botocore==", "s3transfer=="))
    ]
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(target),
            *pins,
        ],
        check=True,
    )
    # Lambda's runtime ships its SDK compiled; only the package's own modules compile at cold start.
    subprocess.run([python, "-m", "compileall", "-q", str(target)], check=True)
    return target


def zip_sizes(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    tops: dict[str, int] = {}
    for info in infos:
        top = info.filename.split("/", 1)[0]
        tops[top] = tops.get(top, 0) + info.file_size
    largest = sorted(tops.items(), key=lambda item: -item[1])[:8]
    return {
        "zipped_bytes": path.stat().st_size,
        "unzipped_bytes": sum(info.file_size for info in infos),
        "files": len(infos),
        "largest": [{"entry": name, "unzipped_bytes": size} for name, size in largest],
    }


def unpack(deployment: Path, task: Path, *, bytecode: bool) -> Path:
    shutil.rmtree(task, ignore_errors=True)
    with zipfile.ZipFile(deployment) as archive:
        names = [name for name in archive.namelist() if bytecode or "__pycache__/" not in name]
        archive.extractall(task, members=names)
    return task


def _one_import(python: str, task: Path, runtime: Path) -> tuple[int, float, list[tuple[int, str]]]:
    """(microseconds importing app, CPU seconds of the whole process, top-level modules' times)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": f"{task}{os.pathsep}{runtime}",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [python, "-B", "-X", "importtime", "-c", "import app"],
        cwd=task,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    modules: list[tuple[int, str]] = []
    total = 0
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        cumulative, depth, name = int(match.group(2)), len(match.group(3)), match.group(4)
        if depth <= 3:
            modules.append((cumulative, name))
        if name == "app" and depth == 1:
            total = cumulative
    return total, cpu, modules


def import_times(python: str, tasks: dict[str, Path], runtime: Path, reps: int) -> dict[str, Any]:
    """Per variant: median and spread of the import time of `app` and of the process's CPU time.
    The variants alternate run by run, so a busy machine slows them alike."""
    runs: dict[str, list[tuple[int, float, list[tuple[int, str]]]]] = {name: [] for name in tasks}
    for _ in range(reps):
        for name, task in tasks.items():
            runs[name].append(_one_import(python, task, runtime))
    result: dict[str, Any] = {}
    for name, measured in runs.items():
        measured.sort(key=lambda run: run[0])
        total, _, modules = measured[len(measured) // 2]
        result[name] = {
            "median_ms": round(total / 1000, 1),
            "min_ms": round(measured[0][0] / 1000, 1),
            "max_ms": round(measured[-1][0] / 1000, 1),
            "process_cpu_median_ms": round(statistics.median(run[1] for run in measured) * 1000, 1),
            "slowest_top_level": [
                {"module": module, "cumulative_ms": round(us / 1000, 1)}
                for us, module in sorted(modules, reverse=True)[:10]
            ],
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stage", default="prod")
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--no-package", action="store_true", help="measure build/package/<stage> as it is")
    args = parser.parse_args(argv)
    out = ROOT / "build" / "package" / args.stage
    if not args.no_package:
        from presslift.packaging.package import package

        packaged = package(args.stage, run_checks=False)
        out = packaged.out
    deployment, layer = out / "deployment.zip", out / "hugo-layer-x86_64.zip"
    python = python312()
    runtime = lambda_runtime_sdk(python, WORK / "runtime")
    sizes = {"deployment_package": zip_sizes(deployment), "layer": zip_sizes(layer)}
    combined = sizes["deployment_package"]["unzipped_bytes"] + sizes["layer"]["unzipped_bytes"]
    result = {
        "stage": args.stage,
        "python": subprocess.run([python, "--version"], capture_output=True, text=True).stdout.strip(),
        **sizes,
        "function_plus_layer_unzipped_bytes": combined,
        "lambda_unzipped_limit_bytes": LAMBDA_UNZIPPED_LIMIT,
        "import_app": import_times(
            python,
            {
                "as_deployed": unpack(deployment, WORK / "task", bytecode=True),
                "from_sources_only": unpack(deployment, WORK / "task-sources", bytecode=False),
            },
            runtime,
            args.reps,
        ),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")

    mb = 1024 * 1024
    for name in ("deployment_package", "layer"):
        size = result[name]
        print(
            f"{name:20} {size['zipped_bytes'] / mb:7.1f} MB zipped"
            f" {size['unzipped_bytes'] / mb:7.1f} MB unzipped ({size['files']} files)"
        )
    print(
        f"{'function + layer':20} {combined / mb:7.1f} MB unzipped"
        f" of Lambda's {LAMBDA_UNZIPPED_LIMIT / mb:.0f} MB"
    )
    print(
        "largest in the package: "
        + ", ".join(
            f"{e['entry']} {e['unzipped_bytes'] / mb:.1f} MB"
            for e in sizes["deployment_package"]["largest"][:5]
        )
    )
    for key, label in (("as_deployed", "as deployed (.pyc)"), ("from_sources_only", "from sources only")):
        timing = result["import_app"][key]
        print(
            f"import app, {label:19} median {timing['median_ms']:6.1f} ms"
            f" (min {timing['min_ms']}, max {timing['max_ms']};"
            f" process CPU {timing['process_cpu_median_ms']} ms; {args.reps} runs, {result['python']})"
        )
    print(
        "slowest imports as deployed: "
        + ", ".join(
            f"{m['module']} {m['cumulative_ms']} ms"
            for m in result["import_app"]["as_deployed"]["slowest_top_level"][:6]
        )
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
