"""`python -m chalicelib.buildrunner`: one job as JSON on stdin, its result as JSON on stdout.

This is how the local cloud (and a build function without a runner function) runs the runner: a
child process started with an allowlisted environment. It must never print anything but the result
to stdout (Hugo's and Pagefind's output go to the log).
"""

from __future__ import annotations

import sys

from chalicelib.buildrunner.job import BuildJob
from chalicelib.buildrunner.reaper import arm, kill_strays
from chalicelib.buildrunner.render import run_job


def main() -> int:
    arm()  # nothing the job starts outlives the command that started it (reaper.py)
    job = BuildJob.from_json(sys.stdin.read())
    try:
        sys.stdout.write(run_job(job).to_json())
    finally:
        kill_strays()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
