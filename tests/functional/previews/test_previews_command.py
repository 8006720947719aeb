"""`presslift previews SITE [--all] [--json]` against moto: the table, the JSON (the route's), the empty
answer, and an unknown site as a one-line error with exit status 2."""

from __future__ import annotations

import io
import json
from argparse import Namespace
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from chalicelib.errors import NotFoundError
from chalicelib.previews.registry import timestamp
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from presslift import cli
from presslift.failures import explain
from presslift.previewcommand import cmd_previews, previews_table
from tests.unit.previews.conftest import branch_preview, preview

SHA = "9f3c2a1b0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b"


def printed(svc: Services, site: str, *, all: bool = False) -> str:
    out = io.StringIO()
    assert cmd_previews(Namespace(site=site, all=all, json=False), svc, Console(file=out, width=250)) == 0
    return out.getvalue()


@pytest.fixture
def quayside(provisioned: Services) -> Services:
    now = datetime.now(UTC)

    def ago(**delta: float) -> str:
        return timestamp(now - timedelta(**delta))

    provisioned.sites.add(Site("quayside", repo="harbour/quayside"))
    provisioned.previews.save(preview(number=12, head_sha=SHA, updated_at=ago(hours=3)))
    provisioned.previews.save(
        branch_preview("feature-x-1a2b3c", "Feature/X", status="failed", updated_at=ago(minutes=5))
    )
    provisioned.previews.save(preview(number=3, status="removed", updated_at=ago(days=2)))
    return provisioned


def test_the_table_shows_each_live_preview_with_its_head_age_and_url(quayside: Services) -> None:
    lines = printed(quayside, "quayside").splitlines()
    assert lines[0].split() == ["PATH", "KIND", "FOR", "STATUS", "HEAD", "UPDATED", "URL"]
    assert lines[1].split() == [
        "branches/feature-x-1a2b3c/",
        "branch",
        "Feature/X",
        "failed",
        "0123456",
        "5",
        "min",
        "ago",
        "https://staging.example/quayside/branches/feature-x-1a2b3c/",
    ]
    assert lines[2].split() == [
        "previews/pr-12/",
        "pull",
        "request",
        "#12",
        "live",
        "9f3c2a1",
        "3",
        "h",
        "ago",
        "https://staging.example/quayside/previews/pr-12/",
    ]
    assert len(lines) == 3  # the removed one only with --all


def test_all_adds_the_removed_previews(quayside: Services) -> None:
    text = printed(quayside, "quayside", all=True)
    assert "previews/pr-3/" in text and "removed" in text and "2 days ago" in text


def test_json_is_the_routes_listing(quayside: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd_previews(Namespace(site="quayside", all=False, json=True), quayside, Console()) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["site"] == "quayside"
    assert [p["path"] for p in listed["previews"]] == ["branches/feature-x-1a2b3c/", "previews/pr-12/"]
    assert listed["previews"][1]["head_sha"] == SHA and listed["previews"][1]["number"] == 12


def test_a_site_with_no_live_previews_says_so(provisioned: Services) -> None:
    provisioned.sites.add(Site("quiet", repo="harbour/quiet"))
    provisioned.previews.save(preview(site="quiet", number=1, status="removed"))
    assert printed(provisioned, "quiet").strip() == "no live previews of quiet"
    assert "previews/pr-1/" in printed(provisioned, "quiet", all=True)


def test_an_unknown_site_is_a_one_line_error_with_status_2(provisioned: Services) -> None:
    with pytest.raises(NotFoundError) as raised:
        printed(provisioned, "nosuch")
    failure = explain(raised.value)
    assert failure is not None and failure.exit_code == 2
    assert "unknown site 'nosuch'" in failure.message and "\n" not in failure.message


def test_the_command_is_registered_as_a_read_only_view() -> None:
    args = cli.parser().parse_args(["previews", "quayside", "--all", "--json", "--stage", "prod"])
    assert (args.site, args.all, args.json, args.aws_stage) == ("quayside", True, True, "prod")
    assert args.func is cli.cmd_read and args.read is cmd_previews


def test_a_branch_name_with_markup_is_shown_as_text() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    branch = branch_preview("x-abcdef", "[red]x[/red]")
    out = io.StringIO()
    Console(file=out, width=250).print(previews_table([branch], now))
    assert "[red]x[/red]" in out.getvalue()
