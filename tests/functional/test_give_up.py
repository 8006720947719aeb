from dataclasses import dataclass, field

import pytest

from chalicelib import events, pipeline
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, RunStore, Stage, new_run_id
from chalicelib.sites import SiteStore


def running_run(svc) -> Run:
    return svc.runs.create(
        Run(
            id=new_run_id(),
            site="demo",
            kind="hugo",
            trigger=Trigger("import"),
            stages=[Stage("convert", "succeeded"), Stage("build", "running"), Stage("deploy-staging")],
        )
    )


def test_a_message_that_ran_out_of_attempts_fails_its_run(provisioned):
    run = running_run(provisioned)
    body = events.encode(events.BuildRequest(run.id, "demo", "sources/demo/x.tar.gz"))
    pipeline.give_up(provisioned, body, RuntimeError("disk full"))
    failed = provisioned.runs.get(run.id)
    assert failed.status == "failed"
    assert failed.stage("build").status == "failed" and "disk full" in failed.stage("build").error
    assert failed.stage("deploy-staging").status == "skipped"


@pytest.mark.parametrize(
    "body",
    [
        "not a pipeline message",
        events.encode(events.BuildRequest("20200101-000000-000-gone00", "demo", "sources/demo/x.tar.gz")),
    ],
    ids=["unreadable", "unknown-run"],
)
def test_giving_up_on_a_message_without_a_run_changes_no_run(provisioned, body):
    bystander = running_run(provisioned)
    pipeline.give_up(provisioned, body, RuntimeError("x"))
    unchanged = provisioned.runs.get(bystander.id)
    assert unchanged.status == "running" and unchanged.version == bystander.version
    assert [run.id for run in provisioned.runs.list()] == [bystander.id]


def test_giving_up_on_a_finished_run_leaves_it_as_it_ended(provisioned):
    run = running_run(provisioned)
    body = events.encode(events.BuildRequest(run.id, "demo", "sources/demo/x.tar.gz"))
    pipeline.give_up(provisioned, body, RuntimeError("disk full"))
    failed = provisioned.runs.get(run.id)
    pipeline.give_up(provisioned, body, RuntimeError("again"))
    again = provisioned.runs.get(run.id)
    assert again.version == failed.version and "again" not in (again.stage("build").error or "")


@dataclass
class Told:
    """A notifier that keeps what it was asked to tell."""

    said: list[tuple[str, str, str]] = field(default_factory=list)

    def run_failed(self, run: Run) -> None:
        self.said.append(("failed", run.id, run.status))

    def commit_status(self, run: Run, state: str, description: str, *, url: str | None = None) -> None:
        self.said.append(("status", run.id, state))


@dataclass
class Reporting:
    runs: RunStore
    sites: SiteStore
    notifier: Told


def test_giving_up_tells_people_once_through_the_notifier_it_is_given(provisioned):
    run = running_run(provisioned)
    svc = Reporting(provisioned.runs, provisioned.sites, Told())
    body = events.encode(events.BuildRequest(run.id, "demo", "sources/demo/x.tar.gz"))
    pipeline.give_up(svc, body, RuntimeError("disk full"))  # type: ignore[arg-type]
    pipeline.give_up(svc, body, RuntimeError("again"))  # type: ignore[arg-type]
    assert svc.notifier.said == [("failed", run.id, "failed"), ("status", run.id, "failure")]
