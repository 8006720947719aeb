"""The embedded local cloud: moto's server, every resource, the dispatcher, the API and site server.

`LocalCloud.start()` brings up the whole pipeline on one machine with no AWS account: moto on
127.0.0.1:4566, resources created from the same names the Lambda code reads, SQS pollers that call the
Chalice app's own handlers, the API and the published sites on 127.0.0.1:8000, and approval emails as
files in `<state dir>/outbox/`. The code under test is exactly what runs in Lambda: the only difference
is `AWS_ENDPOINT_URL`, which boto3 honours by itself.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib import resources
from chalicelib.config import Settings
from chalicelib.github import api_base
from chalicelib.secrets import WEBHOOK_SECRETS_PATH, github_token_name
from chalicelib.services import Services, use_services
from presslift.localcloud.dispatcher import QueuePoller, Schedule, scheduled_wiring, sqs_wiring
from presslift.localcloud.gateway import STAGE as API_STAGE
from presslift.localcloud.outbox import Email, Outbox
from presslift.localcloud.provision import Provisioned, provision
from presslift.localcloud.server import ApiServer, app_routes, in_process

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
REGION = "us-east-1"


class LocalCloudError(RuntimeError):
    """The local cloud cannot start (a port in use, a missing file); the message says what to do."""


def _port(env_name: str, default: int) -> int:
    value = os.environ.get(env_name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise LocalCloudError(f"{env_name}={value!r} is not a port number") from exc


@dataclass
class LocalCloudOptions:
    state_dir: Path = field(default_factory=lambda: Path(".presslift"))
    aws_port: int = field(default_factory=lambda: _port("PRESSLIFT_AWS_PORT", 4566))
    api_port: int = field(default_factory=lambda: _port("PRESSLIFT_API_PORT", 8000))
    #: A GitHub token for private repositories and commit statuses (optional).
    github_token: str = field(default_factory=lambda: os.environ.get("PRESSLIFT_GITHUB_TOKEN", ""))
    #: How often scheduled functions (the approval expiry sweep) run locally.
    schedule_seconds: float = field(
        default_factory=lambda: float(os.environ.get("PRESSLIFT_SCHEDULE_SECONDS", "60"))
    )
    #: Seconds before each retry of a failed message (`PRESSLIFT_RETRY_BACKOFF`): short locally, so a
    #: failing stage is retried while you watch; the stack's default is minutes.
    retry_backoff: str = field(default_factory=lambda: os.environ.get(resources.RETRY_BACKOFF.name, "2"))

    @property
    def aws_url(self) -> str:
        return f"http://{HOST}:{self.aws_port}"

    @property
    def base_url(self) -> str:
        """The front door: the API under `/api/`, the published sites under `/sites/`."""
        return f"http://{HOST}:{self.api_port}"

    @property
    def api_url(self) -> str:
        """The API's URL with its stage, as API Gateway serves it: every route lives under it."""
        return f"{self.base_url}/{API_STAGE}"


def local_identity() -> dict[str, str]:
    """The local cloud's operator identity (access key id -> secret): its own test keys, the only ones
    its front door accepts on operator routes."""
    return {os.environ.get("PRESSLIFT_LOCAL_KEY_ID", "testing"): "testing"}


def client_environment(options: LocalCloudOptions) -> dict[str, str]:
    """What a process needs in its environment to talk to this local cloud (boto3, the AWS CLI)."""
    ((key_id, secret),) = local_identity().items()
    return {
        "AWS_ENDPOINT_URL": options.aws_url,
        "AWS_ACCESS_KEY_ID": key_id,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": REGION,
        resources.API_URL.name: options.api_url,
        **{
            var.name: f"{options.base_url}/sites/{{site}}/{stage}/"
            for stage, var in resources.SITE_URLS.items()
        },
    }


def _check_free(port: int, what: str, env_name: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            raise LocalCloudError(
                f"cannot serve {what} on {HOST}:{port}: {exc.strerror}. Is another `presslift up` running? "
                f"Stop it, or choose another port with {env_name}=..."
            ) from exc


def load_app() -> Any:
    """The Chalice app object from the project's app.py (imported after the environment is set)."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    module = importlib.import_module("app")
    return module.app


class LocalCloud:
    def __init__(
        self, options: LocalCloudOptions | None = None, *, on_email: Callable[[Email], None] | None = None
    ):
        self.options = options or LocalCloudOptions()
        self.state_dir = self.options.state_dir.resolve()
        self._on_email = on_email or (lambda email: None)
        self._stop = threading.Event()
        self._moto: Any = None
        self._api: ApiServer | None = None
        self.pollers: list[QueuePoller] = []
        self.schedules: list[Schedule] = []
        self.outbox: Outbox | None = None
        self.provisioned = Provisioned()
        self.settings: Settings | None = None
        self.services: Services | None = None
        self.emails: list[Email] = []
        self._email_lock = threading.Condition()

    @property
    def outbox_dir(self) -> Path:
        return self.state_dir / "outbox"

    @property
    def efs_dir(self) -> Path:
        return self.state_dir / "efs"

    def start(self) -> LocalCloud:
        from moto.server import ThreadedMotoServer

        _check_free(self.options.aws_port, "the local AWS (moto)", "PRESSLIFT_AWS_PORT")
        _check_free(self.options.api_port, "the API", "PRESSLIFT_API_PORT")
        for folder in (self.state_dir, self.outbox_dir, self.efs_dir, self.state_dir / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = ThreadedMotoServer(ip_address=HOST, port=self.options.aws_port, verbose=False)
        self._moto.start()

        os.environ.update(client_environment(self.options))
        os.environ[resources.RETRY_BACKOFF.name] = self.options.retry_backoff
        os.environ["TMPDIR"] = str(self.state_dir / "tmp")
        os.environ[resources.EFS_MOUNT.name] = str(self.efs_dir)
        base = Settings.from_env()
        import boto3

        session = boto3.session.Session()
        clients = {
            name: session.client(name) for name in ("s3", "sqs", "sns", "dynamodb", "cloudfront", "ssm")
        }
        parameters: dict[str, str] = {}  # webhook secrets are per site: `presslift site add` writes each
        if self.options.github_token:
            parameters[github_token_name()] = self.options.github_token
        self.provisioned = provision(base, clients, secrets=parameters)
        for stage, distribution in self.provisioned.distributions.items():
            os.environ[resources.DISTRIBUTIONS[stage].name] = distribution
        self.settings = Settings.from_env()
        self.services = Services(self.settings)
        use_services(self.services)

        app = load_app()
        for wiring in sqs_wiring(app):
            poller = QueuePoller(clients["sqs"], wiring, self._stop, region=REGION)
            self.pollers.append(poller)
        self.schedules = [
            Schedule(wiring, self._stop, self.options.schedule_seconds) for wiring in scheduled_wiring(app)
        ]
        self.outbox = Outbox(
            clients["sqs"], self.provisioned.outbox_url, self.outbox_dir, self._stop, on_email=self._received
        )
        self._api = ApiServer(
            in_process(app),
            app_routes(app),
            self.settings,
            clients["s3"],
            HOST,
            self.options.api_port,
            identities=local_identity(),
        )
        for thread in [*self.pollers, *self.schedules, self.outbox]:
            thread.start()
        self._api.start()
        return self

    def _received(self, email: Email) -> None:
        with self._email_lock:
            self.emails.append(email)
            self._email_lock.notify_all()
        self._on_email(email)

    def wait_for_email(self, predicate: Callable[[Email], bool], timeout: float) -> Email:
        deadline = time.monotonic() + timeout
        with self._email_lock:
            while True:
                for email in self.emails:
                    if predicate(email):
                        return email
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching email within {timeout:.0f} s")
                self._email_lock.wait(remaining)

    def stop(self) -> None:
        self._stop.set()
        if self._api:
            self._api.stop()
        for thread in [*self.pollers, *([self.outbox] if self.outbox else [])]:
            thread.join(timeout=5)
        if self._moto:
            self._moto.stop()
        use_services(None)

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def banner(self) -> str:
        assert self.settings is not None
        s = self.settings
        lines = [
            "Presslift local cloud is up",
            f"  AWS (moto)      {self.options.aws_url}",
            f"  API             {self.options.api_url}/runs   (operators sign: SigV4 with the local keys)",
            "  Dashboard       presslift dashboard   (a local proxy that signs for your browser)",
            f"  Sites           {self.options.base_url}/sites/<site>/<stage>/"
            f"   (stages: {', '.join(s.site_buckets)})",
            f"  Drop an export  s3://{s.ingest_bucket}/imports/<site>/<name>.xml"
            f"  (media: imports/<site>/uploads.zip, put first)",
            f"  Buckets         {', '.join(self.provisioned.buckets)}",
            f"  Queues          {', '.join(s.queues.values())} (each with a -dlq)",
            f"  Table           {s.table}",
            f"  Approvals       {s.approvals_topic_arn} -> {self.outbox_dir}/",
            f"  CloudFront      {', '.join(f'{k}={v}' for k, v in self.provisioned.distributions.items())}",
            f"  GitHub webhook  POST {self.options.api_url}/webhooks/github",
            f"                  one secret per site, printed once by presslift site add"
            f" (SSM {WEBHOOK_SECRETS_PATH}/<site>)",
            f"                  GitHub API {api_base()} (PRESSLIFT_GITHUB_API overrides)",
            f"  EFS             {self.efs_dir}/",
            f"  State           {self.state_dir}/",
        ]
        return "\n".join(lines)
