"""Nothing a repository's code starts outlives the command that started it.

The runner runs a repository's code: its check command, Hugo with its PostCSS or Babel config, npm
scripts. Such code can leave a process behind (`setsid cmd &`), and one left in the runner would see
every later job of the same warm Lambda environment, another site's too, and could rewrite its pages
before they are packed: a real proof of concept put a script in another site's prod pages this way.

So the runner's process is Linux's child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`): a process that
leaves its parent, however it detaches, becomes the runner's child instead of init's, and
`kill_strays` kills every process below the runner after each command of a repository's and at the
start and end of each job. Only the runner's own process is armed (`arm`: `python -m
chalicelib.buildrunner`, and the runner function's process where Lambda names the function):
elsewhere, as in a test run that calls the handler or the local cloud's own process, whose other
children are not the job's, `kill_strays` does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import time
from pathlib import Path

log = logging.getLogger(__name__)

PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>
#: Rounds of killing before giving up on a process tree that keeps forking.
_ROUNDS = 200
_PAUSE_SECONDS = 0.01

_armed = False


def arm() -> bool:
    """Make this process the subreaper of everything it starts, and let `kill_strays` work; False
    where the kernel cannot (not Linux), where a detached process would escape to init."""
    global _armed
    _armed = True
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        ok = bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        ok = False
    if not ok:
        log.warning("not a child subreaper here: a process a repository detaches may outlive its command")
    return ok


def armed() -> bool:
    return _armed


def kill_strays() -> int:
    """Kill every process below this one and reap those that became its children; the number
    killed. Nothing where `arm` was not called."""
    if not _armed:
        return 0
    me, killed = os.getpid(), 0
    for _ in range(_ROUNDS):
        below = _descendants(me)
        if not below:
            return killed
        for pid in below:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        _reap(me)
        time.sleep(_PAUSE_SECONDS)
    log.warning("processes left by a repository's command kept forking; some may be left")
    return killed


def _reap(me: int) -> None:
    """Collect the exit of each killed process that is this one's child (orphans come to it)."""
    for pid in _children(me):
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)


def _parents() -> dict[int, int]:
    """Every live process's parent, from /proc (a process gone meanwhile is skipped)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":  # a zombie is dead already: reaping is all it needs
            parents[int(stat.parent.name)] = int(fields[1])
    return parents


def _children(me: int) -> list[int]:
    children: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == me:
                children.append(int(stat.parent.name))
    return children


def _descendants(root: int) -> list[int]:
    parents = _parents()
    below: list[int] = []
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier and pid not in below}
        below.extend(frontier)
    return below
