"""A Hugo that hangs (as Hugo 0.168 can after a page fails to render, before saying why) is stopped
and run again on one CPU, where the real Hugo reports the page's error; one that hangs both times
fails with a message that says so. The Hugo here is the real one behind a wrapper that hangs the way
Hugo does (silent, no CPU) while it has more than one CPU."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from chalicelib import hugo, hugorun
from chalicelib.errors import BuildError
from tests.conftest import write_tree

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads CPU time from Linux's /proc"
)

SITE = {
    "hugo.toml": b'title = "Hangs"\n',
    "layouts/home.html": b"<html><body>{{ .Site.DisqusShortname }}</body></html>",
    "layouts/page.html": b"<html><body>{{ .Content }}</body></html>",
    "content/a.md": b"---\ntitle: A\n---\nA page.\n",
}


def hanging_hugo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, always: bool, works_with: str = "1/1"
) -> Path:
    runs = tmp_path / "runs"
    script = tmp_path / "bin" / "hugo"
    script.parent.mkdir()
    hang = "true" if always else f'[ "$GOMAXPROCS/$HUGO_NUMWORKERMULTIPLIER" != {works_with} ]'
    script.write_text(
        f'#!/bin/sh\n[ "$1" = config ] && exec {hugo.find_hugo()} "$@"  # the mounts check: Hugo itself\n'
        f'echo "$GOMAXPROCS/$HUGO_NUMWORKERMULTIPLIER" >> {runs}\n'
        f"if {hang}; then exec sleep 120; fi\n"
        f'exec {hugo.find_hugo()} "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv(hugo.ENV_BINARY, str(script))
    monkeypatch.setattr(hugorun, "IDLE_SECONDS", 1.5)
    return runs


def build(tmp_path: Path) -> None:
    source = write_tree(tmp_path / "site", SITE)
    hugo.build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work")


def test_a_hung_build_is_run_again_on_one_cpu_and_says_what_failed(tmp_path, monkeypatch):
    runs = hanging_hugo(tmp_path, monkeypatch, always=False)
    with pytest.raises(BuildError) as failed:
        build(tmp_path)
    assert runs.read_text().splitlines() == [
        "/",
        "1/1",
    ]  # Go's and Hugo's own choice, then one CPU and worker
    message = str(failed.value)
    assert message.startswith("Hugo failed (exit 1): the site's theme uses .Site.DisqusShortname")


def test_a_build_that_hangs_both_times_says_so(tmp_path, monkeypatch):
    runs = hanging_hugo(tmp_path, monkeypatch, always=True)
    with pytest.raises(BuildError) as failed:
        build(tmp_path)
    assert runs.read_text().splitlines() == ["/", "1/1", "/64"]  # its own choice, one worker, many
    assert str(failed.value).startswith(
        "Hugo failed (it hung 3 times, each stopped after 2 s idle): Hugo stopped while it rendered the "
        "site's pages, as it does after some template errors before it names them"
    ), str(failed.value)


def test_a_build_that_hangs_with_one_worker_too_is_run_with_many(tmp_path, monkeypatch):
    # As a blog whose every page fails: one worker stops at the first error and Hugo waits for it.
    runs = hanging_hugo(tmp_path, monkeypatch, always=False, works_with="/64")
    with pytest.raises(BuildError) as failed:
        build(tmp_path)
    assert runs.read_text().splitlines() == ["/", "1/1", "/64"]
    assert str(failed.value).startswith("Hugo failed (exit 1): the site's theme uses .Site.DisqusShortname")


def test_after_a_hang_the_runs_that_follow_a_fix_go_as_the_retry_that_did_not_hang(tmp_path, monkeypatch):
    # A theme with a page's .URL, fixed at run time: each fix is a run, and each one that hangs on
    # Hugo's own choice costs the idle time (a real docs theme's prod render took 138 s for four).
    runs = hanging_hugo(tmp_path, monkeypatch, always=False)
    home = b"<html><body>{{ range site.RegularPages }}{{ .URL }}{{ end }}</body></html>"
    source = write_tree(
        tmp_path / "site",
        {
            **SITE,
            "layouts/home.html": home,
        },
    )
    hugo.build_site(source, tmp_path / "public", base_url="https://example.org/", work_dir=tmp_path / "work")
    assert runs.read_text().splitlines() == ["/", "1/1", "1/1"]
    assert (tmp_path / "public" / "index.html").read_text() == "<html><body>/a/</body></html>"
