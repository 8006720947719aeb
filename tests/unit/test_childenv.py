"""The environment of programs started on repository input: the allowlist and nothing else."""

from __future__ import annotations

import pytest

from chalicelib.childenv import DEFAULT_PATH, child_environment

PARENT = {
    "PATH": "/opt/bin:/usr/bin",
    "LD_LIBRARY_PATH": "/opt/lib",
    "LANG": "C.UTF-8",
    "TZ": ":UTC",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "secret-key",
    "AWS_SESSION_TOKEN": "session-token",
    "PRESSLIFT_WEBHOOK_SECRET": "webhook-secret",
    "PRESSLIFT_GITHUB_TOKEN": "ghp_token",
    "PRESSLIFT_ARTIFACTS_BUCKET": "presslift-artifacts",
    "HUGO_SECURITY_FUNCS_GETENV": ".*",
    "GITHUB_TOKEN": "ghp_other",
    "HOME": "/home/sbx_user1051",
}


def test_only_the_allowlist_is_inherited(tmp_path):
    env = child_environment(tmp_path / "home", parent=PARENT)
    assert env == {
        "PATH": "/opt/bin:/usr/bin",
        "LD_LIBRARY_PATH": "/opt/lib",
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmp_path / "home"),
    }
    assert (tmp_path / "home").is_dir()


def test_an_empty_parent_still_gets_a_path(tmp_path):
    assert child_environment(tmp_path, parent={})["PATH"] == DEFAULT_PATH


def test_the_callers_variables_are_added(tmp_path):
    env = child_environment(tmp_path, {"HUGO_ENVIRONMENT": "production"}, parent=PARENT)
    assert env["HUGO_ENVIRONMENT"] == "production"


@pytest.mark.parametrize("name", ["AWS_SECRET_ACCESS_KEY", "PRESSLIFT_GITHUB_TOKEN", "aws_profile"])
def test_a_caller_cannot_forward_a_key(tmp_path, name):
    with pytest.raises(ValueError, match=name):
        child_environment(tmp_path, {name: "x"}, parent=PARENT)
