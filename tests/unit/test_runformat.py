"""The run record's format: docs stored by the version-1 code load as typed runs, version 2 reads back
what it wrote, and what a version does not know never stops a run from loading.

`records/*.json` are docs exactly as the version-1 code wrote them (`json.dumps(run.to_dict(),
sort_keys=True)` of its dict-shaped run), one per trigger type and approval state.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chalicelib.errors import ConflictError, PipelineError
from chalicelib.runformat import FORMAT, from_doc, to_doc
from chalicelib.runparts import Approval, ArtifactRef, Trigger

RECORDS = Path(__file__).parent / "records"
SHA = "0123456789abcdef0123456789abcdef01234567"
APPROVED_RUN = "20261130-140600-000-b00002"


def record(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((RECORDS / f"{name}.json").read_text(encoding="utf-8"))
    return doc


def test_a_version_1_import_loads_with_its_export_and_no_approval() -> None:
    run = from_doc(record("import-building"), version=3)
    assert run.trigger == Trigger(
        "import", "import of blog.xml", bucket="ingest", key="imports/demo/blog.xml"
    )
    assert run.approval is None and run.artifact == ArtifactRef()
    assert (run.version, run.format, run.status) == (3, 1, "running")
    assert [(s.name, s.status) for s in run.stages][:2] == [("convert", "succeeded"), ("build", "running")]
    assert run.stage("convert").detail["source_key"] == "sources/demo/x.tar.gz"


def test_a_version_1_push_keeps_every_field_of_the_push() -> None:
    run = from_doc(record("push-approved"))
    assert run.trigger == Trigger(
        "push",
        "push 0123456 to main by ana: Fix typo",
        repository="acme/blog",
        ref="refs/heads/main",
        branch="main",
        sha=SHA,
        before="f" * 40,
        pusher="ana",
        message="Fix typo",
        compare="https://github.com/acme/blog/compare/ffffffffffff...0123456789ab",
    )
    assert run.artifact == ArtifactRef(APPROVED_RUN, 'hugo_version = "0.140.0"\n')


@pytest.mark.parametrize(
    ("name", "status", "decided", "superseded_by"),
    [
        ("push-pending", "pending", "", ""),
        ("push-approved", "approved", "2026-11-30T15:00:00+00:00", ""),
        ("push-rejected", "rejected", "2026-11-30T15:00:00+00:00", ""),
        ("push-expired", "expired", "", ""),
        ("push-superseded", "pending", "", "20261130-150000-000-c00001"),
    ],
)
def test_a_version_1_approval_loads_in_each_state(
    name: str, status: str, decided: str, superseded_by: str
) -> None:
    approval = from_doc(record(name)).approval
    assert isinstance(approval, Approval)
    assert (approval.status, approval.decided_at, approval.superseded_by) == (status, decided, superseded_by)
    assert approval.expires_at == "2026-12-03T14:07:00+00:00"
    assert approval.token_sha256.startswith("9f86d081")
    assert approval.plan == {"uploads": 12, "deletes": 1, "unchanged": 300}
    assert approval.plan_files["files"][0]["path"] == "index.html"
    assert approval.plan_text.startswith("Publish to s3://prod/demo/")
    if decided:
        assert (approval.source_ip, approval.user_agent) == ("203.0.113.9", "Mozilla/5.0")


@pytest.mark.parametrize(("name", "deletes"), [("rollback", False), ("publish", True)])
def test_a_version_1_restore_names_its_target_and_the_run_it_restores(name: str, deletes: bool) -> None:
    run = from_doc(record(name))
    assert run.trigger.type == name and run.trigger.restoring
    assert (run.trigger.target, run.trigger.to_run, run.trigger.by) == ("prod", APPROVED_RUN, "ana")
    assert run.trigger.allow_deletes is deletes
    assert run.artifact.artifact_run == APPROVED_RUN


def test_a_version_1_code_rollback_to_the_previous_release_names_none() -> None:
    run = from_doc(record("code-rollback"))
    assert run.trigger == Trigger(
        "rollback", "rollback of prod to the previous release", target="prod", to_release="", by="ana"
    )
    assert run.artifact.presslift_toml == "[code]\n"


def test_a_presslift_toml_left_on_a_version_1_fetch_stage_moves_to_the_artifact() -> None:
    run = from_doc(record("push-fetched-config-on-stage"))
    assert run.artifact.presslift_toml == 'hugo_version = "0.141.0"\n'
    assert "presslift_toml" not in run.stage("fetch").detail


@pytest.mark.parametrize("name", sorted(path.stem for path in RECORDS.glob("*.json")))
def test_every_version_1_record_reads_back_the_same_from_version_2(name: str) -> None:
    run = from_doc(record(name), version=5)
    doc = to_doc(run)
    assert doc["format"] == FORMAT == 2
    again = from_doc(json.loads(json.dumps(doc)), version=5)
    assert again.format == 2
    assert replace(again, format=run.format) == run  # only the format moved on


def test_keys_this_version_does_not_know_are_dropped_not_fatal() -> None:
    doc = record("push-pending")
    doc["colour"] = "blue"
    doc["trigger"]["delivery"] = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    doc["approval"]["reminded_at"] = "2026-12-01T00:00:00+00:00"
    doc["artifact"]["bundle"] = "code.tar.gz"
    doc["stages"][0]["attempts"] = 2
    run = from_doc(doc)
    assert run.trigger.sha == SHA and run.approval is not None and run.approval.status == "pending"
    assert "colour" not in to_doc(run) and "delivery" not in to_doc(run)["trigger"]


def test_a_record_from_a_newer_presslift_loads_but_is_never_written_back() -> None:
    doc = {**to_doc(from_doc(record("push-pending"))), "format": FORMAT + 1, "labels": ["x"]}
    run = from_doc(doc)
    assert run.status == "awaiting_approval" and run.format == FORMAT + 1
    with pytest.raises(ConflictError, match=f"newer Presslift \\(record format {FORMAT + 1}"):
        to_doc(run)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"trigger": {"type": "cron"}}, "trigger type 'cron' is none of import, push, rollback, publish"),
        ({"trigger": {}}, "trigger type '' is none of"),
        ({"format": "two"}, "record format 'two' is not a version number"),
        ({"generation": "many"}, "generation: 'many' is not a number"),
    ],
)
def test_a_record_that_makes_no_sense_says_which_run_and_what(change: dict[str, Any], message: str) -> None:
    doc = {**record("import-building"), **change}
    with pytest.raises(PipelineError, match=message):
        from_doc(doc)
