"""The one factory that builds the pipeline's collaborators (AWS clients, stores, clock).

Clients are created on first use, not at import, to keep cold starts short. boto3 picks the endpoint
from the environment (`AWS_ENDPOINT_URL` points it at the local cloud), so nothing here knows whether
it talks to AWS or to moto. Tests and the local cloud build their own `Services` instead of patching.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from chalicelib.config import Settings
from chalicelib.requestcount import count_requests
from chalicelib.resources import is_fifo
from chalicelib.runs import RunStore
from chalicelib.secrets import Secrets, github_token_name
from chalicelib.sites import SiteStore

if TYPE_CHECKING:
    from chalicelib.buildrunner.invoke import FunctionRunner, ProcessRunner
    from chalicelib.codemount.invoke import Mount
    from chalicelib.notify import Notifier
    from chalicelib.previews.registry import PreviewStore


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        client_options: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._queue_urls: dict[str, str] = {}
        # make_client's read_timeout and max_attempts: an operator's command waits less than a function
        self._client_options = client_options or {}

    def _client(self, name: str) -> Any:
        # boto3's default session is not thread-safe to create clients from concurrently.
        with self._lock:
            return make_client(name, **self._client_options)

    @cached_property
    def s3(self) -> Any:
        return self._client("s3")

    @cached_property
    def sqs(self) -> Any:
        return self._client("sqs")

    @cached_property
    def sns(self) -> Any:
        return self._client("sns")

    @cached_property
    def dynamodb(self) -> Any:
        return self._client("dynamodb")

    @cached_property
    def cloudfront(self) -> Any:
        return self._client("cloudfront")

    @cached_property
    def runs(self) -> RunStore:
        return RunStore(self.dynamodb, self.settings.table)

    @cached_property
    def sites(self) -> SiteStore:
        return SiteStore(self.dynamodb, self.settings.table)

    @cached_property
    def previews(self) -> PreviewStore:
        from chalicelib.previews.registry import PreviewStore

        return PreviewStore(self.dynamodb, self.settings.table)

    @cached_property
    def notifier(self) -> Notifier:
        from chalicelib.notify import Notifier

        return Notifier(self.settings, self.clock, self, self)

    @cached_property
    def secrets(self) -> Secrets:
        return Secrets(client_factory=self._client)

    @cached_property
    def build_runner(self) -> FunctionRunner | ProcessRunner:
        """Where repository code runs: the runner function, or a keyless child process."""
        from chalicelib.buildrunner.invoke import runner_for

        return runner_for(self.settings.build_runner, self._runner_client)

    @cached_property
    def codedrop_mount(self) -> Mount:
        """Where code drops touch EFS: the mount function, or this process on the local mount folder."""
        from pathlib import Path

        from chalicelib.codemount.invoke import mount_for

        return mount_for(self.settings.codedrop_mount, Path(self.settings.efs_mount), self._runner_client)

    def _runner_client(self, name: str) -> Any:
        # A build waits for the runner as long as the runner may take (Lambda's longest, 15 minutes),
        # and is never sent twice: a retried Invoke would render the same run again.
        with self._lock:
            return make_client(name, read_timeout=RUNNER_READ_TIMEOUT, max_attempts=1)

    def github_token(self) -> str | None:
        """The token for private repositories and commit statuses, if one is configured."""
        return self.secrets.get_optional(github_token_name())

    def queue_url(self, role: str) -> str:
        if role not in self._queue_urls:
            name = self.settings.queues[role]
            self._queue_urls[role] = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return self._queue_urls[role]

    def send(self, role: str, body: str, *, group: str, dedup: str) -> None:
        """Enqueue `body`; on FIFO queues `group` orders messages (the site) and `dedup` drops repeats."""
        kwargs: dict[str, Any] = {"QueueUrl": self.queue_url(role), "MessageBody": body}
        if is_fifo(self.settings.queues[role]):
            kwargs.update(MessageGroupId=group, MessageDeduplicationId=dedup[:128])
        self.sqs.send_message(**kwargs)


RUNNER_READ_TIMEOUT = 960
#: Tries per AWS call, the first included: botocore's standard retry mode backs off on throttling, 5xx
#: and connection faults. The one retry policy for AWS calls: nothing retries them again around it.
AWS_MAX_ATTEMPTS = 5
# Below this size a PutObject body goes out with its headers; above it, S3 may refuse it first.
EXPECT_CONTINUE_FROM = 8 * 1024 * 1024


def make_client(
    name: str,
    *,
    max_pool_connections: int = 64,
    read_timeout: float = 60,
    max_attempts: int = AWS_MAX_ATTEMPTS,
    **session_args: Any,
) -> Any:
    """A boto3 client as the pipeline uses it (the local cloud and benchmarks use the same).

    Publishing uploads with many threads, so the pool is at least that large; standard retry mode backs
    off on throttling and 5xx. S3 responses keep their timestamps as text: nothing here reads them, and
    parsing every LastModified of a listing costs five times the rest of the parse (86 ms against 16 ms
    per page of 1,000 keys), which dominates a small publish. Small uploads skip `Expect: 100-continue`
    (see `_send_small_bodies_at_once`), and uploads are checksummed once, not twice (see `_checksum_once`).
    Each request it sends is counted for the stage sending it (see `requestcount`).
    """
    import boto3  # imported lazily: the API handlers that need no AWS client stay fast
    from botocore.config import Config

    core = botocore_session()
    if name == "s3":
        core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=str)
    endpoint = session_args.pop("endpoint_url", None)
    session = boto3.session.Session(botocore_session=core, **session_args)
    config = Config(
        max_pool_connections=max_pool_connections,
        # `total_max_attempts` counts every try; botocore's `max_attempts` would count retries only.
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        read_timeout=read_timeout,
        **_checksum_once(Config),
        # presigned URLs signed with SigV4 (botocore would presign S3 URLs with SigV2, which S3 is retiring)
        **({"signature_version": "s3v4"} if name == "s3" else {}),
    )
    client = count_requests(session.client(name, config=config, endpoint_url=endpoint))
    if name == "s3":
        client.meta.events.register("before-sign.s3.PutObject", _send_small_bodies_at_once)
    return client


def botocore_session() -> Any:
    """A new botocore session that reads botocore's data through the process's shared loader."""
    import botocore.session

    core = botocore.session.get_session()
    core.register_component("data_loader", shared_data_loader())
    return core


def aws_session(**session_args: Any) -> Any:
    """A new boto3 session (`session_args`: region, credentials, profile) on `botocore_session()`."""
    import boto3

    return boto3.session.Session(botocore_session=botocore_session(), **session_args)


@cache
def shared_data_loader() -> Any:
    """One botocore data loader for every client this process makes: it caches the service models and
    endpoint rules it has read, which each new botocore session would otherwise parse again (about
    0.1 s of JSON per client; a run's stages and the local cloud make dozens). Only botocore's own
    read-only data passes through it; credentials and settings stay per session."""
    import botocore.loaders

    return botocore.loaders.create_loader()


def _checksum_once(config: Any) -> dict[str, str]:
    """Checksums where S3 requires them or the caller asks (ChecksumAlgorithm): publish uploads carry
    the Content-MD5 the build already computed, so a CRC32 on top (botocore's default since 1.36,
    streamed as aws-chunked over HTTPS) would be a second checksum of every file for nothing.

    The option came with that default: a botocore without it (the Lambda runtime may carry one as old
    as the floor, 1.34) already checksums only when required or asked, and would reject the keyword.
    """
    if "request_checksum_calculation" in config.OPTION_DEFAULTS:
        return {"request_checksum_calculation": "when_required"}
    return {}


def _send_small_bodies_at_once(request: Any, **_: Any) -> None:
    """botocore sends every PutObject as headers, a wait for "100 Continue", then the body: one more
    round trip per upload. It pays off only for bodies worth not sending if S3 refuses them; site files
    are kilobytes, and a publish of 6,000 of them would wait 6,000 extra round trips."""
    from botocore.utils import determine_content_length

    if "Expect" not in request.headers:
        return
    # Over HTTPS the body is streamed aws-chunked (with a trailing checksum) and states its size here.
    size = request.headers.get("X-Amz-Decoded-Content-Length") or determine_content_length(request.body)
    if size is not None and int(size) < EXPECT_CONTINUE_FROM:
        del request.headers["Expect"]


_services: Services | None = None


def services() -> Services:
    """The process-wide services, built from the environment on first use."""
    global _services
    if _services is None:
        _services = Services(Settings.from_env())
    return _services


def use_services(value: Services | None) -> None:
    """Replace the process-wide services (the local cloud and tests do this)."""
    global _services
    _services = value
