"""`python -m presslift.packaging package --stage prod`: package, check, print the findings.

Exit status 0 when every check passes, 1 when a check found something, 2 on a packaging error.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from presslift.packaging.package import package
from presslift.packaging.stage import StageError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m presslift.packaging")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("package", help="chalice package + infra/, the SAM transform and the checks")
    run.add_argument("--stage", default="prod")
    run.add_argument("--out", type=Path, default=None, help="default: build/package/<stage>")
    secrets = commands.add_parser("secrets", help="write PRESSLIFT_GITHUB_TOKEN to SSM (AWS)")
    secrets.add_argument("--stage", default="prod")
    args = parser.parse_args(argv)
    if args.command == "secrets":
        import boto3

        from presslift.packaging.ssm_secrets import write_secrets

        written = write_secrets(args.stage, boto3.client("ssm"))
        print(f"wrote {', '.join(written)}" if written else "no PRESSLIFT_GITHUB_TOKEN set: SSM unchanged")
        return 0
    try:
        packaged = package(args.stage, args.out)
    except (StageError, subprocess.CalledProcessError) as exc:
        print(f"packaging stage {args.stage} failed: {exc}", file=sys.stderr)
        return 2
    for note in [*packaged.stage.notes, *packaged.notes]:
        print(f"note: {note}")
    for function in packaged.functions:
        where = f" <- {function.queue}" if function.queue else ""
        print(f"function {function.logical_id}: {function.trigger}{where}, timeout {function.timeout} s")
    for check, findings in packaged.findings.items():
        print(f"{'ok  ' if not findings else 'FAIL'} {check}" + (f": {len(findings)}" if findings else ""))
        for finding in findings:
            print(f"       {finding}")
    if packaged.idle is not None:
        print(packaged.idle.summary())
        for line in packaged.idle.breakdown():
            print(f"       {line}")
    if packaged.idle_warning:
        print(packaged.idle_warning)
    print(f"{packaged.out}/sam.json ({', '.join(f'{k} {v:.1f} s' for k, v in packaged.seconds.items())})")
    return 0 if packaged.ok else 1


if __name__ == "__main__":
    sys.exit(main())
