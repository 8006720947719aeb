"""Git LFS files of a fetched repository: GitHub's archives hold their pointer files, not their content.

A site that keeps its images in Git LFS would otherwise publish 130-byte text files as images, or fail
Hugo's image processing. For each pointer below the site's folder (`tarball.Source.lfs`) we ask
GitHub's LFS batch API (`https://github.com/<owner>/<name>.git/info/lfs/objects/batch`, the token as
HTTP Basic password; none for a public repository) for download actions, fetch each object from the
`href` with exactly the `header` given (never our token: the link is the LFS server's to sign), check
its size and SHA-256 against the pointer, and put it in the pointer's place. A repository's
`.lfsconfig` is not read: its objects come from GitHub, as the repository itself does.

An object GitHub does not have, or one that does not match its pointer, is a warning naming the file;
the pointer stays, so the run says what is missing instead of publishing it silently. GitHub being
unavailable raises, so the stage is retried. Every object counts against the repository's byte cap.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chalicelib.errors import PipelineError
from chalicelib.github.additions import Additions, Reach
from chalicelib.github.api import USER_AGENT, GitHubUnavailable, open_url
from chalicelib.github.submodules import LOOPBACK
from chalicelib.github.tarball import MAX_SOURCE_BYTES, LfsPointer
from chalicelib.pool import ContextPool

LFS_JSON = "application/vnd.git-lfs+json"
#: Objects asked for in one batch request (the LFS spec's recommended most).
BATCH = 100
WORKERS = 8
_CHUNK = 1024 * 1024


def lfs_endpoint(api: str, repo: str) -> str:
    """The batch URL of `repo` on the GitHub whose REST API is `api` (github.com, an Enterprise
    Server's host, or the local GitHub on loopback, which serves both)."""
    split = urlsplit(api)
    host = (split.hostname or "").lower()
    if host == "api.github.com":
        base = "https://github.com"
    elif host in LOOPBACK:
        base = api.rstrip("/")
    else:
        base = f"{split.scheme}://{split.netloc}"  # an Enterprise Server: https://host/api/v3 -> https://host
    return f"{base}/{repo}.git/info/lfs/objects/batch"


def fetch_lfs_files(
    repo: str,
    root: Path,
    within: Path,
    pointers: Sequence[LfsPointer],
    reach: Reach,
    held: tuple[int, int] = (0, 0),
) -> Additions:
    """Replace each LFS pointer under `within` (paths relative to `root`) with its object."""
    result = Additions("Git LFS file", "fetched", files=held[0], bytes=held[1])
    wanted = [
        p for p in pointers if (root / p.path).is_relative_to(within) and not (root / p.path).is_symlink()
    ]
    if not wanted:
        return result
    endpoint = lfs_endpoint(reach.api_url, repo)
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        allowed = reach.seconds("downloading Git LFS files")
        actions = _batch(endpoint, chunk, reach.token_for(repo), allowed, repo)
        jobs: list[tuple[LfsPointer, dict[str, Any]]] = []
        for pointer in chunk:
            answer = actions.get(pointer.oid)
            error = _object_error(answer)
            if error:
                result.skipped.append(f"{pointer.path}: {error}")
            elif result.bytes + pointer.size > MAX_SOURCE_BYTES:
                result.skipped.append(f"{pointer.path}: takes the source past {MAX_SOURCE_BYTES} bytes")
            else:
                result.bytes += pointer.size
                jobs.append((pointer, answer or {}))
        with ContextPool(max_workers=min(WORKERS, max(1, len(jobs)))) as pool:
            outcomes = list(pool.map(partial(_download, root, timeout=allowed), jobs))
        for (pointer, _), problem in zip(jobs, outcomes, strict=True):
            if problem:
                result.bytes -= pointer.size
                result.skipped.append(f"{pointer.path}: {problem}")
            else:
                result.done.append(pointer.path)
    return result


def _batch(
    endpoint: str, pointers: Sequence[LfsPointer], token: str | None, timeout: float, repo: str
) -> dict[str, Any]:
    """The batch API's answer for `pointers`, by object id."""
    body = {
        "operation": "download",
        "transfers": ["basic"],
        "objects": [{"oid": p.oid, "size": p.size} for p in pointers],
        "hash_algo": "sha256",
    }
    headers = {"Accept": LFS_JSON, "Content-Type": LFS_JSON, "User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = "Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()
    request = urllib.request.Request(endpoint, data=json.dumps(body).encode(), headers=headers, method="POST")
    with open_url(request, timeout=timeout, what=f"the Git LFS files of {repo}") as response:
        raw = response.read(16 * 1024 * 1024)
    try:
        answer = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GitHubUnavailable(
            f"GitHub answered the Git LFS batch of {repo} with something not JSON"
        ) from exc
    objects = answer.get("objects") if isinstance(answer, dict) else None
    return {o["oid"]: o for o in objects or [] if isinstance(o, dict) and isinstance(o.get("oid"), str)}


def _object_error(answer: dict[str, Any] | None) -> str:
    if answer is None:
        return "GitHub's Git LFS answer left it out"
    error = answer.get("error")
    if isinstance(error, dict):
        return f"GitHub has no Git LFS object for it ({error.get('code')}: {str(error.get('message'))[:120]})"
    download = (
        (answer.get("actions") or {}).get("download") if isinstance(answer.get("actions"), dict) else None
    )
    if not isinstance(download, dict) or not isinstance(download.get("href"), str):
        return "GitHub's Git LFS answer gave no download for it"
    if urlsplit(download["href"]).scheme not in ("https", "http"):
        return "GitHub's Git LFS answer gave a download that is not an HTTP link"
    return ""


def _download(root: Path, job: tuple[LfsPointer, dict[str, Any]], *, timeout: float) -> str:
    """Fetch one object into the pointer's place; what went wrong, or "" when it is in place."""
    pointer, answer = job
    download = answer["actions"]["download"]
    given = download.get("header")
    headers = {str(k): str(v) for k, v in given.items()} if isinstance(given, dict) else {}
    request = urllib.request.Request(download["href"], headers={"User-Agent": USER_AGENT, **headers})
    path = root / pointer.path
    digest = hashlib.sha256()
    size = 0
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lfs-")
    try:
        with (
            os.fdopen(fd, "wb") as out,
            open_url(request, timeout=timeout, what=f"{pointer.path} (Git LFS)") as body,
        ):
            while chunk := body.read(_CHUNK):
                size += len(chunk)
                if size > pointer.size:
                    return f"its Git LFS object is larger than its pointer says ({pointer.size} bytes)"
                digest.update(chunk)
                out.write(chunk)
        if size != pointer.size or digest.hexdigest() != pointer.oid:
            return "its Git LFS object does not match its pointer (size or SHA-256)"
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        temporary = ""
        return ""
    except (PipelineError, urllib.error.URLError) as exc:
        return f"its Git LFS object could not be downloaded: {exc}"
    finally:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
