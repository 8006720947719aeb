"""A code site's `check` command and Pagefind run with the allowlisted environment: a command that
prints its environment shows no key of the function's."""

from __future__ import annotations

import pytest

from chalicelib.budget import TimeBudget
from chalicelib.bundle import run_check
from chalicelib.errors import BuildError
from chalicelib.search import pagefind

SECRETS = {
    "AWS_SECRET_ACCESS_KEY": "hostile-check-secret-access-key",
    "AWS_SESSION_TOKEN": "hostile-check-session-token",
    "PRESSLIFT_WEBHOOK_SECRET": "hostile-check-webhook-secret",
    "PRESSLIFT_GITHUB_TOKEN": "ghp_hostilechecktoken",
}


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


def test_a_check_that_prints_its_environment_shows_no_key(tmp_path):
    command = ("sh", "-c", "env; tr '\\0' '\\n' < /proc/self/environ; exit 3")
    with pytest.raises(BuildError, match="failed with exit code 3") as failed:
        run_check(command, tmp_path, 60, TimeBudget.from_context(None))
    shown = failed.value.log_tail
    assert f"PYTHONPATH={tmp_path}" in shown
    assert "PATH=" in shown
    for value in SECRETS.values():
        assert value not in shown
    assert "AWS_" not in shown and "PRESSLIFT_" not in shown


def test_a_python_check_still_imports_the_bundle(tmp_path):
    (tmp_path / "app.py").write_text("VALUE = 1\n")
    run_check(
        ("python", "-c", "import app; assert app.VALUE == 1"), tmp_path, 60, TimeBudget.from_context(None)
    )


def test_pagefind_is_started_with_the_allowlist(tmp_path, monkeypatch):
    # A stand-in Pagefind that writes its environment where its bundle goes.
    script = tmp_path / "pagefind"
    script.write_text(
        '#!/bin/sh\nwhile [ "$1" != "--output-path" ]; do shift; done\nmkdir -p "$2"\n'
        'env > "$2/env.txt"\ntouch "$2/pagefind.js"\necho "Indexed 1 page"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv(pagefind.ENV_BINARY, str(script))
    tree = tmp_path / "public"
    tree.mkdir()
    (tree / "index.html").write_text("<html><body>hi</body></html>")
    pagefind.index_with_pagefind(tree, pages=[])
    shown = (tree / pagefind.OUTPUT_FOLDER / "env.txt").read_text()
    assert "HOME=" in shown
    for value in SECRETS.values():
        assert value not in shown
    assert "AWS_" not in shown and "PRESSLIFT_" not in shown
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".pagefind-")]
