"""`make demo` (presslift.demo.run_demo) as a user runs it, on its own local cloud."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from presslift.demo import run_demo
from tests.conftest import free_port

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The demo's cloud on free ports, from moto's reset state; the environment its start sets is undone."""
    from moto.moto_api import _internal

    saved = dict(os.environ)
    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(free_port()))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(free_port()))
    _internal.moto_api_backend.reset()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_without_a_click_the_demo_ends_with_one_line_and_a_failing_code(
    demo_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    console = Console(file=out, width=120, soft_wrap=True, color_system=None)
    code = run_demo(
        approve=False,
        exit_when_live=True,
        state_dir=tmp_path / "state",
        console=console,
        timeout=240,
        decision_timeout=1,
    )
    shown = out.getvalue() + capsys.readouterr().out
    assert code == 1
    assert "Staging is live: http" in shown
    assert "Approve here:" in shown and "/approvals/" in shown
    ending = [line for line in shown.splitlines() if line.startswith("No decision within 1 s")]
    assert ending == [
        "No decision within 1 s; the run still waits: start `presslift up` and open the link above, "
        "or run `make demo DEMO_ARGS=--approve`."
    ]
    assert "Traceback" not in shown
    assert "Prod is live" not in shown
