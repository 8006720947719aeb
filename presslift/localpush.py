"""`presslift push SITE`: GitHub's push webhook for a commit of a local repository, sent to the local API.

`presslift up --github DIR` serves the git repositories in DIR through the local GitHub and writes
which ones to `<state dir>/github.json`. A push then reads the commit from that repository (its parent,
the paths it added, removed and changed, its message and author), builds the body GitHub would send for
a push to the site's branch, signs it with the site's own webhook secret (from the local SSM, where
`presslift site add` put it) and POSTs it to the API's webhook, with GitHub's headers.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.errors import InputError, NotFoundError
from chalicelib.secrets import webhook_secret_name
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from presslift.gitrepo import GitRepo
from presslift.localcloud.state import write_atomically
from standins.github.payloads import push_payload, webhook_request

SERVED_FILE = "github.json"


@dataclass(frozen=True)
class Served:
    """What `presslift up --github` serves: the local GitHub's URL and each repository's folder, and
    the operator's token for the local GitHub's writes (`presslift pr`), new at each start."""

    url: str
    repos: dict[str, Path]
    token: str = ""

    def save(self, state_dir: Path) -> None:
        body = {
            "url": self.url,
            "repos": {name: str(path) for name, path in self.repos.items()},
            "token": self.token,
        }
        write_atomically(state_dir / SERVED_FILE, json.dumps(body, indent=2).encode())

    @classmethod
    def load(cls, state_dir: Path) -> Served:
        path = state_dir / SERVED_FILE
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            repos = {str(k): Path(v) for k, v in dict(body["repos"]).items()}
            return cls(str(body["url"]), repos, str(body.get("token") or ""))
        except FileNotFoundError:
            if not state_dir.is_dir():  # run from another folder than `presslift up`'s
                raise InputError(
                    f"no local cloud keeps its state in {state_dir} (it is not there): run this from the "
                    "folder presslift up --github DIR runs in, or pass --state-dir with the one it uses"
                ) from None
            raise InputError(
                f"no local GitHub is serving repositories for {state_dir}: start the local cloud with "
                "presslift up --github DIR (DIR: a git repository, or a folder of them)"
            ) from None
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path} cannot be read ({exc}); restart presslift up --github DIR") from exc

    def check_answering(self) -> None:
        """InputError unless the local GitHub answers (a `presslift up` killed with -9 leaves its file)."""
        try:
            urllib.request.urlopen(self.url + "/", timeout=5).close()
        except urllib.error.HTTPError:
            return  # it answered
        except OSError as exc:
            raise InputError(
                f"the local GitHub at {self.url} does not answer ({exc}): start the local cloud with "
                "presslift up --github DIR"
            ) from exc


@dataclass(frozen=True)
class Pushed:
    site: str
    repo: str
    branch: str
    sha: str
    head: str | None
    status: int
    answer: dict[str, Any]


def login(name: str) -> str:
    """A GitHub-login-shaped pusher from a git author name."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-")[:39] or "local"


@dataclass(frozen=True)
class ServedSite:
    """A site that builds from a repository the local GitHub serves, and that repository's folder."""

    served: Served
    site: Site
    repo: str  # OWNER/NAME, the site's repository
    git: GitRepo


def served_site(svc: Services, state_dir: Path, site_name: str) -> ServedSite:
    """The local GitHub (answering), the site and the local repository it builds from."""
    served = Served.load(state_dir)  # first: with no local GitHub, the local cloud is likely down too
    served.check_answering()
    site = svc.sites.get(site_name)  # NotFoundError names an unknown site
    if not site.repo:
        raise InputError(f"site {site.name} is built from imports, not from a repository: it has no pushes")
    folder = next((path for name, path in served.repos.items() if name.lower() == site.repo.lower()), None)
    if folder is None:
        raise InputError(
            f"site {site.name} builds from {site.repo}, which the local GitHub does not serve "
            f"(it serves: {', '.join(sorted(served.repos)) or 'nothing'}): put the repository in the "
            "folder presslift up --github serves (one added there is served within a second)"
        )
    return ServedSite(served, site, site.repo, GitRepo(folder))


@dataclass(frozen=True)
class Delivered:
    """The API's answer to a webhook delivery."""

    delivery: str
    status: int
    answer: dict[str, Any]


def deliver(svc: Services, site_name: str, event: str, payload: dict[str, Any], *, agent: str) -> Delivered:
    """POST `payload` to the API's webhook as GitHub would, signed with the site's own secret."""
    secret = svc.secrets.get(webhook_secret_name(site_name))
    body, headers = webhook_request(event, payload, secret)
    headers["User-Agent"] = f"GitHub-Hookshot/{agent}"
    request = urllib.request.Request(svc.settings.links.webhook(), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode("utf-8", "replace")
    try:
        answer = json.loads(text or "{}")
    except ValueError:
        answer = {"message": text}
    return Delivered(headers["X-GitHub-Delivery"], status, answer if isinstance(answer, dict) else {})


def push(svc: Services, state_dir: Path, site_name: str, commit: str | None = None) -> Pushed:
    """Send the push webhook for `commit` (default: the head of the site's branch) of `site_name`."""
    found = served_site(svc, state_dir, site_name)
    site, git = found.site, found.git
    head = git.branch_head(site.branch)
    sha = git.revision(commit) if commit else head
    if sha is None:
        what = f"commit {commit!r}" if commit else f"branch {site.branch!r}"
        raise NotFoundError(f"{what} is not in {git.path}")
    change = git.change(sha)
    payload = push_payload(
        found.repo,
        f"refs/heads/{site.branch}",
        change.parent,
        sha,
        change.modified,
        added=change.added,
        removed=change.removed,
        message=change.message or "(no message)",
        pusher=login(change.author),
    )
    sent = deliver(svc, site.name, "push", payload, agent="presslift-push")
    return Pushed(site.name, found.repo, site.branch, sha, head, sent.status, sent.answer)
