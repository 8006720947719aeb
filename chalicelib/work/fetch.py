"""Fetch: the repository at the pushed commit, from GitHub's tarball API, becomes a site source.

Before anything is downloaded, `stale` asks GitHub which commit the pushed branch points at now: a
push that is no longer the branch's head (overtaken by a newer push, or a captured body replayed)
builds nothing and says why. The tarball is extracted safely (no path outside the target, no links
pointing out, caps on size and file count); the site's `presslift.toml` is read and kept with the run,
so every later stage uses the build settings of exactly this commit. What the archive leaves out is
added next: Git LFS files in place of their pointers (`github.lfs`), submodules at their pinned
commits (a theme, most often; `github.submodules`), and the Hugo modules the site imports from
GitHub, vendored into `_vendor` (`github.hugomodules`) since the build runner has no Go and no
network. What cannot be added is a warning on the run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.apacheconfig import ApacheRules, add_htaccess_rules
from chalicelib.budget import TimeBudget
from chalicelib.builtsite import built_site_only
from chalicelib.codefences import mark_highlighted_lines
from chalicelib.errors import ConfigError, NotFoundError, PipelineError
from chalicelib.events import FetchRequest
from chalicelib.github import api_base, branch_head, download_tarball
from chalicelib.github.additions import Reach
from chalicelib.github.heads import pull_request_head
from chalicelib.github.hugomodules import vendor_modules
from chalicelib.github.lfs import fetch_lfs_files
from chalicelib.github.submodules import fetch_submodules
from chalicelib.hugo_policy import asks_for_git_info, paths_outside
from chalicelib.hugosite import a_theme, find_hugo_site, not_a_site
from chalicelib.netlifytoml import NetlifyRules, add_netlify_rules
from chalicelib.notes import listed
from chalicelib.oldhugo import adapt
from chalicelib.postcsspass import pass_over_postcss
from chalicelib.repeatedkeys import drop_repeated_keys
from chalicelib.repeatedkeys import note as repeated_note
from chalicelib.repofolders import mark_site, unmark
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.siteconfig import load_site_config
from chalicelib.vercelconfig import VercelRules, add_vercel_rules
from chalicelib.work import artifacts, work_dir

CONFIG_FILE = "presslift.toml"
GIT_INFO_OFF = {
    "code": "git-info-off",
    "message": "the Hugo config sets enableGitInfo, but Presslift builds run no git (and GitHub's archive "
    "has no history): .GitInfo is empty and lastmod comes from the front matter or the date",
}
#: The longest a repository download may take, when the function has that much left.
DOWNLOAD_SECONDS = 60.0


@dataclass(frozen=True)
class Fetched:
    """The fetch stage's result: the site source it stored and the commit's presslift.toml (kept with
    the run's artifact, not on the stage: every later stage builds with it)."""

    source_key: str
    commit: str
    files: int
    bytes: int
    presslift_toml: str
    summary: str
    #: Submodules fetched into the source ("themes/ananke from owner/theme@abc1234").
    submodules: list[str] = field(default_factory=list)
    #: Hugo modules vendored into `_vendor` ("github.com/owner/theme v1.2.3").
    modules: list[str] = field(default_factory=list)
    #: What could not be fetched or vendored, and why: each a warning on the run.
    warning_list: list[dict[str, str]] = field(default_factory=list)
    #: How many warnings there were, when the list names only the first of a kind.
    warnings_total: int = 0

    def detail(self) -> dict[str, Any]:
        return {
            "source_key": self.source_key,
            "commit": self.commit,
            "files": self.files,
            "bytes": self.bytes,
            "summary": self.summary,
            **({"submodules": self.submodules} if self.submodules else {}),
            **({"modules": self.modules} if self.modules else {}),
            **(
                {
                    "warning_list": self.warning_list,
                    "warnings": max(self.warnings_total, len(self.warning_list)),
                }
                if self.warning_list
                else {}
            ),
        }


def stale(svc: Services, run: Run, request: FetchRequest, *, timeout: float = 10.0) -> str | None:
    """Why this push must not build (its commit is no longer the branch's head), or None.

    Only branch pushes are checked (a tag does not move). A refused token is left for the download to
    report as the stage's error; GitHub being unavailable raises, so the message is retried.
    """
    ref = run.trigger.ref
    if run.trigger.number:
        return _pull_request_moved(svc, run, request, timeout)
    if not ref.startswith("refs/heads/"):
        return None
    branch = ref.removeprefix("refs/heads/")
    try:
        head = branch_head(api_base(), request.repository, branch, token=svc.github_token(), timeout=timeout)
    except NotFoundError:
        return f"branch {branch} of {request.repository} no longer exists; nothing to build"
    except PipelineError:
        return None
    if head != request.sha:
        return (
            f"{request.sha[:7]} is no longer the head of {branch} (GitHub reports {head[:7]}): "
            "a newer push or a replayed one; nothing to build"
        )
    return None


def fetch(svc: Services, run: Run, request: FetchRequest, *, budget: TimeBudget | None = None) -> Fetched:
    budget = budget or TimeBudget.from_context(None)
    with work_dir() as tmp:
        source = download_tarball(
            api_base(),
            request.repository,
            request.sha,
            Path(tmp) / "repo",
            token=svc.github_token(),
            timeout=budget.allow(f"downloading {request.repository}", cap=DOWNLOAD_SECONDS),
        )
        config = load_site_config(source.root)  # validates: errors name the key
        site_root = (source.root / config.source_dir).resolve()
        if not site_root.is_dir() or not site_root.is_relative_to(source.root.resolve()):
            raise ConfigError(
                f"{CONFIG_FILE}: source_dir {config.source_dir!r} is not a folder of the repository"
            )
        config_file = source.root / CONFIG_FILE
        toml = config_file.read_text(encoding="utf-8") if config_file.is_file() else ""
        found_in = ""
        old_hugo: list[str] = []
        postcss: list[str] = []
        fences: list[str] = []
        repeated: list[str] = []
        built_only: list[str] = []
        # Where the site is, when presslift.toml does not say: found, and refused when it is a theme.
        if run.kind != "code" and "source_dir" not in tomllib.loads(toml or ""):
            # No source_dir and no Hugo config at the root: the site in docs/ (or the like) is the site.
            found = find_hugo_site(site_root)
            if found is not None:
                site_root, found_in = found.resolve(), found.name
            if theme := a_theme(site_root):
                raise ConfigError(f"{request.repository}@{request.sha[:7]}: {theme}")
        if run.kind != "code" and (why := not_a_site(site_root)):
            # Built anyway, nothing of it would be published but an empty site in Presslift's theme.
            where = (
                f"source_dir {config.source_dir!r}"
                if site_root != source.root.resolve()
                else "the repository"
            )
            raise ConfigError(
                f"{request.repository}@{request.sha[:7]} is not a Hugo site: {where} has {why}; Presslift "
                f"builds Hugo sites (a site in a folder is named by source_dir in {CONFIG_FILE})"
            )
        # The token reads the site's own repository and what its operator allows, never what a pushed
        # .gitmodules or go.mod names elsewhere (an organisation's token reads all its repositories).
        trusted = (request.repository, *svc.sites.registration(run.site).private_sources)
        reach = Reach(
            svc.github_token(), lambda what: budget.allow(what, cap=DOWNLOAD_SECONDS), trusted=trusted
        )
        # GitHub's archive holds Git LFS pointers, not the files: put the files in their place.
        lfs = fetch_lfs_files(
            request.repository, source.root, site_root, source.lfs, reach, (source.files, source.bytes)
        )
        # GitHub's tarball leaves submodules out: a theme added with `git submodule add` comes next.
        submodules = fetch_submodules(
            request.repository, request.sha, source.root, site_root, reach, lfs.held
        )
        # Hugo fetches module imports with Go, which the build runner has not: vendor them here.
        modules = vendor_modules(site_root, reach, submodules.held, hugo=run.kind != "code")
        git_info = run.kind != "code" and asks_for_git_info(site_root)
        # A site from Netlify may keep redirects and headers in netlify.toml: they join static/_redirects
        # and static/_headers.
        netlify = add_netlify_rules(site_root, source.root) if run.kind != "code" else NetlifyRules()
        vercel = add_vercel_rules(site_root, source.root) if run.kind != "code" else VercelRules()
        apache = add_htaccess_rules(site_root) if run.kind != "code" else ApacheRules()
        # A site written for an older Hugo may use what Hugo removed or renamed (shortcodes, templates,
        # fields), and Hugo's x and vimeo_simple fetch from hosts the operator may not have allowed.
        if run.kind != "code":
            old_hugo = adapt(site_root, svc.sites.registration(run.site).remote_hosts)
            # A theme's PostCSS for autoprefixer alone (an npm package, which builds here do not run).
            postcss = pass_over_postcss(site_root)
            # Posts from Gatsby or Docusaurus mark highlighted lines as ```jsx{3}, which Hugo refuses.
            fences = mark_highlighted_lines(site_root)
            # Hugo 0.152 refuses a YAML key written twice, which it used to read as the last one.
            repeated = drop_repeated_keys(site_root)
            # A repository of a built public/ without the content/ it came from builds the theme alone.
            built_only = [note] if (note := built_site_only(site_root)) else []
        sent, reached = folder_to_send(source.root, site_root) if run.kind != "code" else (site_root, "")
        source_key = artifacts(svc).put_source(run.site, run.id, sent)
    # The run's warnings by code; each source is listed up to notes.MAX_LISTED (a repository over its
    # LFS quota can lack thousands of files, and the run record is one DynamoDB item), all counted.
    warned: list[tuple[str, list[str]]] = [
        ("lfs-file-not-fetched", lfs.skipped),
        ("submodule-not-fetched", submodules.skipped),
        ("module-not-vendored", modules.skipped),
        ("redirect-rule", netlify.skipped),
        ("header-rule", netlify.header_notes),
        ("redirect-rule", vercel.skipped),
        ("header-rule", vercel.header_notes),
        ("redirect-rule", apache.skipped),
        ("old-hugo-theme", old_hugo),
        ("postcss-passed-over", postcss),
        ("code-fence-lines", fences),
        ("repeated-yaml-key", [repeated_note(repeated)] if repeated else []),
        ("built-site-only", built_only),
    ]
    summary = f"{request.repository}@{request.sha[:7]}: {modules.files} files"
    if found_in:
        summary += f", the Hugo site in {found_in}/ (source_dir in {CONFIG_FILE} chooses another)"
    if reached:
        summary += f", the whole repository sent for the site's mounts of {reached}"
    return Fetched(
        source_key=source_key,
        commit=request.sha,
        files=modules.files,
        bytes=modules.bytes,
        presslift_toml=toml,
        summary=", ".join(
            filter(
                None,
                [
                    summary,
                    lfs.summary(),
                    submodules.summary(),
                    modules.summary(),
                    netlify.summary(),
                    vercel.summary(),
                    apache.summary(),
                ],
            )
        ),
        submodules=submodules.done,
        modules=modules.done,
        warnings_total=bool(git_info) + sum(len(notes) for _, notes in warned),
        warning_list=[
            *([GIT_INFO_OFF] if git_info else []),
            *({"code": code, "message": note} for code, notes in warned for note in listed(notes)),
        ],
    )


def folder_to_send(repository: Path, site_root: Path) -> tuple[Path, str]:
    """The folder to send to the build: the site's, or the whole repository with a marker naming the
    site's folder where its config reaches the repository's other folders (`repofolders.py`); and
    those folders, as the summary names them ("" when only the site's is sent)."""
    unmark(site_root)
    top = repository.resolve()
    outside = paths_outside(site_root)
    if not outside or site_root == top or not all(path.is_relative_to(top) for path in outside):
        return site_root, ""  # nothing outside it, or something outside the repository: the build refuses
    unmark(top)
    mark_site(top, site_root)
    named = sorted({path.relative_to(top).as_posix() + ("/" if path.is_dir() else "") for path in outside})
    return top, ", ".join(named[:5]) + (f" and {len(named) - 5} more" if len(named) > 5 else "")


def _pull_request_moved(svc: Services, run: Run, request: FetchRequest, timeout: float) -> str | None:
    """Why a pull request's preview must not build (its head moved on, or it was closed), or None."""
    number = run.trigger.number
    try:
        head, state = pull_request_head(
            api_base(), request.repository, number, token=svc.github_token(), timeout=timeout
        )
    except NotFoundError:
        return f"pull request #{number} of {request.repository} no longer exists; nothing to build"
    except PipelineError:
        return None
    if state == "closed":
        return f"pull request #{number} was closed; nothing to build"
    if head != request.sha:
        return (
            f"{request.sha[:7]} is no longer the head of pull request #{number} (GitHub reports {head[:7]})"
        )
    return None
