"""The scheduled sweep's role may read and clear every pipeline DLQ, and only the DLQs."""

from chalicelib.resources import QUEUE_ROLES
from presslift.packaging import grants, logical
from presslift.packaging.appmodel import Function


def test_the_sweep_may_receive_and_delete_on_every_dead_letter_queue_only():
    statements = [s for s in grants.policy(Function("expire_approvals", "schedule")) if "Action" in s]
    dead = [logical.arn(logical.dead_letter_queue(role)) for role in QUEUE_ROLES]
    dlq_statements = [s for s in statements if "sqs:ReceiveMessage" in s["Action"]]
    assert len(dlq_statements) == 1
    (statement,) = dlq_statements
    assert statement["Action"] == ["sqs:DeleteMessage", "sqs:ReceiveMessage"]
    assert statement["Resource"] == dead
    assert any(
        "sqs:GetQueueUrl" in s["Action"] and set(map(str, dead)) <= set(map(str, s["Resource"]))
        for s in statements
    )
    sends = [r for s in statements if "sqs:SendMessage" in s["Action"] for r in s["Resource"]]
    assert not any(r in dead for r in sends)  # SQS moves messages to a DLQ; code never sends there


def test_queue_functions_get_no_dead_letter_grants():
    build = Function("build", "sqs", queue="presslift-prod-build", role="build")
    # Conditional grants (`Fn::If`: a site's own buckets, which a preview's review reads) name no queue.
    resources = [str(r) for s in grants.policy(build) if "Resource" in s for r in s["Resource"]]
    assert resources
    assert not any("DeadLetterQueue" in r for r in resources)
