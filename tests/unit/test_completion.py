"""`presslift completion bash` completes commands, subcommands and options, in a real bash."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from presslift.cli import parser
from presslift.completion import bash_script

CASES = [
    ("presslift ", {"up", "runs", "site", "publish", "completion", "--version"}),
    ("presslift si", {"site"}),
    ("presslift site ", {"add", "update", "rotate-secret", "list"}),
    ("presslift site add --r", {"--repo"}),
    ("presslift runs --j", {"--json"}),
    ("presslift publish blog prod --dry", {"--dry-run"}),
]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize(("line", "expected"), CASES)
def test_bash_completes_from_the_parser(tmp_path, line, expected) -> None:
    script = tmp_path / "presslift.bash"
    script.write_text(bash_script(parser()))
    words = line.split() + ([""] if line.endswith(" ") else [])
    program = (
        f"source {script}; COMP_WORDS=({' '.join(repr(w) for w in words)}); "
        f"COMP_CWORD={len(words) - 1}; _presslift; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30, check=True)
    offered = set(done.stdout.split())
    assert expected <= offered, offered
    assert all(word.startswith(words[-1]) for word in offered)
