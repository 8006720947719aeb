"""One Hugo process, stopped when it hangs.

Hugo 0.168 can hang for good after a page fails to render: its error collector and its page walker
wait on each other on a channel (a goroutine dump shows both in `chan send`), before it has printed
the error. Cactus' example site does so about one build in four on two CPUs, plain `hugo` as much as
here, and never in 42 builds with one (GOMAXPROCS=1); Future Imperfect Slim's in 8 of 18 on two CPUs
and 5 of 9 on one, and never in 36 with one worker per CPU (HUGO_NUMWORKERMULTIPLIER=1, which makes
a sound build about a fifth slower, so only the second run has it). A real blog (Bryce Wray's, whose
every page fails on a missing image) hangs in every build with one worker and in none of 8 with 64
workers per CPU (HUGO_NUMWORKERMULTIPLIER=64) or with Hugo's own count: with one worker, the first
error stops the only one. Unwatched, such a build holds the function until its 900 s run out and says
nothing of why.

`run` watches for that: a Hugo that writes nothing and whose processes (Hugo and Dart Sass, its process
group) use no CPU for `idle_seconds` has hung, and is stopped. The caller gives a longer idle time
where Hugo may wait on the network (a site whose operator allowed remote hosts) and, on a hang, runs
Hugo again on one CPU with one worker (`ONE_CPU`), then with many (`MANY_WORKERS`), until one run
reports its error (`RETRIES`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from chalicelib.buildrunner.reaper import kill_strays

#: How long Hugo may write nothing and use no CPU before it is taken to have hung. A sound build is
#: never so quiet for long: the longest such gap measured was 0.16 s, over a 2,000-page site (5.8 s),
#: a 300-photo site whose every image Hugo resizes (21 s) and a real blog; a failing one that hangs
#: does so at most three times before its error is told, so each second here is up to three lost.
IDLE_SECONDS = 10.0
#: The same where Hugo may wait on a remote host (Hugo's own timeout for a fetch is 60 s).
NETWORK_IDLE_SECONDS = 120.0
#: Hugo's environment for a run that must not hang: Go scheduling on one CPU, one Hugo worker per CPU.
ONE_CPU = {"GOMAXPROCS": "1", "HUGO_NUMWORKERMULTIPLIER": "1"}
#: And where that hangs too: many workers, so that some still take pages after others stopped on an error.
MANY_WORKERS = {"HUGO_NUMWORKERMULTIPLIER": "64"}
#: The environments a hung build is run again with, in order.
RETRIES = (ONE_CPU, MANY_WORKERS)
#: More CPU than this since Hugo last did anything is work, not Go's runtime ticking over.
_BUSY_CPU_SECONDS = 0.05
_POLL_SECONDS = 0.25
_CPU_EVERY_SECONDS = 1.0


@dataclass(frozen=True)
class Finished:
    returncode: int
    log: str
    hung: bool = False


class TimedOut(Exception):
    """Hugo did not finish within the time it was allowed; `log` is what it wrote until then."""

    def __init__(self, log: str) -> None:
        super().__init__("Hugo timed out")
        self.log = log


def run(
    args: list[str],
    env: dict[str, str],
    timeout: float,
    *,
    idle_seconds: float = IDLE_SECONDS,
    cwd: Path | None = None,
) -> Finished:
    """Run Hugo (in `cwd`: the site's folder, as a user runs it) with its output (both streams, in
    order) kept; stop it when it has hung (`hung`) or when `timeout` runs out (`TimedOut`)."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, stdout=out, stderr=out, env=env, start_new_session=True, cwd=cwd)
        started = active_at = looked_at = time.monotonic()
        cpu_then, written = 0.0, 0
        try:
            while True:
                try:
                    return Finished(proc.wait(timeout=_POLL_SECONDS), _text(out))
                except subprocess.TimeoutExpired:
                    pass
                now = time.monotonic()
                size = out.seek(0, os.SEEK_END)
                if size != written:
                    written, active_at = size, now
                if now - looked_at >= _CPU_EVERY_SECONDS:
                    looked_at, cpu = now, group_cpu_seconds(proc.pid)
                    if cpu - cpu_then > _BUSY_CPU_SECONDS:
                        cpu_then, active_at = cpu, now
                if now - active_at > idle_seconds:
                    _stop(proc)
                    return Finished(proc.returncode, _text(out), hung=True)
                if now - started > timeout:
                    _stop(proc)
                    raise TimedOut(_text(out))
        finally:
            if proc.poll() is None:
                _stop(proc)
            kill_strays()  # what the site's PostCSS, Babel or npm left running (runner only: reaper.py)


def group_cpu_seconds(group: int) -> float:
    """The CPU time the live processes of process group `group` have used, from Linux's /proc; where
    there is no /proc it reads as none, and output alone shows Hugo at work."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _text(out: IO[bytes]) -> str:
    out.seek(0)
    return out.read().decode("utf-8", errors="replace")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
