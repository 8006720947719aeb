"""bench/scale's measuring and its site: what a child process used, and a site Hugo can resize."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.scale import measure, run, site


def test_a_child_is_measured_in_its_own_scratch_folder(tmp_path: Path) -> None:
    script = (
        "import os, time; p = os.path.join(os.environ['TMPDIR'], 'x'); "
        "open(p, 'wb').write(b'a' * 3_000_000); time.sleep(0.6); "
        "sum(range(3_000_000)); print('done')"
    )
    measured = measure.run(
        [sys.executable, "-c", script], env={}, tmp=tmp_path / "tmp", cwd=tmp_path, timeout=60
    )
    assert measured.returncode == 0 and measured.stdout.strip() == "done"
    assert measured.peak_tmp_mb >= 2.8  # the 3 MB file was seen while the child ran
    assert measured.peak_rss_mb > 5  # an interpreter, at least
    assert measured.cpu_seconds > 0
    whole = measured.window(measured.started, measured.started + measured.seconds + 1)
    assert whole["peak_rss_mb"] == measured.peak_rss_mb and whole["samples"] > 0
    assert measured.window(0.0, 1.0)["samples"] == 0


def _gone(pid: int) -> bool:
    """Whether `pid` has ended (a zombie waiting for init to reap it has ended too)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _stopped_child(
    tmp_path: Path, script: str, limits: measure.Limits, timeout: float = 60
) -> measure.Measured:
    return measure.run(
        [sys.executable, "-c", script],
        env={},
        tmp=Path(tempfile.mkdtemp(dir=tmp_path)),  # a scratch folder of its own, empty
        cwd=tmp_path,
        timeout=timeout,
        limits=limits,
    )


def test_a_child_over_its_memory_is_stopped_with_everything_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time; "
        # In a session of its own, as a code site's check runs: stopping the child's session misses it.
        "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
        "start_new_session=True); "
        f"open({str(pidfile)!r}, 'w').write(str(g.pid)); "
        "held = b'a' * (120 * 2**20); time.sleep(60)"
    )
    measured = _stopped_child(
        tmp_path, script, measure.Limits(memory_mb=60, runner_memory_mb=10_240, tmp_mb=512)
    )
    assert measured.stopped.startswith("memory: ") and measured.stopped.endswith("MB of its 60 MB")
    assert measured.returncode != 0 and measured.seconds < 30
    grandchild = int(pidfile.read_text())
    for _ in range(50):
        if _gone(grandchild):
            break
        time.sleep(0.1)
    assert _gone(grandchild)  # everything under the child was stopped, not the child alone


def test_a_child_over_its_tmp_or_its_timeout_is_stopped(tmp_path: Path) -> None:
    limits = measure.Limits(memory_mb=3_008, runner_memory_mb=10_240, tmp_mb=2)
    fills = (
        "import os, time; open(os.path.join(os.environ['TMPDIR'], 'x'), 'wb').write(b'a' * 3_000_000); "
        "time.sleep(60)"
    )
    measured = _stopped_child(tmp_path, fills, limits)
    assert measured.stopped.startswith("/tmp: 3 MB of its 2 MB") and measured.returncode != 0
    sleeps = _stopped_child(tmp_path, "import time; time.sleep(60)", limits, timeout=1)
    assert sleeps.stopped == "time: 1 s, its timeout" and sleeps.seconds < 30
    within = _stopped_child(tmp_path, "print('done')", limits)
    assert within.stopped == "" and within.returncode == 0 and within.stdout.strip() == "done"


def test_headroom_is_what_is_left_of_the_limit() -> None:
    assert run.headroom(700, 1000) == 0.3
    assert run.headroom(1200, 1000) == -0.2  # over the limit: Lambda would have stopped it


def test_every_stage_function_has_limits_in_the_chalice_config() -> None:
    for function in set(run.FUNCTIONS.values()):
        limits = run.limits(function)
        assert limits["memory_mb"] >= 128 and limits["tmp_mb"] >= 512 and limits["timeout_seconds"] == 900


def test_the_site_has_its_images_shown_through_the_resizing_shortcode(tmp_path: Path) -> None:
    site.generate(tmp_path / "s", pages=10, images=3)
    files = site.files(tmp_path / "s")
    pngs = [name for name in files if name.startswith("assets/images/")]
    assert len(pngs) == 3 and all(files[name].startswith(b"\x89PNG\r\n\x1a\n") for name in pngs)
    shown = [name for name, body in files.items() if b"{{< photo " in body]
    assert len(shown) == 3
    assert ".Resize" in files["layouts/shortcodes/photo.html"].decode()
    assert "presslift.toml" in files and "hugo.toml" in files
