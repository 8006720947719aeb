"""hugorun: a Hugo that writes nothing and uses no CPU is stopped as hung, with its process group; one
that works without a word, or that speaks while it waits, runs to its end; the time allowed still ends
a run. Real processes stand in for Hugo (Python scripts that sleep, spin or print)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from chalicelib import hugorun

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads CPU time from Linux's /proc"
)


def script(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_silent_idle_process_is_stopped_as_hung_with_what_it_wrote() -> None:
    started = time.monotonic()
    done = hugorun.run(
        script("import sys, time; print('WARN  deprecated', flush=True); time.sleep(60)"),
        dict(os.environ),
        timeout=60,
        idle_seconds=1.5,
    )
    assert done.hung and done.returncode != 0
    assert "WARN  deprecated" in done.log
    assert time.monotonic() - started < 10


def test_its_children_are_stopped_too(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    code = (
        "import subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        f"open({str(pid_file)!r}, 'w').write(str(child.pid)); time.sleep(60)"
    )
    done = hugorun.run(script(code), dict(os.environ), timeout=60, idle_seconds=1.5)
    assert done.hung
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":  # killed, not yet reaped by its (gone) parent's init
            break
        time.sleep(0.05)
    else:
        assert not Path(f"/proc/{child}").exists()


def test_a_process_working_without_a_word_is_not_hung() -> None:
    done = hugorun.run(
        script("import time\nend = time.monotonic() + 3\nwhile time.monotonic() < end: pass\nprint('done')"),
        dict(os.environ),
        timeout=60,
        idle_seconds=1.5,
    )
    assert (done.returncode, done.hung) == (0, False)
    assert done.log == "done\n"


def test_a_child_working_counts_as_work() -> None:
    spin = "import time\nend = time.monotonic() + 3\nwhile time.monotonic() < end: pass"
    code = f"import subprocess, sys; sys.exit(subprocess.run([sys.executable, '-c', {spin!r}]).returncode)"
    done = hugorun.run(script(code), dict(os.environ), timeout=60, idle_seconds=1.5)
    assert (done.returncode, done.hung) == (0, False)


def test_a_process_that_speaks_while_it_waits_is_not_hung() -> None:
    code = (
        "import time\nfor n in range(4):\n    print(n, flush=True)\n    time.sleep(0.8)\nraise SystemExit(1)"
    )
    done = hugorun.run(script(code), dict(os.environ), timeout=60, idle_seconds=1.5)
    assert (done.returncode, done.hung) == (1, False)
    assert done.log.split() == ["0", "1", "2", "3"]


def test_both_streams_are_kept_in_order() -> None:
    code = (
        "import sys\nprint('one', flush=True)\n"
        "print('ERROR two', file=sys.stderr, flush=True)\nprint('three')"
    )
    done = hugorun.run(script(code), dict(os.environ), timeout=60)
    assert done.log.splitlines() == ["one", "ERROR two", "three"]


def test_the_time_allowed_still_ends_a_run() -> None:
    code = "import time\nwhile True:\n    print('.', flush=True)\n    time.sleep(0.2)"
    with pytest.raises(hugorun.TimedOut) as stopped:
        hugorun.run(script(code), dict(os.environ), timeout=1.5, idle_seconds=30)
    assert stopped.value.log.startswith(".")
