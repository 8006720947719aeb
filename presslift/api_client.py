"""A small client of Presslift's HTTP API (runs, approvals), for the CLI and the demo.

It speaks only the public contract (`GET /api/runs`, `GET /api/runs/{id}`, the approval form), so it
works the same against the local cloud and a deployed API. `base_url` is the API's URL with its stage
(`http://127.0.0.1:8000/api`, `https://<id>.execute-api.<region>.amazonaws.com/api`): request paths are
relative to it and must never repeat the stage.

Every request is signed (SigV4, service `execute-api`) with the operator's credentials as boto3 finds
them (the environment, a profile): the operator routes require it, and the public ones (the webhook, the
approval pages) ignore it. The client must never send a request unsigned when it has credentials, nor
put the credentials anywhere but the signature.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from presslift import signing


class ApiError(RuntimeError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class ApiClient:
    """`credentials` are botocore credentials (default: the boto3 session's); `region` the API's."""

    def __init__(
        self,
        base_url: str,
        timeout: float = 30,
        *,
        credentials: Any = None,
        region: str | None = None,
        profile: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._credentials = credentials
        self.profile = profile
        self.region = region or signing.REGION

    @property
    def credentials(self) -> Any:
        """The given credentials, else the session's as they are now (a test or a shell may change them)."""
        if self._credentials is not None:
            return self._credentials
        return signing.session_credentials(self.profile)

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> tuple[int, str]:
        url = path if path.startswith("http") else self.base_url + path
        headers: dict[str, str] = {}
        data = b""
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        credentials = self.credentials
        if credentials is not None:
            headers = signing.sign(credentials, method, url, headers, data, region=self.region)
        req = urllib.request.Request(url, data=data or None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def json(self, path: str) -> Any:
        status, body = self.request("GET", path)
        if status != 200:
            raise ApiError(status, body[:500])
        return json.loads(body)

    def runs(self, site: str | None = None) -> list[dict[str, Any]]:
        query = f"?site={urllib.parse.quote(site)}" if site else ""
        return list(self.json(f"/runs{query}")["runs"])

    def run(self, run_id: str) -> dict[str, Any]:
        return dict(self.json(f"/runs/{urllib.parse.quote(run_id, safe='')}"))

    def wait_for_run(
        self,
        run_id: str,
        until: Callable[[dict[str, Any]], bool],
        *,
        timeout: float,
        on_change: Callable[[dict[str, Any]], None] | None = None,
        interval: float = 0.3,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        last: Any = None
        while True:
            run = self.run(run_id)
            snapshot = (run["status"], [(s["name"], s["status"]) for s in run["stages"]])
            if on_change and snapshot != last:
                on_change(run)
                last = snapshot
            if until(run):
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} is still {run['status']} after {timeout:.0f} s")
            time.sleep(interval)

    def wait_for_new_run(self, site: str, known: set[str], *, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for run in self.runs(site):
                if run["id"] not in known:
                    return run
            time.sleep(0.3)
        raise TimeoutError(f"no new run of site {site!r} appeared within {timeout:.0f} s")

    def decide(self, approval_url: str, decision: str) -> tuple[int, str]:
        """POST the decision as the confirm page's form does (token in the form, not only the query)."""
        parts = urllib.parse.urlsplit(approval_url)
        token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]
        return self.request(
            "POST",
            urllib.parse.urlunsplit(parts._replace(query="")),
            form={"token": token, "decision": decision},
        )
