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


@pytest.mark.parametrize("approve", [False, True], ids=["before-staging", "while-waiting"])
def test_ctrl_c_before_prod_says_where_it_stopped_and_fails(
    demo_env: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    approve: bool,
) -> None:
    """Ctrl-C before the demo is done is one line saying what is left, and exit 130 (as a shell says);
    after prod is live it is how the demo ends (exit 0)."""
    import presslift.demo

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    if approve:  # the first wait (for staging) passes; the one for the approval is interrupted
        real = presslift.demo.follow
        calls: list[int] = []

        def follow(*args: object) -> object:
            calls.append(1)
            if len(calls) > 1:
                interrupted()
            return real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(presslift.demo, "follow", follow)
    else:
        monkeypatch.setattr(presslift.demo, "follow", interrupted)
    out = io.StringIO()
    console = Console(file=out, width=200, soft_wrap=True, color_system=None)
    code = run_demo(
        approve=False, exit_when_live=True, state_dir=tmp_path / "state", console=console, timeout=240
    )
    shown = out.getvalue() + capsys.readouterr().out
    assert code == 130
    expected = (
        "Stopped while the run waited for approval; it still waits: start `presslift up` and open the link "
        "above, or run `make demo DEMO_ARGS=--approve`."
        if approve
        else "Stopped before staging was live; run the demo again to start over."
    )
    assert [line for line in shown.splitlines() if line.startswith("Stopped")] == [expected]
    assert "Traceback" not in shown
