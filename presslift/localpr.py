"""`presslift pr SITE`: a pull request on the local GitHub, and the `pull_request` webhook GitHub sends.

Against `presslift up --github DIR` (found as `presslift push` finds it). The pull request is kept by
the local GitHub, in the `presslift up` process, and changed over its REST API with the operator's
token from `<state dir>/github.json`: opened from a branch of the site's repository into the site's
branch, closed, reopened. Each change is delivered to the API's webhook as GitHub would deliver it,
signed with the site's own secret: `opened`, `synchronize` (the branch moved since the last delivery),
`closed`, `reopened`. Which head commit was delivered last is kept in `<state dir>/pull-requests.json`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from chalicelib.errors import InputError, NotFoundError
from chalicelib.github.api import GitHubUnavailable, request_json
from chalicelib.services import Services
from presslift.gitrepo import is_ref_name
from presslift.localcloud.state import write_atomically
from presslift.localpush import Delivered, Served, deliver, served_site
from standins.github.payloads import pull_request_payload

DELIVERED_FILE = "pull-requests.json"
#: GitHub's logins: letters, digits and single hyphens, at most 39 characters.
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


@dataclass(frozen=True)
class Outcome:
    """What `presslift pr` did: the pull request, the action delivered (None: nothing to deliver)."""

    number: int
    head: str  # OWNER/NAME:BRANCH of the head
    base: str
    sha: str
    action: str | None
    delivered: Delivered | None = None

    def line(self) -> str:
        """The one line the command prints."""
        where = f"pull request #{self.number} {self.head} -> {self.base}"
        if self.action is None or self.delivered is None:
            return f"{where}: no change since the last delivery ({self.sha[:7]}); nothing sent"
        sent, answer = self.delivered, self.delivered.answer
        reason = str(answer.get("ignored") or answer.get("message") or answer.get("Message") or "")
        what = f"{where}: {self.action} (delivery {sent.delivery})"
        if sent.status >= 300:
            return f"{what}, refused by the API: {sent.status} {reason}"
        if isinstance(run := answer.get("run_id"), str) and run:
            # The run's API address answers only signed calls (a browser got 403): the commands do.
            return f"{what}: preview run {run} (follow it: presslift watch, or presslift show {run})"
        return f"{what}: {reason or 'accepted'}"

    @property
    def refused(self) -> bool:
        """Whether the API refused the delivery (the pull request changed on the local GitHub anyway)."""
        return self.delivered is not None and self.delivered.status >= 300


class _GitHub:
    """The local GitHub's REST API, with the operator's token; its refusals as one-line errors."""

    def __init__(self, served: Served) -> None:
        if not served.token:
            raise InputError(
                f"the local GitHub at {served.url} gave no operator token: restart presslift up --github DIR"
            )
        self.url, self._token = served.url, served.token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, *, what: str) -> Any:
        try:
            answer = request_json(
                method, self.url + path, token=self._token, body=body, timeout=30, what=what
            )
        except GitHubUnavailable as exc:
            raise InputError(f"the local GitHub at {self.url}: {exc}") from None
        return answer.get("items", answer) if set(answer) == {"items"} else answer


def pull_request(
    svc: Services,
    state_dir: Path,
    site_name: str,
    *,
    branch: str | None = None,
    title: str | None = None,
    close: bool = False,
    reopen: bool = False,
    fork: str | None = None,
) -> Outcome:
    """Open (or update, close, reopen) the pull request from `branch` into the site's branch and
    deliver what happened to the API's webhook."""
    if close and reopen:
        raise InputError("--close and --reopen cannot be given together")
    if fork is not None and not _LOGIN.match(fork):
        raise InputError(f"--fork {fork!r} is not a GitHub owner name (letters, digits, single hyphens)")
    found = served_site(svc, state_dir, site_name)
    served, site, repo, git = found.served, found.site, found.repo, found.git
    github = _GitHub(served)
    branch = branch or git.current_branch()
    if not branch:
        raise InputError(f"{git.path} has no branch checked out: name the branch to propose with --branch")
    if branch == site.branch:
        raise InputError(
            f"{git.path} is on {branch}, the branch site {site.name} publishes: name the branch to "
            "propose with --branch BRANCH"
        )
    head_sha = git.branch_head(branch) or ""
    if not head_sha and not (close and is_ref_name(branch)):  # a deleted branch's pull request still closes
        raise NotFoundError(f"branch {branch!r} is not in {git.path}")
    owner = fork or repo.partition("/")[0]
    label = f"{owner}:{branch}"
    repo_path = "/repos/" + quote(repo)
    query = urlencode({"state": "all", "head": label, "base": site.branch, "per_page": 100})
    found = github.call("GET", f"{repo_path}/pulls?{query}", what=f"the pull requests of {repo}")
    pulls = [pr for pr in found if isinstance(pr, dict)] if isinstance(found, list) else []
    current = next((pr for pr in pulls if pr.get("state") == "open"), None)
    delivered = _Delivered(state_dir, served.url, repo)
    before: str | None = None
    if close or reopen:
        wanted = "closed" if close else "open"
        pr = current if close else next((p for p in pulls if p.get("state") == "closed"), None)
        if pr is None:
            state = "open" if close else "closed"
            raise NotFoundError(f"{repo} has no {state} pull request from {label} into {site.branch}")
        if reopen and current is not None:
            raise InputError(f"pull request #{current['number']} from {label} is open already")
        pr = github.call(
            "PATCH",
            f"{repo_path}/pulls/{pr['number']}",
            {"state": wanted},
            what=f"pull request #{pr['number']}",
        )
        action = "closed" if close else "reopened"
    elif current is not None:
        pr, action = current, "synchronize"
        if title and title != pr.get("title"):
            pr = github.call("PATCH", f"{repo_path}/pulls/{pr['number']}", {"title": title}, what="its title")
        before = delivered.get(int(pr["number"])) or git.change(head_sha).parent
        if before == pr["head"]["sha"]:
            return Outcome(pr["number"], _head(pr), site.branch, before, None)
    else:
        if git.branch_head(site.branch) == head_sha:
            raise InputError(
                f"No commits between {site.branch} and {branch}: commit to {branch} first, then open "
                "its pull request"
            )
        subject = (git.change(head_sha).message.strip().splitlines() or [branch])[0]
        request = {"title": title or subject[:256] or branch, "head": label, "base": site.branch, "body": ""}
        pr = github.call("POST", f"{repo_path}/pulls", request, what=f"a pull request from {label}")
        action = "opened"
    payload = pull_request_payload(action, pr, repo, str(pr["user"]["login"]), before=before)
    sent = deliver(svc, site.name, "pull_request", payload, agent="presslift-pr")
    if sent.status < 300:
        delivered.set(int(pr["number"]), str(pr["head"]["sha"]))
    return Outcome(int(pr["number"]), _head(pr), site.branch, str(pr["head"]["sha"]), action, sent)


def _head(pr: dict[str, Any]) -> str:
    return f"{pr['head']['repo']['full_name']}:{pr['head']['ref']}"


class _Delivered:
    """The head commit last delivered for each pull request of one repository of one local GitHub."""

    def __init__(self, state_dir: Path, github_url: str, repo: str) -> None:
        self._path = state_dir / DELIVERED_FILE
        self._prefix = f"{github_url}/{repo}#"

    def _all(self) -> dict[str, str]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none yet, or unreadable: a synchronize then says the head's parent was before
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, number: int) -> str | None:
        return self._all().get(f"{self._prefix}{number}")

    def set(self, number: int, sha: str) -> None:
        data = {**self._all(), f"{self._prefix}{number}": sha}
        write_atomically(self._path, json.dumps(data, indent=2, sort_keys=True).encode())
