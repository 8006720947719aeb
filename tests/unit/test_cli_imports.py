"""A command that reads the local cloud loads neither the local cloud's servers nor the pipeline: the
CLI starts in about half the time, and each read (`runs`, `show`, `logs`, `cost`) pays that start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import free_port

HEAVY = ("presslift.localcloud", "chalicelib.pipeline", "chalicelib.wordpress", "moto", "chalice")

PROBE = """
import json, sys
from presslift.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit_:
    code = exit_.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_reads_with_the_local_cloud_down_load_nothing_heavy() -> None:
    env = {**os.environ, "PRESSLIFT_AWS_PORT": str(free_port()), "PRESSLIFT_API_PORT": str(free_port())}
    for argv in (["runs"], ["show", "x"], ["cost"], ["site", "list"]):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True, timeout=60
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
        assert found["code"] == 2, (argv, done.stderr)  # "the local cloud is not running"
        loaded = [m for m in found["modules"] if m in HEAVY or m.startswith(tuple(f"{h}." for h in HEAVY))]
        assert loaded == [], (argv, loaded)
