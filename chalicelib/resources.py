"""The names of every AWS resource Presslift uses, and the environment variables that carry them.

This is the one source of truth: the Lambda functions read these variables (set by
`.chalice/config.json` and the deployment template), and the local cloud creates the resources and
sets the same variables from the defaults here. Pure data; no AWS calls.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The stages a site is published to, in promotion order.
SITE_STAGES: tuple[str, ...] = ("staging", "prod")

#: The pipeline's own queues (each with a dead-letter queue named `<name>-dlq`).
QUEUE_ROLES: tuple[str, ...] = ("ingest", "build", "deploy", "codedrop")

#: The stages a code site's releases are dropped to, in promotion order (EFS folders of the same names).
CODE_STAGES: tuple[str, ...] = ("dev", "stage", "prod")


@dataclass(frozen=True)
class Variable:
    """An environment variable with its default (the local cloud's value)."""

    name: str
    default: str


INGEST_BUCKET = Variable("PRESSLIFT_INGEST_BUCKET", "presslift-ingest")
ARTIFACTS_BUCKET = Variable("PRESSLIFT_ARTIFACTS_BUCKET", "presslift-artifacts")
TABLE = Variable("PRESSLIFT_TABLE", "presslift-runs")
APPROVALS_TOPIC = Variable(
    "PRESSLIFT_APPROVALS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:presslift-approvals"
)
#: The API's URL with its API Gateway stage: every route lives under it (`<API_URL>/runs`).
API_URL = Variable("PRESSLIFT_API_URL", "http://127.0.0.1:8000/api")
MAX_RECEIVE_COUNT = Variable("PRESSLIFT_MAX_RECEIVE_COUNT", "3")
#: Seconds a failed message stays hidden before its next attempt, by attempt (the last one repeats); the
#: production schedule (see chalicelib/batch.py for why), which the local cloud may shorten.
RETRY_BACKOFF = Variable("PRESSLIFT_RETRY_BACKOFF", "10,30,90,270")
#: Where the code-drop mount function mounts EFS (an access point in the template); locally .presslift/efs.
EFS_MOUNT = Variable("PRESSLIFT_EFS_MOUNT", "/mnt/efs")
#: Algolia hosts to use instead of Algolia's own (comma-separated URLs): tests and the local cloud.
ALGOLIA_HOSTS = Variable("PRESSLIFT_ALGOLIA_HOSTS", "")
#: Buckets and distributions that sites may own (comma-separated), from the stack's SiteOwnedBuckets and
#: SiteOwnedDistributions parameters. Unset (the local cloud) means any; set, only those listed.
SITE_OWNED_BUCKETS = Variable("PRESSLIFT_SITE_OWNED_BUCKETS", "")
SITE_OWNED_DISTRIBUTIONS = Variable("PRESSLIFT_SITE_OWNED_DISTRIBUTIONS", "")
#: The SSM path under which search admin keys live (the stack's SearchKeysPath); the only one granted.
SEARCH_KEYS_PATH = Variable("PRESSLIFT_SEARCH_KEYS_PATH", "/presslift/search")
#: The build runner function (its name or ARN) that the build stage invokes; unset (the local cloud's
#: in-process mode), the build stage runs the same code as a child process with an allowlisted environment.
BUILD_RUNNER = Variable("PRESSLIFT_BUILD_RUNNER", "")
#: The code-drop mount function (its name or ARN) that the code-drop stage invokes; unset (the local
#: cloud's in-process mode), the stage does the same mount work itself on PRESSLIFT_EFS_MOUNT.
CODEDROP_MOUNT = Variable("PRESSLIFT_CODEDROP_MOUNT", "")
#: Queues whose messages are ordered per site: FIFO, MessageGroupId = the site. Deploys of one site never
#: run at the same time or out of order, while different sites deploy in parallel.
FIFO_ROLES: frozenset[str] = frozenset({"deploy", "codedrop"})
QUEUES = {
    role: Variable(
        f"PRESSLIFT_{role.upper()}_QUEUE", f"presslift-{role}" + (".fifo" if role in FIFO_ROLES else "")
    )
    for role in QUEUE_ROLES
}
SITE_BUCKETS = {
    stage: Variable(f"PRESSLIFT_SITE_BUCKET_{stage.upper()}", f"presslift-site-{stage}")
    for stage in SITE_STAGES
}
#: CloudFront distribution ids per stage; empty means "none" (the local cloud fills them in).
DISTRIBUTIONS = {stage: Variable(f"PRESSLIFT_DISTRIBUTION_{stage.upper()}", "") for stage in SITE_STAGES}
#: The public URL of a site's stage; `{site}` is replaced by the site's name.
SITE_URLS = {
    stage: Variable(f"PRESSLIFT_SITE_URL_{stage.upper()}", f"http://127.0.0.1:8000/sites/{{site}}/{stage}/")
    for stage in SITE_STAGES
}


def all_variables() -> list[Variable]:
    """Every variable, for the local cloud's environment and for checks of the deployment config."""
    fixed = [
        INGEST_BUCKET,
        ARTIFACTS_BUCKET,
        TABLE,
        APPROVALS_TOPIC,
        API_URL,
        MAX_RECEIVE_COUNT,
        RETRY_BACKOFF,
        ALGOLIA_HOSTS,
    ]
    return [*fixed, *QUEUES.values(), *SITE_BUCKETS.values(), *DISTRIBUTIONS.values(), *SITE_URLS.values()]


def is_fifo(queue_name: str) -> bool:
    return queue_name.endswith(".fifo")


def dead_letter_queue(queue_name: str) -> str:
    """`presslift-build` -> `presslift-build-dlq`; a FIFO queue's DLQ must be FIFO too."""
    if is_fifo(queue_name):
        return queue_name.removesuffix(".fifo") + "-dlq.fifo"
    return f"{queue_name}-dlq"
