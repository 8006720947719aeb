"""A runner that fails says why in the stage's one line: "the build runner failed (exit 1)" alone left a
full disk to be found in the run's JSON (`log_tail`)."""

from __future__ import annotations

import subprocess
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.buildrunner import invoke
from chalicelib.errors import BuildError

FULL = (
    "Traceback (most recent call last):\n"
    '  File "/var/task/chalicelib/targz.py", line 40, in write_tar_gz\n'
    "OSError: [Errno 28] No space left on device\n"
)


@pytest.mark.parametrize(
    ("stderr", "said"),
    [
        (
            FULL,
            "the build runner failed (exit 1): the build ran out of disk space in /tmp (the function's "
            "ephemeral storage): OSError: [Errno 28] No space left on device",
        ),
        ("Traceback ...\nMemoryError\n", "the build runner failed (exit 1): MemoryError"),
        ("", "the build runner failed (exit 1)"),
    ],
)
def test_the_runners_last_words_are_in_the_error(
    monkeypatch: pytest.MonkeyPatch, stderr: str, said: str
) -> None:
    def ran(*_: Any, **__: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess([], 1, stdout="", stderr=stderr)

    monkeypatch.setattr(subprocess, "run", ran)
    job = SimpleNamespace(to_json=lambda: "{}", seconds=60.0)
    with pytest.raises(BuildError) as failed:
        invoke.ProcessRunner().run(job)  # type: ignore[arg-type]
    assert str(failed.value) == said
    assert failed.value.log_tail == stderr.strip()
