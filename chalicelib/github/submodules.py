"""A fetched repository's git submodules, fetched from GitHub the way the repository itself was.

GitHub's tarballs leave submodules out, and the most common Hugo site has one: the theme, added with
`git submodule add https://github.com/owner/theme themes/theme` as Hugo's quick start does. For each
submodule that `.gitmodules` names below the site's folder, whose folder the tarball left missing or
empty and whose URL is on GitHub (https, ssh, git@ or a URL relative to the repository), we ask the
contents API for the commit the repository pins it to (`type: submodule`, `sha`) and extract that
commit's tarball into its folder; then the same for its own submodules, as `git submodule update
--init --recursive` would, up to `MAX_DEPTH` levels and `MAX_SUBMODULES` in all.

A submodule in the site's output folder (`public/`, or the config's publishDir) is not fetched: it is
where a site deployed to GitHub Pages kept its built pages (Hugo's own old advice was `git submodule
add ...github.io.git public`), which a build here never reads (it writes its own), so nothing is
missing without it.

A submodule that cannot be fetched (another host, a repository the token cannot read, a pin the
repository no longer has) is a warning the run shows, never a silent gap: the build then goes on
without it (a missing theme is built with Presslift's default theme, and the build log says so).
GitHub being unavailable or rate limiting raises, so the stage is retried as for the repository.

Everything here is read from the repository, so all of it is checked: `.gitmodules` is parsed by a
small reader of git's config syntax, never executed or handed to git; a path must stay inside the site
folder without '..', without passing through a link, and never be `.git`; a URL becomes an
`owner/name` on the API's own host or nothing (no other host is ever contacted); the pinned commit
must be a full SHA; and every submodule's files count against the repository's own caps.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from chalicelib.errors import InputError, NotFoundError
from chalicelib.github.additions import Additions, Reach
from chalicelib.github.api import check_repo, headers, open_url
from chalicelib.hugo_policy import project_folder

GITMODULES = ".gitmodules"
#: git's own recursion, bounded: a theme's submodule's submodule is the deepest real sites go.
MAX_DEPTH = 3
MAX_SUBMODULES = 16
MAX_GITMODULES_BYTES = 64 * 1024
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_SECTION = re.compile(r'^\[\s*submodule\s+"((?:[^"\\]|\\.)*)"\s*\]$', re.I)
_OTHER_SECTION = re.compile(r"^\[[^\]]*\]$")
_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$")
_SCP = re.compile(r"^(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!//)(.+)$")  # git@github.com:owner/name.git


@dataclass(frozen=True)
class Submodule:
    """One `[submodule "name"]` section: where it goes and where it comes from, as written."""

    name: str
    path: str
    url: str


def read_gitmodules(text: str) -> tuple[list[Submodule], list[str]]:
    """The submodules a `.gitmodules` file names, and what in it could not be read (one line each).

    git's config syntax as `.gitmodules` uses it: `[submodule "name"]` sections of `key = value` lines,
    keys case-insensitive, values optionally quoted, `#` and `;` starting comments. A section without a
    path or a url is reported, not guessed at.
    """
    found: list[Submodule] = []
    problems: list[str] = []
    sections: list[tuple[str, dict[str, str]]] = []
    current: dict[str, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        section = _SECTION.match(line)
        if section:
            current = {}
            sections.append((_unescape(section.group(1)), current))
            continue
        if _OTHER_SECTION.match(line):
            current = None  # another kind of section: nothing of ours
            continue
        key = _KEY.match(line)
        if key is None:
            problems.append(f"{GITMODULES} line {number} is not 'key = value': {raw.strip()[:80]!r}")
            continue
        if current is not None:
            current[key.group(1).lower()] = _unquote(key.group(2) or "")
    for name, values in sections:
        path, url = values.get("path", "").strip(), values.get("url", "").strip()
        if not path or not url:
            missing = "path" if not path else "url"
            problems.append(f"submodule {name!r} in {GITMODULES} has no {missing}")
            continue
        found.append(Submodule(name, path, url))
    return found, problems


def github_repository(url: str, parent: str, web_host: str) -> str | None:
    """`owner/name` of a submodule URL on GitHub (`web_host`), or None for any other host or shape.

    https, http, git and ssh URLs, scp-like `git@github.com:owner/name.git`, and URLs relative to the
    repository (`../theme.git`, resolved against `parent`, as git resolves them against its remote).
    """
    url = url.strip()
    if url.startswith(("./", "../")):
        parts = parent.split("/")
        for part in url.split("/"):
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        path = "/".join(parts)
        host = web_host
    elif "://" in url:
        split = urlsplit(url)
        if split.scheme.lower() not in ("https", "http", "git", "ssh", "git+ssh", "ssh+git"):
            return None
        host, path = (split.hostname or "").lower(), split.path
    else:
        scp = _SCP.match(url)
        if scp is None:
            return None
        host, path = scp.group(1).lower(), scp.group(2)
    if host not in _hosts(web_host):
        return None
    path = path.strip("/").removesuffix(".git").removesuffix("/")
    try:
        return check_repo(path)
    except InputError:
        return None


def pinned_commit(
    api: str, repo: str, ref: str, path: str, *, token: str | None, timeout: float
) -> str | None:
    """The commit `repo` pins the submodule at `path` to, at `ref` (contents API); None when `path` is
    not a submodule there (a `.gitmodules` entry left over after the submodule was removed)."""
    url = f"{api.rstrip('/')}/repos/{repo}/contents/{quote(path)}?ref={quote(ref, safe='')}"
    request = urllib.request.Request(url, headers=headers(token), method="GET")
    try:
        with open_url(request, timeout=timeout, what=f"submodule {path} of {repo} at {ref[:12]}") as response:
            raw = response.read(1024 * 1024)
    except NotFoundError:
        return None  # the repository was just read at `ref`: the path is not there
    try:
        answer = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(answer, dict) or answer.get("type") != "submodule":
        return None
    sha = answer.get("sha")
    return sha if isinstance(sha, str) and _SHA.match(sha) else None


def fetch_submodules(
    repo: str,
    commit: str,
    checkout: Path,
    within: Path,
    reach: Reach,
    held: tuple[int, int] = (0, 0),
) -> Additions:
    """Fetch the submodules of `repo` at `commit` (extracted in `checkout`) that lie under `within`.

    Caps are the repository's: `held` is the files and bytes the source already holds.
    """
    api = reach.api_url
    result = Additions("submodule", "fetched", files=held[0], bytes=held[1])
    output = within / project_folder(within, "publishdir", "public")  # the build writes its own

    def fetch_one(owner_repo: str, ref: str, submodule: _Wanted, relative: str, allowed: float) -> str | None:
        sha = pinned_commit(
            api, owner_repo, ref, relative, token=reach.token_for(owner_repo), timeout=min(10.0, allowed)
        )
        if sha is None:
            # A .gitmodules entry left behind when its submodule was removed: git ignores it, and so
            # does the fetch (it was a warning on three real sites, of nothing missing).
            return None
        result.tarball(reach, submodule.repo, sha, submodule.folder, allowed)
        return sha

    queue: list[tuple[str, str, Path, int]] = [(repo, commit, checkout, 1)]
    while queue:
        owner_repo, ref, root, depth = queue.pop(0)
        for submodule in _pending(owner_repo, root, within, api, output):
            if isinstance(submodule, str):
                result.skipped.append(submodule)
                continue
            if len(result.done) >= MAX_SUBMODULES:
                result.skipped.append(f"{submodule.shown}: past the limit of {MAX_SUBMODULES} submodules")
                continue
            relative = submodule.folder.relative_to(root).as_posix()
            allowed = reach.seconds("downloading submodules")  # out of time fails the stage
            fetched = partial(fetch_one, owner_repo, ref, submodule, relative, allowed)
            sha = result.attempt(f"{submodule.shown} ({submodule.repo})", fetched)
            if sha is None:
                continue
            result.done.append(f"{submodule.shown} from {submodule.repo}@{sha[:7]}")
            if depth < MAX_DEPTH:
                queue.append((submodule.repo, sha, submodule.folder, depth + 1))
    result.skipped += unlisted_links(within, output, result)
    return result


#: Unlisted submodule links named at most (a warning each).
MAX_UNLISTED = 10


def unlisted_links(within: Path, output: Path, fetched: Additions) -> list[str]:
    """A note for each empty folder still under `within`: git keeps no empty folder, so in GitHub's
    archive one is a submodule link, and one that .gitmodules does not list is never fetched. A blog's
    two theme links went that way, and it went live in Presslift's theme without a word."""
    said = [*fetched.skipped, *fetched.done]
    notes: list[str] = []
    for folder, folders, files in os.walk(within):
        empty = not folders and not files
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name != "node_modules")
        here = Path(folder)
        if not empty or here in (output, within):
            continue
        shown = here.relative_to(within).as_posix()
        if any(note.startswith(shown) for note in said):
            continue  # listed, and fetched or named already
        notes.append(
            f"{shown}: an empty folder, where the repository holds a submodule link that {GITMODULES} does "
            f"not list (GitHub's archive leaves its files out); list it in {GITMODULES} (git submodule "
            "add URL PATH) or commit its files"
        )
    return notes[:MAX_UNLISTED] + (
        [f"and {len(notes) - MAX_UNLISTED} more empty folders"] if len(notes) > MAX_UNLISTED else []
    )


@dataclass(frozen=True)
class _Wanted:
    repo: str  # owner/name on GitHub
    folder: Path
    shown: str  # its path below the site's folder, as the run shows it


def _pending(repo: str, root: Path, within: Path, api: str, output: Path) -> list[_Wanted | str]:
    """The submodules of the checkout at `root` to fetch, in `.gitmodules` order, with a line saying
    why for each that cannot be. Those already present (vendored), outside `within` or in the site's
    `output` folder are left alone, without a word."""
    listing = root / GITMODULES
    if listing.is_symlink() or not listing.is_file():
        return []
    shown_root = root.relative_to(within).as_posix() if root != within and root.is_relative_to(within) else ""
    data = listing.read_bytes()[: MAX_GITMODULES_BYTES + 1]
    if len(data) > MAX_GITMODULES_BYTES:
        return [f"{_shown(shown_root, GITMODULES)} is over {MAX_GITMODULES_BYTES // 1024} KB; not read"]
    submodules, problems = read_gitmodules(data.decode("utf-8", errors="replace"))
    out: list[_Wanted | str] = list(problems)
    web_host = _web_host(api)
    for submodule in submodules:
        shown = _shown(shown_root, submodule.path)
        folder = _folder(root, submodule.path)
        if folder is None:
            out.append(f"{shown[:120]!r}: not a folder inside the repository; not fetched")
        elif not folder.is_relative_to(within) or _present(folder) or folder == output:
            continue
        elif _through_link(root, folder):
            out.append(f"{shown}: its folder is reached through a link; not fetched")
        elif (target := github_repository(submodule.url, repo, web_host)) is None:
            out.append(f"{shown}: {submodule.url[:120]!r} is not a repository on {web_host}; not fetched")
        else:
            out.append(_Wanted(target, folder, shown))
    return out


def _folder(root: Path, path: str) -> Path | None:
    pure = PurePosixPath(path)
    parts = [part for part in pure.parts if part not in ("", ".")]
    if pure.is_absolute() or not parts or ".." in parts or ".git" in parts or "\\" in path or "\0" in path:
        return None
    return root.joinpath(*parts)


def _present(folder: Path) -> bool:
    """The tarball holds files there already (vendored, not a submodule at this commit)."""
    if folder.is_symlink() or folder.is_file():
        return True
    return folder.is_dir() and any(folder.iterdir())


def _through_link(root: Path, folder: Path) -> bool:
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def _web_host(api: str) -> str:
    """github.com for api.github.com and for a GitHub on loopback (the local cloud's, which stands in
    for github.com); a GitHub Enterprise Server's own host for its `https://host/api/v3`."""
    host = (urlsplit(api).hostname or "").lower()
    return "github.com" if host in ("api.github.com", *LOOPBACK) else host


def _hosts(web_host: str) -> set[str]:
    return {web_host, "www." + web_host}


def _shown(root: str, path: str) -> str:
    return f"{root}/{path}" if root else path


def _strip_comment(line: str) -> str:
    """The line without a `#` or `;` comment outside double quotes."""
    quoted = False
    escaped = False
    for index, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char in "#;" and not quoted:
            return line[:index]
    return line


def _unquote(value: str) -> str:
    value = value.strip()
    out: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(char, char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char != '"':
            out.append(char)
    return "".join(out)


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", r"\1", name)
