"""Nothing a repository's code starts outlives the command that started it, in the build runner.

A code site's check command once left `setsid python daemon.py &` running in the runner; it waited
for the next job, another site's Hugo build, and put a script into that site's pages before they were
packed, through to prod after the approval. The runner's process is now the subreaper of all it
starts and kills what is left after each command (chalicelib/buildrunner/reaper.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from chalicelib.buildrunner import reaper

CODE_ROOT = Path(__file__).resolve().parents[2]

# Starts a process that leaves its session and its parent (as `setsid cmd &` does), writes its pid,
# and would write `planted` a while later; the command itself exits at once, successfully.
DETACH = (
    "(setsid sh -c 'echo $$ > {pid}; sleep 30; echo planted > {mark}' </dev/null >/dev/null 2>&1 &);"
    " while [ ! -s {pid} ]; do sleep 0.05; done"
)


def in_runner(code: str) -> None:
    """Run `code` in a child process armed as the runner's is (never this test process)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from chalicelib.buildrunner.reaper import arm\narm()\n" + textwrap.dedent(code),
        ],
        env={**os.environ, "PYTHONPATH": str(CODE_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def alive(pid_file: Path) -> bool:
    pid = int(pid_file.read_text())
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_what_a_check_command_detaches_is_killed_when_it_ends(tmp_path):
    pid, mark = tmp_path / "pid", tmp_path / "planted"
    in_runner(
        f"""
        from chalicelib.budget import TimeBudget
        from chalicelib.bundle import run_check
        command = ("sh", "-c", {DETACH.format(pid=pid, mark=mark)!r})
        run_check(command, {str(tmp_path)!r}, 60, TimeBudget.from_context(None))
        """
    )
    assert pid.read_text().strip() and not alive(pid) and not mark.exists()


def test_what_hugo_leaves_running_is_killed_when_it_ends(tmp_path):
    """Hugo runs the site's PostCSS or Babel config, which is code: a stand-in Hugo detaches too."""
    pid, mark = tmp_path / "pid", tmp_path / "planted"
    fake = tmp_path / "hugo"
    fake.write_text("#!/bin/sh\n" + DETACH.format(pid=pid, mark=mark) + "\necho built\n")
    fake.chmod(0o755)
    in_runner(
        f"""
        from chalicelib import hugorun
        assert hugorun.run([{str(fake)!r}], {{"PATH": "/usr/bin:/bin"}}, 60).returncode == 0
        """
    )
    assert pid.read_text().strip() and not alive(pid) and not mark.exists()


def test_only_the_runners_own_process_kills(tmp_path):
    """In a process that is not the runner's (this test's, the local cloud's), nothing is killed."""
    assert not reaper.armed()
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert reaper.kill_strays() == 0 and sleeper.poll() is None
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_runner_functions_handler_arms_only_in_lambdas_process(tmp_path, monkeypatch):
    """A test that called the handler in its own process armed that process, and the next Hugo run
    killed the test's browser: the handler arms where Lambda names the function, and nowhere else."""
    import json

    from chalicelib.buildrunner import render
    from chalicelib.buildrunner.job import BuildJob

    monkeypatch.delenv(render.LAMBDA_FUNCTION_ENV, raising=False)
    missing = (tmp_path / "source.tar.gz").as_uri()
    job = BuildJob(missing, (tmp_path / "out.tgz").as_uri(), (tmp_path / "log").as_uri(), (), seconds=30)
    assert render.handle(json.loads(job.to_json()))["ok"] is False and not reaper.armed()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys\nfrom chalicelib.buildrunner import reaper, render\n"
            "render.handle(json.loads(sys.argv[1]))\nprint(reaper.armed())",
            job.to_json(),
        ],
        env={
            **os.environ,
            "PYTHONPATH": str(CODE_ROOT),
            render.LAMBDA_FUNCTION_ENV: "presslift-build-runner",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "True", done.stderr
