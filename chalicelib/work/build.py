"""Build: one tree per stage from the same source (each with its own baseURL), as the run's artifact.

A push or an import waits for one render: the build stage renders staging's tree, and the tree prod
would get is rendered after staging is live (`render_prod`, the `build-prod` stage; a preview's
`review` stage renders it the same way), before anyone is asked to approve it.

The rendering itself (Hugo with the repository's config and templates, Pagefind) runs in the build
runner (`chalicelib/buildrunner`), which holds no key: this stage hands it presigned URLs to fetch the
source and to return the trees and the log, and then, trusted again, hashes each returned tree into a
manifest, makes its search records and stores it; deploys only ever read these artifacts. This stage
must never run repository code itself, nor hand the runner anything but the job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chalicelib.artifacts import log_key, runner_output_key, scratch_archive, unpack
from chalicelib.budget import TimeBudget
from chalicelib.buildrunner.job import THEME_MISSING, BuildJob, RunnerResult, StageRender
from chalicelib.errors import BuildError
from chalicelib.manifest import Manifest
from chalicelib.notes import listed
from chalicelib.npmmounts import NOTE_START as NPM_NOTE_START
from chalicelib.previews.naming import PREVIEW, preview_url
from chalicelib.previews.noindex import with_noindex
from chalicelib.runs import Run
from chalicelib.services import Services
from chalicelib.sitemodel import Site
from chalicelib.theme_path import THEME_NAME
from chalicelib.usage import Usage
from chalicelib.work import artifacts, buildcache, segmented, site_config, work_dir
from chalicelib.work.parity import ProdParity
from chalicelib.work.treestore import server_note, store_stream
from chalicelib.work.unfetched import fetch_left_out, with_unfetched

STAGING, PROD = "staging", "prod"
# Of the time left, what the runner may not use: this stage still unpacks, hashes and stores every tree.
STORE_SHARE = 0.25
STORE_MAX_SECONDS = 120
#: The log of prod's render (after staging is live), beside its build.log; a preview's keeps the name
#: it had when only previews rendered prod after.
PROD_LOG = {"preview": "review-build.log"}
PROD_LOG_DEFAULT = "build-prod.log"
#: The fetch stage's warnings for what it could not add to the source, named when the build then fails.
# Presigned URLs outlive the runner's time by this much, and no more.
URL_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Built:
    """The build stage's result: a stored tree per target (`trees`: their files, bytes and search
    records), all from this run (`artifact_run`), and the build log's key."""

    log_key: str
    hugo: str
    trees: dict[str, dict[str, Any]]
    artifact_run: str
    summary: str
    runner: Usage = field(default_factory=Usage)  # the runner function's, when it is one
    #: The site's kept Hugo cache: "cache restored (N MB)", "no cache yet" or "cache ignored: <why>";
    #: what Hugo wrote into it; and whether it was kept for the next build.
    cache: dict[str, str] = field(default_factory=dict)

    def detail(self) -> dict[str, Any]:
        return {
            "log_key": self.log_key,
            "hugo": self.hugo,
            "trees": self.trees,
            "artifact_run": self.artifact_run,
            "summary": self.summary,
            "cache": self.cache,
            # A cache that was ignored or could not be kept is a warning on the run, never a failure;
            # so is a rule of the site's _redirects or _headers file that S3 cannot serve.
            **({"warnings": self.warnings()} if self.warnings() else {}),
            **({"warning_list": self.redirect_warnings()} if self.redirect_warnings() else {}),
        }

    def warnings(self) -> int:
        return self.cache_warnings() + len(self.redirect_warnings())

    def redirect_warnings(self) -> list[dict[str, str]]:
        """What the site's _redirects and _headers files asked for that could not be kept, a search
        index Pagefind could not make, and Hugo's own warnings (a page's raw HTML it left out, a
        deprecated setting, a missing layout)."""
        found: list[dict[str, str]] = []
        for key, code in (
            ("redirect_notes", "redirect-rule"),
            ("header_notes", "header-rule"),
            ("search_notes", "search-index-failed"),
            ("hugo_notes", "hugo-warning"),
            ("script_notes", "inline-script"),
            ("load_notes", "page-host-refused"),
            ("theme_notes", "theme-replaced"),
            ("name_notes", "file-name-refused"),
            ("server_notes", "server-file"),
        ):
            # in the order the build said them (its first is often the cause of the others), once each
            notes = dict.fromkeys(note for tree in self.trees.values() for note in tree.get(key, []))
            found += [{"code": _code(code, note), "message": note} for note in notes]
        found.sort(key=lambda warning: warning["code"] != "npm-not-run")  # the cause of pages missing
        return found

    def cache_warnings(self) -> int:
        notes = (self.cache.get("restored", ""), self.cache.get("kept", ""))
        return sum(1 for note in notes if note.startswith(("cache ignored", "cache not kept")))

    def usage(self) -> Usage:
        """The trees it stored: their bytes (the requests that stored them are counted as they are sent)."""
        stored = sum(
            tree.get("bytes", 0) for tree in self.trees.values() if isinstance(tree.get("bytes"), int)
        )
        return Usage(bytes_stored=stored) + self.runner


def build(svc: Services, run: Run, source_key: str, budget: TimeBudget) -> Built:
    """Have the runner render every stage's tree, then store each with its manifest and records."""
    config = site_config(run)
    site = svc.sites.registration(run.site)
    stages = (
        preview_stages(svc, site, run) if run.trigger.type == PREVIEW else (stage_render(svc, site, STAGING),)
    )
    trees: dict[str, dict[str, Any]] = {}
    with work_dir() as tmp:
        work = Path(tmp)
        try:
            result, archive = run_runner(
                svc,
                run,
                source_key,
                budget,
                work,
                stages=stages,
                flags=tuple(config.build_flags),
                hugo_version=config.hugo_version,
                keep_cache=True,
            )
        except BuildError as refused:
            raise with_unfetched(refused, run) from refused
        noindex = _Counted(with_noindex) if run.trigger.type == PREVIEW else None
        for stage in stages:
            trees[stage.stage] = _store_tree(svc, run, site, archive, stage, transform=noindex)
            if warned := result.stages.get(stage.stage, {}).get("hugo_warnings"):
                trees[stage.stage]["hugo_notes"] = [named(str(warning), run.site) for warning in warned]
            if failed := result.stages.get(stage.stage, {}).get("search_error"):
                trees[stage.stage]["search_notes"] = [
                    f"{stage.stage} has no search index (its pages are published without one): {failed}"
                ]
        if noindex is not None:
            trees[PREVIEW]["noindex"] = noindex.changed
        if result.theme_fallback.startswith(THEME_MISSING):
            # said in the summary alone, it went unseen; where the fetch stage could not add it, its own
            # warning says why, and this one says what became of the site
            left_out = fetch_left_out(run)
            fix = (
                "the fetch stage's warning says what it could not add"
                if left_out
                else "commit the theme under themes/, or list its git submodule in .gitmodules (a folder "
                "GitHub keeps as a submodule link with no .gitmodules entry is not fetched)"
            )
            trees[stages[0].stage]["theme_notes"] = [
                f"built with Presslift's theme in place of the site's own: {result.theme_fallback}; {fix}"
            ]
    files = ", ".join(f"{stage} {tree['files']} files" for stage, tree in trees.items())
    redirects = max((tree.get("redirects", 0) for tree in trees.values()), default=0)
    files += f", {redirects} redirect{'' if redirects == 1 else 's'} from _redirects" if redirects else ""
    headers = max((tree.get("header_rules", 0) for tree in trees.values()), default=0)
    files += f", {headers} header rule{'' if headers == 1 else 's'} from _headers" if headers else ""
    fallback = f"; theme {THEME_NAME} ({result.theme_fallback})" if result.theme_fallback else ""
    return Built(
        log_key=log_key(run.site, run.id, "build.log"),
        hugo=result.hugo,
        trees=trees,
        artifact_run=run.id,
        summary=f"Hugo {result.hugo}: {files}{fallback}; {result.cache}",
        runner=runner_usage(result),
        cache={"restored": result.cache, "written": result.cache_written, "kept": result.cache_kept},
    )


def _code(code: str, note: str) -> str:
    """A warning's code: Hugo's own warnings by what they ask of the site's owner."""
    if code != "hugo-warning":
        return code
    if note.startswith(NPM_NOTE_START):
        return "npm-not-run"  # pages left out, and what to commit: before Hugo's deprecation notices
    if "--remote-hosts" in note:  # a theme's fetch refused (hextra's search script): what the page lacks
        return "remote-refused"
    deprecation = note.startswith("deprecated:") or " was deprecated in Hugo" in note  # Hugo's own words
    return "hugo-deprecation" if deprecation else code


def stage_render(svc: Services, site: Site, stage: str) -> StageRender:
    """`stage`'s tree as the runner renders it: the site's URL and search params, and a Pagefind index
    unless the site searches with Algolia (which never reads one: measured on the 2,000-page scale
    site, indexing took 1.6 s beside Hugo's 4.8 s)."""
    return StageRender(
        stage,
        svc.settings.site_url(site, stage),
        search_params(svc, site, stage),
        pagefind=site.search.backend != "algolia",
        remote_hosts=site.remote_hosts,
        fix_root_links=site.target(stage).url is None,
    )


def preview_stages(svc: Services, site: Site, run: Run) -> tuple[StageRender, ...]:
    """A preview's tree: at its own URL, searched with its own Pagefind index, never Algolia. The tree
    prod would get, which the change review needs, is rendered after the preview is live
    (`render_for_review`), so a pull request waits for one render, as a push waits for staging's."""
    url = preview_url(svc, site, run.trigger.preview)
    return (StageRender(PREVIEW, url, {"search": "true"}, remote_hosts=site.remote_hosts),)


@dataclass(frozen=True)
class ProdTree:
    """The `build-prod` stage's result (and a preview's `review` stage's): the run's source rendered as
    prod would get it, stored beside staging's tree. What the approval plans and reviews, and what
    deploy-prod publishes; a preview's run can never deploy it (`clearance` keeps it off every target
    but its own preview), so its change review compares like with like."""

    tree: dict[str, Any]
    log_key: str

    def detail(self) -> dict[str, Any]:
        return {
            "trees": {PROD: self.tree},
            "log_key": self.log_key,
            "summary": f"prod tree {self.tree['files']} files",
        }

    def usage(self) -> Usage:
        return Usage(bytes_stored=int(self.tree.get("bytes", 0)))


def render_prod(svc: Services, run: Run, source_key: str, budget: TimeBudget) -> ProdTree:
    """Render and store `run`'s source as prod would get it. It reads the site's Hugo cache, which the
    staging render just left, and keeps none: the same images were processed for staging already."""
    config = site_config(run)
    site = svc.sites.registration(run.site)
    stage = stage_render(svc, site, PROD)
    name = PROD_LOG.get(run.trigger.type, PROD_LOG_DEFAULT)
    with work_dir() as tmp:
        _, archive = run_runner(
            svc,
            run,
            source_key,
            budget,
            Path(tmp),
            keep_cache=True,
            keep_new_cache=False,
            log_name=name,
            stages=(stage,),
            flags=tuple(config.build_flags),
            hugo_version=config.hugo_version,
        )
        parity = None
        if run.trigger.type != PREVIEW:  # a preview's prod tree is reviewed, never deployed
            staging = artifacts(svc).get_manifest(run.site, run.id, STAGING)
            parity = ProdParity(staging, stage.base_url)
        tree = _store_tree(svc, run, site, archive, stage, parity=parity)
    return ProdTree(tree, log_key(run.site, run.id, name))


def runner_usage(result: RunnerResult) -> Usage:
    """The runner function's time at its memory and its requests (one, or a segmented build's several);
    nothing for a child process (its time is the stage function's own). A runner that did not say its
    memory adds only the requests."""
    if result.seconds <= 0:
        return Usage()
    gb_seconds = result.seconds * result.memory_mb / 1024 if result.memory_mb else None
    return Usage(lambda_gb_seconds=gb_seconds, lambda_requests=result.invocations)


def hand_off(
    svc: Services,
    run: Run,
    source_key: str,
    budget: TimeBudget,
    into: Path,
    **job: Any,
) -> RunnerResult:
    """Give the runner a job for this run's source (`run_runner`) and unpack what it returned into
    `into` (a code site's bundle)."""
    result, archive = run_runner(svc, run, source_key, budget, into.parent, **job)
    unpack(archive, into)
    archive.unlink()
    return result


def run_runner(
    svc: Services,
    run: Run,
    source_key: str,
    budget: TimeBudget,
    scratch: Path,
    keep_cache: bool = False,
    keep_new_cache: bool = True,
    log_name: str = "build.log",
    **job: Any,
) -> tuple[RunnerResult, Path]:
    """Give the runner a job for this run's source (`job`: what to build), wait for it, and return
    its result and the archive it returned (in `scratch`); BuildError with the runner's own message
    when it failed. With `keep_cache`, the runner also gets the site's kept Hugo cache and (with
    `keep_new_cache`, never for a preview) leaves the next one (`buildcache`).

    The runner function gets presigned URLs; a child process on this machine (no runner function)
    gets files in this stage's scratch folder, and this stage moves them to and from S3 itself.
    """
    store = artifacts(svc)
    runner = svc.build_runner
    allowed = budget.allow("the build runner")
    seconds = max(1.0, allowed - min(STORE_MAX_SECONDS, allowed * STORE_SHARE))
    expires = int(seconds) + URL_GRACE_SECONDS
    output_key = runner_output_key(run.site, run.id, "output.tar.gz")
    build_log = log_key(run.site, run.id, log_name)
    archive = scratch / "output.tar.gz"
    if runner.shares_disk:
        source, log = scratch / "source.tar.gz", scratch / "runner.log"
        store.get_object_file(source_key, source, "site source")
        urls = (source.as_uri(), archive.as_uri(), log.as_uri())
    else:
        urls = (
            store.presign_get(source_key, expires),
            store.presign_put(output_key, "application/gzip", expires),
            store.presign_put(build_log, "text/plain; charset=utf-8", expires),
        )
    cache = (
        buildcache.offer(
            store,
            run.site,
            scratch,
            runner.shares_disk,
            expires,
            keep=keep_new_cache and run.trigger.type != PREVIEW,
        )
        if keep_cache
        else buildcache.CacheOffer()
    )
    request = BuildJob(
        *urls,
        seconds=seconds,
        site=run.site,
        cache_url=cache.cache_url,
        keep_cache_url=cache.keep_cache_url,
        **{"stages": (), **job},
    )
    result = segmented.runner_for(svc, run, runner, store, scratch, expires).run(request)
    if keep_cache:
        not_kept = buildcache.store_kept(store, run.site, cache) if result.ok else ""
        result = replace(result, cache=cache.note or result.cache, cache_kept=not_kept or result.cache_kept)
    if runner.shares_disk:
        source.unlink(missing_ok=True)
        if log.exists():
            store.put_log(run.site, run.id, log_name, log.read_text(encoding="utf-8", errors="replace"))
    if not result.ok:
        said = named(result.error or "the build runner failed", run.site)
        raise BuildError(said, log_tail=result.log_tail)
    if not runner.shares_disk:
        store.get_object_file(output_key, archive, "the build runner's output")
    return result, archive


def _store_tree(
    svc: Services,
    run: Run,
    site: Site,
    archive: Path,
    stage: StageRender,
    transform: Callable[[str, bytes], bytes] | None = None,
    parity: ProdParity | None = None,
) -> dict[str, Any]:
    """Hash, index and store one stage's tree from the runner's `archive`, in one pass
    (`treestore`); the runner's output is checked, never trusted. Search records are made for a site
    that searches with Algolia (Pagefind's index is in the tree already). Prod's tree is held to
    staging's (`parity`): one that differs fails once stored."""
    from chalicelib.search.records import DEFAULT_MAX_RECORD_BYTES, is_searchable_path, records_json
    from chalicelib.search.records import records_of_page as page_records

    def records(path: str, html: bytes) -> list[dict[str, Any]]:
        if not is_searchable_path(path):
            return []
        return page_records(html, path, stage.base_url, DEFAULT_MAX_RECORD_BYTES)

    manifest = Manifest(site=run.site, run_id=run.id, stage=stage.stage, base_url=stage.base_url)
    algolia = site.search.backend == "algolia"
    store = artifacts(svc)
    with scratch_archive() as tree:
        stored = store_stream(
            archive,
            tree,
            manifest,
            transform=transform,
            page_records=records if algolia else None,
            each_page=parity.page if parity is not None else None,
        )
        manifest.loads = sorted(stored.loads)
        store.put_tree_archive(tree, manifest)
    if parity is not None:
        parity.check(manifest, stored.loads)
    if algolia:
        store.put_records(run.site, run.id, stage.stage, records_json(stored.records))
    header_rules = len(manifest.cache_rules) + len(manifest.header_rules)  # kept from the site's _headers
    load_notes = _refused_loads(run.site, site, stage, stored.loads)
    return {
        "files": len(manifest.files),
        "bytes": manifest.total_bytes,
        **({"records": len(stored.records)} if algolia else {}),
        **({"redirects": stored.redirect_rules} if stored.redirect_rules else {}),
        **({"header_rules": header_rules} if header_rules else {}),
        **({"redirect_notes": listed(stored.redirect_notes)} if stored.redirect_notes else {}),
        **({"header_notes": listed(stored.header_notes)} if stored.header_notes else {}),
        **({"script_notes": listed(stored.script_notes)} if stored.script_notes else {}),
        **({"name_notes": listed(stored.name_notes)} if stored.name_notes else {}),
        **({"server_notes": [note]} if (note := server_note(stored.server_files)) else {}),
        **({"load_notes": load_notes} if load_notes else {}),
    }


def _refused_loads(name: str, site: Site, stage: StageRender, loads: set[str]) -> list[str]:
    """A note naming the hosts the pages load from that the sites' policy refuses, and the command
    that allows them (see `pageloads`)."""
    from chalicelib.pageloads import MAX_HOSTS, allow_command, refused_hosts

    refused = refused_hosts(loads, site.page_hosts, urlsplit(stage.base_url).hostname or "")
    if not refused:
        return []
    named_here = ", ".join(refused[:MAX_HOSTS]) + (
        f" and {len(refused) - MAX_HOSTS} more" if len(refused) > MAX_HOSTS else ""
    )
    return [
        f"pages load scripts, stylesheets or frames from {named_here}, which the site's "
        f"Content-Security-Policy refuses (they do not load there); the site's operator allows them "
        f"with `{allow_command(name, site.page_hosts, refused)}`"
    ]


def named(said: str, site: str) -> str:
    """A runner's message with the site's name where its advice says SITE (the runner's hints cannot
    know it): `presslift site update harbour --remote-hosts cdn.example`."""
    return said.replace("presslift site update SITE ", f"presslift site update {site} ")


class _Counted:
    """A page transform that counts the pages it changed (a preview's noindex tag)."""

    def __init__(self, change: Callable[[bytes], bytes]) -> None:
        self._change = change
        self.changed = 0

    def __call__(self, path: str, html: bytes) -> bytes:
        changed = self._change(html)
        self.changed += changed != html
        return changed


def search_params(svc: Services, site: Site, stage: str) -> dict[str, str]:
    """Site params for the theme's search page: the backend, and for Algolia only public values (the
    search-only key; the admin key never reaches a site)."""
    params = {"search": "true"}
    search = site.search  # the registration's, never the repository's
    if search.backend == "algolia" and search.app_id and search.index_name and search.search_key:
        from chalicelib.work.deploy import algolia_index

        params.update(
            algolia_appId=search.app_id,
            algolia_indexName=algolia_index(site, stage),
            algolia_searchKey=search.search_key,
        )
        if svc.settings.algolia_hosts:
            params["algolia_host"] = svc.settings.algolia_hosts[0]
    return params
