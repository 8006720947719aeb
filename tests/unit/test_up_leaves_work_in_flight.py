"""`presslift up` stopped while a function's work still runs ends at once: the work's queue message was
never deleted, so the next start hands it out again (as SQS does for a Lambda function cut off)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import threading
from presslift.cli import _leave_work_in_flight
stuck = threading.Event()
threading.Thread(target=stuck.wait, name="upload-pool").start()  # not a daemon: exit would wait forever
_leave_work_in_flight()
print("still here")
"""


def test_stopping_with_work_in_flight_ends_the_process_and_says_so():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Left 1 task(s) in flight" in done.stdout
    assert "still here" not in done.stdout


def test_stopping_with_nothing_in_flight_returns_normally():
    script = "from presslift.cli import _leave_work_in_flight\n_leave_work_in_flight()\nprint('returned')\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "returned", done.stdout + done.stderr
