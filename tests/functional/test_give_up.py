from chalicelib import events, pipeline
from chalicelib.runs import Run, Stage, new_run_id


def test_a_message_that_ran_out_of_attempts_fails_its_run(provisioned):
    run = provisioned.runs.create(
        Run(
            id=new_run_id(),
            site="demo",
            kind="hugo",
            trigger={"type": "import"},
            stages=[Stage("convert", "succeeded"), Stage("build", "running"), Stage("deploy-staging")],
        )
    )
    body = events.encode(events.BuildRequest(run.id, "demo", "sources/demo/x.tar.gz"))
    pipeline.give_up(provisioned, body, RuntimeError("disk full"))
    failed = provisioned.runs.get(run.id)
    assert failed.status == "failed"
    assert failed.stage("build").status == "failed" and "disk full" in failed.stage("build").error
    assert failed.stage("deploy-staging").status == "skipped"


def test_giving_up_on_an_unreadable_message_changes_nothing(provisioned):
    pipeline.give_up(provisioned, "not a pipeline message", RuntimeError("x"))
