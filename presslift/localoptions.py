"""What a command needs to reach the local cloud: its ports, URLs and operator identity.

Apart from the local cloud's package, so that every CLI read (`presslift runs`, `show`, `logs`) finds the
local cloud without importing its servers, moto and the app (about half a second of each command here).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib import resources
from presslift import LOCAL_STATE_DIR

#: The stage API Gateway serves the API under (`/api/...`), locally as on AWS.
API_STAGE = "api"

HOST = "127.0.0.1"
REGION = "us-east-1"
DASHBOARD_PORT = 8001


class LocalCloudError(RuntimeError):
    """The local cloud cannot start (a port in use, a missing file); the message says what to do."""


def port_setting(env_name: str, default: int) -> int:
    value = os.environ.get(env_name, "")
    try:
        port = int(value) if value else default
    except ValueError as exc:
        raise LocalCloudError(f"{env_name}={value!r} is not a port number") from exc
    if value and not 1 <= port <= 65535:
        raise LocalCloudError(f"{env_name}={value!r} is not a port number (1 to 65535)")
    return port


def seconds_setting(env_name: str, default: float) -> float:
    """A positive number of seconds from the environment (the sweep ran in a busy loop at 0)."""
    value = os.environ.get(env_name, "")
    try:
        seconds = float(value) if value else default
    except ValueError as exc:
        raise LocalCloudError(f"{env_name}={value!r} is not a number of seconds") from exc
    if not 0.1 <= seconds <= 86400:
        raise LocalCloudError(f"{env_name}={value!r} is not a number of seconds from 0.1 to 86400")
    return seconds


@dataclass
class LocalCloudOptions:
    state_dir: Path = field(default_factory=lambda: LOCAL_STATE_DIR)
    aws_port: int = field(default_factory=lambda: port_setting("PRESSLIFT_AWS_PORT", 4566))
    api_port: int = field(default_factory=lambda: port_setting("PRESSLIFT_API_PORT", 8000))
    #: A GitHub token for private repositories and commit statuses (optional).
    github_token: str = field(default_factory=lambda: os.environ.get("PRESSLIFT_GITHUB_TOKEN", ""))
    #: How often scheduled functions (the approval expiry sweep) run locally.
    schedule_seconds: float = field(
        default_factory=lambda: seconds_setting("PRESSLIFT_SCHEDULE_SECONDS", 60.0)
    )
    #: Seconds before each retry of a failed message (`PRESSLIFT_RETRY_BACKOFF`): short locally, so a
    #: failing stage is retried while you watch; the stack's default is minutes.
    retry_backoff: str = field(default_factory=lambda: os.environ.get(resources.RETRY_BACKOFF.name, "2"))
    #: Keep moto's state in `<state dir>/cloud.state` across restarts (`presslift up`); off, every
    #: start is empty and nothing is written.
    keep_state: bool = True
    #: Start empty, setting any saved state aside (`presslift up --fresh`).
    fresh: bool = False
    #: Serve the dashboard through a proxy that signs as the local operator on this port (0: a free
    #: one; None: no dashboard, `presslift dashboard` serves it on demand).
    dashboard_port: int | None = None
    #: Serve the git repositories in this folder (or this repository) through the local GitHub
    #: (`presslift up --github DIR`), for `presslift push`.
    github_dir: Path | None = None
    github_port: int = field(default_factory=lambda: port_setting("PRESSLIFT_GITHUB_PORT", 0))

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
