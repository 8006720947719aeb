"""What an operator types, and what the pipeline's data puts on their terminal, never breaks the CLI:
one line and exit 2 for a bad setting or flag, never a traceback; names an upload or a repository
chose are shown as written, not as markup; an email is delivered once however its display goes."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from presslift import terminal
from presslift.localcloud.outbox import Email, Outbox
from tests.functional.wordpress.wxr_items import item, write_export
from tests.unit.clirun import presslift


@pytest.mark.parametrize(
    ("env", "said"),
    [
        (
            {"PRESSLIFT_SCHEDULE_SECONDS": "abc"},
            "PRESSLIFT_SCHEDULE_SECONDS='abc' is not a number of seconds",
        ),
        ({"PRESSLIFT_SCHEDULE_SECONDS": "0"}, "is not a number of seconds from 0.1 to 86400"),
        ({"PRESSLIFT_AWS_PORT": "99999"}, "PRESSLIFT_AWS_PORT='99999' is not a port number (1 to 65535)"),
        ({"PRESSLIFT_AWS_PORT": "-5"}, "PRESSLIFT_AWS_PORT='-5' is not a port number (1 to 65535)"),
    ],
)
def test_a_bad_setting_is_one_line(env: dict[str, str], said: str) -> None:
    done = presslift("runs", **env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert said in line


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["runs", "--limit", "0"], "argument --limit: '0' is not a count of 1 or more"),
        (["site", "update", "x", "--prod-approval", "--no-prod-approval"], "ask opposite things: give one"),
        (["site", "update", "x", "--previews", "--no-previews"], "ask opposite things: give one"),
        (["publish", "x", "prod", "--list"], "--list prints the plan of a --dry-run and publishes nothing"),
        (["convert", "export.xml", "--out", ""], "argument --out: an empty path"),
        # dropped without a word: no local GitHub started
        (["up", "--packaged", "--github", "."], "--github is an option of the local cloud, which --packaged"),
    ],
)
def test_a_flag_that_cannot_mean_what_it_says_is_refused(argv: list[str], said: str) -> None:
    done = presslift(*argv)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert said in done.stderr


def test_convert_names_its_folder_as_written_and_an_unwritable_report_in_one_line(tmp_path: Path) -> None:
    export = write_export(tmp_path / "export.xml", [item("Hello", post_id=1, slug="hello")])
    out = tmp_path / "site [v2]"
    done = presslift("convert", str(export), "--out", str(out), "--report", "/dev/full")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.strip()]
    assert line.startswith("error: --report /dev/full: no space left on device; the site was written to ")
    done = presslift("convert", str(export), "--out", str(out), "--force")
    assert done.returncode == 0, done.stderr
    assert f"hugo --source '{out}'" in done.stdout  # quoted, and its [v2] kept


def test_ctrl_d_at_a_question_is_no(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(terminal.sys.stdin, "isatty", lambda: True)

    def no_input(prompt: Any) -> str:
        raise EOFError

    monkeypatch.setattr(terminal.console, "input", no_input)
    assert terminal.confirm("Approve run [b]r1[/b] for prod?") is False
    assert "Nothing changed." in capsys.readouterr().err


class Queue:
    def __init__(self, subject: str) -> None:
        envelope = {"Subject": subject, "Message": "Open https://x.example/approve?run=[/link]"}
        self.messages = [{"Body": json.dumps(envelope), "ReceiptHandle": "h1"}]
        self.deleted: list[str] = []

    def receive_message(self, **_: Any) -> dict[str, Any]:
        return {"Messages": [m for m in self.messages if m["ReceiptHandle"] not in self.deleted]}

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:  # boto3's names
        self.deleted.append(ReceiptHandle)


def test_an_email_is_delivered_once_however_its_display_goes(tmp_path: Path) -> None:
    """A link holding `[/link]` broke the terminal's markup, and the email was written again every
    half minute, forever (the message came back after its visibility timeout)."""
    queue = Queue("presslift harbour convert [link=https://evil.example]failed[/link]")

    def broken_display(email: Email) -> None:
        raise ValueError("closing tag '[/link]' doesn't match any open tag")

    outbox = Outbox(queue, "q", tmp_path / "outbox", threading.Event(), on_email=broken_display)
    assert len(outbox.poll_once()) == 1 and outbox.poll_once() == []
    assert queue.deleted == ["h1"] and len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_debug_may_follow_the_command(tmp_path: Path) -> None:
    """`presslift show RUN --debug` was refused as an unrecognized argument."""
    missing = str(tmp_path / "missing.xml")
    quiet = presslift("convert", missing, "--out", str(tmp_path / "site"))
    loud = presslift("convert", missing, "--out", str(tmp_path / "site"), "--debug")
    assert quiet.returncode == 2 and "Traceback" not in quiet.stderr and "does not exist" in quiet.stderr
    assert loud.returncode == 1 and "Traceback" in loud.stderr
