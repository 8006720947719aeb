"""Settings from the environment, read once per cold start.

Every resource name reaches the code through an environment variable (see `resources.py`), so the
same code runs in Lambda and against the local cloud. Nothing here talks to AWS, and no API URL is
built anywhere but `ApiLinks`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from chalicelib import resources
from chalicelib.errors import ConfigError

if TYPE_CHECKING:
    from chalicelib.sitemodel import Site


@dataclass(frozen=True)
class Settings:
    ingest_bucket: str
    artifacts_bucket: str
    table: str
    approvals_topic_arn: str
    api_url: str
    max_receive_count: int
    #: Seconds a failed message waits before attempt 2, 3, ... (the last value repeats); see batch.py.
    retry_backoff: tuple[int, ...] = (10, 30, 90, 270)
    queues: Mapping[str, str] = field(default_factory=dict)
    site_buckets: Mapping[str, str] = field(default_factory=dict)
    distributions: Mapping[str, str] = field(default_factory=dict)
    site_urls: Mapping[str, str] = field(default_factory=dict)
    algolia_hosts: tuple[str, ...] = ()
    efs_mount: str = "/mnt/efs"
    build_runner: str = ""  # the runner function; empty: a child process (see chalicelib/buildrunner)
    codedrop_mount: str = ""  # the mount function; empty: in this process (see chalicelib/codemount)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(var: resources.Variable) -> str:
            return env.get(var.name) or var.default

        try:
            max_receive = int(get(resources.MAX_RECEIVE_COUNT))
        except ValueError as exc:
            raise ConfigError(f"{resources.MAX_RECEIVE_COUNT.name} must be a whole number: {exc}") from exc
        return cls(
            retry_backoff=parse_backoff(get(resources.RETRY_BACKOFF)),
            ingest_bucket=get(resources.INGEST_BUCKET),
            artifacts_bucket=get(resources.ARTIFACTS_BUCKET),
            table=get(resources.TABLE),
            approvals_topic_arn=get(resources.APPROVALS_TOPIC),
            api_url=get(resources.API_URL).rstrip("/"),
            max_receive_count=max_receive,
            queues={role: get(var) for role, var in resources.QUEUES.items()},
            site_buckets={stage: get(var) for stage, var in resources.SITE_BUCKETS.items()},
            distributions={stage: get(var) for stage, var in resources.DISTRIBUTIONS.items()},
            site_urls={stage: get(var) for stage, var in resources.SITE_URLS.items()},
            efs_mount=get(resources.EFS_MOUNT),
            build_runner=get(resources.BUILD_RUNNER),
            codedrop_mount=get(resources.CODEDROP_MOUNT),
            algolia_hosts=tuple(
                host.strip() for host in get(resources.ALGOLIA_HOSTS).split(",") if host.strip()
            ),
        )

    def site_url(self, site: Site, stage: str) -> str:
        """The public URL of `site` on `stage`, always ending with a slash: the one its registration
        gives the stage (its own domain), else the pipeline's distribution's, under `<site>/`."""
        own = site.target(stage).url
        return own if own else self.shared_site_url(site.name, stage)

    def shared_site_url(self, site: str, stage: str) -> str:
        """Where the pipeline's own distribution for `stage` serves `site`."""
        url = self.site_urls[stage].replace("{site}", site)
        return url if url.endswith("/") else url + "/"

    @property
    def links(self) -> ApiLinks:
        return ApiLinks(self.api_url)

    def approval_url(self, approval_id: str, token: str) -> str:
        return self.links.approval(approval_id, token)

    def run_url(self, run_id: str) -> str:
        return self.links.run(run_id)


@dataclass(frozen=True)
class ApiLinks:
    """Every URL of the API that pages and emails emit, from the one base URL.

    `base` is the API's URL with its stage (`https://abc.execute-api.us-east-1.amazonaws.com/api`,
    locally `http://127.0.0.1:8000/api`): routes are declared without the stage, so a link built from a
    bare route path (`/approvals/...`) would miss it. Links must never be built any other way.
    """

    base: str

    def _url(self, *segments: str, query: Mapping[str, str] | None = None) -> str:
        path = "/".join(quote(segment, safe="") for segment in segments)
        return f"{self.base.rstrip('/')}/{path}" + (f"?{urlencode(query)}" if query else "")

    def dashboard(self) -> str:
        return self._url("")

    def runs(self) -> str:
        return self._url("runs")

    def run(self, run_id: str) -> str:
        return self._url("runs", run_id)

    def run_page(self, run_id: str) -> str:
        """The dashboard's HTML page of a run (`run` is its JSON, the API contract)."""
        return self._url("runs", run_id, "page")

    def log(self, run_id: str, name: str) -> str:
        return self._url("runs", run_id, "logs", name)

    def rollback(self, site: str, stage: str) -> str:
        return self._url("sites", site, stage, "rollback")

    def approval(self, run_id: str, token: str | None = None) -> str:
        return self._url("approvals", run_id, query={"token": token} if token else None)

    def webhook(self) -> str:
        return self._url("webhooks", "github")


#: SQS keeps a message hidden for at most 12 hours.
MAX_VISIBILITY_SECONDS = 12 * 3600


def parse_backoff(text: str) -> tuple[int, ...]:
    """`PRESSLIFT_RETRY_BACKOFF`: whole seconds, comma-separated, each at most SQS's 12 hours."""
    try:
        schedule = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(
            f"{resources.RETRY_BACKOFF.name} must be whole seconds separated by commas (like 10,30,90): {exc}"
        ) from exc
    if not schedule or not all(0 <= seconds <= MAX_VISIBILITY_SECONDS for seconds in schedule):
        raise ConfigError(
            f"{resources.RETRY_BACKOFF.name}={text!r}: give at least one delay, each from 0 to "
            f"{MAX_VISIBILITY_SECONDS} seconds"
        )
    return schedule
