"""A stage's AWS requests are counted as they are sent (moto answers them), by the class AWS bills them
in, into the stage's recorded usage: from its own thread, from the pool threads its work hands calls
to, and from the publish's direct signed PUTs; two stages running at once keep their own counts."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib import stages
from chalicelib.pool import ContextPool
from chalicelib.publish.direct import DirectPuts
from chalicelib.requestcount import counting
from chalicelib.runparts import Trigger
from chalicelib.runs import Run, Stage, new_run_id
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.usage import Usage

BUCKET = "presslift-count-test"


class Done:
    def detail(self) -> dict[str, Any]:
        return {"summary": "done"}


def _stage(svc: Services, name: str = "deploy-staging") -> str:
    run = svc.runs.create(Run(new_run_id(), "blog", "hugo", Trigger("push"), [Stage(name)]))
    return run.id


def _recorded(svc: Services, run_id: str, name: str = "deploy-staging") -> Usage:
    return Usage.from_dict(svc.runs.get(run_id).stage(name).detail["usage"])


def _counted(used: Usage) -> dict[str, int | None]:
    return {
        "s3_puts": used.s3_puts,
        "s3_gets": used.s3_gets,
        "s3_lists": used.s3_lists,
        "sqs_requests": used.sqs_requests,
        "sqs_fifo_requests": used.sqs_fifo_requests,
        "sns_requests": used.sns_requests,
        "dynamodb_reads": used.dynamodb_reads,
        "dynamodb_writes": used.dynamodb_writes,
    }


def test_a_stage_records_each_request_it_sent_by_class_from_its_pool_threads_too(provisioned) -> None:
    svc = provisioned
    svc.s3.create_bucket(Bucket=BUCKET)
    topic = svc.sns.create_topic(Name="counted")["TopicArn"]
    queue = svc.settings.queues["build"]
    svc.sites.add(Site("blog", source="import"))
    run_id = _stage(svc)

    def work(_: Run) -> Done:
        svc.s3.put_object(Bucket=BUCKET, Key="a.html", Body=b"a")
        with ContextPool(max_workers=3) as pool:
            list(pool.map(lambda key: svc.s3.put_object(Bucket=BUCKET, Key=key, Body=b"x"), ["b", "c"]))
            list(pool.map(lambda key: svc.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read(), "bc"))
            pool.submit(svc.s3.head_object, Bucket=BUCKET, Key="a.html").result()
        svc.s3.list_objects_v2(Bucket=BUCKET)
        svc.s3.copy_object(Bucket=BUCKET, Key="d", CopySource={"Bucket": BUCKET, "Key": "a.html"})
        svc.s3.delete_object(Bucket=BUCKET, Key="d")  # DELETE requests are free
        svc.s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "b"}, {"Key": "c"}]})
        url = svc.sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        svc.sqs.send_message(QueueUrl=url, MessageBody="{}")
        svc.sqs.receive_message(QueueUrl=url)
        svc.send("deploy", "{}", group="blog", dedup="one")  # its URL (standard), the send (FIFO)
        svc.sns.publish(TopicArn=topic, Message="hello")
        svc.sites.get("blog")  # one read
        return Done()

    assert stages.run_stage(svc.runs, run_id, "deploy-staging", work, final_attempt=True) is not None
    assert _counted(_recorded(svc, run_id)) == {
        "s3_puts": 4,  # a.html, b, c, and the copy
        "s3_gets": 3,  # two GETs and a HEAD
        "s3_lists": 1,
        "sqs_requests": 4,
        "sqs_fifo_requests": 1,
        "sns_requests": 1,
        "dynamodb_reads": 2,  # the stage's begin reads the run, the work reads the site
        "dynamodb_writes": 1,  # the begin's write (its end is written after the usage is taken)
    }


def test_a_failed_stage_records_the_requests_it_sent_before_failing(provisioned) -> None:
    from chalicelib.errors import PublishError

    svc = provisioned
    svc.s3.create_bucket(Bucket=BUCKET)
    run_id = _stage(svc)

    def work(_: Run) -> Done:
        svc.s3.put_object(Bucket=BUCKET, Key="a.html", Body=b"a")
        raise PublishError("the bucket refused the next one")

    assert stages.run_stage(svc.runs, run_id, "deploy-staging", work, final_attempt=True) is None
    assert _recorded(svc, run_id).s3_puts == 1


def test_two_stages_running_at_once_in_two_threads_keep_their_own_counts(provisioned) -> None:
    svc = provisioned
    svc.s3.create_bucket(Bucket=BUCKET)
    svc.s3.put_object(Bucket=BUCKET, Key="page", Body=b"p")
    both_inside = threading.Barrier(2, timeout=60)
    runs = {"puts": _stage(svc), "gets": _stage(svc)}

    def puts(_: Run) -> Done:
        both_inside.wait()
        with ContextPool(max_workers=2) as pool:
            list(pool.map(lambda n: svc.s3.put_object(Bucket=BUCKET, Key=f"p{n}", Body=b"x"), range(3)))
        both_inside.wait()
        return Done()

    def gets(_: Run) -> Done:
        both_inside.wait()
        with ContextPool(max_workers=2) as pool:
            list(pool.map(lambda _n: svc.s3.get_object(Bucket=BUCKET, Key="page"), range(5)))
        both_inside.wait()
        return Done()

    threads = [
        threading.Thread(
            target=stages.run_stage,
            args=(svc.runs, runs[kind], "deploy-staging", work),
            kwargs={"final_attempt": True},
        )
        for kind, work in (("puts", puts), ("gets", gets))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    put_stage, get_stage = _recorded(svc, runs["puts"]), _recorded(svc, runs["gets"])
    assert (put_stage.s3_puts, put_stage.s3_gets) == (3, 0)
    assert (get_stage.s3_puts, get_stage.s3_gets) == (0, 5)


def test_the_publish_direct_puts_are_counted_where_they_are_sent(provisioned) -> None:
    svc = provisioned
    svc.s3.create_bucket(Bucket=BUCKET)
    direct = DirectPuts.for_bucket(svc.s3, BUCKET)
    assert direct is not None
    with counting() as counts:
        assert direct.put("index.html", b"<p>hi</p>", {"Content-Type": "text/html"}) is not None
        assert not direct.given_up  # it went out directly, not through put_object
    assert counts.usage().s3_puts == 1
    assert svc.s3.get_object(Bucket=BUCKET, Key="index.html")["Body"].read() == b"<p>hi</p>"


def test_requests_outside_a_stage_are_not_counted_in_it(provisioned) -> None:
    svc = provisioned
    svc.s3.create_bucket(Bucket=BUCKET)
    with counting() as counts:
        svc.s3.list_objects_v2(Bucket=BUCKET)
    svc.s3.list_objects_v2(Bucket=BUCKET)
    assert counts.usage().s3_lists == 1
