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
from pathlib import Path
from typing import Any

from chalicelib import resources
from chalicelib.config import Settings
from chalicelib.github import api_base
from chalicelib.github.api import API_ENV as GITHUB_API_ENV
from chalicelib.secrets import WEBHOOK_SECRETS_PATH, github_token_name
from chalicelib.services import Services, aws_session, use_services
from presslift.localcloud.dispatcher import QueuePoller, Schedule, scheduled_wiring, sqs_wiring
from presslift.localcloud.functionlogs import FunctionLogCapture
from presslift.localcloud.outbox import Email, Outbox
from presslift.localcloud.provision import Provisioned, provision
from presslift.localcloud.server import ApiServer, app_routes, in_process
from presslift.localcloud.state import (
    STATE_FILE,
    Gate,
    MotoServer,
    Snapshots,
    StateError,
    hold_state_lock,
    load_backends,
    private_folder,
    start_fresh,
)
from presslift.localoptions import DASHBOARD_PORT as DASHBOARD_PORT
from presslift.localoptions import HOST as HOST
from presslift.localoptions import REGION as REGION
from presslift.localoptions import LocalCloudError as LocalCloudError
from presslift.localoptions import LocalCloudOptions as LocalCloudOptions
from presslift.localoptions import client_environment as client_environment
from presslift.localoptions import local_identity as local_identity
from presslift.localoptions import port_setting

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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


def _is_free(port: int) -> bool:
    try:
        _check_free(port, "", "")
    except LocalCloudError:
        return False
    return True


def dashboard_port() -> int:
    """`presslift up`'s dashboard port: PRESSLIFT_DASHBOARD_PORT if set (it must be free), else 8001,
    or any free port when 8001 is taken (the banner says which)."""
    port = port_setting("PRESSLIFT_DASHBOARD_PORT", 0)
    return port or (DASHBOARD_PORT if _is_free(DASHBOARD_PORT) else 0)


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
        self._snapshots: Snapshots | None = None
        self._state_lock: Any = None
        self.restored = 0
        self.set_aside: Path | None = None
        self._api: ApiServer | None = None
        self.dashboard: Any = None
        self.github: Any = None
        self.github_repos: dict[str, Path] = {}
        self.pollers: list[QueuePoller] = []
        self.schedules: list[Schedule] = []
        self.outbox: Outbox | None = None
        self.provisioned = Provisioned()
        self.settings: Settings | None = None
        self.services: Services | None = None
        self.emails: list[Email] = []
        self._email_lock = threading.Condition()
        self._function_log: FunctionLogCapture | None = None

    @property
    def outbox_dir(self) -> Path:
        return self.state_dir / "outbox"

    @property
    def efs_dir(self) -> Path:
        return self.state_dir / "efs"

    @property
    def state_file(self) -> Path:
        return self.state_dir / STATE_FILE

    def _start_moto(self) -> None:
        """moto's server, with the saved state put back first (unless told to start fresh)."""
        gate = Gate()
        if self.options.fresh:
            self.set_aside = start_fresh(self.state_dir)
        if self.options.keep_state and self.state_file.exists():
            try:
                self.restored = load_backends(self.state_file)
            except StateError as exc:
                raise LocalCloudError(str(exc)) from exc
        self._moto = MotoServer(HOST, self.options.aws_port, gate)
        self._moto.start()
        if self.options.keep_state:
            self._snapshots = Snapshots(self.state_file, gate, self._moto.app.changed)

    def start(self) -> LocalCloud:
        _check_free(self.options.aws_port, "the local AWS (moto)", "PRESSLIFT_AWS_PORT")
        _check_free(self.options.api_port, "the API", "PRESSLIFT_API_PORT")
        if self.options.dashboard_port:
            _check_free(self.options.dashboard_port, "the dashboard", "PRESSLIFT_DASHBOARD_PORT")
        for folder in (self.state_dir, self.outbox_dir, self.efs_dir, self.state_dir / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        private_folder(self.state_dir)
        if self.options.keep_state:
            try:
                self._state_lock = hold_state_lock(self.state_dir)
            except StateError as exc:
                raise LocalCloudError(str(exc)) from exc
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        if self.options.github_dir is not None:
            self._start_github(self.options.github_dir)
        self._start_moto()

        os.environ.update(client_environment(self.options))
        os.environ[resources.RETRY_BACKOFF.name] = self.options.retry_backoff
        os.environ["TMPDIR"] = str(self.state_dir / "tmp")
        os.environ[resources.EFS_MOUNT.name] = str(self.efs_dir)
        base = Settings.from_env()
        session = aws_session()  # the pipeline's own clients read the same service models
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
        functions = {p.name: p.wiring.function for p in self.pollers}
        functions.update({s.name: s.wiring.function for s in self.schedules})
        self._function_log = FunctionLogCapture(self.state_dir, functions)
        self._function_log.start()
        if self._snapshots:
            self._snapshots.save()  # what provisioning made is kept even if the first run is killed
            self._snapshots.start()
        for thread in [*self.pollers, *self.schedules, self.outbox]:
            thread.start()
        self._api.start()
        if self.options.dashboard_port is not None:
            self.dashboard = self._start_dashboard(self.options.dashboard_port)
        return self

    def _start_github(self, folder: Path) -> None:
        """The local GitHub serving `folder`'s repositories; the pipeline's GitHub API from now on."""
        from presslift.gitrepo import GitError, repositories
        from presslift.localcloud.githubfolder import FolderWatch
        from presslift.localpush import Served
        from standins.github import LocalGitHub

        try:
            found = repositories(folder)
        except GitError as exc:
            raise LocalCloudError(f"--github: {exc}") from exc
        if self.options.github_port:
            _check_free(self.options.github_port, "the local GitHub", "PRESSLIFT_GITHUB_PORT")
        self.github = LocalGitHub(HOST, self.options.github_port).start()
        tokens = [self.options.github_token] if self.options.github_token else []
        for name, git in found.items():
            self.github.add_git_repo(name, git, tokens=tokens)
        self.github_repos = {name: git.path for name, git in found.items()}
        os.environ[GITHUB_API_ENV] = self.github.url
        github = self.github

        def save(_added: list[str] | None = None) -> None:
            if not self._stop.is_set():  # stop() removes the file: a last scan must not write it back
                Served(github.url, self.github_repos, github.operator_token).save(self.state_dir)

        save()
        FolderWatch(folder, github, self.github_repos, self._stop, tokens=tokens, on_added=save).start()

    def _start_dashboard(self, port: int) -> Any:
        from botocore.credentials import Credentials

        from presslift.dashboard import SigningProxy

        ((key_id, secret),) = local_identity().items()
        return SigningProxy(self.options.api_url, Credentials(key_id, secret), port=port).start()

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
        if self.dashboard:
            self.dashboard.stop()
        if self._api:
            self._api.stop()
        # One grace period for all of them: a function still at work after it is left to the process's
        # exit (its message was not deleted, so it is handed out again at the next start).
        grace = time.monotonic() + 5
        for thread in [*self.pollers, *([self.outbox] if self.outbox else [])]:
            thread.join(timeout=max(0.0, grace - time.monotonic()))
        if self._snapshots:
            self._snapshots.stop()
        if self._state_lock is not None:
            self._state_lock.close()  # closing the file releases the lock
            self._state_lock = None
        if self._function_log:
            self._function_log.stop()
        if self._moto:
            self._moto.stop()
        if self.github:
            from presslift.localpush import SERVED_FILE

            (self.state_dir / SERVED_FILE).unlink(missing_ok=True)
            self.github.stop()
        use_services(None)

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _github_lines(self) -> list[str]:
        if not self.github:
            return []
        lines = [f"  Local GitHub    {self.github.url}  serving:"]
        lines += [f"                  {name}  ({path})" for name, path in self.github_repos.items()]
        example = next(iter(self.github_repos))
        lines.append(
            f"                  presslift site add <site> --repo {example}; commit; presslift push <site>"
        )
        return lines

    def _state_line(self) -> str:
        if self._snapshots is None:
            return f"{self.state_dir}/ (cloud state not kept: every start is empty)"
        kept = f"{self.state_file} (kept across restarts; presslift up --fresh starts empty)"
        if self.set_aside:
            return f"{kept}; the previous state was set aside as {self.set_aside}"
        return f"{kept}; restored" if self.restored else kept

    def banner(self) -> str:
        assert self.settings is not None
        s = self.settings
        lines = [
            "Presslift local cloud is up",
            f"  AWS (moto)      {self.options.aws_url}",
            f"  API             {self.options.api_url}/runs   (operators sign: SigV4 with the local keys)",
            (
                f"  Dashboard       {self.dashboard.url}   (a local proxy that signs for your browser)"
                if self.dashboard
                else "  Dashboard       presslift dashboard   (a local proxy that signs for your browser)"
            ),
            f"  Sites           {self.options.base_url}/sites/<site>/<stage>/"
            f"   (stages: {', '.join(s.site_buckets)})",
            f"  Drop an export  s3://{s.ingest_bucket}/imports/<site>/<name>.xml"
            " (or .xml.gz, or a .zip of its parts)  (media: imports/<site>/uploads.zip, put first)",
            f"  Buckets         {', '.join(self.provisioned.buckets)}",
            f"  Queues          {', '.join(s.queues.values())} (each with a -dlq)",
            f"  Table           {s.table}",
            f"  Approvals       {s.approvals_topic_arn} -> {self.outbox_dir}/",
            f"  CloudFront      {', '.join(f'{k}={v}' for k, v in self.provisioned.distributions.items())}",
            f"  GitHub webhook  POST {self.options.api_url}/webhooks/github",
            f"                  one secret per site, printed once by presslift site add"
            f" (SSM {WEBHOOK_SECRETS_PATH}/<site>)",
            f"                  GitHub API {api_base()} (PRESSLIFT_GITHUB_API overrides)",
            *self._github_lines(),
            f"  EFS             {self.efs_dir}/",
            f"  State           {self._state_line()}",
        ]
        return "\n".join(lines)
