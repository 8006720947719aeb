"""The terminal as a deploy log, on the local cloud: `presslift runs` (table and `--json`), `runs RUN`,
`show`, `logs`, `--version`, and one-line errors with a non-zero exit code (a traceback only with
`--debug`), the local cloud down included.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.e2e

SITE = "logbook"
EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Logbook</title><link>https://logbook.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://logbook.example</wp:base_site_url>
  <wp:base_blog_url>https://logbook.example</wp:base_blog_url>
  <item>
    <title>Harbour day</title><link>https://logbook.example/harbour-day/</link>
    <dc:creator>ana</dc:creator>
    <content:encoded><![CDATA[<p>Boats.</p>
<img src="https://logbook.example/wp-content/uploads/2024/05/gone-one.jpg" alt="one">
<img src="https://logbook.example/wp-content/uploads/2024/05/gone-two.jpg" alt="two">]]></content:encoded>
    <wp:post_id>7</wp:post_id><wp:post_date>2024-05-02 10:00:00</wp:post_date>
    <wp:post_date_gmt>2024-05-02 10:00:00</wp:post_date_gmt>
    <wp:post_name>harbour-day</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  </item>
</channel>
</rss>
"""


@pytest.fixture(scope="module")
def imported(cloud, api) -> dict:
    known = {run["id"] for run in api.runs(SITE)}
    cloud.services.s3.put_object(
        Bucket=cloud.settings.ingest_bucket, Key=f"imports/{SITE}/export.xml", Body=EXPORT.encode()
    )
    run = api.wait_for_new_run(SITE, known, timeout=60)
    return api.wait_for_run(run["id"], lambda r: r["status"] != "running", timeout=240)


@pytest.fixture
def cli(cloud, monkeypatch, capsys):
    from presslift.cli import main

    monkeypatch.setenv("PRESSLIFT_AWS_PORT", str(cloud.options.aws_port))
    monkeypatch.setenv("PRESSLIFT_API_PORT", str(cloud.options.api_port))

    def run(argv: list[str]) -> tuple[int, str, str]:
        code = main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_runs_lists_each_run_with_its_trigger_status_age_and_warnings(cli, imported) -> None:
    code, out, _ = cli(["runs", "--site", SITE])
    assert code == 0
    assert cli(["runs", SITE]) == (0, out, "")  # a site's name where a run id goes: the site's runs
    line = next(line for line in out.splitlines() if imported["id"] in line)
    assert "import of export.xml" in line
    assert "awaiting approval" in line
    assert "ago" in line or "just now" in line
    assert line.rstrip().endswith("2"), line  # the two missing images


def test_runs_json_is_the_records_with_what_people_read(cli, imported) -> None:
    code, out, _ = cli(["runs", "--site", SITE, "--json"])
    assert code == 0
    (run,) = [r for r in json.loads(out) if r["id"] == imported["id"]]
    assert run["status_line"] == "awaiting approval, 2 warnings"
    assert run["warnings"] == 2
    assert run["took"].endswith("to reach approval")
    assert [s["name"] for s in run["stages"]][:2] == ["convert", "build"]


def test_one_run_shows_every_stage_and_names_each_missing_file(cli, imported) -> None:
    for command in (["runs", imported["id"]], ["show", imported["id"]]):
        code, out, _ = cli(command)
        assert code == 0
        assert f"Run {imported['id']} of {SITE}: awaiting approval, 2 warnings" in out
        for stage in ("convert", "build", "deploy-staging", "approval", "deploy-prod"):
            assert stage in out
        assert "gone-one.jpg" in out and "gone-two.jpg" in out
        assert "UTC" in out


def test_show_json_lists_the_warnings_one_by_one(cli, imported) -> None:
    code, out, _ = cli(["show", imported["id"], "--json"])
    assert code == 0
    warnings = json.loads(out)["warning_list"]
    assert len(warnings) == 2
    assert {w["stage"] for w in warnings} == {"convert"}


def test_logs_print_a_stages_log_and_the_stage_story(cli, imported) -> None:
    code, out, _ = cli(["logs", imported["id"], "build"])
    assert code == 0
    assert "build succeeded" in out
    assert "build.log" in out
    assert "hugo" in out.lower()
    code, out, _ = cli(["logs", imported["id"], "convert", "--json"])
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert {"stage": "convert", "status": "succeeded"}.items() <= lines[0].items()
    report = "".join(line["text"] for line in lines if line.get("log") == "conversion-report.json")
    assert json.loads(report)["counts"]["post/published"] == 1


def test_watch_until_idle_shows_the_table_and_returns(cli, imported) -> None:
    code, out, _ = cli(["watch", "--site", SITE, "--until-idle"])
    assert code == 0
    assert imported["id"] in out and "awaiting approval" in out
    # Piped, a row is one line; with --json, a JSON document per round (it printed the table).
    assert any(line.startswith(imported["id"]) and "awaiting approval" in line for line in out.splitlines())
    code, out, _ = cli(["watch", "--site", SITE, "--until-idle", "--json"])
    (document,) = out.splitlines()
    assert code == 0 and json.loads(document)[0]["id"] == imported["id"]


def test_unknown_runs_sites_and_stages_are_one_line_errors(cli, imported) -> None:
    for argv, words in (
        (["runs", "20990101-000000-000-nope"], "no run"),
        (["runs", "--site", "no-such-site"], "unknown site 'no-such-site'"),
        (["watch", "--site", "no-such-site", "--until-idle"], "unknown site 'no-such-site'"),
        (["logs", imported["id"], "compile"], "has no stage 'compile'"),
    ):
        code, out, err = cli(argv)
        assert code == 2, (argv, out, err)
        assert words in err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err


def test_commands_that_change_prod_show_what_and_ask_first(cli, imported, api, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, as in a script: no yes to give
    code, out, err = cli(["approve", imported["id"]])
    assert code == 2
    assert f"Approving run {imported['id']} of {SITE} puts this on prod:" in out
    assert "Publish to s3://" in out  # the approval's own plan
    assert "needs a yes: run it in a terminal, or pass --yes" in " ".join(err.split())
    code, out, err = cli(["rollback", SITE, "prod"])
    assert code == 2 and "Roll logbook prod back to the build it had before" in out
    assert api.run(imported["id"])["status"] == "awaiting_approval"


def _presslift(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "presslift.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )


def test_with_the_local_cloud_down_every_read_says_start_it_in_one_line(tmp_path) -> None:
    import os

    env = {**os.environ, "PRESSLIFT_AWS_PORT": str(free_port()), "PRESSLIFT_API_PORT": str(free_port())}
    for argv in (["runs"], ["show", "x"], ["logs", "x"], ["site", "list"]):
        done = _presslift(*argv, env=env)
        assert done.returncode == 2, done
        assert done.stderr.strip().count("\n") == 0, done.stderr
        assert "the local cloud is not running" in done.stderr and "presslift up" in done.stderr
    debug = _presslift("--debug", "runs", env=env)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_an_unknown_profile_is_named(tmp_path) -> None:
    import os

    env = {
        **os.environ,
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    done = _presslift("runs", "--profile", "nobody", env=env)
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "error: unknown AWS profile 'nobody': `aws configure list-profiles` lists yours"
    )


def test_version(capsys) -> None:
    from presslift.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("presslift 0.1.0")


def test_site_list_reads_as_text_and_as_json(cli) -> None:
    code, out, _ = cli(["site", "add", "listed", "--repo", "acme/listed"])
    assert code == 0
    code, out, _ = cli(["site", "list"])
    assert code == 0 and re.search(r"^listed\s+hugo\s+acme/listed\s+main$", out, re.M), out
    code, out, _ = cli(["site", "list", "--json"])
    (listed,) = [site for site in json.loads(out) if site["name"] == "listed"]
    assert (listed["repo"], listed["branch"], listed["kind"]) == ("acme/listed", "main", "hugo")
