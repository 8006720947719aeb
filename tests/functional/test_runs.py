import threading

import pytest

from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.runs import Run, Stage, new_run_id


def make_run(site: str = "demo") -> Run:
    return Run(
        id=new_run_id(),
        site=site,
        kind="hugo",
        trigger={"type": "import"},
        stages=[Stage("convert"), Stage("build")],
    )


def test_a_created_run_reads_back(provisioned):
    run = provisioned.runs.create(make_run())
    again = provisioned.runs.get(run.id)
    assert again.to_dict() == run.to_dict()
    assert again.version == 1


def test_a_run_id_is_created_once(provisioned):
    run = provisioned.runs.create(make_run())
    with pytest.raises(ConflictError):
        provisioned.runs.create(run)


def test_an_unknown_run_is_not_found(provisioned):
    with pytest.raises(NotFoundError, match="no run with id"):
        provisioned.runs.get("nope")


def test_runs_list_newest_first_and_by_site(provisioned):
    ids = [provisioned.runs.create(make_run(site)).id for site in ("a", "b", "a")]
    assert [run.id for run in provisioned.runs.list()] == ids[::-1]
    assert [run.id for run in provisioned.runs.list(site="a")] == [ids[2], ids[0]]
    assert len(provisioned.runs.list(limit=2)) == 2


def test_concurrent_updates_lose_nothing(provisioned):
    run = provisioned.runs.create(make_run())

    def bump(i: int) -> None:
        provisioned.runs.update(
            run.id, lambda r: r.stage("build").detail.__setitem__(f"writer{i}", i), attempts=50
        )

    threads = [threading.Thread(target=bump, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    detail = provisioned.runs.get(run.id).stage("build").detail
    assert detail == {f"writer{i}": i for i in range(6)}
