"""Run one command as a child process and measure it: wall time, CPU time (user + system, its children
included), the peak RSS of its whole process tree (sampled from /proc) and the peak bytes in its own
scratch folder (sampled by walking it). Given a function's limits, the child is held to them as Lambda
holds a function: the whole process tree is stopped at the first sample over its memory or /tmp, or at
its timeout, and the run says which. Linux only (/proc). Benchmark-only code.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
RSS_EVERY = 0.05
TMP_EVERY = 0.25


@dataclass(frozen=True)
class Limits:
    """What one invocation may use: its function's memory for the stage's own processes, the build
    runner's function's memory for the runner's processes (a function of its own on AWS), and its
    function's ephemeral storage for its scratch folder."""

    memory_mb: int
    runner_memory_mb: int
    tmp_mb: int

    def over(self, stage_bytes: int, runner_bytes: int, tmp_bytes: int) -> str:
        """Which limit these figures pass, in words ("" when none)."""
        for what, used, limit in (
            ("memory", stage_bytes, self.memory_mb),
            ("the build runner's memory", runner_bytes, self.runner_memory_mb),
            ("/tmp", tmp_bytes, self.tmp_mb),
        ):
            if used > limit * 2**20:
                return f"{what}: {used / 2**20:,.0f} MB of its {limit:,} MB"
        return ""


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    peak_tmp_mb: float
    returncode: int
    stdout: str
    stderr: str
    started: float = 0.0  # time.time() at start
    #: (time.time(), tree RSS bytes, tree CPU seconds, the runner's RSS bytes) every RSS_EVERY;
    #: (time.time(), bytes) for /tmp.
    rss_samples: tuple[tuple[float, int, float, int], ...] = ()
    tmp_samples: tuple[tuple[float, int], ...] = ()
    #: Why the child was stopped before it ended ("" when it ran to its end): the limit it passed.
    stopped: str = ""

    def figures(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("stdout", "stderr", "started", "rss_samples", "tmp_samples"):
            del out[key]
        return out | _split_rss(self.rss_samples)

    def window(self, start: float, end: float) -> dict[str, Any]:
        """Peaks and CPU between two instants of the run, from the samples (for a stage inside it)."""
        inside = [s for s in self.rss_samples if start <= s[0] <= end]
        tmp = [s[1] for s in self.tmp_samples if start <= s[0] <= end]
        before = [s for s in self.rss_samples if s[0] < start]
        cpu_start = before[-1][2] if before else 0.0
        cpu_end = inside[-1][2] if inside else cpu_start
        return {
            "seconds": round(end - start, 2),
            "cpu_seconds": round(max(0.0, cpu_end - cpu_start), 2),
            "peak_rss_mb": round(max((s[1] for s in inside), default=0) / 2**20, 1),
            **_split_rss(inside),
            "peak_tmp_mb": round(max(tmp, default=0) / 2**20, 1),
            "samples": len(inside),
        }


def tree_usage(root: int) -> tuple[int, float, int]:
    """Resident bytes of `root` and every process under it, their CPU seconds (user + system, with
    what each has reaped of its own children), and the resident bytes of the build runner's processes
    among them (`python -m chalicelib.buildrunner` and what it runs: Hugo, Pagefind), now. On AWS the
    runner is a function of its own, held to its own memory."""
    parents = _parents()
    tree = _tree(root, parents)
    runners = {pid for pid in tree if RUNNER in _cmdline(pid)}
    in_runner = set(runners)
    frontier = list(runners)
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child in tree and child not in in_runner:
                in_runner.add(child)
                frontier.append(child)
    total, ticks, runner = 0, 0, 0
    for pid in tree:
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            total += resident
            runner += resident if pid in in_runner else 0
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            continue
    return total, ticks / TICKS, runner


def _parents() -> dict[int, int]:
    """Every process's parent, now."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _tree(root: int, parents: dict[int, int]) -> set[int]:
    """`root` and every process under it."""
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


#: How the build runner's child process is started on the local cloud (`buildrunner/invoke.py`).
RUNNER = "chalicelib.buildrunner"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _split_rss(samples: Any) -> dict[str, float]:
    """The peaks of the stage's own processes and of the build runner's, apart (0 when no runner ran)."""
    return {
        "peak_stage_rss_mb": round(max((s[1] - s[3] for s in samples), default=0) / 2**20, 1),
        "peak_runner_rss_mb": round(max((s[3] for s in samples), default=0) / 2**20, 1),
    }


def folder_bytes(folder: Path) -> int:
    """Bytes the files in `folder` take (their sizes; a file removed while walking counts as nothing)."""
    total = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
    return total


def run(
    command: list[str],
    *,
    env: dict[str, str],
    tmp: Path,
    cwd: Path,
    timeout: float,
    limits: Limits | None = None,
) -> Measured:
    """Run `command` with `tmp` as its only scratch folder (TMPDIR), sampling it until it ends, or until
    it passes `timeout` or one of `limits`: then its whole process tree is stopped."""
    tmp.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_samples: list[tuple[float, int, float, int]] = []
    tmp_samples: list[tuple[float, int]] = []
    wall_start = time.time()
    started = time.perf_counter()
    # A session of its own, so that stopping it stops what it started too (the runner, Hugo, Pagefind).
    process = subprocess.Popen(
        command,
        env={**env, "TMPDIR": str(tmp)},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    done = threading.Event()
    stopped: list[str] = []
    latest = {"stage": 0, "runner": 0, "tmp": 0}

    def check() -> None:
        reason = limits.over(latest["stage"], latest["runner"], latest["tmp"]) if limits else ""
        if reason and not stopped:
            stopped.append(reason)
            _stop(process)

    def sample_rss() -> None:
        while not done.wait(RSS_EVERY):
            rss, cpu, runner = tree_usage(process.pid)
            rss_samples.append((time.time(), rss, cpu, runner))
            latest["stage"], latest["runner"] = rss - runner, runner
            check()

    def sample_tmp() -> None:
        while not done.wait(TMP_EVERY):
            latest["tmp"] = folder_bytes(tmp)
            tmp_samples.append((time.time(), latest["tmp"]))
            check()

    samplers = [threading.Thread(target=sample_rss), threading.Thread(target=sample_tmp)]
    for sampler in samplers:
        sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stopped.append(f"time: {timeout:,.0f} s, its timeout")
        _stop(process)
        stdout, stderr = process.communicate()
    except BaseException:
        _stop(process)  # an interrupted benchmark leaves no stage running behind it
        raise
    finally:
        seconds = time.perf_counter() - started
        done.set()
        for sampler in samplers:
            sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(
        seconds=round(seconds, 2),
        cpu_seconds=round(cpu, 2),
        peak_rss_mb=round(max((s[1] for s in rss_samples), default=0) / 2**20, 1),
        peak_tmp_mb=round(max((s[1] for s in tmp_samples), default=0) / 2**20, 1),
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        started=wall_start,
        rss_samples=tuple(rss_samples),
        tmp_samples=tuple(tmp_samples),
        stopped=stopped[0] if stopped else "",
    )


def _stop(process: subprocess.Popen[str]) -> None:
    """Kill the child's session (it leads it) and every process under it, even one that started a
    session of its own (a code site's check does), as Lambda ends an invocation's every process."""
    below = _tree(process.pid, _parents())
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    for pid in below:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
