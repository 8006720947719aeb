"""An operator sees one line and an exit code, never a traceback, for what a CLI sweep met: a file
where a folder was wanted (and the reverse), a port in use or out of range, and a reader that stopped
early (`presslift runs --json | head -1`)."""

from __future__ import annotations

import argparse
import errno
import io
import os

import pytest

from presslift import cli
from presslift.failures import explain
from presslift.terminal import make_console


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (IsADirectoryError(errno.EISDIR, "Is a directory", "out/r.json"), "out/r.json is a folder"),
        (FileExistsError(errno.EEXIST, "File exists", "state"), "state: file exists; give another path"),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory", "a/b"), "a/b: not a directory"),
        (OSError(errno.EADDRINUSE, "Address already in use"), "that port is in use by another program"),
        (OSError(errno.ENOSPC, "No space left on device", "s/x"), "no space left on device writing s/x"),
        # A read-only mount was told to free space.
        (OSError(errno.EROFS, "Read-only file system", "s"), "the file system of s is read-only: give"),
    ],
)
def test_file_and_port_errors_are_one_line(exc: OSError, said: str) -> None:
    failure = explain(exc)
    assert failure is not None and failure.message.startswith(said) and failure.exit_code == 2


def test_a_port_out_of_range_is_refused_by_the_parser() -> None:
    assert cli.port_number("8001") == 8001
    for text in ("99999", "-1", "http"):
        with pytest.raises(argparse.ArgumentTypeError):
            cli.port_number(text)


def test_a_reader_that_stops_early_ends_the_command_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    def stopped(args: argparse.Namespace) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(cli, "cmd_read", stopped)  # the parser is built inside main
    monkeypatch.setattr(os, "dup2", lambda *_: None)
    assert cli.main(["runs"]) == 141


def test_rich_output_to_a_closed_pipe_ends_as_other_output_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # `presslift logs RUN | head -1` exited 1 (rich's own choice) where `runs | head -1` exited 141.
    read_end, write_end = os.pipe()
    os.close(read_end)

    def printing(args: argparse.Namespace) -> int:
        with io.TextIOWrapper(io.FileIO(write_end, "w"), write_through=True) as stream:  # no buffer
            console = make_console()
            console.file = stream
            console.print("a log line")
        return 0

    monkeypatch.setattr(cli, "cmd_read", printing)
    monkeypatch.setattr(os, "dup2", lambda *_: None)
    assert cli.main(["logs", "20261130-140600-000-b00006"]) == 141


def test_publish_json_without_dry_run_publishes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    # A CLI sweep: `publish SITE staging --json` queued a publish and printed no JSON.
    assert cli.main(["publish", "harbour", "staging", "--json"]) == 2
    assert (
        "--json prints the plan of a --dry-run and publishes nothing: add --dry-run"
        in capsys.readouterr().err
    )


def test_the_dashboards_api_url_is_checked_before_it_starts() -> None:
    # A CLI sweep: `dashboard --api-url notaurl` started, and every request through it failed.
    assert cli.api_url("https://abc.execute-api.eu-west-1.amazonaws.com/api/").startswith("https://")
    for text in ("notaurl", "ftp://x/", "https://"):
        with pytest.raises(argparse.ArgumentTypeError, match="is not the API's URL"):
            cli.api_url(text)


def test_names_from_outside_cannot_drive_the_operators_terminal() -> None:
    # An uploaded key `a\x1b[31mRED\x1b[1A\x1b[2KB.xml` recoloured, moved and erased lines of
    # `presslift imports`, `runs` and `show`.
    out = io.StringIO()
    console = make_console()
    console.file = out
    console.print("imports/a\x1b[31mRED\x1b[1A\x1b[2KB.xml\x9b1m", highlight=False)
    console.out("build line\r\nnext\x07")
    assert "\x1b" not in out.getvalue() and "\x9b" not in out.getvalue() and "\x07" not in out.getvalue()
    assert "imports/a\\x1b[31mRED\\x1b[1A\\x1b[2KB.xml\\x9b1m" in out.getvalue()
    assert "build line\nnext\\x07" in out.getvalue()


def test_an_error_body_botocore_could_not_read_is_one_line_with_what_to_do() -> None:
    # The packaged local cloud's IAM refusal is XML to DynamoDB's JSON protocol: the operator saw
    # "AWS Query failed (403): <?xml ...>" over two lines, and nothing about what to do.
    from botocore.exceptions import ClientError

    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Code>InvalidClientTokenId</Code>'
        "<Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>"
    )
    exc = ClientError({"Error": {"Code": "403", "Message": body}}, "Query")
    failure = explain(exc)
    assert failure is not None and "\n" not in failure.message and "<" not in failure.message
    assert failure.message.startswith("AWS did not accept your credentials (InvalidClientTokenId)")
    assert "presslift up --packaged" in failure.message


def test_bidi_overrides_from_outside_are_written_out() -> None:
    # A commit message's U+202E reversed what followed it in `presslift show`.
    out = io.StringIO()
    console = make_console()
    console.file = out
    console.print("fix \u202etxt.exe\u2066 and a\u2028b \u061c", highlight=False)
    assert "\u202e" not in out.getvalue() and "\u2028" not in out.getvalue()
    assert "fix \\u202etxt.exe\\u2066 and a\\u2028b \\u061c" in out.getvalue()  # every bidi control
